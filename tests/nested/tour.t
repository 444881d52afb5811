#!/bin/sh
# tour.t: the README's quick tour, command by command as written there:
# xl create counter.cfg, xl clone, xl list, xl console of the child (read
# without a terminal: xenconsole copies the guest's pty to stdout until
# it is stopped), xl clone -n 4 -p, xl destroy of the parent (the children
# live on), and xl create -c of forktest with its cmdline, then the
# child's console log.
# run-in-dom0: timeout=400
. /usr/lib/xen-clone/tap.sh

plan 25

# The counter's lines: "counter D: k".
last_k() { # NAME DOMID
    grep -E "^counter $2: [0-9]+" "$CONSOLE_DIR/guest-$1.log" 2>/dev/null |
        tail -n 1 | sed 's/.*: //'
}
counts() { _k=$(last_k "$1" "$2"); [ -n "$_k" ] && [ "$_k" -ge "$3" ]; }

ok "/var/lock exists (xenconsole's lock files)" test -d /var/lock

# xl create /etc/xen/examples/counter.cfg   # prints "counter 1: k" each second
out=$(xl create /etc/xen/examples/counter.cfg 2>&1); st=$?
is "$st" 0 "xl create /etc/xen/examples/counter.cfg exits 0"
p=$(domid_of counter)
like "$p" '^[0-9]+$' "  counter is domid $p"
ok "  it prints 'counter $p: k' each second" wait_for 60 counts counter "$p" 2

# xl clone counter                          # -> 2
out=$(xl clone counter 2>&1); st=$?
is "$st" 0 "xl clone counter exits 0"
like "$out" '^[0-9]+$' "  and prints the child's domid ($out)"
c=$(echo "$out" | head -n 1)

# xl list                                   # counter, counter-clone-2
list=$(xl list 2>&1)
like "$list" "^counter +$p " "xl list shows counter ($p)"
like "$list" "^counter-clone-$c +$c " "xl list shows counter-clone-$c"

# xl console counter-clone-2                # "counter 2: k", from where it was
ok "  the child's console is up" wait_for 30 xenstore-read \
    "/local/domain/$c/console/tty"
timeout 6 xl console "counter-clone-$c" </dev/null >/tmp/tour-console.out 2>&1
cons=$(cat /tmp/tour-console.out)
if ! echo "$cons" | grep -q "^counter $c: "; then
    # The pty holds only what came after xenconsoled opened it: try longer.
    timeout 10 xl console "counter-clone-$c" </dev/null >/tmp/tour-console.out 2>&1
    cons=$(cat /tmp/tour-console.out)
fi
unlike_err=$(echo "$cons" | grep -c "Could not open /var/lock")
is "$unlike_err" 0 "xl console counter-clone-$c: no /var/lock error"
like "$cons" "^counter $c: [0-9]+" "  shows 'counter $c: k' (the child, with its own domid)"
first=$(echo "$cons" | grep -E -m1 "^counter $c: [0-9]+" | sed 's/.*: //')
cmp_ok "${first:--1}" -ge 1 "  counting from where the parent was (k=$first), not from 0"
ok "  no other domain's lines" sh -c \
    "! grep -E '^counter [0-9]+:' /tmp/tour-console.out | grep -qv '^counter $c:'"
ok "  and leaves no lock file behind" sh -c "! ls /var/lock/xenconsole.* 2>/dev/null | grep -q ."

# xl clone -n 4 -p counter                  # four children, left paused
out=$(xl clone -n 4 -p counter 2>&1); st=$?
is "$st" 0 "xl clone -n 4 -p counter exits 0"
is "$(echo "$out" | grep -cE '^[0-9]+$')" 4 "  and prints four domids"
kids=$(echo "$out" | grep -E '^[0-9]+$' | tr '\n' ' ')
all_paused() {
    for k in $kids; do domain_state "$k" | grep -q p || return 1; done
}
ok "  all four left paused ($kids)" wait_for 20 all_paused

# xl destroy counter                        # the children live on
ok "xl destroy counter" xl destroy counter
ok "  the parent is gone" wait_gone 30 counter
alive=0
for k in $c $kids; do domain_exists "$k" && alive=$((alive + 1)); done
is "$alive" 5 "  the five children live on"
k=$(last_k "counter-clone-$c" "$c")
ok "  the running child keeps counting" wait_for 30 counts "counter-clone-$c" "$c" $((${k:-0} + 2))
for k in $c $kids; do destroy_wait "$k"; done

# xl create -c /etc/xen/examples/forktest.cfg 'cmdline="children=4 mb=16"'
timeout 240 xl create -c /etc/xen/examples/forktest.cfg \
    'cmdline="children=4 mb=16"' </dev/null >/tmp/tour-fork.out 2>&1
fork=$(cat /tmp/tour-fork.out)
like "$fork" "forktest: parent domid [0-9]+ filled 16 MB, forking 4 children" \
    "xl create -c forktest: the parent's lines on the terminal"
like "$fork" "^parent ok" "  down to 'parent ok'"
c1=$(echo "$fork" | sed -n 's/.*forktest: child 1 is domid \([0-9]*\).*/\1/p' | head -n 1)
like "$c1" '^[0-9]+$' "  child 1 is domid $c1"
# cat /var/log/xen/console/guest-forktest-clone-6.log   # child 1 domid 6 ok
ok "cat guest-forktest-clone-$c1.log: 'child 1 domid $c1 ok'" grep -q \
    "child 1 domid $c1 ok" "$CONSOLE_DIR/guest-forktest-clone-$c1.log"
if [ $_tap_failed != 0 ]; then
    diag "xl console output:"; note_file /tmp/tour-console.out
    diag "xl create -c forktest output:"; note_file /tmp/tour-fork.out
fi
done_testing
