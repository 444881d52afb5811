#!/bin/sh
# clone-memory.t: what cloning costs in Xen's free memory. Right after 'xl
# clone' of a 256 MB guest free memory drops by about the child's private
# pages only; it drops further only as the child (or the parent) writes;
# parent-first and child-first destruction, and 100 clone-and-destroy
# cycles, give every page back.
# run-in-dom0: timeout=1500
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

[ -f "$IMAGES/dirty" ] || bail_out "no dirty image in $IMAGES"
plan 28
clone_of() { xl clone "$1" 2>/dev/null; }
# family ORDER: a 64 MB guest, a clone, both write, destroyed in ORDER
# (parent-first or child-first).
family() {
    dirty_up fam 64 48 || return 1
    _p=$(domid_of fam)
    _c=$(clone_of fam); [ -n "$_c" ] || return 1
    dirty_write "$_c" 16 1 && dirty_write "$_p" 8 1 || return 1
    if [ "$1" = parent-first ]; then
        destroy_wait fam && xl destroy "$_c" >/dev/null 2>&1 &&
            wait_gone 30 "$_c"
    else
        xl destroy "$_c" >/dev/null 2>&1; wait_gone 30 "$_c" && destroy_wait fam
    fi
}

# Warm-up, not measured: Xen's tables for Dom0 (warm_xen_tables) and its
# vmap area (the first clone); from then on every page must come back.
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
dirty_up warm 16 8 && c=$(clone_of warm) && xl destroy "$c" >/dev/null 2>&1
destroy_wait warm
wait_gone 30 "$c"

# --- The cost of a clone of a 256 MB guest.
base=$(free_pages)
ok "a 256 MB guest holding 200 MB runs" dirty_up big 256 200
p=$(domid_of big)
pre=$(free_pages)
c=$(clone_of big)
like "$c" '^[0-9]+$' "xl clone big: child $c"
after=$(free_pages)
drop=$((pre - after))
copied=$(clone_info "$c" copied_pages)
diag "cloning the 256 MB guest took $drop pages ($((drop * 4)) KiB) of free memory;"
diag "the child's private pages copied at birth: $copied; the parent has $((256 * 256)) pages"
cmp_ok "$drop" -lt $((256 * 256 / 20)) "free memory drops by less than 5% of the parent's size"
cmp_ok "$drop" -ge "$copied" "  by at least the child's $copied private pages"
cmp_ok "$drop" -le $((copied + 64)) "  and by little more (Xen's structures for the child)"

# --- It drops further only as the child writes.
f0=$(free_pages); sleep 3; f1=$(free_pages)
cmp_ok $((f0 - f1)) -le 16 "the idle child and parent use no more memory over 3 s ($((f0 - f1)) pages)"
ok "the child rewrites 64 MB of the shared memory" dirty_write "$c" 64 1
f2=$(free_pages)
diag "the child's 64 MB of writes took $((f1 - f2)) pages"
cmp_ok $((f1 - f2)) -ge $((64 * 256)) "  free memory dropped by the 64 MB written"
cmp_ok $((f1 - f2)) -le $((64 * 256 + 64)) "  and by not much more"
cmp_ok "$(clone_info "$c" cow_faults)" -ge $((64 * 256)) "  the child took copy-on-write faults for them"
ok "the child rewrites the same 64 MB again" dirty_write "$c" 64 2
f3=$(free_pages)
cmp_ok $((f2 - f3)) -le 16 "  which costs nothing more: its pages are its own now"
ok "the parent rewrites 32 MB the child did not write" dirty_write "$p" 32 1 64
f4=$(free_pages)
cmp_ok $((f3 - f4)) -ge $((32 * 256)) "  free memory dropped by those 32 MB ($((f3 - f4)) pages)"
ok "the parent rewrites 32 MB the child had rewritten" dirty_write "$p" 32 2 0
f5=$(free_pages)
cmp_ok $((f4 - f5)) -le 16 \
    "  which costs nothing: the parent was their last sharer ($((f4 - f5)) pages)"
ok "destroy the parent first" destroy_wait big
ok "  the child survives its parent and still serves requests" dirty_write "$c" 1 3
ok "destroy the child" sh -c "xl destroy $c && sleep 0.1"
wait_gone 30 "$c"
free_is_back "Xen's free memory is back exactly ($base pages)" "$base"

# --- Child first.
base=$(free_pages)
ok "a second family (64 MB): children destroyed first" family child-first
free_is_back "Xen's free memory is back exactly again" "$base"

# --- 100 clone-and-destroy cycles. A parent keeps, while it lives, the
# bitmap of its shared PFNs that its first clone gave it: count from
# before the parent, and from after its first clone.
start=$(free_pages)
ok "a 64 MB guest for the cycles" dirty_up cyc 64 32
k=$(xl clone cyc 2>&1) && xl destroy "$k"
wait_for 30 sh -c "[ \$(xl list | tail -n +2 | wc -l) = 2 ]"
base=$(free_pages)
good=0
# xl clone -t 90: its default wait for the clone service is 30 s, and the
# nested Dom0 was seen to stand still for 26-31 s at a time on a loaded
# host (soft lockups of both vCPUs, also in kernel threads; cause not
# found). This test is about memory, not latency: a stop like that must
# not fail it, a child never set up still does.
for i in $(seq 100); do
    out=$(xl clone -t 90 cyc 2>&1); st=$?
    k=$out
    case $st:$k in
    0:[0-9]*) ;;
    *)
        diag "cycle $i: xl clone exited $st: $out"
        # Where xencloned spent the time (a rare 30 s stall, not found yet):
        # its log (a slow or failed child names its phase and times), its
        # ring (notifications Xen posted that it has not read), whether it
        # is blocked in the kernel, and whether Dom0 itself stood still
        # (soft lockups and RCU stalls: the nested machine starved).
        tail -n 25 /var/log/xen/xencloned.log 2>/dev/null |
            while read -r l; do diag "  xencloned: $l"; done
        xencloned --status 2>&1 | grep -o -e '"ring":{[^}]*}' -e '"counters":{[^}]*}' |
            while read -r l; do diag "  xencloned --status: $l"; done
        _x=$(cat /var/run/xencloned.pid 2>/dev/null)
        diag "  xencloned ($_x): state $(cut -d' ' -f3 /proc/$_x/stat 2>/dev/null), wchan $(cat /proc/$_x/wchan 2>/dev/null)"
        # (with their stacks: the console's loglevel hides them; a stack in
        # privcmd_ioctl is a hypercall that did not come back)
        dmesg 2>/dev/null | grep -i -A 30 -e lockup -e 'rcu.*stall' -e 'hung task' |
            tail -n 60 | while read -r l; do diag "  Dom0 kernel: $l"; done
        xl dmesg 2>/dev/null | tail -n 10 |
            while read -r l; do diag "  Xen: $l"; done
        break ;;
    esac
    out=$(xl destroy "$k" 2>&1) || { diag "cycle $i: xl destroy $k said: $out"; break; }
    good=$((good + 1))
done
is "$good" 100 "100 cycles of xl clone and xl destroy"
wait_for 30 sh -c "[ \$(xl list | tail -n +2 | wc -l) = 2 ]"
free_is_back "after them Xen's free memory is back exactly ($base pages)" \
    "$base"
destroy_wait cyc
free_is_back "with the parent gone too, exactly where it started ($start)" \
    "$start"
is "$(xl list | tail -n +2 | wc -l)" 1 "no domain left behind"
done_testing
