#!/bin/sh
# clone-flask.t: the FLASK hypervisor (build/xen/xen-flask: Xen's default
# policy with our clone module built in) in enforcing mode. A guest labelled
# domU_t (no clone permission) can neither fork nor be cloned by Dom0; one
# labelled clone_domU_t can, its children carry its label, and the clone
# service (xencloned) still completes them.
# run-in-dom0: timeout=600 flask
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

DOMU=system_u:system_r:domU_t
CLONE=system_u:system_r:clone_domU_t
T=/usr/lib/xen-clone/bin/xen-clone-test
# label_of DOMAIN: its security label (xl list -Z's last column).
counter_up() {
    guest_create "$1" counter "seclabel=\"$2\"" >/dev/null 2>&1 &&
        wait_console 60 "$1" 'counter [0-9]+: 1$'
}

plan 22
is "$(xl getenforce 2>&1)" Enforcing "Xen enforces FLASK"
is "$(label_of Domain-0)" system_u:system_r:dom0_t "Dom0 is dom0_t"
ok "xencloned registered as the clone service (xen2 clone_service)" \
    grep -q 'registered' /var/log/xen/xencloned.log

# Without the permission.
ok "a counter labelled domU_t runs" counter_up cdomu "$DOMU"
is "$(label_of cdomu)" "$DOMU" "  its label is domU_t"
n=$(nr_domains)
out=$(xl clone cdomu 2>&1)
rc=$?
diag "$out"
ok "  xl clone cdomu is refused" [ "$rc" != 0 ]
like "$out" 'XSM/FLASK policy refuses it' "  with the policy named as the reason"
out=$($T clone "$(domid_of cdomu)" 1 2>&1)
like "$out" 'Permission denied' "  libxenctrl's clone: EACCES"
is "$(nr_domains)" "$n" "  no domain was made"
ok "forktest labelled domU_t starts" guest_create fdomu forktest \
    "seclabel=\"$DOMU\"" 'cmdline="children=1 mb=1"'
ok "  its fork() fails with EACCES" wait_console 60 fdomu \
    '^forktest: clone\(1\) failed: Permission denied'
is "$(nr_domains)" "$((n + 1))" "  no child was made"

# With it.
ok "a counter labelled clone_domU_t runs" counter_up cclone "$CLONE"
kid=$(xl clone cclone 2>&1)
like "$kid" '^[0-9]+$' "  xl clone cclone makes child $kid"
is "$(label_of "$kid")" "$CLONE" "  the child carries the parent's label"
ok "  the child counts on" wait_for 60 sh -c \
    "grep -q 'counter [0-9]*:' $CONSOLE_DIR/guest-cclone-clone-$kid.log"
ok "forktest labelled clone_domU_t forks 2 children" guest_create fclone \
    forktest "seclabel=\"$CLONE\"" 'cmdline="children=2 mb=4"'
ok "  they check, rewrite and exit; the parent says 'parent ok'" \
    wait_console 120 fclone '^parent ok$'
# The children of fork() are gone by now; their label is checked through
# what xencloned logged while they lived.
ok "  xencloned completed both (their labels let Dom0 set them up)" \
    wait_for 30 sh -c "[ \$(grep -c 'child [0-9]* (fclone-clone-[0-9]*) shut down' /var/log/xen/xencloned.log) = 2 ]"
ok "forkbomb labelled clone_domU_t forks 2 children that live on" \
    guest_create fbomb forkbomb "seclabel=\"$CLONE\"" \
    'cmdline="mode=wide max=2 hold=120"'
ok "  both children run" wait_for 90 sh -c \
    "[ \$(xl list | grep -c '^fbomb-clone-') = 2 ]"
labels=$(xl list -Z | awk '/^fbomb-clone-/ {print $NF}' | sort -u)
is "$labels" "$CLONE" "  the forked children carry their parent's label"
show_console fdomu
show_console fclone
for d in $(xl list | awk '/^fbomb-clone-/ {print $1}'); do destroy_wait "$d"; done
for d in cdomu cclone fdomu fclone fbomb; do destroy_wait "$d"; done
[ -n "$kid" ] && destroy_wait "$kid"
done_testing
