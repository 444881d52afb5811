#!/usr/bin/env python3
"""bench-report.py: aggregate a benchmark log's samples into JSON + plots."""
import json
import statistics
import subprocess
import sys
from collections import OrderedDict


def parse(path):
    samples = OrderedDict()   # metric -> (label, x) -> {"unit", "values"}
    info = OrderedDict()
    with open(path, errors="replace") as log:
        for line in log:
            words = line.split()
            if len(words) >= 6 and words[0] == "bench:":
                metric, label, x, value, unit = words[1:6]
                try:
                    value = float(value)
                except ValueError:
                    sys.exit(f"bench-report: bad value in: {line.strip()}")
                key = (label, x)
                entry = samples.setdefault(metric, OrderedDict()).setdefault(
                    key, {"unit": unit, "values": []})
                entry["values"].append(value)
            elif len(words) >= 3 and words[0] == "info:":
                info[words[1]] = " ".join(words[2:])
    return samples, info


def summary(values):
    return {
        "n": len(values),
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "stddev": statistics.stdev(values) if len(values) > 1 else 0.0,
        "samples": values,
    }


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def plot(name, metric, rows, outdir, info):
    """One PNG per metric. With numeric x (a size, a count): one line per
    label (method), x on the x axis, the median with min..max bars and a
    legend. Otherwise one bar per label. Text renders as typed (gnuplot's
    enhanced mode would turn _ into subscripts)."""
    unit = rows[0]["unit"]
    data = f"{outdir}/{name}-{metric}.dat"
    png = f"{outdir}/{name}-{metric}.png"
    head = f"""
set terminal png size 800,520 noenhanced
set output "{png}"
set title "{name}: {metric}, median and min..max"
set ylabel "{unit}"
set yrange [0:*]
set grid ytics
"""
    if all(is_number(r["x"]) for r in rows):
        labels = list(OrderedDict.fromkeys(r["label"] for r in rows))
        xs = sorted({float(r["x"]) for r in rows})
        with open(data, "w") as f:
            for label in labels:
                f.write(f'# "{label}"\n')
                for r in sorted((r for r in rows if r["label"] == label),
                                key=lambda r: float(r["x"])):
                    f.write(f'{r["x"]} {r["median"]} {r["min"]} {r["max"]}\n')
                f.write("\n\n")
        xlabel = info.get(f"x_axis.{metric}", info.get("x_axis", "x"))
        logx = len(xs) > 2 and xs[0] > 0 and xs[-1] / xs[0] >= 16
        # A tic at each x while they are few (sizes); gnuplot's own beyond
        # (counts: one sample every few instances, whose labels would run
        # into each other).
        xtics = (f'set xtics ({", ".join(f"{chr(34)}{x:g}{chr(34)} {x:g}" for x in xs)})'
                 if len(xs) <= 10 else "")
        curves = ", ".join(
            f'"{data}" index {i} using 1:2:3:4 with yerrorlines '
            f'title "{label}" lw 2 pt 7'
            for i, label in enumerate(labels))
        script = head + f"""
set xlabel "{xlabel}"
set key outside right top
{"set logscale x 2" if logx else ""}
{"set xrange [0:*]" if not logx and xs[0] >= 0 else ""}
{xtics}
set offsets graph 0.05, graph 0.05, 0, 0
plot {curves}
"""
    else:
        with open(data, "w") as f:
            for r in rows:
                label = r["label"] if r["x"] == "-" else f'{r["label"]} {r["x"]}'
                f.write(f'"{label}" {r["median"]} {r["min"]} {r["max"]}\n')
        script = head + f"""
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -30
plot "{data}" using 0:2:xtic(1) with boxes notitle, \\
     "{data}" using 0:2:3:4 with yerrorbars notitle lc rgb "black"
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return png


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: bench-report.py NAME LOG OUTDIR")
    name, log, outdir = sys.argv[1:]
    samples, info = parse(log)
    if not samples and not info:
        sys.exit(f"bench-report: {log} has no 'bench:' or 'info:' lines")
    result = {"benchmark": name, "info": info, "metrics": OrderedDict()}
    for metric, entries in samples.items():
        rows = []
        for (label, x), e in entries.items():
            row = {"label": label, "x": x, "unit": e["unit"]}
            row.update(summary(e["values"]))
            rows.append(row)
        result["metrics"][metric] = rows
        result.setdefault("plots", []).append(
            plot(name, metric, rows, outdir, info))
    with open(f"{outdir}/{name}.json", "w") as f:
        json.dump(result, f, indent=2)
    for metric, rows in result["metrics"].items():
        for r in rows:
            print(f'{name}: {metric} {r["label"]} {r["x"]}: median '
                  f'{r["median"]:.3f} {r["unit"]} (n={r["n"]}, '
                  f'min {r["min"]:.3f}, max {r["max"]:.3f})')
    for k, v in info.items():
        print(f"{name}: {k} = {v}")
    # The same as JSON on stdout (without the raw samples, which are in
    # the file), for scripts that read make bench's output.
    brief = {"benchmark": name, "json": f"{outdir}/{name}.json",
             "info": info, "metrics": OrderedDict()}
    for metric, rows in result["metrics"].items():
        brief["metrics"][metric] = [
            {k: r[k] for k in ("label", "x", "unit", "n", "median", "mean",
                               "min", "max")} for r in rows]
    print(json.dumps(brief, indent=1))


if __name__ == "__main__":
    main()
