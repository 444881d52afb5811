#!/bin/sh
# pool.t: chaosd's pools end to end: filled to target in the background;
# `chaos create` of counter and hello takes a ready shell (the guest's domid
# is a shell's; chaosd logs the finish's phases), console seen, the pool refilled, destroyed; with the pools
# emptied, Xen's free memory is exactly what it was before chaosd; an empty pool falls back to a direct create and says
# so; a ready shell someone else destroys is counted lost and made
# again; a name in use is refused without consuming a shell, and two
# concurrent creates of one name end with one success; names xl takes
# (create, rename) or frees (destroy) are seen at once; bad configs leave
# the pools and Xen untouched; SIGTERM destroys every
# shell and gives back every page.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/chaos.sh

EX=/etc/xen/examples
plan 78

chaosd_conf 20 4 <<CONF
[flavour:small]
memory=4
vcpus=1
shells=2
[flavour:medium]
memory=32
shells=1
CONF

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
base=$(free_pages)
doms=$(nr_domains)

start_chaosd "chaosd starts (detached) and returns 0"
ok "  it is running" chaosd_running
ok "  its socket is there" test -S /var/run/chaosd.sock
full() { pool_is small 2 && pool_is medium 1; }
ok "pools fill to target in the background (small 2, medium 1)" wait_for 60 full
is "$(nr_shells)" 3 "  chaos list shows 3 shells"
is "$(nr_domains)" $((doms + 3)) "  Xen has 3 more domains"
s1=$(shells | head -1)
is "$(chaos list | awk -v d="$s1" '$2 == d {print $3}')" 4 \
    "  a small shell holds its 4 MB already (memory populated)"
like "$(xl list | awk -v d="$s1" '$2 == d {print $5}')" p "  and is paused"
is "$(xenstore-read /local/domain/$s1/chaos/state)" shell "  tagged shell in XenStore"
full_free=$(free_pages)

# counter from the pool.
before=$(shells | tr '\n' ' ')
out=$(chaos create $EX/counter.cfg name=p1 2>&1); st=$?
is "$st" 0 "chaos create counter: exit 0"
like "$out" "created 'p1' \(domid [0-9]+\) from a ready 'small' shell" "  from a ready small shell"
id=$(domid_of p1)
like " $before" " $id " "  the guest's domid is one of the shells' ($before)"
like "$(grep -F "created p1 (domid" /var/log/xen/chaosd.log)" \
    "created p1 \(domid $id\) from pool small: check_us=[0-9]+ kernel_us=[0-9]+ build_us=[0-9]+ boot_us=[0-9]+ claim_us=[0-9]+ xenstore_us=[0-9]+ console_us=[0-9]+ vifs_us=[0-9]+ introduce_us=[0-9]+ unpause_us=[0-9]+ total_us=[1-9][0-9]*" \
    "  chaosd's log says where the finish spent its time"
ok "  its console shows the counter" wait_console 30 p1 "counter $id: [0-9]+"
ok "  the pool is refilled" wait_for 30 full
is "$(pool_col small 8)" 1 "  small: served 1"

# A name in use: refused by finish's one name check, and the shell it
# took goes back to the pool untouched (the same shells, none served).
sh_before=$(shells | sort | tr '\n' ' ')
nd=$(nr_domains)
out=$(chaos create $EX/counter.cfg name=p1 2>&1); st=$?
is "$st" 1 "chaos create of a name in use (p1): exit 1"
like "$out" "create 'p1' failed: checking the request: a domain named 'p1' exists already" \
    "  a clear error, at the check"
is "$(shells | sort | tr '\n' ' ')" "$sh_before" \
    "  the pool keeps the very same shells ($sh_before): none consumed"
is "$(ready small):$(pool_col small 8)" "2:1" "  small: still 2 ready, served still 1"
is "$(nr_domains)" "$nd" "  no domain made or destroyed"
like "$(grep -F 'create p1 refused' /var/log/xen/chaosd.log)" \
    "create p1 refused \(checking the request: a domain named 'p1' exists already\); shell [0-9]+ stays in pool small" \
    "  chaosd logs that the shell stays in its pool"
out=$(chaos create --direct $EX/counter.cfg name=p1 2>&1); st=$?
is "$st" 1 "chaos create --direct of p1: exit 1"
like "$out" "a domain named 'p1' exists already" "  the same clear error"
is "$(nr_domains)" "$nd" "  no domain made"
# Two creates of one new name at once: chaosd serves one request at a
# time, so one wins and the other is refused.
chaos create $EX/counter.cfg name=dup >/tmp/dup1.out 2>&1 &
p_a=$!
chaos create $EX/counter.cfg name=dup >/tmp/dup2.out 2>&1 &
p_b=$!
wait $p_a; st_a=$?
wait $p_b; st_b=$?
diag "concurrent creates of dup: exit $st_a: $(cat /tmp/dup1.out); exit $st_b: $(cat /tmp/dup2.out)"
is "$(printf '%s\n' $st_a $st_b | sort | tr '\n' ' ')" "0 1 " \
    "two concurrent creates of 'dup': one exits 0, the other 1"
is "$(cat /tmp/dup1.out /tmp/dup2.out | grep -c "a domain named 'dup' exists already")" 1 \
    "  the other says the name exists already"
is "$(xl list | awk '$1 == "dup"' | wc -l)" 1 "  Xen has one domain named dup"
ok "  chaos destroy dup" chaos destroy dup
ok "  the pool is refilled" wait_for 30 full
# chaosd's name index (a XenStore watch) follows what other toolstacks
# do: a name xl takes, by create or rename, is refused; one freed by a
# destroy is free again.
ok "xl create of a guest named xlmade" xl create -q $EX/counter.cfg 'name="xlmade"'
out=$(chaos create $EX/counter.cfg name=xlmade 2>&1); st=$?
is "$st" 1 "a name xl has just taken (xl create xlmade): chaos create refuses it"
like "$out" "a domain named 'xlmade' exists already" "  with the clear error"
ok "  xl rename xlmade xlnamed" xl rename xlmade xlnamed
out=$(chaos create $EX/counter.cfg name=xlnamed 2>&1); st=$?
is "$st" 1 "the name it was renamed to is refused too"
ok "  xl destroy xlnamed" xl destroy xlnamed
out=$(chaos create $EX/counter.cfg name=xlnamed 2>&1); st=$?
is "$st" 0 "once xl destroyed it, its name is free for chaos create"
is "$(xl list | awk '$1 == "xlnamed"' | wc -l)" 1 "  Xen has one domain named xlnamed"
ok "  chaos destroy xlnamed" chaos destroy xlnamed
ok "  the pool is refilled" wait_for 30 full
ok "chaos destroy p1" chaos destroy p1
ok "  the domain is gone" sh -c '! xl list p1'
diag "free pages with a full pool: $full_free before, $(free_pages) after (other shells alive; exact check below, with no shell)"

# hello from the pool.
out=$(chaos create $EX/hello.cfg 2>&1); st=$?
is "$st" 0 "chaos create hello: exit 0"
like "$out" "from a ready 'small' shell" "  from a ready small shell"
ok "  its console says hello" wait_console 30 hello "hello"
ok "  chaos destroy hello" chaos destroy hello
ok "  the pool is refilled" wait_for 30 full
diag "free pages with a full pool: $full_free before, $(free_pages) after"

# A ready shell destroyed by someone else (xc_domain_destroy() only):
# chaosd counts it lost, removes its XenStore home and record, makes
# another, and the next create from the pool gets a live shell.
small_shell() { chaos --json pool show | sed -n 's/.*"name":"small"[^]]*"shells":\[\([0-9]*\).*/\1/p'; }
s=$(small_shell)
ok "a small shell ($s) destroyed with xc_domain_destroy() only" /usr/lib/xen-clone/bin/xen-destroy "${s:-0}"
ok "  chaosd counts it lost and refills the pool" wait_for 30 sh -c \
    "chaos pool show | awk '\$1 == \"small\" && \$11 == 1 && \$5 == 2 {f = 1} END {exit !f}'"
ok "  its XenStore home and chaosd's record are gone" sh -c \
    "! xenstore-exists /local/domain/$s && [ ! -e /var/run/chaos/shell-$s ]"
like "$(grep "shell $s lost" /var/log/xen/chaosd.log 2>/dev/null | tail -n 1)" \
    "pool small: shell $s lost, checking the shell: domain $s is gone" "  chaosd logs why"
out=$(chaos create $EX/hello.cfg name=after-lost 2>&1); st=$?
is "$st" 0 "chaos create hello as after-lost: exit 0 ($out)"
like "$out" "from a ready 'small' shell" "  from a ready small shell"
ok "  its console says hello" wait_console 30 after-lost "hello"
ok "  chaos destroy after-lost" chaos destroy after-lost
ok "  the pool is refilled" wait_for 30 full

# An empty pool: the CLI falls back to a direct create and says so.
ok "chaos pool resize small 0" chaos pool resize small 0
ok "  the small pool empties" wait_for 30 pool_is small 0
out=$(chaos create $EX/counter.cfg name=e1 2>&1); st=$?
is "$st" 0 "create with an empty pool: exit 0"
like "$out" "pool 'small' has no ready shell.*creating 'e1' directly" "  says the pool is empty and it creates directly"
ok "  its console shows the counter" wait_console 30 e1 "counter [0-9]+: [0-9]+"
ok "  chaos destroy e1" chaos destroy e1
ok "chaos pool resize small 2: refilled" sh -c 'chaos pool resize small 2 && . /usr/lib/xen-clone/chaos.sh && . /usr/lib/xen-clone/tap.sh && wait_for 30 pool_is small 2'

# Bad configs: clear error, nothing created, no shell taken.
nd=$(nr_domains)
bad() { # NAME REGEX ARGS...
    _n=$1 _re=$2; shift 2
    _out=$(chaos create "$@" 2>&1); _st=$?
    if [ $_st = 1 ] && printf '%s\n' "$_out" | grep -Eq -- "$_re" &&
        [ "$(nr_domains)" = "$nd" ] && full; then
        pass "$_n"
    else
        fail "$_n" "exit $_st, domains $(nr_domains) (was $nd): $_out"
    fi
}
printf 'name="u"\nkernel="/usr/lib/minios-guest/hello"\non_crash="restart"\n' >/tmp/unk.cfg
bad "an unknown key: refused, nothing created" "key 'on_crash' is not supported" /tmp/unk.cfg
bad "memory larger than any shell: refused, nothing created" \
    "64 MB and 1 vCPU\(s\) fit no shell flavour \(largest: 32 MB\)" $EX/hello.cfg memory=64
bad "a missing kernel: refused, nothing created" "kernel /nope: No such file" $EX/hello.cfg kernel=/nope
out=$(chaos pool resize nosuch 3 2>&1); st=$?
is "$st:$(echo "$out" | grep -c "no flavour 'nosuch'")" "1:1" "resize of an unknown flavour: a clear error"

# Every guest destroyed and the pools emptied: Xen's free memory is exactly
# what it was before chaosd started (the guests and the shells gave back
# every page; chaosd keeps nothing in Xen).
ok "resize both pools to 0" sh -c 'chaos pool resize small 0 && chaos pool resize medium 0'
ok "  no shell is left" wait_for 30 sh -c '[ "$(chaos list | wc -l)" = 1 ]'
free_is_back "  Xen's free memory exactly as before chaosd" "$base"
ok "resize small back to 2" chaos pool resize small 2
ok "  it refills" wait_for 30 pool_is small 2
ok "SIGTERM: chaosd exits" stop_chaosd
is "$(nr_shells)" 0 "  and leaves no shell"
is "$(xs_orphans | tr '\n' ' ')" "" "  and no XenStore home without a domain"
ok "  its socket is gone" sh -c '! test -e /var/run/chaosd.sock'
free_is_back "  Xen's free memory exactly as before chaosd" "$base"
done_testing
