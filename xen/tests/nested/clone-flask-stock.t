#!/bin/sh
# clone-flask-stock.t: Xen's shell stock for guests' forks
# (CLONEOP_add_shells) under the FLASK hypervisor in enforcing mode (see
# clone-flask.t). chaosd's shells need a label: unlabelled, a domain is
# unlabeled_t, which the policy lets nobody create, and chaosd says so.
# With seclabel=clone_shell_t on its clone flavour (the policy's type for
# shells: no rights of its own), xencloned stocks its shells (it reads the
# stock as CLONEOP_get_info of Dom0: domain2 clone_info on dom0_t; it adds
# with domain2 clone_control on clone_shell_t) and Xen takes them; a
# clone_domU_t guest's fork gets a stocked shell as its child, which now
# carries the parent's label, not the shell's; a guest's own add_shells is
# refused.
# run-in-dom0: timeout=600 flask
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/chaos.sh
. /usr/lib/xen-clone/xencloned.sh

CLONE=system_u:system_r:clone_domU_t
SHELL=system_u:system_r:clone_shell_t
for app in forktest forkbomb clonebad; do
    [ -f "$IMAGES/$app" ] || bail_out "no $app image in $IMAGES"
done
plan 30

# stock, stock_ours, stock_is, in_list: xencloned.sh; label_of: tap.sh.
failed_some() { [ "$(pool_col c32 9)" -ge 1 ] 2>/dev/null; }

is "$(xl getenforce 2>&1)" Enforcing "Xen enforces FLASK"

# An unlabelled clone flavour: chaosd cannot make its shells, and says why.
chaosd_conf_clone c32 32 2
start_chaosd "chaosd starts with an unlabelled clone flavour"
ok "  its shells fail (pool c32 counts failures)" wait_for 30 failed_some
is "$(ready c32)" 0 "  none is ready"
like "$(grep -m1 'pool c32: preparing a shell failed' /var/log/xen/chaosd.log)" \
    'xc_domain_create: Permission denied .*refuses an unlabelled domain: give the flavour a seclabel' \
    "  chaosd's log: Xen refused the unlabelled domain, give it a seclabel"
ok "  SIGTERM: chaosd exits" stop_chaosd

# A labelled one: shells of type clone_shell_t.
chaosd_conf_clone c32 32 2
echo "seclabel=$SHELL" >>"$CHAOSD_CONF"
: >/var/log/xen/chaosd.log
start_chaosd "chaosd starts with seclabel=clone_shell_t on c32" c32 2
pool=" $(cshells | tr '\n' ' ')"
s1=$(cshells | head -n 1)
is "$(label_of "$s1")" "$SHELL" "  its shell $s1 is labelled clone_shell_t"
ok "  chaosd's log names the label" grep -q "flavour c32: shells labelled $SHELL" /var/log/xen/chaosd.log

CONF=/tmp/xencloned-stock.conf
printf '[service]\nfork_shells=2\n' >"$CONF"
ok "xencloned restarts with fork_shells=2" restart_xencloned -c "$CONF"
ok "  it is registered (xen2 clone_service)" wait_for 10 sh -c 'xencloned --status | grep -q "\"registered\":true"'

# A first fork: the stock is empty, Xen makes the child; then xencloned
# gives Xen 2 of chaosd's shells: CLONEOP_add_shells under FLASK.
ok "forktest fa (clone_domU_t, 16 MB) forks; its child runs and exits" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     guest_create fa forktest 'seclabel=\"$CLONE\"' memory=16 \
         'cmdline=\"children=1 mb=4 mode=fork\"' >/dev/null 2>&1 &&
     wait_console 60 fa '^parent ok'"
ok "xencloned stocks 2 shells: Xen accepted CLONEOP_add_shells" wait_for 60 stock_is 2
ours=$(stock_ours)
is "$(echo $ours | wc -w)" 2 "  it lists the 2 it gave Xen ($ours)"
ok "  they were chaosd's labelled shells ($pool)" sh -c \
    "[ -n '$ours' ] && for d in $ours; do echo '$pool ' | grep -q \" \$d \" || exit 1; done"
is "$(stock parent)" "$(domid_of fa)" "  the stock follows fa"
ok "  xencloned's log: shells given to Xen for fa's forks, no add_shells refused" sh -c \
    "grep -Eq 'stock: [0-9]+ shell\(s\) from chaosd given to Xen for forks of domain $(domid_of fa) ' /var/log/xen/xencloned.log &&
     ! grep -q 'CLONEOP_add_shells of .* failed' /var/log/xen/xencloned.log"
taken=$(stock taken)

# A second guest of that shape forks a child that lives on: a stocked shell.
ok "forkbomb fb (clone_domU_t, 16 MB) forks one child that lives on" \
    guest_create fb forkbomb "seclabel=\"$CLONE\"" memory=16 \
    'cmdline="mode=wide max=1 hold=120"'
fbkid() { xl list | awk '/^fb-clone-/ {print $2}'; }
ok "  its child runs" wait_for 90 sh -c "[ -n \"\$(xl list | awk '/^fb-clone-/')\" ]"
kid=$(fbkid)
ok "  the child ($kid) is a former stocked shell ($ours)" in_list "$kid" "$ours"
is "$(label_of "$kid")" "$CLONE" "  it carries the parent's label, clone_domU_t (no longer clone_shell_t)"
is "$(stock taken)" $((taken + 1)) "  Xen counts one more child taken from the stock"
ok "  xencloned's log names the shell taken" \
    grep -q "stock: fork of $(domid_of fb) took shell $kid" /var/log/xen/xencloned.log
ok "the stock is topped up to 2 again" wait_for 60 stock_is 2

# A guest's own add_shells: refused (clonebad's argument checks; its
# other checks expect the dummy policy's errors, so only these are read).
# Its bad forks (into an unmapped or read-only child list) fail before
# they take a shell from the stock: nothing leaves it.
# (in_xen added taken dropped [the shells]: a top-up would add new ones)
stock_now() { echo "$(stock in_xen) $(stock added) $(stock taken) $(stock dropped) [$(stock_ours)]"; }
before=$(stock_now)
ok "clonebad (clone_domU_t) runs its argument checks" sh -c \
    ". /usr/lib/xen-clone/tap.sh; . /usr/lib/xen-clone/minios-guest.sh
     guest_create cb clonebad 'seclabel=\"$CLONE\"' 'cmdline=\"only=args\"' \
         >/dev/null 2>&1 && wait_console 120 cb '^clonebad: (all|[0-9]+ of) [0-9]+ checks'"
is "$(grep -a -c '^clonebad: ok [0-9]* - \(give Xen.s fork stock\|add_shells\)' "$CONSOLE_DIR/guest-cb.log")" 3 \
    "  its 3 add_shells (itself, none, an unmapped argument) are refused with EPERM"
grep -a 'not ok' "$CONSOLE_DIR/guest-cb.log" | sed 's/^/# (clonebad under FLASK) /'
is "$(stock_now)" "$before" \
    "  Xen's stock is unchanged: the same 2 shells, none taken, dropped or added ($before)"
labels=$(for d in $(stock_ours); do label_of "$d"; done | sort -u)
is "$labels" "$SHELL" "  the shells in it are still clone_shell_t"

show_console fb
for d in $(xl list | awk '/^fb-clone-/ {print $1}'); do destroy_wait "$d"; done
for d in fa fb cb; do destroy_wait "$d"; done
stop_chaosd >/dev/null
ours=$(stock_ours)
/etc/xen-clone/init.d/50-xencloned stop >/dev/null 2>&1
ok "xencloned stopped: the stock Xen handed back ($ours) is destroyed" \
    wait_for 30 sh -c "[ -n '$ours' ] && for d in $ours; do ! xl list \$d >/dev/null 2>&1 || exit 1; done"
xencloned --pidfile /var/run/xencloned.pid >/dev/null 2>&1
done_testing
