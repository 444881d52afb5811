# soak-test.sh: the family soak scenario shared by xen/tests/nested/clone-soak.t
# and xen/tests/long/clone-soak.t (busybox sh; needs tap.sh and minios-guest.sh: xs_homes, warm_clone).
# Installed in Dom0 as /usr/lib/xen-clone/soak-test.sh.

# soak_scenario TREES LABEL: seed 1's TREES trees, with every check.
soak_scenario() {
    S=/usr/lib/xen-clone/bin/xen-clone-soak
    [ -x "$S" ] || bail_out "no xen-clone-soak in /usr/lib/xen-clone/bin"
    plan 8

    ok "warm-up: Xen's tables for Dom0 grown (24 guests at once)" warm_xen_tables 24
    ok "warm-up: a guest is cloned once, and destroyed" warm_clone swarm
    like "$($S -n x 2>&1 >/dev/null)" "^xen-clone-soak: bad seed or tree count" \
        "a bad tree count is refused"
    homes=$(xs_homes)
    before=$(free_pages)
    $S -s 1 -n "$1" >/tmp/soak.out 2>&1
    rc=$?
    while read -r l; do diag "$l"; done </tmp/soak.out
    is "$rc" 0 "$2 trees of seed 1: each gave every page back, none left a domain"
    like "$(grep -m1 'trees: Dom0 clones' /tmp/soak.out)" \
        'Dom0 clones [1-9][0-9]* .*resets [1-9][0-9]* .*completed [1-9][0-9]* children' \
        "  Dom0 clones, resets and completed children among them"
    ok "only Dom0 is left" only_dom0
    is "$(xs_homes)" "$homes" "no XenStore home is left (/local/domain, /libxl, /vm)"
    free_is_back "Xen's free memory is back exactly" "$before"
}
