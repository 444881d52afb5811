#!/bin/sh
# clone-enomem.t: clones that run out of memory half way through N
# children, and clones of a dying domain. Xen's free memory is brought
# down to a few hundred pages; then a guest is cloned into 64 children
# again and again, each time with less memory left (a successful one-child
# clone between attempts eats some), so the clone fails at a different
# child each time, down to the first child's domain creation. Every
# failed clone must give ENOMEM and leave no domain and no page behind.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
# Dom0 clones by hand here: no clone service (children stay pending).
stop_xencloned

T=/usr/lib/xen-clone/bin/xen-clone-test
[ -f "$IMAGES/counter" ] || bail_out "no counter image in $IMAGES"

# The dying domain first (plenty of memory): Dom0 holds one of its pages.
guest_create dying counter memory=16 >/dev/null 2>&1
ok "a guest to kill runs" wait_console 60 dying 'counter [0-9]+: 1$'
d=$(domid_of dying)
$T policy "$d" 1 8
# (A PV guest's page is mapped by MFN: its console ring's.)
$T dying "$d" "$(xenstore-read /local/domain/$d/console/ring-ref)" \
    >/tmp/dying.tap 2>&1
st=$?
note_file /tmp/dying.tap
is "$st" 0 "a dying domain cannot be cloned (ESRCH), and goes away afterwards"
xl destroy dying >/dev/null 2>&1
wait_for 30 sh -c "! xl list dying >/dev/null 2>&1"
is "$(nr_domains)" 1 "no domain left behind"

guest_create parent counter memory=16 >/dev/null 2>&1
ok "the parent: a 16 MB counter guest runs" wait_console 60 parent \
    'counter [0-9]+: 1$'
p=$(domid_of parent)
$T policy "$p" 1 1000
# Warm-up: a first clone sizes Xen's vmap area and allocator pools.
for k in $($T clone "$p" 2); do xl destroy "$k"; done
# Nothing may run and copy-on-write while memory is counted.
xl pause parent

# A paused hog takes all but about 4 MB of Xen's free memory.
free=$(free_pages)
hog=$(( free / 256 - 4 ))
ok "a paused ${hog} MB hog takes Xen's free memory" xl create -p \
    "$EXAMPLES/counter.cfg" 'name="hog"' memory="$hog"
diag "free pages: $free before the hog, $(free_pages) after"
cmp_ok "$(free_pages)" -lt 1536 "fewer than 1536 pages are left"

attempt=0 enomem=0 exact=0 steps=0 last=
while [ $attempt -lt 40 ]; do
    attempt=$((attempt + 1))
    before=$(free_pages) nd=$(nr_domains)
    out=$($T clone "$p" 64 2>&1)
    st=$?
    if [ $st = 0 ]; then
        fail "attempt $attempt: 64 children in $before free pages cannot fit" \
            "it made them: $out"
        for k in $out; do xl destroy "$k"; done
        break
    fi
    case $out in *'Cannot allocate memory'*) enomem=$((enomem + 1)) ;;
    *) diag "attempt $attempt: failed otherwise: $out" ;; esac
    if wait_free_pages 30 "$before" && [ "$(nr_domains)" = "$nd" ]; then
        exact=$((exact + 1))
    else
        diag "attempt $attempt: free pages $before before, $(free_pages)" \
            "after; domains $nd before, $(nr_domains) after"
    fi
    # Eat some memory for the next attempt: one child that stays.
    last=$($T clone "$p" 1 2>&1) || break
    steps=$((steps + 1))
done
diag "$attempt clones of 64 children failed, with $steps one-child clones" \
    "between them; the last one-child clone: $last"
cmp_ok "$attempt" -ge 3 "at least three failures, at different children"
is "$enomem" "$attempt" "every failed clone said ENOMEM"
is "$exact" "$attempt" "every failed clone left no domain and no page"
like "$last" 'Cannot allocate memory' \
    "at the end even one child does not fit: ENOMEM"
cmp_ok "$(nr_domains)" -eq $((steps + 3)) \
    "the domains: Dom0, parent, hog, and the $steps children that fit"

# Xen still works: memory back, and the parent clones and runs again.
h=$(domid_of hog)
for k in $(xl list | awk -v p="$p" -v h="$h" \
        'NR > 1 && $2 != 0 && $2 != p && $2 != h {print $2}'); do
    xl destroy "$k" >/dev/null 2>&1
done
xl destroy hog
wait_for 60 sh -c "[ \$(xl list 2>/dev/null | tail -n +2 | wc -l) = 2 ]"
is "$(nr_domains)" 2 "the children and the hog are gone"
xl unpause parent
kid=$($T clone "$p" 1 2>&1)
like "$kid" '^[0-9]+$' "with memory back, the parent clones again: $kid"
ok "  the child completes and runs" sh -c \
    "$T complete $kid 0 && xl unpause $kid"
k=$(grep -c '^counter' "$CONSOLE_DIR/guest-parent.log")
ok "  the parent counts on" wait_for 20 sh -c \
    "[ \$(grep -c '^counter' $CONSOLE_DIR/guest-parent.log) -gt $k ]"
like "$(xl info 2>&1 | awk -F': ' '/^xen_extra/ {print $2}')" '^\.5-clone$' \
    "Xen is still up"
done_testing
