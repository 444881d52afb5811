#!/bin/sh
# clone-forkwait.t: the parent of a fork() does not run again until the
# clone service has completed its child. Dom0 plays the clone service
# (xen-clone-test forkhold), holds the child 5 s without completing it and
# watches the parent's vCPU time: it must not move until the completion.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
# Dom0 is the clone service here.
stop_xencloned

T=/usr/lib/xen-clone/bin/xen-clone-test
[ -f "$IMAGES/forktest" ] || bail_out "no forktest image in $IMAGES"
plan 3
ok "a forktest guest is created paused" xl create -p \
    "$EXAMPLES/forktest.cfg" 'name="fw"' memory=16 \
    'cmdline="children=1 mb=1"' 'on_crash="preserve"' 'on_poweroff="preserve"'
d=$(domid_of fw)
$T policy "$d" 1 4
$T forkhold "$d" 5 >/tmp/forkhold.tap 2>&1 &
holder=$!
sleep 1
xl unpause fw
wait $holder
st=$?
note_file /tmp/forkhold.tap
is "$st" 0 "the forking parent waited, not running, for its child's completion"
like "$(console_line fw '^forktest: parent domid')" "forking 1 children" \
    "the parent had reached its fork"
for k in $(xl list | awk -v d="$d" 'NR > 1 && $2 != 0 {print $2}'); do
    xl destroy "$k" >/dev/null 2>&1
done
done_testing
