#!/bin/sh
# clone-badguest.t: a guest hands clone_op every bad argument it can (the
# minios-guest app clonebad): each gets its error (EPERM for the control
# domain's sub-ops and for cloning another domain), no child is left
# behind, and Xen, Dom0 and the other guest keep running.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

[ -f "$IMAGES/clonebad" ] || bail_out "no clonebad image in $IMAGES"
plan 9
ok "a counter guest runs (the domain clonebad will try to clone)" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     guest_create victim counter && wait_console 60 victim 'counter [0-9]+: 1$'"
v=$(domid_of victim)
ndom=$(xl list | tail -n +2 | wc -l)
before=$(free_pages)
ok "xl create clonebad other=$v" guest_create clonebad clonebad \
    "cmdline=\"other=$v\""
ok "clonebad: every bad argument got its error" wait_console 120 clonebad \
    '^clonebad: all [0-9]+ checks passed$'
diag "$(console_line clonebad '^clonebad: all')"
grep -a 'not ok' "$CONSOLE_DIR/guest-clonebad.log" | sed 's/^/# /'
ok "clonebad exits 0" wait_console 30 clonebad '^exit 0$'
is "$(xl list | grep -c clonebad-clone)" 0 "no clone of clonebad exists"
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
free_is_back "Xen's free memory is back (the failed clones leaked nothing)" \
    "$before" 2 bad_cycle
destroy_wait victim
done_testing
