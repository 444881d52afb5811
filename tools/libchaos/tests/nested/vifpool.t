#!/bin/sh
# vifpool.t: shells with a vif made ahead (a flavour's device template):
# before any request the shell's vif is probed by netback, a port of
# xenbr0 and up, waiting in InitWait; `chaos create httpd` takes the shell
# and keeps that very interface (same ifindex), with the request's MAC and
# IP, and the guest answers HTTP on it; a request without a vif gets the
# ready vif removed; nothing is left after destroy and chaosd's exit.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/chaos.sh

EX=/etc/xen/examples
plan 26

chaosd_conf 10 2 <<CONF
[flavour:net]
memory=32
shells=1
vifs=xenbr0
CONF
no_vifs() { ! ip -o link 2>/dev/null | grep -qE '^[0-9]+: vif'; }

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
base=$(free_pages)

start_chaosd "chaosd starts" net 1
s=$(shells)
be=/local/domain/0/backend/vif/$s/0
ok "the shell's vif$s.0 exists before any request" test -e /sys/class/net/vif$s.0
ok "  a port of xenbr0" test -e /sys/class/net/xenbr0/brif/vif$s.0
is "$(xenstore-read $be/state)" 2 "  netback waits in InitWait"
is "$(xenstore-read $be/hotplug-status)" connected "  hotplug-status=connected"
idx=$(cat /sys/class/net/vif$s.0/ifindex)

out=$(chaos create $EX/httpd.cfg 2>&1); st=$?
is "$st" 0 "chaos create httpd: exit 0"
like "$out" "created 'httpd' \(domid $s\) from a ready 'net' shell" "  in the shell $s"
is "$(cat /sys/class/net/vif$s.0/ifindex 2>&1)" "$idx" "  with the very vif made ahead (ifindex $idx)"
is "$(xenstore-read $be/mac):$(xenstore-read /local/domain/$s/device/vif/0/mac)" \
    "00:16:3e:00:00:11:00:16:3e:00:00:11" "  given the request's MAC at both ends"
is "$(xenstore-read $be/ip)" 198.18.0.11 "  and its IP"
ok "  the guest serves" wait_console 60 httpd "^httpd: serving"
rm -f /tmp/body
wget -O /tmp/body http://198.18.0.11/ >/dev/null 2>&1
is "$(stat -c %s /tmp/body 2>&1)" 1024 "  and answers HTTP on it (wget: 1024 bytes)"
out=$(/usr/lib/xen-clone/bin/minios-httpcheck 198.18.0.11 80 100 2>&1 | tail -1)
like "$out" 'connections 100, requests 100 ok, errors 0$' "  100 connections, zero errors"
is "$(xenstore-read $be/state)" 4 "  netback connected"
ok "  the pool is refilled" wait_for 60 pool_is net 1
ok "chaos destroy httpd" chaos destroy httpd
ok "  its vif is gone" wait_for 10 sh -c "! test -e /sys/class/net/vif$s.0"

s2=$(shells)
out=$(chaos create $EX/counter.cfg name=novif memory=32 2>&1); st=$?
like "$st:$out" "^0:.*\(domid $s2\) from a ready 'net' shell" "a request without a vif takes a net shell"
ok "  the shell's vif is removed" sh -c "! xenstore-read /local/domain/$s2/device/vif/0/mac && ! test -e /sys/class/net/vif$s2.0"
ok "  its console shows the counter" wait_console 30 novif "counter $s2: [0-9]+"
ok "  chaos destroy novif" chaos destroy novif

ok "SIGTERM: chaosd exits" stop_chaosd
ok "  no vif interface, no vif backend left" sh -c ". /usr/lib/xen-clone/chaos.sh; ! ip -o link | grep -qE '^[0-9]+: vif' && [ -z \"\$(xenstore-ls /local/domain/0/backend/vif 2>/dev/null)\" ]"
free_is_back "  Xen's free memory exactly as before" "$base"
done_testing
