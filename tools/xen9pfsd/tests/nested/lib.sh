# lib.sh: helpers for xen9pfsd's nested scenarios (busybox sh). Installed
# in Dom0 as /usr/lib/xen-clone/xen9pfsd.sh; needs tap.sh.

P9_EXAMPLES=/etc/xen/examples

# p9_guest NAME SHARE [--app APP] [ATTACH-OPTION...] [-- XL-KEY=VALUE...]:
# create the guest NAME of APP ("files" by default) paused, give it 9pfs
# device 0 on SHARE (xen9pfs-attach with the options), unpause it.
p9_guest() {
    _n=$1 _share=$2; shift 2
    _opts= _app=files
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        if [ "$1" = --app ]; then _app=$2; shift 2; continue; fi
        _opts="$_opts $1"; shift
    done
    [ "${1:-}" = -- ] && shift
    rm -f "$CONSOLE_DIR/guest-$_n.log"
    xl create -p "$P9_EXAMPLES/$_app.cfg" "name=\"$_n\"" \
        'on_poweroff="preserve"' 'on_crash="preserve"' "$@" >/dev/null 2>&1 ||
        { echo "xl create $_n failed"; return 1; }
    # shellcheck disable=SC2086
    xen9pfs-attach $_opts "$(xl domid "$_n")" "$_share" &&
        xl unpause "$_n"
}

# p9_done NAME [SECONDS]: wait until the files/p9bad guest NAME says how it
# ended (ok, checks failed, cannot mount).
p9_done() { wait_console "${2:-300}" "$1" '^(files|p9bad): (ok|[0-9]+ of [0-9]+ checks failed|cannot)'; }

# p9_ok NAME: the guest NAME ended with every check passed.
p9_ok() { console_has "$1" '^(files|p9bad): ok, [0-9]+ checks passed'; }

# p9_daemon_alive: xen9pfsd still runs, with the pid its pid file names.
p9_daemon_alive() { [ "$(pidof xen9pfsd)" = "$(cat /var/run/xen9pfsd.pid 2>/dev/null)" ]; }

# host_crc FILE: the CRC-32 of FILE, as the guest prints it.
host_crc() { crc32 "$1" | awk '{print $1}'; }

# p9_run NAME SHARE [p9_guest options...]: p9_guest, then wait (up to
# $P9_WAIT seconds, 600 by default) until the guest says how it ended.
p9_run() { p9_guest "$@" && p9_done "$1" "${P9_WAIT:-600}"; }
