#!/bin/sh
# vif.sh: cloned vifs, side by side in one run (Dom0 script, see
# scripts/bench.sh).
#   workers: requests/s of httpd (1 KiB bodies, keep-alive) under wrk with
#            32 connections, as 1..4 workers: a guest that forks N-1
#            clones (network mode "same", one bond), against the same
#            server code forked as N Dom0 Linux processes
#            (minios-httpd-linux workers=N). wrk runs in Dom0 for both.
#   clone:   'xl clone' end to end (until xencloned has completed the
#            child) of a 32 MB guest without a vif (counter) and with one
#            vif (httpd) in modes new and same; and from xencloned's log,
#            where the vif's time goes: writing the nodes, netback's
#            probe, the hotplug, netback's connect.
# Under TCG (2 host cores for Dom0's and the guests' vCPUs) the ratios are
# what counts, not the absolute figures.
# run-in-dom0: timeout=3600 mem=4096 dom0mem=1024
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
# The plots' x axes (scripts/bench-report.py).
echo "info: x_axis workers"

BIN=/usr/lib/xen-clone/bin
LOG=/var/log/xen/xencloned.log
RUNS=${RUNS:-3}
SECS=${SECS:-10}
CONNS=${CONNS:-32}
failed=0

# wrk_rps LABEL N URL: RUNS wrk runs, one sample each.
wrk_rps() {
    i=0
    while [ $i -lt "$RUNS" ]; do
        i=$((i + 1))
        out=$(wrk -t1 -c"$CONNS" -d"${SECS}"s --timeout 10s "$3" 2>&1)
        rps=$(echo "$out" | awk '$1 == "Requests/sec:" {print $2}')
        if [ -z "$rps" ] || echo "$out" | grep -q 'Socket errors\|Non-2xx'; then
            echo "wrk run failed ($1, $2 workers):"
            echo "$out"
            failed=$((failed + 1))
            continue
        fi
        echo "bench: workers_requests_per_s $1 $2 $rps req/s"
    done
}

# family_down NAME: destroy NAME and its clones.
family_down() {
    for c in $(xl list | awk -v p="$1-clone-" 'index($1, p) == 1 {print $2}'); do
        destroy_wait "$c"
    done
    destroy_wait "$1"
}

warm_xen_tables >/dev/null 2>&1

for n in 1 2 3 4; do
    echo "# $n workers"
    if [ "$n" = 1 ]; then want='^httpd: serving'; else want="^httpd: $n workers"; fi
    if guest_create bw httpd "cmdline=\"port=80 size=1024 workers=$n\"" \
        >/dev/null 2>&1 && wait_console 180 bw "$want"; then
        # Every member serves before the clock runs (and has learnt Dom0's
        # MAC): a short check, not measured.
        $BIN/minios-httpcheck --domids 198.18.0.11 80 $((n * 20)) 2>&1 |
            grep -E '^(domid|connections)' | sed 's/^/# /'
        wrk_rps clones "$n" "http://198.18.0.11:80/"
    else
        echo "httpd workers=$n did not come up"; failed=$((failed + RUNS))
    fi
    family_down bw

    $BIN/minios-httpd-linux port=8080 size=1024 workers=$n >/dev/null 2>&1 &
    srv=$!
    if wait_for 10 sh -c "$BIN/minios-httpcheck 198.18.0.1 8080 1 >/dev/null 2>&1"; then
        wrk_rps linux-fork "$n" "http://198.18.0.1:8080/"
    else
        echo "the Linux httpd did not come up"; failed=$((failed + RUNS))
    fi
    # The forked workers (children of $srv), then the master.
    kill $(awk -v p=$srv '$1 == "PPid:" && $2 == p {
        split(FILENAME, a, "/"); print a[3] }' /proc/[0-9]*/status 2>/dev/null) \
        $srv 2>/dev/null
    wait $srv 2>/dev/null
done

# clone_runs LABEL NAME: RUNS 'xl clone NAME' timed end to end, each child
# destroyed; then the xencloned log lines of those children.
clone_runs() {
    i=0
    kids=
    while [ $i -lt "$RUNS" ]; do
        i=$((i + 1))
        if out=$($BIN/minios-boottime --timeout 120 /tmp/clone.out -- \
            sh -c "xl clone $2 >/tmp/clone.out" 2>&1); then
            c=$(grep -E '^[0-9]+$' /tmp/clone.out | head -n 1)
            echo "bench: clone_latency_ms $1 - $(echo "$out" |
                awk '$1 == "command_ms" {print $2}') ms"
            kids="$kids $c"
            destroy_wait "$c"
        else
            echo "xl clone $2 failed ($1): $out"; failed=$((failed + 1))
        fi
    done
    for c in $kids; do
        # "child C (NAME) of P complete, running in N us"
        sed -n "s/.*child $c ([^)]*) of [0-9]* complete, running in \([0-9]*\) us.*/\1/p" $LOG |
            awk -v l="$1" '{printf "bench: xencloned_ms %s-total - %.3f ms\n", l, $1 / 1000}'
        # "... in N us (nodes A, probe B, hotplug C, connect D us)"
        sed -n "s/.*child $c: vif.* in [0-9]* us (nodes \([0-9]*\), probe \([0-9]*\), hotplug \([0-9]*\), connect \([0-9]*\) us).*/\1 \2 \3 \4/p" $LOG |
            awk -v l="$1" '{
                printf "bench: xencloned_ms %s-vif-nodes - %.3f ms\n", l, $1 / 1000
                printf "bench: xencloned_ms %s-vif-probe - %.3f ms\n", l, $2 / 1000
                printf "bench: xencloned_ms %s-vif-hotplug - %.3f ms\n", l, $3 / 1000
                printf "bench: xencloned_ms %s-vif-connect - %.3f ms\n", l, $4 / 1000 }'
    done
}

echo "# clone latency"
if guest_create bc counter memory=32 >/dev/null 2>&1 &&
    wait_console 120 bc 'counter [0-9]+: 0$'; then
    clone_runs no-vif bc
else
    echo "counter guest did not start"; failed=$((failed + RUNS))
fi
destroy_wait bc
for mode in new same; do
    if guest_create bv httpd >/dev/null 2>&1 &&
        wait_console 90 bv '^httpd: serving' &&
        xenstore-write "/local/domain/$(domid_of bv)/data/clone/net-mode" $mode; then
        clone_runs "vif-$mode" bv
    else
        echo "httpd guest did not start"; failed=$((failed + RUNS))
    fi
    destroy_wait bv
done

echo "info: runs_per_point $RUNS"
echo "info: wrk_connections $CONNS"
echo "info: wrk_seconds $SECS"
echo "info: guest_mb 32"
echo "info: failed_runs $failed"
[ "$failed" -eq 0 ]
