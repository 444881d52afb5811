#!/bin/sh
# clone-access.t: through its own XenStore ring, a cloned child reads and
# writes its cloned nodes, cannot read the parent's private ones, and may
# not send XS_CLONE itself.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xsclone-lib.sh

plan 11
P=$(stub_domain xsa-parent) || bail_out "cannot create the parent domain"
C=$(stub_domain xsa-child) || bail_out "cannot create the child domain"
PH=/local/domain/$P CH=/local/domain/$C
# The child's ring, before its home (and store/ring-ref) is replaced.
CREF=$(xenstore-read "$CH/store/ring-ref") || bail_out "no ring-ref for $C"
PREF=$(xenstore-read "$PH/store/ring-ref") || bail_out "no ring-ref for $P"
as_child() { $XSC_RAW --domain "$C" --mfn "$CREF" "$@"; }
as_parent() { $XSC_RAW --domain "$P" --mfn "$PREF" "$@"; }

xenstore-write "$PH/data/secret" s3cret
xenstore-chmod "$PH/data/secret" "n$P"
xenstore-rm "$CH"
ok "basic clone of the parent's home" xenstore-clone basic "$P" "$C" "$PH" "$CH"

is "$(as_child read "$CH/name")" "xsa-parent-clone-$C" \
    "the child reads its cloned name (owned by Dom0, readable by the child)"
is "$(as_child read "$CH/data/secret")" "s3cret" \
    "the child reads its cloned private node"
is "$(as_child -N write "$CH/data/secret" changed)" "OK" \
    "the child writes its cloned private node"
is "$(xenstore-read "$CH/data/secret") $(xenstore-read "$PH/data/secret")" \
    "changed s3cret" "the write changed the child's copy only"
is "$(as_child -N write "$CH/data/new" x)" "OK" \
    "the child creates a node in its cloned data/"
is "$(as_child read "$PH/data/secret")" "ERROR EACCES" \
    "the child cannot read the parent's private node"
is "$(as_child read "$PH/name")" "ERROR EACCES" \
    "the child cannot read the parent's name"
is "$(as_child -N write "$CH/name" evil)" "ERROR EACCES" \
    "the child cannot write its read-only name"
is "$(as_parent read "$CH/data/secret")" "ERROR EACCES" \
    "the parent cannot read the child's copy"
is "$(as_child clone full "$C" "$P" "$CH/data" /tool/xsa)" "ERROR EACCES" \
    "an unprivileged domain's XS_CLONE gets EACCES"

xl destroy "$C"; xl destroy "$P"
done_testing
