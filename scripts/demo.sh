#!/bin/sh
# demo.sh: the system at work, shown step by step (runs in Dom0 via run-in-dom0).
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh

step() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
die() { echo "demo: error: $*" >&2; exit 1; }

GUESTS=/usr/lib/minios-guest

step "The patched hypervisor"
run xl info | grep -E '^(xen_version|xen_extra|free_memory|total_memory|nr_cpus)'
run xl list

[ -x "$GUESTS/hello" ] || [ -f "$GUESTS/hello" ] ||
    die "no guest image at $GUESTS/hello (the minios-guest component did not build)"

step "Create a minios-guest 'hello' unikernel (4 MB) and read its console"
before=$(free_pages)
run xl create /etc/xen/examples/hello.cfg 'name="demo-hello"' ||
    die "xl create failed"
ok=1; wait_console 30 demo-hello 'exit [0-9]+' || ok=0
run cat "$CONSOLE_DIR/guest-demo-hello.log"
[ $ok = 1 ] || die "the hello guest did not finish within 30 s"
wait_gone 30 demo-hello || run xl destroy demo-hello
after=$(free_pages)
echo "Xen free pages before: $before, after the guest is gone: $after"

step "A long-running guest: 'counter'"
run xl create /etc/xen/examples/counter.cfg 'name="demo-counter"' ||
    die "xl create failed"
wait_console 30 demo-counter 'counter [0-9]+: 2' || true
run xl list
run tail -n 3 "$CONSOLE_DIR/guest-demo-counter.log"

step "Clone it: xl clone -n 2 demo-counter (copy-on-write memory)"
free0=$(free_pages)
printf '$ xl clone -n 2 demo-counter\n'
kids=$(xl clone -n 2 demo-counter) || die "xl clone failed (see above)"
echo "$kids"
free1=$(free_pages)
echo "Xen free pages: $free0 before the clone, $free1 after:" \
    "$(( (free0 - free1) * 4 )) KiB for two children of a 16 MB guest"
sleep 3
run xl list
for k in $kids; do
    name=$(xl list "$k" | awk 'NR == 2 {print $1}')
    echo "--- console of $name (domid $k): it counts on from its parent's state"
    tail -n 3 "$CONSOLE_DIR/guest-$name.log"
    grep -q "^counter $k: " "$CONSOLE_DIR/guest-$name.log" ||
        die "the clone $k does not count under its own domid"
done
echo "--- console of demo-counter (the parent)"
tail -n 3 "$CONSOLE_DIR/guest-demo-counter.log"
for k in $kids; do run xl destroy "$k"; done

if [ -f "$GUESTS/forktest" ]; then
    step "A guest that forks itself: forktest children=4 mb=16"
    run xl create /etc/xen/examples/forktest.cfg 'name="demo-fork"' \
        'cmdline="children=4 mb=16"'
    wait_console 120 demo-fork '^exit [0-9]+' ||
        echo "demo: forktest did not finish within 120 s"
    run cat "$CONSOLE_DIR/guest-demo-fork.log"
    for d in $(sed -n 's/^forktest: child [0-9]* is domid //p' \
            "$CONSOLE_DIR/guest-demo-fork.log"); do
        echo "--- console of the child demo-fork-clone-$d"
        cat "$CONSOLE_DIR/guest-demo-fork-clone-$d.log" 2>/dev/null
    done
    grep -q '^parent ok$' "$CONSOLE_DIR/guest-demo-fork.log" ||
        die "the forking guest did not end with 'parent ok'"
fi

step "Clean up"
run xl destroy demo-counter
for d in $(xl list | awk 'NR > 2 {print $1}'); do xl destroy "$d" 2>/dev/null; done
sleep 1
run xl list
echo "Xen free pages now: $(free_pages)"
echo
echo "demo: done"
