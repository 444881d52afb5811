#!/bin/sh
# daemon.t: xencloned starts at Dom0 boot and registers with Xen; a second
# instance is refused; SIGTERM unregisters cleanly, so it can start again.
# run-in-dom0: timeout=180
. /usr/lib/xen-clone/tap.sh

LOG=/var/log/xen/xencloned.log
PIDFILE=/var/run/xencloned.pid

plan 13

ok "xencloned runs (started by init.d/50-xencloned)" pidof xencloned
is "$(cat $PIDFILE 2>&1)" "$(pidof xencloned)" "its pid file names it"
like "$(cat $LOG)" 'info: registered: 1-page ring \(64 entries\), VIRQ_CLONED on port [0-9]+' \
    "it registered a one-page ring with Xen and bound VIRQ_CLONED"
like "$(cat $LOG)" 'starting \(config /etc/xen/xencloned.conf\)' \
    "  with the installed configuration"

out=$(xencloned --foreground --pidfile '' 2>&1); st=$?
is "$st" 1 "a second xencloned exits 1"
like "$out" 'another clone service is registered' \
    "  saying another service is registered (CLONEOP_register: EBUSY)"

pid=$(pidof xencloned)
kill -TERM "$pid"
ok "xencloned exits on SIGTERM" wait_for 10 sh -c "! kill -0 $pid"
like "$(tail -n 5 $LOG)" 'info: unregistered from Xen' "  after unregistering"
ok "  and removes its pid file" sh -c "[ ! -e $PIDFILE ]"
ok "the init script starts it again" /etc/xen-clone/init.d/50-xencloned start
like "$(tail -n 5 $LOG)" 'info: registered' \
    "  and Xen accepts the new registration"
ok "the init script stops it" /etc/xen-clone/init.d/50-xencloned stop
ok "  and it is gone" sh -c "! pidof xencloned"
done_testing
