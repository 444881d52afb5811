#!/bin/sh
# files.t: a minios guest with a 9pfs device served by xen9pfsd runs the
# "files" app (create, write, read back, rename, truncate, append, readdir,
# unlink, mkdir/rmdir; files of 0 B, 4 KiB and 10 MiB); Dom0 checks the
# files on the host: names, sizes and CRC-32s.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh

S=/tmp/share-files
plan 16

ok "xen9pfsd runs (started by init.d/40-xen9pfsd)" pidof xen9pfsd
rm -rf $S && mkdir -p $S
ok "a files guest with share $S" p9_guest files1 $S --tag files
ok "  it mounts the share" wait_console 120 files1 "^files: mounted tag 'files'"
D=$(domid_of files1)
like "$(cat /var/log/xen/xen9pfsd.log)" "device [0-9]+/0: domain [0-9]+ connected, 1 ring\(s\) of order 6, share $S" \
    "  xen9pfsd connected its ring"
ok "  it finishes" p9_done files1 600
ok "  every check of the file API passed" p9_ok files1
sum=$(console_line files1 '^files: /t/g-10485760:' | sed 's/.*crc32 \([0-9a-f]*\).*/\1/')
is "$(host_crc $S/t/g-10485760)" "$sum" "the host's 10 MiB file has the CRC-32 the guest wrote"
is "$(stat -c %s $S/t/g-10485760)" 10485760 "  and 10 MiB"
is "$(stat -c %s $S/t/g-4096)" 201 "the 4 KiB file: truncated to 100, written to 200, appended: 201 bytes"
is "$(dd if=$S/t/g-4096 bs=1 skip=197 count=4 2>/dev/null)" "end+" "  ending with 'end+'"
ok "the 0 B file was unlinked" sh -c "[ ! -e $S/t/g-0 ]"
ok "no file has its old name" sh -c "! ls $S/t | grep -q '^f-'"
is "$(ls $S/t | sort | tr '\n' ' ')" "g-10485760 g-4096 sub " "the directory holds what the guest left"
ok "the guest powered off cleanly" wait_state 30 files1 s
destroy_wait files1
ok "its device (domain $D) is gone from xen9pfsd's status" wait_for 30 sh -c \
    "! grep -q '\"domid\": $D,' /var/run/xen9pfsd.json"
ok "xen9pfsd still runs" p9_daemon_alive
done_testing
