#!/bin/sh
# long/clone-soak.t: the whole family soak (1,000 trees; make test-long;
# make fuzz runs it too): xen-clone-soak grows 1,000 random clone
# family trees (Dom0 clones through xl clone and libxenctrl, the guests'
# own forks, resets, destruction in random orders) and after each tree
# Xen's free memory must be back exactly and only Dom0 left.
# run-in-dom0: timeout=28800
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

S=/usr/lib/xen-clone/bin/xen-clone-soak
[ -x "$S" ] || bail_out "no xen-clone-soak in /usr/lib/xen-clone/bin"
plan 8

xs_homes() {
    echo "$(xenstore-list /local/domain 2>/dev/null | sort | tr '\n' ' ')|$(
        xenstore-list /libxl 2>/dev/null | sort | tr '\n' ' ')|$(
        xenstore-list /vm 2>/dev/null | wc -l)"
}
only_dom0() { [ "$(nr_domains)" = 1 ]; }
# Xen sizes its vmap area on the first clone: clone once before measuring.
warm_clone() {
    guest_create swarm counter >/dev/null 2>&1 &&
        wait_console 60 swarm 'counter [0-9]+: 1$' &&
        xl clone swarm >/dev/null 2>&1 || return 1
    for d in $(xl list | awk 'NR > 2 {print $2}'); do
        xl destroy "$d" >/dev/null 2>&1
    done
    wait_for 60 only_dom0
}
ok "warm-up: Xen's tables for Dom0 grown (24 guests at once)" warm_xen_tables 24
ok "warm-up: a guest is cloned once, and destroyed" warm_clone
like "$($S -n x 2>&1 >/dev/null)" "^xen-clone-soak: bad seed or tree count" \
    "a bad tree count is refused"
homes=$(xs_homes)
before=$(free_pages)
$S -s 1 -n 1000 >/tmp/soak.out 2>&1
rc=$?
while read -r l; do diag "$l"; done </tmp/soak.out
is "$rc" 0 "1,000 trees of seed 1: each gave every page back, none left a domain"
like "$(grep -m1 'trees: Dom0 clones' /tmp/soak.out)" \
    'Dom0 clones [1-9][0-9]* .*resets [1-9][0-9]* .*completed [1-9][0-9]* children' \
    "  Dom0 clones, resets and completed children among them"
ok "only Dom0 is left" only_dom0
is "$(xs_homes)" "$homes" "no XenStore home is left (/local/domain, /libxl, /vm)"
free_is_back "Xen's free memory is back exactly" "$before"
