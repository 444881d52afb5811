#!/bin/sh
# confine.t: two guests with two shares see only their own files; names
# that would leave a share (host symlinks to a file outside and to /etc,
# .., absolute names, names over 255 bytes) are refused; a read-only share
# refuses every change; max-bytes/max-files end in ENOSPC/EDQUOT with
# nothing written past the limit; xen9pfsd serves on throughout.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh

A=/tmp/share-a B=/tmp/share-b
plan 22

rm -rf $A $B /tmp/outside && mkdir -p $A $B
echo secret >/tmp/outside
ln -s /tmp/outside $A/link-out
ln -s /etc $A/dir-out
cp /tmp/outside /tmp/outside.orig

# Two guests, two shares: each writes its tree; listings are disjoint.
ok "guest a on $A" p9_guest ga $A --tag a -- 'cmdline="dir=/only-a"'
ok "guest b on $B" p9_guest gb $B --tag b -- 'cmdline="dir=/only-b"'
ok "  a finishes" p9_done ga 600
ok "  and passes the file API" p9_ok ga
ok "  b finishes" p9_done gb 600
ok "  and passes the file API" p9_ok gb
ok "a's files are in $A only" sh -c "[ -d $A/only-a ] && [ ! -e $B/only-a ]"
ok "b's files are in $B only" sh -c "[ -d $B/only-b ] && [ ! -e $A/only-b ]"
destroy_wait ga
destroy_wait gb
ok "guest b lists its share" p9_run gb2 $B -- 'cmdline="mode=ls dir=/"'
is "$(grep '^files: ls:' $CONSOLE_DIR/guest-gb2.log | sort | tr '\n' ' ')" \
    "files: ls: only-b " "  and sees only-b, nothing of a's"
destroy_wait gb2

# Escapes.
ok "guest e on $A tries to escape" p9_run ge $A -- 'cmdline="mode=escape"'
ok "  every escape was refused (ELOOP, ENOENT, ENAMETOOLONG)" p9_ok ge
ok "the file outside is unchanged" cmp /tmp/outside /tmp/outside.orig
ok "the planted symlinks are unchanged" sh -c \
    "[ \"\$(readlink $A/link-out)\" = /tmp/outside ] && [ \"\$(readlink $A/dir-out)\" = /etc ]"
destroy_wait ge

# A read-only share.
rm -rf /tmp/share-ro && mkdir /tmp/share-ro && echo "read me" >/tmp/share-ro/ro.txt
ok "guest r on a read-only share" p9_run gr /tmp/share-ro --read-only -- 'cmdline="mode=ro"'
ok "  reads work, every change fails with EROFS" p9_ok gr
is "$(ls /tmp/share-ro | tr '\n' ' ')" "ro.txt " "  the share holds ro.txt only"
destroy_wait gr

# Limits: 10000 bytes and 5 files.
rm -rf /tmp/share-q && mkdir /tmp/share-q
ok "guest q with max-bytes 10000, max-files 5" p9_run gq /tmp/share-q \
    --max-bytes 10000 --max-files 5 -- 'cmdline="mode=quota"'
ok "  ENOSPC at max-bytes, EDQUOT at max-files" p9_ok gq
is "$(stat -c %s /tmp/share-q/big)" 10000 "  the file stopped at exactly 10000 bytes"
is "$(ls /tmp/share-q | wc -l)" 5 "  and the share holds 5 files"
destroy_wait gq
ok "xen9pfsd still runs" p9_daemon_alive
done_testing
