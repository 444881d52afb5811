#!/bin/sh
# net-http.t: httpd guests serve bodies of 0 B, 1 KiB, 64 KiB and 1 MiB;
# busybox wget gets each whole, with the CRC-32 the X-Checksum header
# names; then 1,000 sequential connections (and 100 on one keep-alive
# connection) to the 1 KiB guest, every body checked, zero errors.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

IP=198.18.0.11
BIN=/usr/lib/xen-clone/bin
plan 18

# get SIZE: wget the body of a size=SIZE guest; check length and CRC-32.
get() {
    rm -f /tmp/body /tmp/headers
    wget -S -O /tmp/body "http://$IP/" 2>/tmp/headers || return 1
    len=$(stat -c %s /tmp/body)
    sum=$(crc32 /tmp/body | awk '{print $1}')
    hdr=$(awk 'tolower($1) == "x-checksum:" {print $2}' /tmp/headers | tr -d '\r')
    [ "$len" = "$1" ] && [ "$sum" = "$hdr" ] ||
        { echo "length $len (want $1), crc32 $sum, header '$hdr'"; return 1; }
}

for size in 0 1024 65536 1048576; do
    n=h$size
    ok "httpd size=$size: created" guest_create "$n" httpd \
        "cmdline=\"port=80 size=$size\""
    ok "  serving" wait_console 60 "$n" "^httpd: serving $size bytes"
    ok "  wget gets $size bytes with the right CRC-32" get "$size"
    if [ "$size" = 1024 ]; then
        out=$($BIN/minios-httpcheck "$IP" 80 1000 2>&1 | tail -3)
        like "$out" 'connections 1000, requests 1000 ok, errors 0$' \
            "  1000 sequential connections, zero errors"
        out=$($BIN/minios-httpcheck "$IP" 80 1 100 2>&1 | tail -3)
        like "$out" 'connections 1, requests 100 ok, errors 0$' \
            "  100 requests on one keep-alive connection, zero errors"
    fi
    ok "  still running" wait_state 5 "$n" '[rb]'
    [ "$size" = 1048576 ] && show_console "$n"
    destroy_wait "$n"
done
done_testing
