#!/bin/sh
# xenstore.t: the xenstore app reads, writes, lists, runs a transaction
# and sees a watch fire, both for its own write and for one from Dom0.
# run-in-dom0: timeout=240
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 9
ok "xl create xenstore" guest_create xs xenstore
ok "every check passes" wait_console 60 xs '^xenstore: all ok$'
ok "its own write fired the watch" console_has xs \
    "watch fired for (.*/)?data/minios/poke: .* = 'self'"
ok "exit 0 and powered off" wait_state 30 xs s
grep -c ': ok$' $CONSOLE_DIR/guest-xs.log | sed 's/^/# checks ok: /'
grep 'FAILED' $CONSOLE_DIR/guest-xs.log | sed 's/^/# /'
destroy_wait xs

ok "xl create xenstore wait=60" guest_create xs2 xenstore 'cmdline="wait=60"'
id=$(domid_of xs2)
ok "it waits for Dom0" wait_console 60 xs2 '^xenstore: waiting'
ok "Dom0 writes the node" xenstore-write "/local/domain/$id/data/minios/poke" \
    from-dom0
ok "the guest saw Dom0's value" wait_console 60 xs2 \
    "= 'from-dom0'\$"
ok "and finishes ok" wait_console 60 xs2 '^xenstore: all ok$'
show_console xs2
destroy_wait xs2
done_testing
