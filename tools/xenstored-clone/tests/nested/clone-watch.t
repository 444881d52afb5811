#!/bin/sh
# clone-watch.t: XS_CLONE fires a watch event for every node it creates, as
# the equivalent writes would; a clone whose transaction aborts fires none.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xsclone-lib.sh

plan 8
P=$(stub_domain xsw-parent) || bail_out "cannot create the parent domain"
C=$(stub_domain xsw-child) || bail_out "cannot create the child domain"
fake_device "$P" vif 0 || bail_out "cannot write the parent's vif"
PH=/local/domain/$P CH=/local/domain/$C
xenstore-rm "$CH"

events() { sort -u "$1" | grep -v -x "$CH/marker"; }
nodes() { { echo "$1"; xenstore-ls -f "$1" | sed 's/ = .*//'; } | sort; }

xenstore-watch "$CH" >/tmp/w1.log 2>&1 &
W1=$!
xenstore-watch /local/domain/0/backend/vif >/tmp/w2.log 2>&1 &
W2=$!
ok "watches are set (their first event arrived)" \
    wait_for 20 sh -c "grep -qx '$CH' /tmp/w1.log && grep -q . /tmp/w2.log"

# A dry run clones in a transaction that is aborted: no event. A marker
# node written afterwards orders the check (a connection's events arrive
# in order).
ok "dry-run clone" xenstore-clone --dry-run basic "$P" "$C" "$PH" "$CH"
xenstore-write "$CH/marker" 1
wait_for 20 grep -qx "$CH/marker" /tmp/w1.log
is "$(grep -v -x -e "$CH" -e "$CH/marker" /tmp/w1.log | grep -c .)" 0 \
    "an aborted clone fires no watch"
xenstore-rm "$CH"

ok "basic clone" xenstore-clone basic "$P" "$C" "$PH" "$CH"
n=$(xs_count "$CH")
ok "an event for every node of the copy arrives" \
    wait_for 30 sh -c "[ \$(sort -u /tmp/w1.log | grep -c .) -ge $((n + 1)) ]"
nodes "$CH" >/tmp/w1.want
events /tmp/w1.log >/tmp/w1.got
if cmp -s /tmp/w1.want /tmp/w1.got; then
    pass "the events name exactly the $n created nodes"
else
    fail "events differ from the nodes" "$(diff /tmp/w1.want /tmp/w1.got | head)"
fi

ok "dev_vif clone" xenstore-clone dev_vif "$P" "$C" "$PH/device/vif/0" "$CH/device/vif/0"
CB=/local/domain/0/backend/vif/$C
wait_for 30 grep -qx "$CB/0/frontend-id" /tmp/w2.log
nodes "$CB" >/tmp/w2.want
events /tmp/w2.log | grep "^$CB" >/tmp/w2.got
if cmp -s /tmp/w2.want /tmp/w2.got; then
    pass "a watch on the backend directory sees every backend node copied"
else
    fail "backend events differ" "$(diff /tmp/w2.want /tmp/w2.got | head)"
fi

kill $W1 $W2 2>/dev/null
xl destroy "$C"; xl destroy "$P"
done_testing
