#!/bin/sh
# clone-hoard.t: frames a clone family shares are charged to the family,
# against the max_shared Dom0 sets (issue #11, item 6). The guest app
# cowhoard writes a 1024-page buffer and forks, round after round; each
# child maps the buffer's shared frames a second time read-only, then
# writes its own copy, so that only those extra maps keep the frames
# alive; the family's shared frames grow by about 1024 a round. Dom0 sets
# max_shared to the original's pages plus 1.5 rounds: the third fork is
# refused with ENOSPC, before anything changed. Xen's figures (each
# member's own pages, the family's shared frames) are shown. On the
# previous main nothing charged the shared frames and there was no limit
# to set. Everything destroyed, Xen's free memory is back exactly (the
# family's count is dropped frame by frame as the last maps go).
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

T=/usr/lib/xen-clone/bin/xen-clone-test
N=1024
[ -f "$IMAGES/cowhoard" ] || bail_out "no cowhoard image in $IMAGES"
plan 25

info() { clone_info "$1" "$2"; }
no_clones_left() { ! xl list | grep -q 'hoard-clone'; }

ok "warm-up: Xen's tables for Dom0 grown" warm_xen_tables
before=$(free_pages)

xl create -p "$EXAMPLES/cowhoard.cfg" 'name="hoard"' \
    "cmdline=\"pages=$N rounds=8\"" >/dev/null 2>&1
d=$(domid_of hoard)
ok "xencloned gives the paused guest its policy (max_family 256)" \
    wait_for 30 sh -c "[ \"\$($T info $d | awk '\$1 == \"max_family\" {print \$2}')\" = 256 ]"
pages=$(info "$d" nr_pages)
is "$(info "$d" nr_shared)" 0 "before any fork its family shares nothing"
max_pages=$(/usr/lib/xen-clone/bin/xen-meminfo "$d" | awk '$1 == "max_pages" {print $2}')
is "$(info "$d" max_shared)" "$((256 * max_pages))" \
    "  the default max_shared: max_family 256 x its max_pages"
limit=$((pages + N + N / 2))
ok "Dom0 sets max_shared $limit (its $pages pages + 1.5 x $N)" \
    $T policy "$d" 1 64 256 16 "$limit"
is "$(info "$d" max_shared)" "$limit" "  Xen reports it"
xl unpause hoard

ok "round 1: the fork shares the guest's memory" \
    wait_console 120 hoard '^cowhoard: round 1: fork ok'
ok "round 2: the children's extra maps keep round 1's frames alive" \
    wait_console 120 hoard '^cowhoard: round 2: fork ok'
ok "round 3: the fork is refused with ENOSPC" \
    wait_console 120 hoard '^cowhoard: refused ENOSPC$'
grep -a '^cowhoard: round' "$CONSOLE_DIR/guest-hoard.log" | sed 's/^/# /'
grep -ah '^cowhoard: child' "$CONSOLE_DIR"/guest-hoard-clone-*.log 2>/dev/null |
    sed 's/^/# /'
line=$(console_line hoard '^cowhoard: round 3: fork refused')
like "$line" 'fork refused: No space left on device' \
    "  at round 3, not before or after"
s1=$(console_line hoard '^cowhoard: round 1: fork ok' |
    sed -n 's/.*family shares \([0-9]*\) of.*/\1/p')
s2=$(console_line hoard '^cowhoard: round 2: fork ok' |
    sed -n 's/.*family shares \([0-9]*\) of.*/\1/p')
cmp_ok "$((s2 - s1))" -ge "$N" \
    "the family's shared frames grew by at least $N in round 2 ($s1 -> $s2)"
ok "every child made its extra maps without new charges" sh -c \
    "grep -ah '^cowhoard: child [0-9]*: $N extra read-only maps; family shares' \
        $CONSOLE_DIR/guest-hoard-clone-*.log | awk '\$10 != \$13 {bad = 1} END {exit bad || NR < 2}'"

# The refusal changed nothing: same count, no third child, within family.
shared=$(info "$d" nr_shared)
like "$line" "family shares $shared of $limit frames \\($shared before the fork\\), 3 of 256 members" \
    "  nothing half-made: Xen's count is what it was before the refused fork ($shared of $limit), 3 members"
is "$(xl list | grep -c 'hoard-clone')" 2 "  only the 2 children of rounds 1 and 2 exist"
out=$(xl clone hoard 2>&1)
st=$?
is "$st" 1 "xl clone of the parent (its buffer private again) is refused too"
like "$out" "would exceed its family's max_shared \\($shared of $limit frames shared now\\)" \
    "  and says why"
is "$(info "$d" nr_shared)" "$shared" "  with the family's count unchanged"

# What Xen shows for each member: its own pages and its family's frames.
diag "Xen's figures (pages of 4 KiB):"
own=0 members=0
for m in hoard $(xl list | awk '/hoard-clone/ {print $1}'); do
    id=$(domid_of "$m")
    own=$((own + $(info "$id" nr_pages))) members=$((members + 1))
    diag "  $m (d$id): own pages $(info "$id" nr_pages), family shares $(info "$id" nr_shared) of $(info "$id" max_shared); xl list says $(xl list "$id" | awk 'NR == 2 {print $3}') MB"
done
# They account for the host memory the family holds: what Xen's free
# memory lost since before the guest was made is the members' own pages
# plus the family's shared frames, plus Xen's own per-domain structures
# (shared_info, grant and event-channel tables, vCPUs: at most 64 pages a
# domain). Without the family's count, 9000-odd pages were nobody's.
used=$((before - $(free_pages)))
gap=$((used - own - shared))
diag "  host pages used: $used = $own own + $shared shared + $gap Xen's ($members domains)"
ok "Xen's figures account for the memory the family holds ($used pages: $own own + $shared shared + $gap of Xen's own)" \
    test "$gap" -ge 0 -a "$gap" -le $((64 * members))
c1=$(domid_of "$(xl list | awk '/hoard-clone/ {print $1; exit}')")

# The user's view: xl clone-list.
ids=$(for m in hoard $(xl list | awk '/hoard-clone/ {print $1}'); do domid_of "$m"; done | tr '\n' ' ')
xl clone-list $ids >/tmp/cl.txt 2>&1
note_file /tmp/cl.txt
ok "xl clone-list: a row per member with its own MiB and the family's shared MiB" sh -c "
    for id in $ids; do
        awk -v id=\$id -v own=\$(( \$($T info \$id | awk '\$1 == \"nr_pages\" {print \$2}') / 256 )) \
            -v sh=$((shared / 256)) -v lim=$((limit / 256)) \
            '\$2 == id && \$3 == own && \$4 == sh && \$5 == lim {f = 1} END {exit !f}' /tmp/cl.txt || exit 1
    done"
xl clone-list -l $ids >/tmp/cl.json 2>&1
jown=$(sed -n 's/.*"own_pages": *\([0-9]*\).*/\1/p' /tmp/cl.json | awk '{t += $1} END {print t + 0}')
jshared=$(sed -n 's/.*"family_shared_pages": *\([0-9]*\).*/\1/p' /tmp/cl.json | sort -u | tr '\n' ' ')
is "$jown $jshared" "$own $shared " \
    "xl clone-list -l: the members' own pages ($own) and the family's shared frames ($shared), as Xen counts them"
out=$(xl clone-list hoard-nosuch 2>&1)
st=$?
is "$st" 1 "xl clone-list of no such domain fails"
like "$out" "no such domain 'hoard-nosuch'" "  and says which"
ok "a child's own pages (its $N copies) and its family's frames come from Xen" \
    sh -c "[ \$($T info $c1 | awk '\$1 == \"nr_pages\" {print \$2}') -ge $N ] &&
           [ \$($T info $c1 | awk '\$1 == \"nr_shared\" {print \$2}') = $shared ]"

xl destroy hoard >/dev/null 2>&1
for m in $(xl list | awk '/hoard-clone/ {print $1}'); do
    xl destroy "$m" >/dev/null 2>&1
done
ok "everything destroyed" wait_for 60 sh -c \
    "! xl list | grep -q hoard"
free_is_back "Xen's free memory is back exactly (every shared frame freed)" "$before"
