#!/bin/bash
# run-in-dom0.t: the nested harness reports bad input and failures clearly,
# with the right exit status, and never hangs (it boots QEMU 4 times).
cd "$(dirname "$0")/../.." || exit 1
R=tests/nested/run-in-dom0
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
n=0 bad=0
check() { # NAME EXPECTED-STATUS STDERR-REGEX CMD...
    local name=$1 want=$2 re=$3; shift 3
    n=$((n + 1))
    local start=$SECONDS
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" = "$want" ] && grep -Eq -- "$re" "$T/err"; then
        echo "ok $n - $name (status $got, $((SECONDS - start)) s)"
    else
        echo "not ok $n - $name"
        echo "#   status $got, wanted $want; stderr should match /$re/:"
        sed 's/^/#   | /' "$T/err" | tail -15
        bad=1
    fi
}
printf '#!/bin/sh\necho out; echo err >&2; exit 7\n' >"$T/ok.sh"
printf '#!/bin/sh\nsleep 600\n' >"$T/hang.sh"
printf '#!/bin/sh\necho c >/proc/sysrq-trigger; sleep 60\n' >"$T/panic.sh"

echo "1..9"
check "usage error without SCRIPT" 125 "Usage: run-in-dom0" $R
check "unknown option" 125 "unknown option '--bogus'" $R --bogus x
check "missing SCRIPT file" 125 "is not a readable file" $R "$T/none.sh"
check "missing QEMU" 125 "qemu-nowhere not found" env QEMU=qemu-nowhere $R "$T/ok.sh"
check "missing kernel" 125 "no Dom0 kernel at" env RUN_IN_DOM0_KERNEL="$T/vmlinux" $R "$T/ok.sh"
check "script status, stdout and stderr pass through" 7 "^err$" $R "$T/ok.sh"
n=$((n + 1))
if [ "$(cat "$T/out")" = out ]; then echo "ok $n - stdout is the script's stdout"
else echo "not ok $n - stdout is the script's stdout"; sed 's/^/#   | /' "$T/out"; bad=1; fi
check "a hanging script times out" 124 "timed out after 30s" $R --timeout 30 "$T/hang.sh"
check "a Dom0 panic is reported, not waited out" 125 "crashed: Kernel panic" $R --timeout 200 "$T/panic.sh"
exit $bad
