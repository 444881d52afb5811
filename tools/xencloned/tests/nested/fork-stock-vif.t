#!/bin/sh
# fork-stock-vif.t: a networked guest's fork() takes its child from Xen's
# shell stock, and the child uses the vif its shell had made ahead. chaosd
# keeps a clone flavour with a vif on xenbr0 (its shells' backends probed,
# bridged and waiting in InitWait); xencloned (fork_shells=2) stocks them
# for the shape of the last guest that forked. A first `httpd workers=2`
# forks with the stock empty (Xen makes the worker) and is destroyed; a
# second one's worker is then a former stocked shell: xencloned reuses the
# shell's vif for it (no backend made on the clone's path), the family is
# bonded as in mode "same", and both members answer HTTP from Dom0. At
# the end nothing is left: no vif, bond, backend node or shell's home
# (xencloned removes a stocked shell's vifs when it destroys the shell,
# also as it stops), and Xen's free memory is exactly what it was.
# run-in-dom0: timeout=1200
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/chaos.sh
. /usr/lib/xen-clone/xencloned.sh

IP=198.18.0.11
BIN=/usr/lib/xen-clone/bin
LOG=/var/log/xen/xencloned.log
plan 31
# worker_of, family_gone, stock*: xencloned.sh.

CONF=/tmp/xencloned-stock.conf
printf '[service]\nfork_shells=2\n' >"$CONF"
ok "xencloned restarts with fork_shells=2" restart_xencloned -c "$CONF"
ok "  it is registered" wait_for 10 sh -c 'xencloned --status | grep -q "\"registered\":true"'
ok "warm-up: Xen's tables for Dom0 grown (for 10 guests)" warm_xen_tables 10
# Xen sizes its vmap area on the first clone and keeps it: a first fork
# before the baseline (no chaosd yet: Xen makes the child).
xl create /dev/null 'name="warm"' 'type="pv"' \
    'kernel="/usr/lib/minios-guest/forktest"' memory=16 vcpus=1 \
    'cmdline="children=1 mb=4 mode=fork"' >/dev/null 2>&1
ok "warm-up: a first guest forks (no chaosd: Xen makes the child)" \
    wait_console 60 warm '^parent ok'
destroy_gone warm
base=$(free_pages)

# httpd's 32 MB are 33 MB of max memory (xl adds 1 MB): the flavour's size.
chaosd_conf_clone c33v 33 2 xenbr0
start_chaosd "chaosd starts with a clone flavour with a vif (c33v: 33 MB, 2 shells, xenbr0)" c33v 2
pool=" $(cshells | tr '\n' ' ')"
for s in $pool; do :; done
ok "  its shell $s has its vif made ahead, a port of xenbr0" \
    test -e "/sys/class/net/xenbr0/brif/vif$s.0"

# The first fork of this shape: the stock is empty; Xen makes the worker.
ok "httpd workers=2 (wa) forks with Xen's stock empty" \
    guest_create wa httpd 'cmdline="port=80 size=1024 workers=2"'
ok "  it has 2 workers" wait_console 180 wa "^httpd: 2 workers"
ka=$(worker_of wa)
ok "  its worker ($ka) is no shell (pool:$pool)" sh -c "! echo '$pool ' | grep -q ' $ka '"
ok "xencloned stocks 2 of chaosd's shells for wa's shape" wait_for 60 stock_is 2 ||
    tail -n 20 "$LOG" | sed 's/^/#   /'
ours=$(stock_ours)
ok "  they were chaosd's shells with vifs ($ours)" sh -c \
    "for d in $ours; do test -e /sys/class/net/vif\$d.0 || exit 1; done"
ok "wa and its worker destroyed, their vifs and bond gone" family_gone wa "$ka"

# A second guest of the same shape forks: its worker is a stocked shell.
taken=$(stock taken)
ok "httpd workers=2 (wb) created" \
    guest_create wb httpd 'cmdline="port=80 size=1024 workers=2"'
ok "  it has 2 workers" wait_console 180 wb "^httpd: 2 workers"
p=$(domid_of wb)
kb=$(worker_of wb)
ok "  its worker ($kb) is a former stocked shell ($ours)" in_list "$kb" "$ours"
is "$(stock taken)" $((taken + 1)) "  Xen counts one more child taken from the stock"
ok "  xencloned reused the shell's vif for it" \
    grep -q "child $kb: 1 vif(s) of its shell reused" "$LOG"
ok "  the worker says it serves" wait_console 60 "wb-clone-$kb" \
    "^httpd: worker 1 \\(domid $kb\\) serving"
ok "  the family is one bond on xenbr0" test -e "/sys/class/net/xcb$p.0"

out=$(timeout 900 $BIN/minios-httpcheck --domids $IP 80 100 2 2>&1)
like "$(echo "$out" | tail -1)" 'connections 100, requests 200 ok, errors 0$' \
    "200 requests on 100 connections, every one answered"
echo "$out" | grep -v '^connection [0-9]' | sed 's/^/# /'
for d in $p $kb; do
    n=$(echo "$out" | sed -n "s/^domid $d: \([0-9]*\) responses/\1/p")
    cmp_ok "${n:-0}" -gt 0 "  domain $d served some (${n:-0})"
done

ok "wb and its worker destroyed, their vifs and bond gone" family_gone wb "$kb"
ours=$(stock_ours)
ok "SIGTERM: chaosd exits" stop_chaosd
ok "xencloned stops" /etc/xen-clone/init.d/50-xencloned stop
ok "  it destroyed the stock Xen handed back ($ours)" wait_for 30 sh -c \
    "for d in $ours; do ! xl list \$d >/dev/null 2>&1 || exit 1; done"
ok "no vif, backend node or shell's home is left" wait_for 30 sh -c \
    "! ip -o link | grep -qE '^[0-9]+: vif' &&
     { ! xenstore-ls /local/domain/0/backend/vif >/dev/null 2>&1 ||
       [ -z \"\$(xenstore-list /local/domain/0/backend/vif)\" ]; } &&
     [ \"\$(xenstore-list /local/domain | tr '\\n' ' ')\" = '0 ' ]" ||
    { ip -o link | grep vif; xenstore-list /local/domain; } 2>&1 | sed 's/^/#   /'

ok "xencloned restarts with its default configuration" \
    xencloned --pidfile /var/run/xencloned.pid
ok "  it is registered" wait_for 10 sh -c 'xencloned --status | grep -q "\"registered\":true"'
free_is_back "Xen's free memory exactly as before (families, shells, stock gone)" "$base"
done_testing
