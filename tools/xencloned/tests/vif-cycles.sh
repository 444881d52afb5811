# vif-cycles.sh: the clone/destroy cycle scenario of a networked guest,
# shared by tests/nested/vif-cycles.t (make test: a short run) and
# tests/long/vif-cycles.t (make test-long: 100 cycles in mode new, 30 in
# mode same). Installed in Dom0 as /usr/lib/xen-clone/vif-cycles.sh.

# vif_cycles_scenario N S: N cycles in mode new, then S in mode same.
vif_cycles_scenario() {
    LOG=/var/log/xen/xencloned.log
    N=$1
    S=$2
    BIN=/usr/lib/xen-clone/bin
    plan 17

    ok "warm Xen's tables for Dom0" warm_xen_tables
    ok "httpd created" guest_create h httpd
    ok "  serving" wait_console 90 h "^httpd: serving 1024 bytes"
    p=$(domid_of h)
    ok "mode new for its children" \
        xenstore-write "/local/domain/$p/data/clone/net-mode" new

    # cycle K [same]: clone, check the child's vif (and HTTP every tenth), destroy
    # (whatever the checks said, so one failure does not leave a domain).
    cycle() {
        c=$(xl clone h 2>/dev/null | grep -E '^[0-9]+$' | head -n 1)
        [ -n "$c" ] || { echo "cycle $1: xl clone failed"; return 1; }
        _bad=$(check_child "$1" "$c" "$2")
        destroy_wait "$c" || _bad="$_bad; child $c was not destroyed"
        [ -z "$_bad" ] || { echo "cycle $1:$_bad"; return 1; }
    }
    # check_child K C [same]: what is wrong with child C of cycle K (nothing:
    # empty); "same": in network mode same (its vif in the family's bond).
    check_child() {
        [ "$(xenstore-read /local/domain/0/backend/vif/$2/0/state)" = 4 ] ||
            echo " child $2's backend is not connected"
        if [ "$3" = same ]; then
            # Slot 0 is the parent's; every child takes slot 1, the
            # ended child's: the bond never grows.
            [ "$(cat /sys/class/net/xcp$p.0.1/ifalias 2>&1)" = "vif$2.0" ] &&
                [ "$(cat /sys/class/net/vif$2.0/ifalias 2>&1)" = "xcp$p.0.1" ] ||
                echo " vif$2.0 is not in slot 1 of bond xcb$p.0"
            if [ $(($1 % 10)) = 0 ]; then
                out=$($BIN/minios-httpcheck 198.18.0.11 80 20 2>&1 | tail -n 1)
                echo "$out" | grep -q 'errors 0$' ||
                    echo " the family's address: $out"
            fi
            return
        fi
        [ -e "/sys/class/net/xenbr0/brif/vif$2.0" ] ||
            echo " vif$2.0 is not on xenbr0"
        if [ $(($1 % 10)) = 0 ]; then
            ip=$(xenstore-read /local/domain/0/backend/vif/$2/0/ip)
            # (Not busybox wget: its -T, and -q with -S, segfault.)
            got=$($BIN/minios-httpcheck --domids "$ip" 80 1 2>&1 |
                sed -n 's/^domid \([0-9]*\): 1 responses$/\1/p')
            [ "$got" = "$2" ] || echo " child $2 at $ip answered as '$got'"
        fi
    }

    ok "cycle 1" cycle 1
    ok "  its vif and backend are gone" wait_for 30 sh -c \
        "[ \"\$(ls /sys/class/net/xenbr0/brif | tr '\n' ' ')\" = 'vif$p.0 ' ] &&
         [ \"\$(xenstore-list /local/domain/0/backend/vif)\" = $p ]"
    before=$(free_pages)
    bad=0
    for k in $(seq 2 $N); do
        msg=$(cycle "$k" 2>&1) || { bad=$((bad + 1)); diag "$msg"; }
    done
    is "$bad" 0 "cycles 2..$N: every child connected, every tenth answered, all destroyed"
    ok "xencloned connected $N children" sh -c \
        "[ \$(grep -c 'vif 0 of $p) connected, mode new' $LOG) -ge $N ]"
    ok "no vif, bridge port or backend but the parent's" wait_for 30 sh -c \
        "[ \"\$(ls /sys/class/net/xenbr0/brif | tr '\n' ' ')\" = 'vif$p.0 ' ] &&
         [ \"\$(xenstore-list /local/domain/0/backend/vif)\" = $p ] &&
         [ \$(ip -o link | grep -cE '^[0-9]+: vif') = 1 ]"

    # Mode same: each child joins the family's bond and leaves it.
    ok "mode same for its children" \
        xenstore-write "/local/domain/$p/data/clone/net-mode" same
    bad=0
    for k in $(seq 1 $S); do
        msg=$(cycle "$k" same 2>&1) || { bad=$((bad + 1)); diag "$msg"; }
    done
    is "$bad" 0 "mode same: $S cycles, every child in slot 1 of bond xcb$p.0, every tenth cycle 20 connections to the family all answered, all destroyed"
    ok "  the bond keeps 2 slots, both leading to the parent's vif, and is xenbr0's only port" \
        wait_for 30 sh -c \
        "[ \"\$(cat /sys/class/net/xcb$p.0/bonding/slaves)\" = 'xcs$p.0.0 xcs$p.0.1' ] &&
         [ \"\$(cat /sys/class/net/xcp$p.0.0/ifalias /sys/class/net/xcp$p.0.1/ifalias | tr '\n' ' ')\" = 'vif$p.0 vif$p.0 ' ] &&
         [ \"\$(ls /sys/class/net/xenbr0/brif | tr '\n' ' ')\" = 'xcb$p.0 ' ] &&
         [ \"\$(xenstore-list /local/domain/0/backend/vif)\" = $p ] &&
         [ \$(ip -o link | grep -cE '^[0-9]+: vif') = 1 ]"
    is "$(xenstore-list /local/domain | tr '\n' ' ')" "0 $p " \
        "no XenStore home but Dom0's and the parent's"
    is "$(nr_domains)" 2 "no domain but Dom0 and the parent (none held dying)"
    free_is_back "Xen's free memory is exactly back" "$before"
    ok "xl destroy the parent" destroy_wait h
    ok "no vif, bond or slot is left" wait_for 30 sh -c \
        "! ip -o link | grep -qE '^[0-9]+: (vif|xcb|xcs|xcp)'"
    done_testing
}
