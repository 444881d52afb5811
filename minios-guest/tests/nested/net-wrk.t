#!/bin/sh
# net-wrk.t: wrk with 100 connections for 10 s against an httpd guest
# (1 KiB bodies, keep-alive; the port is explicit: Dom0 has no
# /etc/services): requests are served, with no socket error and
# no non-2xx answer; the guest still serves a checked body afterwards.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

IP=198.18.0.11
plan 6
ok "xl create httpd (size=1024)" guest_create hd httpd
ok "httpd is up" wait_console 60 hd '^httpd: serving 1024 bytes'
out=$(wrk -t1 -c100 -d10s "http://$IP:80/" 2>&1)
echo "$out" | sed 's/^/# /'
like "$out" '[1-9][0-9]* requests in' "wrk -c100 -d10s: requests served"
ok "  no socket errors" sh -c "! echo '$out' | grep -q 'Socket errors'"
ok "  no non-2xx answers" sh -c "! echo '$out' | grep -q 'Non-2xx'"
out=$(/usr/lib/xen-clone/bin/minios-httpcheck "$IP" 80 10 2>&1 | tail -2)
like "$out" 'connections 10, requests 10 ok, errors 0$' \
    "afterwards, 10 more connections with checked bodies"
show_console hd
destroy_wait hd
done_testing
