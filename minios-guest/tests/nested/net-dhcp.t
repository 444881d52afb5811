#!/bin/sh
# net-dhcp.t: a netecho guest whose vif has no ip= asks DHCP (busybox
# udhcpd serving xenbr0 in Dom0) and gets an address from the pool; Dom0
# pings it there.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 5
cat >/tmp/udhcpd.conf <<CONF
start 198.18.0.100
end 198.18.0.150
interface xenbr0
lease_file /tmp/udhcpd.leases
option subnet 255.255.255.0
option lease 600
CONF
touch /tmp/udhcpd.leases
udhcpd -f /tmp/udhcpd.conf >/tmp/udhcpd.log 2>&1 &
dhcpd=$!
ok "udhcpd serves xenbr0" sh -c "sleep 1; kill -0 $dhcpd"
ok "xl create netecho without ip=" guest_create nd netecho \
    "vif=['bridge=xenbr0,mac=00:16:3e:00:00:20']"
ok "the guest gets an address by DHCP" wait_console 90 nd \
    '^net: 198\.18\.0\.1[0-5][0-9]/24 \(dhcp\) mac 00:16:3e:00:00:20$'
ip=$(console_line nd '^net: ' | sed 's/^net: \([0-9.]*\)\/.*/\1/')
ok "netecho is up" wait_console 30 nd '^netecho: echoing on udp port 7$'
like "$(ping -c 10 -W 5 "$ip" 2>&1 | grep 'packets transmitted')" \
    '10 packets transmitted, 10 packets received' "Dom0 pings it at $ip"
show_console nd
destroy_wait nd
kill "$dhcpd"
done_testing
