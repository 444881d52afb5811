#!/bin/sh
# clone-reset-preempt.t: the reset of a big child is preemptible. Xen
# resets a 256 MB child in chunks of page tables and gives Dom0's vCPU
# back between them (a hypercall continuation, counted by get_info's
# reset_preempts); the result is exactly that of one walk: the memory the
# child wrote goes back to Xen, and the child runs again from its birth.
# run-in-dom0: timeout=1500
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

T=/usr/lib/xen-clone/bin/xen-clone-test
[ -f "$IMAGES/dirty" ] || bail_out "no dirty image in $IMAGES"
plan 17

# Warm-up, not measured (see clone-reset.t).
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
dirty_up warm 16 4 && w=$(xl clone warm) && xl destroy "$w"
destroy_wait warm

# A small child first: how many chunks 16 MB take.
ok "a 16 MB guest runs" dirty_up small 16 8
xl pause small
s=$(xl clone -p small 2>/dev/null)
like "$s" '^[0-9]+$' "  its child $s"
xl unpause "$s"
ok "  the small child writes 4 MB" dirty_write "$s" 4 1
xl pause "$s"
ok "  reset it" $T reset "$s"
small=$(clone_info "$s" reset_preempts)
diag "a 16 MB child was reset with $small continuations"
cmp_ok "$small" -ge 1 "  Xen gave the CPU back at least once (between the passes)"
xl destroy "$s" >/dev/null 2>&1; wait_gone 30 "$s"
destroy_wait small

ok "a 256 MB guest holding 224 MB runs" dirty_up big 256 224
ok "pause the parent" xl pause big
c=$(xl clone -p big 2>/dev/null)
like "$c" '^[0-9]+$' "xl clone -p: child $c, paused"
xl unpause "$c"
base=$(free_pages)
ok "the child rewrites 160 MB" dirty_write "$c" 160 1
used=$((base - $(free_pages)))
xl pause "$c"
ok "reset it" $T reset "$c"
back=$(( $(free_pages) - (base - used) ))
diag "the reset gave back $back of the $used pages the writes took"
cmp_ok "$back" -ge $((160 * 256)) "  every page it wrote is shared with the parent again"
is "$(clone_info "$c" resets)" 1 "  Xen counts one reset"
big=$(clone_info "$c" reset_preempts)
diag "a 256 MB child was reset with $big continuations"
# Each pass stops after 32 L1 tables at the latest; 256 MB take 128 L1
# tables (a PV guest maps its memory with 4 KB pages): at least 3 stops
# in each pass, and one between them.
cmp_ok "$big" -ge 7 \
    "  at least 7 continuations: each pass was split, not only the two passes"
ok "the reset child runs again" xl unpause "$c"
ok "  from its birth: it serves request 1 again" dirty_write "$c" 8 1
xl destroy "$c" >/dev/null 2>&1; wait_gone 30 "$c"
destroy_wait big
is "$(xl list | tail -n +2 | wc -l)" 1 "no domain left behind"
done_testing
