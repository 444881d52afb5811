#!/bin/sh
# clone-fmap.t: Dom0's foreign maps of a clone family's shared frames are
# checked against the page owner Dom0 names (privcmd's mmapbatch through
# libxenforeignmemory): a counter guest is cloned, Dom0 samples its
# machine frames from its P2M and maps each read-only naming the clone:
# the frames that map are the ones the family shares (the clone owns none
# of its parent's private frames). Naming the parent, they map too; naming
# a guest outside the family, or Dom0 itself, none of them maps.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

T=/usr/lib/xen-clone/bin/xen-clone-test
plan 9

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
before=$(free_pages)
guest_create fmv counter memory=16 >/dev/null 2>&1
ok "a 16 MB counter guest runs" wait_console 60 fmv 'counter [0-9]+: 1$'
guest_create fmo counter >/dev/null 2>&1
ok "an outsider (another counter guest) runs" \
    wait_console 60 fmo 'counter [0-9]+: 1$'
v=$(domid_of fmv)
o=$(domid_of fmo)
c=$(xl clone fmv 2>/dev/null)
ok "xl clone of the first: clone $c" test -n "$c"
# Every 16th machine frame of the parent's P2M.
mfns=$(xen-mfndump dump-p2m "$v" 2>/dev/null |
    sed -n 's/.*mfn=\(0x[0-9a-f]*\).*/\1/p' | awk 'NR % 16 == 0')
n=$(echo "$mfns" | grep -c .)
shared=$($T fmap "$c" $mfns)
ns=$(echo "$shared" | grep -c .)
diag "$n frames sampled, $ns of them map naming the clone"
cmp_ok "$ns" -gt "$((n / 2))" \
    "naming the clone (a member), most sampled frames (shared) map"
is "$($T fmap "$v" $shared | grep -c .)" "$ns" \
    "  naming the parent (a member), every one of them maps"
is "$($T fmap "$o" $shared | grep -c .)" 0 \
    "  naming the outsider, none of them maps"
is "$($T fmap 0 $shared | grep -c .)" 0 \
    "  naming Dom0 itself (outside the family), none of them maps"
xl destroy "$c" >/dev/null 2>&1
destroy_wait fmo
destroy_wait fmv
free_is_back "Xen's free memory is back exactly" "$before"
