#!/bin/sh
# net-udp.t: 1,000 UDP datagrams, sizes spread over 1..1472, sent from Dom0
# to a netecho guest one after the other, all come back intact.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

IP=198.18.0.10
plan 4
ok "xl create netecho" guest_create ne netecho
ok "netecho is up at $IP" wait_console 60 ne '^netecho: echoing on udp port 7$'
out=$(/usr/lib/xen-clone/bin/minios-udpcheck "$IP" 7 1000 2>&1)
like "$out" '^sent 1000, intact 1000, lost 0, damaged 0, retries 0$' \
    "1000 datagrams of 1..1472 bytes echoed intact"
ok "the guest is still running" wait_state 5 ne '[rb]'
show_console ne
destroy_wait ne
done_testing
