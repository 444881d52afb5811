#!/bin/sh
# net-ping.t: a netecho guest with a static IP (xl's vif ip=) comes up on
# xenbr0 with that address and its MAC; 100 pings from Dom0 get 100
# answers; destroy leaves no vif behind.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

IP=198.18.0.10
plan 6
ok "xl create netecho (vif on xenbr0, ip=$IP)" guest_create ne netecho
ok "the guest has its static address and MAC" wait_console 60 ne \
    "^net: $IP/24 \\(static\\) mac 00:16:3e:00:00:10\$"
ok "netecho is up" wait_console 30 ne '^netecho: echoing on udp port 7$'
out=$(ping -c 100 -i 0.05 -W 5 "$IP" 2>&1)
like "$(echo "$out" | grep 'packets transmitted')" \
    '100 packets transmitted, 100 packets received, 0% packet loss' \
    "100 pings, 100 answers"
id=$(domid_of ne)
destroy_wait ne
ok "destroyed" sh -c "! xl list ne >/dev/null 2>&1"
ok "no vif$id.0 left" sh -c "! ip link show vif$id.0 >/dev/null 2>&1"
show_console ne
done_testing
