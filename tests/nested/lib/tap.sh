# tap.sh: TAP helpers and Xen test helpers for nested scenarios (busybox sh).
# Installed in Dom0 as /usr/lib/xen-clone/tap.sh; scenarios source it.

_tap_n=0
_tap_failed=0
_tap_planned=

plan() { _tap_planned=$1; echo "1..$1"; }
diag() { echo "# $*"; }
note_file() { sed 's/^/#   /' "$1" 2>/dev/null; }

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
    [ $_tap_failed = 0 ] || diag "failed $_tap_failed of $_tap_n"
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

# free_back_after NAME TRIES CMD...: a TAP test that CMD (which creates and
# destroys domains) leaves Xen's free memory exactly as it found it. CMD
# runs up to TRIES times; the test passes on the first run after which free
# memory is back to its value before that run (waiting up to 30 s for
# destruction). Why retries: Xen grows a few long-lived tables the first
# time a pattern is seen (Dom0's event-channel buckets and grant maptrack
# frames when Dom0 holds more ports or mappings at once than ever before,
# xmalloc pool pages), which depends on timing. A real leak misses on
# every run, and every miss is reported.
free_back_after() {
    _fb_name=$1 _fb_tries=$2; shift 2
    _free_back_loop "$_fb_name" "$_fb_tries" "" "$@"
}

# free_is_back NAME BEFORE TRIES CMD...: like free_back_after, but first
# checks the work already done: free memory back to BEFORE passes at once;
# otherwise CMD (a repeat of that work) gets up to TRIES runs.
free_is_back() {
    _fb_name=$1 _fb_first=$2 _fb_tries=$3; shift 3
    _free_back_loop "$_fb_name" "$_fb_tries" "$_fb_first" "$@"
}

_free_back_loop() { # NAME TRIES FIRST-BEFORE CMD...
    _fb_name=$1 _fb_tries=$2 _fb_before=$3; shift 3
    _fb_i=0
    if [ -n "$_fb_before" ]; then
        if wait_free_pages 30 "$_fb_before"; then
            pass "$_fb_name"
            return 0
        fi
        diag "free pages $_fb_before before, $(free_pages) after; repeating"
    fi
    while [ $_fb_i -lt "$_fb_tries" ]; do
        _fb_i=$((_fb_i + 1))
        _fb_before=$(free_pages)
        "$@" >/dev/null 2>&1 || {
            fail "$_fb_name" "run $_fb_i: command failed: $*"
            return 1
        }
        if wait_free_pages 30 "$_fb_before"; then
            diag "free memory came back exactly on run $_fb_i"
            pass "$_fb_name"
            return 0
        fi
        diag "run $_fb_i: free pages $_fb_before before, $(free_pages) after"
    done
    fail "$_fb_name" "free memory never came back in $_fb_tries runs"
}

# stop_xencloned: stop the clone service that Dom0's init started, for
# scenarios that drive clone_op themselves (register their own ring,
# complete children by hand). Bails out if it will not stop.
stop_xencloned() {
    [ -x /etc/xen-clone/init.d/50-xencloned ] || return 0
    /etc/xen-clone/init.d/50-xencloned stop >/dev/null 2>&1 ||
        bail_out "cannot stop xencloned"
}
