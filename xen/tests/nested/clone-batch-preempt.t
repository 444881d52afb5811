#!/bin/sh
# clone-batch-preempt.t: a control domain's clone of several children is
# preemptible between children (and within each: clone-build-preempt.t).
# Xen builds at most one child per chunk and gives Dom0's vCPU back in
# between (a hypercall continuation, counted by get_info's
# clone_preempts: 15 or more for 4 children of 64 MB); the children are linked
# and announced at the end, and xencloned completes every one: each runs
# on its own from the parent's state.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

T=/usr/lib/xen-clone/bin/xen-clone-test
[ -f "$IMAGES/dirty" ] || bail_out "no dirty image in $IMAGES"
plan 10

running() {
    _s=$(domain_state "$1")
    [ -n "$_s" ] && ! echo "$_s" | grep -q p
}

ok "a 64 MB guest holding 32 MB runs" dirty_up batch 64 32
p=$(domid_of batch)
ok "its policy allows 4 children" $T policy "$p" 1 4
kids=$($T clone "$p" 4)
is "$(echo "$kids" | grep -c '^[0-9][0-9]*$')" 4 "Dom0 clones it into 4 in one call"
# Each child's build is split too: 64 MB take 32 L1 tables and 32 P2M
# leaves, 128 units of work (pass 1, the P2M pass, pass 2, pinning) at
# 32 a chunk at most: 4 chunks a child at least, 16 for 4 children.
n=$(clone_info "$p" clone_preempts)
diag "4 children of 64 MB were built with $n continuations"
cmp_ok "$n" -ge 15 \
    "  Xen gave the CPU back between and within the children (15 or more)"
is "$(clone_info "$p" nr_children)" 4 "  the 4 are its children"
n=0
for k in $kids; do wait_for 120 running "$k" && n=$((n + 1)); done
is "$n" 4 "  xencloned completed and started all 4"
n=0
for k in $kids; do dirty_write "$k" 2 1 && n=$((n + 1)); done
is "$n" 4 "  each serves its first request on its own"
ok "  the parent too" dirty_write "$p" 2 1
for k in $kids; do xl destroy "$k" >/dev/null 2>&1; done
n=0
for k in $kids; do wait_gone 30 "$k" && n=$((n + 1)); done
is "$n" 4 "the children destroyed"
destroy_wait batch
is "$(xl list | tail -n +2 | wc -l)" 1 "no domain left behind"
done_testing
