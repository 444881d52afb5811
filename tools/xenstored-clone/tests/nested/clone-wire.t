#!/bin/sh
# clone-wire.t: malformed XS_CLONE messages sent straight to xenstored's
# socket get a clear errno, write nothing, and xenstored keeps serving.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xsclone-lib.sh

plan 31
P=$(stub_domain xsm-parent) || bail_out "cannot create the parent domain"
C=$(stub_domain xsm-child) || bail_out "cannot create the child domain"
PH=/local/domain/$P
pid=$(pidof xenstored)
xenstore-write /tool/xsm/src/a 1 /tool/xsm/src/b 2
raw() { $XSC_RAW "$@" 2>&1; }
long=$(printf '/tool/%03000d' 0)

is "$(raw clone full "$P" "$C" /tool/xsm/src)" "ERROR EINVAL" "four strings: EINVAL"
is "$(raw clone full "$P" "$C" /tool/xsm/src /tool/xsm/d1 extra)" "ERROR EINVAL" \
    "six strings: EINVAL"
is "$(raw -N clone full "$P" "$C" /tool/xsm/src /tool/xsm/d1)" "ERROR EINVAL" \
    "no nul after the last string: EINVAL"
is "$(raw clone)" "ERROR EINVAL" "empty payload: EINVAL"
is "$(raw -x 00ff0102fe clone)" "ERROR EINVAL" "binary garbage: EINVAL"
is "$(raw clone deep "$P" "$C" /tool/xsm/src /tool/xsm/d1)" "ERROR EINVAL" \
    "unknown op: EINVAL"
is "$(raw clone "" "$P" "$C" /tool/xsm/src /tool/xsm/d1)" "ERROR EINVAL" "empty op: EINVAL"
for d in abc -1 99999 32752 007 "1 " ""; do
    is "$(raw -- clone full "$d" "$C" /tool/xsm/src /tool/xsm/d1)" "ERROR EINVAL" \
        "parent domid '$d': EINVAL"
done
is "$(raw clone full "$C" "$C" /tool/xsm/src /tool/xsm/d1)" "ERROR EINVAL" \
    "parent domid = child domid: EINVAL"
is "$(raw clone full "$P" "$C" tool/xsm/src /tool/xsm/d1)" "ERROR EINVAL" \
    "relative path: EINVAL"
is "$(raw clone full "$P" "$C" /tool/xsm/src '/tool/x y')" "ERROR EINVAL" \
    "invalid characters: EINVAL"
is "$(raw clone full "$P" "$C" /tool/xsm/src "$long")" "ERROR EINVAL" \
    "over-long child path (3006 bytes): EINVAL"
is "$(raw clone full "$P" "$C" / /tool/xsm/d1)" "ERROR EINVAL" "root as parent path: EINVAL"
is "$(raw clone full "$P" "$C" /tool/xsm/src /tool/xsm/src/in)" "ERROR EINVAL" \
    "copy inside its source: EINVAL"
is "$(raw clone dev_vif "$P" "$C" /tool/xsm/src /tool/xsm/d1)" "ERROR EINVAL" \
    "dev_vif on a node that is no device frontend: EINVAL"
is "$(raw clone full "$P" "$C" /tool/xsm/none /tool/xsm/d1)" "ERROR ENOENT" \
    "missing parent path: ENOENT"
is "$(raw clone full "$P" 30000 /tool/xsm/src /tool/xsm/d1)" "ERROR ENOENT" \
    "child domain that does not exist: ENOENT"
is "$(raw clone full "$P" "$C" /tool/xsm/src /tool/xsm/src2)" "OK" \
    "a well-formed clone succeeds"
is "$(raw clone full "$P" "$C" /tool/xsm/src /tool/xsm/src2)" "ERROR EEXIST" \
    "child path that exists: EEXIST"
is "$(raw -t 4242 clone full "$P" "$C" /tool/xsm/src /tool/xsm/d1)" "ERROR ENOENT" \
    "unknown transaction id: ENOENT"
like "$(raw -L 5000 clone full "$P" "$C" /tool/xsm/src /tool/xsm/d1)" "^CONNECTION" \
    "a length over XENSTORE_PAYLOAD_MAX: xenstored drops the connection"
is "$(raw 25)" "ERROR ENOSYS" "message type 25 (reserved for later releases): ENOSYS"

is "$(xenstore-ls /tool/xsm | sed 's/ = .*//' | tr -d ' ' | tr '\n' ' ')" "src a b src2 a b " \
    "nothing was written by the failed requests"
is "$(pidof xenstored)" "$pid" "xenstored is the same process"
is "$(xenstore-read "$PH/name")" "xsm-parent" "xenstored keeps serving"

xl destroy "$C"; xl destroy "$P"
done_testing
