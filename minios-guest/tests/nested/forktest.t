#!/bin/sh
# forktest.t: guests fork() for real: children check the parent's memory,
# overwrite it (copy-on-write), exit with their number; the parent collects
# every status and finds its own memory intact. Also: fork() fails cleanly
# beyond max_clones and without a clone service.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

[ -f "$IMAGES/forktest" ] || bail_out "no forktest image in $IMAGES"
plan 34
LOG=/var/log/xen/xencloned.log

# forktest NAME CHILDREN MB MEMORY [MODE]: run one forktest guest to its
# end; check the parent's and every child's console and the end states.
forktest() {
    _n=$1 _kids=$2 _mb=$3 _mem=$4 _mode=${5:-clone}
    ok "$_n: forktest children=$_kids mb=$_mb ($_mem MB guest, $_mode)" \
        guest_create "$_n" forktest memory="$_mem" \
        "cmdline=\"children=$_kids mb=$_mb mode=$_mode\""
    ok "$_n: the parent collects every child and says 'parent ok'" \
        wait_console 600 "$_n" '^parent ok$'
    _good=0
    for _k in $(seq "$_kids"); do
        _d=$(console_line "$_n" "^forktest: child $_k is domid " | sed 's/.* //')
        console_has "$_n-clone-$_d" "^child $_k domid $_d ok$" &&
            console_has "$_n" "^forktest: child $_k \\(domid $_d\\) exited $_k$" &&
            _good=$((_good + 1))
    done
    is "$_good" "$_kids" "$_n: each child checked, rewrote and exited with its number"
    ok "$_n: the parent exits 0 and powers off" sh -c ". /usr/lib/xen-clone/tap.sh
        . /usr/lib/xen-clone/minios-guest.sh
        wait_console 30 $_n '^exit 0\$' && wait_state 30 $_n s"
    ok "$_n: xencloned destroyed the ended children" wait_for 30 sh -c \
        "[ \$(grep -c 'child [0-9]* ($_n-clone-[0-9]*) shut down (poweroff): destroyed' $LOG) = $_kids ]"
    destroy_wait "$_n"
}

# Xen's tables for Dom0 first (see warm_xen_tables); then all of it must
# give back exactly what it took.
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
before=$(free_pages)
forktest fork1 1 1 16
show_console fork1
forktest fork4 4 64 96
forktest fork2 2 256 320
forktest forkf 3 4 16 fork
show_console forkf-clone-$(console_line forkf '^forktest: child 1 is domid ' | sed 's/.* //')
free_is_back "Xen's free memory is back exactly after all of them" "$before"
is "$(xl list | tail -n +2 | wc -l)" 1 "no domain left behind"

# forkbench (the benchmark app): three fork()+exit+wait rounds, timed.
guest_create fb forkbench memory=16 'cmdline="runs=3 mb=2"' >/dev/null 2>&1
ok "forkbench: three timed fork+exit+wait runs, then done" wait_console 120 fb \
    '^forkbench: done$'
is "$(grep -c '^forkbench: run [1-3] fork_us [0-9]* fork_exit_wait_us [0-9]*$' \
    "$CONSOLE_DIR/guest-fb.log")" 3 "  each run reports its times"
ok "  exit 0, powered off" sh -c ". /usr/lib/xen-clone/tap.sh
    . /usr/lib/xen-clone/minios-guest.sh
    wait_console 30 fb '^exit 0\$' && wait_state 30 fb s"
destroy_wait fb

# Beyond max_clones: fork fails with E2BIG, no child is made.
printf '[policy:forklim]\nmax_clones=2\n' >/tmp/lim.conf
ok "xencloned restarted: 'forklim' may have 2 children" sh -c \
    ". /usr/lib/xen-clone/xencloned.sh; restart_xencloned --config /tmp/lim.conf"
guest_create forklim forktest memory=16 'cmdline="children=3"' >/dev/null 2>&1
ok "forklim: clone(3) beyond max_clones 2 fails" wait_console 60 forklim \
    '^forktest: clone\(3\) failed: .*(too long|E2BIG)'
ok "  the guest exits 1 (crashed)" wait_state 30 forklim c
is "$(xl list | grep -c forklim-clone)" 0 "  and no child was made"
destroy_wait forklim

# No clone service: fork fails with ENXIO at once, never hangs.
# (Without xencloned nobody gives the guest a clone policy: create it
# paused and enable cloning by hand, so that only the service is missing.)
stop_xencloned
xl create -p "$EXAMPLES/forktest.cfg" 'name="nosvc"' memory=16 \
    'cmdline="children=1"' 'on_crash="preserve"' >/dev/null 2>&1
/usr/lib/xen-clone/bin/xen-clone-test policy "$(domid_of nosvc)" 1 4
xl unpause nosvc
ok "nosvc: without xencloned fork fails, naming ENXIO" wait_console 60 nosvc \
    '^forktest: clone\(1\) failed: .*(No such device or address|ENXIO)'
ok "  the guest exits 1 (crashed), it does not hang" wait_state 30 nosvc c
show_console nosvc
destroy_wait nosvc

# Bad arguments: a clear message and exit 2.
guest_create forkbad forktest memory=16 'cmdline="children=0"' >/dev/null 2>&1
ok "children=0 is refused by name" wait_console 60 forkbad \
    "^forktest: bad argument 'children=0'"
ok "  exit 2" wait_console 30 forkbad '^exit 2$'
destroy_wait forkbad
done_testing
