#!/bin/sh
# toolstack.t: the patched hypervisor booted and Dom0's toolstack is up;
# Dom0's kernel RNG was ready before its first process (RDRAND, see
# run-in-dom0 and docs/nested-rng.md), so nothing waits for entropy.
# run-in-dom0: timeout=120
. /usr/lib/xen-clone/tap.sh

plan 8
info=$(xl info 2>&1)
like "$(echo "$info" | awk -F': ' '/^xen_extra/ {print $2}')" '^\.5-clone$' \
    "xl info shows our extra version (-clone)"
like "$(echo "$info" | awk -F': ' '/^xen_version/ {print $2}')" '^4\.17\.5-clone$' \
    "the hypervisor is Xen 4.17.5-clone"
ok "xenstored runs" pidof xenstored
ok "xenconsoled runs" pidof xenconsoled
is "$(xenstore-read /local/domain/0/name 2>&1)" "Domain-0" \
    "xenstored answers: Dom0's name is in XenStore"
like "$(xl list 2>&1 | awk 'NR == 2 {print $1, $2}')" '^Domain-0 0$' \
    "xl list shows Domain-0"
# The kernel logs "crng init done" once the RNG is seeded; "Run /init"
# when it starts the first process. Without a trusted RDRAND the first
# comes seconds after the second (from interrupt and jitter entropy).
log=$(dmesg 2>&1)
crng=$(echo "$log" | grep -n 'random: crng init done' | head -1 | cut -d: -f1)
init=$(echo "$log" | grep -n 'Run /init as init process' | head -1 | cut -d: -f1)
echo "# dmesg line of 'crng init done': ${crng:-none}; of 'Run /init': ${init:-none}"
like "$(grep -o rdrand /proc/cpuinfo | head -1)" '^rdrand$' \
    "Dom0's CPU has RDRAND"
ok "Dom0's RNG was ready before its first process" \
    test -n "$crng" -a -n "$init" -a "${crng:-0}" -lt "${init:-0}"
done_testing
