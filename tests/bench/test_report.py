# SPDX-License-Identifier: MIT
"""The summary, table, CSV files and plot data of the DNS experiment."""
import csv
import math
import re
import shutil

import pytest

import dns_cpu
import report


def rows():
    out = []
    for rep, (mc, lc, mi, li) in enumerate([(100, 300, 10e6, 25e6), (120, 320, 10.2e6, 24.8e6)]):
        for system, cpu, ins in (("mote", mc, mi), ("linux", lc, li)):
            base = {"rep": rep, "system": system, "first": 1, "count": 1000, "answered": 1000,
                    "correct": 1000, "retries": 0, "boot_ms": 100.0, "utime_ms": cpu * 0.9,
                    "stime_ms": cpu * 0.1, "wall_ms": 500.0, "latency_p50_us": 150.0,
                    "latency_p99_us": 400.0, "rss_boot_kib": 5e4, "rss_after_kib": 5e4,
                    "errors": ""}
            out.append(dict(base, phase="cpu", cpu_ms=float(cpu), insns=""))
            out.append(dict(base, phase="insn", cpu_ms=0.0, insns=ins))
    return out


def configs(tmp_path):
    for name, size in (("m.img", 1000), ("k", 30000), ("i", 2000)):
        (tmp_path / name).write_bytes(b"\0" * size)
    return {"mote": {"images": [str(tmp_path / "m.img")]},
            "linux": {"images": [str(tmp_path / "k"), str(tmp_path / "i")]}}


EXTRA = {"boots": {"mote": [100.0, 120.0], "linux": [3000.0, 3100.0]},
         "load": {"mote": {"idle_cpu_percent": 0.0, "dnsperf_qps": 14000.0,
                           "dnsperf_latency_p50_us": 5000.0, "dnsperf_latency_p99_us": 9000.0,
                           "dnsperf_lost": 3},
                  "linux": {"idle_cpu_percent": 0.5, "dnsperf_qps": 1400.0,
                            "dnsperf_latency_p50_us": 60000.0, "dnsperf_latency_p99_us": 1e5,
                            "dnsperf_lost": 0}},
         "min_mem": {"mote": 8, "linux": 96}}
META = {"date": "2026-11-23 12:00 UTC", "reps": 2, "insn_reps": 2, "queries": 1000,
        "client": "udp", "records": 10000, "mem_mib": 128, "qemu": "QEMU emulator version 7.2.22",
        "host_cpu": "test", "host_cores": 2, "linux_kernel": "vmlinuz-test"}


def by_key(summary):
    return {e["key"]: e for e in summary}


def test_summary_scales_to_1000_queries_and_forms_ratios(tmp_path):
    s = by_key(report.summarize(rows(), EXTRA, configs(tmp_path), 1000))
    cpu = s["cpu_ms_per_1000"]
    assert cpu["mote"]["mean"] == 110 and cpu["linux"]["mean"] == 310
    assert cpu["ratio"] == pytest.approx(110 / 310)
    assert s["insns_per_1000"]["mote"]["mean"] == pytest.approx(10.1e6)
    assert s["image_bytes"]["mote"]["mean"] == 1000 and s["image_bytes"]["linux"]["mean"] == 32000
    assert s["min_mem_mib"]["ratio"] == pytest.approx(8 / 96)
    assert s["boot_ms"]["linux"]["median"] == 3050
    assert s["boot_ms"]["ratio"] == pytest.approx(110 / 3050)  # of the medians


def test_summary_scales_runs_of_other_lengths(tmp_path):
    r = [dict(x, count=500, cpu_ms=x["cpu_ms"] / 2) for x in rows()]
    s = by_key(report.summarize(r, EXTRA, configs(tmp_path), 500))
    assert s["cpu_ms_per_1000"]["mote"]["mean"] == 110


def test_missing_measurements_show_as_dashes(tmp_path):
    extra = dict(EXTRA)
    del extra["min_mem"]
    s = report.summarize(rows(), extra, configs(tmp_path), 1000)
    e = by_key(s)["min_mem_mib"]
    assert e["mote"] is None and math.isnan(e["ratio"])
    line = [x for x in report.table(s, META).splitlines() if x.startswith("smallest -m")][0]
    assert line.split()[-3:] == ["-", "-", "-"]


def test_table_shows_mean_with_ci_and_ratio(tmp_path):
    s = report.summarize(rows(), EXTRA, configs(tmp_path), 1000)
    text = report.table(s, META)
    line = [x for x in text.splitlines() if x.startswith("host CPU")][0]
    assert "110 ±" in line and "310 ±" in line and line.endswith("0.355")
    boot = [x for x in text.splitlines() if x.startswith("boot:")][0]
    assert "110 (100-120)" in boot and "3,050 (3,000-3,100)" in boot


def test_csv_and_plot_files(tmp_path):
    if not shutil.which("gnuplot"):
        pytest.skip("gnuplot is not installed (scripts/setup installs it)")
    s = report.summarize(rows(), EXTRA, configs(tmp_path), 1000)
    out = tmp_path / "results"
    out.mkdir()
    paths = report.write_all(str(out), rows(), s, META)
    with open(out / "dns_reps.csv") as f:
        reps = list(csv.DictReader(f))
    assert len(reps) == 8 and reps[0]["correct"] == "1000"
    with open(out / "dns_summary.csv") as f:
        summ = {r["metric"]: r for r in csv.DictReader(f)}
    assert float(summ["cpu_ms_per_1000"]["ratio_mote_over_linux"]) == pytest.approx(110 / 310,
                                                                                   abs=1e-4)
    assert (out / "dns_cpu.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(out / "dns_cpu.png") in paths


def test_plot_data_has_two_blocks_and_no_nan_for_a_single_rep(tmp_path):
    one = [r for r in rows() if r["rep"] == 0]
    s = report.summarize(one, EXTRA, configs(tmp_path), 1000)
    data = report.plot_data(s)
    blocks = data.strip().split("\n\n\n")
    assert len(blocks) == 2 and "nan" not in data.lower()
    assert blocks[0].splitlines()[0] == '"Mote" 100 100 100'
    assert blocks[1].splitlines()[1] == '"Linux" 25 25 25'


@pytest.mark.parametrize("argv, why", [
    (["--reps", "0"], "--reps must be at least 1"),
    (["--records", "0"], "--records must be 1 to"),
    (["--queries", "-5"], "--queries must be at least 1"),
    (["--idle-seconds", "0"], "--idle-seconds must be positive"),
    (["--client", "dig"], "invalid choice"),
])
def test_bad_arguments_are_refused_with_a_reason(argv, why, capsys):
    with pytest.raises(SystemExit):
        dns_cpu.parse_args(argv)
    assert why in capsys.readouterr().err


def test_defaults_follow_the_paper():
    a = dns_cpu.parse_args([])
    assert (a.queries, a.records, a.insn_reps, a.client) == (1000, 10000, a.reps, "udp")


def test_table_names_the_board_and_a_system_left_out(tmp_path):
    linux_only = [r for r in rows() if r["system"] == "linux"]
    s = report.summarize(linux_only, EXTRA, {"linux": configs(tmp_path)["linux"]}, 1000)
    meta = dict(META, machine="raspi3b", nic="usb-net",
                left_out={"mote": "mote: QEMU exited (0) before answering: no network device"})
    text = report.table(s, meta)
    assert text.startswith("DNS experiment on -M raspi3b, usb-net,")
    assert "Mote LEFT OUT: mote: QEMU exited (0) before answering: no network device" in text
    line = [x for x in text.splitlines() if x.startswith("host CPU")][0]
    assert re.search(r" ms +- +310 ± \S+ +-$", line), line  # Mote, Linux, ratio
    assert by_key(s)["image_bytes"]["mote"] is None
    assert "-M virt, virtio-net-device" in report.table(s, META)


def test_idle_rate_rows_are_summarised_when_present(tmp_path):
    r = [dict(x, idle_insns_per_s=1000.0, insns_net=x["insns"] - 5) if x["phase"] == "insn"
         else x for x in rows()]
    s = by_key(report.summarize(r, EXTRA, configs(tmp_path), 1000))
    assert s["idle_insns_per_s"]["mote"]["mean"] == 1000
    assert s["insns_net_per_1000"]["linux"] is not None
    assert by_key(report.summarize(rows(), EXTRA, configs(tmp_path), 1000))[
        "idle_insns_per_s"]["mote"] is None
