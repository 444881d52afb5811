#!/bin/sh
# xl-clone-counter.t: 'xl clone' of a running counter guest: parent and
# child both keep counting, each with its own domid, on their own consoles;
# xl list names the child; -n 2 -p leaves two paused children; destroying
# the parent first leaves the children running; all can be destroyed;
# xenstored found no inconsistency in the clones' XenStore transactions.
# run-in-dom0: timeout=400
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xencloned.sh

[ -f "$COUNTER_IMAGE" ] || { echo "Bail out! no counter image ($COUNTER_IMAGE): minios-guest is not installed"; exit 1; }
plan 29

ok "xl create counter (16 MB)" counter_create counter
p=$(domid_of counter)
ok "counter counts (domid $p)" wait_for 60 count_reaches counter "$p" 2
ok "xencloned gave it the default policy" wait_for 10 grep -q \
    "domain $p (counter): cloning enabled, max_clones 64" /var/log/xen/xencloned.log

# The parent's count before the clone: the parent runs on while xencloned
# completes the child, so a count read after xl clone returns may be newer
# than the child's first line.
k_clone=$(last_count counter "$p")
out=$(xl clone counter 2>&1); st=$?
is "$st" 0 "xl clone counter exits 0"
like "$out" '^[0-9]+$' "  and prints one domid"
c=$(echo "$out" | head -n 1)
cmp_ok "$c" -ne "$p" "  a new one ($c)"
is "$(xl list "$c" 2>/dev/null | awk 'NR == 2 {print $1}')" "counter-clone-$c" \
    "xl list shows the child as counter-clone-$c"
is "$(xenstore-read /local/domain/$c/domid 2>&1)" "$c" \
    "its XenStore domid is its own"
perms=$(xenstore-ls -p /local/domain/$c 2>&1)
cmp_ok "$(echo "$perms" | grep -cE "[(,][nrwb]$c[,)]")" -gt 0 \
    "  its nodes' permissions name the child"
is "$(echo "$perms" | grep -cE "[(,][nrwb]$p[,)]")" 0 "  and never the parent"
ok "xencloned completed it" wait_for 10 grep -q \
    "child $c (counter-clone-$c) of $p complete, running" /var/log/xen/xencloned.log
ok "the child's console log exists" wait_for 30 test -f \
    "$CONSOLE_DIR/guest-counter-clone-$c.log"
ok "the child counts with its own domid" wait_for 60 \
    count_reaches "counter-clone-$c" "$c" 0
k_child=$(grep -E -m1 "^counter $c: [0-9]+" "$CONSOLE_DIR/guest-counter-clone-$c.log" |
    sed 's/.*: //')
cmp_ok "${k_child:--1}" -ge "$k_clone" \
    "  from where the parent was ($k_child >= $k_clone): it is a clone"
k=$(last_count "counter-clone-$c" "$c")
ok "  and keeps counting" wait_for 30 count_reaches "counter-clone-$c" "$c" $((k + 2))
k=$(last_count counter "$p")
ok "the parent keeps counting too" wait_for 30 count_reaches counter "$p" $((k + 2))
ok "  with its own domid only" sh -c "! grep -q '^counter $c:' $CONSOLE_DIR/guest-counter.log"
ok "xenconsoled gave the child a tty" wait_for 10 xenstore-read \
    "/local/domain/$c/console/tty"

out=$(xl clone -n 2 -p counter 2>&1); st=$?
is "$st" 0 "xl clone -n 2 -p counter exits 0"
is "$(echo "$out" | grep -cE '^[0-9]+$')" 2 "  and prints two domids"
c1=$(echo "$out" | sed -n 1p) c2=$(echo "$out" | sed -n 2p)
ok "  both paused once complete" wait_for 10 sh -c \
    ". /usr/lib/xen-clone/tap.sh; domain_state $c1 | grep -q p && domain_state $c2 | grep -q p"
ok "xl unpause starts them" sh -c "xl unpause $c1 && xl unpause $c2"
ok "  and they count" wait_for 60 sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/xencloned.sh;
     count_reaches counter-clone-$c1 $c1 0 && count_reaches counter-clone-$c2 $c2 0"

ok "xl destroy the parent first" destroy_gone counter
ok "  the children still count" wait_for 30 count_reaches \
    "counter-clone-$c" "$c" $(( $(last_count "counter-clone-$c" "$c") + 2 ))
ok "xl destroy the children" sh -c ". /usr/lib/xen-clone/tap.sh;
    . /usr/lib/xen-clone/xencloned.sh;
    destroy_gone $c && destroy_gone $c1 && destroy_gone $c2"
ok "their XenStore entries are gone" sh -c "! xenstore-exists /local/domain/$c"
# Each clone's copy removes, in its transaction, nodes the copy made in it
# (backend, console/tty...): xenstored once took that for a corruption and
# checked its whole store, on every clone.
logger -p daemon.info "xl-clone-counter.t: end"
ok "Dom0's syslog records (xenstored's only log of errors)" wait_for 10 \
    grep -q 'xl-clone-counter.t: end' /var/log/messages
is "$(grep -c 'xenstored: corruption detected' /var/log/messages)" 0 \
    "xenstored reported no corruption"
show_console "counter-clone-$c"
done_testing
