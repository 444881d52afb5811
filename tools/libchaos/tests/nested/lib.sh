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
