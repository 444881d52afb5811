#!/bin/sh
# fork.t: a guest forks with a file open on its 9pfs share. xencloned asks
# xen9pfsd to clone the device: the child gets the parent's fids (same
# numbers, reopened on the same host files) on its copied ring. Each side
# then has its own offset; the parent sees the child's write; the host file
# ends as both wrote it.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh

S=/tmp/share-fork LOG=/var/log/xen/xen9pfsd.log
plan 10
rm -rf $S && mkdir -p $S

ok "a files guest in mode=fork" p9_run gf $S -- 'cmdline="mode=fork"'
P=$(domid_of gf)
ok "  the parent's checks passed (the child exited 0, its write seen)" p9_ok gf
C=$(sed -n "s/.*device \([0-9]*\)\/0: clone of $P\/0 with \([0-9]*\) fids.*/\1/p" $LOG | head -1)
like "$(cat $LOG)" "device [0-9]+/0: clone of $P/0 with [0-9]+ fids, ring indexes" \
    "xen9pfsd cloned the parent's device for child $C"
like "$(cat /var/log/xen/xencloned.log)" "child $C \(gf-clone-$C\) of $P complete" \
    "xencloned completed the child"
ok "  the child says it used the inherited descriptor" \
    console_has "gf-clone-$C" "^files: fork: child $C ok"
is "$(cat $S/shared)" "0123456789PARENT" \
    "the shared file: the parent's 10 bytes, the child's write, the parent's at its own offset"
is "$(cat $S/child.txt)" "from the child" "the child's own file"
ok "the child's device goes away with the child" wait_for 60 sh -c \
    "! grep -q '\"domid\": $C,' /var/run/xen9pfsd.json"
ok "the parent's device is still there" grep -q "\"domid\": $P," /var/run/xen9pfsd.json
ok "xen9pfsd still runs" p9_daemon_alive
destroy_wait gf
done_testing
