#!/bin/sh
# clone.sh: cloning a typical guest's XenStore state (home, console, vif,
# 9pfs) with XS_CLONE, node by node in one transaction, and node by node
# without, with 1, 100 and 1000 guest domains' homes present.
# run-in-dom0: timeout=2400
. /usr/lib/xen-clone/xsclone-lib.sh
ITERATIONS=${ITERATIONS:-10}

P=$(stub_domain xsb-parent) || { echo "cannot create the parent" >&2; exit 1; }
C=$(stub_domain xsb-child) || { echo "cannot create the child" >&2; exit 1; }
fake_device "$P" vif 0 && fake_device "$P" 9pfs 0 || exit 1
xenstore-rm "/local/domain/$C" "/local/domain/0/backend/console/$C"
echo "info: parent_home_nodes $(xs_count "/local/domain/$P")"
echo "info: iterations $ITERATIONS"

# Domains present: the parent plus copies of its home (owned by Dom0) under
# made-up domids, as many guests' homes would fill the store.
present=1
for n in 1 100 1000; do
    while [ $present -lt $n ]; do
        xenstore-clone full "$P" 0 "/local/domain/$P" \
            "/local/domain/$((20000 + present))" || exit 1
        present=$((present + 1))
    done
    echo "info: store_nodes_with_${n}_domains $(xs_count /local)"
    /usr/lib/xen-clone/bin/xsclone-bench "$P" "$C" "$n" "$ITERATIONS" || exit 1
done
xl destroy "$C"
xl destroy "$P"
