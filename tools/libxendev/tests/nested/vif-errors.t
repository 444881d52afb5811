#!/bin/sh
# vif-errors.t: bad input. xl create with a bridge that does not exist
# fails with the hotplug program's reason and leaves no domain, no vif, no
# XenStore node and no Xen memory behind; the hotplug program given bad
# arguments or environment fails with a clear message and exit status 2;
# an operation that fails exits 1 and says why.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh

plan 32
IMG=/usr/lib/minios-guest/counter
HP=/etc/xen/scripts/vif-bridge
[ -f "$IMG" ] || bail_out "no counter image at $IMG"
no_vifs() { ! ip -o link 2>/dev/null | grep -qE '^[0-9]+: vif'; }
no_backends() { ! xenstore-ls /local/domain/0/backend/vif >/dev/null 2>&1; }

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
base=$(free_pages)

# --- A bridge that does not exist.
out=$(xl create /dev/null 'name="nobr"' 'type="pv"' "kernel=\"$IMG\"" \
    memory=4 "vif=['bridge=nosuchbr,mac=00:16:3e:5e:02:01']" 2>&1); st=$?
cmp_ok "$st" -ne 0 "xl create with bridge=nosuchbr fails"
like "$out" "script: bridge 'nosuchbr' does not exist" \
    "  libxl shows the hotplug-error: bridge 'nosuchbr' does not exist"
like "$out" "vif-bridge: online vif[0-9]+\.0: bridge 'nosuchbr' does not exist" \
    "  and the program's own message on stderr"
ok "  no domain left" sh -c "! xl list nobr"
is "$(nr_domains)" 1 "  only Dom0"
ok "  no vif left" wait_for 30 no_vifs
ok "  no backend node left" wait_for 30 no_backends
free_is_back "  Xen's free memory exactly back" "$base"

# 'eth0'-like: a name that exists but is no bridge (lo).
out=$(xl create /dev/null 'name="nobr2"' 'type="pv"' "kernel=\"$IMG\"" \
    memory=4 "vif=['bridge=lo']" 2>&1); st=$?
cmp_ok "$st" -ne 0 "xl create with bridge=lo (not a bridge) fails"
like "$out" "'lo' is not a bridge" "  saying 'lo' is not a bridge"
ok "  nothing left" wait_for 30 sh -c "! xl list nobr2 && ! ip -o link | grep -q ': vif' &&
    ! xenstore-ls /local/domain/0/backend/vif"

# --- The hotplug program by hand.
# hp EXPECTED-STATUS REGEX NAME [ENV=V...] -- ARGS...: run it, check both.
hp() {
    _want=$1 _re=$2 _name=$3; shift 3
    _env=
    while [ $# -gt 0 ] && [ "$1" != -- ]; do _env="$_env $1"; shift; done
    shift
    # shellcheck disable=SC2086
    _out=$(env -i PATH="$PATH" $_env "$HP" "$@" 2>&1); _st=$?
    is "$_st" "$_want" "$_name: exit $_want"
    like "$_out" "$_re" "  says: $_re"
}
hp 0 '^Usage: vif-bridge online.offline' "--help" -- --help
hp 2 'missing ACTION' "no arguments" --
hp 2 "unknown ACTION 'start'" "unknown action" XENBUS_PATH=backend/vif/1/0 -- start
hp 2 'XENBUS_PATH is not set' "online without XENBUS_PATH" -- online
hp 2 "XENBUS_PATH 'backend/vif/x/0' is not a backend path" "garbage XENBUS_PATH" \
    XENBUS_PATH=backend/vif/x/0 -- online
hp 2 "only vif is handled" "a vbd's XENBUS_PATH" XENBUS_PATH=backend/vbd/1/51712 -- online
hp 2 "only type_if=vif is handled" "type_if=tap" XENBUS_PATH=backend/vif/1/0 -- online type_if=tap
hp 2 "vif 'vif2.0' does not match XENBUS_PATH" "vif of another device" \
    XENBUS_PATH=backend/vif/1/0 vif=vif2.0 -- online
hp 1 "backend backend/vif/999/0 does not exist" "online for a device that does not exist" \
    XENBUS_PATH=backend/vif/999/0 vif=vif999.0 -- online type_if=vif
ok "  and it made no XenStore node" sh -c "! xenstore-ls /local/domain/0/backend/vif/999"
out=$(env -i XENBUS_PATH=backend/vif/999/0 "$HP" offline type_if=vif 2>&1); st=$?
is "$st" 0 "offline for a vif that is gone: exit 0 (nothing to undo)"
done_testing
