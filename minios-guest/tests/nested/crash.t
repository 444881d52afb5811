#!/bin/sh
# crash.t: faults give a crash report (registers, fault address,
# backtrace) and the domain crashes; bad arguments exit 2.
# run-in-dom0: timeout=240
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 12
ok "xl create crash (page fault)" guest_create crash crash
ok "the report names the page fault" wait_console 60 crash \
    'minios crash: page fault \(vector 14\)'
ok "it gives the fault address (cr2)" console_has crash \
    'address \(cr2\) 0x7f0000000000, page not present, write'
ok "it dumps the registers" console_has crash '^rax: [0-9a-f]{16}'
ok "it prints a backtrace" console_has crash '^  #2 0x[0-9a-f]{16}'
ok "the domain is crashed" wait_state 30 crash c
show_console crash
destroy_wait crash

guest_create crash-ud crash 'cmdline="kind=ud2"' >/dev/null 2>&1
ok "ud2 gives an invalid opcode report" wait_console 60 crash-ud \
    'minios crash: invalid opcode \(vector 6\)'
ok "and a crashed domain" wait_state 30 crash-ud c
destroy_wait crash-ud

guest_create crash-as crash 'cmdline="kind=assert"' >/dev/null 2>&1
ok "a failed assert names the expression" wait_console 60 crash-as \
    '^assertion failed: kind == NULL \(apps/crash/main.c:'
ok "and crashes the domain" wait_state 30 crash-as c
destroy_wait crash-as

guest_create crash-bad crash 'cmdline="kind=gently"' >/dev/null 2>&1
ok "an unknown kind is refused" wait_console 60 crash-bad \
    "^crash: bad argument 'kind=gently'"
ok "with exit 2" wait_console 30 crash-bad '^exit 2$'
destroy_wait crash-bad
done_testing
