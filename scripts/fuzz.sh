#!/bin/bash
# fuzz.sh: the clone_op fuzzing campaign (make fuzz; not run by CI). Boots
# Xen in QEMU once per seed and runs the guest fuzzer clonefuzz for CALLS
# calls; writes build/fuzz/results.md and results.json: calls, results by
# errno, forks, Xen crashes (a run whose Xen or Dom0 died), pages leaked.
#   FUZZ_SEEDS="1 2 3" FUZZ_CALLS=100000 scripts/fuzz.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SEEDS=${FUZZ_SEEDS:-"1 2 3 4"}
CALLS=${FUZZ_CALLS:-100000}
OUT=$BUILD/fuzz
mkdir -p "$OUT"
rm -f "$OUT"/seed-*.log
for s in $SEEDS; do
    msg "clonefuzz seed $s, $CALLS calls (log: build/fuzz/seed-$s.log)"
    dir=$(mktemp -d)
    cat >"$dir/script" <<SCRIPT
#!/bin/sh
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
warm_xen_tables
before=\$(free_pages)
guest_create fuzz clonefuzz 'cmdline="seed=$s calls=$CALLS"' >/dev/null 2>&1
wait_console 7200 fuzz '^exit [0-9]+\$'
grep -a '^clonefuzz:' \$CONSOLE_DIR/guest-fuzz.log | grep -v ' calls\$'
xl destroy fuzz >/dev/null 2>&1
wait_for 60 sh -c '! xl list | grep -q fuzz'
wait_free_pages 30 "\$before"
echo "leaked-pages \$((before - \$(free_pages)))"
SCRIPT
    chmod +x "$dir/script"
    set +e
    "$TOP/tests/nested/run-in-dom0" -t 7500 "$dir/script" >"$OUT/seed-$s.log" 2>&1
    echo "exit $?" >>"$OUT/seed-$s.log"
    set -e
    rm -rf "$dir"
done
python3 - "$OUT" "$CALLS" $SEEDS <<'PY'
import json, re, sys
out, calls, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
runs = []
for s in seeds:
    log = open(f"{out}/seed-{s}.log", errors="replace").read()
    res = re.search(r"^clonefuzz: results:(.*)$", log, re.M)
    forks = re.search(r"^clonefuzz: (\d+) forks", log, re.M)
    leak = re.search(r"^leaked-pages (-?\d+)", log, re.M)
    code = re.search(r"^exit (\d+)", log, re.M)
    # "results: ok=N Operation not permitted=N ...": names have blanks.
    counts = dict(re.findall(r"\s*([^=]+?)=(\d+)", res.group(1))) if res else {}
    runs.append({"seed": int(s), "calls": calls if res else None,
                 "results": {k: int(v) for k, v in counts.items()},
                 "forks": int(forks.group(1)) if forks else None,
                 "xen_or_dom0_died": not res or (code and code.group(1) in ("125",)),
                 "pages_leaked": int(leak.group(1)) if leak else None})
json.dump({"calls_per_seed": calls, "runs": runs}, open(f"{out}/results.json", "w"), indent=1)
with open(f"{out}/results.md", "w") as f:
    f.write("| seed | calls | forks | Xen/Dom0 died | pages leaked | results by errno |\n|---|---|---|---|---|---|\n")
    for r in runs:
        res = ", ".join(f"{k} {v}" for k, v in sorted(r["results"].items(), key=lambda kv: -kv[1]))
        f.write(f"| {r['seed']} | {r['calls']} | {r['forks']} | {'yes' if r['xen_or_dom0_died'] else 'no'} | {r['pages_leaked']} | {res} |\n")
print(open(f"{out}/results.md").read())
PY
