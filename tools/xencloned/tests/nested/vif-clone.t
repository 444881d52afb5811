#!/bin/sh
# vif-clone.t: 'xl clone' of a serving httpd guest (one vif on xenbr0) in
# network mode "new" (the parent's data/clone/net-mode key): xencloned
# clones the vif through libxendev on the stock netback (frontend, backend
# in state 1, probe, hotplug in process, Connected) and gives the child its
# own MAC and address; the child's after_clone() takes them up and sends a
# gratuitous ARP; both addresses answer HTTP, each response naming its
# domain. Destroying the child leaves no vif, bridge port or XenStore node,
# and the parent serves on. Then the same with the child shutting itself
# down is not possible for httpd: xl destroy is the path tested.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

PIP=198.18.0.11
BIN=/usr/lib/xen-clone/bin
LOG=/var/log/xen/xencloned.log
plan 27

be_of() { echo "/local/domain/0/backend/vif/$1/0"; }
is_port() { [ "$(basename "$(readlink "/sys/class/net/$1/brport/bridge" 2>/dev/null)")" = xenbr0 ]; }
link_up() { ip link show "$1" 2>/dev/null | grep -qE '<([^>]*,)?UP[,>]'; }
# domid_at IP: the X-Domid header of a GET to IP.
domid_at() {
    wget -S -O /dev/null "http://$1/" 2>&1 |
        awk 'tolower($1) == "x-domid:" {print $2}' | tr -d '\r'
}

ok "httpd created" guest_create h httpd
ok "  serving" wait_console 90 h "^httpd: serving 1024 bytes"
p=$(domid_of h)
is "$(domid_at $PIP)" "$p" "the parent answers at $PIP as domain $p"
ok "mode new for its children (data/clone/net-mode)" \
    xenstore-write "/local/domain/$p/data/clone/net-mode" new

out=$(xl clone h 2>&1); st=$?
is "$st" 0 "xl clone h exits 0"
c=$(echo "$out" | grep -E '^[0-9]+$' | head -n 1)
like "$c" '^[0-9]+$' "  child domid $c"
ok "xencloned cloned vif 0, connected, mode new" grep -qE \
    "child $c: vif$c.0 \(vif 0 of $p\) connected, mode new, mac 00:16:3e:5c:" $LOG
ok "  and completed the child" grep -q "child $c (h-clone-$c) of $p complete, running" $LOG
is "$(xenstore-read "$(be_of $c)/state" 2>&1)" 4 "the child's backend is Connected"
is "$(xenstore-read "$(be_of $c)/hotplug-status" 2>&1)" connected \
    "  hotplug-status=connected"
is "$(xenstore-read "/local/domain/$c/device/vif/0/backend" 2>&1)" "$(be_of $c)" \
    "  the child's frontend names its own backend"
is "$(xenstore-read "/local/domain/$c/device/vif/0/state" 2>&1)" 4 \
    "  the child's frontend is Connected"
ok "vif$c.0 is a port of xenbr0" is_port "vif$c.0"
ok "  and is up" link_up "vif$c.0"
cip=$(xenstore-read "$(be_of $c)/ip" 2>/dev/null)
like "$cip" '^198\.18\.0\.(12[89]|1[3-9][0-9]|2[0-4][0-9]|25[0-4])$' \
    "the child's own address from new_ips ($cip)"
ok "the child took it up and announced it" wait_console 60 "h-clone-$c" \
    "^net: clone: $cip/24 mac 00:16:3e:5c:"
is "$(domid_at "$cip")" "$c" "the child answers at $cip as domain $c"
is "$(domid_at $PIP)" "$p" "the parent still answers at $PIP as domain $p"
out=$($BIN/minios-httpcheck "$cip" 80 100 2>&1 | tail -1)
like "$out" 'connections 100, requests 100 ok, errors 0$' \
    "  100 connections to the child, zero errors"
out=$($BIN/minios-httpcheck "$PIP" 80 100 2>&1 | tail -1)
like "$out" 'connections 100, requests 100 ok, errors 0$' \
    "  100 connections to the parent, zero errors"

ok "xl destroy the child" destroy_wait "$c"
ok "  its backend directory is gone" wait_for 30 sh -c "! xenstore-exists $(be_of $c)"
ok "  its vif is gone" wait_for 30 sh -c "! ip link show vif$c.0 >/dev/null 2>&1"
is "$(ls /sys/class/net/xenbr0/brif 2>/dev/null | tr '\n' ' ')" "vif$p.0 " \
    "  xenbr0 has the parent's port only"
ok "  no XenStore node of the child is left" sh -c \
    "! xenstore-exists /local/domain/$c && ! xenstore-exists /libxl/$c"
out=$($BIN/minios-httpcheck "$PIP" 80 50 2>&1 | tail -1)
like "$out" 'connections 50, requests 50 ok, errors 0$' \
    "the parent serves on (50 connections, zero errors)"
ok "xl destroy the parent" destroy_wait h
show_console "h-clone-$c"
done_testing
