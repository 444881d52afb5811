#!/bin/sh
# httpd.sh: minios-guest's httpd (1 KiB bodies, keep-alive) under wrk at
# 1, 10 and 100 connections, against the same server code (apps/httpd with
# dom0/net-posix.c) run as a Dom0 Linux process; requests/s and mean
# latency. wrk runs in Dom0 for both: the Dom0 server shares Dom0's two
# vCPUs with wrk, the guest has its own vCPU.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
# The plots' x axes (scripts/bench-report.py).
echo "info: x_axis concurrent connections"

BIN=/usr/lib/xen-clone/bin
RUNS=${RUNS:-3}
SECS=${SECS:-10}

# measure LABEL URL: RUNS wrk runs at each connection count.
measure() {
    for c in 1 10 100; do
        i=0
        while [ $i -lt "$RUNS" ]; do
            i=$((i + 1))
            out=$(wrk -t1 -c$c -d${SECS}s "$2" 2>&1)
            rps=$(echo "$out" | awk '$1 == "Requests/sec:" {print $2}')
            lat=$(echo "$out" | awk '$1 == "Latency" {
                v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
                if (u == "us") v /= 1000; else if (u == "s") v *= 1000
                print v }')
            err=$(echo "$out" | grep -c 'Socket errors\|Non-2xx')
            if [ -z "$rps" ] || [ "$err" != 0 ]; then
                echo "wrk run failed ($1, $c connections):"
                echo "$out"
                continue
            fi
            echo "bench: httpd_requests_per_s $1 $c $rps req/s"
            echo "bench: httpd_latency_ms $1 $c $lat ms"
        done
    done
}

guest_create hd httpd >/dev/null 2>&1 &&
    wait_console 60 hd '^httpd: serving 1024 bytes' ||
    { echo "httpd guest did not come up"; exit 1; }
measure guest "http://198.18.0.11:80/"
destroy_wait hd

$BIN/minios-httpd-linux port=8080 size=1024 >/dev/null 2>&1 &
srv=$!
wait_for 10 sh -c "$BIN/minios-httpcheck 198.18.0.1 8080 1 >/dev/null 2>&1" ||
    { echo "the Linux httpd did not come up"; kill $srv; exit 1; }
measure linux "http://198.18.0.1:8080/"
kill $srv
