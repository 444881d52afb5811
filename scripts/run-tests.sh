#!/bin/bash
# run-tests.sh: run host unit tests and nested scenarios through prove (TAP).
#   Host tests:   every executable */tests/host/*.t and build/host-tests/*/*.t
#   Nested tests: every */tests/nested/*.t, each booted by run-in-dom0
#   Long tests:   */tests/long/*.t (nested too), only with --long: scenarios
#                 that take tens of minutes under TCG (CI stays under an hour)
# Options: --host-only, --nested-only, --long, or scenario paths to run
# just those.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"

host=1 nested=1 long=0
args=()
for a in "$@"; do
    case $a in
    --host-only) nested=0 ;;
    --nested-only) host=0 ;;
    --long) host=0 nested=0 long=1 ;;
    -*) die "unknown option $a" ;;
    *) args+=("$a") ;;
    esac
done

find_tests() { # DIR-PATTERN
    find . -path ./build -prune -o -path "$1" -name '*.t' -print | sort
}

list=()
if [ ${#args[@]} -gt 0 ]; then
    list=("${args[@]}")
else
    if [ $host = 1 ]; then
        mapfile -t h < <(find_tests '*/tests/host/*'; \
            find "$BUILD/host-tests" -name '*.t' -perm -u+x 2>/dev/null | sort)
        list+=("${h[@]}")
    fi
    if [ $nested = 1 ]; then
        mapfile -t n < <(find_tests '*/tests/nested/*')
        list+=("${n[@]}")
    fi
    if [ $long = 1 ]; then
        mapfile -t n < <(find_tests '*/tests/long/*')
        list+=("${n[@]}")
    fi
fi
[ ${#list[@]} -gt 0 ] || die "no tests found"

mkdir -p "$LOG_DIR"
msg "running ${#list[@]} test files (nested ones boot Xen in QEMU, ~10 s each + the test)"
# scripts/run-test picks host execution or run-in-dom0 per file.
set +e
prove --timer --exec "$TOP/scripts/run-test" "${list[@]}" 2>&1 | tee "$LOG_DIR/prove.log"
rc=${PIPESTATUS[0]}
set -e
[ $rc = 0 ] || msg "tests FAILED (log: build/logs/prove.log; per-run logs under build/logs/run-in-dom0/)"
exit $rc
