#!/bin/bash
# cli.t: xenstore-clone's usage handling on the host: --help, and bad
# usage rejected with a clear message and exit status 2 before any
# connection to xenstored is tried.
TOP=$(cd "$(dirname "$0")/../../../.." && pwd)
BUILD=${BUILD:-$TOP/build}
CLI=$BUILD/xenstored-clone/xenstore-clone
export LD_LIBRARY_PATH=$BUILD/xen/dist/usr/lib
# Make sure no real xenstored could be reached by mistake.
export XENSTORED_PATH=/nonexistent/socket

echo "1..11"
n=0
check() { # NAME EXPECTED-STATUS REGEX ARGS...
    local name=$1 want=$2 re=$3 out st
    shift 3
    out=$("$CLI" "$@" 2>&1)
    st=$?
    n=$((n + 1))
    if [ "$st" = "$want" ] && grep -Eq -- "$re" <<<"$out"; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        echo "# status $st (want $want), output:"
        sed 's/^/#   /' <<<"$out"
    fi
}
[ -x "$CLI" ] || { echo "Bail out! $CLI not built (make -C tools/xenstored-clone install)"; exit 1; }

check "--help prints the usage" 0 "^Usage: xenstore-clone .*OP PARENT_DOMID" --help
check "--help lists every op" 0 "dev_9pfs" -h
check "no arguments: usage error" 2 "expected OP PARENT_DOMID" 
check "four arguments: usage error" 2 "expected OP" full 1 2 /a
check "unknown op" 2 "unknown operation 'deep'" deep 1 2 /a /b
check "seven arguments (not groups of five): usage error" 2 "once or more" \
    full 1 2 /a /b full 1
check "a bad op in the second group" 2 "unknown operation 'deep'" \
    full 1 2 /a /b deep 1 2 /c /d
check "non-numeric domid" 2 "domids must be decimal" full x 2 /a /b
check "domid out of range" 2 "domids must be decimal" full 1 32752 /a /b
check "unknown option" 2 "Try 'xenstore-clone --help'" --bogus full 1 2 /a /b
check "xenstored unreachable: exit 1 with the reason" 1 "cannot connect|failed" \
    full 1 2 /a /b
exit 0
