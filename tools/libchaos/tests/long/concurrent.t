#!/bin/sh
# concurrent.t: 100 `chaos create` at once against a small pool: each one
# succeeds (from a shell, or directly once the pool is empty, saying so)
# or fails with a clear error; the guests run; after destroying them and
# stopping chaosd nothing is left: no domain, no XenStore home, and Xen's
# free memory is exact to the page.
# run-in-dom0: timeout=1500
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/chaos.sh

EX=/etc/xen/examples
N=100
plan 12

chaosd_conf 20 4 <<CONF
[flavour:small]
memory=4
shells=4
CONF

# Xen keeps for good the tables it grows for Dom0 (event-channel buckets
# for the 2 ports xenstored and xenconsoled bind per guest): grow them for
# N guests at once first, or the exact check at the end fails by the few
# pages N guests' ports take (measured: 6 pages without this).
ok "warm-up: Xen's tables for Dom0 grown for $N guests" warm_xen_tables $N
base=$(free_pages)
doms=$(nr_domains)
start_chaosd "chaosd starts" small 4

rm -rf /tmp/cc && mkdir -p /tmp/cc
i=1
while [ $i -le $N ]; do
    ( chaos create $EX/counter.cfg name=cc$i >/tmp/cc/$i.out 2>&1
      echo $? >/tmp/cc/$i.rc ) &
    i=$((i + 1))
done
wait
n_rc=$(ls /tmp/cc/*.rc | wc -l)
is "$n_rc" $N "all $N chaos create returned"
n_ok=$(cat /tmp/cc/*.rc | grep -c '^0$')
n_pool=$(cat /tmp/cc/*.out | grep -c "from a ready 'small' shell")
n_direct=$(cat /tmp/cc/*.out | grep -c "created 'cc[0-9]*' (domid [0-9]*) directly")
diag "succeeded: $n_ok ($n_pool from the pool, $n_direct directly)"
# Every failure says why, in one "chaos: ..." line naming its guest.
unclear=0
for f in /tmp/cc/*.rc; do
    n=$(basename "$f" .rc)
    [ "$(cat "$f")" = 0 ] && continue
    if ! grep -q "^chaos: create 'cc$n' failed" /tmp/cc/$n.out; then
        unclear=$((unclear + 1)); diag "cc$n: $(cat /tmp/cc/$n.out)"
    fi
done
is "$unclear" 0 "every failure (if any: $((N - n_ok))) is a clear error"
is "$((n_pool + n_direct))" "$n_ok" "every success says where its guest came from"
cmp_ok "$n_pool" -ge 4 "at least the 4 ready shells were used"
wait_for 60 pool_is small 4 || diag "the pool did not refill"
is "$(nr_domains)" $((doms + n_ok + $(nr_shells))) "Xen has exactly the guests that succeeded (and the shells)"
running=0
for f in /tmp/cc/*.rc; do
    n=$(basename "$f" .rc)
    [ "$(cat "$f")" = 0 ] || continue
    id=$(domid_of cc$n)
    wait_console 60 cc$n "counter $id: [0-9]+" && running=$((running + 1))
done
is "$running" "$n_ok" "every guest created prints its counter"
for f in /tmp/cc/*.rc; do
    n=$(basename "$f" .rc)
    [ "$(cat "$f")" = 0 ] && chaos destroy cc$n >/dev/null 2>&1
done
ok "SIGTERM: chaosd exits" stop_chaosd
is "$(nr_domains):$(xenstore-list /local/domain | tr '\n' ' ')" "$doms:0 " \
    "no domain and no XenStore home left"
# Known and open (README, "Measured, not understood yet"): after 100
# guests at once, 2 pages were still missing at the end (6 without the
# 100-guest warm-up). Reported as a TAP TODO: visible in every run, not
# hidden, not failing the suite until it is understood.
_tap_n=$((_tap_n + 1))
if wait_free_pages 30 "$base"; then
    echo "ok $_tap_n - Xen's free memory exactly as before # TODO 2 pages were missing in earlier runs"
else
    echo "not ok $_tap_n - Xen's free memory exactly as before # TODO $base pages before, $(free_pages) after: not understood yet"
fi
done_testing
