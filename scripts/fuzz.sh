#!/bin/bash
# fuzz.sh: the clone_op fuzzing campaign (make fuzz; not run by CI). Boots
# Xen in QEMU once per part and seed, one run at a time: the guest fuzzer
# clonefuzz (CALLS calls per seed), the Dom0 fuzzer xen-clone-fuzz
# (DOM0_CALLS per seed) and the family soak xen-clone-soak (TREES trees);
# writes build/fuzz/results.md and results.json: calls, results by errno,
# clones and forks, Xen crashes (a run whose Xen or Dom0 died or that did
# not finish) and pages leaked.
#   FUZZ_PARTS="guest dom0 soak"  which parts run, in that order (default:
#       all three)
#   FUZZ_SEEDS="1 2 3 4" FUZZ_CALLS=100000          guest fuzzer
#   FUZZ_DOM0_SEEDS="1" FUZZ_DOM0_CALLS=100000      Dom0 fuzzer
#   FUZZ_SOAK_SEED=1 FUZZ_TREES=1000 FUZZ_SOAK_TIME=0   soak; TIME: start
#       no tree after that many seconds (0: no limit; the results say how
#       many trees ran)
#   FUZZ_GUEST_TIMEOUT=7500 FUZZ_DOM0_TIMEOUT=14400 FUZZ_SOAK_TIMEOUT=28800
#       whole-run timeouts (s): a run cut short counts as not finished
#   FUZZ_DEADLINE=EPOCH-SECONDS  no run goes on past it (cut short)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
PARTS=${FUZZ_PARTS:-"guest dom0 soak"}
SEEDS=${FUZZ_SEEDS:-"1 2 3 4"}
CALLS=${FUZZ_CALLS:-100000}
DOM0_SEEDS=${FUZZ_DOM0_SEEDS:-1}
DOM0_CALLS=${FUZZ_DOM0_CALLS:-100000}
SOAK_SEED=${FUZZ_SOAK_SEED:-1}
TREES=${FUZZ_TREES:-1000}
SOAK_TIME=${FUZZ_SOAK_TIME:-0}
SOAK_TIMEOUT=${FUZZ_SOAK_TIMEOUT:-28800}
GUEST_TIMEOUT=${FUZZ_GUEST_TIMEOUT:-7500}
DOM0_TIMEOUT=${FUZZ_DOM0_TIMEOUT:-14400}
OUT=$BUILD/fuzz
mkdir -p "$OUT"
for p in $PARTS; do
    case $p in guest | dom0 | soak) ;; *) die "unknown part '$p' in FUZZ_PARTS" ;; esac
done
for n in $CALLS $DOM0_CALLS $TREES $SOAK_TIMEOUT $SOAK_SEED $SEEDS $DOM0_SEEDS \
    $SOAK_TIME $GUEST_TIMEOUT $DOM0_TIMEOUT; do
    case $n in '' | *[!0-9]*) die "'$n' is not a number" ;; esac
done

# run NAME TIMEOUT: run $dir/script in a fresh Xen, output in $OUT/NAME.log.
# FUZZ_DEADLINE (seconds since the epoch) cuts every run's timeout short.
run() {
    local t=$2
    chmod +x "$dir/script"
    if [ -n "${FUZZ_DEADLINE:-}" ] && [ $((FUZZ_DEADLINE - $(date +%s))) -lt "$t" ]; then
        t=$((FUZZ_DEADLINE - $(date +%s)))
    fi
    if [ "$t" -lt 120 ]; then
        echo "not run: FUZZ_DEADLINE reached" >"$OUT/$1.log"
        echo "exit 124" >>"$OUT/$1.log"
        rm -rf "$dir"
        return
    fi
    set +e
    "$TOP/tests/nested/run-in-dom0" -t "$t" "$dir/script" >"$OUT/$1.log" 2>&1
    echo "exit $?" >>"$OUT/$1.log"
    set -e
    rm -rf "$dir"
}

# The common start of every run: Xen's tables grown and one clone made,
# so that free memory can be compared to the page afterwards.
WARM='. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
only_dom0() { [ "$(nr_domains)" = 1 ]; }
kill_all() {
    for d in $(xl list | awk '"'"'NR > 2 {print $2}'"'"'); do
        xl destroy "$d" >/dev/null 2>&1
    done
    wait_for 60 only_dom0
}
warm_xen_tables 24
guest_create warm counter >/dev/null 2>&1
wait_console 60 warm "counter [0-9]+: 1$"
xl clone warm >/dev/null 2>&1
kill_all
before=$(free_pages)'

rm -f "$OUT"/guest-*.log "$OUT"/dom0-*.log "$OUT"/soak.log "$OUT"/seed-*.log
part_guest() {
    for s in $SEEDS; do
        msg "clonefuzz seed $s, $CALLS calls (log: build/fuzz/guest-$s.log)"
        dir=$(mktemp -d)
        cat >"$dir/script" <<SCRIPT
#!/bin/sh
$WARM
guest_create fuzz clonefuzz 'cmdline="seed=$s calls=$CALLS"' >/dev/null 2>&1
wait_console $((GUEST_TIMEOUT - 300)) fuzz '^exit [0-9]+\$'
grep -a '^clonefuzz:' \$CONSOLE_DIR/guest-fuzz.log | grep -v ' calls\$'
kill_all
wait_free_pages 30 "\$before"
echo "leaked-pages \$((before - \$(free_pages)))"
SCRIPT
        run "guest-$s" "$GUEST_TIMEOUT"
    done
}
part_dom0() {
    for s in $DOM0_SEEDS; do
        msg "xen-clone-fuzz seed $s, $DOM0_CALLS calls (log: build/fuzz/dom0-$s.log)"
        dir=$(mktemp -d)
        cat >"$dir/script" <<SCRIPT
#!/bin/sh
$WARM
# Xen keeps a page or two after the first fuzzing run of a boot (tables
# and pools grown on first use): 3,000 calls of another seed first.
guest_create fzw counter >/dev/null 2>&1
wait_console 60 fzw 'counter [0-9]+: 1\$'
/usr/lib/xen-clone/bin/xen-clone-fuzz -s $((s + 1000)) -n 3000 \$(domid_of fzw) >/dev/null
kill_all
before=\$(free_pages)
guest_create fzp counter >/dev/null 2>&1
wait_console 60 fzp 'counter [0-9]+: 1\$'
/usr/lib/xen-clone/bin/xen-clone-fuzz -s $s -n $DOM0_CALLS \$(domid_of fzp)
echo "fuzzer-exit \$?"
kill_all
wait_free_pages 30 "\$before"
echo "leaked-pages \$((before - \$(free_pages)))"
SCRIPT
        run "dom0-$s" "$DOM0_TIMEOUT"
    done
}
part_soak() {
    msg "xen-clone-soak seed $SOAK_SEED, $TREES trees (log: build/fuzz/soak.log)"
    dir=$(mktemp -d)
    cat >"$dir/script" <<SCRIPT
#!/bin/sh
$WARM
/usr/lib/xen-clone/bin/xen-clone-soak -s $SOAK_SEED -n $TREES -t $SOAK_TIME
echo "soak-exit \$?"
kill_all
wait_free_pages 30 "\$before"
echo "leaked-pages \$((before - \$(free_pages)))"
SCRIPT
    run soak "$SOAK_TIMEOUT"
}
# The parts run in FUZZ_PARTS's order.
for p in $PARTS; do
    "part_$p"
done

python3 - "$OUT" "$PARTS" "$SEEDS" "$CALLS" "$DOM0_SEEDS" "$DOM0_CALLS" \
    "$SOAK_SEED" "$TREES" <<'PY'
import json, os, re, sys
out, parts, seeds, calls, dseeds, dcalls, sseed, trees = sys.argv[1:]
parts, calls, dcalls, trees = parts.split(), int(calls), int(dcalls), int(trees)
CRASH = re.compile(r"\(XEN\) (Panic on CPU|FATAL|Xen BUG|Assertion)|"
                   r"Kernel panic|general protection fault|BUG: ")

def read(name):
    p = f"{out}/{name}.log"
    return open(p, errors="replace").read() if os.path.exists(p) else ""

def num(rx, log, cast=int):
    m = re.search(rx, log, re.M)
    return cast(m.group(1)) if m else None

def counts(s):  # " ok=N EINVAL=N" (clonefuzz's names may have blanks)
    return {k.strip(): int(v) for k, v in re.findall(r"\s*([^=]+?)=(\d+)", s)}

def died(log, done):
    # run-in-dom0: 124 timeout (cut short, not a crash), 125 Xen/Dom0 died;
    # 143: the run was stopped (SIGTERM).
    code = num(r"^exit (\d+)", log)
    return bool(CRASH.search(log)) or code == 125 or (not done and code not in (124, 143))

def cut(log):
    return num(r"^exit (\d+)", log) in (124, 143)

res = {"guest": [], "dom0": [], "soak": None}
if "guest" in parts:
    for s in seeds.split():
        log = read(f"guest-{s}")
        r = re.search(r"^clonefuzz: results:(.*)$", log, re.M)
        done = bool(re.search(rf"^clonefuzz: done, seed {s}$", log, re.M))
        res["guest"].append({
            "seed": int(s), "calls": calls if done else None,
            "results": counts(r.group(1)) if r else {},
            "forks": num(r"^clonefuzz: (\d+) forks", log),
            "xen_or_dom0_died": died(log, done), "timed_out": cut(log),
            "pages_leaked": num(r"^leaked-pages (-?\d+)", log)})
if "dom0" in parts:
    for s in dseeds.split():
        log = read(f"dom0-{s}")
        r = re.search(r"^xen-clone-fuzz: results:(.*)$", log, re.M)
        done = bool(re.search(rf"^xen-clone-fuzz: done, seed {s}$", log, re.M))
        by_op = {m.group(1): counts(m.group(2)) for m in re.finditer(
            r"^xen-clone-fuzz: ([a-z_-]+): \d+ calls:(.*)$", log, re.M)}
        res["dom0"].append({
            "seed": int(s), "calls": num(r"^xen-clone-fuzz: (\d+) calls made", log),
            "clones": num(r"calls made, (\d+) clones made", log),
            "results": counts(r.group(1)) if r else {}, "by_subop": by_op,
            "clean_exit": num(r"^fuzzer-exit (\d+)", log) == 0,
            "xen_or_dom0_died": died(log, done), "timed_out": cut(log),
            "pages_leaked": num(r"^leaked-pages (-?\d+)", log)})
if "soak" in parts:
    log = read("soak")
    tl = re.findall(r"^xen-clone-soak: tree \d+: .*pages leaked (-?\d+)$", log, re.M)
    summ = re.search(r"^xen-clone-soak: \d+ trees: (.*)$", log, re.M)
    done = bool(re.search(rf"^xen-clone-soak: done, seed {sseed}$", log, re.M))
    res["soak"] = {
        "seed": int(sseed), "trees_asked": trees, "trees_done": len(tl),
        "trees_leaking": sum(1 for x in tl if int(x) != 0),
        "pages_leaked_in_trees": sum(int(x) for x in tl),
        "trees_with_domains_left": len(re.findall(r"^xen-clone-soak: tree \d+: domains left", log, re.M)),
        "summary": summ.group(1) if summ else None,
        "finished": done, "timed_out": cut(log),
        "xen_or_dom0_died": bool(CRASH.search(log)) or num(r"^exit (\d+)", log) == 125,
        "pages_leaked_at_end": num(r"^leaked-pages (-?\d+)", log)}
json.dump(res, open(f"{out}/results.json", "w"), indent=1)

def errs(d):
    return ", ".join(f"{k} {v:,}" for k, v in sorted(d.items(), key=lambda kv: -kv[1]))
yn = lambda b: "yes" if b else "no"
with open(f"{out}/results.md", "w") as f:
    if res["guest"]:
        f.write("Guest fuzzer (clonefuzz)\n\n| seed | calls | forks | Xen/Dom0 died | pages leaked | results by errno |\n|---|---|---|---|---|---|\n")
        for r in res["guest"]:
            f.write(f"| {r['seed']} | {r['calls'] or ('cut short' if r['timed_out'] else 'not finished')} | {r['forks']} | {yn(r['xen_or_dom0_died'])} | {r['pages_leaked']} | {errs(r['results'])} |\n")
        f.write("\n")
    if res["dom0"]:
        f.write("Dom0 fuzzer (xen-clone-fuzz)\n\n| seed | calls | clones | clean exit | Xen/Dom0 died | pages leaked | results by errno |\n|---|---|---|---|---|---|---|\n")
        for r in res["dom0"]:
            f.write(f"| {r['seed']} | {r['calls']} | {r['clones']} | {yn(r['clean_exit'])} | {yn(r['xen_or_dom0_died'])} | {r['pages_leaked']} | {errs(r['results'])} |\n")
        for r in res["dom0"]:
            for op, d in r["by_subop"].items():
                f.write(f"\n- seed {r['seed']}, {op}: {errs(d)}")
        f.write("\n\n")
    s = res["soak"]
    if s:
        f.write("Family soak (xen-clone-soak)\n\n| seed | trees done / asked | trees leaking | pages leaked | trees leaving domains | finished | Xen/Dom0 died |\n|---|---|---|---|---|---|---|\n")
        f.write(f"| {s['seed']} | {s['trees_done']} / {s['trees_asked']} | {s['trees_leaking']} | {s['pages_leaked_in_trees']} (at the end: {s['pages_leaked_at_end']}) | {s['trees_with_domains_left']} | {yn(s['finished'])} | {yn(s['xen_or_dom0_died'])} |\n\n{s['summary'] or ''}\n")
print(open(f"{out}/results.md").read())
PY
