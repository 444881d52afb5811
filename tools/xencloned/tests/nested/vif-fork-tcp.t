#!/bin/sh
# vif-fork-tcp.t: a guest forks while it holds a TCP connection to Dom0
# (tcpfork against busybox nc). What each side sees (docs/network-clones.md):
# - mode new: the child's address changes at once; lwIP drops the
#   connection it inherited (its RST is not sent), so its write fails;
#   Dom0 sees only the parent's bytes and the parent reads Dom0's reply.
# - mode same: both domains hold the same connection (same 4-tuple and
#   sequence numbers) behind the family's bond. Both write the same
#   number of bytes at the same sequence number: Dom0 keeps the first
#   copy and drops the second as a retransmission, so exactly one "after"
#   line arrives; Dom0's reply reaches exactly one member (the bond hashes
#   the flow to one slave); the other hears nothing.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 15

# scenario NAME PORT MODE: tcpfork NAME against nc on PORT, children in
# MODE; sets P (parent) and C (child); /tmp/gotPORT is what Dom0 received.
# Runs in the test's own shell (not under ok, whose $(...) would keep fd 3
# and wait for nc): fd 3 writes to nc's stdin.
scenario() {
    rm -f /tmp/in$2 /tmp/got$2
    mkfifo /tmp/in$2
    nc -l -p "$2" </tmp/in$2 >/tmp/got$2 2>/tmp/nc$2.err &
    exec 3>/tmp/in$2
    guest_create "$1" tcpfork "cmdline=\"peer=198.18.0.1 port=$2 wait=600\"" \
        >/dev/null 2>&1 &&
        wait_console 120 "$1" "^tcpfork [0-9]+: connected" || return 1
    P=$(domid_of "$1")
    xenstore-write "/local/domain/$P/data/clone/net-mode" "$3" || return 1
    echo go >&3
    wait_console 120 "$1" "^tcpfork $P \\(parent\\): sent" || return 1
    C=$(xl list | awk -v p="$1-clone-" 'index($1, p) == 1 {print $2}' | head -n 1)
    [ -n "$C" ] && wait_console 120 "$1-clone-$C" "^tcpfork $C \\(child\\): sent"
}
lines() { grep -c "$1" /tmp/got$2; }

# --- mode new
scenario tn 7001 new
is "$?" 0 "new: tcpfork connected, forked, both wrote"
is "$(lines "^before $P\$" 7001)" 1 "  Dom0 got 'before $P'"
ok "  the child's write failed (its copy was dropped)" console_has \
    "tn-clone-$C" "^tcpfork $C \\(child\\): sent 'after': (Connection|Software)"
echo reply >&3
ok "  the parent reads Dom0's reply" wait_console 60 tn \
    "^tcpfork $P \\(parent\\): received 'reply'"
is "$(lines "^after $P\$" 7001)" 1 "  Dom0 got the parent's 'after $P'"
is "$(lines "^after $C\$" 7001)" 0 "  and nothing from the child"
ok "  the child never got the reply" sh -c \
    "! grep -q 'received' $CONSOLE_DIR/guest-tn-clone-$C.log"
exec 3>&-
show_console "tn-clone-$C"
destroy_wait "$C"; destroy_wait tn

# --- mode same
scenario ts 7002 same
is "$?" 0 "same: tcpfork connected, forked, both wrote"
is "$(lines "^before $P\$" 7002)" 1 "  Dom0 got 'before $P'"
ok "  both writes succeeded locally" sh -c \
    ". /usr/lib/xen-clone/tap.sh; console_has ts \"^tcpfork $P \\(parent\\): sent 'after': ok\" &&
     console_has ts-clone-$C \"^tcpfork $C \\(child\\): sent 'after': ok\""
echo reply >&3
ok "  one member reads Dom0's reply" wait_for 60 sh -c \
    "cat $CONSOLE_DIR/guest-ts.log $CONSOLE_DIR/guest-ts-clone-$C.log |
     grep -q \"received 'reply'\""
is "$(cat $CONSOLE_DIR/guest-ts.log $CONSOLE_DIR/guest-ts-clone-$C.log |
    grep -c "received 'reply'")" 1 "  exactly one"
# A segment lost while the family's bond takes the parent's vif comes
# again only after lwIP's retransmission timeout: wait for the first copy
# before counting (CI once counted too early).
wait_for 60 sh -c "grep -q '^after ' /tmp/got7002"
is "$(($(lines "^after $P\$" 7002) + $(lines "^after $C\$" 7002)))" 1 \
    "  Dom0 got exactly one of the two 'after' lines"
diag "Dom0 received: $(tr '\n' ' ' </tmp/got7002)"
ok "  the family shares a bond" test -d "/sys/class/net/xcb$P.0/bonding"
exec 3>&-
show_console ts
show_console "ts-clone-$C"
destroy_wait "$C"; destroy_wait ts
ok "no vif, bond or slot left" wait_for 30 sh -c "! ip -o link | grep -qE '^[0-9]+: (vif|xcb|xcs|xcp)'"
done_testing
