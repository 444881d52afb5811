#!/bin/sh
# restart.t: xencloned killed with SIGKILL in the middle of a batch of 16
# children (a guest's clone(16)) loses none of them. xencloned runs with
# [service] debug_delay_ms, a pause in the middle of each child's setup, so
# that the kill lands half way: some children complete, one set up in
# part, the rest not started. The forking parent goes on waiting; Xen
# announces the pending ones again to the restarted xencloned (flagged as
# replays), which undoes what the dead one had begun and sets them up; the
# parent's clone(16) returns success and every child checks its memory and
# exits with its number. Afterwards nothing is left and Xen's free memory
# is exactly back.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

LOG=/var/log/xen/xencloned.log
PIDFILE=/var/run/xencloned.pid
SLOW=/tmp/xencloned-slow.conf
N=16

plan 14

ok "warm Xen's tables for Dom0" warm_xen_tables
before=$(free_pages)

# The installed configuration, plus a 400 ms pause in each child's setup.
awk '{print} /^\[service\]/ {print "debug_delay_ms=400"}' \
    /etc/xen/xencloned.conf >$SLOW
/etc/xen-clone/init.d/50-xencloned stop >/dev/null 2>&1
: >"$LOG.slow"
ok "xencloned started with debug_delay_ms=400" \
    xencloned -c $SLOW --pidfile $PIDFILE --log-file "$LOG.slow"
pid=$(cat $PIDFILE)

guest_create f forktest memory=32 "cmdline=\"children=$N mb=1\"" >/dev/null 2>&1
p=$(domid_of f)
ok "forktest forks $N children in one clone($N)" wait_console 60 f \
    "^forktest: parent domid $p filled 1 MB, forking $N children"

# Kill it once 4 children are complete (400 ms each: 12 are still to come).
nr_done() { grep -c "child [0-9]* (f-clone-[0-9]*) of $p complete" "$LOG.slow"; }
wait_for 60 sh -c "[ \$(grep -c 'child [0-9]* (f-clone-[0-9]*) of $p complete' $LOG.slow) -ge 4 ]"
kill -KILL "$pid"
ok "xencloned killed with SIGKILL" wait_for 10 sh -c "! kill -0 $pid"
done1=$(nr_done)
ok "  half way through the batch ($done1 of $N children complete)" \
    test "$done1" -ge 4 -a "$done1" -lt $N
sleep 2
ok "  the parent still waits in clone($N)" \
    sh -c "! grep -q '^forktest: child 1 is domid' $CONSOLE_DIR/guest-f.log"
is "$(clone_info "$p" nr_children)" $N "  and Xen keeps its $N children (none failed)"

: >"$LOG.again"
ok "a new xencloned starts" \
    timeout 120 xencloned --pidfile $PIDFILE --log-file "$LOG.again" \
    --log-level debug
like "$(cat "$LOG.again")" 'info: registered' \
    "  and takes the dead one's registration over"
ok "  it is told of the $((N - done1)) pending children again" wait_for 60 sh -c \
    "[ \$(grep -c 'of $p: announced again' $LOG.again) -eq $((N - done1)) ]"
ok "  and completes every one of them" wait_for 120 sh -c \
    "[ \$(grep -c 'child [0-9]* (f-clone-[0-9]*) of $p complete' $LOG.again) -eq $((N - done1)) ]"
ok "the parent's clone($N) returns: all $N children collected, 'parent ok'" \
    wait_console 300 f '^parent ok$'
is "$(grep -c '^forktest: child [0-9]* (domid [0-9]*) exited [0-9]*$' \
    $CONSOLE_DIR/guest-f.log)" $N "  every child exited with its own number"
xl destroy f >/dev/null 2>&1
wait_for 60 sh -c "[ \$(xl list | tail -n +2 | wc -l) -eq 1 ]"
free_is_back "no domain left, Xen's free memory exactly back" "$before"
note_file "$LOG.again"
done_testing
