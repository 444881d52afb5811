#!/bin/sh
# clone-args.t: clone_op argument checks from Dom0, with no guest: every bad
# argument gets its error and Xen keeps running.
# run-in-dom0: timeout=120
. /usr/lib/xen-clone/tap.sh
# These scenarios are the clone service themselves: no xencloned.
stop_xencloned

T=/usr/lib/xen-clone/bin/xen-clone-test
plan 4
out=$($T args 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
is "$rc" 0 "xen-clone-test args: every check passed"
is "$(echo "$out" | grep -c '^not ok')" 0 "no failed check"
cmp_ok "$(echo "$out" | grep -c '^ok')" -ge 30 "at least 30 checks ran"
like "$(xl info 2>&1 | awk -F': ' '/^xen_extra/ {print $2}')" '^\.5-clone$' \
    "Xen is still up"
done_testing
