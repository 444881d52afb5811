#!/bin/sh
# clone-transaction.t: XS_CLONE is atomic: an aborted transaction, a quota
# failure or an existing copy leaves no node behind.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xsclone-lib.sh

plan 20
P=$(stub_domain xst-parent) || bail_out "cannot create the parent domain"
C=$(stub_domain xst-child) || bail_out "cannot create the child domain"
fake_device "$P" vif 0 || bail_out "cannot write the parent's vif"
PH=/local/domain/$P CH=/local/domain/$C
xenstore-rm "$CH"
quota() { xenstore-control quota | sed -n "s/^$1 *: *\([0-9]*\).*/\1/p"; }

out=$(xenstore-clone --dry-run basic "$P" "$C" "$PH" "$CH" 2>&1)
like "$out" "^$CH: [1-9][0-9]* nodes" "dry run: the copy exists inside the transaction"
like "$out" "nothing written" "dry run: the transaction is aborted"
is "$(xs_count "$CH")" 0 "dry run: no node left behind"

nodes_quota=$(quota nodes)
cmp_ok "${nodes_quota:-0}" -gt 0 "xenstored's node quota is readable ($nodes_quota)"
xenstore-control quota set nodes 5 >/dev/null
out=$(xenstore-clone basic "$P" "$C" "$PH" "$CH" 2>&1)
st=$?
xenstore-control quota set nodes "$nodes_quota" >/dev/null
is "$st" 1 "over the child's node quota: the clone fails"
like "$out" "No space left on device" "over the node quota: ENOSPC"
is "$(xs_count "$CH")" 0 "over the node quota: no node left behind"

size_quota=$(quota node-size)
xenstore-write "$PH/data/big" "$(printf '%0300d' 0)"
xenstore-chmod "$PH/data/big" "n$P"
xenstore-control quota set node-size 200 >/dev/null
out=$(xenstore-clone basic "$P" "$C" "$PH" "$CH" 2>&1)
st=$?
xenstore-control quota set node-size "$size_quota" >/dev/null
is "$st:$(echo "$out" | grep -c 'No space left')" "1:1" \
    "a node over the child's node-size quota: ENOSPC"
is "$(xs_count "$CH")" 0 "over the node-size quota: no node left behind"
xenstore-rm "$PH/data/big"

# Two clones in one transaction count together against the child's quota:
# each fits alone (the home, then a synthetic subtree the child owns).
xenstore-clone basic "$P" "$C" "$PH" "$CH"
home=$(xs_dump "$CH" | grep -c "(n$C[,)]")
xenstore-rm "$CH"
for i in 1 2 3 4 5 6 7 8; do xenstore-write /tool/xsq/n$i $i; done
xenstore-chmod -r /tool/xsq "n$P"
extra=$(xs_count /tool/xsq)
diag "the child owns $home nodes of its home copy; the extra copy has $extra"
xenstore-control quota set nodes $((home + extra - 1)) >/dev/null
ok "under a node quota of $((home + extra - 1)): each clone alone fits" sh -c \
    "xenstore-clone --dry-run basic $P $C $PH $CH &&
     xenstore-clone --dry-run full $P $C /tool/xsq /tool/xsq-copy"
out=$(xenstore-clone basic "$P" "$C" "$PH" "$CH" \
    full "$P" "$C" /tool/xsq /tool/xsq-copy 2>&1)
st=$?
xenstore-control quota set nodes "$nodes_quota" >/dev/null
is "$st" 1 "both in one transaction exceed it: the transaction fails"
like "$out" "No space left on device" "  with ENOSPC"
is "$(xs_count "$CH") $(xs_count /tool/xsq-copy)" "0 0" \
    "  and neither copy is left behind"
xenstore-rm /tool/xsq

ok "basic clone inside an explicit transaction" \
    xenstore-clone --transaction basic "$P" "$C" "$PH" "$CH"
is "$(xenstore-read "$CH/domid")" "$C" "the committed transaction holds the copy"

# dev_vif copies two subtrees: one existing copy fails both.
xenstore-write "/local/domain/0/backend/vif/$C/0/state" 1
out=$(xenstore-clone dev_vif "$P" "$C" "$PH/device/vif/0" "$CH/device/vif/0" 2>&1)
like "$out" "File exists" "an existing backend copy: EEXIST"
is "$(xs_count "$CH/device")" 0 "EEXIST on the backend: the frontend is not written either"
xenstore-rm "/local/domain/0/backend/vif/$C"
ok "dev_vif clone once the way is free" \
    xenstore-clone dev_vif "$P" "$C" "$PH/device/vif/0" "$CH/device/vif/0"
out=$(xenstore-clone basic "$P" "$C" "$PH" "$CH" 2>&1)
like "$out" "File exists" "cloning onto an existing home: EEXIST"
is "$(xenstore-read "$CH/device/vif/0/backend")" "/local/domain/0/backend/vif/$C/0" \
    "the failed clone changed nothing"

xl destroy "$C"; xl destroy "$P"
done_testing
