#!/bin/sh
# hello.t: a 4 MB hello guest boots, prints its domid, exits 0, powers off,
# and Xen's free memory is back to its value once it is destroyed.
# run-in-dom0: timeout=240
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 15
diag "hello image: $(stat -c %s $IMAGES/hello) bytes"

# Xen grows a few tables for Dom0 for good on the first domains after
# boot (maptrack frames per Dom0 vCPU); grow them first, so that every
# domain below must give back exactly what it took.
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
boot_free=$(free_pages)

# Bad arguments: a clear message, exit 2, a crashed domain; never a hang.
ok "hello with a bogus argument is created" \
    guest_create hello-bad hello 'cmdline="bogus"'
ok "it says why" wait_console 60 hello-bad "^hello: bad argument 'bogus'$"
ok "then exits 2" wait_console 30 hello-bad '^exit 2$'
ok "and crashes" wait_state 30 hello-bad c
ok "xl destroy hello-bad" destroy_wait hello-bad

pre=$(free_pages)
ok "xl create hello (4 MB)" guest_create hello hello
id=$(domid_of hello)
is "$(xl list hello | awk 'NR == 2 {print $3}')" 4 "xl list: a 4 MB domain"
ok "hello prints its line" wait_console 60 hello 'hello from domid'
is "$(console_line hello 'hello from domid')" "hello from domid $id" \
    "the line names the domain's own id ($id)"
ok "hello powers off" wait_state 60 hello s
ok "the console shows exit 0" console_has hello '^exit 0$'
diag "Xen pages used by the 4 MB guest: $((pre - $(free_pages)))" \
    "(tot_pages $(dom_pages "$id"))"
ok "xl destroy hello" destroy_wait hello
show_console hello
free_is_back "Xen's free memory is back exactly after both" "$boot_free"

# hello_cycle: one more hello guest, run to its end and destroyed.
hello_cycle() {
    rm -f "$CONSOLE_DIR/guest-hello2.log"
    guest_create hello2 hello >/dev/null 2>&1 || return 1
    wait_console 60 hello2 '^exit 0$' && wait_state 30 hello2 s
    _st=$?
    destroy_wait hello2 || return 1
    return $_st
}
free_back_after "another hello guest run and destroyed: the same again" \
    hello_cycle
done_testing
