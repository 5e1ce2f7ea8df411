# SPDX-License-Identifier: MIT
"""Readers for what the benchmark measures from outside: /proc/<pid>/stat and
/status of the QEMU process, the TCG plugin's reply, dnsperf's and nslookup's
output. Each raises ValueError saying what it expected when the text is not
what it should be.
"""

import re

# /proc/<pid>/stat fields after the ")" that ends comm (proc(5) numbers them
# from 1 with pid; the third field, state, is index 0 here).
STAT_UTIME = 14 - 3
STAT_STIME = 15 - 3


def proc_stat_cpu_ticks(text):
    """(utime, stime) in clock ticks from the text of /proc/<pid>/stat.

    comm may hold spaces and parentheses, so the fields are counted from the
    last ")".
    """
    close = text.rfind(")")
    if close < 0:
        raise ValueError("/proc/<pid>/stat: no ')' closing the command name")
    fields = text[close + 1:].split()
    if len(fields) <= STAT_STIME:
        raise ValueError(f"/proc/<pid>/stat: {len(fields)} fields after the name, "
                         f"expected at least {STAT_STIME + 1}")
    try:
        return int(fields[STAT_UTIME]), int(fields[STAT_STIME])
    except ValueError:
        raise ValueError(f"/proc/<pid>/stat: utime/stime {fields[STAT_UTIME]!r}/"
                         f"{fields[STAT_STIME]!r} are not numbers") from None


def proc_status_kib(text, key="VmRSS"):
    """The value of key (e.g. VmRSS, VmHWM) in KiB from /proc/<pid>/status."""
    m = re.search(rf"^{key}:\s+(\d+) kB$", text, re.M)
    if not m:
        raise ValueError(f"/proc/<pid>/status: no '{key}: N kB' line")
    return int(m.group(1))


def plugin_count(text):
    """The count from the insn_count plugin's reply 'insns N\\n'."""
    m = re.fullmatch(r"insns (\d+)\n", text)
    if not m:
        raise ValueError(f"insn_count plugin: expected 'insns N', got {text!r}")
    return int(m.group(1))


def dnsperf_summary(text):
    """{'sent', 'completed', 'lost', 'qps', 'latency_avg_s'} from dnsperf's statistics."""
    keys = {"sent": r"Queries sent:\s+(\d+)", "completed": r"Queries completed:\s+(\d+)",
            "lost": r"Queries lost:\s+(\d+)", "qps": r"Queries per second:\s+([\d.]+)",
            "latency_avg_s": r"Average Latency \(s\):\s+([\d.]+)"}
    out = {}
    for k, pattern in keys.items():
        m = re.search(pattern, text)
        if not m:
            raise ValueError(f"dnsperf: no '{pattern.split(':')[0]}' in its output "
                             f"(did it run to the end?)")
        out[k] = float(m.group(1)) if "." in m.group(1) or k == "qps" else int(m.group(1))
    return out


DNSPERF_LINE = re.compile(r"^> (\S+) (\S+) (\S+) ([\d.]+)$", re.M)


def dnsperf_responses(text):
    """[(rcode, name, latency_s)] of every response `dnsperf -v` reported (timeouts left out)."""
    return [(m.group(1), m.group(2), float(m.group(4))) for m in DNSPERF_LINE.finditer(text)]


def nslookup_addresses(text, name):
    """The IPv4 addresses nslookup printed for name (its answer section only)."""
    part = re.split(rf"^Name:\s+{re.escape(name)}\.?$", text, maxsplit=1, flags=re.M | re.I)
    if len(part) < 2:
        return []
    return re.findall(r"^Address:\s+(\d+\.\d+\.\d+\.\d+)$", part[1], re.M)
