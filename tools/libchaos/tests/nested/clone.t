#!/bin/sh
# clone.t: shells feed clones. chaosd keeps a pool of empty clone shells
# (kind=clone: no memory, paused, no XenStore home); `chaos clone` of a
# running counter (made by xl) takes them: the child's domid is a former
# shell's, xencloned completes it (its --status lists it), it counts on, the
# pool refills; -n 2 takes two shells; -n 3 (more than the pool holds): Xen
# makes the children and chaos says so; with no chaosd the clone works and
# says so. After the children are destroyed and chaosd has exited, Xen's free
# memory is exactly what it was before.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/chaos.sh
. /usr/lib/xen-clone/xencloned.sh

[ -f "$COUNTER_IMAGE" ] || { echo "Bail out! no counter image ($COUNTER_IMAGE): minios-guest is not installed"; exit 1; }
plan 40

chaosd_conf_clone c32 32 2


ok "warm-up: Xen's tables for Dom0 grown (for 10 guests: up to 7 live here)" warm_xen_tables 10
ok "xl create counter (16 MB)" counter_create counter
p=$(domid_of counter)
ok "counter counts (domid $p)" wait_for 60 count_reaches counter "$p" 1
# Xen sizes its vmap area on the first clone and keeps it (see
# xen/bench/clone.sh): one clone before the baseline.
w=$(xl clone counter 2>/dev/null)
ok "warm-up: a first xl clone ($w), destroyed" destroy_gone "$w"
base=$(free_pages)

start_chaosd "chaosd starts with a clone flavour (c32: 32 MB, 1 vCPU, 2 shells)" c32 2
is "$(cshells | wc -l)" 2 "  chaos list shows 2 clone shells"
s1=$(cshells | head -n 1)
is "$(dom_pages "$s1")" 0 "  a clone shell holds no memory (shell $s1)"
like "$(xl list | awk -v d="$s1" '$2 == d {print $5}')" p "  and is paused"
ok "  and has no XenStore home" sh -c "! xenstore-exists /local/domain/$s1"

# One child from a shell.
before=" $(cshells | tr '\n' ' ')"
run_split chaos clone counter
is "$st" 0 "chaos clone counter: exit 0"
c=$out
like "$before" " $c " "  the child ($c) is a former shell ($before)"
like "$err" "domain $p cloned into 1 shell\(s\) of pool 'c32'" "  and chaos says so"
is "$(xl list "$c" 2>/dev/null | awk 'NR == 2 {print $1}')" "counter-clone-$c" \
    "  xl list names it counter-clone-$c"
ok "  it counts with its own domid" wait_for 60 counts "$c"
like "$(xencloned --status)" "\{\"child\":$c,\"parent\":$p,\"ok\":true," \
    "  xencloned --status lists it as completed"
is "$(chaos list | awk -v d="$c" '$2 == d' | wc -l)" 0 \
    "  it is no chaos domain any more (fresh UUID)"
ok "the pool is refilled" wait_for 30 pool_is c32 2
is "$(pool_col c32 8)" 1 "  served 1"
ok "  with new shells" sh -c "! cshells | grep -qx '$c'"

# Two children from two shells.
before=" $(cshells | tr '\n' ' ')"
run_split chaos clone -n 2 counter
is "$st" 0 "chaos clone -n 2 counter: exit 0"
c1=$(echo "$out" | sed -n 1p); c2=$(echo "$out" | sed -n 2p)
ok "  both children ($c1 $c2) are former shells ($before)" sh -c \
    "echo '$before ' | grep -q ' $c1 ' && echo '$before ' | grep -q ' $c2 ' && [ '$c1' != '$c2' ]"
like "$err" "cloned into 2 shell\(s\) of pool 'c32'" "  and chaos says so"
ok "  both count" wait_for 60 sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/xencloned.sh;
     count_reaches counter-clone-$c1 $c1 0 && count_reaches counter-clone-$c2 $c2 0"
ok "the pool is refilled" wait_for 30 pool_is c32 2

# More than the pool holds: all or none, so Xen makes them.
before=" $(cshells | tr '\n' ' ')"
run_split chaos clone -n 3 counter
is "$st" 0 "chaos clone -n 3 counter (2 shells ready): exit 0"
is "$(echo "$out" | wc -l)" 3 "  three children"
like "$err" "pool 'c32' has 2 ready shell\(s\), 3 wanted.*Xen made the children \(no shell\)" \
    "  made by Xen, and chaos says why"
is " $(cshells | tr '\n' ' ')" "$before" "  the pool's shells are untouched"
kids3=$out

for d in $c $c1 $c2 $kids3; do destroy_gone "$d"; done
ok "every child destroyed" sh -c "! xl list | grep -q counter-clone"
ok "SIGTERM: chaosd exits" stop_chaosd
is "$(cshells | wc -l)" 0 "  no clone shell left"
free_is_back "Xen's free memory exactly as before chaosd (children and shells gone)" "$base"

# No chaosd: the clone still works, and says how.
run_split chaos clone counter
is "$st" 0 "without chaosd: chaos clone counter exits 0"
c=$out
like "$err" "chaosd is not running \(no answer on /var/run/chaosd.sock\); Xen made the children \(no shell\)" \
    "  and says Xen made the child"
ok "  the child ($c) counts" wait_for 60 counts "$c"
destroy_gone "$c"
free_is_back "  Xen's free memory exact after it is destroyed" "$base"

run_split chaos clone -n 0 counter
is "$st" 2 "chaos clone -n 0: exit 2"
run_split chaos clone nosuchdomain
is "$st" 1 "chaos clone of an unknown domain: exit 1"
like "$err" "no domain 'nosuchdomain'" "  naming it"
destroy_gone counter
done_testing
