#!/bin/sh
# net-destroy.t: an httpd guest destroyed in the middle of 1 MiB transfers
# leaves nothing behind: no vif in ip link, no bridge port, no backend
# XenStore node, Xen's free memory back to the page (pages Xen adds to
# Dom0's maptrack for netback's mappings under load are counted, not taken
# for a leak). Then 50 create/destroy cycles of a netecho guest (up and
# answering a ping within 20 s each time) leave nothing behind either.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

IP=198.18.0.11
plan 13

# leftovers DOMID: what a destroyed guest's vif left in Dom0 (empty: none).
leftovers() {
    ip -o link 2>/dev/null | grep -o "vif$1\.[0-9]*" | sed 's/^/link /'
    ls /sys/class/net/xenbr0/brif/ 2>/dev/null | grep "^vif$1\." |
        sed 's/^/bridge port /'
    xenstore-ls "/local/domain/0/backend/vif/$1" >/dev/null 2>&1 &&
        echo "backend node /local/domain/0/backend/vif/$1"
}

# Xen keeps some tables for Dom0 for good once grown (grant maptrack per
# vCPU, event-channel buckets): grow them first, with one network guest too.
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
ok "warm-up: a network guest up and destroyed" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     guest_create w netecho && wait_console 60 w '^netecho: echoing' &&
     ping -c 1 -W 5 198.18.0.10 && destroy_wait w"
before=$(free_pages)
# netback maps the guest's TX grants: under a 1 MiB transfer Dom0 may
# need more maptrack entries at once than ever before, and Xen adds a
# page (kept for Dom0's life); free_is_back counts those.
mt=$(maptrack_frames 0)

ok "xl create httpd size=1048576" guest_create hd httpd \
    'cmdline="port=80 size=1048576"'
ok "httpd is up" wait_console 60 hd '^httpd: serving 1048576 bytes'
id=$(domid_of hd)
(while wget -q -O /dev/null "http://$IP/"; do :; done) >/dev/null 2>&1 &
loop=$!
# The vif's rx counts what the guest sent: past 1.5 MiB, a second body
# is on its way.
ok "transfers under way (the guest has sent 1.5 MiB)" wait_for 60 sh -c \
    "[ \$(cat /sys/class/net/vif$id.0/statistics/rx_bytes) -gt 1572864 ]"
ok "xl destroy in the middle of a transfer" destroy_wait hd
kill "$loop" 2>/dev/null
wait "$loop" 2>/dev/null
is "$(wait_for 30 sh -c "[ -z \"\$(ip -o link | grep vif$id\\.)\" ]"; leftovers "$id")" \
    "" "no vif, no bridge port, no backend node left"
free_is_back "Xen's free memory is back exactly" "$before" "$mt"

# 50 cycles.
bad=0 first=
for i in $(seq 50); do
    rm -f "$CONSOLE_DIR/guest-c.log"
    guest_create c netecho >/dev/null 2>&1 &&
        wait_console 60 c '^netecho: echoing' &&
        wait_for 20 ping -c 1 -W 2 198.18.0.10 || {
        bad=$((bad + 1)); [ -n "$first" ] || first=$i; }
    cid=$(domid_of c)
    destroy_wait c
    [ -z "$(leftovers "$cid")" ] || { bad=$((bad + 1)); [ -n "$first" ] || first="$i (leftovers)"; }
done
is "$bad" 0 "50 create/up/ping/destroy cycles, each clean${first:+ (first failure: cycle $first)}"
is "$(ip -o link | grep -c 'vif[0-9]')" 0 "no vif at all in ip link"
is "$(ls /sys/class/net/xenbr0/brif/ | wc -l)" 0 "no port left on xenbr0"
is "$(xenstore-list /local/domain/0/backend/vif 2>/dev/null | wc -l)" 0 \
    "no backend vif node left"
free_is_back "Xen's free memory is back exactly after 50 cycles" "$before" "$mt"
done_testing
