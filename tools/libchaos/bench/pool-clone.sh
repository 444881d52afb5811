#!/bin/sh
# pool-clone.sh: libchaos benchmarks, side by side in one run (Dom0 script,
# see scripts/bench.sh), all with a 16 MB counter guest:
#   first_line_ms: from the command to the guest's first console line, for
#     xl create and chaos create from a ready pool shell (chaosd running);
#   command_ms: how long the command ran, for xl create, chaos create (pool),
#     xl clone, chaos clone into a clone shell, chaos clone without a shell
#     (chaosd not asked: Xen makes the child); a clone command returns once
#     xencloned has completed the child and unpaused it;
#   clone_child_us: xencloned's view of each clone (xencloned --status):
#     announce to unpause (total) and unpause to first run, by method;
#   xencloned_phase_us: the median of each phase over every clone above;
#   chaos_finish_us: chaosd's finish of each pool shell, by phase (its log).
# A speedup line per comparison (info:) uses the medians of one run.
# run-in-dom0: timeout=1800
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/chaos.sh
. /usr/lib/xen-clone/xencloned.sh
# The plots' x axes (scripts/bench-report.py).
echo "info: x_axis guest memory (MB)"

BOOTTIME=/usr/lib/xen-clone/bin/minios-boottime
RUNS=${RUNS:-7}
MB=16
OUTF=/tmp/bench-clone.out
failed=0 runs=0

chaosd_conf 20 4 <<CONF
[flavour:g16]
memory=$MB
shells=2
[flavour:c32]
kind=clone
memory=32
shells=2
CONF

val() { echo "$1" | awk -v k="$2" '$1 == k {print $2}'; }
# median FILE: the median (lower middle) of the numbers in FILE.
median() { sort -n "$1" | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'; }
# record METRIC LABEL VALUE UNIT: a bench line, and VALUE kept for the median.
record() {
    echo "bench: $1 $2 $MB $3 $4"
    echo "$3" >>"/tmp/med.$1.$2"
}
# child_of STATUS DOMID KEY: KEY ("total_us", "first_run") of DOMID's entry.
child_of() {
    printf '%s\n' "$1" | grep -oE "\{\"child\":$2,[^]]*\}\}" | sed 's/}},{"child".*/}}/' |
        grep -oE "\"$3\":[0-9]+" | head -n 1 | sed 's/.*://'
}
# clone_run LABEL CMD...: time a clone command; its stdout is the child.
clone_run() {
    _label=$1; shift
    runs=$((runs + 1))
    if ! _o=$($BOOTTIME "$OUTF" -- sh -c "$* >$OUTF 2>/tmp/bench-clone.err" 2>&1); then
        echo "bench run failed ($_label): $_o $(cat /tmp/bench-clone.err)"
        failed=$((failed + 1))
        return 1
    fi
    _c=$(head -n 1 "$OUTF")
    record command_ms "$_label" "$(val "$_o" command_ms)" ms
    # first_run is recorded shortly after the unpause (polled).
    wait_for 5 sh -c "xencloned --status | grep -q '\"child\":$_c,[^]]*first_run'"
    _s=$(xencloned --status)
    echo "bench: clone_child_us $_label-announce-to-unpause $MB $(child_of "$_s" "$_c" total_us) us"
    echo "bench: clone_child_us $_label-unpause-to-first-run $MB $(child_of "$_s" "$_c" first_run) us"
    destroy_wait "$_c"
}

rm -f /tmp/med.*
# Not measured: Xen grows tables for Dom0 on the first domains
# (warm_xen_tables in tap.sh) and sizes its vmap area on the first clone.
warm_xen_tables >/dev/null 2>&1
counter_create counter >/dev/null 2>&1 &&
    wait_for 60 count_reaches counter "$(domid_of counter)" 1 ||
    { echo "bench: cannot start the parent counter"; exit 1; }
c=$(xl clone counter 2>/dev/null) && destroy_wait "$c"

echo "# xl create, to the first console line"
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1)) runs=$((runs + 1))
    if out=$($BOOTTIME "$CONSOLE_DIR/guest-bench.log" -- \
            xl create "$EXAMPLES/counter.cfg" 'name="bench"' "memory=$MB" 2>&1); then
        record first_line_ms xl-create "$(val "$out" first_line_ms)" ms
        record command_ms xl-create "$(val "$out" command_ms)" ms
    else
        echo "bench run failed (xl create): $out"
        failed=$((failed + 1))
    fi
    destroy_wait bench
done

echo "# xl clone, command to command"
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    clone_run xl-clone xl clone counter
done

echo "# chaos clone without a shell (Xen makes the child)"
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    clone_run chaos-clone-noshell chaos -s /nonexistent.sock clone counter
done

start_chaosd --quiet bench g16 2 c32 2
[ $? != 1 ] || exit 1
full() { pools_full g16 2 c32 2; }

echo "# chaos create from a pool shell, to the first console line"
CHAOSD_LOG=/var/log/xen/chaosd.log
log0=$(wc -l <"$CHAOSD_LOG" 2>/dev/null || echo 0)
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1)) runs=$((runs + 1))
    wait_for 30 full
    if out=$($BOOTTIME "$CONSOLE_DIR/guest-bench.log" -- \
            chaos create "$EXAMPLES/counter.cfg" name=bench "memory=$MB" 2>&1) &&
        echo "$out" | grep -q "from a ready"; then
        record first_line_ms chaos-pool-create "$(val "$out" first_line_ms)" ms
        record command_ms chaos-pool-create "$(val "$out" command_ms)" ms
    else
        echo "bench run failed (chaos create from the pool): $out"
        failed=$((failed + 1))
    fi
    chaos destroy bench >/dev/null 2>&1
done

echo "# chaosd's finish of each of those shells, by phase (its log)"
tail -n +"$((log0 + 1))" "$CHAOSD_LOG" | grep -oE 'created bench \(domid [0-9]+\) from pool g16: .*' |
    grep -oE '[a-z]+_us=[0-9]+' | sed 's/_us=/ /' | while read -r ph us; do
        echo "bench: chaos_finish_us $ph $MB $us us"
    done

echo "# chaos clone into a clone shell, command to command"
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    wait_for 30 full
    clone_run chaos-clone-shell chaos clone counter &&
        ! grep -q "cloned into 1 shell" /tmp/bench-clone.err &&
        echo "bench: note: run $i took no shell: $(cat /tmp/bench-clone.err)"
done
stop_chaosd

echo "# xencloned's phases, medians over every clone of this run"
s=$(xencloned --status)
for ph in wait xenstore_copy 9pfs introduce vifs complete unpause first_run; do
    m=$(printf '%s\n' "$s" | grep -oE "\"$ph\":\{[^{}]*\}" | head -n 1 |
        grep -oE '"median_us":[0-9]+' | sed 's/.*://')
    [ -n "$m" ] && echo "bench: xencloned_phase_us $ph - $m us"
done

# speedup NAME SLOW-FILE FAST-FILE: the ratio of two medians.
speedup() {
    [ -s "$2" ] && [ -s "$3" ] &&
        echo "info: speedup_$1 $(awk -v a="$(median "$2")" -v b="$(median "$3")" \
            'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }')"
}
speedup pool_create_vs_xl_create_first_line /tmp/med.first_line_ms.xl-create \
    /tmp/med.first_line_ms.chaos-pool-create
speedup xl_clone_vs_xl_create_command /tmp/med.command_ms.xl-create \
    /tmp/med.command_ms.xl-clone
speedup chaos_clone_shell_vs_xl_create_first_line \
    /tmp/med.first_line_ms.xl-create /tmp/med.command_ms.chaos-clone-shell
speedup chaos_clone_shell_vs_noshell_command \
    /tmp/med.command_ms.chaos-clone-noshell /tmp/med.command_ms.chaos-clone-shell
destroy_wait counter
echo "info: failed_runs $failed of $runs"
[ $((failed * 2)) -lt $runs ]
