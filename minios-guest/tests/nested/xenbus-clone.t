#!/bin/sh
# xenbus-clone.t: Dom0 clones a guest caught with a XenStore request out.
# xenstored introduces the child on a reset ring, so the request, or its
# reply, is lost for the child: its xenbus sees that it became a clone
# (its domid changed) and sends the request again, instead of waiting
# out its 30 s XenStore timeout. The parent, a 256 MB `dirty` guest
# waiting on a XenStore watch (its build is chunked, as in
# clone-build-preempt.t), is caught for sure: xenstored is stopped
# (SIGSTOP) until the guest's 1 s wait has ended and it has sent a read
# that nobody answers (poll=1: it reads at every wake, not only when its
# watch fires), then the guest is cloned (clone_op through
# libxenctrl, no XenStore needed) and xenstored continued.
# Then a clone caught with a reply half read: the xenstore app reads a
# 1,900-byte node for ever (each reply comes in two ring-fulls); xenstored
# is stopped at random points of that loop and the guest cloned, until a
# child says it was cloned while reading a reply (the second part of each
# reply is waited for half way). Its rest is lost
# with the parent's connection: the child sends the request again, and
# every byte it reads after must be right.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

T=/usr/lib/xen-clone/bin/xen-clone-test
[ -f "$IMAGES/dirty" ] || bail_out "no dirty image in $IMAGES"
plan 20

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
ok "a 256 MB dirty guest holding 224 MB runs" dirty_up busy 256 224 poll=1
p=$(domid_of busy)
ok "  it rewrites 224 MB (request 1)" dirty_write "$p" 224 1

xs=$(pidof xenstored)
ok "xenstored ($xs) stopped (SIGSTOP)" kill -STOP "$xs"
# The guest waits 1 s at most, then reads XenStore: that read stays out.
sleep 3
c=$($T clone "$p" 1 2>/dev/null)
like "$c" '^[0-9]+$' "the guest cloned with its read out: child $c"
ok "xenstored continued" kill -CONT "$xs"
log="$CONSOLE_DIR/guest-busy-clone-$c.log"
ok "  the child sent its lost request again" wait_for 60 grep -q \
    '^xenbus: a clone: request [0-9]* sent again' "$log"
ok "  the child serves a request (its count is the parent's)" \
    dirty_write "$c" 8 2
# A request that failed (no reply in time) prints this in xenbus.
none_failed() {
    ! grep -Eq '^xenbus: request [0-9]+ \(type [0-9]+\): -' "$1"
}
ok "  none of its XenStore requests failed" none_failed "$log" ||
    note_file "$log"
ok "the parent runs on (request 2 is its own)" dirty_write "$p" 8 2
xl destroy "$c" >/dev/null 2>&1
wait_gone 30 "$c"
destroy_wait busy

ok "xl create xenstore loop=1 (reads a 1,900-byte node for ever)" \
    guest_create big xenstore 'cmdline="loop=1"'
ok "  it reads it, every byte right" wait_console 60 big 'reads of .* ok$' ||
    show_console big
b=$(domid_of big)
# reads_on LOG DOMID: DOMID's console shows 200 more reads done by it.
reads_on() {
    wait_for 120 grep -Eq "^xenstore: domid $2: [0-9]+ reads of .* ok\$" "$1"
}
half= tries=0 served=0
while [ $tries -lt 16 ] && [ -z "$half" ]; do
    tries=$((tries + 1))
    kill -STOP "$xs"
    sleep 1
    c=$($T clone "$b" 1 2>/dev/null) || c=
    kill -CONT "$xs"
    case $c in '' | *[!0-9]*) break ;; esac
    log="$CONSOLE_DIR/guest-big-clone-$c.log"
    reads_on "$log" "$c" && served=$((served + 1))
    if grep -q 'sent again (cloned while reading a reply)' "$log"; then
        half=$c
    else
        grep '^xenbus: a clone' "$log" | sed 's/^/# try '$tries': /'
        xl destroy "$c" >/dev/null 2>&1
        wait_gone 30 "$c"
    fi
done
is "$served" "$tries" "every clone of the reading guest reads on ($tries made)"
ok "a clone caught with a reply half read (try $tries of at most 16)" \
    [ -n "$half" ]
log="$CONSOLE_DIR/guest-big-clone-$half.log"
ok "  it sent its request again" grep -q \
    '^xenbus: a clone: request [0-9]* sent again (cloned while reading a reply)' \
    "$log"
ok "  it reads on as itself, every byte right" reads_on "$log" "$half"
ok "  none of its reads failed" eval "! grep -q FAILED '$log'" ||
    note_file "$log"
ok "  none of its XenStore requests failed" none_failed "$log"
n=$(grep -c 'reads of .* ok$' "$CONSOLE_DIR/guest-big.log")
ok "the parent reads on" wait_for 60 sh -c \
    "[ \$(grep -c 'reads of .* ok\$' '$CONSOLE_DIR/guest-big.log') -gt $n ]"
[ -n "$half" ] && xl destroy "$half" >/dev/null 2>&1
destroy_wait big
is "$(xl list | tail -n +2 | wc -l)" 1 "no domain left behind"
done_testing
