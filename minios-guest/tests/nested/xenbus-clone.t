#!/bin/sh
# xenbus-clone.t: Dom0 clones (xl clone) a guest caught in the middle of
# a XenStore request. xenstored introduces the child on a reset ring, so
# the request, or its reply, is lost for the child: its xenbus sees that
# it became a clone (its domid changed) and sends the request again, and
# the child serves at once instead of waiting out its 30 s XenStore
# timeout (or never, before). The parent is a 256 MB `dirty` guest waiting
# on a XenStore watch (built in chunks: clone-build-preempt.t); Dom0 keeps
# writing below its data/dirty while it is cloned, so that each write
# wakes it and it is often caught with a request out.
# run-in-dom0: timeout=1500
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

[ -f "$IMAGES/dirty" ] || bail_out "no dirty image in $IMAGES"
N=4
plan $((3 + 3 * N + 2))

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
ok "a 256 MB dirty guest holding 224 MB runs" dirty_up busy 256 224
p=$(domid_of busy)
ok "  it rewrites 224 MB (request 1)" dirty_write "$p" 224 1

resent=0
for i in $(seq $N); do
    rm -f /tmp/xsc.stop
    (while [ ! -f /tmp/xsc.stop ]; do
        xenstore-write "/local/domain/$p/data/dirty/from" 0 || break
    done) &
    writer=$!
    sleep 1
    c=$(xl clone busy 2>/dev/null)
    touch /tmp/xsc.stop
    wait "$writer"
    like "$c" '^[0-9]+$' "clone $i of the busy guest: child $c"
    log="$CONSOLE_DIR/guest-busy-clone-$c.log"
    ok "  the child serves a request (its count is the parent's)" \
        dirty_write "$c" 8 2
    # A request that failed (no reply in time) prints this in xenbus.
    if grep -Eq '^xenbus: request [0-9]+ \(type [0-9]+\): -' "$log"; then
        ok "  none of its XenStore requests failed" false
        note_file "$log"
    else
        ok "  none of its XenStore requests failed"
    fi
    grep -q '^xenbus: a clone: request' "$log" && resent=$((resent + 1))
    xl destroy "$c" >/dev/null 2>&1
done
diag "$resent of $N children were caught with a request out and sent it again"
ok "the parent runs on (request 2 is its own)" dirty_write "$p" 8 2
destroy_wait busy
is "$(xl list | tail -n +2 | wc -l)" 1 "no domain left behind"
done_testing
