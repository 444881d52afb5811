#!/bin/sh
# net-guests.t: two guests on xenbr0 talk to each other: a netclient guest
# sends 100 datagrams (1..1472 bytes) to a netecho guest and gets each back
# intact, then makes 20 HTTP GETs to an httpd guest, every 64 KiB body
# with the right CRC-32.
# run-in-dom0: timeout=300
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 8
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
destroy_wait ne
destroy_wait hd
done_testing
