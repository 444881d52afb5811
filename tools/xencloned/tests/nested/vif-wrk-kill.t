#!/bin/sh
# vif-wrk-kill.t: 'httpd workers=4' (network mode "same": one bond of 4
# flow slots, balance-xor, layer3+4); 16 keep-alive connections are held
# open and wrk runs 8 more; one worker is destroyed under that load.
# Checked exactly (docs/network-clones.md, "A member that ends"): every
# held connection of a survivor is answered again on the same connection
# by the same member; every held connection of the destroyed worker
# fails; wrk goes on (its failures can only be its own connections that
# the destroyed worker held: at most 8); the bond keeps its 4 slots and
# the destroyed worker's slot leads to a survivor; new connections are
# all answered, by the 3 survivors only; nothing is left at the end.
# run-in-dom0: timeout=1800
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

IP=198.18.0.11
BIN=/usr/lib/xen-clone/bin
LOG=/var/log/xen/xencloned.log
CONNS=8
HELD=16
plan 22

ok "httpd workers=4 created" guest_create k httpd \
    'cmdline="port=80 size=1024 workers=4"'
ok "  the parent forked 3 workers" wait_console 180 k "^httpd: 4 workers"
p=$(domid_of k)
kids=$(sed -n "s/.*child \([0-9]*\): vif[0-9.]* (vif 0 of $p) connected, mode same, bond xcb$p.0 in .*/\1/p" $LOG | tr '\n' ' ')
is "$(echo $kids | wc -w)" 3 "3 workers in bond xcb$p.0 ($kids)"
for c in $kids; do wait_console 60 "k-clone-$c" "serving" || true; done
B=/sys/class/net/xcb$p.0
slots() { tr ' ' '\n' <$B/bonding/slaves | grep . | sort | tr '\n' ' '; }
is "$(slots)" "xcs$p.0.0 xcs$p.0.1 xcs$p.0.2 xcs$p.0.3 " \
    "  the bond's slaves are 4 slots"
leads() { for k in 0 1 2 3; do cat /sys/class/net/xcp$p.0.$k/ifalias; done | sort | tr '\n' ' '; }
want=$(for d in $p $kids; do echo "vif$d.0"; done | sort | tr '\n' ' ')
is "$(leads)" "$want" "  one to each member's vif"
out=$(timeout 600 $BIN/minios-httpcheck --domids $IP 80 100 2>&1)
like "$(echo "$out" | tail -1)" 'errors 0$' "before: 100 connections all answered"
is "$(echo "$out" | grep -c '^domid')" 4 "  by all 4 members"

# 16 connections held open (one request each so far).
rm -f /tmp/go /tmp/hold.out
$BIN/minios-httpcheck --hold /tmp/go $IP 80 $HELD >/tmp/hold.out 2>&1 &
holder=$!
ok "$HELD held connections answered once" wait_for 300 sh -c \
    "[ \$(grep -c '^conn [0-9]* before [0-9]' /tmp/hold.out) = $HELD ]"
note_file /tmp/hold.out
# The victim: the worker that holds the most of them.
victim=$(for c in $kids; do echo "$(grep -c "^conn [0-9]* before $c\$" /tmp/hold.out) $c"; done |
    sort -rn | head -1 | cut -d' ' -f2)
nv=$(grep -c "^conn [0-9]* before $victim\$" /tmp/hold.out)
ns=$(grep '^conn [0-9]* before [0-9]' /tmp/hold.out | grep -vc " before $victim\$")
cmp_ok "$nv" -gt 0 "worker $victim (the victim) holds $nv of them"
cmp_ok "$ns" -gt 0 "  the survivors hold $ns"

# wrk in the foreground; the worker is destroyed 15 s into its 40 s.
(sleep 15; destroy_wait "$victim"; echo $? >/tmp/destroyed) &
killer=$!
wrk -t1 -c$CONNS -d40s --timeout 30s "http://$IP:80/" >/tmp/wrk.out 2>&1
wait $killer
is "$(cat /tmp/destroyed 2>&1)" 0 "worker $victim destroyed under load"
note_file /tmp/wrk.out
reqs=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' /tmp/wrk.out)
cmp_ok "${reqs:-0}" -gt 0 "wrk got answers"
errs=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' /tmp/wrk.out |
    awk '{print $1 + $2 + $3 + $4}')
# (Checked only if wrk ran: no output has no errors either.)
ok "  failures (${errs:-0}) at most its $CONNS connections" \
    test -n "$reqs" -a "${errs:-0}" -le $CONNS
ok "  no bad response" sh -c "[ -n '$reqs' ] && ! grep -q 'Non-2xx' /tmp/wrk.out"

# The held connections, asked again on the same connections.
touch /tmp/go
wait $holder
note_file /tmp/hold.out
bad=0
for c in $(seq 0 $((HELD - 1))); do
    b=$(sed -n "s/^conn $c before //p" /tmp/hold.out)
    a=$(sed -n "s/^conn $c after //p" /tmp/hold.out)
    [ "$b" = "$victim" ] || [ "$a" = "$b" ] || { diag "conn $c: before $b, after $a"; bad=$((bad + 1)); }
done
is "$bad" 0 "all $ns held connections of survivors answered again, on the same connection, by the same member"
is "$(grep -c "^conn [0-9]* after failed" /tmp/hold.out)" "$nv" \
    "  all $nv of the victim failed, and only those"

ok "the bond keeps its 4 slots" test "$(slots)" = \
    "xcs$p.0.0 xcs$p.0.1 xcs$p.0.2 xcs$p.0.3 "
ok "  none leads to the victim's vif any more" wait_for 30 sh -c \
    "! cat /sys/class/net/xcp$p.0.*/ifalias | grep -qx vif$victim.0"
out=$(timeout 600 $BIN/minios-httpcheck --domids $IP 80 100 2>&1)
like "$(echo "$out" | tail -1)" 'connections 100, requests 100 ok, errors 0$' \
    "after: 100 new connections all answered"
echo "$out" | grep '^domid' | sed 's/^/# after: /'
is "$(echo "$out" | grep '^domid' | grep -vc "^domid $victim:")" 3 \
    "  by the 3 survivors"
ok "  none by the destroyed worker" sh -c "! echo '$out' | grep -q '^domid $victim:'"
for c in $kids; do [ $c = $victim ] || destroy_wait $c; done
destroy_wait k
ok "no vif, bond, slot or bridge port is left" wait_for 30 sh -c \
    "! ip -o link | grep -qE '^[0-9]+: (vif|xcb|xcs|xcp)' &&
     [ -z \"\$(ls /sys/class/net/xenbr0/brif)\" ]"
done_testing
