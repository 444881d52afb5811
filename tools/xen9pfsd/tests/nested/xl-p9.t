#!/bin/sh
# xl-p9.t: `xl create` with a p9=[...] line (xl's own syntax, no attach
# step): libxl writes the device (patch 0041: no QEMU for 9pfs), xen9pfsd
# serves it, the files guest passes every check; xl destroy removes the
# backend nodes and xen9pfsd forgets the device.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh

S=/tmp/share-xl
plan 8
rm -rf $S && mkdir -p $S
rm -f "$CONSOLE_DIR/guest-xlp9.log"
ok "xl create files.cfg with p9=['tag=files,path=$S,...']" \
    xl create /etc/xen/examples/files.cfg 'name="xlp9"' \
    'on_poweroff="preserve"' 'on_crash="preserve"' \
    "p9=[\"tag=files,path=$S,security_model=none\"]"
D=$(domid_of xlp9)
is "$(xenstore-read /local/domain/0/backend/9pfs/$D/0/path 2>&1)" "$S" \
    "libxl wrote the backend's path"
ok "  the guest mounts the share" wait_console 120 xlp9 "^files: mounted tag 'files'"
ok "  xen9pfsd served it" grep -q "device $D/0: domain $D connected" /var/log/xen/xen9pfsd.log
ok "  every check of the file API passed" sh -c ". /usr/lib/xen-clone/tap.sh
    . /usr/lib/xen-clone/minios-guest.sh; . /usr/lib/xen-clone/xen9pfsd.sh
    p9_done xlp9 600 && p9_ok xlp9"
is "$(stat -c %s $S/t/g-10485760 2>&1)" 10485760 "  its 10 MiB file is on the host"
destroy_wait xlp9
ok "xl destroy: no backend node left" sh -c \
    "! xenstore-ls /local/domain/0/backend/9pfs/$D >/dev/null 2>&1"
ok "  xen9pfsd forgot the device" wait_for 30 sh -c \
    "! grep -q '\"domid\": $D,' /var/run/xen9pfsd.json"
done_testing
