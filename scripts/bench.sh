#!/bin/bash
# bench.sh: run every benchmark script (*/bench/*.sh, each a Dom0 script run
# through run-in-dom0) and turn its "bench:" lines into JSON and plots.
#
# A benchmark script prints, besides free text:
#   bench: METRIC LABEL X VALUE UNIT   one sample (X: a number or "-")
#   info: KEY VALUE...                 one fact (sizes, counts)
# scripts/bench-report.py aggregates samples (mean/median/min/max/stddev)
# into build/bench/<component>-<name>.json and plots each METRIC as PNG.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"

OUT=$BUILD/bench
mkdir -p "$OUT"
mapfile -t benches < <(find . -path ./build -prune -o -path '*/bench/*.sh' -print | sort)
[ $# -eq 0 ] || benches=("$@")
[ ${#benches[@]} -gt 0 ] || die "no benchmark scripts found"
status=0
for b in "${benches[@]}"; do
    comp=$(dirname "$(dirname "${b#./}")" | tr / -)
    name=$comp-$(basename "$b" .sh)
    msg "benchmark $name ($b)"
    if tests/nested/run-in-dom0 "$b" | tee "$OUT/$name.log"; then
        python3 scripts/bench-report.py "$name" "$OUT/$name.log" "$OUT"
    else
        warn "benchmark $b failed; see $OUT/$name.log"
        status=1
    fi
done
python3 scripts/bench-summary.py "$OUT" >"$OUT/summary.md"
msg "results: $OUT/*.json, plots: $OUT/*.png, summary: $OUT/summary.md"
cat "$OUT/summary.md"
exit $status
