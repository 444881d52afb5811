#!/bin/sh
# net-badinput.t: Dom0 sends an httpd guest bad frames straight on its vif
# (minios-badframes, a packet socket): frames with bad IP, ICMP and TCP
# checksums get no answer (well-formed controls do); after truncated
# frames, IP headers longer than their frame, oversized frames, an ARP
# storm of 10,000 and a SYN flood of 10,000 the guest still answers HTTP
# with checked bodies. (Dom0's kernel refuses to send some of them: frames
# under 14 bytes, and anything above the vif's MTU of 1500, which netback
# caps without feature-sg: the helper counts those as "failed".)
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

IP=198.18.0.11
MAC=00:16:3e:00:00:11
BIN=/usr/lib/xen-clone/bin
plan 19

http_ok() {
    $BIN/minios-httpcheck "$IP" 80 5 2>&1 | tail -1 |
        grep -q 'connections 5, requests 5 ok, errors 0$'
}
send() { $BIN/minios-badframes "vif$id.0" "$MAC" "$IP" "$@" 2>&1; }

ok "xl create httpd" guest_create hd httpd
ok "httpd is up" wait_console 60 hd '^httpd: serving 1024 bytes'
id=$(domid_of hd)
ok "HTTP works before" http_ok

like "$(send ping 20)" 'failed 0 replies [1-9]' \
    "control: well-formed echo requests on the vif are answered"
like "$(send syn 20)" 'failed 0 replies [1-9]' \
    "control: well-formed SYNs on the vif get SYN-ACKs"
for k in badipsum badicmpsum badtcpsum; do
    like "$(send $k 200)" '^sent 200 failed 0 replies 0$' \
        "$k: 200 frames, none answered"
done
for k in "short 1000" "iptrunc 1000" "oversize 100"; do
    out=$(send $k)
    diag "${k%% *}: $out"
    ok "${k%% *}: the guest still answers HTTP" http_ok
done
ok "ping still answered" ping -c 3 -W 5 "$IP"
out=$(send arpstorm 10000)
like "$out" '^sent 10000 failed 0' "arpstorm: 10,000 ARP frames sent"
ok "  the guest still answers HTTP" http_ok
ok "  and ping" ping -c 3 -W 5 "$IP"
out=$(send synflood 10000)
like "$out" '^sent 10000 failed 0' "synflood: 10,000 SYNs sent"
ok "  the guest answers HTTP again within 60 s" wait_for 60 http_ok
sleep 10
ok "  and still answers 10 s later" http_ok
ok "the guest is still running" wait_state 5 hd '[rb]'
show_console hd
destroy_wait hd
done_testing
