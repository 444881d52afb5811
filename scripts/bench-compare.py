#!/usr/bin/env python3
"""bench-compare.py: one benchmark's logs from several builds, side by side."""
import statistics
import sys
from collections import OrderedDict


def parse(path):
    """{metric: {(label, x): [values]}} from a log's 'bench:' lines."""
    out = OrderedDict()
    with open(path, errors="replace") as log:
        for line in log:
            w = line.split()
            if len(w) >= 6 and w[0] == "bench:":
                try:
                    value = float(w[4])
                except ValueError:
                    sys.exit(f"bench-compare: bad value in {path}: {line.strip()}")
                out.setdefault(w[1], OrderedDict()).setdefault(
                    (w[2], w[3]), []).append(value)
    return out


def num(v):
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}" if abs(v) < 100 else f"{v:.0f}"


def cell(values):
    if not values:
        return "-"
    return (f"{num(statistics.median(values))} "
            f"({num(min(values))}..{num(max(values))}), n={len(values)}")


def main():
    args = sys.argv[1:]
    if not args or any("=" not in a for a in args) or "-h" in args or "--help" in args:
        sys.exit("usage: bench-compare.py BUILD=LOG[,LOG...] ...\n"
                 "  pools the 'bench:' samples of each BUILD's logs and prints, per\n"
                 "  metric, a Markdown table: one row per label and x, one column\n"
                 "  per BUILD: median (min..max) of the samples, and their number")
    builds = OrderedDict()
    for a in args:
        name, logs = a.split("=", 1)
        pooled = builds.setdefault(name, OrderedDict())
        for log in logs.split(","):
            try:
                parsed = parse(log)
            except OSError as e:
                sys.exit(f"bench-compare: {log}: {e.strerror}")
            for metric, rows in parsed.items():
                for key, values in rows.items():
                    pooled.setdefault(metric, OrderedDict()).setdefault(
                        key, []).extend(values)
    metrics = list(OrderedDict.fromkeys(m for b in builds.values() for m in b))
    for metric in metrics:
        keys = list(OrderedDict.fromkeys(
            k for b in builds.values() for k in b.get(metric, {})))
        print(f"\n{metric}: median (min..max) of the samples\n")
        print("| label | x | " + " | ".join(builds) + " |")
        print("|---|---|" + "---|" * len(builds))
        for key in keys:
            cells = [cell(b.get(metric, {}).get(key, [])) for b in builds.values()]
            print(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
