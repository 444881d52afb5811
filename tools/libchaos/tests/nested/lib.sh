# lib.sh: helpers for libchaos's nested scenarios (sourced after tap.sh);
# installed in Dom0 as /usr/lib/xen-clone/chaos.sh.

CHAOSD_CONF=/tmp/chaosd-test.conf
CHAOSD_PID=/var/run/chaosd.pid

# pool_col FLAVOUR COLUMN: one column of `chaos pool show` (5 ready,
# 6 preparing, 7 made, 8 served, 9 failed).
pool_col() { chaos pool show 2>/dev/null | awk -v f="$1" -v c="$2" '$1 == f {print $c}'; }
ready() { pool_col "$1" 5; }
# shells: domids of chaos shells; nr_shells: how many.
shells() { chaos list 2>/dev/null | awk '$5 == "shell" {print $2}'; }
nr_shells() { shells | wc -l; }
# pool_is FLAVOUR N: FLAVOUR has exactly N ready shells and none preparing.
pool_is() { [ "$(ready "$1")" = "$2" ] && [ "$(pool_col "$1" 6)" = 0 ]; }
chaosd_pid() { cat "$CHAOSD_PID" 2>/dev/null; }
chaosd_running() { _p=$(chaosd_pid); [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null; }
# stop_chaosd: SIGTERM and wait until it has exited (it destroys its shells).
stop_chaosd() {
    _p=$(chaosd_pid)
    [ -n "$_p" ] || return 0
    kill -TERM "$_p" 2>/dev/null
    wait_for 60 sh -c "! kill -0 $_p"
}
# xs_orphans: /local/domain entries with no Xen domain behind them.
xs_orphans() {
    for _d in $(xenstore-list /local/domain 2>/dev/null); do
        xl list "$_d" >/dev/null 2>&1 || echo "$_d"
    done
}
# chaosd_conf RATE BURST: write $CHAOSD_CONF: a [chaosd] group with
# refill-rate RATE and refill-burst BURST, then the flavour groups read
# from stdin (a here-document).
chaosd_conf() {
    { printf '[chaosd]\nrefill-rate=%s\nrefill-burst=%s\n' "$1" "$2"; cat; } >"$CHAOSD_CONF"
}
# chaosd_conf_clone NAME MEMORY SHELLS [BRIDGE]: $CHAOSD_CONF with one
# clone flavour NAME (kind=clone, MEMORY MB, 1 vCPU, SHELLS shells, a vif
# on BRIDGE if given), refilled at 20/s, burst 4.
chaosd_conf_clone() {
    chaosd_conf 20 4 <<CONF
[flavour:$1]
kind=clone
memory=$2
vcpus=1
shells=$3
${4:+vifs=$4}
CONF
}
# pools_full FLAVOUR N [FLAVOUR N]...: each pool FLAVOUR has exactly N
# ready shells and none preparing.
pools_full() {
    while [ $# -ge 2 ]; do pool_is "$1" "$2" || return 1; shift 2; done
}
# start_chaosd [--quiet] DESCRIPTION [FLAVOUR N]...: start chaosd on
# $CHAOSD_CONF, one check that it starts detached and returns 0 (its
# output as a diagnostic otherwise); with FLAVOUR N pairs a second check
# that each pool FLAVOUR fills to N (within 60 s).
# --quiet (bench scripts, no TAP): no check; what went wrong is one line
# "DESCRIPTION: ..."; status 1 if chaosd did not start, 2 if a pool did
# not fill, else 0.
start_chaosd() {
    _quiet=; [ "$1" != --quiet ] || { _quiet=1; shift; }
    _what=$1; shift
    _out=$(chaosd -c "$CHAOSD_CONF" 2>&1); _st=$?
    if [ -n "$_quiet" ]; then
        [ "$_st" = 0 ] || { echo "$_what: chaosd does not start: $_out"; return 1; }
        [ $# -lt 2 ] || wait_for 60 pools_full "$@" ||
            { echo "$_what: the pools did not fill ($*)"; return 2; }
        return 0
    fi
    is "$_st" 0 "$_what"
    [ "$_st" = 0 ] || diag "$_out"
    [ $# -ge 2 ] || return "$_st"
    if [ $# = 2 ]; then _what="  the pool $1 fills to $2"
    else _what="  the pools fill (FLAVOUR READY: $*)"
    fi
    ok "$_what" wait_for 60 pools_full "$@"
}
# cshells: domids of the empty clone shells chaos lists.
cshells() { chaos list 2>/dev/null | awk '$5 == "clone-shell" {print $2}'; }
# counts N: counter-clone-N's console shows its counter moving.
counts() { count_reaches "counter-clone-$1" "$1" 0; }
# adopted FLAVOUR: how many shells chaosd adopted into FLAVOUR's pool.
adopted() { pool_col "$1" 10; }
