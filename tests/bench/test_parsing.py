# SPDX-License-Identifier: MIT
"""Readers of /proc, the plugin, dnsperf and nslookup."""
import pytest

import parsing

STAT = ("4242 (qemu-system-aar) S 1 4242 4242 0 -1 4194560 12906 0 0 0 "
        "731 95 0 0 20 0 5 0 123456 1000000000 13000 18446744073709551615")


def test_proc_stat_gives_utime_and_stime():
    assert parsing.proc_stat_cpu_ticks(STAT) == (731, 95)


def test_proc_stat_with_spaces_and_parens_in_the_name():
    text = STAT.replace("(qemu-system-aar)", "(a) b (c))")
    assert parsing.proc_stat_cpu_ticks(text) == (731, 95)


@pytest.mark.parametrize("text, why", [
    ("4242 qemu S 1", "no '\\)'"),
    ("4242 (qemu) S 1 2 3", "fields after the name"),
    (STAT.replace(" 731 ", " x "), "not numbers"),
])
def test_proc_stat_rejects_what_it_cannot_read(text, why):
    with pytest.raises(ValueError, match=why):
        parsing.proc_stat_cpu_ticks(text)


def test_proc_status_rss():
    text = "Name:\tqemu\nVmHWM:\t  60000 kB\nVmRSS:\t   52380 kB\nThreads:\t5\n"
    assert parsing.proc_status_kib(text) == 52380
    assert parsing.proc_status_kib(text, "VmHWM") == 60000
    with pytest.raises(ValueError, match="VmSwap"):
        parsing.proc_status_kib(text, "VmSwap")


def test_plugin_reply():
    assert parsing.plugin_count("insns 123456789\n") == 123456789
    for bad in ("insns\n", "insns -1\n", "123\n", "insns 12"):
        with pytest.raises(ValueError, match="expected 'insns N'"):
            parsing.plugin_count(bad)


DNSPERF = """DNS Performance Testing Tool
Version 2.10.0

[Status] Sending queries (to 192.0.2.2:53)
> NOERROR host1.mote.test A 0.003802
> NOERROR host2.mote.test A 0.002681
> NXDOMAIN host99999.mote.test A 0.001000
> T host294.mote.test A
[Status] Testing complete (time limit)

Statistics:

  Queries sent:         43703
  Queries completed:    43695 (99.98%)
  Queries lost:         8 (0.02%)

  Response codes:       NOERROR 43695 (100.00%)
  Average packet size:  request 35, response 51
  Run time (s):         3.006950
  Queries per second:   14531.335739

  Average Latency (s):  0.006501 (min 0.000524, max 0.014044)
  Latency StdDev (s):   0.001639
"""


def test_dnsperf_summary():
    s = parsing.dnsperf_summary(DNSPERF)
    assert s == {"sent": 43703, "completed": 43695, "lost": 8,
                 "qps": pytest.approx(14531.335739), "latency_avg_s": pytest.approx(0.006501)}


def test_dnsperf_summary_of_a_cut_run_names_what_is_missing():
    with pytest.raises(ValueError, match="Queries per second"):
        parsing.dnsperf_summary(DNSPERF.split("  Queries per second")[0])


def test_dnsperf_responses_leave_out_timeouts():
    r = parsing.dnsperf_responses(DNSPERF)
    assert r == [("NOERROR", "host1.mote.test", 0.003802), ("NOERROR", "host2.mote.test", 0.002681),
                 ("NXDOMAIN", "host99999.mote.test", 0.001)]


NSLOOKUP = """Server:\t\t192.0.2.2
Address:\t192.0.2.2#53

Name:\thost42.mote.test
Address: 10.0.0.42

"""


def test_nslookup_address_comes_from_the_answer_not_the_server_line():
    assert parsing.nslookup_addresses(NSLOOKUP, "host42.mote.test") == ["10.0.0.42"]
    assert parsing.nslookup_addresses(NSLOOKUP, "host43.mote.test") == []
    refused = "Server:\t\t192.0.2.2\nAddress:\t192.0.2.2#53\n\n** server can't find x: REFUSED\n"
    assert parsing.nslookup_addresses(refused, "x") == []
