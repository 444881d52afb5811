#!/bin/sh
# ibt-check.t: scripts/check-ibt-targets.py (run by the Xen build) finds a
# function whose address is taken without cf_check, in a table and passed
# as an argument, with and without -ffunction-sections; and passes the
# same code once every such function is marked.
top=$(cd "$(dirname "$0")/../../.." && pwd)
check=$top/scripts/check-ibt-targets.py
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { # ok COND-EXIT-STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
cat >"$tmp/t.c" <<'C'
/* Xen's cf_check, and functions whose addresses escape three ways. */
typedef int (*fn_t)(int);
#ifdef MARK
#define MAYBE __attribute__((cf_check))
#else
#define MAYBE
#endif
__attribute__((noinline)) static int __attribute__((cf_check)) good(int x) { return x + 1; }
__attribute__((noinline)) static int MAYBE in_table(int x) { return x * 3; }
__attribute__((noinline)) static int MAYBE passed(int x) { return x * 5; }
__attribute__((noinline)) static int called(int x) { return x - 1; }
fn_t table[] = { good, in_table };
extern int call(fn_t f, int x);
int use(int x) { return call(passed, x) + call(good, x) + called(x); }
C
echo "1..9"
for split in "" -ffunction-sections; do
    what=${split:-one .text}
    cc -O2 -fcf-protection=branch -mmanual-endbr $split -c "$tmp/t.c" -o "$tmp/t.o"
    "$check" "$tmp/t.o" 2>"$tmp/err"; rc=$?
    ok "$([ $rc = 1 ] && echo 0)" "unmarked targets refused ($what)"
    ok "$(grep -q 'in_table has its address taken' "$tmp/err" && echo 0)" \
        "  the one in a table is named"
    ok "$(grep -q 'passed has its address taken' "$tmp/err" &&
         ! grep -qE 'good|called' "$tmp/err" && echo 0)" \
        "  the one passed as an argument, and neither the marked nor the called one"
    cc -O2 -fcf-protection=branch -mmanual-endbr $split -DMARK -c "$tmp/t.c" -o "$tmp/t.o"
    "$check" "$tmp/t.o" 2>"$tmp/err"
    ok $? "all marked: passes ($what)"
done
"$check" "$tmp/missing.o" 2>/dev/null
ok "$([ $? = 2 ] && echo 0)" "a missing object is an error (exit 2), not a pass"
[ $failed = 0 ]
