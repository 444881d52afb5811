# lib.sh: helpers for xen9pfsd's nested scenarios (busybox sh). Installed
# in Dom0 as /usr/lib/xen-clone/xen9pfsd.sh; needs tap.sh.

P9_EXAMPLES=/etc/xen/examples

# p9_guest NAME SHARE [ATTACH-OPTION...] [-- XL-KEY=VALUE...]: create the
# "files" guest NAME paused, give it 9pfs device 0 on SHARE (through
# xen9pfs-attach with the options), unpause it.
p9_guest() {
    _n=$1 _share=$2; shift 2
    _opts=
    while [ $# -gt 0 ] && [ "$1" != -- ]; do _opts="$_opts $1"; shift; done
    [ "${1:-}" = -- ] && shift
    rm -f "$CONSOLE_DIR/guest-$_n.log"
    xl create -p "$P9_EXAMPLES/files.cfg" "name=\"$_n\"" \
        'on_poweroff="preserve"' 'on_crash="preserve"' "$@" >/dev/null 2>&1 ||
        { echo "xl create $_n failed"; return 1; }
    # shellcheck disable=SC2086
    xen9pfs-attach $_opts "$(xl domid "$_n")" "$_share" &&
        xl unpause "$_n"
}

# p9_result NAME: wait for the files guest NAME to finish; its last line.
p9_done() { wait_console "${2:-300}" "$1" '^files: (ok|[0-9]+ of [0-9]+ checks failed|cannot)'; }

# host_crc FILE: the CRC-32 of FILE, as the guest prints it.
host_crc() { crc32 "$1" | awk '{print $1}'; }
