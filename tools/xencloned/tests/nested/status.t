#!/bin/sh
# status.t: 'xencloned --status' (the control socket's JSON) counts the
# children of three xl clones and gives every phase of each, non-negative;
# first_run is seen for the running ones and absent for a paused one; no
# daemon: a clear error, exit 1. (Bad requests: the host test-timings;
# Dom0's busybox nc has no Unix sockets.)
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xencloned.sh

[ -f "$COUNTER_IMAGE" ] || { echo "Bail out! no counter image ($COUNTER_IMAGE): minios-guest is not installed"; exit 1; }
plan 27

# jnum JSON KEY-REGEX: the number after the first "KEY": in JSON.
jnum() { printf '%s\n' "$1" | grep -oE "$2\":-?[0-9]+" | head -n 1 | sed 's/.*://'; }
# jobj JSON KEY: the flat object after "KEY": (no nested braces in it).
jobj() { printf '%s\n' "$1" | grep -oE "\"$2\":\{[^{}]*\}" | head -n 1; }
# jchild JSON DOMID: the children[] entry of DOMID.
jchild() { printf '%s\n' "$1" | grep -oE "\{\"child\":$2,[^]]*\}\}" | sed 's/}},{"child".*/}}/'; }

PHASES="wait xenstore_copy 9pfs introduce vifs complete unpause"

run xencloned --status
is "$st" 0 "xencloned --status exits 0"
like "$out" '^\{"ok":true,"pid":[0-9]+,"registered":true,' \
    "  one JSON object: ok, the daemon's pid, registered"
s0=$out
done0=$(jnum "$s0" '"counters":\{"completed')
fail0=$(jnum "$s0" '"failed')
like "$done0" '^[0-9]+$' "  counters.completed is a number ($done0)"

ok "xl create counter" counter_create counter
p=$(domid_of counter)
ok "counter counts (domid $p)" wait_for 60 count_reaches counter "$p" 1
run xl clone -n 2 counter
is "$st" 0 "xl clone -n 2 counter"
c1=$(echo "$out" | sed -n 1p); c2=$(echo "$out" | sed -n 2p)
run xl clone -p counter
is "$st" 0 "xl clone -p counter (left paused)"
c3=$(echo "$out" | sed -n 1p)
ok "the running children count" wait_for 60 sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/xencloned.sh;
     count_reaches counter-clone-$c1 $c1 0 && count_reaches counter-clone-$c2 $c2 0"

run xencloned --status
is "$st" 0 "--status after the clones"
s=$out
is "$(jnum "$s" '"counters":\{"completed')" "$((done0 + 3))" \
    "  completed grew by 3 ($done0 -> $((done0 + 3)))"
is "$(jnum "$s" '"failed')" "$fail0" "  failed did not grow"
bad=
for ph in $PHASES; do
    o=$(jobj "$s" "$ph")
    n=$(jnum "$o" '"count')
    # Every phase ran for every child (unpause: the paused one skipped it).
    want=$((done0 + 3)); [ "$ph" = unpause ] && want=$((done0 + 2))
    [ "${n:-x}" -ge "$want" ] 2>/dev/null || bad="$bad $ph(count $n < $want)"
    printf '%s' "$o" | grep -q '":-' && bad="$bad $ph(negative: $o)"
done
is "$bad" "" "phases $PHASES: counted for every child, none negative"
like "$(jobj "$s" total)" '"median_us":[0-9]+' "  a median total"
ok "  the child's whole path is at least its XenStore copy" test \
    "$(jnum "$(jchild "$s" "$c1")" '"total_us')" -ge \
    "$(jnum "$(jchild "$s" "$c1")" '"xenstore_copy')"

for c in $c1 $c2; do
    e=$(jchild "$s" "$c")
    like "$e" "^\{\"child\":$c,\"parent\":$p,\"ok\":true," \
        "child $c is listed: parent $p, ok"
    miss=
    for ph in $PHASES; do
        printf '%s' "$e" | grep -qE "\"$ph\":[0-9]+" || miss="$miss $ph"
    done
    is "$miss" "" "  with every phase, non-negative"
done
e=$(jchild "$s" "$c3")
ok "the paused child $c3 has no unpause phase" sh -c \
    "printf '%s' '$e' | grep -q '\"complete\":' && ! printf '%s' '$e' | grep -q '\"unpause\"'"

# first_run is polled after the unpause: it appears shortly after.
firstrun_of() { jnum "$(jchild "$(xencloned --status)" "$1")" '"first_run'; }
has_first_run() { [ -n "$(firstrun_of "$1")" ]; }
ok "child $c1's first_run is recorded" wait_for 10 has_first_run "$c1"
ok "child $c2's first_run is recorded" wait_for 10 has_first_run "$c2"
ok "  non-negative" test "$(firstrun_of "$c1")" -ge 0
is "$(jchild "$(xencloned --status)" "$c3" | grep -c first_run)" 0 \
    "  none for the paused child"

run xencloned --status --socket /tmp/no-such.sock
is "$st" 1 "--status with no daemon on the socket exits 1"
like "$out" "xencloned: error: xencloned is not running \(cannot connect to /tmp/no-such.sock" \
    "  and says so"
run xencloned --status --socket ''
is "$st" 2 "--socket '' exits 2"

for d in $c1 $c2 $c3 counter; do destroy_gone "$d"; done
ok "all destroyed" sh -c "! xl list | grep -q counter"
done_testing
