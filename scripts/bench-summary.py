#!/usr/bin/env python3
"""bench-summary.py: the README's table of headline figures from make bench."""
import json
import os
import sys


def load(outdir, name):
    path = os.path.join(outdir, f"{name}.json")
    try:
        with open(path) as f:
            return json.load(f)
    except OSError:
        return None


def medians(result, metric):
    """{(label, x): (median, unit)} of one metric of a benchmark result."""
    rows = (result or {}).get("metrics", {}).get(metric, [])
    return {(r["label"], r["x"]): (r["median"], r["unit"]) for r in rows}


def fmt(value):
    if value is None:
        return "n/a"
    median, unit = value
    if unit == "ms" and median >= 1000:
        return f"{median / 1000:.2f} s"
    return f"{median:.1f} {unit}" if median < 100 else f"{median:.0f} {unit}"


def clone_table(result):
    lat = medians(result, "latency_ms")
    pages = medians(result, "clone_pages")
    sizes = sorted({int(x) for (_, x) in lat if x.isdigit()})
    cols = [
        ("xl create (boot to first line)", "boot-xl-create"),
        ("clone: hypercall", "clone-hypercall"),
        ("clone: until the child runs", "clone-e2e"),
        ("guest fork()", "guest-fork"),
        ("guest fork+exit+wait", "guest-fork-exit-wait"),
        ("Dom0 process fork+exit+wait", "dom0-process-fork-exit-wait"),
    ]
    out = ["| guest | " + " | ".join(c[0] for c in cols) +
           " | memory per clone |",
           "|---" * (len(cols) + 2) + "|"]
    for mb in sizes:
        cells = [fmt(lat.get((label, str(mb)))) for _, label in cols]
        used = pages.get(("free-memory-used", str(mb)))
        mem = "n/a" if used is None else f"{used[0] * 4:.0f} KiB"
        out.append(f"| {mb} MB | " + " | ".join(cells) + f" | {mem} |")
    return out


def xs_table(result):
    times = medians(result, "clone_time")
    present = sorted({int(x) for (_, x) in times if x.isdigit()})
    out = ["| homes present | XS_CLONE | node by node, 1 transaction | "
           "node by node, none |", "|---|---|---|---|"]
    for n in present:
        cells = [fmt(times.get((m, str(n))))
                 for m in ("xs_clone", "node_tx", "node_notx")]
        out.append(f"| {n} | " + " | ".join(cells) + " |")
    return out


def boot_table(result):
    lat = medians(result, "create_to_first_line_ms")
    mem = medians(result, "xen_memory_per_domain_kib")
    out = ["| hello guest | xl create to first console line |",
           "|---|---|"]
    for (label, x), v in sorted(lat.items(), key=lambda kv: int(kv[0][1])):
        out.append(f"| {x} MB | {fmt(v)} |")
    m = mem.get(("hello-4MB", "-"))
    if m:
        out.append(f"| Xen memory per 4 MB guest | {m[0]:.0f} KiB |")
    return out


def httpd_table(result):
    rps = medians(result, "httpd_requests_per_s")
    lat = medians(result, "httpd_latency_ms")
    out = ["| wrk connections | guest httpd | same code as a Dom0 process |",
           "|---|---|---|"]
    for c in ("1", "10", "100"):
        cells = [f"{fmt(rps.get((w, c)))}, {fmt(lat.get((w, c)))}"
                 for w in ("guest", "linux")]
        out.append(f"| {c} | {cells[0]} | {cells[1]} |")
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-summary.py OUTDIR")
    outdir = sys.argv[1]
    parts = [("Cloning vs booting (xen/bench/clone.sh)", "xen-clone",
              clone_table),
             ("XenStore state of one guest, cloned "
              "(tools/xenstored-clone/bench/clone.sh)",
              "tools-xenstored-clone-clone", xs_table),
             ("minios-guest boot (minios-guest/bench/boot.sh)",
              "minios-guest-boot", boot_table),
             ("minios-guest httpd under wrk, requests/s and mean latency "
              "(minios-guest/bench/httpd.sh)", "minios-guest-httpd",
              httpd_table)]
    for title, name, table in parts:
        result = load(outdir, name)
        if result is None:
            continue
        print(f"**{title}**\n")
        print("\n".join(table(result)))
        print()


if __name__ == "__main__":
    main()
