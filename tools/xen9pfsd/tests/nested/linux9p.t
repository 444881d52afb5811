#!/bin/sh
# linux9p.t: Linux's own 9p client (9pnet_xen and 9p from Debian's kernel,
# in a Linux PV guest) mounts a share from xen9pfsd and passes a file test:
# create, write, 1 MiB copy, mkdir, rename, readdir, append, truncate,
# chmod, unlink, statfs, a planted symlink not followed. Dom0 checks the
# host files. This shows we speak 9P2000.L, not a dialect of our own.
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh

S=/tmp/share-linux
plan 9
rm -rf $S /tmp/outside && mkdir -p $S
echo secret >/tmp/outside
ln -s /tmp/outside $S/link-out

ok "a Linux PV guest with share $S" p9_guest lx $S --app linux9p --tag share
ok "  Linux boots and runs our init" wait_console 300 lx '^linux9p: init started' ||
    show_console lx
ok "  Linux's 9p client finishes its test" wait_console 300 lx \
    '^linux9p: (ok, [0-9]+ checks passed|[0-9]+ of [0-9]+ checks failed)'
ok "  every check passed" console_has lx '^linux9p: ok, [0-9]+ checks passed' ||
    { show_console lx; diag "xen9pfsd:"; note_file /var/log/xen/xen9pfsd.log; }
like "$(cat /var/log/xen/xen9pfsd.log)" "device [0-9]+/0: domain [0-9]+ connected, [0-9]+ ring\(s\) of order [0-9]+, share $S" \
    "xen9pfsd connected Linux's rings"
is "$(md5sum <$S/r.bin | cut -d' ' -f1)" \
    "$(console_line lx '^linux9p: md5 ' | sed 's/.*md5 //' | tr -d '\r')" \
    "the host has the 1 MiB file Linux wrote (same MD5)"
is "$(cat $S/d/h.txt)" "hello" "the renamed, appended, truncated file: 'hello'"
is "$(stat -c %a $S/d/h.txt)" 600 "  mode 600"
is "$(cat /tmp/outside)" secret "the file behind the planted symlink is untouched"
destroy_wait lx
done_testing
