#!/bin/sh
# vif-workers.t: 'httpd workers=4' listens, then forks 3 workers (clones
# in network mode "same", the default: the parent's MAC and address).
# xencloned puts the family's vifs in one bond (balance-xor, layer3+4
# hash) on xenbr0 in place of the parent's port; 2,000 requests from
# Dom0 (500 connections of 4) are all answered, and every worker
# (X-Domid) serves some. Ending the family leaves no vif, bond, bridge port or XenStore node.
# run-in-dom0: timeout=2400
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

IP=198.18.0.11
BIN=/usr/lib/xen-clone/bin
LOG=/var/log/xen/xencloned.log
plan 21

ok "httpd workers=4 created" guest_create w httpd \
    'cmdline="port=80 size=1024 workers=4"'
ok "  the parent forked 3 workers" wait_console 180 w "^httpd: 4 workers"
p=$(domid_of w)
kids=$(sed -n "s/.*child \([0-9]*\): vif[0-9.]* (vif 0 of $p) connected, mode same, bond xcb$p.0 in .*/\1/p" $LOG | tr '\n' ' ')
is "$(echo $kids | wc -w)" 3 "xencloned connected 3 children in bond xcb$p.0 ($kids)"
for c in $kids; do
    ok "  worker $c says it serves" wait_console 60 "w-clone-$c" \
        "^httpd: worker [1-3] \\(domid $c\\) serving"
done
B=/sys/class/net/xcb$p.0
is "$(cut -d' ' -f1 $B/bonding/mode 2>&1)" balance-xor "the bond is balance-xor"
is "$(cut -d' ' -f1 $B/bonding/xmit_hash_policy 2>&1)" layer3+4 \
    "  with the layer3+4 hash"
is "$(tr ' ' '\n' <$B/bonding/slaves | grep . | sort | tr '\n' ' ')" \
    "xcs$p.0.0 xcs$p.0.1 xcs$p.0.2 xcs$p.0.3 " "  its slaves are 4 flow slots"
want=$(for d in $p $kids; do echo "vif$d.0"; done | sort | tr '\n' ' ')
is "$(cat /sys/class/net/xcp$p.0.[0-3]/ifalias | sort | tr '\n' ' ')" "$want" \
    "  one leading to each of the family's 4 vifs"
is "$(ls /sys/class/net/xenbr0/brif | tr '\n' ' ')" "xcb$p.0 " \
    "  and it is xenbr0's only port"

# Every member answers only if it knows Dom0's MAC: the bond hashes ARP
# (not IP) to one member, so the others learn it from Dom0's IPv4 frames
# (minios-guest/net/net.c learn_sender(); docs/network-clones.md).
# 500 connections of 4 requests each: 2,000 requests over 500 flows.
out=$(timeout 1500 $BIN/minios-httpcheck --domids $IP 80 500 4 2>&1)
like "$(echo "$out" | tail -1)" 'connections 500, requests 2000 ok, errors 0$' \
    "2,000 requests on 500 connections, every one answered"
echo "$out" | grep -v '^connection [0-9]' | sed 's/^/# /'
echo "$out" | grep '^connection [0-9]' | head -5 | sed 's/^/# /'
for d in $p $kids; do
    n=$(echo "$out" | sed -n "s/^domid $d: \([0-9]*\) responses/\1/p")
    cmp_ok "${n:-0}" -gt 0 "  domain $d served some (${n:-0})"
done
is "$(echo "$out" | grep -c '^domid')" 4 "  and nobody else did"

ok "xl destroy the workers" sh -c ". /usr/lib/xen-clone/tap.sh;
    for c in $kids; do destroy_wait \$c || exit 1; done"
ok "xl destroy the parent" destroy_wait w
ok "no vif, bond, slot or bridge port is left" wait_for 30 sh -c \
    "! ip -o link | grep -qE '^[0-9]+: (vif|xcb|xcs|xcp)' &&
     [ -z \"\$(ls /sys/class/net/xenbr0/brif)\" ]"
ok "no backend node is left" wait_for 30 sh -c \
    "! xenstore-ls /local/domain/0/backend/vif >/dev/null 2>&1 ||
     [ -z \"\$(xenstore-list /local/domain/0/backend/vif)\" ]"
done_testing
