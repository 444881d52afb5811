#!/bin/sh
# clone-flask-vif.t: fork-stock-vif.t under the FLASK hypervisor in
# enforcing mode. chaosd's clone flavour has a vif on xenbr0 and
# seclabel=clone_shell_t: its shells' backends are probed and bridged
# while the shell is clone_shell_t (a type with no rights of its own).
# xencloned stocks them; a clone_domU_t httpd's fork takes one as its
# worker, which becomes clone_domU_t, and netback connects the shell's
# ready backend to the worker's rings (grant maps and an event channel
# between dom0_t and clone_domU_t: the policy's domain_comms). Both
# members answer HTTP; at the end no vif, backend node or shell's home is
# left. The whole pass runs twice: the second gives back to the page what
# Xen had after the first, and adds no FLASK SID or cache entry. The
# first keeps a few pages (3 in the runs of 2026-12-07, said in a
# diagnostic) while FLASK meets the new labels: it gives out SIDs for new
# contexts (5 in those runs), which Xen never frees, and caches new
# access decisions (15; the cache is bounded). Those are the likely
# holders (Xen's small allocations share pages); measured besides: Dom0's
# maptrack frames and event-channel buckets do not grow, flushing the
# cache (setenforce 0, then 1) does not give the pages back, and passes
# that add no SID and no cache entry keep none.
# run-in-dom0: timeout=1200 flask
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/chaos.sh
. /usr/lib/xen-clone/xencloned.sh

CLONE=system_u:system_r:clone_domU_t
SHELL=system_u:system_r:clone_shell_t
IP=198.18.0.11
BIN=/usr/lib/xen-clone/bin
LOG=/var/log/xen/xencloned.log
[ -f "$IMAGES/httpd" ] || bail_out "no httpd image in $IMAGES"
plan 50
# worker_of, family_gone, stock*: xencloned.sh; label_of: tap.sh.
httpd_up() { # NAME: a clone_domU_t httpd with 2 workers
    rm -f "$CONSOLE_DIR/guest-$1.log"
    guest_create "$1" httpd "seclabel=\"$CLONE\"" \
        'cmdline="port=80 size=1024 workers=2"' >/dev/null 2>&1 &&
        wait_console 180 "$1" "^httpd: 2 workers"
}

is "$(xl getenforce 2>&1)" Enforcing "Xen enforces FLASK"
ok "warm-up: Xen's tables for Dom0 grown (for 10 guests)" warm_xen_tables 10
CONF=/tmp/xencloned-stock.conf
printf '[service]\nfork_shells=2\n' >"$CONF"

# one_pass N: one whole pass (23 checks), from xencloned's restart with a
# stock to everything gone and xencloned back to its defaults.
one_pass() {
    _n="(pass $1)"
    ok "xencloned restarts with fork_shells=2 $_n" restart_xencloned -c "$CONF"
    ok "  it is registered" wait_for 10 sh -c 'xencloned --status | grep -q "\"registered\":true"'
    # httpd's 32 MB are 33 MB of max memory (xl adds 1 MB): the flavour's size.
    chaosd_conf_clone c33v 33 2 xenbr0
    echo "seclabel=$SHELL" >>"$CHAOSD_CONF"
    start_chaosd "chaosd starts: clone flavour c33v, a vif on xenbr0, clone_shell_t $_n" c33v 2
    pool=" $(cshells | tr '\n' ' ')"
    for s in $pool; do :; done
    is "$(label_of "$s")" "$SHELL" "  its shell $s is clone_shell_t"
    ok "  its vif is made ahead, a port of xenbr0" test -e "/sys/class/net/xenbr0/brif/vif$s.0"
    is "$(xenstore-read /local/domain/0/backend/vif/$s/0/state 2>&1)" 2 \
        "  its backend waits in InitWait (2)"

    # The first fork of this shape: the stock is empty; Xen makes the worker.
    ok "a clone_domU_t httpd workers=2 (wa) forks with Xen's stock empty $_n" httpd_up wa
    ka=$(worker_of wa)
    ok "xencloned stocks 2 of chaosd's shells for wa's shape" wait_for 60 stock_is 2 ||
        tail -n 20 "$LOG" | sed 's/^/#   /'
    ours=$(stock_ours)
    ok "  they are chaosd's shells with vifs ($ours)" sh -c \
        "for d in $ours; do test -e /sys/class/net/vif\$d.0 || exit 1; done"
    ok "wa and its worker destroyed, their vifs and bond gone" family_gone wa "$ka"

    # A second one forks: its worker is a stocked shell with its vif.
    ok "a second one (wb) forks $_n" httpd_up wb
    p=$(domid_of wb)
    kb=$(worker_of wb)
    ok "  its worker ($kb) is a former stocked shell ($ours)" in_list "$kb" "$ours"
    is "$(label_of "$kb")" "$CLONE" "  it carries wb's label, clone_domU_t"
    ok "  xencloned reused the shell's vif for it" \
        grep -q "child $kb: 1 vif(s) of its shell reused" "$LOG"
    is "$(xenstore-read /local/domain/0/backend/vif/$kb/0/state 2>&1)" 4 \
        "  netback connected it (state 4)"
    ok "  the worker says it serves" wait_console 60 "wb-clone-$kb" \
        "^httpd: worker 1 \\(domid $kb\\) serving"

    out=$(timeout 900 $BIN/minios-httpcheck --domids $IP 80 100 2 2>&1)
    like "$(echo "$out" | tail -1)" 'connections 100, requests 200 ok, errors 0$' \
        "200 requests on 100 connections, every one answered"
    echo "$out" | grep -v '^connection [0-9]' | sed 's/^/# /'
    n=$(echo "$out" | sed -n "s/^domid $kb: \([0-9]*\) responses/\1/p")
    cmp_ok "${n:-0}" -gt 0 "  the worker from the shell served some (${n:-0})"
    ok "no AVC denial was logged for a clone_shell_t or clone_domU_t domain" sh -c \
        "! xl dmesg | grep 'avc:  denied' | grep -qE 'clone_(shell|domU)_t'" ||
        xl dmesg | grep 'avc:  denied' | tail -n 5 | sed 's/^/#   /'

    ok "wb and its worker destroyed, their vifs and bond gone" family_gone wb "$kb"
    ok "SIGTERM: chaosd exits" stop_chaosd
    /etc/xen-clone/init.d/50-xencloned stop >/dev/null 2>&1
    ok "xencloned stopped: no vif, backend node or shell's home is left" wait_for 30 sh -c \
        "! ip -o link | grep -qE '^[0-9]+: vif' &&
         { ! xenstore-ls /local/domain/0/backend/vif >/dev/null 2>&1 ||
           [ -z \"\$(xenstore-list /local/domain/0/backend/vif)\" ]; } &&
         [ \"\$(xenstore-list /local/domain | tr '\\n' ' ')\" = '0 ' ]" ||
        { ip -o link | grep vif; xenstore-list /local/domain; } 2>&1 | sed 's/^/#   /'
    xencloned --pidfile /var/run/xencloned.pid >/dev/null 2>&1
}
only_dom0_now() { [ "$(xl list | tail -n +2 | wc -l)" = 1 ]; }

# flask_kept: FLASK's SIDs and access vector cache entries (flask-stats).
flask_kept() { $BIN/flask-stats | awk '{printf "%s%s", (NR > 1 ? " " : ""), $2}'; }
first=$(free_pages)
flask_first=$(flask_kept)
one_pass 1
wait_for 60 only_dom0_now
sleep 3
base=$(free_pages)
flask_base=$(flask_kept)
diag "Xen kept $((first - base)) page(s) after the first pass; FLASK's SIDs and AVC entries went from $flask_first to $flask_base (labels and label pairs seen for the first time)"
one_pass 2
free_is_back "after the second pass Xen's free memory is exactly as after the first" "$base"
now=$(flask_kept)
ok "  FLASK gave out no new SID and cached no new decision in it ($now)" \
    sh -c "echo '$now' | grep -qE '^[0-9]+ [0-9]+\$' && [ '$now' = '$flask_base' ]" ||
    diag "SIDs and cache entries: $flask_base after the first pass, $now after the second"
done_testing
