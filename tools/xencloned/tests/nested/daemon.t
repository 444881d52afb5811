#!/bin/sh
# daemon.t: xencloned starts at Dom0 boot and registers with Xen; a second
# instance is refused; SIGTERM unregisters cleanly, so it can start again.
# Killed with SIGKILL (no unregistering), it leaves a registration whose
# ring nobody maps: Xen treats that as no service (clones and forks fail
# at once instead of waiting), and a new xencloned takes the stale
# registration over.
# run-in-dom0: timeout=180
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xencloned.sh

LOG=/var/log/xen/xencloned.log
PIDFILE=/var/run/xencloned.pid

plan 22

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

# SIGKILL: no chance to unregister.
/etc/xen-clone/init.d/50-xencloned start >/dev/null 2>&1
ok "a counter guest runs" counter_create k1
wait_for 60 count_reaches k1 "$(xl domid k1)" 1
pid=$(pidof xencloned)
kill -KILL "$pid"
ok "xencloned killed with SIGKILL" wait_for 10 sh -c "! kill -0 $pid"
out=$(xl clone -t 10 k1 2>&1); st=$?
is "$st" 1 "xl clone with the dead service: exit 1 at once"
like "$out" 'no clone service is registered' "  saying there is no service"
xl create -p /etc/xen/examples/forktest.cfg 'name="kfork"' memory=16 \
    'on_crash="preserve"' >/dev/null 2>&1
# (No xencloned gave it a policy: enable cloning by hand, then let it run.)
/usr/lib/xen-clone/bin/xen-clone-test policy "$(xl domid kfork)" 1 4
xl unpause kfork
ok "a guest's fork with the dead service fails (ENXIO), it does not hang" \
    wait_console 60 kfork \
    '^forktest: clone\([0-9]+\) failed: .*(No such device or address|ENXIO)'
show_console kfork
xl destroy kfork
: >"$LOG.kill"
xencloned --pidfile "$PIDFILE" --log-file "$LOG.kill" 2>>"$LOG.kill"
ok "a new xencloned starts" wait_for 10 pidof xencloned
like "$(cat "$LOG.kill")" 'info: registered' \
    "  taking the dead one's registration over (Xen hands it over)"
unlike_log() { ! grep -q "$1" "$LOG.kill"; }
ok "  with no child to take over (the failed fork left none)" \
    unlike_log 'announced again'
out=$(xl clone k1 2>&1); st=$?
is "$st" 0 "xl clone works again: child $out"
destroy_gone k1
[ -n "$out" ] && destroy_gone "$out"
done_testing
