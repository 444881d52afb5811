#!/bin/sh
# clone-badguest.t: a guest hands clone_op every bad argument it can (the
# minios-guest app clonebad): each gets its error (EPERM for the control
# domain's sub-ops and for cloning another domain), no child is left
# behind, and Xen, Dom0 and the other guest keep running. It also turns
# its own P2M tree against Xen (a page table inside it): the clone is
# refused, and a forked child's COW fault does not write into the table.
# Values Xen took from the guest unchecked (a console grant naming a frame
# that does not exist: a host crash; a kernel stack pointer at the top of
# the address space: a pCPU spinning forever) are survived, and state Xen
# cannot clone (a mapping of its own grant, runstate and time areas) is
# refused with EOPNOTSUPP.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

[ -f "$IMAGES/clonebad" ] || bail_out "no clonebad image in $IMAGES"
plan 11
ok "a counter guest runs (the domain clonebad will try to clone)" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     guest_create victim counter && wait_console 60 victim 'counter [0-9]+: 1$'"
v=$(domid_of victim)
ok "warm-up: Xen's tables for Dom0 grown, a first clone made and gone" \
    sh -c ". /usr/lib/xen-clone/tap.sh; warm_xen_tables &&
           c=\$(xl clone victim) && xl destroy \$c"
ndom=$(xl list | tail -n +2 | wc -l)
before=$(free_pages)
ok "xl create clonebad other=$v" guest_create clonebad clonebad \
    "cmdline=\"other=$v\""
ok "clonebad: every bad argument got its error" wait_console 120 clonebad \
    '^clonebad: all [0-9]+ checks passed$'
diag "$(console_line clonebad '^clonebad: all')"
grep -a 'not ok' "$CONSOLE_DIR/guest-clonebad.log" | sed 's/^/# /'
ok "clonebad exits 0" wait_console 30 clonebad '^exit 0$'
# Its one real fork (the P2M trick) ended; xencloned destroys that child.
ok "no clone of clonebad is left" wait_for 30 sh -c \
    "! xl list | grep -q clonebad-clone"
is "$(xl list | tail -n +2 | wc -l)" "$((ndom + 1))" "no other domain appeared"
like "$(xl info 2>&1 | awk -F': ' '/^xen_extra/ {print $2}')" '^\.5-clone$' \
    "Xen is still up"
k=$(grep -c '^counter' "$CONSOLE_DIR/guest-victim.log")
ok "the other guest still counts" wait_for 10 sh -c \
    "[ \$(grep -c '^counter' $CONSOLE_DIR/guest-victim.log) -gt $k ]"
show_console clonebad
destroy_wait clonebad
# bad_cycle: clonebad once more, to its end, destroyed.
bad_cycle() {
    rm -f "$CONSOLE_DIR/guest-clonebad.log"
    guest_create clonebad clonebad "cmdline=\"other=$v\"" &&
        wait_console 120 clonebad '^exit 0$'
    destroy_wait clonebad
}
free_is_back "Xen's free memory is back exactly (nothing leaked)" "$before"
free_back_after "clonebad once more: exactly the same" bad_cycle
destroy_wait victim
done_testing
