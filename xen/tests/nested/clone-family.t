#!/bin/sh
# clone-family.t: Xen bounds a clone family (an original and every clone
# made from it) by the depth and size Dom0 sets, however its members come
# and go. forkbomb's chain (each clone forks the next, then waits) stops
# at xencloned's default max_depth 16 with EMLINK; its crowd (the original
# forks until refused) stops at a max_family Dom0 set, with ENOSPC, and a
# Dom0 xl clone of the full family is refused with a message naming the
# limit. Nothing is left behind: Xen's free memory comes back exactly,
# measured from after the first chain (17 domains at once grow tables Xen
# keeps for good, on the previous main too: 2 pages, once), through the
# crowd and a second chain.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

T=/usr/lib/xen-clone/bin/xen-clone-test
[ -f "$IMAGES/forkbomb" ] || bail_out "no forkbomb image in $IMAGES"
plan 13

# The policy xencloned gave domain $1 (its max_family line).
family_limit() { $T info "$1" 2>/dev/null | awk '$1 == "max_family" {print $2}'; }
no_clones_left() { ! xl list | grep -q 'forkbomb-clone'; }

ok "warm-up: Xen's tables for Dom0 grown (for 24 guests at once)" warm_xen_tables 24

guest_create chain forkbomb 'cmdline="mode=chain max=40"' >/dev/null 2>&1
ok "a chain of forks stops at xencloned's max_depth 16 with EMLINK" \
    wait_console 300 chain '^forkbomb: chain: EMLINK at generation 16$'
diag "$(console_line chain '^forkbomb: chain:')"
ok "  its last clone saw the refusal" sh -c \
    "grep -aq '^forkbomb: generation 16: fork failed: Too many links' \
        $CONSOLE_DIR/guest-chain-clone-*.log"
ok "  and every clone of the chain is gone" wait_for 60 no_clones_left
destroy_wait chain
before=$(free_pages)

# The crowd: Dom0 sets max_family 6 (the original and 5 clones).
xl create -p "$EXAMPLES/forkbomb.cfg" 'name="crowd"' \
    'cmdline="mode=wide max=40 hold=30"' >/dev/null 2>&1
d=$(domid_of crowd)
ok "xencloned gives the new domain its policy (max_family 256)" \
    wait_for 30 sh -c "[ \"\$($T info $d | awk '\$1 == \"max_family\" {print \$2}')\" = 256 ]"
ok "Dom0 sets max_family 6" $T policy "$d" 1 64 6 16
is "$(family_limit "$d")" 6 "  Xen reports it"
xl unpause crowd
ok "the crowd stops at 5 clones with ENOSPC" wait_console 120 crowd \
    '^forkbomb: wide: 5 clones made, then No space left on device$'
out=$(xl clone crowd 2>&1)
st=$?
is "$st" 1 "xl clone of the full family fails"
like "$out" "would exceed its family's max_family \\(6 live of 6 allowed\\)" \
    "  and says why"
ok "the crowd ends once its clones do; none is left" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     wait_console 120 crowd '^forkbomb: wide: ENOSPC$' &&
     wait_for 60 sh -c '! xl list | grep -q forkbomb-clone'"
destroy_wait crowd

rm -f "$CONSOLE_DIR"/guest-chain*.log
guest_create chain forkbomb 'cmdline="mode=chain max=40"' >/dev/null 2>&1
ok "a second chain stops at generation 16 too" \
    wait_console 300 chain '^forkbomb: chain: EMLINK at generation 16$'
wait_for 60 no_clones_left
destroy_wait chain
free_is_back "Xen's free memory is back exactly" "$before"
