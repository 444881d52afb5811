#!/bin/sh
# density.sh: how many instances of one guest fit until Xen's memory runs
# out, by how they are made (issue 14; Nephele measured 3.1x clones vs
# booted). One method after the other, each from the same free memory:
#   xl-create:         xl create
#   chaos-pool-create: chaos create from chaosd's pool (flavour of the same
#                      size, 2 shells kept ready; a create the pool cannot
#                      serve falls back to a direct create and is counted
#                      apart)
#   xl-clone:          one booted parent, then xl clone of it (Xen-made
#                      children: chaosd is not running); the parent counts
#                      as the first instance
# The guest: minios-guest `dirty`, memory=$MB (8 MB), cmdline mb=1: it
# writes 1 MB of its heap at boot, then, once it runs, Dom0 asks it to
# rewrite that megabyte (data/dirty/mb=1) and waits for it to say so
# (data/dirty/done). Every instance, booted or cloned, has written the
# same 1 MB itself: a clone's write copies those 256 pages (COW), so
# clones are charged for what they write, not only for their page tables.
# Instances are kept running until one cannot be made or cannot write;
# then the cause is told: Xen's free memory (the guest did not fit, or a
# clone's copy-on-write found no page: the child crashed), or anything
# else (Dom0 memory, XenStore, event channels: the command's error is
# printed as it came).
# Output, per method: bench: free_mib (Xen's free memory) and
# dom0_avail_mib (Dom0's MemAvailable: each booted guest has its own xl
# process in Dom0) against the instances running, every $STEP and at the
# stop; info: the count, the cause of the stop, the memory per instance,
# whether Xen's free memory came back after destroying all, and the
# ratios clones/booted and pool/booted.
# The machine: 1024 MB with 512 MB for Dom0 (run-in-dom0's smallest Xen
# share), so Xen has about 498 MiB free; a ballast, one paused domain that
# never runs, takes all of it but ROOM (128) MiB for the whole run, so
# that about 15 booted 8 MB guests fit and about 6x as many clones (95
# in the run of 2026-12-07, 13 minutes in all; an idle `dirty` waits on a
# XenStore watch: when it polled, the clones stopped at 52 for xencloned's
# 30 s, docs/shell-lifecycle.md, "Density and growth"). Memory per instance,
# and counts stopped by memory, are robust to the host's load; a stop by
# a timeout is not, and timings are not measured here. The ratios do not
# depend on ROOM but a count of 15 is coarse (+-1 is 7%): the memory per
# instance (info) is the finer figure.
# run-in-dom0: timeout=3600 mem=1024 dom0mem=512
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/chaos.sh
T=/usr/lib/xen-clone/bin/xen-clone-test
MB=${MB:-8}
STEP=${STEP:-5}
MAX=${MAX:-2000}
ROOM=${ROOM:-128}
# The plots' x axis (scripts/bench-report.py).
echo "info: x_axis instances running"
echo "info: guest dirty memory=$MB MB, writes 1 MB (at boot, then once more on request)"

# free_mib: Xen's free memory in MiB, to a tenth.
free_mib() { awk -v p="$(free_pages)" 'BEGIN { printf "%.1f", p / 256 }'; }
dom0_avail_mib() { awk '$1 == "MemAvailable:" { printf "%.1f", $2 / 1024 }' /proc/meminfo; }
# sample METHOD COUNT: the two bench lines for COUNT instances running.
sample() {
    echo "bench: free_mib $1 $2 $(free_mib) MiB"
    echo "bench: dom0_avail_mib $1 $2 $(dom0_avail_mib) MiB"
}
# written DOMID: the dirty guest has served its first request.
written() { [ "$(xenstore-read "/local/domain/$1/data/dirty/done" 2>/dev/null)" = 1 ]; }
# gone_or_crashed DOMID
gone_or_crashed() { ! xl list "$1" >/dev/null 2>&1 || xl list "$1" | awk 'NR == 2 {exit !($5 ~ /c/)}'; }
# write_1mb DOMID: ask the guest to rewrite its megabyte; 0 once it has.
# Sets $werr when it has not (crashed: a COW fault found no memory).
write_1mb() {
    werr=
    xenstore-rm "/local/domain/$1/data/dirty/done" 2>/dev/null
    if ! xenstore-write "/local/domain/$1/data/dirty/mb" 1; then
        werr="xenstore-write to d$1 failed"
        return 1
    fi
    wait_for 10 written "$1" && return 0
    wait_for 110 sh -c "
        [ \"\$(xenstore-read /local/domain/$1/data/dirty/done 2>/dev/null)\" = 1 ] ||
        ! xl list $1 >/dev/null 2>&1 || xl list $1 | awk 'NR == 2 {exit !(\$5 ~ /c/)}'"
    written "$1" && return 0
    if gone_or_crashed "$1"; then
        werr="d$1 crashed or vanished before it had rewritten its megabyte"
    else
        werr="d$1 did not rewrite its megabyte within 120 s"
    fi
    return 1
}
# others: domids of every domain but Dom0 and the ballast.
others() { xl list 2>/dev/null | awk 'NR > 2 && $1 != "dballast" {print $2}'; }
only_ballast() { [ "$(nr_domains)" = 2 ]; }
# destroy_all: destroy every domain but Dom0, 8 at a time; wait until gone.
destroy_all() {
    _n=0
    for _d in $(others); do
        xl destroy "$_d" >/dev/null 2>&1 &
        _n=$((_n + 1))
        [ $((_n % 8)) = 0 ] && wait
    done
    wait
    wait_for 600 only_ballast
}
# settled: Xen's free memory did not change for 3 s.
settled() {
    _a=$(free_pages); sleep 3; [ "$(free_pages)" = "$_a" ]
}
# stop_cause METHOD ERROR NEED_MIB: the info lines for the stop. The cause
# is Xen's memory when less than NEED_MIB is free (what one more instance
# takes), else "other" with the error as it came.
stop_cause() {
    _f=$(free_mib)
    if awk -v f="$_f" -v n="$3" 'BEGIN { exit !(f < n) }'; then
        _c=xen-memory
    else
        _c=other
    fi
    echo "info: stop_$1 $_c (Xen free $_f MiB, one more needs about $3 MiB; Dom0 MemAvailable $(dom0_avail_mib) MiB; $(($(nr_domains) - 2)) guests besides the ballast) error: $(echo "$2" | tr '\n' ' ' | cut -c1-300)"
}
# at_stop METHOD COUNT: the last sample (unless progress just took it),
# the count and the memory per instance (Xen memory used since the start,
# pool shells included, over the count).
at_stop() {
    [ $(($2 % STEP)) = 0 ] || sample "$1" "$2"
    _used=$(( BASE_PAGES - $(free_pages) ))
    echo "info: count_$1 $2"
    [ "$2" -gt 0 ] && echo "info: mib_per_instance_$1 $(awk -v u="$_used" -v n="$2" \
        'BEGIN { printf "%.2f", u / 256 / n }') (Xen memory used at the stop over the count)"
    echo "# $1: stopped at $2 after $(($(date +%s) - T0)) s"
}
# finish METHOD COUNT: destroy all and check that Xen's free memory comes
# back to BASE_PAGES.
finish() {
    echo "# $1: destroying $2 instances"
    destroy_all || echo "info: error_$1 some domains were not gone after 600 s: $(others | tr '\n' ' ')"
    if wait_free_pages 120 "$BASE_PAGES"; then
        echo "info: free_back_$1 exact ($BASE_PAGES pages)"
    else
        wait_for 60 settled
        echo "info: free_back_$1 $(( $(free_pages) - BASE_PAGES )) pages off ($BASE_PAGES before, $(free_pages) after)"
        BASE_PAGES=$(free_pages)
    fi
}
progress() {
    [ $(($2 % STEP)) = 0 ] || return 0
    sample "$1" "$2"
    echo "# $1: $2 running, Xen free $(free_mib) MiB, Dom0 MemAvailable $(dom0_avail_mib) MiB, $(($(date +%s) - T0)) s"
}

# Not measured: the tables Xen grows once for Dom0 (warm_xen_tables) and
# its vmap area, sized on the first clone of a boot (warm_clone).
warm_xen_tables 16 >/dev/null 2>&1 || echo "note: warm_xen_tables failed"
warm_clone dwarm >/dev/null 2>&1 || echo "note: warm_clone failed"
echo "info: xen_free_at_start $(free_mib) MiB, Dom0 MemAvailable $(dom0_avail_mib) MiB"
# The ballast: a paused domain that never runs, holding all of Xen's free
# memory but ROOM MiB, for the whole run (see the header).
b=$(awk -v p="$(free_pages)" -v r="$ROOM" 'BEGIN { printf "%d", p / 256 - r }')
if [ "$b" -le 0 ]; then
    echo "density: ROOM=$ROOM MiB is more than Xen's $(free_mib) MiB free"
    exit 1
fi
if ! o=$(xl create -p /dev/null 'name="dballast"' 'type="pv"' \
        "kernel=\"$IMAGES/hello\"" "memory=$b" 2>&1); then
    echo "density: cannot create the $b MiB ballast: $o"
    exit 1
fi
BASE_PAGES=$(free_pages)
echo "info: ballast $b MiB (a paused domain), Xen free for the guests $(free_mib) MiB"
NEED=$((MB + 1))
T0=$(date +%s)

echo "# xl create until memory runs out ($MB MB guests)"
m=xl-create n=0
sample $m 0
while [ $n -lt "$MAX" ]; do
    i=$((n + 1))
    rm -f "$CONSOLE_DIR/guest-db$i.log"
    if ! o=$(xl create "$EXAMPLES/dirty.cfg" "name=\"db$i\"" memory=$MB 'cmdline="mb=1"' 2>&1); then
        stop_cause $m "xl create: $o" $NEED
        break
    fi
    if ! wait_console 120 "db$i" '^dirty: holding 1 MB$'; then
        stop_cause $m "db$i did not come up: $(tail -n 3 "$CONSOLE_DIR/guest-db$i.log" 2>/dev/null)" $NEED
        break
    fi
    write_1mb "$(domid_of "db$i")" || { stop_cause $m "$werr" $NEED; break; }
    n=$i
    progress $m $n
done
[ $n -lt "$MAX" ] || echo "info: stop_$m cap (MAX=$MAX reached)"
BOOTED=$n
at_stop $m $n
finish $m $n

echo "# chaos create from the pool until memory runs out ($MB MB guests)"
m=chaos-pool-create n=0 fallback=0
chaosd_conf 20 4 <<CONF
[flavour:d$MB]
memory=$MB
shells=2
CONF
start_chaosd --quiet density "d$MB" 2
[ $? != 1 ] || exit 1
# Free memory counted from here: the 2 shells are the pool's, part of the method.
sample $m 0
while [ $n -lt "$MAX" ]; do
    i=$((n + 1))
    # A pool that cannot refill (no memory) leaves chaos to fall back.
    wait_for 20 sh -c "[ \"\$(chaos pool show 2>/dev/null | awk '\$1 == \"d$MB\" {print \$5}')\" -ge 1 ]"
    rm -f "$CONSOLE_DIR/guest-dp$i.log"
    if ! o=$(chaos create "$EXAMPLES/dirty.cfg" "name=dp$i" memory=$MB 'cmdline="mb=1"' 2>&1); then
        stop_cause $m "chaos create: $o" $NEED
        break
    fi
    case $o in
    *"from a ready"*) ;;
    *) fallback=$((fallback + 1)); echo "# instance $i not from the pool: $o" ;;
    esac
    if ! wait_console 120 "dp$i" '^dirty: holding 1 MB$'; then
        stop_cause $m "dp$i did not come up: $(tail -n 3 "$CONSOLE_DIR/guest-dp$i.log" 2>/dev/null)" $NEED
        break
    fi
    write_1mb "$(domid_of "dp$i")" || { stop_cause $m "$werr" $NEED; break; }
    n=$i
    progress $m $n
done
[ $n -lt "$MAX" ] || echo "info: stop_$m cap (MAX=$MAX reached)"
echo "info: pool_at_stop_$m $(ready "d$MB") ready shells held ($MB MB each), $fallback of $n instances created directly (pool empty)"
POOL=$n
at_stop $m $n
stop_chaosd || echo "note: chaosd did not stop"
finish $m $n

echo "# xl clone of one parent until memory runs out ($MB MB guest)"
m=xl-clone n=0
sample $m 0
# The parent wrote its megabyte at boot and is asked nothing: each child
# inherits its count of requests (none), so a child's first is "done 1".
if ! dirty_up dparent "$MB" 1; then
    echo "density: the parent does not start: $(tail -n 3 "$CONSOLE_DIR/guest-dparent.log" 2>/dev/null)"
    exit 1
fi
pd=$(domid_of dparent)
$T policy "$pd" 1 "$MAX" "$((MAX + 1))" 16 || { echo "density: cannot set d$pd's clone policy"; exit 1; }
n=1
progress $m $n
while [ $n -lt "$MAX" ]; do
    i=$((n + 1))
    if ! c=$(xl clone dparent 2>/tmp/density.err); then
        stop_cause $m "xl clone: $(cat /tmp/density.err)" 2
        break
    fi
    c=$(echo "$c" | head -n 1)
    write_1mb "$c" || { stop_cause $m "$werr" 2; break; }
    n=$i
    progress $m $n
done
[ $n -lt "$MAX" ] || echo "info: stop_$m cap (MAX=$MAX reached)"
CLONED=$n
at_stop $m $n
finish $m $n

ratio() {
    [ "$2" -gt 0 ] && echo "info: ratio_$1 $(awk -v a="$3" -v b="$2" \
        'BEGIN { printf "%.2f", a / b }') ($3 / $2)"
}
ratio clones_vs_booted "$BOOTED" "$CLONED"
echo "info: nephele_clones_vs_booted 3.1 (for comparison: its guest and machine differ)"
ratio pool_vs_booted "$BOOTED" "$POOL"
[ "$BOOTED" -gt 0 ] && [ "$POOL" -gt 0 ] && [ "$CLONED" -gt 0 ]
