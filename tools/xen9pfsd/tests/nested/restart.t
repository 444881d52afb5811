#!/bin/sh
# restart.t: xen9pfsd killed (SIGKILL) while a guest's request waits in
# its ring, then started again: the new daemon takes the device over where
# the ring's indexes stand; the request in flight and the guest's old
# descriptor get EIO; the guest's next open starts a new session and works;
# the file written before the restart is intact on the host.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh

S=/tmp/share-restart LOG=/var/log/xen/xen9pfsd.log
plan 13
rm -rf $S && mkdir -p $S

ok "a files guest in mode=restart" p9_guest gr $S -- 'cmdline="mode=restart"'
ok "  it wrote its first file and waits" wait_console 120 gr '^files: restart: ready'
D=$(domid_of gr)
pid=$(pidof xen9pfsd)
ok "xen9pfsd ($pid) stopped (SIGSTOP)" kill -STOP "$pid"
xenstore-write "/local/domain/$D/data/files/go" 1
ok "the guest sends a request the daemon cannot answer" wait_console 60 gr '^files: restart: sending'
# The request reaches the ring at once; should it come later, the new
# daemon receives it instead: the expected outcome (EIO) is the same.
sleep 2
ok "xen9pfsd killed (SIGKILL) with the request in flight" kill -KILL "$pid"
ok "  and gone" wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
ok "the init script starts a new xen9pfsd" /etc/xen-clone/init.d/40-xen9pfsd start
like "$(cat $LOG)" "device $D/0: taken over from a previous daemon" \
    "  it takes the guest's device over"
ok "the guest finishes" p9_done gr 300
like "$(console_line gr '^files: restart: the request in flight')" 'returned -1 \(errno 5\)' \
    "  the request in flight got EIO"
ok "  its old descriptor failed with EIO, a new session works" p9_ok gr
is "$(cat $S/before)" "before restart" "the file written before the restart is intact"
is "$(cat $S/after)" "after restart" "the file written after it is complete"
destroy_wait gr
done_testing
