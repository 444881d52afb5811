#!/bin/sh
# bench-report.t: scripts/bench-report.py on a made-up benchmark log: the
# JSON has each (method, x)'s median, min and max; numeric x gives one line
# per method (a gnuplot data block each, x sorted) with the x axis named by
# "info: x_axis"; x "-" gives bars; text is rendered as typed (noenhanced);
# a log without samples is refused.
cd "$(dirname "$0")/../.." || exit 1
command -v gnuplot >/dev/null || { echo "Bail out! gnuplot missing (make deps installs it)"; exit 1; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
n=0 bad=0
t() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; bad=1; fi; }
echo 1..8
cat >"$T/log" <<'LOG'
noise: not a sample
info: x_axis guest memory (MB)
bench: wait_ms fast_path 1024 30 ms
bench: wait_ms fast_path 256 10 ms
bench: wait_ms fast_path 256 12 ms
bench: wait_ms fast_path 256 11 ms
bench: wait_ms slow 256 40 ms
bench: wait_ms slow 1024 90 ms
bench: phase_us copy - 7 us
bench: phase_us commit - 9 us
LOG
python3 scripts/bench-report.py demo "$T/log" "$T" >"$T/out" 2>&1
t "the report runs" '[ $? = 0 ]'
t "median, min and max of fast_path at 256" \
  "python3 -c 'import json,sys; m=json.load(open(\"$T/demo.json\"))[\"metrics\"][\"wait_ms\"]; r=[r for r in m if (r[\"label\"],r[\"x\"])==(\"fast_path\",\"256\")][0]; sys.exit((r[\"median\"],r[\"min\"],r[\"max\"],r[\"n\"])!=(11,10,12,3))'"
t "numeric x: one data block per method, x sorted" \
  "[ \"\$(grep -c '^# \"' $T/demo-wait_ms.dat)\" = 2 ] && [ \"\$(grep -v '^#' $T/demo-wait_ms.dat | grep . | cut -d' ' -f1 | tr '\n' ' ')\" = '256 1024 256 1024 ' ]"
t "both plots written" "[ -s $T/demo-wait_ms.png ] && [ -s $T/demo-phase_us.png ]"
t "x \"-\": one bar per label" "[ \"\$(cut -d' ' -f1 $T/demo-phase_us.dat | tr '\n' ' ')\" = '\"copy\" \"commit\" ' ]"
python3 - "$T" <<'PY' >/dev/null 2>&1
import subprocess, sys, importlib.util
spec = importlib.util.spec_from_file_location("br", "scripts/bench-report.py")
br = importlib.util.module_from_spec(spec); spec.loader.exec_module(br)
seen = []
real = subprocess.run
def fake(cmd, input=None, **kw):
    seen.append(input)
    return real(cmd, input=input, **kw)
br.subprocess.run = fake
samples, info = br.parse(sys.argv[1] + "/log")
rows = [dict(label=l, x=x, unit=e["unit"], **br.summary(e["values"]))
        for (l, x), e in samples["wait_ms"].items()]
br.plot("demo", "wait_ms", rows, sys.argv[1], info)
open(sys.argv[1] + "/script", "w").write(seen[0])
PY
t "text rendered as typed (noenhanced), title as typed" \
  "grep -q 'noenhanced' $T/script && grep -q 'set title \"demo: wait_ms, median and min..max\"' $T/script"
t "the x axis named from info: x_axis; a legend entry per method" \
  "grep -q 'set xlabel \"guest memory (MB)\"' $T/script && grep -q 'title \"fast_path\"' $T/script && grep -q 'title \"slow\"' $T/script"
echo "noise only" >"$T/empty"
t "a log without samples is refused" "! python3 scripts/bench-report.py demo $T/empty $T >/dev/null 2>&1"
exit $bad
