#!/bin/sh
# xl-clone-errors.t: 'xl clone' refuses, with a clear message and exit 1,
# a domain whose policy disables cloning, a clone beyond max_clones, and any
# clone while no clone service runs; refused clones leave no domain.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xencloned.sh

[ -f "$COUNTER_IMAGE" ] || { echo "Bail out! no counter image ($COUNTER_IMAGE): minios-guest is not installed"; exit 1; }
plan 17

LOG=/var/log/xen/xencloned.log

printf '[policy:nocl]\nenabled=false\n[policy:one]\nmax_clones=1\n' >/tmp/x.conf
ok "xencloned restarted with per-name policies" restart_xencloned --config /tmp/x.conf
ok "xl create nocl and one" sh -c ". /usr/lib/xen-clone/tap.sh;
    . /usr/lib/xen-clone/xencloned.sh; counter_create nocl && counter_create one"
n=$(domid_of nocl) o=$(domid_of one)
ok "  they got their policies" wait_for 10 sh -c \
    "grep -q 'domain $n (nocl): cloning disabled' $LOG &&
     grep -q 'domain $o (one): cloning enabled, max_clones 1' $LOG"
ndom=$(xl list | wc -l)

run xl clone nocl
is "$st" 1 "cloning a domain whose policy disables it: exit 1"
like "$out" "cannot clone domain 'nocl' \\($n\\): cloning is disabled for it" \
    "  saying cloning is disabled"

run xl clone one
is "$st" 0 "the first clone of 'one' (max_clones 1) works"
c=$(echo "$out" | head -n 1)
run xl clone one
is "$st" 1 "a second one is beyond max_clones: exit 1"
like "$out" "1 more children would exceed its max_clones \\(1 live of 1 allowed\\)" \
    "  saying so"
run xl clone -n 2 nocl
is "$(xl list | wc -l)" $((ndom + 1)) "the refused clones left no domain behind"

# A guest with two vCPUs: Xen clones one-vCPU guests only.
ok "xl create duo (2 vCPUs)" counter_create duo vcpus=2
run xl clone duo
is "$st" 1 "cloning a two-vCPU guest: exit 1"
like "$out" "Xen cannot clone it \\(only 64-bit PV domains with one vCPU" \
    "  saying why"
destroy_gone duo

ok "xencloned stops" /etc/xen-clone/init.d/50-xencloned stop
ok "  and its children survive it" domain_exists "$c"
run xl clone one
is "$st" 1 "no clone service: exit 1"
like "$out" 'no clone service is registered with Xen \(is xencloned running\?\)' \
    "  saying so"

ok "destroy them all" sh -c ". /usr/lib/xen-clone/tap.sh;
    . /usr/lib/xen-clone/xencloned.sh;
    destroy_gone $c && destroy_gone one && destroy_gone nocl"
done_testing
