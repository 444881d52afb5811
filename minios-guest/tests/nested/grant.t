#!/bin/sh
# grant.t: a guest grants Dom0 a page (grant table v1); Dom0 maps it
# through gntdev and reads what the guest wrote; the guest revokes it.
# run-in-dom0: timeout=240
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 6
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
done_testing
