#!/bin/sh
# grant.t: a guest grants Dom0 a page (grant table v1); Dom0 maps it
# through gntdev and reads what the guest wrote; the guest revokes it.
# run-in-dom0: timeout=240
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 12
ok "xl create grant" guest_create grant grant
id=$(domid_of grant)
ok "the guest grants a page" wait_console 60 grant '^grant: page granted'
ref=$(xenstore-read "/local/domain/$id/data/minios/grant-ref" 2>/dev/null)
is "$(/usr/lib/xen-clone/bin/minios-gntread "$id" "$ref" 2>&1)" \
    "granted by domid $id" "Dom0 maps ref $ref and reads the guest's text"
ok "Dom0 tells the guest" xenstore-write \
    "/local/domain/$id/data/minios/grant-done" read
ok "the guest revokes the grant" wait_console 60 grant \
    '^grant: access revoked: ok$'
ok "and powers off" wait_state 30 grant s
show_console grant
destroy_wait grant

# The table grows beyond one frame (512 entries): 1500 grants of the page,
# Dom0 maps the last ref (in the third frame).
ok "xl create grant pages=1500" guest_create grant2 grant \
    'cmdline="pages=1500"'
id=$(domid_of grant2)
ok "the guest makes 1500 grants in 3 frames" wait_console 60 grant2 \
    '^grant: 1500 grants, table of 3 frames$'
ok "and publishes the last" wait_console 60 grant2 '^grant: page granted'
ref=$(xenstore-read "/local/domain/$id/data/minios/grant-ref" 2>/dev/null)
is "$(/usr/lib/xen-clone/bin/minios-gntread "$id" "$ref" 2>&1)" \
    "granted by domid $id" "Dom0 maps ref $ref (> 1024) and reads the text"
xenstore-write "/local/domain/$id/data/minios/grant-done" read
ok "the guest revokes all 1500" wait_console 60 grant2 \
    '^grant: access revoked: ok$'
ok "and powers off" wait_state 30 grant2 s
destroy_wait grant2
done_testing
