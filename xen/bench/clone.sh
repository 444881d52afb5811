#!/bin/sh
# clone.sh: clone_op benchmarks, side by side in one run (Dom0 script, see
# scripts/bench.sh). For guests of 16, 64, 256 and 1024 MB:
#   boot:       xl create of a counter guest, to its first counter line
#   clone:      Dom0 clones a running counter guest (xen-clone-bench): the
#               hypercall alone, and end to end until xencloned has set the
#               child up and it runs
#   guest fork: fork() + exit + wait inside a forkbench guest that wrote
#               half its memory first (the parent resumes from fork() once
#               xencloned completed the child)
#   the floor:  fork() + _exit + waitpid of a Dom0 Linux process that wrote
#               the same amount (fork-floor)
# All in one metric, latency_ms, labelled by method, x = guest MB.
# run-in-dom0: timeout=3600 mem=4096 dom0mem=1536
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
# The plots' x axes (scripts/bench-report.py).
echo "info: x_axis guest memory (MB)"

BIN=/usr/lib/xen-clone/bin
RUNS=${RUNS:-5}
SIZES=${SIZES:-16 64 256 1024}
failed=0

# ms US: microseconds as milliseconds with 3 decimals.
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }

# counter_up NAME MB: a counter guest of MB MB, counting.
counter_up() {
    guest_create "$1" counter memory="$2" >/dev/null 2>&1 &&
        wait_console 120 "$1" 'counter [0-9]+: 0$'
}

# Not measured: Xen grows tables for Dom0 on the first domains
# (warm_xen_tables in tap.sh) and sizes its vmap area on the first clone.
# The first creates were slow only while Dom0's RNG waited for entropy
# (libxl's UUIDs), which RDRAND now seeds at boot (docs/nested-rng.md).
warm_xen_tables >/dev/null 2>&1
counter_up warm 16 && for k in 1 2; do
    c=$($BIN/xen-clone-bench "$(domid_of warm)" 2>/dev/null | awk '{print $2}')
    [ -n "$c" ] && destroy_wait "$c"
done
destroy_wait warm

for mb in $SIZES; do
    half=$((mb / 2))
    echo "# $mb MB guests"

    # Boot: xl create to the first counter line.
    i=0
    while [ $i -lt "$RUNS" ]; do
        i=$((i + 1))
        # (--match takes plain text: ": 0" ends only "counter D: 0".)
        if out=$($BIN/minios-boottime --timeout 300 --match ': 0' \
                "$CONSOLE_DIR/guest-bboot.log" -- xl create \
                "$EXAMPLES/counter.cfg" 'name="bboot"' "memory=$mb" 2>&1); then
            echo "bench: latency_ms boot-xl-create $mb $(echo "$out" |
                awk '$1 == "match_ms" {print $2}') ms"
        else
            echo "boot run failed ($mb MB): $out"; failed=$((failed + 1))
        fi
        destroy_wait bboot
    done

    # Dom0 clones a running counter guest.
    if counter_up bparent "$mb"; then
        p=$(domid_of bparent)
        i=0
        while [ $i -lt "$RUNS" ]; do
            i=$((i + 1))
            before=$(free_pages)
            if out=$($BIN/xen-clone-bench "$p" 120 2>&1); then
                set -- $out
                echo "bench: latency_ms clone-hypercall $mb $(ms "$4") ms"
                echo "bench: latency_ms clone-e2e $mb $(ms "$6") ms"
                echo "bench: clone_pages copied-at-birth $mb $8 pages"
                echo "bench: clone_pages free-memory-used $mb $((before - $(free_pages))) pages"
                destroy_wait "$2"
            else
                echo "clone run failed ($mb MB): $out"; failed=$((failed + 1))
            fi
        done
    else
        echo "clone parent of $mb MB did not start"; failed=$((failed + RUNS))
    fi
    destroy_wait bparent

    # fork() + exit + wait inside the guest.
    rm -f "$CONSOLE_DIR/guest-bfork.log"
    guest_create bfork forkbench memory="$mb" \
        "cmdline=\"runs=$RUNS mb=$half\"" >/dev/null 2>&1
    if wait_console 600 bfork '^forkbench: done$'; then
        grep -a '^forkbench: run ' "$CONSOLE_DIR/guest-bfork.log" |
            while read -r _ _ _ _ fork_us _ few_us; do
                echo "bench: latency_ms guest-fork $mb $(ms "$fork_us") ms"
                echo "bench: latency_ms guest-fork-exit-wait $mb $(ms "$few_us") ms"
            done
    else
        echo "guest fork runs failed ($mb MB):"; show_console bfork
        failed=$((failed + RUNS))
    fi
    destroy_wait bfork

    # The floor: a Dom0 process of the same size.
    if out=$($BIN/fork-floor "$half" "$RUNS" 2>&1); then
        echo "$out" | while read -r _ us; do
            echo "bench: latency_ms dom0-process-fork-exit-wait $mb $(ms "$us") ms"
        done
    else
        echo "fork-floor failed ($half MB): $out"; failed=$((failed + RUNS))
    fi
done
echo "info: runs_per_point $RUNS"
echo "info: failed_runs $failed"
echo "info: guest_fork_and_floor_touch half of the guest's MB"
[ "$failed" -eq 0 ]
