#!/bin/sh
# kvsnap.t: Nephele's Redis BGSAVE experiment without a network, at 0, 10k
# and 100k keys: the parent fills N keys and forks; the child writes its
# snapshot through 9pfs (its cloned device) and exits while the parent
# changes every key; the parent reads the snapshot back: exactly the state
# at fork time. Dom0 checks the snapshot's size.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh

plan 9
for n in 0 10000 100000; do
    S=/tmp/share-kv$n
    rm -rf $S && mkdir -p $S
    ok "kvsnap keys=$n" p9_guest kv$n $S --app kvsnap -- "cmdline=\"keys=$n\""
    ok "  the snapshot is exactly the fork-time state" wait_console 600 kv$n \
        '^kvsnap: ok, the snapshot is exactly the state at fork time'
    is "$(stat -c %s $S/snapshot.kv)" $((n * 16)) "  $n records of 16 bytes on the host"
    diag "$(console_line kv$n '^kvsnap: keys')"
    destroy_wait kv$n
done
done_testing
