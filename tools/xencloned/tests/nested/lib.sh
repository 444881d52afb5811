# lib.sh: helpers for xencloned's nested scenarios (busybox sh; needs tap.sh).
# Installed in Dom0 as /usr/lib/xen-clone/xencloned.sh.

# The counter guest: from the run's /test dir if a developer put one there,
# else the image minios-guest installs.
COUNTER_IMAGE=/usr/lib/minios-guest/counter
[ -f /test/counter ] && COUNTER_IMAGE=/test/counter

# counter_create NAME [KEY=VALUE...]: a 16 MB counter guest called NAME.
counter_create() {
    _name=$1; shift
    cat >"/tmp/$_name.cfg" <<CFG
name = "$_name"
type = "pv"
kernel = "$COUNTER_IMAGE"
memory = 16
vcpus = 1
on_poweroff = "preserve"
on_crash = "preserve"
CFG
    xl create "/tmp/$_name.cfg" "$@"
}

# last_count NAME DOMID: the last k of NAME's "counter DOMID: k" lines.
last_count() {
    grep -E "^counter $2: [0-9]+" "$CONSOLE_DIR/guest-$1.log" 2>/dev/null |
        tail -n 1 | sed 's/.*: //'
}

# count_reaches NAME DOMID K: NAME has printed "counter DOMID: k", k >= K.
count_reaches() {
    _k=$(last_count "$1" "$2")
    [ -n "$_k" ] && [ "$_k" -ge "$3" ]
}

# destroy_gone NAME-OR-ID: destroy it and wait until it is gone.
destroy_gone() { xl destroy "$1" >/dev/null 2>&1; wait_gone 30 "$1"; }

# restart_xencloned [ARGS...]: stop the running daemon, start one with ARGS.
restart_xencloned() {
    /etc/xen-clone/init.d/50-xencloned stop &&
        xencloned --pidfile /var/run/xencloned.pid "$@"
}

# Xen's shell stock as xencloned --status shows it (fork_shells):
# stock KEY: one number of its "stock" object (target, in_xen, taken, ...).
stock() { xencloned --status 2>/dev/null | sed -n "s/.*\"stock\":{[^}]*\"$1\":\([0-9]*\).*/\1/p"; }
# stock_ours: the domids xencloned gave Xen's stock, space-separated.
stock_ours() {
    xencloned --status 2>/dev/null |
        sed -n 's/.*"stock":{[^}]*"ours":\[\([0-9,]*\)\].*/\1/p' | tr ',' ' '
}
# stock_is N: Xen's stock holds N shells.
stock_is() { [ "$(stock in_xen)" = "$1" ]; }
# in_list WORD LIST: WORD is one of LIST's space-separated words.
in_list() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }

# worker_of NAME: the domid of the worker xencloned connected last for
# NAME's vif 0 (mode same), from its log.
worker_of() {
    sed -n "s/.*child \([0-9]*\): vif[0-9.]* (vif 0 of $(domid_of "$1")) connected, mode same.*/\1/p" \
        /var/log/xen/xencloned.log | tail -n 1
}
# family_gone NAME WORKER: destroy both; their vifs and bond go with them
# (a pool's shells keep theirs).
family_gone() {
    _p=$(domid_of "$1")
    destroy_gone "$2" && destroy_gone "$1" &&
        wait_for 30 sh -c "! ip -o link | grep -qE '^[0-9]+: (vif($_p|$2)\.|xc[bsp]$_p\.)'"
}
