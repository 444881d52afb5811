#!/bin/sh
# clone-fuzz.t: a short, fixed-seed part of the clone_op fuzzing campaign
# (make fuzz runs the whole of it): the guest app clonefuzz makes 3,000
# random calls (sub-ops, contents, pointers) with real forks, exits and
# waits among them. Every call is answered, Xen and Dom0 keep running,
# no clone is left behind and Xen's free memory comes back exactly.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

[ -f "$IMAGES/clonefuzz" ] || bail_out "no clonefuzz image in $IMAGES"
plan 6
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
before=$(free_pages)
guest_create fuzz clonefuzz 'cmdline="seed=1 calls=3000"' >/dev/null 2>&1
ok "3,000 calls of seed 1 answered" wait_console 600 fuzz \
    '^clonefuzz: done, seed 1$'
diag "$(console_line fuzz '^clonefuzz: results:')"
diag "$(console_line fuzz '^clonefuzz: [0-9]+ forks')"
like "$(console_line fuzz '^clonefuzz: [0-9]+ forks')" \
    '^clonefuzz: [1-9][0-9]* forks, [1-9][0-9]* children collected$' \
    "  real forks among them, every child collected"
ok "  it exits 0" wait_console 30 fuzz '^exit 0$'
ok "no clone of it is left" wait_for 60 sh -c "! xl list | grep -q fuzz-clone"
destroy_wait fuzz
free_is_back "Xen's free memory is back exactly" "$before"
