#!/bin/sh
# direct.t: libchaos without chaosd: `chaos create --direct` of hello and
# counter (a shell prepared and finished at once), console seen, chaos list,
# chaos destroy with Xen's free memory exactly back; creates racing on one
# name (one wins, under xl's lock), a create waits for xl's lock; a vif through
# libxendev (bridged, connected, removed on destroy; a missing bridge fails
# cleanly); bad configs refused
# with a clear error and nothing created.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh

EX=/etc/xen/examples
plan 40

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
base=$(free_pages)
doms=$(nr_domains)

out=$(chaos create --direct $EX/counter.cfg name=c1 2>&1); st=$?
is "$st" 0 "chaos create --direct counter: exit 0"
like "$out" "created 'c1' \(domid [0-9]+\) directly" "  says it created directly"
id=$(domid_of c1)
like "$id" '^[0-9]+$' "  xl sees the domain c1"
ok "  its console shows the counter" wait_console 30 c1 "counter $id: [0-9]+"
like "$(chaos list)" "c1 +$id +[0-9]+ +1 +guest +direct" "  chaos list shows it as a guest"
is "$(xenstore-read /local/domain/$id/chaos/state)" guest "  tagged guest in XenStore"
ok "  xenstored knows it (introduced)" xenstore-read /local/domain/$id/store/ring-ref
out=$(chaos destroy c1 2>&1); st=$?
is "$st" 0 "chaos destroy c1: exit 0"
ok "  the domain is gone" sh -c "! xl list c1"
ok "  its XenStore home is gone" sh -c "! xenstore-read /local/domain/$id/name"
free_is_back "  Xen's free memory is exactly back" "$base"

out=$(chaos create -d $EX/hello.cfg 2>&1); st=$?
is "$st" 0 "chaos create -d hello: exit 0"
ok "  its console says hello" wait_console 30 hello "hello"
[ "$st" = 0 ] || diag "$out"
chaos destroy hello >/dev/null 2>&1
free_is_back "  destroyed: free memory exactly back" "$base"

# A vif through libxendev: netback probes it, chaos plugs it into xenbr0.
out=$(chaos create -d $EX/counter.cfg name=v1 "vif=['bridge=xenbr0,mac=00:16:3e:5e:01:01']" 2>&1); st=$?
is "$st" 0 "chaos create with a vif: exit 0"
[ "$st" = 0 ] || diag "$out"
id=$(domid_of v1)
be=/local/domain/0/backend/vif/$id/0
ok "  vif$id.0 is a port of xenbr0" test -e /sys/class/net/xenbr0/brif/vif$id.0
is "$(xenstore-read $be/hotplug-status 2>&1)" connected "  hotplug-status=connected"
is "$(xenstore-read /local/domain/$id/device/vif/0/mac 2>&1)" 00:16:3e:5e:01:01 "  the frontend has its MAC"
ok "  chaos destroy v1" chaos destroy v1
ok "  no vif, no backend node left" sh -c "! test -e /sys/class/net/vif$id.0 && ! xenstore-read $be/state"
free_is_back "  free memory exactly back" "$base"
out=$(chaos create -d $EX/counter.cfg name=v2 "vif=['bridge=nosuchbr']" 2>&1); st=$?
is "$st" 1 "a vif on a missing bridge: exit 1"
like "$out" "vif 0: bridge 'nosuchbr' does not exist" "  with the reason"
ok "  nothing left: no domain, no vif backend" sh -c '! xl list v2 && [ -z "$(xenstore-ls /local/domain/0/backend/vif 2>/dev/null)" ]'

# Direct creates racing on one name: each checks it, builds its guest,
# then checks it again under xl's lock before writing it; one wins.
RACERS=8
for i in $(seq $RACERS); do
    (chaos create -d $EX/counter.cfg name=race >/tmp/race.$i 2>&1
     echo "exit $?" >>/tmp/race.$i) &
done
wait
won=$(grep -l '^exit 0$' /tmp/race.* | wc -l)
lost=$(grep -l "a domain named 'race' exists already" /tmp/race.* | wc -l)
is "$won $lost" "1 $((RACERS - 1))" \
    "$RACERS direct creates of one name at once: 1 wins, $((RACERS - 1)) say it exists already"
[ "$won" = 1 ] || diag "$(cat /tmp/race.*)"
is "$(xl list | awk '$1 == "race"' | wc -l)" 1 "  one domain named race"
is "$(nr_domains)" $((doms + 1)) "  and no other domain left by the losers"
chaos destroy race >/dev/null 2>&1
rm -f /tmp/race.*
free_is_back "  race destroyed: free memory exactly back" "$base"

# The claim waits for xl's lock: a create while it is held names its
# guest only once it is released (lock-hold creates its mark first).
rm -f /tmp/lock.released
/usr/lib/xen-clone/bin/lock-hold /var/lock/xl 10 /tmp/lock.released >/tmp/lock.out 2>&1 &
holder=$!
ok "lock-hold holds xl's lock (/var/lock/xl)" wait_for 10 grep -q held /tmp/lock.out
out=$(chaos create -d $EX/counter.cfg name=lk 2>&1); st=$?
released=no; [ -f /tmp/lock.released ] && released=yes
is "$st $released" "0 yes" "  a direct create meanwhile ends only after the lock is released"
[ "$st" = 0 ] || diag "$out"
wait $holder
chaos destroy lk >/dev/null 2>&1
free_is_back "  lk destroyed: free memory exactly back" "$base"

# Bad configs: a clear error, exit 1, nothing created.
bad() { # NAME REGEX CHAOS-ARGS...
    _n=$1 _re=$2; shift 2
    _out=$(chaos create -d "$@" 2>&1); _st=$?
    if [ $_st = 1 ] && printf '%s\n' "$_out" | grep -Eq -- "$_re" &&
        [ "$(nr_domains)" = "$doms" ]; then
        pass "$_n"
    else
        fail "$_n" "exit $_st, domains $(nr_domains) (was $doms): $_out"
    fi
}
printf 'name="u"\nkernel="/usr/lib/minios-guest/hello"\ndisk=["x"]\n' >/tmp/unk.cfg
bad "an unknown key: refused" "/tmp/unk.cfg:3: key 'disk' is not supported" /tmp/unk.cfg
printf 'name="m"\nkernel="/nonexistent/kernel"\nmemory=4\n' >/tmp/nok.cfg
bad "a missing kernel: refused" "kernel /nonexistent/kernel: No such file" /tmp/nok.cfg
printf 'name="n"\nmemory=4\n' >/tmp/nokernel.cfg
bad "no kernel at all: refused" "no kernel \(kernel = " /tmp/nokernel.cfg
bad "type=hvm: refused" "type 'hvm' is not supported" $EX/hello.cfg type=hvm
bad "memory larger than the host: refused at the shell" \
    "(populating memory|xc_domain_setmaxmem|xc_dom).*Cannot allocate|out of memory|No space|Cannot allocate" \
    $EX/hello.cfg name=huge memory=1000000
bad "a kernel that is no PV ELF: refused" "parsing the kernel" $EX/hello.cfg kernel=/etc/xen/examples/hello.cfg
free_is_back "after the refusals: free memory exactly back" "$base"
ok "no chaos domain is left" sh -c '[ "$(chaos list | wc -l)" = 1 ]'
done_testing
