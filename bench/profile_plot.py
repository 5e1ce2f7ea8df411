#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Draws where a query's guest instructions go, by subsystem, from profiles
that bench/profiler.py wrote (bench/results/profile_<service>_<phase>.csv):
one bar per subsystem and profile, so that two trees (before and after a
change) or two modes (in-place and general API) read side by side.

    bench/profile_plot.py -o docs/img/profile-dns.png \\
        before=/tmp/old/profile_dns_paced.csv after=bench/results/profile_dns_paced.csv

Each LABEL=CSV is one profile; the picture is a gnuplot PNG (as the DNS
experiment's, bench/report.py). The subsystems are ordered by their largest
figure; the title gives each profile's total.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

COLOURS = ("#9a9a9a", "#4a7ab5", "#c8743c", "#5b9e4d")


def load(path):
    """The CSV's instructions per query (or per boot, per second) summed by subsystem."""
    by_sub = {}
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        col = next((i for i, h in enumerate(header) if h.startswith("insns_per_")), None)
        if col is None or "subsystem" not in header:
            raise ValueError(f"{path}: not a profile CSV of bench/profiler.py (header {header})")
        sub_col = header.index("subsystem")
        for row in rows:
            by_sub[row[sub_col]] = by_sub.get(row[sub_col], 0.0) + float(row[col])
    return header[col][len("insns_per_"):], by_sub


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("profiles", nargs="+", metavar="LABEL=CSV",
                   help=f"up to {len(COLOURS)} profiles, each a label and a CSV")
    p.add_argument("-o", "--output", required=True, help="the PNG to write")
    p.add_argument("--title", default="guest instructions by subsystem")
    p.add_argument("--min", type=float, default=5.0,
                   help="subsystems below this in every profile are left out")
    a = p.parse_args(argv)
    if len(a.profiles) > len(COLOURS):
        p.error(f"at most {len(COLOURS)} profiles (got {len(a.profiles)})")
    for spec in a.profiles:
        if "=" not in spec or not spec.split("=", 1)[0] or not spec.split("=", 1)[1]:
            p.error(f"'{spec}': expected LABEL=CSV (for example after=bench/results/x.csv)")
    return a


def main(argv=None):
    a = parse_args(argv)
    profiles = []
    for spec in a.profiles:
        label, path = spec.split("=", 1)
        try:
            unit, by_sub = load(path)
        except (OSError, ValueError, StopIteration) as e:
            sys.exit(f"profile_plot: {e}")
        profiles.append((label, unit, by_sub))
    subs = sorted({s for _, _, b in profiles for s in b},
                  key=lambda s: -max(b.get(s, 0) for _, _, b in profiles))
    subs = [s for s in subs if max(b.get(s, 0) for _, _, b in profiles) >= a.min]
    unit = profiles[0][1]
    totals = ", ".join(f"{label} {sum(b.values()):,.0f}" for label, _, b in profiles)
    with tempfile.TemporaryDirectory() as tmp:
        dat = os.path.join(tmp, "profile.dat")
        with open(dat, "w") as f:
            for s in subs:
                f.write(f'"{s}" ' + " ".join(f"{b.get(s, 0):.1f}" for _, _, b in profiles) + "\n")
        plots = ", ".join(
            f'"{dat}" using {i + 2}:xtic(1) title "{label}" lc rgb "{COLOURS[i]}"'
            for i, (label, _, _) in enumerate(profiles))
        script = f"""set terminal pngcairo size 1000,480 font "sans,10"
set output "{os.path.abspath(a.output)}"
set title "{a.title} (per {unit}: {totals})"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set ylabel "guest instructions per {unit}"
set xtics rotate by -30
set key top right
plot {plots}
"""
        gp = os.path.join(tmp, "profile.gp")
        with open(gp, "w") as f:
            f.write(script)
        out = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"profile_plot: gnuplot failed: {out.stderr.strip()}")
    print(f"Written {a.output}")


if __name__ == "__main__":
    main()
