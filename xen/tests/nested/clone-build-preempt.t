#!/bin/sh
# clone-build-preempt.t: the build of one big child is preemptible. Dom0
# clones a 256 MB guest that wrote 224 MB of its memory into one child;
# Xen builds the child in chunks (at most 32 L1 tables or P2M leaves
# each) and gives Dom0's vCPU back between them (hypercall continuations,
# counted by get_info's clone_preempts). The child runs on from the
# parent's state, and Xen's free memory comes back exactly once it is
# destroyed.
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

ok "a 256 MB guest holding 224 MB runs" dirty_up big 256 224
p=$(domid_of big)
ok "  it rewrites 224 MB (request 1)" dirty_write "$p" 224 1

# A first clone while Dom0 lists its domains again and again (the
# toolstack's lock is free between chunks; xl list must not fail). It
# also makes what Xen keeps for the parent's first clone (its bitmap of
# pages it had writable), before the memory is counted below.
( i=0; while [ $i -lt 50 ] && xl list >/dev/null; do i=$((i + 1)); done
  echo $i >/tmp/lister.n ) &
lister=$!
a=$(xl clone big 2>/dev/null)
wait "$lister"
like "$a" '^[0-9]+$' "a clone while xl list runs: child $a"
is "$(cat /tmp/lister.n)" 50 "  every xl list meanwhile worked"
ok "  the child serves request 2: its count is the parent's" \
    dirty_write "$a" 8 2
xl destroy "$a" >/dev/null 2>&1
ok "  destroyed" wait_gone 30 "$a"
ok "the parent runs on: request 2 is its own" dirty_write "$p" 32 2

before=$(clone_info "$p" clone_preempts)
base=$(free_pages)
c=$(xl clone big 2>/dev/null)
like "$c" '^[0-9]+$' "xl clone: one child, $c"
n=$(( $(clone_info "$p" clone_preempts) - before ))
diag "one 256 MB child was built with $n continuations"
# 256 MB take 128 L1 tables and 128 P2M leaves: pass 1, the P2M pass,
# pass 2 and the pinning are 512 units of work at 32 a chunk at most.
cmp_ok "$n" -ge 15 \
    "  Xen gave the CPU back at least 15 times while building it (1 child)"
ok "  the child serves request 3: its count is the parent's" \
    dirty_write "$c" 64 3
ok "  its console says so" wait_for 30 grep -q \
    "^dirty $c: rewrote 64 MB from MB 0" "$CONSOLE_DIR/guest-big-clone-$c.log"
ok "  and again, elsewhere (request 4)" dirty_write "$c" 64 4 128
ok "the parent runs on: request 3 is its own" dirty_write "$p" 32 3
xl destroy "$c" >/dev/null 2>&1
ok "the child destroyed" wait_gone 30 "$c"
free_is_back "Xen's free memory is back exactly (every copy freed)" "$base"
destroy_wait big
is "$(xl list | tail -n +2 | wc -l)" 1 "no domain left behind"
done_testing
