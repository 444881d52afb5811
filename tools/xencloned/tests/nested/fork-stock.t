#!/bin/sh
# fork-stock.t: a guest's own fork() takes its child from Xen's shell stock,
# which xencloned keeps topped up from chaosd (CLONEOP_add_shells). With
# chaosd running a clone flavour and xencloned's fork_shells=2: a first
# guest's fork finds the stock empty and Xen makes the child (it runs);
# xencloned then stocks 2 of chaosd's shells for that parent's shape; a
# second guest's fork gets a former shell as its child, which runs and
# exits with the status forktest expects; the stock is topped up again. After everything is destroyed,
# chaosd and xencloned stopped (Xen hands the stock back, xencloned
# destroys it), Xen's free memory is exactly what it was.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/chaos.sh
. /usr/lib/xen-clone/xencloned.sh

plan 32
FORKTEST=/usr/lib/minios-guest/forktest
[ -f "$FORKTEST" ] || bail_out "no forktest image ($FORKTEST): minios-guest is not installed"

# fork_guest NAME: a 16 MB forktest guest that forks once and waits.
fork_guest() {
    xl create /dev/null "name=\"$1\"" 'type="pv"' "kernel=\"$FORKTEST\"" \
        memory=16 vcpus=1 'cmdline="children=1 mb=4 mode=fork"' \
        'on_poweroff="preserve"' 'on_crash="preserve"' >/dev/null 2>&1
}
# child_of NAME: the domid forktest NAME printed for its child.
child_of() {
    sed -n 's/^forktest: child 1 is domid \([0-9]*\).*/\1/p' \
        "$CONSOLE_DIR/guest-$1.log" 2>/dev/null | head -n 1
}

CONF=/tmp/xencloned-stock.conf
printf '[service]\nfork_shells=2\n' >"$CONF"
ok "xencloned restarts with fork_shells=2" restart_xencloned -c "$CONF"
ok "  it is registered" wait_for 10 sh -c 'xencloned --status | grep -q "\"registered\":true"'
is "$(stock target)" 2 "  its status shows the stock's target (2)"
is "$(stock in_xen)" 0 "  and Xen's stock empty (no chaosd, no fork yet)"

ok "warm-up: Xen's tables for Dom0 grown (for 10 guests)" warm_xen_tables 10
# Xen sizes its vmap area on the first clone and keeps it: a first fork
# before the baseline (no chaosd: Xen makes the child).
fork_guest warm
ok "warm-up: a first guest forks (no chaosd: Xen makes the child)" \
    wait_console 60 warm '^parent ok'
destroy_gone warm
base=$(free_pages)

chaosd_conf_clone c32 32 2
start_chaosd "chaosd starts with a clone flavour (c32: 32 MB, 1 vCPU, 2 shells)" c32 2

# The first fork of a parent: the stock is empty; Xen makes the child.
pool=" $(cshells | tr '\n' ' ')"
fork_guest fa
ok "guest fa forks with Xen's stock empty; its child runs, exits, is collected" \
    wait_console 60 fa '^parent ok'
ca=$(child_of fa)
ok "  the child ($ca) is no shell (pool:$pool)" sh -c "! echo '$pool ' | grep -q ' $ca '"
ok "xencloned stocks 2 of chaosd's shells for fa's shape" wait_for 60 stock_is 2
ours=$(stock_ours)
is "$(echo $ours | wc -w)" 2 "  it lists the 2 it gave Xen ($ours)"
ok "  they were chaosd's shells ($pool)" sh -c "for d in $ours; do echo '$pool ' | grep -q \" \$d \" || exit 1; done"
is "$(stock parent)" "$(domid_of fa)" "  the stock follows fa, the last parent that forked"
ok "chaosd refills its pool" wait_for 60 pool_is c32 2
taken=$(stock taken)

# A second guest of the same shape forks: its child is a stocked shell.
fork_guest fb
ok "guest fb forks; its child runs, exits, is collected (parent ok)" wait_console 60 fb '^parent ok'
cb=$(child_of fb)
ok "  the child ($cb) is a former stocked shell ($ours)" in_list "$cb" "$ours"
ok "  fb's console: child 1 (domid $cb) exited with its own number, 1" console_has fb "^forktest: child 1 \(domid $cb\) exited 1"
is "$(stock taken)" $((taken + 1)) "  Xen counts one more child taken from the stock"
ok "  xencloned's log names the shell taken" grep -q "stock: fork of $(domid_of fb) took shell $cb" /var/log/xen/xencloned.log
ok "the stock is topped up to 2 again" wait_for 60 stock_is 2
ok "  with a new shell" sh -c "! echo ' $(stock_ours) ' | grep -q ' $cb '"
ok "  both forked children are gone (on_exit=destroy)" wait_for 30 sh -c "! xl list $ca >/dev/null 2>&1 && ! xl list $cb >/dev/null 2>&1"

# Everything goes: guests, chaosd, then xencloned (Xen hands its stock back).
ours=$(stock_ours)
destroy_gone fa
destroy_gone fb
ok "SIGTERM: chaosd exits" stop_chaosd
ok "the stocked shells ($ours) stay Xen's while xencloned runs" sh -c "for d in $ours; do xl list \$d >/dev/null 2>&1 || exit 1; done"
ok "xencloned stops" /etc/xen-clone/init.d/50-xencloned stop
ok "  it destroyed the stock Xen handed back" wait_for 30 sh -c "for d in $ours; do ! xl list \$d >/dev/null 2>&1 || exit 1; done"

# Back to the default service, without chaosd: a fork works as ever.
ok "xencloned restarts with its default configuration" \
    xencloned --pidfile /var/run/xencloned.pid
ok "  it is registered" wait_for 10 sh -c 'xencloned --status | grep -q "\"registered\":true"'
# (Its ring page is in the baseline: compared with a service registered.)
free_is_back "Xen's free memory exactly as before (children, shells, stock gone)" "$base"
fork_guest fc
ok "without chaosd a guest's fork works (Xen makes the child)" wait_console 60 fc '^parent ok'
destroy_gone fc
free_is_back "  Xen's free memory exact again" "$base"
done_testing
