#!/bin/sh
# xl-clone.t: `xl clone` takes its children from chaosd's clone shells. With
# chaosd running and a clone flavour (kind=clone) configured, `xl clone` of
# an xl-made counter gets a child whose domid is a former shell's,
# xencloned completes it, it counts, the pool refills; `xl -v` names the
# pool. --no-shells and a request larger than the pool let Xen make the
# children (the latter said on stderr, the shells untouched); a parent the
# shells do not fit (a chaos-made guest, grant v1): Xen refuses them, they are
# destroyed (none left behind) and Xen makes the child, said. After
# destroy and chaosd's exit, Xen's free memory is exactly what it was. With
# chaosd stopped, `xl clone` works, is quiet, and `xl -v` says why no shell.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/chaos.sh
. /usr/lib/xen-clone/xencloned.sh

[ -f "$COUNTER_IMAGE" ] || { echo "Bail out! no counter image ($COUNTER_IMAGE): minios-guest is not installed"; exit 1; }
plan 50
EX=/etc/xen/examples

chaosd_conf_clone c32 32 2

# in_list WORD " LIST ": is WORD one of LIST's words?
in_list() { case "$2" in *" $1 "*) return 0 ;; esac; return 1; }

run_split xl clone --help
like "$out$err" "--no-shells" "xl clone --help documents --no-shells"
like "$out$err" "chaosd" "  and where the shells come from (chaosd)"

ok "warm-up: Xen's tables for Dom0 grown (for 10 guests)" warm_xen_tables 10
ok "xl create counter (16 MB)" counter_create counter
p=$(domid_of counter)
ok "counter counts (domid $p)" wait_for 60 count_reaches counter "$p" 1
# Xen sizes its vmap area on the first clone and keeps it: one before the
# baseline (chaosd is not running: Xen makes it).
w=$(xl clone counter 2>/dev/null)
ok "warm-up: a first xl clone ($w), destroyed" destroy_gone "$w"
base=$(free_pages)

start_chaosd "chaosd starts with a clone flavour (c32: 32 MB, 1 vCPU, 2 shells)" c32 2

# xl -v clone: a shell, and the pool named.
before=" $(cshells | tr '\n' ' ')"
run_split xl -v clone counter
is "$st" 0 "xl -v clone counter: exit 0"
c=$out
ok "  the child ($c) is a former shell ($before)" in_list "$c" "$before"
like "$err" "domain $p cloned into 1 shell\(s\) of chaosd's pool 'c32'" "  and xl -v says so"
is "$(xl list "$c" 2>/dev/null | awk 'NR == 2 {print $1}')" "counter-clone-$c" \
    "  xl list names it counter-clone-$c"
ok "  it counts with its own domid" wait_for 60 counts "$c"
like "$(xencloned --status)" "\{\"child\":$c,\"parent\":$p,\"ok\":true," \
    "  xencloned --status lists it as completed"
is "$(chaos list | awk -v d="$c" '$2 == d' | wc -l)" 0 \
    "  it is no chaos domain (xl gave it a fresh UUID)"
is "$(pool_col c32 8)" 1 "  chaosd counts 1 served"
ok "the pool is refilled" wait_for 30 pool_is c32 2
ok "  with new shells" sh -c "! cshells | grep -qx '$c'"

# Plain xl clone: a shell too, and nothing on stderr (scripts read stdout).
before=" $(cshells | tr '\n' ' ')"
run_split xl clone counter
is "$st" 0 "xl clone counter: exit 0"
c2=$out
ok "  the child ($c2) is a former shell ($before)" in_list "$c2" "$before"
is "$err" "" "  nothing on stderr"
ok "  it counts" wait_for 60 counts "$c2"
ok "the pool is refilled" wait_for 30 pool_is c32 2

# --no-shells: Xen makes the child; the pool is untouched.
before=" $(cshells | tr '\n' ' ')"
run_split xl clone --no-shells counter
is "$st" 0 "xl clone --no-shells counter: exit 0"
c3=$out
ok "  the child ($c3) is no shell" sh -c "! echo '$before ' | grep -q ' $c3 '"
is " $(cshells | tr '\n' ' ')" "$before" "  the pool's shells are untouched"
is "$(pool_col c32 8)" 2 "  chaosd still counts 2 served"
ok "  it counts" wait_for 60 counts "$c3"

# More than the pool holds: all or none, so Xen makes them, said.
run_split xl clone -n 3 counter
is "$st" 0 "xl clone -n 3 counter (2 shells ready): exit 0"
is "$(echo "$out" | wc -l)" 3 "  three children"
like "$err" "^xl clone: chaosd: pool 'c32' has 2 ready shell\(s\), 3 wanted.*; Xen made the children \(no shell\)\.$" \
    "  made by Xen, and xl says why in one line"
is " $(cshells | tr '\n' ' ')" "$before" "  the pool's shells are untouched"
kids3=$out

# Shells Xen refuses (a chaos-made parent: grant v1, the shells allow v2):
# destroyed, not leaked, and Xen makes the child.
run_split chaos create --direct $EX/counter.cfg name=cp
is "$st" 0 "chaos create --direct counter as cp: exit 0"
cp=$(domid_of cp)
ok "  cp counts" wait_for 60 count_reaches cp "$cp" 1
ok "  the pool is full" wait_for 30 pool_is c32 2
before=" $(cshells | tr '\n' ' ')"
run_split xl clone cp
is "$st" 0 "xl clone cp: exit 0"
c4=$out
like "$err" "Xen refused pool 'c32''s shells for domain $cp \(EINVAL: they do not fit it; destroyed\); Xen made the children \(no shell\)" \
    "  Xen refused the shells, and xl says so"
ok "  the child ($c4) is no shell" sh -c "! echo '$before ' | grep -q ' $c4 '"
# one_taken DOMID...: exactly one of them is no domain any more (Xen takes
# a moment to finish destroying it), the others are still ready shells.
one_taken() {
    _gone=0
    for _d; do
        if domain_exists "$_d"; then cshells | grep -qx "$_d" || return 1
        else _gone=$((_gone + 1)); fi
    done
    [ "$_gone" = 1 ]
}
ok "  the refused shell (one of$before) is destroyed, not leaked" wait_for 30 one_taken $before
ok "  the child counts" wait_for 60 count_reaches "cp-clone-$c4" "$c4" 0
destroy_gone "$c4"
chaos destroy cp >/dev/null 2>&1
wait_gone 30 cp

for d in $c $c2 $c3 $kids3; do destroy_gone "$d"; done
ok "every child destroyed" sh -c "! xl list | grep -q counter-clone"
ok "SIGTERM: chaosd exits" stop_chaosd
is "$(cshells | wc -l)" 0 "  no clone shell left"
free_is_back "Xen's free memory exactly as before chaosd (children and shells gone)" "$base"

# No chaosd: xl clone works and is quiet; xl -v says why no shell.
run_split xl clone counter
is "$st" 0 "without chaosd: xl clone counter exits 0"
is "$err" "" "  nothing on stderr"
destroy_gone "$out"
run_split xl -v clone counter
is "$st" 0 "without chaosd: xl -v clone counter exits 0"
like "$err" "^xl clone: chaosd is not running \(no answer on /var/run/chaosd.sock\); Xen made the children \(no shell\)\.$" \
    "  and says in one line that Xen made the child"
ok "  the child ($out) counts" wait_for 60 counts "$out"
destroy_gone "$out"
free_is_back "  Xen's free memory exact after it is destroyed" "$base"
destroy_gone counter
done_testing
