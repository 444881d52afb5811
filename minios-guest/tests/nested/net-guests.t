#!/bin/sh
# net-guests.t: two guests on xenbr0 talk to each other: a netclient guest
# sends 100 datagrams (1..1472 bytes) to a netecho guest and gets each back
# intact, then makes 20 HTTP GETs to an httpd guest, every 64 KiB body
# with the right CRC-32. Then the same 20 GETs between two guests whose
# polling fallback is 60 s (poll_ms=60000): events alone must carry the
# transfer, and neither side may find more than 1 in 20 of its frames
# without the event that announces them (netfront's "unsignalled" count).
# run-in-dom0: timeout=400
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 13
ok "xl create netecho (198.18.0.10)" guest_create ne netecho
ok "xl create httpd (198.18.0.11)" guest_create hd httpd \
    'cmdline="port=80 size=65536"'
ok "netecho is up" wait_console 60 ne '^netecho: echoing on udp port 7$'
ok "httpd is up" wait_console 60 hd '^httpd: serving 65536 bytes'
ok "netclient udp: created" guest_create nc netclient \
    'cmdline="peer=198.18.0.10 mode=udp count=100"'
ok "  100 of 100 datagrams echoed intact, exit 0" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     wait_console 120 nc '^netclient: udp 198.18.0.10:7: 100 of 100 echoed intact\$' &&
     wait_console 10 nc '^exit 0\$'"
show_console nc
destroy_wait nc
ok "netclient http: created" guest_create nc2 netclient \
    'cmdline="peer=198.18.0.11 mode=http count=20"'
ok "  20 of 20 bodies intact, exit 0" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     wait_console 120 nc2 '^netclient: http 198.18.0.11:80: 20 of 20 bodies intact\$' &&
     wait_console 10 nc2 '^exit 0\$'"
show_console nc2
destroy_wait nc2

# unsignalled_ok NAME PREFIX: NAME's last "PREFIX: netfront ..." line has
# unsignalled <= rx frames / 20 (and at least one frame received).
unsignalled_ok() {
    grep "^$2: netfront rx " "$CONSOLE_DIR/guest-$1.log" | tail -1 |
        awk '{ rx = $4; u = $(NF-1) } END { exit !(rx > 0 && u * 20 <= rx) }'
}
ok "httpd, polling fallback 60 s" guest_create hd3 httpd \
    'cmdline="port=80 size=65536 stats=20 poll_ms=60000"' \
    'vif=["bridge=xenbr0,mac=00:16:3e:00:00:13,ip=198.18.0.13"]'
ok "netclient, polling fallback 60 s: 20 of 20 bodies intact, exit 0" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     wait_console 60 hd3 '^httpd: serving 65536 bytes' &&
     guest_create nc3 netclient \
        'cmdline=\"peer=198.18.0.13 mode=http count=20 poll_ms=60000\"' \
        'vif=[\"bridge=xenbr0,mac=00:16:3e:00:00:14,ip=198.18.0.14\"]' &&
     wait_console 120 nc3 '^netclient: http 198.18.0.13:80: 20 of 20 bodies intact\$' &&
     wait_console 10 nc3 '^exit 0\$'"
show_console nc3
ok "  the client's frames came with their events" unsignalled_ok nc3 netclient
ok "  the server printed its counters after 20 connections" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     wait_console 30 hd3 '^httpd: netfront rx '"
ok "  the server's frames came with their events" unsignalled_ok hd3 httpd
grep '^httpd: netfront' "$CONSOLE_DIR/guest-hd3.log" | sed 's/^/# /'
destroy_wait nc3
destroy_wait hd3
destroy_wait ne
destroy_wait hd
done_testing
