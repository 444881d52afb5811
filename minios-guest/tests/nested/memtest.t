#!/bin/sh
# memtest.t: memtest fills nearly all RAM of 4, 64 and 512 MB guests (all
# of it mapped 1:1), fails cleanly when asked for too much or nonsense.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 16

# run_memtest NAME MEMORY MB: boot memtest, expect "memtest: MB MB ok".
run_memtest() {
    _n=$1 _mem=$2 _mb=$3
    guest_create "$_n" memtest "memory=$_mem" "cmdline=\"mb=$_mb\"" ||
        { fail "$_n: xl create"; fail "$_n: powers off"; return; }
    if wait_console 300 "$_n" "^memtest: $_mb MB ok$"; then
        pass "$_n: memtest: $_mb MB ok in a $_mem MB guest"
    else
        fail "$_n: memtest: $_mb MB ok in a $_mem MB guest"
        show_console "$_n"
    fi
    ok "$_n: exit 0 and powered off" sh -c ". /usr/lib/xen-clone/tap.sh
        . /usr/lib/xen-clone/minios-guest.sh
        wait_console 30 $_n '^exit 0\$' && wait_state 30 $_n s"
    console_line "$_n" '^minios: [0-9]+ MB RAM' | sed 's/^/# /'
    destroy_wait "$_n"
}

# Xen's tables for Dom0 first (see warm_xen_tables), then every guest
# must give back exactly what it took.
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
before=$(free_pages)
run_memtest mt4 4 3
run_memtest mt64 64 60
run_memtest mt512 512 500

# A 1 GB guest maps all of its RAM too (one full L2 of L1 tables).
ok "mt1024: xl create (1024 MB)" guest_create mt1024 memtest memory=1024 \
    'cmdline="mb=16"'
ok "mt1024: boots, maps 1024 MB, tests 16 MB" wait_console 300 mt1024 \
    '^memtest: 16 MB ok$'
like "$(console_line mt1024 '^minios: [0-9]+ MB RAM')" '^minios: 1024 MB RAM' \
    "mt1024: the guest sees 1024 MB"
destroy_wait mt1024

# Too much memory: a clear message, a non-zero exit, a crashed domain.
ok "mt-big: xl create (4 MB, mb=8)" guest_create mt-big memtest memory=4 \
    'cmdline="mb=8"'
ok "mt-big: says it ran out of memory" wait_console 60 mt-big \
    '^memtest: out of memory after [0-9]+ of 8 MB'
ok "mt-big: exit 1, crashed" sh -c ". /usr/lib/xen-clone/tap.sh
    . /usr/lib/xen-clone/minios-guest.sh
    wait_console 30 mt-big '^exit 1\$' && wait_state 30 mt-big c"
destroy_wait mt-big

# Nonsense argument: usage and exit 2.
guest_create mt-bad memtest 'cmdline="mb=lots"' >/dev/null 2>&1
ok "mt-bad: names the bad argument" wait_console 60 mt-bad \
    "^memtest: bad argument 'mb=lots'"
ok "mt-bad: exit 2" wait_console 30 mt-bad '^exit 2$'
destroy_wait mt-bad

free_is_back "Xen's free memory is back exactly after all of them" "$before"
done_testing
