# lib.sh: shared helpers for the build scripts (logging, paths, pins).
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
# shellcheck source=pins.sh
. "$TOP/scripts/pins.sh"

XEN_DL=$BUILD/xen/download
XEN_PRISTINE=$BUILD/xen/pristine
XEN_SRC=$BUILD/xen/src
XEN_DIST=$BUILD/xen/dist
KERNEL_DIR=$BUILD/kernel
DOM0_DIR=$BUILD/dom0
LOG_DIR=$BUILD/logs

# ccache keeps its cache outside the repository so clean clones reuse it.
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache-xen-clone}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Relative paths in the hash: a clone elsewhere still hits the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
if [ -d /usr/lib/ccache ]; then
    case ":$PATH:" in *:/usr/lib/ccache:*) ;; *) export PATH=/usr/lib/ccache:$PATH ;; esac
fi

JOBS=${JOBS:-$(nproc)}

msg()  { printf '==> %s\n' "$*" >&2; }
warn() { printf '%s: warning: %s\n' "${0##*/}" "$*" >&2; }
die()  { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# run_logged LOGFILE CMD...: run CMD with output in LOGFILE; on failure show
# the tail of the log so the error is visible without opening the file.
run_logged() {
    local log=$1; shift
    mkdir -p "$(dirname "$log")"
    if ! "$@" >"$log" 2>&1; then
        printf '%s: error: "%s" failed; last lines of %s:\n' \
            "${0##*/}" "$*" "$log" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
}

# require_deps: every build step checks that `make deps` has run.
require_deps() {
    "$TOP/scripts/deps.sh" --check >/dev/null 2>&1 ||
        die "build dependencies are missing; run 'make deps' (it installs them)"
}
