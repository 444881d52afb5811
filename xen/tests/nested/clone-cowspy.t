#!/bin/sh
# clone-cowspy.t: frames a clone family shares are mapped by its members
# only. A counter guest is cloned (most of its frames become shared, owned
# by dom_cow); Dom0 reads the range of its machine frames; the guest app
# cowspy, in no family, tries to map every frame of that range that is not
# its own, read-only: Xen refuses every one (on the previous main it
# mapped the family's shared frames and read them). The family itself goes
# on: parent and clone keep counting.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

[ -f "$IMAGES/cowspy" ] || bail_out "no cowspy image in $IMAGES"
plan 8

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
before=$(free_pages)
guest_create victim counter memory=16 >/dev/null 2>&1
ok "a 16 MB counter guest runs" wait_console 60 victim 'counter [0-9]+: 1$'
v=$(domid_of victim)
c=$(xl clone victim 2>/dev/null)
ok "xl clone victim: its frames are shared with the clone ($c)" \
    test -n "$c"
# The victim's machine frames, from its P2M (decimal, for cowspy).
range=$(xen-mfndump dump-p2m "$v" 2>/dev/null |
    sed -n 's/.*mfn=0x\([0-9a-f]*\).*/\1/p' |
    while read -r m; do echo $((0x$m)); done | sort -n |
    awk 'NR == 1 {lo = $1} {hi = $1} END {if (NR) print lo, hi + 1, NR}')
set -- $range
lo=$1 hi=$2 n=$3
cmp_ok "${n:-0}" -ge 4096 "Dom0 read the victim's P2M: ${n:-0} frames in [$lo, $hi)"
guest_create spy cowspy "cmdline=\"lo=$lo hi=$hi\"" >/dev/null 2>&1
ok "cowspy scanned the range" wait_console 400 spy \
    '^cowspy: [0-9]+ of [0-9]+ frames not its own were mapped$'
line=$(console_line spy '^cowspy: [0-9]+ of')
diag "$line"
like "$line" '^cowspy: 0 of [1-9][0-9]* frames' \
    "no frame of the clone family (nor of anyone) was mapped"
grep -a '^cowspy: mapped mfn' "$CONSOLE_DIR/guest-spy.log" | sed 's/^/# /'
k=$(grep -c '^counter' "$CONSOLE_DIR/guest-victim.log")
ok "the family goes on: the parent still counts" wait_for 20 sh -c \
    "[ \$(grep -c '^counter' $CONSOLE_DIR/guest-victim.log) -gt $k ]"
destroy_wait spy
destroy_wait victim
xl destroy "$c" >/dev/null 2>&1
free_is_back "Xen's free memory is back exactly" "$before"
