# lib.sh: helpers for minios-guest's nested scenarios (busybox sh).
# Installed in Dom0 as /usr/lib/xen-clone/minios-guest.sh; needs tap.sh.

EXAMPLES=/etc/xen/examples
IMAGES=/usr/lib/minios-guest

# guest_create NAME APP [KEY=VALUE...]: xl create APP's example config as
# NAME, keeping the domain after poweroff/crash so its state can be seen.
guest_create() {
    _name=$1 _app=$2; shift 2
    xl create "$EXAMPLES/$_app.cfg" "name=\"$_name\"" \
        'on_poweroff="preserve"' 'on_crash="preserve"' "$@"
}

# state_has NAME FLAG: xl list's state column of NAME contains FLAG.
state_has() { domain_state "$1" | grep -q "$2"; }

# wait_state SECONDS NAME FLAG (s: shut down, c: crashed, b/r: running)
wait_state() { wait_for "$1" state_has "$2" "$3"; }

# console_line NAME REGEX: the first console line of NAME matching REGEX.
console_line() { grep -E -m1 -- "$2" "$CONSOLE_DIR/guest-$1.log" 2>/dev/null; }

# dirty_up NAME MB HOLD [ARG...]: a 'dirty' guest of MB MB holding HOLD MB,
# ready; ARGs are more of its arguments (poll=1).
dirty_up() {
    _du_n=$1 _du_m=$2 _du_h=$3
    shift 3
    rm -f "$CONSOLE_DIR/guest-$_du_n.log"
    guest_create "$_du_n" dirty memory="$_du_m" "cmdline=\"mb=$_du_h${*:+ $*}\"" >/dev/null 2>&1 &&
        wait_console 120 "$_du_n" "^dirty: holding $_du_h MB$"
}

# dirty_write DOMID MB PASS [FROM]: ask the dirty guest DOMID to rewrite
# MB MB (from MB FROM, default 0); wait until it says it has served its
# PASS-th request (its count lives in its memory: a reset forgets it).
dirty_write() {
    xenstore-rm "/local/domain/$1/data/dirty/done" 2>/dev/null
    xenstore-write "/local/domain/$1/data/dirty/from" "${4:-0}" &&
        xenstore-write "/local/domain/$1/data/dirty/mb" "$2" &&
        wait_for 120 sh -c "[ \"\$(xenstore-read /local/domain/$1/data/dirty/done 2>/dev/null)\" = $3 ]"
}

# xs_homes: the domains XenStore has homes for, and /libxl's and /vm's
# entries, on one line (compare before and after a scenario).
xs_homes() {
    echo "$(xenstore-list /local/domain 2>/dev/null | sort | tr '\n' ' ')|$(
        xenstore-list /libxl 2>/dev/null | sort | tr '\n' ' ')|$(
        xenstore-list /vm 2>/dev/null | wc -l)"
}

# only_dom0: no domain but Dom0 exists.
only_dom0() { [ "$(nr_domains)" = 1 ]; }

# warm_clone NAME: Xen sizes its vmap area on the first clone of a boot:
# clone a counter guest NAME once, destroy everything, before measuring.
warm_clone() {
    guest_create "$1" counter >/dev/null 2>&1 &&
        wait_console 60 "$1" 'counter [0-9]+: 1$' &&
        xl clone "$1" >/dev/null 2>&1 || return 1
    for _wd in $(xl list | awk 'NR > 2 {print $2}'); do
        xl destroy "$_wd" >/dev/null 2>&1
    done
    wait_for 60 only_dom0
}
