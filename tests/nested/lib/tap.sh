# tap.sh: TAP helpers and Xen test helpers for nested scenarios (busybox sh).
# Installed in Dom0 as /usr/lib/xen-clone/tap.sh; scenarios source it.

_tap_n=0
_tap_failed=0
_tap_planned=

plan() { _tap_planned=$1; echo "1..$1"; }
diag() { echo "# $*"; }
note_file() { sed 's/^/#   /' "$1" 2>/dev/null; }
# run CMD...: run it; its output (stdout and stderr) in $out, status in $st.
run() { out=$("$@" 2>&1); st=$?; }
# run_split CMD...: the same with stdout in $out and stderr in $err.
run_split() { out=$("$@" 2>/tmp/run.err); st=$?; err=$(cat /tmp/run.err); }

_tap_result() { # STATUS NAME
    _tap_n=$((_tap_n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $_tap_n - $2"
    else
        echo "not ok $_tap_n - $2"
        _tap_failed=$((_tap_failed + 1))
    fi
    return "$1"
}

# ok NAME CMD...: pass if CMD exits 0. CMD's output goes to diagnostics.
ok() {
    _name=$1; shift
    _out=$("$@" 2>&1); _st=$?
    [ $_st = 0 ] || { diag "command failed ($_st): $*"; echo "$_out" | sed 's/^/#   /'; }
    _tap_result $_st "$_name"
}

# is GOT EXPECTED NAME
is() {
    if [ "$1" = "$2" ]; then _tap_result 0 "$3"
    else _tap_result 1 "$3"; diag "got: '$1'"; diag "expected: '$2'"; return 1
    fi
}

# like GOT EXTENDED-REGEX NAME
like() {
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then _tap_result 0 "$3"
    else _tap_result 1 "$3"; diag "got: '$1'"; diag "expected to match: /$2/"; return 1
    fi
}

# cmp_ok A OP B NAME (numeric: -eq -ne -lt -le -gt -ge)
cmp_ok() {
    if [ "$1" "$2" "$3" ] 2>/dev/null; then _tap_result 0 "$4"
    else _tap_result 1 "$4"; diag "failed: $1 $2 $3"; return 1
    fi
}

fail() { _tap_result 1 "$1"; shift; [ $# -gt 0 ] && diag "$*"; return 1; }
pass() { _tap_result 0 "$1"; }

bail_out() { echo "Bail out! $*"; exit 255; }

# done_testing: print the plan if none was given; exit non-zero on failures.
done_testing() {
    [ -n "$_tap_planned" ] || echo "1..$_tap_n"
    if [ -n "$_tap_planned" ] && [ "$_tap_planned" != "$_tap_n" ]; then
        diag "planned $_tap_planned tests but ran $_tap_n"
        exit 254
    fi
    if [ $_tap_failed != 0 ]; then
        diag "failed $_tap_failed of $_tap_n"
        # Programs that crashed in Dom0 meanwhile (the kernel logs them).
        dmesg 2>/dev/null | grep -E 'segfault at|traps:|general protection' |
            sed 's/^/# dom0 kernel: /'
    fi
    exit $((_tap_failed > 253 ? 253 : _tap_failed))
}

# ---- Xen helpers ----------------------------------------------------------

CONSOLE_DIR=/var/log/xen/console

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
    _deadline=$(( $(date +%s) + $1 )); shift
    while ! "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt $_deadline ] || return 1
        sleep 0.2
    done
}

# console_has NAME EXTENDED-REGEX: the guest's console log matches.
console_has() { grep -Eq -- "$2" "$CONSOLE_DIR/guest-$1.log" 2>/dev/null; }

# wait_console SECONDS NAME REGEX
wait_console() { wait_for "$1" console_has "$2" "$3"; }

# show_console NAME: the guest's console log as TAP diagnostics.
show_console() { diag "console of $1:"; note_file "$CONSOLE_DIR/guest-$1.log"; }

# free_pages: Xen's free memory in 4 KiB pages, exactly (xl info rounds to MiB).
free_pages() { /usr/lib/xen-clone/bin/xen-meminfo | awk '$1 == "free_pages" {print $2}'; }

# maptrack_frames DOMID: how many maptrack frames Xen gave DOMID's grant
# table (from debug key g). Xen keeps them until the domain dies: Dom0's
# grow when its grant mappings at once outgrow them (per vCPU).
maptrack_frames() {
    xl debug-keys g >/dev/null 2>&1
    xl dmesg | grep -A1 "^(XEN) grant-table for remote d$1 " | tail -1 |
        sed -n 's/.*, \([0-9]*\) maptrack frames.*/\1/p'
}

# wait_free_pages SECONDS N: until Xen's free pages are back to N.
_free_is() { [ "$(free_pages)" = "$1" ]; }
wait_free_pages() { wait_for "$1" _free_is "$2"; }

# dom_pages DOMID: the domain's tot_pages.
dom_pages() { /usr/lib/xen-clone/bin/xen-meminfo "$1" | awk '$1 == "tot_pages" {print $2}'; }

# domid_of NAME
domid_of() { xl domid "$1" 2>/dev/null; }

# domain_exists NAME-OR-ID
domain_exists() { xl list "$1" >/dev/null 2>&1; }

# domain_state NAME: the flags column of xl list (r b p s c d).
domain_state() { xl list "$1" 2>/dev/null | awk 'NR == 2 {print $5}'; }

# wait_gone SECONDS NAME: until the domain has disappeared.
wait_gone() { wait_for "$1" sh -c "! xl list '$2' >/dev/null 2>&1"; }

# destroy_wait NAME-OR-ID: destroy the domain and wait until it is gone.
destroy_wait() { xl destroy "$1" >/dev/null 2>&1; wait_gone 30 "$1"; }

# nr_domains: how many domains xl lists (Dom0 included).
nr_domains() { xl list 2>/dev/null | tail -n +2 | wc -l; }
# label_of DOMAIN: its security label (xl list -Z's last column; FLASK).
label_of() { xl list -Z "$1" 2>/dev/null | awk 'NR == 2 {print $NF}'; }

# clone_info DOMID KEY: one field of xen-clone-test's clone info (parent,
# generation, nr_children, flags, cow_faults, copied_pages, resets, ...).
clone_info() {
    /usr/lib/xen-clone/bin/xen-clone-test info "$1" 2>/dev/null |
        awk -v k="$2" '$1 == k {print $2}'
}

# warm_xen_tables [N]: grow, once, the tables Xen keeps for good on Dom0's
# behalf to what the test needs, so that free memory can be compared
# exactly afterwards: Dom0's grant maptrack frames, which Xen hands out
# per Dom0 vCPU on the first grant mapping made on that vCPU (measured:
# the "page or two Xen keeps after the first domains" was exactly that),
# and Dom0's event-channel buckets (2 ports per guest that xenstored and
# xenconsoled talk to: N, default 6, guests exist at once). A grant map
# pinned to each Dom0 vCPU does the first. Uses minios-guest's hello
# image and gntread helper; returns non-zero if it could not.
warm_xen_tables() {
    _wn=${1:-6} _wimg=/usr/lib/minios-guest/hello
    _wgnt=/usr/lib/xen-clone/bin/minios-gntread
    [ -f "$_wimg" ] && [ -x "$_wgnt" ] || return 1
    for _wi in $(seq "$_wn"); do
        xl create -p /dev/null "name=\"xwarm$_wi\"" 'type="pv"' \
            "kernel=\"$_wimg\"" memory=4 >/dev/null 2>&1 || return 1
    done
    _wd=$(xl domid xwarm1)
    for _wc in $(seq 0 $(($(nproc) - 1))); do
        taskset -c "$_wc" "$_wgnt" "$_wd" 0 >/dev/null 2>&1 || return 1
    done
    for _wi in $(seq "$_wn"); do xl destroy "xwarm$_wi" >/dev/null 2>&1; done
    wait_for 30 sh -c '! xl list 2>/dev/null | grep -q "^xwarm"'
}

# free_is_back NAME BEFORE [MAPTRACK]: a TAP test that Xen's free memory is
# back to exactly BEFORE pages (waiting up to 30 s for domains to be
# destroyed). Measure BEFORE after warm_xen_tables: from then on a leak of
# even one page fails, at once and every time. MAPTRACK: Dom0's maptrack
# frames when BEFORE was measured (maptrack_frames 0): frames Xen added
# since (one page each, kept for Dom0's life, as its grant mappings at once
# outgrew them, e.g. netback's under load) are counted, not taken for a
# leak; the pages must match to the page still.
free_is_back() {
    _fe=$2 _fg=0
    if [ -n "${3:-}" ]; then
        _fm=$(maptrack_frames 0)
        [ -n "$_fm" ] && _fg=$((_fm - $3)) && _fe=$(($2 - _fg))
        [ "$_fg" = 0 ] || diag "Dom0's maptrack grew from $3 to $_fm frames: $_fg page(s) Xen keeps for Dom0"
    fi
    if wait_free_pages 30 "$_fe"; then
        pass "$1"
    else
        fail "$1" "free pages: $2 before, $(free_pages) after (Dom0's maptrack: $_fg page(s) more)"
    fi
}

# free_back_after NAME CMD...: CMD (which creates and destroys domains)
# leaves Xen's free memory exactly as it found it (see free_is_back).
free_back_after() {
    _fb_name=$1; shift
    _fb_before=$(free_pages)
    if ! "$@" >/dev/null 2>&1; then
        fail "$_fb_name" "command failed: $*"
        return 1
    fi
    free_is_back "$_fb_name" "$_fb_before"
}

# stop_xencloned: stop the clone service that Dom0's init started, for
# scenarios that drive clone_op themselves (register their own ring,
# complete children by hand). Bails out if it will not stop.
stop_xencloned() {
    [ -x /etc/xen-clone/init.d/50-xencloned ] || return 0
    /etc/xen-clone/init.d/50-xencloned stop >/dev/null 2>&1 ||
        bail_out "cannot stop xencloned"
}
