#!/bin/sh
# badargs.t: every app answers a bad cmdline argument with a message that
# names it, its usage, and exit 2 (the domain crashes, as for any non-zero
# exit); a cmdline the kernel cannot split is refused the same way. None
# of them hangs.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

# APP ARGUMENT pairs; every app in the image directory must be listed.
CASES='
hello       volume=11
memtest     mb=lots
timer       n=0
xenstore    wait=0
crash       kind=gently
counter     max=-1
grant       wait=9999
forktest    children=0
clonebad    other=0
dirty       mb=0
forkbench   runs=0
forkbomb    mode=loop
cowspy      lo=x
clonefuzz   calls=0
netecho     poll_ms=0
httpd       size=lots
netclient   mode=tcp
files       mb=lots
kvsnap      keys=lots
p9bad       volume=11
tcpfork     peer=nowhere
jitter      period=0
cowhoard    pages=0
'
apps=$(ls "$IMAGES")
[ -n "$apps" ] || bail_out "no guest images in $IMAGES"
missing=
for a in $apps; do
    echo "$CASES" | grep -q "^$a " || missing="$missing $a"
done
is "$missing" "" "every app in $IMAGES has a bad-argument case"

while read -r app arg; do
    [ -n "$app" ] || continue
    n=bad-$app
    guest_create "$n" "$app" "cmdline=\"$arg\"" </dev/null >/dev/null 2>&1
    ok "$app $arg: refused by name" wait_console 60 "$n" \
        "^$app: bad argument '$arg'\$"
    ok "  with its usage" console_has "$n" "^usage: $app"
    ok "  exit 2, the domain crashed" sh -c \
        ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
         wait_console 30 $n '^exit 2\$' && wait_state 30 $n c"
    destroy_wait "$n" </dev/null
done <<EOF
$CASES
EOF

# The kernel splits the cmdline: an unterminated quote is refused.
guest_create badquote hello "cmdline='say=\"hi'" >/dev/null 2>&1
ok "an unterminated quote in the cmdline is refused" wait_console 60 badquote \
    '^hello: bad command line .*: unterminated quote$'
ok "  exit 2, the domain crashed" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     wait_console 30 badquote '^exit 2\$' && wait_state 30 badquote c"
destroy_wait badquote
done_testing
