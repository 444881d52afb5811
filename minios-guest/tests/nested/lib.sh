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

# destroy_wait NAME: destroy the domain and wait until it is gone.
destroy_wait() { xl destroy "$1" >/dev/null 2>&1; wait_gone 30 "$1"; }
