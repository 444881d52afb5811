#!/bin/sh
# clone-guest.t: Dom0 clones a running minios-guest counter: the children
# exist, paused, share the parent's memory, and Xen's free memory comes
# back exactly once parent and children are destroyed, in either order.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
# These scenarios are the clone service themselves: no xencloned.
stop_xencloned

T=/usr/lib/xen-clone/bin/xen-clone-test
IMG=/usr/lib/minios-guest/counter
[ -f "$IMG" ] || IMG=/test/counter
if [ ! -f "$IMG" ]; then
    echo "Bail out! no minios-guest counter image (minios-guest not built)"; exit 1
fi
MEM=32

# start NAME: create a counter guest and wait until it counts.
start() {
    cat >/tmp/$1.cfg <<EOC
name = "$1"
type = "pv"
kernel = "$IMG"
memory = $MEM
on_poweroff = "preserve"
on_crash = "preserve"
EOC
    xl create /tmp/$1.cfg >/dev/null 2>&1 && wait_console 60 "$1" 'counter [0-9]+: 1$'
}
lines() { grep -c '^counter' "$CONSOLE_DIR/guest-$1.log" 2>/dev/null; }

plan 29
# Warm-up: Xen grows tables for Dom0 on the first domains after boot
# (warm_xen_tables) and sizes its vmap area on the first clone; after one
# guest created, cloned and destroyed, every page must come back exactly.
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
ok "warm-up: a counter guest runs, is cloned and destroyed" start cwarm
w=$(domid_of cwarm)
$T policy "$w" 1 1
for k in $($T clone "$w" 1); do destroy_wait "$k"; done
destroy_wait "$w"
before=$(free_pages)
ok "a $MEM MB counter guest runs" start cparent
p=$(domid_of cparent)
out=$($T badargs "$p" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
is "$rc" 0 "argument checks on a live guest (disabled, E2BIG, EFAULT)"
ok "enable cloning, max_clones 8" $T policy "$p" 1 8

pre=$(free_pages)
kid=$($T clone "$p" 1 2>&1)
like "$kid" '^[0-9]+$' "Dom0 clones the guest: child $kid"
like "$(xl list "$kid" 2>/dev/null | awk 'NR == 2 {print $5}')" 'p' \
    "the child exists, paused"
is "$(clone_info "$kid" parent)" "$p" "the child's parent is $p"
is "$(clone_info "$kid" generation)" 1 "the child is generation 1"
is "$(clone_info "$p" nr_children)" 1 "the parent has 1 live child"
drop=$((pre - $(free_pages)))
copied=$(clone_info "$kid" copied_pages)
diag "free pages dropped by $drop for a $((MEM * 256))-page parent; the child copied $copied pages"
cmp_ok "$drop" -lt $((MEM * 256 / 4)) \
    "free memory drops by far less than the parent's size (pages are shared)"
cmp_ok "$drop" -le $((copied + 64)) \
    "free memory drops by about the child's private pages only"
n=$(lines cparent)
ok "the parent goes on counting after the clone" \
    wait_for 10 sh -c "[ \$(grep -c '^counter' $CONSOLE_DIR/guest-cparent.log) -gt $n ]"
cmp_ok "$(clone_info "$p" cow_faults)" -gt 0 "the parent's writes copied pages (COW)"

ok "complete the child" $T complete "$kid" 0
like "$(clone_info "$kid" flags)" '^0x1$' "the child is complete (no longer pending)"

# Parent destroyed first, then the child.
ok "destroy the parent first" destroy_wait "$p"
ok "the child survives its parent" xl list "$kid"
ok "destroy the child" destroy_wait "$kid"
free_is_back "Xen's free memory is back exactly ($before pages)" "$before"

# Child destroyed first, then the parent; three children in one call.
ok "a second counter guest runs" start cparent2
p=$(domid_of cparent2)
$T policy "$p" 1 8
kids=$($T clone "$p" 3 2>&1)
is "$(echo "$kids" | grep -c '^[0-9][0-9]*$')" 3 "three children in one call"
for k in $kids; do destroy_wait "$k"; done
is "$(clone_info "$p" nr_children)" 0 "children destroyed first: none left"
ok "the parent still counts" \
    wait_for 10 sh -c "[ \$(grep -c '^counter' $CONSOLE_DIR/guest-cparent2.log) -gt $(lines cparent2) ]"
ok "destroy the parent" destroy_wait "$p"
free_is_back "Xen's free memory is back exactly again" "$before"
# The clone service's ring; unregistering fails the pending children.
ok "a third counter guest runs" start cparent3
p=$(domid_of cparent3)
$T policy "$p" 1 8
out=$($T service "$p" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
is "$rc" 0 "ring notifications and unregister (xen-clone-test service)"
destroy_wait "$p"
wait_for 30 sh -c "[ \$(xl list 2>/dev/null | tail -n +2 | wc -l) = 1 ]"
is "$(nr_domains)" 1 "no domain left behind (no dying zombies)"
done_testing
