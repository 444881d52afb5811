#!/bin/sh
# visit.t: xenstored serves each domain among many without visiting them
# all per request (patches 0006 to 0008): a request written on a domain's
# ring without an event is answered; one write reaches the watch of every
# domain; lookups by domid stay right while domains are destroyed and made;
# watches on a node and its ancestors fire in order, removed ones no more.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/xsclone-lib.sh

N=16
XS_IS_DOMAIN_INTRODUCED=17
plan 19
pid=$(pidof xenstored)
raw() { $XSC_RAW "$@" 2>&1; }
uptime_cs() { tr -d . </proc/uptime | cut -d' ' -f1; }

# "domid:index" pairs of the stub domains made so far.
made=""
make_stubs() { # FIRST LAST
    for i in $(seq "$1" "$2"); do
        d=$(stub_domain "visit$i") || bail_out "cannot create domain visit$i"
        made="$made $d:$i"
    done
}
make_stubs 1 "$N"

# 1. Requests on the rings. Only the domain can send on its port, so none
# of these comes with an event: xenstored finds each on its visit of every
# connection, at least once a second.
served=0 t0=$(uptime_cs)
for p in $made; do
    d=${p%:*} i=${p#*:}
    out=$(raw -d "$d" read "/local/domain/$d/name")
    [ "$out" = "visit$i" ] && served=$((served + 1)) || diag "domain $d: $out"
done
is "$served" "$N" "a read written on each of $N domains' rings without an event is answered"
diag "$N answers in $(( ($(uptime_cs) - t0) * 10 )) ms"

# 2. One write, a watch event queued for every domain's connection.
xenstore-write /tool/visit/w 0 && xenstore-chmod /tool/visit r0 &&
    xenstore-chmod /tool/visit/w r0
acks=0 first=0
for p in $made; do
    d=${p%:*}
    [ "$(raw -d "$d" watch /tool/visit/w "tok$d")" = OK ] && acks=$((acks + 1))
    # xenstored fires a new watch once at once.
    [ "$(raw -d "$d" --recv | tr '\n' ' ')" = "/tool/visit/w tok$d " ] &&
        first=$((first + 1))
done
is "$acks" "$N" "every domain's XS_WATCH is acknowledged"
is "$first" "$N" "every domain gets its watch's first event"
for round in 1 2; do
    xenstore-write /tool/visit/w "$round"
    got=0
    for p in $made; do
        d=${p%:*}
        out=$(raw -d "$d" --recv | tr '\n' ' ')
        [ "$out" = "/tool/visit/w tok$d " ] && got=$((got + 1)) ||
            diag "domain $d: $out"
    done
    is "$got" "$N" "write $round: the event reaches all $N watching domains"
done

# 3. Lookups by domid while domains come and go: destroy every other one,
# make 8 more.
gone="" kept=""
n=0
for p in $made; do
    n=$((n + 1))
    if [ $((n % 2)) = 0 ]; then
        xl destroy "${p%:*}" && gone="$gone ${p%:*}"
    else
        kept="$kept $p"
    fi
done
made=$kept
make_stubs $((N + 1)) $((N + 8))
sleep 2

introduced() { raw "$XS_IS_DOMAIN_INTRODUCED" "$1"; }
bad=0
for d in $gone; do [ "$(introduced "$d")" = F ] || bad=$((bad + 1)); done
is "$bad" 0 "the $((N / 2)) destroyed domains are no longer introduced"
bad=0
for p in $made; do [ "$(introduced "${p%:*}")" = T ] || bad=$((bad + 1)); done
is "$bad" 0 "the $((N / 2)) kept and 8 new domains are introduced"

bad=0
for p in $made; do
    d=${p%:*}
    xenstore-control quota "$d" 2>/dev/null | grep -q "^Domain $d:" ||
        bad=$((bad + 1))
done
is "$bad" 0 "xenstored's quota report finds each live domain by its domid"
bad=0
for d in $gone; do
    xenstore-control quota "$d" >/dev/null 2>&1 && bad=$((bad + 1))
done
is "$bad" 0 "and finds no destroyed one"

served=0
for p in $made; do
    d=${p%:*} i=${p#*:}
    [ "$(raw -d "$d" read "/local/domain/$d/name")" = "visit$i" ] &&
        served=$((served + 1))
done
is "$served" $((N / 2 + 8)) "after the churn, a ring request is answered on every live domain"

# The kept domains still hold their watch; the new ones have none.
xenstore-write /tool/visit/w 3
got=0
for p in $kept; do
    d=${p%:*}
    [ "$(raw -d "$d" --recv | tr '\n' ' ')" = "/tool/visit/w tok$d " ] &&
        got=$((got + 1))
done
is "$got" $((N / 2)) "after the churn, the event reaches the kept watchers"

# 4. One domain with three watches: its own on the node, one on an
# ancestor, a second token on the node. Each write gives it its events in
# the order it set the watches; an ancestor's watch fires for any node
# below; a watch removed fires no more.
set -- $kept
A=${1%:*}
recv() { raw -d "$A" --recv | tr '\n' ' '; }
is "$(raw -d "$A" watch /tool/visit anc)/$(recv)" "OK//tool/visit anc " \
    "domain $A: a watch on the ancestor, and its first event"
is "$(raw -d "$A" watch /tool/visit/w tok2)/$(recv)" "OK//tool/visit/w tok2 " \
    "domain $A: a second token on the node, and its first event"
xenstore-write /tool/visit/w 9
is "$(recv)|$(recv)|$(recv)" \
    "/tool/visit/w tok$A |/tool/visit/w anc |/tool/visit/w tok2 " \
    "one write: three events, in the order the watches were set"
is "$(raw -d "$A" 5 /tool/visit/w tok2)" OK "domain $A removes the second token"
xenstore-write /tool/visit/w 10
xenstore-write /tool/visit/z 1
is "$(recv)|$(recv)|$(recv)" \
    "/tool/visit/w tok$A |/tool/visit/w anc |/tool/visit/z anc " \
    "then: no event for the removed watch; the ancestor's fires for a new node"

for p in $made; do xl destroy "${p%:*}"; done
for t in $(seq 30); do [ "$(nr_domains)" = 1 ] && break; sleep 1; done
is "$(nr_domains)" 1 "every stub domain is gone (Dom0 alone)"
is "$(pidof xenstored)" "$pid" "xenstored is the same process throughout"
is "$(xenstore-read /tool/visit/w)" 10 "xenstored still serves Dom0"
