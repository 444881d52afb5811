#!/bin/sh
# boot.sh: minios-guest benchmarks (Dom0 script, see scripts/bench.sh):
# time from `xl create` to the guest's first console line and to the app's
# line, for several memory sizes, and Xen's memory per 4 MB hello guest.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
# The plots' x axes (scripts/bench-report.py).
echo "info: x_axis guest memory (MB)"

BOOTTIME=/usr/lib/xen-clone/bin/minios-boottime
RUNS=${RUNS:-5}

for app in $(ls $IMAGES); do
    echo "info: image_bytes_$app $(stat -c %s $IMAGES/$app)"
done

# Not measured: the first domains after boot cost Xen a page for good
# (warm_xen_tables in tap.sh). No other warm-up: the first creates were
# slow only while Dom0's RNG waited for entropy (libxl's UUIDs), which
# RDRAND now seeds at boot (docs/nested-rng.md).
warm_xen_tables >/dev/null 2>&1

runs=0 failed=0
for mb in 4 16 64 256; do
    i=0
    while [ $i -lt $RUNS ]; do
        i=$((i + 1))
        runs=$((runs + 1))
        before=$(free_pages)
        if ! out=$($BOOTTIME --match 'hello from domid' \
                "$CONSOLE_DIR/guest-bench.log" -- \
                xl create "$EXAMPLES/hello.cfg" 'name="bench"' \
                "memory=$mb" 'on_poweroff="preserve"' 2>&1); then
            echo "bench run failed ($mb MB): $out"
            failed=$((failed + 1))
            destroy_wait bench
            continue
        fi
        first=$(echo "$out" | awk '$1 == "first_line_ms" {print $2}')
        app=$(echo "$out" | awk '$1 == "match_ms" {print $2}')
        create=$(echo "$out" | awk '$1 == "command_ms" {print $2}')
        echo "bench: create_to_first_line_ms hello $mb $first ms"
        echo "bench: create_to_app_line_ms hello $mb $app ms"
        echo "bench: xl_create_ms hello $mb $create ms"
        if [ $mb = 4 ]; then
            # Everything Xen gave the domain: free memory it took, and the
            # pages it owns (RAM + page tables + P2M are all in tot_pages).
            used=$((before - $(free_pages)))
            tot=$(dom_pages "$(domid_of bench)")
            echo "bench: xen_memory_per_domain_kib hello-4MB - $((used * 4)) KiB"
            echo "bench: domain_tot_pages_kib hello-4MB - $((tot * 4)) KiB"
        fi
        destroy_wait bench
        wait_free_pages 30 "$before" || echo "free memory not back after run $i"
    done
done
echo "info: failed_runs $failed of $runs"
# A run can fail on its own (xl's monitoring child once died of SIGSEGV
# here); the benchmark fails only if most runs did.
[ $((failed * 2)) -lt $runs ]
