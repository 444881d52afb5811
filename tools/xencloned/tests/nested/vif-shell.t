#!/bin/sh
# vif-shell.t: a child's network device ready in advance. chaosd keeps clone
# shells with a vif (kind=clone, vifs=xenbr0): netback has probed the
# backend (InitWait) and it is a port of xenbr0 before any clone. `xl clone`
# of a serving httpd (mode new) into such a shell: xencloned writes the
# child's frontend in the XenStore copy's transaction and netback connects
# the waiting backend (the very interface the shell had, same ifindex); the
# child answers HTTP at its own address. Mode same: the backend takes the
# parent's MAC before netback connects, and the vif moves from the bridge
# into the family's bond. Xen-made children (--no-shells) go the usual way.
# Destroying a child leaves no vif, port, backend or XenStore home;
# chaosd's exit removes its shells' vifs; Xen's free memory is exact.
# Shells destroyed by someone else (gone at once, or kept dying for 15 s)
# lose their vif, backend and stand-in home to xencloned's reaper; chaosd
# counts them lost and makes others. The
# vifs phase of xencloned --status with and without a shell is printed
# (diag; docs/shell-lifecycle.md has the figures).
# run-in-dom0: timeout=900
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/chaos.sh
. /usr/lib/xen-clone/minios-guest.sh

PIP=198.18.0.11
BIN=/usr/lib/xen-clone/bin
LOG=/var/log/xen/xencloned.log
plan 64

chaosd_conf_clone cv 64 1 xenbr0

be_of() { echo "/local/domain/0/backend/vif/$1/0"; }
is_port() { [ "$(basename "$(readlink "/sys/class/net/$1/brport/bridge" 2>/dev/null)")" = xenbr0 ]; }
master_of() { basename "$(readlink "/sys/class/net/$1/master" 2>/dev/null)"; }
ifindex() { cat "/sys/class/net/$1/ifindex" 2>/dev/null; }
domid_at() {
    wget -S -O /dev/null "http://$1/" 2>&1 |
        awk 'tolower($1) == "x-domid:" {print $2}' | tr -d '\r'
}
# phase CHILD NAME: that phase of CHILD in xencloned --status (us).
phase() {
    xencloned --status | sed -n "s/.*{\"child\":$1,[^}]*\"phases\":{\([^}]*\)}.*/\1/p" |
        tr ',' '\n' | awk -F: -v k="\"$2\"" '$1 == k {print $2}'
}
# total CHILD: xencloned's whole set-up of CHILD (us).
total() { xencloned --status | sed -n "s/.*{\"child\":$1,[^}]*\"total_us\":\([0-9]*\).*/\1/p"; }
# figures CHILD: "vifs/xenstore_copy/total" in ms.
figures() {
    _v=$(phase "$1" vifs) _x=$(phase "$1" xenstore_copy) _t=$(total "$1")
    echo "$((${_v:-0} / 1000))/$((${_x:-0} / 1000))/$((${_t:-0} / 1000))"
}
# clone_one ARGS...: xl clone ARGS h; $c the child (empty on failure).
clone_one() { c=$(xl clone "$@" h 2>/tmp/clone.err | grep -E '^[0-9]+$' | head -n 1); }
# replaced N SHELL: chaosd counts N shells lost, SHELL's record is gone,
# and another shell is ready in its place.
replaced() {
    [ "$(pool_col cv 11)" = "$1" ] && [ ! -e "/var/run/chaos/shell-$2" ] &&
        [ "$(ready cv)" = 1 ] && ! cshells | grep -qx "$2"
}
# gone CHILD: no vif, backend or home of CHILD is left.
gone() {
    ! ip link show "vif$1.0" >/dev/null 2>&1 && ! xenstore-exists "$(be_of "$1")" &&
        ! xenstore-exists "/local/domain/$1"
}

ok "httpd created" guest_create h httpd
ok "  serving" wait_console 90 h "^httpd: serving 1024 bytes"
p=$(domid_of h)
ok "mode new for its children (data/clone/net-mode)" \
    xenstore-write "/local/domain/$p/data/clone/net-mode" new

# Without shells (chaosd not running): the usual path, three times.
without=""
for i in 1 2 3; do
    clone_one
    [ -n "$c" ] && wait_console 60 "h-clone-$c" "^net: clone: " >/dev/null 2>&1
    without="$without $(figures "$c")"
    destroy_wait "$c"
done
ok "three Xen-made clones with a vif set up and destroyed" gone "$c"
diag "without a shell, vifs/xenstore_copy/total (ms):$without"
base=$(free_pages)

start_chaosd "chaosd starts with a clone flavour with a vif (cv)" cv 1
s=$(cshells | head -n 1)
is "$(xenstore-read "$(be_of "$s")/state" 2>&1)" 2 "the shell's ($s) vif backend waits in InitWait"
is "$(xenstore-read "$(be_of "$s")/hotplug-status" 2>&1)" connected "  hotplug-status=connected"
ok "  vif$s.0 is a port of xenbr0" is_port "vif$s.0"
is "$(dom_pages "$s")" 0 "  the shell holds no memory"
idx=$(ifindex "vif$s.0")

clone_one
is "$c" "$s" "xl clone h: the child is the shell ($s)"
ok "xencloned reused the shell's backend (mode new)" grep -qE \
    "child $c: vif$c.0 \(vif 0 of $p\) connected, mode new, ip [0-9.]+, the shell's backend reused" $LOG
is "$(ifindex "vif$c.0")" "$idx" "  the very interface the shell had (ifindex $idx)"
is "$(xenstore-read "$(be_of "$c")/state" 2>&1)" 4 "  its backend is Connected"
is "$(xenstore-read "/local/domain/$c/device/vif/0/backend" 2>&1)" "$(be_of "$c")" \
    "  the child's frontend names it"
like "$(xenstore-read "$(be_of "$c")/mac" 2>&1)" "^00:16:3e:5c:" \
    "  with the child's own MAC (mode new)"
is "$(xenstore-read "$(be_of "$c")/cloned-from" 2>&1)" "$p" "  marked cloned-from $p"
ok "  no longer marked as a shell's" sh -c "! xenstore-exists $(be_of "$c")/chaos-shell"
ok "  still a port of xenbr0" is_port "vif$c.0"
cip=$(xenstore-read "$(be_of "$c")/ip" 2>/dev/null)
ok "the child took its address ($cip) up" wait_console 60 "h-clone-$c" \
    "^net: clone: $cip/24 mac 00:16:3e:5c:"
is "$(domid_at "$cip")" "$c" "the child answers HTTP at $cip as domain $c" ||
    show_console "h-clone-$c"
is "$(domid_at $PIP)" "$p" "the parent still answers at $PIP"
out=$($BIN/minios-httpcheck "$cip" 80 100 2>&1 | tail -1)
like "$out" 'connections 100, requests 100 ok, errors 0$' \
    "  100 connections to the child, zero errors"
with=" $(figures "$c")"
ok "xl destroy the child" destroy_wait "$c"
ok "  no vif, backend or home of it is left" wait_for 30 gone "$c"
ok "the pool refills" wait_for 60 pool_is cv 1

# Two more, for the figures.
for i in 2 3; do
    wait_for 60 pool_is cv 1
    clone_one
    [ -n "$c" ] && wait_console 60 "h-clone-$c" "^net: clone: " >/dev/null 2>&1
    with="$with $(figures "$c")"
    grep -qE "child $c: vif$c.0 .* the shell's backend reused" $LOG || with="$with(no-shell!)"
    destroy_wait "$c"
done
ok "two more clones into shells, destroyed" wait_for 30 gone "$c"
diag "with a shell's backend, vifs/xenstore_copy/total (ms):$with"
grep "of its shell reused: planned" $LOG | sed 's/^/# xencloned: /'
tail -n 10 /var/log/xen/chaosd.log 2>/dev/null | sed 's/^/# chaosd: /'
unlike_noshell() { ! echo "$with" | grep -q no-shell; }
ok "  all three reused a shell's backend" unlike_noshell

# --no-shells: the usual path with chaosd running.
wait_for 60 pool_is cv 1
s=$(cshells | head -n 1)
clone_one --no-shells
ok "xl clone --no-shells: a Xen-made child ($c, the shell is $s)" test -n "$c" -a "$c" != "$s"
ok "  its vif made the usual way" grep -qE \
    "child $c: vif$c.0 \(vif 0 of $p\) connected, mode new, mac 00:16:3e:5c:" $LOG
ok "  the shell's backend still waits" test "$(xenstore-read "$(be_of "$s")/state")" = 2
destroy_wait "$c"

# Mode same: the parent's MAC, the family bond.
pmac=$(xenstore-read "$(be_of "$p")/mac")
ok "mode same for its children" xenstore-write "/local/domain/$p/data/clone/net-mode" same
clone_one
is "$c" "$s" "xl clone h (mode same): the child is the shell ($s)"
ok "xencloned reused the shell's backend in the family's bond" grep -qE \
    "child $c: vif$c.0 \(vif 0 of $p\) connected, mode same, bond xcb$p.0, the shell's backend reused" $LOG
is "$(xenstore-read "$(be_of "$c")/mac" 2>&1)" "$pmac" \
    "  its backend has the parent's MAC ($pmac), written before netback connected"
is "$(xenstore-read "$(be_of "$c")/state" 2>&1)" 4 "  Connected"
slot=$(cat "/sys/class/net/vif$c.0/ifalias" 2>/dev/null)
ok "  vif$c.0 left xenbr0 for a slot ($slot) of the bond xcb$p.0" sh -c \
    "[ -z '$(master_of "vif$c.0")' ] && [ '$(master_of "xcs${slot#xcp}")' = xcb$p.0 ] &&
     [ \"\$(cat /sys/class/net/$slot/ifalias)\" = vif$c.0 ]"
ok "  the child runs" wait_for 30 state_has "h-clone-$c" "[rb]"
out=$($BIN/minios-httpcheck "$PIP" 80 50 2>&1 | tail -1)
like "$out" 'connections 50, requests 50 ok, errors 0$' \
    "  the family answers at $PIP (50 connections, zero errors)"
ok "xl destroy the child" destroy_wait "$c"
ok "  no vif, backend or home of it is left" wait_for 30 gone "$c"

# A shell Xen refuses (a chaos-made parent: grant v1): xl destroys it
# unused; xencloned's reaper removes its vif, backend and stand-in home.
out=$(chaos create --direct /etc/xen/examples/counter.cfg name=cp 2>&1); st=$?
is "$st" 0 "chaos create --direct counter as cp (no vif)"
ok "  the pool is full" wait_for 60 pool_is cv 1
s=$(cshells | head -n 1)
k=$(xl clone cp 2>/tmp/clone.err | grep -E '^[0-9]+$' | head -n 1)
like "$(cat /tmp/clone.err)" "Xen refused pool 'cv''s shells" \
    "xl clone cp: Xen refused the shell ($s), xl says so; child $k made by Xen"
destroy_wait "$k"
chaos destroy cp >/dev/null 2>&1
ok "  the refused shell's vif, backend and home are removed" wait_for 30 gone "$s"

# A clone shell dropped with xc_domain_destroy() alone, with no domain made
# or destroyed after it: xenstored raises @releaseDomain only for domains
# it was introduced to, so xencloned's reaper also runs every 2 s and the
# shell's vif, backend and stand-in home go anyway.
ok "the pool is full again" wait_for 60 pool_is cv 1
s=$(cshells | head -n 1)
sleep 3 # the watch events of the destroys above are delivered first
ok "  shell $s destroyed with xc_domain_destroy() only" $BIN/xen-destroy "$s"
ok "  its vif, backend and home are removed, no other domain event needed" wait_for 30 gone "$s"
ok "  chaosd counts it lost, removes its record and makes another" wait_for 60 replaced 1 "$s"

# A clone shell destroyed by someone else and kept dying meanwhile (Dom0
# gives it a page and maps it; a backend with a grant mapped keeps a
# domain so too): xencloned's reaper finds it dying, not gone, and removes its vif,
# backend and stand-in home at once (its backend directory, which the
# reaper walks, is gone after that pass, so a home left then would stay
# for good). chaosd, which would clean up a lost shell of its pool too, is
# stopped (SIGSTOP) meanwhile, so that only the reaper acts.
ok "the pool is full again (2)" wait_for 60 pool_is cv 1
s=$(cshells | head -n 1)
sleep 3
kill -STOP "$(chaosd_pid)"
$BIN/xen-destroy --dying 15 "$s" >/tmp/dying.out 2>&1 &
hp=$!
ok "  shell $s destroyed with xc_domain_destroy() only, kept dying (a page of it mapped), chaosd stopped" \
    wait_for 10 grep -q '^dying$' /tmp/dying.out || sed 's/^/#   /' /tmp/dying.out
ok "  its vif, backend and home are removed while it is dying" wait_for 12 gone "$s"
ok "  it was still dying then (Dom0 still mapped its page)" sh -c "! grep -q released /tmp/dying.out"
wait "$hp"
is "$?" 0 "  Dom0 unmaps the page"
ok "  Xen lets it go" wait_gone 30 "$s"
ok "  nothing of it is left" gone "$s"
kill -CONT "$(chaosd_pid)"
ok "  chaosd, resumed, counts it lost (2 in all), removes its record, makes another" \
    wait_for 60 replaced 2 "$s"

ok "SIGTERM: chaosd exits" stop_chaosd
ok "  its shells' vifs are gone" wait_for 30 sh -c \
    "! ls /sys/class/net | grep -v '^vif$p\.0\$' | grep -q '^vif'"
ok "  no vif backend but the parent's" sh -c \
    "[ \"\$(xenstore-list /local/domain/0/backend/vif 2>/dev/null | tr '\n' ' ')\" = '$p ' ]"
ok "  no XenStore home but Dom0's and the parent's" sh -c \
    "[ \"\$(xenstore-list /local/domain | sort -n | tr '\n' ' ')\" = '0 $p ' ]"
free_is_back "Xen's free memory exactly as before chaosd" "$base"
out=$($BIN/minios-httpcheck "$PIP" 80 20 2>&1 | tail -1)
like "$out" 'connections 20, requests 20 ok, errors 0$' "the parent serves on"
ok "xl destroy the parent" destroy_wait h
done_testing
