#!/bin/sh
# clone-reset.t: CLONEOP_reset, the fuzzing loop: a paused parent, a child
# that writes its memory (and crashes), reset again and again: each reset
# gives the memory the child wrote back to Xen and the child runs again
# from its birth; bad resets are refused and change nothing, and so is
# the reset of a child whose vCPU left its birth LDT (it used to be
# crashed half way).
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

T=/usr/lib/xen-clone/bin/xen-clone-test
[ -f "$IMAGES/dirty" ] || bail_out "no dirty image in $IMAGES"
[ -f "$IMAGES/counter" ] || bail_out "no counter image in $IMAGES"
plan 34

# Warm-up, not measured (see hello.t, clone-nest.t).
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
ok "warm-up: a guest is cloned once, and destroyed" warm_clone warm

ok "a 64 MB guest holding 48 MB runs" dirty_up fz 64 48
p=$(domid_of fz)
ok "pause the parent (the fuzzing snapshot)" xl pause fz
c=$(xl clone -p fz 2>/dev/null)
like "$c" '^[0-9]+$' "xl clone -p: child $c, paused"
ok "the child runs" xl unpause "$c"
base=$(free_pages)
ok "the child rewrites 32 MB" dirty_write "$c" 32 1
used=$((base - $(free_pages)))
cmp_ok "$used" -ge $((32 * 256)) "  which costs Xen 32 MB ($used pages)"
ok "pause the child" xl pause "$c"
ok "reset it" $T reset "$c"
back=$(( $(free_pages) - (base - used) ))
diag "the reset gave back $back pages"
cmp_ok "$back" -ge $((32 * 256)) "  the pages it wrote are shared with the parent again"
is "$(clone_info "$c" resets)" 1 "  Xen counts one reset"
ok "the reset child runs again" xl unpause "$c"
ok "  from its birth: it serves request 1 again (its memory forgot the first)" \
    dirty_write "$c" 8 1

# The loop: write, reset, many times; memory stays flat.
good=0
for i in $(seq 10); do
    xl pause "$c" && $T reset "$c" && xl unpause "$c" &&
        dirty_write "$c" 16 1 && good=$((good + 1))
done
is "$good" 10 "10 rounds of reset, run and write"
ok "a last reset" sh -c "xl pause $c && $T reset $c"
cmp_ok $(( $(free_pages) - (base - used) )) -ge $((32 * 256 - 64)) \
    "  after them the child holds no more memory than at birth"

# A child that crashed runs again after a reset (xencloned must not
# destroy it: on_exit=preserve).
printf '[children]\non_exit=preserve\n' >/tmp/keep.conf
ok "xencloned restarted, keeping ended clones" sh -c \
    ". /usr/lib/xen-clone/xencloned.sh; restart_xencloned --config /tmp/keep.conf"
xl unpause "$c"
xenstore-write "/local/domain/$c/data/dirty/crash" 1
ok "the child crashes on request" wait_for 60 sh -c \
    ". /usr/lib/xen-clone/tap.sh; domain_state $c | grep -q c"
ok "reset the crashed child" $T reset "$c"
ok "  it runs again" wait_for 30 sh -c \
    ". /usr/lib/xen-clone/tap.sh; ! domain_state $c | grep -q c"
ok "  and serves requests, from its birth" dirty_write "$c" 4 1
xl pause "$c"

# Errors: nothing changes.
out=$($T reset "$p" 2>&1)
like "$out" 'Invalid argument' "reset of the parent (not a child): EINVAL"
out=$($T reset 0 2>&1)
like "$out" 'Invalid argument' "reset of Dom0: EINVAL"
out=$($T reset 30000 2>&1)
like "$out" 'No such process' "reset of a missing domain: ESRCH"
ok "the child runs on after them" xl unpause "$c"
ok "  and serves its next request" dirty_write "$c" 1 2

# A child on another LDT than at birth: its birth vCPU cannot be loaded
# back (Xen refuses new tables, GDT or LDT on a running vCPU). The reset
# says so before it changes anything, rather than crash the child half way.
xenstore-write "/local/domain/$c/data/dirty/ldt" 1
ok "the child loads an LDT of its own" wait_for 60 sh -c \
    "grep -qas '^dirty $c: LDT of one entry loaded: 0' $CONSOLE_DIR/*.log"
xl pause "$c"
out=$($T reset "$c" 2>&1)
like "$out" 'busy' "reset of a child on another LDT than at birth: EBUSY"
ok "  the child is not crashed and runs on" sh -c \
    ". /usr/lib/xen-clone/tap.sh; xl unpause $c && ! domain_state $c | grep -q c"
ok "  and serves its next request" dirty_write "$c" 1 3
ok "destroy the parent" destroy_wait fz
out=$($T reset "$c" 2>&1)
like "$out" 'busy' "reset of a child whose parent is gone: EBUSY"
xl destroy "$c" >/dev/null 2>&1
wait_gone 30 "$c"
is "$(xl list | tail -n +2 | wc -l)" 1 "no domain left behind"
done_testing
