#!/bin/sh
# latency.sh: what a long clone_op does to the rest of the machine (issue
# 11, item 8), side by side in one run. For dirty guests of 256 and 1024 MB
# (each holding half its memory), in three windows:
#   idle:   nothing but the probes
#   clone8: Dom0 clones the guest into 8 children (xen-clone-test), until
#           xencloned has completed them and they run
#   reset:  CLONEOP_reset of a child that rewrote the held half
# the probes, all the while:
#   xl list       its latency, run every 20 ms from Dom0 (a sysctl)
#   xl vcpu-list  the same (a domctl: it waits for the domctl lock)
#   a timer guest how late its 10 ms wake-ups are (the jitter app)
# Each window's worst case and median, in ms (the timer guest: its worst
# and its mean lateness), and how long the window's command took, in s:
# one line per window, guest MB on x.
# run-in-dom0: timeout=3600 mem=4096 dom0mem=1024
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
# The plots' x axes (scripts/bench-report.py).
echo "info: x_axis guest memory (MB)"

BIN=/usr/lib/xen-clone/bin
T=$BIN/xen-clone-test
RUNS=${RUNS:-3}
SIZES=${SIZES:-256 1024}
KIDS=8
failed=0

# maxof FILE: the largest number in FILE, or "-" when it has none.
maxof() { sort -n "$1" | tail -1 | grep . || echo -; }
# medof FILE: the median of the numbers in FILE, or "-" when it has none.
medof() {
    sort -n "$1" | awk '{ v[NR] = $1 }
        END { if (NR == 0) print "-"
              else if (NR % 2) print v[(NR + 1) / 2]
              else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
jit_lines() { grep -c '^jitter [0-9]*:' "$CONSOLE_DIR/guest-jit.log"; }
# jit_max FROM: the worst wake-up lateness (ms) in jitter lines after FROM.
jit_max() {
    grep '^jitter [0-9]*:' "$CONSOLE_DIR/guest-jit.log" | tail -n +"$(($1 + 1))" |
        awk '{ for (i = 1; i < NF; i++) if ($i == "max_us" && $(i+1) > m) m = $(i+1) }
             END { if (m == "") print "-"; else printf "%.3f\n", m / 1000 }'
}
# jit_mean FROM: the mean wake-up lateness (ms) over the jitter lines after
# FROM (each line: one second's mean).
jit_mean() {
    grep '^jitter [0-9]*:' "$CONSOLE_DIR/guest-jit.log" | tail -n +"$(($1 + 1))" |
        awk '{ for (i = 1; i < NF; i++) if ($i == "mean_us") { s += $(i+1); n++ } }
             END { if (n == 0) print "-"; else printf "%.3f\n", s / n / 1000 }'
}
# sample METRIC WINDOW MB VALUE UNIT: a bench line, or a note when the probe
# gave no sample (bench-report.py takes numbers only).
sample() {
    case $4 in
    -) echo "no sample: $1 $2 $3" ;;
    *) echo "bench: $1 $2 $3 $4 $5" ;;
    esac
}
uptime_s() { awk '{ print $1 }' /proc/uptime; }

# window NAME MB CMD...: run CMD between 1 s of probes before and 2 s after;
# print each probe's worst case and median (mean for the timer guest) and
# the command's duration as bench lines, and the probes' raw samples.
window() {
    _w=$1 _mb=$2; shift 2
    $BIN/cmd-latency xl list >/tmp/lat-list 2>/dev/null &
    _pl=$!
    $BIN/cmd-latency xl vcpu-list Domain-0 >/tmp/lat-vcpu 2>/dev/null &
    _pv=$!
    _n0=$(jit_lines)
    sleep 1
    _t0=$(uptime_s)
    "$@" >/tmp/lat-cmd.out 2>&1 || { echo "$_w ($_mb MB) failed: $(cat /tmp/lat-cmd.out)"; failed=$((failed + 1)); }
    _t1=$(uptime_s)
    sleep 2
    kill "$_pl" "$_pv"
    wait "$_pl" "$_pv"
    # The guest prints a line a second: let the last one in.
    wait_for 5 sh -c "[ \$(grep -c '^jitter [0-9]*:' $CONSOLE_DIR/guest-jit.log) -ge $((_n0 + 4)) ]"
    sample xl_list_max_ms "$_w" "$_mb" "$(maxof /tmp/lat-list)" ms
    sample xl_vcpu_list_max_ms "$_w" "$_mb" "$(maxof /tmp/lat-vcpu)" ms
    sample timer_late_max_ms "$_w" "$_mb" "$(jit_max "$_n0")" ms
    sample xl_list_med_ms "$_w" "$_mb" "$(medof /tmp/lat-list)" ms
    sample xl_vcpu_list_med_ms "$_w" "$_mb" "$(medof /tmp/lat-vcpu)" ms
    sample timer_late_mean_ms "$_w" "$_mb" "$(jit_mean "$_n0")" ms
    echo "raw: xl_list_ms $_w $_mb $(tr '\n' ' ' </tmp/lat-list)"
    echo "raw: xl_vcpu_list_ms $_w $_mb $(tr '\n' ' ' </tmp/lat-vcpu)"
    sample window_cmd_s "$_w" "$_mb" "$(awk "BEGIN { printf \"%.2f\", $_t1 - $_t0 }")" s
}

# running DOMID: the domain exists and is not paused.
running() {
    _s=$(domain_state "$1")
    [ -n "$_s" ] && ! echo "$_s" | grep -q p
}
# clone_kids DOMID: Dom0 clones DOMID into KIDS children (their domids in
# /tmp/lat-kids) and waits until xencloned has completed them all.
clone_kids() {
    $T clone "$1" "$KIDS" >/tmp/lat-kids || return 1
    for _k in $(cat /tmp/lat-kids); do
        wait_for 120 running "$_k" || return 1
    done
}

warm_xen_tables >/dev/null 2>&1
guest_create jit jitter >/dev/null 2>&1 && wait_console 30 jit '^jitter 1:' ||
    { echo "the jitter guest did not start"; exit 1; }
echo "info: kids $KIDS runs $RUNS"

for mb in $SIZES; do
    echo "# $mb MB guests: $RUNS windows of each kind"
    half=$((mb / 2))
    for _run in $(seq "$RUNS"); do
        window idle "$mb" sleep 3
        if ! dirty_up lat "$mb" "$half"; then
            echo "dirty guest of $mb MB did not start"; failed=$((failed + 1))
            destroy_wait lat; continue
        fi
        p=$(domid_of lat)
        $T policy "$p" 1 "$KIDS" >/dev/null
        window clone8 "$mb" clone_kids "$p"
        kid=$(awk '{print $1; exit}' /tmp/lat-kids)
        if [ -n "$kid" ] && dirty_write "$kid" "$half" 1; then
            xl pause "$kid"
            window reset "$mb" "$T" reset "$kid"
        else
            echo "child $kid did not rewrite $half MB"; failed=$((failed + 1))
        fi
        for k in $(cat /tmp/lat-kids 2>/dev/null); do destroy_wait "$k"; done
        destroy_wait lat
    done
done
destroy_wait jit
[ "$failed" = 0 ]
