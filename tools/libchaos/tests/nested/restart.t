#!/bin/sh
# restart.t: chaosd killed with SIGKILL while it refills, then restarted:
# the new chaosd destroys the shells the dead one left (they cannot be
# adopted: their build state died with it), refills to target, and no
# domain, XenStore node or vif is left behind; SIGTERM then gives back
# every page.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/chaos.sh

plan 15

cat >"$CHAOSD_CONF" <<CONF
[chaosd]
refill-rate=3
refill-burst=1
[flavour:small]
memory=4
shells=2
[flavour:big]
memory=64
shells=0
CONF

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
base=$(free_pages)
doms=$(nr_domains)

ok "chaosd starts" chaosd -c "$CHAOSD_CONF"
ok "  small fills to 2" wait_for 60 pool_is small 2
old=$(chaosd_pid)
ok "resize big to 8: refilling starts" chaos pool resize big 8
ok "  some big shells are made" wait_for 60 sh -c '. /usr/lib/xen-clone/chaos.sh; [ "$(ready big)" -ge 2 ]'
kill -KILL "$old"
ok "SIGKILL while refilling: chaosd is dead" wait_for 10 sh -c "! kill -0 $old"
n_left=$(nr_shells)
cmp_ok "$n_left" -ge 4 "  it left its shells behind ($n_left)"

ok "a new chaosd starts" chaosd -c "$CHAOSD_CONF"
ok "  small refills to 2" wait_for 60 pool_is small 2
new=$(chaosd_pid)
pids=$(for d in $(shells); do xenstore-read /local/domain/$d/chaos/pid; done | sort -u | tr '\n' ' ')
is "$pids" "$new " "  every shell is the new chaosd's (the old ones destroyed)"
is "$(nr_domains)" $((doms + 2)) "  Xen has exactly the 2 new shells"
n_gone=$(sed -n 's/.*destroyed \([0-9]*\) shell.*/\1/p' /var/log/xen/chaosd.log | tail -1)
cmp_ok "${n_gone:-0}" -ge "$n_left" "  its log says it destroyed the old shells (${n_gone:-none})"

ok "SIGTERM: chaosd exits" stop_chaosd
is "$(xs_orphans | tr '\n' ' '):$(xenstore-list /local/domain | tr '\n' ' ')" ":0 " \
    "  no domain and no XenStore home but Dom0's"
free_is_back "  Xen's free memory exactly as before" "$base"
done_testing
