#!/bin/sh
# clone-shells.t: Dom0 clones a running counter guest into shells it made
# ahead (XEN_CLONE_FLAG_SHELLS): empty, paused domains of the parent's
# shape become the children, keep their domids, are completed by xencloned
# and count on from the parent's count. Shells that are not empty, not
# paused, named twice or already used are refused with EINVAL and left as
# they were. Xen's free memory comes back exactly once all are gone.
# run-in-dom0: timeout=400
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
T=/usr/lib/xen-clone/bin/xen-clone-test

# running NAME: the counter guest NAME counts (a new line within 30 s).
running() {
    _n=$(grep -c '^counter' "$CONSOLE_DIR/guest-$1.log" 2>/dev/null)
    wait_for 30 sh -c "[ \$(grep -c '^counter' $CONSOLE_DIR/guest-$1.log) -gt ${_n:-0} ]"
}
# exists DOMID: Xen knows the domain.
exists() { xl list "$1" >/dev/null 2>&1; }
# paused DOMID: xl list shows it paused.
paused() { xl list "$1" 2>/dev/null | awk 'NR == 2 {print $5}' | grep -q p; }

plan 18
ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
before=$(free_pages)
ok "a counter guest runs" sh -c ". /usr/lib/xen-clone/tap.sh
    . /usr/lib/xen-clone/minios-guest.sh
    guest_create sp counter memory=16 >/dev/null 2>&1 &&
    wait_console 120 sp 'counter [0-9]+: 0\$'"
p=$(domid_of sp)
ok "its clone policy is on" $T policy "$p" 1 4

s1=$($T shell "$p") && s2=$($T shell "$p")
ok "two shells made ahead ($s1, $s2)" test -n "$s1" -a -n "$s2"
ok "  paused" sh -c "xl list $s1 | awk 'NR == 2 {print \$5}' | grep -q p"
is "$(xl list "$s1" | awk 'NR == 2 {print $3}')" "0" "  with 0 MB"

out=$($T clone-shells "$p" "$s1" "$s1" 2>&1)
like "$out" 'Invalid argument' "the same shell twice: EINVAL"
sp=$($T shell "$p" populated)
out=$($T clone-shells "$p" "$sp" 2>&1)
like "$out" 'Invalid argument' "a shell with a page: EINVAL"
ok "  it is left as it was (paused)" paused "$sp"
xl unpause "$s2"
out=$($T clone-shells "$p" "$s2" 2>&1)
like "$out" 'Invalid argument' "a running shell: EINVAL"
xl pause "$s2"
out=$($T clone-shells "$p" "$p" 2>&1)
like "$out" 'Invalid argument' "the parent as a shell: EINVAL"

kids=$($T clone-shells "$p" "$s1" "$s2" 2>&1)
is "$(echo $kids)" "$s1 $s2" "clone into both shells: they are the children"
ok "  the parent counts on" running sp
c1=$(xl list "$s1" | awk 'NR == 2 {print $1}')
ok "  shell $s1 is a completed clone that counts ($c1)" running "$c1"
c2=$(xl list "$s2" | awk 'NR == 2 {print $1}')
ok "  shell $s2 too ($c2)" running "$c2"
out=$($T clone-shells "$p" "$s1" 2>&1)
like "$out" 'Invalid argument' "a shell that is a clone now: EINVAL"

for d in "$s1" "$s2" "$sp"; do xl destroy "$d" >/dev/null 2>&1; done
destroy_wait sp
ok "all gone" wait_for 30 sh -c "[ \$(xl list | wc -l) -le 2 ]"
ok "Xen's free memory is back to the page ($before)" wait_free_pages 30 "$before"
done_testing
