#!/bin/sh
# badguest.t: a guest sends malformed 9P (unknown types, R-messages,
# unknown and reused fids, short messages; then a message bigger than
# msize; then ring indexes that lie): each gets Rlerror or its device is
# closed, and xen9pfsd keeps serving another guest meanwhile.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh

S=/tmp/share-bad
plan 14
rm -rf $S && mkdir -p $S

ok "a good guest's share works meanwhile" p9_guest good $S -- 'cmdline="dir=/good"'
ok "p9bad mode=msg" p9_run bad1 $S --app p9bad -- 'cmdline="mode=msg"'
ok "  every malformed message got its Rlerror, the device still answers" p9_ok bad1 || show_console bad1
ok "p9bad mode=size" p9_run bad2 $S --app p9bad -- 'cmdline="mode=size"'
ok "  a message bigger than msize closes that device" p9_ok bad2 || show_console bad2
like "$(cat /var/log/xen/xen9pfsd.log)" "failed at checking a request's size: Message too long; closing it" \
    "  xen9pfsd logs the step"
ok "p9bad mode=lie" p9_run bad3 $S --app p9bad -- 'cmdline="mode=lie"'
ok "  lying ring indexes close that device" p9_ok bad3 || show_console bad3
like "$(cat /var/log/xen/xen9pfsd.log)" "failed at reading the out ring's indexes: Protocol error; closing it" \
    "  xen9pfsd logs the step"
ok "the good guest finishes" p9_done good 600
ok "  and passed its file API" p9_ok good
ok "xen9pfsd still runs" p9_daemon_alive
for n in good bad1 bad2 bad3; do destroy_wait $n; done
ok "a new guest is served after all that" p9_run after $S -- 'cmdline="dir=/after"'
ok "  and passes the file API" p9_ok after
done_testing
