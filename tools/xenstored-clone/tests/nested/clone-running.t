#!/bin/sh
# clone-running.t: XS_CLONE of a running minios guest's real XenStore
# state (its home, as xl made it and as the guest itself wrote it, and its
# console device) into a fresh domain: values, owners and ACLs rewritten;
# the guest goes on undisturbed, its own nodes unchanged.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xsclone-lib.sh

IMG=/usr/lib/minios-guest/xenstore
[ -f "$IMG" ] || bail_out "no minios-guest xenstore image (minios-guest not built)"
plan 14

# The xenstore app writes, reads and watches nodes in its own home, then
# waits (wait=S) for Dom0 to write data/dom0 before it exits.
xl create /etc/xen/examples/xenstore.cfg 'name="xsg"' 'cmdline="wait=120"' \
    >/dev/null 2>&1
ok "a running guest (the xenstore app) wrote its own nodes" wait_for 60 \
    sh -c "xenstore-exists /local/domain/\$(xl domid xsg)/data/minios/tx-b"
G=$(domid_of xsg)
C=$(stub_domain xsg-child) || bail_out "cannot create the child domain"
GH=/local/domain/$G CH=/local/domain/$C
# The child's own ring, before its home (and store/ring-ref) is replaced.
CREF=$(xenstore-read "$CH/store/ring-ref") || bail_out "no ring-ref for $C"
as_child() { $XSC_RAW --domain "$C" --mfn "$CREF" "$@"; }
xenstore-rm "$CH" "/local/domain/0/backend/console/$C"
diag "guest domid $G, child domid $C"
xs_dump "$GH" >/tmp/guest.before

ok "basic clone of the running guest's home" \
    xenstore-clone basic "$G" "$C" "$GH" "$CH"
is "$(xenstore-read "$CH/domid") $(xenstore-read "$CH/name")" \
    "$C xsg-clone-$C" "domid and name rewritten"
xs_dump "$GH" | grep -v -E '^(device|console)(/| )|^(domid|name) ' |
    rewrite_dump "$G" "$C" >/tmp/home.want
xs_dump "$CH" | grep -v -E '^(domid|name) ' >/tmp/home.got
cmp_ok "$(grep -c '^data/' /tmp/home.want)" -ge 1 \
    "the guest's own data/ nodes are in its home"
if cmp -s /tmp/home.want /tmp/home.got; then
    pass "every node copied, values and rewritten owners and ACLs"
else
    fail "the copy differs" "$(diff /tmp/home.want /tmp/home.got | head -20)"
fi
like "$(grep '^data ' /tmp/home.got)" "\\(n$C\\)\$" \
    "the guest's data/ is the child's in the copy"
ok "no device/ or console/ in the basic copy" sh -c \
    "! xenstore-exists $CH/device && ! xenstore-exists $CH/console"

GB=/local/domain/0/backend/console/$G/0 CB=/local/domain/0/backend/console/$C/0
ok "dev_console clone of the running guest's console" \
    xenstore-clone dev_console "$G" "$C" "$GH/console" "$CH/console"
is "$(xenstore-read "$CH/console/backend") $(xenstore-read "$CB/frontend-id")" \
    "$CB $C" "console backend path and frontend-id rewritten"
xs_dump "$GH/console" | grep -v '^backend ' | rewrite_dump "$G" "$C" >/tmp/con.want
xs_dump "$CH/console" | grep -v '^backend ' >/tmp/con.got
ok "console frontend nodes copied (ring-ref, port, ...)" cmp /tmp/con.want /tmp/con.got

# The child can read its copy through its own connection, not the guest's.
is "$(as_child read "$CH/data/minios/greeting")" hello \
    "the child reads its copy of the guest's node"
is "$(as_child read "$GH/data/minios/greeting")" "ERROR EACCES" \
    "  but not the guest's own"

xs_dump "$GH" >/tmp/guest.after
ok "the guest's home is unchanged" cmp /tmp/guest.before /tmp/guest.after
xenstore-write "$GH/data/minios/poke" 1
ok "the guest goes on: it sees Dom0's write and exits 0" \
    wait_console 60 xsg '^exit 0$'
xl destroy xsg 2>/dev/null; xl destroy "$C"
done_testing
