#!/bin/sh
# vif.t: a guest with a vif on xenbr0, through libxl and our C hotplug
# program (/etc/xen/scripts/vif-bridge -> xen-vif-hotplug). The guest has
# no netfront: netback still makes vif<domid>.0 and waits in InitWait, and
# libxl runs the hotplug program. Checks: the vif is a port of xenbr0, up,
# hotplug-status=connected; after xl destroy nothing is left (no vif, no
# bridge port, no backend node) and Xen's free memory is exactly back;
# two vifs on one guest; 50 create/destroy cycles leave nothing behind.
# Also: Dom0's modules and bridge, and wrk against a server on xenbr0.
# run-in-dom0: timeout=1500
. /usr/lib/xen-clone/tap.sh

plan 35
IMG=/usr/lib/minios-guest/counter
[ -f "$IMG" ] || bail_out "no counter image at $IMG"

# vguest NAME VIF-SPEC...: a 4 MB counter guest with the given vifs.
vguest() {
    _n=$1; shift
    _v=
    for _s in "$@"; do _v="$_v${_v:+,}'$_s'"; done
    xl create /dev/null "name=\"$_n\"" 'type="pv"' "kernel=\"$IMG\"" \
        memory=4 "vif=[$_v]"
}
be_of() { echo "/local/domain/0/backend/vif/$1/$2"; }
is_port() { test -e "/sys/class/net/xenbr0/brif/$1"; }
link_up() { ip link show "$1" 2>/dev/null | grep -qE '<([^>]*,)?UP[,>]'; }
no_vifs() { ! ip -o link 2>/dev/null | grep -qE '^[0-9]+: vif'; }
nr_ports() { ls /sys/class/net/xenbr0/brif 2>/dev/null | wc -l; }
no_backends() { ! xenstore-ls /local/domain/0/backend/vif >/dev/null 2>&1; }

# --- Dom0's network, as init made it.
ok "xen-netback is loaded" grep -q '^xen_netback ' /proc/modules
ok "bridge, stp, llc, bonding, tun, veth, sch_ingress, cls_matchall, act_mirred are loaded" sh -c \
    'for m in bridge stp llc bonding tun veth sch_ingress cls_matchall act_mirred; do grep -q "^$m " /proc/modules || exit 1; done'
ok "xenbr0 is a bridge" test -d /sys/class/net/xenbr0/bridge
ok "  and is up" link_up xenbr0
like "$(ip -o -4 addr show dev xenbr0 2>&1)" 'inet 198\.18\.0\.1/24 ' \
    "  with Dom0's address 198.18.0.1/24"
is "$(ip -o link | grep -cvE '^[0-9]+: (lo|xenbr0):')" 0 \
    "no other interface: the machine has no network device"

# wrk runs in Dom0: against busybox httpd on xenbr0's address, no errors.
mkdir -p /tmp/www && echo hello >/tmp/www/index.html
httpd -p 198.18.0.1:8080 -h /tmp/www
out=$(wrk -t1 -c4 -d2s http://198.18.0.1:8080/index.html 2>&1)
like "$out" 'Requests/sec: +[0-9.]+' "wrk loads a server on 198.18.0.1"
ok "  with no socket errors and only 2xx answers" sh -c \
    "! echo \"\$1\" | grep -qE 'Socket errors|Non-2xx'" sh "$out"
echo "$out" | grep -E "requests in|Requests/sec|errors|Non-2xx" | sed "s/^/# wrk: /"
kill "$(pidof httpd)" 2>/dev/null

# Warm-up (not measured): Xen's tables for Dom0, and one vif guest.
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
vguest warm 'bridge=xenbr0' >/dev/null 2>&1 && destroy_wait warm
wait_for 30 no_vifs
base=$(free_pages)

# --- One guest, one vif.
out=$(vguest net1 'bridge=xenbr0,mac=00:16:3e:5e:00:01' 2>&1); st=$?
is "$st" 0 "xl create with vif=['bridge=xenbr0,mac=...'] exits 0"
[ "$st" = 0 ] || diag "$out"
d=$(domid_of net1)
ok "vif$d.0 exists" test -e "/sys/class/net/vif$d.0"
ok "  is a port of xenbr0" is_port "vif$d.0"
ok "  is up" link_up "vif$d.0"
is "$(xenstore-read "$(be_of "$d" 0)/hotplug-status" 2>&1)" connected \
    "  backend hotplug-status=connected"
is "$(xenstore-read "$(be_of "$d" 0)/state" 2>&1)" 2 \
    "  backend in InitWait (the guest has no netfront)"
is "$(xenstore-read "$(be_of "$d" 0)/mac" 2>&1)" 00:16:3e:5e:00:01 \
    "  backend has the MAC"
ok "  no hotplug-error" sh -c "! xenstore-read $(be_of "$d" 0)/hotplug-error"
ok "xl destroy net1" destroy_wait net1
ok "  no vif* in ip link" wait_for 30 no_vifs
is "$(nr_ports)" 0 "  no bridge port"
ok "  no backend XenStore node" wait_for 30 no_backends
ok "  no frontend directory" sh -c "! xenstore-ls /local/domain/$d >/dev/null 2>&1"
free_is_back "  Xen's free memory exactly back" "$base"

# --- Two vifs on one guest.
out=$(vguest net2 'bridge=xenbr0,mac=00:16:3e:5e:00:02' \
    'bridge=xenbr0,mac=00:16:3e:5e:00:03' 2>&1); st=$?
is "$st" 0 "xl create with two vifs exits 0"
d=$(domid_of net2)
ok "  vif$d.0 and vif$d.1 are ports of xenbr0" sh -c \
    "test -e /sys/class/net/xenbr0/brif/vif$d.0 && test -e /sys/class/net/xenbr0/brif/vif$d.1"
is "$(xenstore-read "$(be_of "$d" 1)/hotplug-status" 2>&1)" connected \
    "  the second is connected too"
destroy_wait net2
ok "  after destroy: no vif, no port, no backend" wait_for 30 sh -c \
    "! ip -o link | grep -qE '^[0-9]+: vif' && [ -z \"\$(ls /sys/class/net/xenbr0/brif)\" ] &&
     ! xenstore-ls /local/domain/0/backend/vif >/dev/null 2>&1"
free_is_back "  Xen's free memory exactly back" "$base"

# --- 50 create/destroy cycles.
bad=0 made=0
i=1
while [ $i -le 50 ]; do
    if vguest cyc 'bridge=xenbr0,mac=00:16:3e:5e:01:01' >/tmp/cyc.out 2>&1; then
        made=$((made + 1))
        cd_=$(domid_of cyc)
        if ! is_port "vif$cd_.0" || ! link_up "vif$cd_.0" ||
            [ "$(xenstore-read "$(be_of "$cd_" 0)/hotplug-status" 2>/dev/null)" != connected ]; then
            bad=$((bad + 1))
            diag "cycle $i: vif$cd_.0 not bridged, up and connected"
        fi
    else
        diag "cycle $i: xl create failed:"; note_file /tmp/cyc.out
    fi
    destroy_wait cyc || diag "cycle $i: destroy did not finish"
    i=$((i + 1))
done
is "$made" 50 "50 guests with a vif created"
is "$bad" 0 "  each bridged, up and connected"
ok "  after 50 cycles: no vif* in ip link" wait_for 30 no_vifs
is "$(nr_ports)" 0 "  no bridge port"
ok "  no backend XenStore node" wait_for 30 no_backends
is "$(nr_domains)" 1 "  only Dom0 left"
free_is_back "  Xen's free memory exactly back" "$base"
done_testing
