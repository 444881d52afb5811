#!/bin/sh
# clone-ops.t: each XS_CLONE op on real subtrees (a real domain's home and
# console from xl, libxl-shaped vif/9pfs devices): values, owners, ACLs.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xsclone-lib.sh

plan 28
P=$(stub_domain xsc-parent) || bail_out "cannot create the parent domain"
C=$(stub_domain xsc-child) || bail_out "cannot create the child domain"
diag "parent domid $P, child domid $C (paused stub domains)"
fake_device "$P" vif 0 || bail_out "cannot write the parent's vif"
fake_device "$P" 9pfs 0 || bail_out "cannot write the parent's 9pfs"
PH=/local/domain/$P CH=/local/domain/$C
# The child's home and console come from the clone, not from xl.
xenstore-rm "$CH" "/local/domain/0/backend/console/$C"

# (A running guest's home: clone-running.t.)

# --- basic ---------------------------------------------------------------
ok "basic clone of a real domain's home" \
    xenstore-clone basic "$P" "$C" "$PH" "$CH"
is "$(xenstore-read "$CH/domid")" "$C" "basic: domid rewritten"
is "$(xenstore-read "$CH/name")" "xsc-parent-clone-$C" \
    "basic: name rewritten to a unique child name"
ok "basic: no device/ in the copy" sh -c "! xenstore-exists $CH/device"
ok "basic: no console/ in the copy" sh -c "! xenstore-exists $CH/console"
is "$(xs_perms "$CH")" "$(xs_perms "$PH" | rewrite_perms "$P" "$C")" \
    "basic: the home's own permissions rewritten"
xs_dump "$PH" | grep -v -E '^(device|console)(/| )|^(domid|name) ' |
    rewrite_dump "$P" "$C" >/tmp/basic.want
xs_dump "$CH" | grep -v -E '^(domid|name) ' >/tmp/basic.got
cmp_ok "$(wc -l </tmp/basic.want)" -ge 10 "basic: the parent's home has content"
if cmp -s /tmp/basic.want /tmp/basic.got; then
    pass "basic: every other node copied with values and rewritten perms"
else
    fail "basic: copy differs" "$(diff /tmp/basic.want /tmp/basic.got | head -20)"
fi
like "$(xs_dump "$CH" | grep -E '^data ')" "\(n$C\)$" \
    "basic: a node the parent owned is owned by the child"
like "$(xs_dump "$CH" | grep -E '^name ')" "\(n0,r$C\)$" \
    "basic: a read-only node keeps Dom0 as owner, the child reads it"

# --- dev_console ---------------------------------------------------------
PB=/local/domain/0/backend/console/$P/0 CB=/local/domain/0/backend/console/$C/0
ok "dev_console clone of the real console" \
    xenstore-clone dev_console "$P" "$C" "$PH/console" "$CH/console"
is "$(xenstore-read "$CH/console/backend")" "$CB" "dev_console: backend rewritten"
is "$(xenstore-read "$CH/console/backend-id")" "0" "dev_console: backend-id kept (Dom0)"
is "$(xenstore-read "$CB/frontend")" "$CH/console" "dev_console: frontend rewritten"
is "$(xenstore-read "$CB/frontend-id")" "$C" "dev_console: frontend-id rewritten"
xs_dump "$PB" | grep -v -E '^(frontend|frontend-id) ' | rewrite_dump "$P" "$C" >/tmp/cb.want
xs_dump "$CB" | grep -v -E '^(frontend|frontend-id) ' >/tmp/cb.got
ok "dev_console: backend nodes copied, perms rewritten" cmp /tmp/cb.want /tmp/cb.got

# --- dev_vif, dev_9pfs ---------------------------------------------------
for t in vif 9pfs; do
    PB=/local/domain/0/backend/$t/$P/0 CB=/local/domain/0/backend/$t/$C/0
    ok "dev_$t clone" xenstore-clone "dev_$t" "$P" "$C" \
        "$PH/device/$t/0" "$CH/device/$t/0"
    is "$(xenstore-read "$CH/device/$t/0/backend") $(xenstore-read "$CB/frontend") $(xenstore-read "$CB/frontend-id")" \
        "$CB $CH/device/$t/0 $C" "dev_$t: backend, frontend, frontend-id rewritten"
    xs_dump "$PH/device/$t/0" | grep -v '^backend ' | rewrite_dump "$P" "$C" >/tmp/f.want
    xs_dump "$CH/device/$t/0" | grep -v '^backend ' >/tmp/f.got
    ok "dev_$t: frontend nodes copied, perms rewritten" cmp /tmp/f.want /tmp/f.got
    is "$(xs_perms "$CH/device/$t") $(xs_perms "/local/domain/0/backend/$t/$C")" \
        "n$C r0 n0 r$C" "dev_$t: missing parents made like the parent's"
done

# --- full ----------------------------------------------------------------
xenstore-write /tool/xsc/src/a 1 /tool/xsc/src/b/c "two words" /tool/xsc/src/b/d ""
xenstore-chmod -r /tool/xsc/src "n$P" r0 "b$C"
xenstore-chmod /tool/xsc/src/b/d n0 "r$P"
ok "full clone of a synthetic subtree" xenstore-clone full "$P" "$C" /tool/xsc/src /tool/xsc/dst
xs_dump /tool/xsc/src | rewrite_dump "$P" "$C" >/tmp/full.want
xs_dump /tool/xsc/dst >/tmp/full.got
ok "full: values identical, owners and ACLs naming the parent rewritten" \
    cmp /tmp/full.want /tmp/full.got
is "$(xs_perms /tool/xsc/dst/a) $(xs_perms /tool/xsc/dst/b/d)" \
    "n$C r0 b$C n0 r$C" "full: entries naming other domains kept"

# The parent's state is untouched.
is "$(xenstore-read "$PH/name") $(xenstore-read "$PH/domid")" "xsc-parent $P" \
    "the parent's home is unchanged"

xl destroy "$C"; xl destroy "$P"
done_testing
