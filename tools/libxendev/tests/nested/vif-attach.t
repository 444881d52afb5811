#!/bin/sh
# vif-attach.t: the hotplug program's offline and online on a live vif, by
# hand and through libxl: xl network-attach runs it online (the new vif
# joins xenbr0, connected), xl network-detach runs it offline (the vif
# leaves and nothing of it stays), and the program called by hand takes a
# running guest's vif off the bridge and puts it back.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh

plan 17
IMG=/usr/lib/minios-guest/counter
HP=/etc/xen/scripts/vif-bridge
[ -f "$IMG" ] || bail_out "no counter image at $IMG"
be_of() { echo "/local/domain/0/backend/vif/$1/$2"; }
is_port() { test -e "/sys/class/net/xenbr0/brif/$1"; }
link_up() { ip link show "$1" 2>/dev/null | grep -qE '<([^>]*,)?UP[,>]'; }
gone() { ! test -e "/sys/class/net/$1"; }

ok "a guest with one vif" xl create /dev/null 'name="att"' 'type="pv"' \
    "kernel=\"$IMG\"" memory=4 "vif=['bridge=xenbr0,mac=00:16:3e:5e:03:01']"
d=$(domid_of att)
ok "  vif$d.0 on xenbr0" is_port "vif$d.0"

# By hand, as libxl calls it.
out=$(env -i XENBUS_PATH="backend/vif/$d/0" XENBUS_TYPE=vif vif="vif$d.0" \
    "$HP" offline type_if=vif 2>&1); st=$?
is "$st" 0 "offline by hand: exit 0"
[ -z "$out" ] || diag "$out"
ok "  vif$d.0 left the bridge" sh -c "! test -e /sys/class/net/xenbr0/brif/vif$d.0"
ok "  and is down" sh -c "! ip link show vif$d.0 | grep -qE '<([^>]*,)?UP[,>]'"
out=$(env -i XENBUS_PATH="backend/vif/$d/0" XENBUS_TYPE=vif vif="vif$d.0" \
    "$HP" online type_if=vif 2>&1); st=$?
is "$st" 0 "online by hand: exit 0"
ok "  vif$d.0 back on the bridge and up" sh -c \
    "test -e /sys/class/net/xenbr0/brif/vif$d.0 && ip link show vif$d.0 | grep -qE '<([^>]*,)?UP[,>]'"
out=$(env -i XENBUS_PATH="backend/vif/$d/0" "$HP" online 2>&1); st=$?
is "$st" 0 "online twice: exit 0 (already a port)"

# Through libxl.
out=$(xl network-attach att bridge=xenbr0 mac=00:16:3e:5e:03:02 2>&1); st=$?
is "$st" 0 "xl network-attach exits 0"
[ "$st" = 0 ] || diag "$out"
ok "  vif$d.1 on xenbr0" is_port "vif$d.1"
ok "  and up" link_up "vif$d.1"
is "$(xenstore-read "$(be_of "$d" 1)/hotplug-status" 2>&1)" connected \
    "  hotplug-status=connected"
out=$(xl network-detach att 1 2>&1); st=$?
is "$st" 0 "xl network-detach att 1 exits 0"
[ "$st" = 0 ] || diag "$out"
ok "  vif$d.1 is gone" wait_for 30 gone "vif$d.1"
ok "  its backend node too" wait_for 30 sh -c "! xenstore-read $(be_of "$d" 1)/state"
ok "  vif$d.0 still on the bridge" is_port "vif$d.0"
destroy_wait att
ok "after destroy: no vif left" wait_for 30 sh -c "! ip -o link | grep -qE '^[0-9]+: vif'"
done_testing
