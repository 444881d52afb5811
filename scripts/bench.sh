#!/bin/bash
# bench.sh: run every benchmark script (*/bench/*.sh, each a Dom0 script run
# through run-in-dom0) and turn its "bench:" lines into JSON and plots.
#
# A benchmark script prints, besides free text:
#   bench: METRIC LABEL X VALUE UNIT   one sample (X: a number or "-")
#   info: KEY VALUE...                 one fact (sizes, counts)
# scripts/bench-report.py aggregates samples (mean/median/min/max/stddev)
# into build/bench/<component>-<name>.json and plots each METRIC as PNG.
#
# BENCH_VARS="N=200 ROOM=64" sets those shell variables at the top of each
# script run (the scripts read their knobs as ${N:-1000}), e.g. a shorter
# growth run: BENCH_VARS=N=200 scripts/bench.sh tools/libchaos/bench/growth.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"

OUT=$BUILD/bench
mkdir -p "$OUT"
mapfile -t benches < <(find . -path ./build -prune -o -path '*/bench/*.sh' -print | sort)
[ $# -eq 0 ] || benches=("$@")
[ ${#benches[@]} -gt 0 ] || die "no benchmark scripts found"
for v in ${BENCH_VARS:-}; do
    [[ $v =~ ^[A-Z_][A-Z0-9_]*=[A-Za-z0-9_.,:/-]*$ ]] ||
        die "BENCH_VARS: '$v' is not NAME=VALUE (capitals, no spaces or quotes)"
done
status=0
for b in "${benches[@]}"; do
    comp=$(dirname "$(dirname "${b#./}")" | tr / -)
    name=$comp-$(basename "$b" .sh)
    msg "benchmark $name ($b)${BENCH_VARS:+ with $BENCH_VARS}"
    run=$b
    if [ -n "${BENCH_VARS:-}" ]; then
        # The first line and the "# run-in-dom0:" line stay where they were.
        run=$(mktemp -d)/$(basename "$b")
        { head -n 1 "$b"; echo "$BENCH_VARS"; tail -n +2 "$b"; } >"$run"
        chmod +x "$run"
        echo "info: bench_vars $BENCH_VARS" >"$OUT/$name.log"
    else
        : >"$OUT/$name.log"
    fi
    if tests/nested/run-in-dom0 "$run" | tee -a "$OUT/$name.log"; then
        python3 scripts/bench-report.py "$name" "$OUT/$name.log" "$OUT"
    else
        warn "benchmark $b failed; see $OUT/$name.log"
        status=1
    fi
    [ "$run" = "$b" ] || rm -rf "$(dirname "$run")"
done
python3 scripts/bench-summary.py "$OUT" >"$OUT/summary.md"
msg "results: $OUT/*.json, plots: $OUT/*.png, summary: $OUT/summary.md"
cat "$OUT/summary.md"
exit $status
