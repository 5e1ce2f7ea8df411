# SPDX-License-Identifier: MIT
"""The DNS experiment's results: a summary per metric (mean, standard
deviation, 95% confidence interval per system and the ratio Mote/Linux), the
printed table, the CSV files and the plot (gnuplot, like the paper's Fig. 4).
"""

import csv
import math
import os
import subprocess

import stats

SYSTEMS = ("mote", "linux")
NAMES = {"mote": "Mote", "linux": "Linux"}

# (key, label, unit, where the samples come from)
#   ("rows", phase, column, per_1000): one sample per repetition, scaled to 1000 queries
#   ("boots",): the boot-time samples;  ("load", column) / ("extra", key): one value
METRICS = (
    ("cpu_ms_per_1000", "host CPU (utime+stime) per 1000 queries", "ms", ("rows", "cpu", "cpu_ms", True)),
    ("utime_ms_per_1000", "  of which user time", "ms", ("rows", "cpu", "utime_ms", True)),
    ("stime_ms_per_1000", "  of which system time", "ms", ("rows", "cpu", "stime_ms", True)),
    ("insns_per_1000", "guest instructions per 1000 queries", "insns", ("rows", "insn", "insns", True)),
    ("idle_insns_per_s", "  guest instructions per second while idle", "insns/s", ("rows", "insn", "idle_insns_per_s", False)),
    ("insns_net_per_1000", "  per 1000 queries less the idle rate", "insns", ("rows", "insn", "insns_net", True)),
    ("wall_ms_per_1000", "wall time of 1000 queries, one at a time", "ms", ("rows", "cpu", "wall_ms", True)),
    ("latency_p50_us", "query latency p50 (one at a time)", "us", ("rows", "cpu", "latency_p50_us", False)),
    ("latency_p99_us", "query latency p99 (one at a time)", "us", ("rows", "cpu", "latency_p99_us", False)),
    ("boot_ms", "boot: QEMU start to first answer, median", "ms", ("boots",)),
    ("rss_boot_kib", "QEMU RSS after boot", "KiB", ("rows", "cpu", "rss_boot_kib", False)),
    ("rss_after_kib", "QEMU RSS after 1000 queries", "KiB", ("rows", "cpu", "rss_after_kib", False)),
    ("min_mem_mib", "smallest -m that serves", "MiB", ("extra", "min_mem")),
    ("image_bytes", "image size (Mote dns.img; Linux kernel + initramfs)", "bytes", ("extra", "image_bytes")),
    ("idle_cpu_percent", "idle host CPU", "% of a core", ("load", "idle_cpu_percent")),
    ("dnsperf_qps", "dnsperf throughput", "queries/s", ("load", "dnsperf_qps")),
    ("dnsperf_latency_p50_us", "dnsperf latency p50", "us", ("load", "dnsperf_latency_p50_us")),
    ("dnsperf_latency_p99_us", "dnsperf latency p99", "us", ("load", "dnsperf_latency_p99_us")),
    ("dnsperf_lost", "dnsperf queries lost", "queries", ("load", "dnsperf_lost")),
)

REPS_COLUMNS = ("phase", "rep", "system", "first", "count", "answered", "correct", "retries",
                "boot_ms", "cpu_ms", "utime_ms", "stime_ms", "insns", "idle_insns_per_s", "insns_net",
                "wall_ms",
                "latency_p50_us", "latency_p99_us", "rss_boot_kib", "rss_after_kib", "errors")
# Shown (and compared) by their median: a few slow boots should not move the figure.
MEDIAN_METRICS = {"boot_ms"}
SUMMARY_STATS = ("n", "mean", "stdev", "ci_low", "ci_high", "median", "min", "max")


def samples(source, system, rows, extra, queries):
    kind = source[0]
    if kind == "rows":
        _, phase, col, per_1000 = source
        scale = 1000 / queries if per_1000 else 1
        return [float(r[col]) * scale for r in rows
                if r["phase"] == phase and r["system"] == system and r.get(col, "") != ""]
    if kind == "boots":
        return list(extra.get("boots", {}).get(system, []))
    if kind == "load":
        load = extra.get("load", {}).get(system)
        return [float(load[source[1]])] if load else []
    value = extra.get(source[1], {}).get(system)
    return [float(value)] if value is not None else []


def summarize(rows, extra, configs, queries):
    """[{'key', 'label', 'unit', 'mote': stats or None, 'linux': ..., 'ratio'}] per metric."""
    extra = dict(extra)
    extra["image_bytes"] = {s: sum(os.path.getsize(p) for p in configs[s]["images"])
                            for s in SYSTEMS if s in configs}
    out = []
    for key, label, unit, source in METRICS:
        entry = {"key": key, "label": label, "unit": unit}
        for s in SYSTEMS:
            xs = samples(source, s, rows, extra, queries)
            entry[s] = stats.summary(xs) if xs else None
        m, li = entry["mote"], entry["linux"]
        at = "median" if key in MEDIAN_METRICS else "mean"
        entry["ratio"] = stats.ratio(m[at], li[at]) if m and li else math.nan
        out.append(entry)
    return out


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    ax = abs(x)
    if ax >= 1e7:
        return f"{x / 1e6:,.2f}M"
    if ax >= 100 or x == int(x):
        return f"{x:,.0f}"
    return f"{x:.3g}"


def shown(st, median=False):
    """'mean ± half of the 95% CI' for several samples ('median (min-max)' if median),
    the value for one."""
    if st is None:
        return "-"
    if median and st["n"] > 1:
        return f"{fmt(st['median'])} ({fmt(st['min'])}-{fmt(st['max'])})"
    if st["n"] > 1 and not math.isnan(st["ci_high"]):
        return f"{fmt(st['mean'])} ± {fmt((st['ci_high'] - st['ci_low']) / 2)}"
    return fmt(st["mean"])


def board_label(meta):
    """'-M virt, virtio-net-device' (the board and NIC both systems ran on)."""
    return f"-M {meta.get('machine', 'virt')}, {meta.get('nic', 'virtio-net-device')}"


def table(summary, meta):
    head = ("metric", "unit", "Mote", "Linux", "Mote/Linux")
    med = [e["key"] in MEDIAN_METRICS for e in summary]
    body = [(e["label"], e["unit"], shown(e["mote"], m), shown(e["linux"], m),
             "-" if math.isnan(e["ratio"]) else f"{e['ratio']:.3f}") for e, m in zip(summary, med)]
    widths = [max(len(r[i]) for r in (head,) + tuple(body)) for i in range(len(head))]
    lines = [f"DNS experiment on {board_label(meta)}, {meta['date']}: {meta['reps']} reps "
             f"(plugin: {meta['insn_reps']}) "
             f"x {meta['queries']} queries, {meta['client']} client, zone of {meta['records']}, "
             f"-m {meta['mem_mib']}M",
             f"{meta['qemu']}; host {meta['host_cpu']} ({meta['host_cores']} cores); "
             f"Linux {meta['linux_kernel']}",
             "mean ± half of the 95% confidence interval where there are several samples; "
             "boot: median (min-max)"]
    for system, why in meta.get("left_out", {}).items():
        lines.append(f"{NAMES[system]} LEFT OUT: {why}")
    lines.append("")
    for r in (head,) + tuple(body):
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))))
        if r is head:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_reps_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=REPS_COLUMNS, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()})


def write_summary_csv(path, summary):
    cols = ["metric", "unit"] + [f"{s}_{k}" for s in SYSTEMS for k in SUMMARY_STATS] + \
        ["ratio_mote_over_linux"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for e in summary:
            row = [e["key"], e["unit"]]
            for s in SYSTEMS:
                st = e[s]
                row += [("" if st is None else round(st[k], 4)) for k in SUMMARY_STATS]
            row.append(round(e["ratio"], 4))
            w.writerow(row)


def plot_data(summary):
    """gnuplot data: two blocks (CPU ms, guest instructions in millions), one line per system:
    name mean ci_low ci_high (the mean again where there is no interval)."""
    blocks = []
    for key, scale in (("cpu_ms_per_1000", 1), ("insns_per_1000", 1e-6)):
        e = next(x for x in summary if x["key"] == key)
        lines = []
        for s in SYSTEMS:
            st = e[s]
            if st is None:
                continue
            lo, hi = st["ci_low"], st["ci_high"]
            if math.isnan(lo):
                lo = hi = st["mean"]
            lines.append(f'"{NAMES[s]}" {st["mean"] * scale:.6g} {lo * scale:.6g} '
                         f'{hi * scale:.6g}')
        blocks.append("\n".join(lines))
    return "\n\n\n".join(blocks) + "\n"


def gnuplot_script(data_path, png_path, summary, meta):
    ratio = {e["key"]: e["ratio"] for e in summary}
    return f"""set terminal pngcairo size 1000,450 font "sans,10"
set output "{png_path}"
set multiplot layout 1,2 title "DNS on QEMU TCG (aarch64 {board_label(meta)}, {meta['qemu'].split(' (')[0].replace('QEMU emulator version ', 'QEMU ')}): Mote vs Linux, same lib/dns; {meta['reps']} reps x {meta['queries']} queries, {meta['date']}"
set style fill solid 0.6 border -1
set boxwidth 0.5
set xrange [-0.6:1.6]
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid ytics
set key off
set ylabel "host CPU ms per 1000 queries"
set title sprintf("host CPU time of QEMU (95%% CI); Mote/Linux = %.3f", {ratio['cpu_ms_per_1000']:.6g})
plot "{data_path}" index 0 using 0:2:xtic(1) with boxes lc rgb "#4a7ab5", \\
     "" index 0 using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 lw 1.5
set ylabel "guest instructions per 1000 queries (millions)"
set title sprintf("guest instructions (TCG plugin, 95%% CI); Mote/Linux = %.3f", {ratio['insns_per_1000']:.6g})
plot "{data_path}" index 1 using 0:2:xtic(1) with boxes lc rgb "#c8743c", \\
     "" index 1 using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 lw 1.5
unset multiplot
"""


def write_all(results_dir, rows, summary, meta):
    """Writes dns_reps.csv, dns_summary.csv, dns_table.txt and dns_cpu.png; returns their paths."""
    reps = os.path.join(results_dir, "dns_reps.csv")
    summ = os.path.join(results_dir, "dns_summary.csv")
    text = os.path.join(results_dir, "dns_table.txt")
    dat = os.path.join(results_dir, "dns_plot.dat")
    gp = os.path.join(results_dir, "dns_plot.gp")
    png = os.path.join(results_dir, "dns_cpu.png")
    write_reps_csv(reps, rows)
    write_summary_csv(summ, summary)
    with open(text, "w") as f:
        f.write(table(summary, meta) + "\n")
    with open(dat, "w") as f:
        f.write(plot_data(summary))
    with open(gp, "w") as f:
        f.write(gnuplot_script(dat, png, summary, meta))
    out = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"gnuplot {gp} failed: {out.stderr.strip()}")
    return [reps, summ, text, png]
