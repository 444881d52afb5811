#!/bin/sh
# clone-nest.t: a clone of a clone, children that run once completed, and
# 20 clone/destroy cycles: Xen's free memory comes back exactly each time.
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

start() {
    cat >/tmp/$1.cfg <<EOC
name = "$1"
type = "pv"
kernel = "$IMG"
memory = 16
on_poweroff = "preserve"
on_crash = "preserve"
EOC
    xl create /tmp/$1.cfg >/dev/null 2>&1 && wait_console 60 "$1" 'counter [0-9]+: 1$'
}

plan 18
# Warm-up: Xen grows tables for Dom0 on the first domains after boot
# (warm_xen_tables) and sizes its vmap area on the first clone; after one
# guest created, cloned and destroyed, every page must come back exactly.
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
ok "warm-up: a counter guest runs, is cloned and destroyed" start nwarm
w=$(domid_of nwarm)
$T policy "$w" 1 1
for k in $($T clone "$w" 1); do destroy_wait "$k"; done
destroy_wait "$w"
before=$(free_pages)

ok "a counter guest runs" start nparent
p=$(domid_of nparent)
$T policy "$p" 1 4
kid=$($T clone "$p" 1 2>&1)
like "$kid" '^[0-9]+$' "child $kid"
ok "complete the child" $T complete "$kid" 0
gkid=$($T clone "$kid" 1 2>&1)
like "$gkid" '^[0-9]+$' "the child (paused, complete) is cloned: grandchild $gkid"
is "$(clone_info "$gkid" parent)" "$kid" "the grandchild's parent is the child"
is "$(clone_info "$gkid" generation)" 2 "the grandchild is generation 2"
ok "complete the grandchild" $T complete "$gkid" 0
ok "unpause child and grandchild" sh -c "xl unpause $kid && xl unpause $gkid"
sleep 3
diag "states after 3 s running: child '$(domain_state "$kid")', grandchild '$(domain_state "$gkid")'"
like "$(domain_state "$kid") $(domain_state "$gkid")" '^[-rb]+ [-rb]+$' \
    "the running child and grandchild have not crashed"

ok "destroy the parent, then the grandchild, then the child" \
    sh -c "xl destroy $p && xl destroy $gkid && xl destroy $kid"
wait_for 30 sh -c "[ \$(xl list 2>/dev/null | tail -n +2 | wc -l) = 1 ]"
# nest_cycle: the same family again (parent, child, grandchild), destroyed.
nest_cycle() {
    start nagain || return 1
    _p=$(domid_of nagain)
    $T policy "$_p" 1 4 || return 1
    _k=$($T clone "$_p" 1) && $T complete "$_k" 0 &&
        _g=$($T clone "$_k" 1) && $T complete "$_g" 0 || return 1
    xl unpause "$_k"; xl unpause "$_g"
    xl destroy "$_p"; xl destroy "$_g"; xl destroy "$_k"
    wait_for 30 sh -c "[ \$(xl list 2>/dev/null | tail -n +2 | wc -l) = 1 ]"
}
free_is_back "Xen's free memory is back exactly" "$before"
free_back_after "the same family again: exactly the same" nest_cycle
before=$(free_pages)

ok "a second counter guest runs" start nparent2
p=$(domid_of nparent2)
$T policy "$p" 1 4
good=0
for i in $(seq 20); do
    k=$($T clone "$p" 2 2>/dev/null) || break
    for x in $k; do xl destroy "$x" >/dev/null 2>&1; done
    good=$((good + 1))
done
is "$good" 20 "20 cycles of clone (2 children) and destroy"
destroy_wait "$p"
free_is_back "Xen's free memory is back exactly after the cycles" "$before"
is "$(nr_domains)" 1 "no domain left behind"
done_testing
