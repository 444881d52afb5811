#!/bin/sh
# style.t: every C file outside the hypervisor overlay (xen/) and our other
# files of the Xen tree (*/xen-tree/, Xen's CODING_STYLE) follows .clang-format.
cd "$(dirname "$0")/../.." || exit 1
files=$(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v -E '^(xen/|build/)|/xen-tree/')
n=0; bad=0
echo "1..$(echo "$files" | grep -c .)"
for f in $files; do
    n=$((n + 1))
    if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "ok $n - $f follows .clang-format"
    else
        echo "not ok $n - $f follows .clang-format (run 'make format')"
        bad=1
    fi
done
exit $bad
