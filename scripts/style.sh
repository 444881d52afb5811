#!/bin/bash
# style.sh: check (--check) or apply (--fix) .clang-format to our C code.
# The hypervisor overlay (xen/) and our other files of the Xen tree
# (*/xen-tree/) follow Xen's CODING_STYLE and are excluded.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"
mode=${1:---check}
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h' |
    grep -v -E '^(xen/|build/)|/xen-tree/' || true)
[ ${#files[@]} -gt 0 ] || { msg "no C files to check"; exit 0; }
case $mode in
--fix) clang-format -i "${files[@]}"; msg "formatted ${#files[@]} files" ;;
--check)
    bad=0
    for f in "${files[@]}"; do
        if ! clang-format --dry-run --Werror "$f" 2>/dev/null; then
            echo "style: $f differs from .clang-format (run 'make format')" >&2
            bad=1
        fi
    done
    [ $bad = 0 ] && msg "style: ${#files[@]} files follow .clang-format"
    exit $bad ;;
*) die "usage: $0 --check|--fix" ;;
esac
