#!/bin/sh
# xlclone.t: `xl clone` from Dom0 of a guest busy on its 9pfs share (it
# appends a line to loop-<domid> in a loop: open, append, close). Xen
# stops the guest wherever it is, possibly in the middle of a request;
# xencloned has xen9pfsd clone the device: the child's device takes the
# parent's fids and attaches to the child's copied ring where its indexes
# stand. What the test asserts: both go on writing, each to its own file,
# every line whole; the child's own file is strictly consecutive; the
# parent's has at most two irregular lines, next to the clone point (the
# child may finish the parent's interrupted append: a repeated or
# overwritten line, never a torn one). See docs/9pfs-backend.md.
# run-in-dom0: timeout=600
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh

S=/tmp/share-loop
plan 11
rm -rf $S && mkdir -p $S

# lines FILE: its line count (0 if absent).
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
# grows FILE N: FILE has more than N lines.
grows() { [ "$(lines "$1")" -gt "$2" ]; }
# irregular FILE DOMID: lines that are not "DOMID SEQ" with SEQ one more
# than the line before (the first line counts from its own SEQ).
irregular() {
    awk -v d="$2" '
        # SEQ as a decimal number (busybox awk reads a leading 0 as octal).
        function seq(s) { sub(/^0+/, "", s); return s == "" ? 0 : s + 0 }
        length($0) != 14 || $1 != d || $2 !~ /^[0-9]+$/ || length($2) != 8 { bad++; next }
        NR > 1 && seq($2) != prev + 1 { bad++ } { prev = seq($2) }
        END { print bad + 0 }' "$1"
}
# show_irregular FILE DOMID: the first irregular lines, with the one before.
show_irregular() {
    awk -v d="$2" '
        function seq(s) { sub(/^0+/, "", s); return s == "" ? 0 : s + 0 }
        { ok = length($0) == 14 && $1 == d && length($2) == 8 &&
               (NR == 1 || seq($2) == prev + 1) }
        !ok && n < 8 { n++; printf "#   line %d: [%s] after [%s]\n", NR, $0, last }
        { last = $0; if (length($2) == 8) prev = seq($2) }' "$1"
}

ok "a files guest appending in a loop" p9_guest gl $S -- 'cmdline="mode=loop files=0"'
P=$(domid_of gl)
ok "  it is busy" wait_console 120 gl "^files: loop: $P at 200$"
out=$(xl clone gl 2>&1); st=$?
is "$st" 0 "xl clone of the busy guest exits 0"
C=$(echo "$out" | head -n 1)
like "$(cat /var/log/xen/xen9pfsd.log)" "device $C/0: clone of $P/0 with [0-9]+ fids" \
    "xen9pfsd cloned the device for child $C"
ok "the child appends to its own file" wait_for 120 grows $S/loop-$C 100
n=$(lines $S/loop-$P)
ok "the parent goes on with its own" wait_for 120 grows $S/loop-$P $((n + 100))
xl pause gl; xl pause "$C"
is "$(irregular $S/loop-$C $C)" 0 "the child's file: every line whole and consecutive" ||
    { show_irregular $S/loop-$C $C; grep -m5 'failed' "$CONSOLE_DIR/guest-gl-clone-$C.log" | sed 's/^/#   /'; }
bad=$(irregular $S/loop-$P $P)
cmp_ok "$bad" -le 2 "the parent's file: every line whole, at most 2 irregular ($bad)" ||
    { show_irregular $S/loop-$P $P; grep -m5 'failed' "$CONSOLE_DIR/guest-gl.log" | sed 's/^/#   /'; }
ok "no other file appeared" sh -c "[ \$(ls $S | wc -l) = 2 ]"
ok "xen9pfsd still runs" p9_daemon_alive
xl destroy "$C" >/dev/null 2>&1
destroy_wait gl
ok "both devices are gone" wait_for 60 sh -c \
    "! grep -qE '\"domid\": ($P|$C),' /var/run/xen9pfsd.json"
done_testing
