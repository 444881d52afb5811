#!/bin/sh
# growth.sh: do instances get slower to make as they pile up? One method
# after the other, N (default 1000) 4 MB `dirty` guests (idle once up:
# blocked on a XenStore watch; holding 1 MB) are made and kept running:
#   xl-create:         xl create
#   chaos-pool-create: chaos create from a ready pool shell (untimed: the
#                      wait for the pool to have one)
#   xl-clone:          xl clone of one running parent, by domid (a
#                      name costs xl one XenStore read per domain: that
#                      lookup is timed apart, as xl_name_lookup_ms)
# create_ms: each command, command to command; x: how many instances of
# that method were already running, in buckets of 100. An info: line per
# method gives the growth, the median of the last 100 over the first 100
# (issue 14's goal: at most 1.1 for pool create and clone). METHODS (all
# three by default) picks some: BENCH_VARS="N=200 METHODS=chaos-pool-create".
# For pool create, chaosd's finish phases (from its log: check, kernel,
# ..., total) get info: lines, medians of the first and last bucket, and
# so does the making of a replacement shell (chaosd's "ready in"). For
# clone, xencloned's phase medians (--status: its last 64 children) after
# the first and the last bucket.
# run-in-dom0: timeout=21600 mem=10240 dom0mem=1536
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/chaos.sh
BOOTTIME=/usr/lib/xen-clone/bin/minios-boottime
T=/usr/lib/xen-clone/bin/xen-clone-test
N=${N:-1000}
BUCKET=${BUCKET:-100}
METHODS=${METHODS:-xl-create,chaos-pool-create,xl-clone}
failed=0
# The plot's x axis (scripts/bench-report.py).
echo "info: x_axis instances already running (buckets of $BUCKET)"

chaosd_conf 50 8 <<CONF
[flavour:g4]
memory=4
shells=4
CONF

# one METHOD I LOG CMD...: time CMD (the I-th instance of METHOD; LOG gets
# a line once it has made it: its console, or its output); keep the sample
# in /tmp/growth.METHOD.BUCKET for the growth figure. CMD's output: $_o.
one() {
    _m=$1 _i=$2 _log=$3; shift 3
    if ! _o=$($BOOTTIME --timeout 120 "$_log" -- "$@" 2>&1); then
        echo "run failed ($_m, instance $_i): $_o"
        failed=$((failed + 1))
        return 1
    fi
    _b=$(( (_i - 1) / BUCKET * BUCKET ))
    _ms=$(echo "$_o" | awk '$1 == "command_ms" {print $2}')
    echo "bench: create_ms $_m $_b $_ms ms"
    echo "$_ms" >>"/tmp/growth.$_m.$_b"
}
median() { sort -n "$1" | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'; }
# growth METHOD: the median of the last bucket over the first.
growth() {
    _last=$(( (N - 1) / BUCKET * BUCKET ))
    [ -s "/tmp/growth.$1.0" ] && [ -s "/tmp/growth.$1.$_last" ] &&
        echo "info: growth_$1 $(awk -v a="$(median "/tmp/growth.$1.$_last")" \
            -v b="$(median "/tmp/growth.$1.0")" 'BEGIN { printf "%.2f", a / b }') (last $BUCKET over first $BUCKET of $N)"
}
# up NAME: NAME's dirty app holds its megabyte (it runs).
up() { wait_console 120 "$1" '^dirty: holding 1 MB$'; }
# destroy_all PREFIX: destroy every domain whose name starts with PREFIX.
destroy_all() {
    for _d in $(xl list | awk -v p="$1" 'index($1, p) == 1 {print $2}'); do
        xl destroy "$_d" >/dev/null 2>&1
    done
    wait_for 600 sh -c "! xl list | awk -v p='$1' 'index(\$1, p) == 1 {f=1} END {exit !f}'"
}

# want METHOD: is METHOD among those to run?
want() { case ",$METHODS," in *",$1,"*) return 0 ;; esac; return 1; }
# phase KEY I...: the median of chaosd's KEY (check_us, ...) over
# pool creates gpI... (from its log), in ms.
phase() {
    _k=$1; shift
    for _i in "$@"; do grep -F "created gp$_i (domid" /var/log/xen/chaosd.log; done |
        tr ' ' '\n' | awk -F= -v k="$_k" '$1 == k {print $2}' >/tmp/growth.phase
    [ -s /tmp/growth.phase ] || { echo "none"; return; }
    awk '{printf "%.1f\n", $1 / 1000}' /tmp/growth.phase >/tmp/growth.phase.ms
    echo "$(median /tmp/growth.phase.ms) ms"
}
# phases I...: every phase's median ("check 6.3 ms, kernel ...").
phases() {
    _out=
    for _p in check kernel build boot claim xenstore console vifs introduce unpause total; do
        _out="$_out${_out:+, }$_p $(phase ${_p}_us "$@")"
    done
    echo "$_out"
}
# clone_phases: xencloned's median of each phase over its recent
# children (its --status; first_run comes a little after the clone).
clone_phases() {
    sleep 2
    _s=$(xencloned --status 2>/dev/null) || { echo "no status"; return; }
    _out=
    for _p in xenstore_copy 9pfs introduce vifs complete unpause first_run total; do
        _v=$(printf '%s\n' "$_s" | grep -o "\"$_p\":{[^}]*}" | head -n 1 |
            grep -o '"median_us":[0-9]*' | cut -d: -f2)
        _out="$_out${_out:+, }$_p $(awk -v v="$_v" 'BEGIN { if (v == "") print "none"; else printf "%.1f ms", v / 1000 }')"
    done
    echo "$_out"
}
# lookup_ms: how long xl takes to find gparent by name (xl domid NAME,
# median of 5, in ms).
lookup_ms() {
    for _r in 1 2 3 4 5; do
        $BOOTTIME --timeout 60 /tmp/growth.lk -- sh -c 'xl domid gparent >/tmp/growth.lk' 2>&1 |
            awk '$1 == "command_ms" {print $2}'
    done >/tmp/growth.lookup
    median /tmp/growth.lookup
}
nmethods=0
rm -f /tmp/growth.*
warm_xen_tables >/dev/null 2>&1
echo "info: instances $N bucket $BUCKET"

if want xl-create; then
nmethods=$((nmethods + 1))
echo "# xl create, $N guests"
for i in $(seq "$N"); do
    one xl-create "$i" "$CONSOLE_DIR/guest-gx$i.log" xl create \
        "$EXAMPLES/dirty.cfg" "name=\"gx$i\"" memory=4 'cmdline="mb=1"' &&
        up "gx$i"
    [ $((i % 100)) = 0 ] && echo "# ... $i"
done
growth xl-create
destroy_all gx
fi

if want chaos-pool-create; then
nmethods=$((nmethods + 1))
echo "# chaos create from the pool, $N guests"
start_chaosd --quiet growth || exit 1
for i in $(seq "$N"); do
    wait_for 60 sh -c '[ "$(chaos pool show 2>/dev/null | awk '"'"'$1 == "g4" {print $5}'"'"')" -ge 1 ]'
    one chaos-pool-create "$i" "$CONSOLE_DIR/guest-gp$i.log" chaos create \
        "$EXAMPLES/dirty.cfg" "name=gp$i" memory=4 'cmdline="mb=1"' &&
        up "gp$i" && { echo "$_o" | grep -q "from a ready" ||
            echo "note: instance $i did not come from the pool: $_o"; }
    [ $((i % 100)) = 0 ] && echo "# ... $i"
done
growth chaos-pool-create
_last=$(( (N - 1) / BUCKET * BUCKET ))
echo "info: pool_phases_first $(phases $(seq 1 "$BUCKET"))"
echo "info: pool_phases_last $(phases $(seq $((_last + 1)) "$N"))"
# chaosd makes each replacement shell between requests, in its one
# thread: how long one took, median over the first and last BUCKET.
grep -o 'ready in [0-9]* us' /var/log/xen/chaosd.log | awk '{printf "%.1f\n", $3 / 1000}' >/tmp/growth.refill
head -n "$BUCKET" /tmp/growth.refill >/tmp/growth.refill.first
tail -n "$BUCKET" /tmp/growth.refill >/tmp/growth.refill.last
echo "info: pool_refill_ms first $(median /tmp/growth.refill.first), last $(median /tmp/growth.refill.last) (of $(wc -l </tmp/growth.refill) shells made)"
destroy_all gp
stop_chaosd
fi

if want xl-clone; then
nmethods=$((nmethods + 1))
echo "# xl clone of one parent, $N children"
guest_create gparent dirty memory=4 'cmdline="mb=1"' >/dev/null 2>&1 && up gparent ||
    { echo "the parent does not start"; exit 1; }
P=$(domid_of gparent)
$T policy "$P" 1 "$N" "$((N + 1))" 16
for i in $(seq "$N"); do
    one xl-clone "$i" /tmp/growth.out sh -c "xl clone $P >/tmp/growth.out"
    [ $((i % 100)) = 0 ] && echo "# ... $i"
    if [ "$i" = "$BUCKET" ] || [ "$i" = "$N" ]; then
        [ "$i" = "$N" ] && _w=last || _w=first
        echo "info: clone_phases_$_w $(clone_phases)"
        echo "$(lookup_ms)" >"/tmp/growth.lookup.$_w"
    fi
done
growth xl-clone
echo "info: xl_name_lookup_ms first $(cat /tmp/growth.lookup.first), last $(cat /tmp/growth.lookup.last) (xl domid NAME, median of 5, with $BUCKET and $N children up)"
destroy_all gparent
fi

echo "info: failed_runs $failed of $((nmethods * N))"
[ "$failed" = 0 ]
