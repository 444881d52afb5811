#!/bin/sh
# toolstack.t: the patched hypervisor booted and Dom0's toolstack is up.
# run-in-dom0: timeout=120
. /usr/lib/xen-clone/tap.sh

plan 6
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
done_testing
