#!/bin/sh
# counter.t: counters print "counter D: k" once a second with their own
# domid, keep running, and stop cleanly with max=N.
# run-in-dom0: timeout=240
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 8
ok "xl create counter c1" guest_create c1 counter
ok "xl create counter c2" guest_create c2 counter
id1=$(domid_of c1) id2=$(domid_of c2)
ok "c1 counts to 3" wait_console 60 c1 "^counter $id1: 3\$"
ok "c2 counts to 3" wait_console 60 c2 "^counter $id2: 3\$"
is "$(grep '^counter' $CONSOLE_DIR/guest-c1.log | head -4 | tr '\n' ' ')" \
    "counter $id1: 0 counter $id1: 1 counter $id1: 2 counter $id1: 3 " \
    "c1's lines are in order and carry its domid ($id1)"
like "$(domain_state c1)" '^-*[rb]' "c1 is still running"
destroy_wait c1
destroy_wait c2

ok "counter max=2 stops" sh -c ". /usr/lib/xen-clone/tap.sh
    . /usr/lib/xen-clone/minios-guest.sh
    guest_create c3 counter 'cmdline=\"max=2\"' &&
    wait_console 60 c3 '^exit 0\$' && wait_state 30 c3 s"
is "$(grep -c '^counter' $CONSOLE_DIR/guest-c3.log)" 2 "after two lines"
destroy_wait c3
done_testing
