#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The DNS experiment: the same lib/dns code on Mote and on a Linux guest under
the same QEMU (the IncludeOS paper's Fig. 4, redone on AArch64).

Both guests run on the same QEMU board with the same -cpu, -m and NIC on a tap
device inside a network namespace this program creates (and deletes, also on
error or Ctrl-C): --board virt (-M virt, one vCPU, virtio-net) or --board
raspi3 (-M raspi3b, its four cores and 1 GiB, usb-net behind the DWC2 USB host
controller). For each repetition,
alternating the two systems, a fresh QEMU is started, and once it answers:
utime+stime of the QEMU process (/proc/<pid>/stat) is read, 1000 queries for
1000 different names are sent one at a time, and it is read again. A second
series does the same with the insn_count TCG plugin loaded and reads the
number of guest instructions instead. Also measured in the same run: boot
time, image size, memory, the smallest -m that serves, dnsperf throughput and
latency, idle host CPU. Figures are printed, written to CSV and plotted;
nothing is asserted. Needs root (network namespaces, tap). See bench/README.md.
"""

import argparse
import glob
import gzip
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnswire  # noqa: E402
import parsing  # noqa: E402
import report  # noqa: E402
import stats  # noqa: E402

QEMU = "qemu-system-aarch64"
CPU = "cortex-a53"
NETNS_PREFIX = "mote-bench-"
TAP = "mbtap0"
# TEST-NET-1 (RFC 5737): documentation addresses, never routed anywhere; and
# they only exist inside the bench's own namespace.
HOST_ADDR = "192.0.2.1"
GUEST_ADDR = "192.0.2.2"
PREFIX_LEN = 24
SYSTEMS = ("mote", "linux")
LINUX_DIR_GLOB_DTB = "usr/lib/linux-image-*/broadcom/bcm2837-rpi-3-b.dtb"
GZIP_MAGIC = b"\x1f\x8b"
SETTLE_S = 0.5         # after the first answer, before a reading: let boot-time work finish
PLUGIN_STABLE_S = 0.1  # two plugin readings this far apart and equal: the guest is idle
PLUGIN_STABLE_TRIES = 20
IDLE_RATE_S = 1.0      # the plugin's count over this long, before the queries: the idle rate
MIN_MEM_CANDIDATES_MIB = (2, 3, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
MIN_MEM_QUERIES = 100

# What differs between the boards; everything else (namespace, client, readings,
# report) is the same code for both.
#   qemu: the machine's arguments; nic: the -device on the tap; mem_mib: the default
#   -m, fixed when mem_fixed (then the smallest -m is not searched); plugin_qemu:
#   what QEMU needs for the instruction-counting plugin, plugin_arg what the plugin
#   is told; ready_timeout_s: from QEMU start to the first answer.
BOARDS = {
    "virt": {
        "machine": "virt", "qemu": ["-M", "virt", "-cpu", CPU, "-smp", "1"],
        "nic": "virtio-net-device", "mem_mib": 128, "mem_fixed": False,
        "plugin_qemu": [], "plugin_arg": "",
        "ready_timeout_s": {"mote": 30.0, "linux": 90.0},
        # What the board boots (board-info's kernel=elf, as the tests and make run do):
        # QEMU then puts its 1 MiB DTB below the image, which serves in -m 2M; for a
        # raw Image it puts the DTB above, on a 2 MiB boundary, so -m 3M at least.
        "mote_kernel": "dns.elf",
    },
    # raspi3b always has four cores and exactly 1 GiB. Linux brings up all four
    # (idle in wfi); Mote parks cores 1-3 in wfi. With several vCPUs the plugin's
    # counter would have one writer per vCPU thread, so the plugin series runs
    # every vCPU in one thread (the CPU series keeps QEMU's default, a thread per
    # vCPU). USB enumeration (hub, then usb-net) makes both boots slower.
    "raspi3": {
        "machine": "raspi3b", "qemu": ["-M", "raspi3b", "-cpu", CPU],
        "nic": "usb-net", "mem_mib": 1024, "mem_fixed": True,
        "plugin_qemu": ["-accel", "tcg,thread=single"], "plugin_arg": ",single_thread=on",
        "ready_timeout_s": {"mote": 60.0, "linux": 180.0},
    },
}


class BenchError(Exception):
    """A measurement that could not be taken; the message says what and why."""


def run_cmd(argv, check=True, **kw):
    out = subprocess.run(argv, capture_output=True, text=True, **kw)
    if check and out.returncode != 0:
        raise BenchError(f"{' '.join(argv)} failed ({out.returncode}): {out.stderr.strip()}")
    return out


# --- The network namespace -------------------------------------------------

def netns_pids(name):
    out = run_cmd(["ip", "netns", "pids", name], check=False)
    return [int(p) for p in out.stdout.split()] if out.returncode == 0 else []


def netns_delete(name):
    """Kills whatever still runs inside the namespace, then deletes it (and its tap)."""
    for pid in netns_pids(name):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    while netns_pids(name) and time.monotonic() < deadline:
        time.sleep(0.05)
    run_cmd(["ip", "netns", "delete", name], check=False)


def netns_delete_stale():
    """Namespaces left by a bench that was killed with SIGKILL (its pid is gone)."""
    out = run_cmd(["ip", "netns", "list"], check=False)
    for line in out.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(re.escape(NETNS_PREFIX) + r"(\d+)", name)
        if m and not os.path.exists(f"/proc/{m.group(1)}"):
            print(f"dns_cpu: deleting {name}, left behind by an earlier run", file=sys.stderr)
            netns_delete(name)


def netns_create():
    name = f"{NETNS_PREFIX}{os.getpid()}"
    run_cmd(["ip", "netns", "add", name])
    try:
        for argv in (["ip", "link", "set", "lo", "up"],
                     ["ip", "tuntap", "add", "dev", TAP, "mode", "tap"],
                     ["ip", "addr", "add", f"{HOST_ADDR}/{PREFIX_LEN}", "dev", TAP],
                     ["ip", "link", "set", TAP, "up"]):
            run_cmd(["ip", "netns", "exec", name] + argv)
    except BenchError:
        netns_delete(name)
        raise
    return name


# --- The guests --------------------------------------------------------------

class Guest:
    """One QEMU running one of the two systems in the namespace, console captured."""

    def __init__(self, netns, system, cfg, mem_mib, plugin_sock=None):
        self.system = system
        board = BOARDS[cfg["board"]]
        argv = ["ip", "netns", "exec", netns, QEMU] + board["qemu"] + [
                "-m", f"{mem_mib}M", "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-no-reboot",
                "-netdev", f"tap,id=n0,ifname={TAP},script=no,downscript=no",
                "-device", f"{board['nic']},netdev=n0{cfg.get('nic_opts', '')}",
                "-kernel", cfg["kernel"], "-append", cfg["append"]] + cfg.get("qemu_extra", [])
        if cfg.get("initrd"):
            argv += ["-initrd", cfg["initrd"]]
        if cfg.get("dtb"):
            argv += ["-dtb", cfg["dtb"]]
        if plugin_sock:
            argv += board["plugin_qemu"] + [
                "-plugin", f"{cfg['plugin']},sock={plugin_sock}{board['plugin_arg']}"]
        self.plugin_sock = plugin_sock
        self.plugin_read_s = None  # host monotonic time of the last plugin reading
        self.output = b""
        self.start_s = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                return
            self.output += chunk

    @property
    def pid(self):
        return self.proc.pid  # `ip netns exec` execs QEMU: the same process

    def alive(self):
        return self.proc.poll() is None

    def tail(self, lines=15):
        text = self.output.decode("utf-8", "replace").replace("\r", "")
        return "\n".join(text.splitlines()[-lines:])

    def cpu_ticks(self):
        with open(f"/proc/{self.pid}/stat") as f:
            return parsing.proc_stat_cpu_ticks(f.read())

    def status_kib(self, key="VmRSS"):
        with open(f"/proc/{self.pid}/status") as f:
            return parsing.proc_status_kib(f.read(), key)

    def insns(self):
        """The plugin's count once the guest is idle (two equal readings in a row)."""
        last = self._plugin_read()
        for _ in range(PLUGIN_STABLE_TRIES):
            time.sleep(PLUGIN_STABLE_S)
            now = self._plugin_read()
            if now == last:
                return now
            last = now
        return last  # never idle (a periodic tick): the reading stands, taken at a settled time

    def idle_insns_per_s(self):
        """Guest instructions per second with no query in flight (the guest's own
        background: 0 for a tickless guest that sleeps)."""
        c0, t0 = self._plugin_read(), time.monotonic()
        time.sleep(IDLE_RATE_S)
        c1, t1 = self._plugin_read(), time.monotonic()
        return (c1 - c0) / (t1 - t0)

    def _plugin_read(self):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(self.plugin_sock)
            data = b""
            while chunk := s.recv(64):
                data += chunk
        self.plugin_read_s = time.monotonic()
        return parsing.plugin_count(data.decode())

    def stop(self):
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self.proc.stdout.close()


class ClientProc:
    """bench/dnsclient.py inside the namespace, driven over its stdin/stdout."""

    def __init__(self, netns):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", netns, sys.executable, os.path.join(HERE, "dnsclient.py"),
             "--server", GUEST_ADDR], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            start_new_session=True)

    def cmd(self, **kw):
        self.proc.stdin.write(json.dumps(kw) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise BenchError(f"the DNS client exited ({self.proc.poll()})")
        return json.loads(line)

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class Bench:
    guest_class = Guest  # bench/profiler.py's guest talks to its own plugin

    def __init__(self, a, configs):
        self.a = a
        self.cfg = configs
        self.netns = None
        self.client = None
        self.guests = []
        self.started = 0
        self.tmp = tempfile.mkdtemp(prefix="mote-bench-")

    def __enter__(self):
        try:
            netns_delete_stale()
            self.netns = netns_create()
            self.client = ClientProc(self.netns)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for g in self.guests:
            g.stop()
        if self.client:
            self.client.stop()
        if self.netns:
            netns_delete(self.netns)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def boot(self, system, mem_mib=None, plugin=False):
        """(guest, ms from QEMU start to the first correct answer)."""
        self.started += 1
        sock = os.path.join(self.tmp, f"insn-{self.started}.sock") if plugin else None
        g = self.guest_class(self.netns, system, self.cfg[system], mem_mib or self.a.mem, sock)
        self.guests.append(g)
        timeout_s = BOARDS[self.a.board]["ready_timeout_s"][system]
        deadline = g.start_s + timeout_s
        while True:
            r = self.client.cmd(cmd="ready", timeout_s=0.5)
            if r["ok"]:
                return g, (time.monotonic() - g.start_s) * 1000
            if not g.alive():
                raise BenchError(f"{system}: QEMU exited ({g.proc.returncode}) before answering:"
                                 f"\n{g.tail()}")
            if time.monotonic() > deadline:
                raise BenchError(f"{system}: no correct answer within {timeout_s:g} s "
                                 f"({r.get('error')}); console:\n{g.tail()}")

    def release(self, g):
        g.stop()
        self.guests.remove(g)

    def queries(self, g, first, count, client):
        """One measured run of count queries; the readings around it."""
        time.sleep(SETTLE_S)
        rss_boot = g.status_kib()
        idle_rate = g.idle_insns_per_s() if g.plugin_sock else None
        i0 = g.insns() if g.plugin_sock else None
        ti0 = g.plugin_read_s
        u0, s0 = g.cpu_ticks()
        w0 = time.monotonic()
        r = self.client.cmd(cmd="run", first=first, count=count, records=self.a.records,
                            client=client)
        w1 = time.monotonic()
        u1, s1 = g.cpu_ticks()
        i1 = g.insns() if g.plugin_sock else None
        ti1 = g.plugin_read_s
        if "latencies_us" not in r:
            raise BenchError(f"client: {r.get('error')}")
        tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
        lat = r["latencies_us"] or [math.nan]
        return {"system": g.system, "first": first, "count": count,
                "answered": r["answered"], "correct": r["correct"], "retries": r["retries"],
                "errors": " | ".join(r["errors"]),
                "cpu_ms": (u1 - u0 + s1 - s0) * tick_ms, "utime_ms": (u1 - u0) * tick_ms,
                "stime_ms": (s1 - s0) * tick_ms, "wall_ms": (w1 - w0) * 1000,
                "insns": (i1 - i0) if i0 is not None else "",
                "idle_insns_per_s": idle_rate if idle_rate is not None else "",
                # What the queries cost beyond what the guest does anyway while idle (a
                # periodic tick, a polled USB endpoint) between the same two readings.
                "insns_net": (i1 - i0 - idle_rate * (ti1 - ti0)) if i0 is not None else "",
                "latency_p50_us": stats.percentile(lat, 50),
                "latency_p99_us": stats.percentile(lat, 99),
                "rss_boot_kib": rss_boot, "rss_after_kib": g.status_kib()}

    def rep(self, system, rep, phase):
        first = (rep * self.a.queries) % self.a.records + 1
        g, boot_ms = self.boot(system, plugin=(phase == "insn"))
        try:
            row = self.queries(g, first, self.a.queries, self.a.client)
        finally:
            self.release(g)
        row.update(phase=phase, rep=rep, boot_ms=boot_ms)
        if row["correct"] != self.a.queries:
            raise BenchError(f"{system} rep {rep}: {row['correct']} of {self.a.queries} "
                             f"answers correct: {row['errors']}")
        return row

    def idle_and_dnsperf(self, system, qfile):
        g, _ = self.boot(system)
        try:
            time.sleep(SETTLE_S)
            u0, s0 = g.cpu_ticks()
            t0 = time.monotonic()
            time.sleep(self.a.idle_seconds)
            u1, s1 = g.cpu_ticks()
            t1 = time.monotonic()
            idle = 100 * (u1 - u0 + s1 - s0) / os.sysconf("SC_CLK_TCK") / (t1 - t0)
            rss_idle = g.status_kib()
            out = run_cmd(["ip", "netns", "exec", self.netns, "dnsperf", "-s", GUEST_ADDR,
                           "-d", qfile, "-l", str(self.a.dnsperf_seconds), "-v"])
            summ = parsing.dnsperf_summary(out.stdout)
            lat = [x[2] * 1e6 for x in parsing.dnsperf_responses(out.stdout)] or [math.nan]
            wrong = [x for x in parsing.dnsperf_responses(out.stdout) if x[0] != "NOERROR"]
            return {"system": system, "idle_cpu_percent": idle, "rss_idle_kib": rss_idle,
                    "dnsperf_qps": summ["qps"], "dnsperf_sent": summ["sent"],
                    "dnsperf_lost": summ["lost"], "dnsperf_not_noerror": len(wrong),
                    "dnsperf_latency_avg_us": summ["latency_avg_s"] * 1e6,
                    "dnsperf_latency_p50_us": stats.percentile(lat, 50),
                    "dnsperf_latency_p99_us": stats.percentile(lat, 99),
                    "rss_after_dnsperf_kib": g.status_kib()}
        finally:
            self.release(g)

    def serves_with(self, system, mem_mib):
        try:
            g, _ = self.boot(system, mem_mib=mem_mib)
        except BenchError:
            return False
        try:
            r = self.client.cmd(cmd="run", first=1, count=MIN_MEM_QUERIES,
                                records=self.a.records, client="udp")
            return r.get("correct") == MIN_MEM_QUERIES
        finally:
            self.release(g)

    def min_mem(self, system):
        """The smallest candidate -m (MiB) that boots and answers, by bisection (assumes
        that more memory never hurts); None when even the largest fails."""
        cands = [m for m in MIN_MEM_CANDIDATES_MIB if m <= max(self.a.mem, 16)] or [self.a.mem]
        lo, hi, best = 0, len(cands) - 1, None
        while lo <= hi:
            mid = (lo + hi) // 2
            ok = self.serves_with(system, cands[mid])
            print(f"  {system} -m {cands[mid]}M: {'serves' if ok else 'does not serve'}",
                  file=sys.stderr)
            if ok:
                best, hi = cands[mid], mid - 1
            else:
                lo = mid + 1
        return best


# --- Configuration -------------------------------------------------------------

def uncompressed_kernel(vmlinuz, out_dir):
    """vmlinuz itself when it is a plain Image, else its gzip'd Image unpacked once into
    out_dir (raspi3b's -kernel loads the file as it is; virt would unpack it itself)."""
    with open(vmlinuz, "rb") as f:
        if f.read(2) != GZIP_MAGIC:
            return vmlinuz
    image = os.path.join(out_dir, "Image-" + os.path.basename(vmlinuz).removeprefix("vmlinuz-"))
    if not os.path.exists(image) or os.path.getmtime(image) < os.path.getmtime(vmlinuz):
        os.makedirs(out_dir, exist_ok=True)
        with gzip.open(vmlinuz, "rb") as src, open(image + ".tmp", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(image + ".tmp", image)
    return image


def find_configs(a):
    """The two systems' QEMU inputs for a.board, checked to exist."""
    kernels = sorted(glob.glob(os.path.join(a.linux_dir, "boot", "vmlinuz-*")))
    missing = []
    mote_img = os.path.join(a.build, "dns.img")
    mote_kernel = os.path.join(a.build, BOARDS[a.board].get("mote_kernel", "dns.img"))
    initrd = os.path.join(a.build, "bench", "initramfs.cpio.gz")
    needed = [(mote_img, "make images"), (mote_kernel, "make images"), (initrd, "make bench-deps"),
              (a.plugin, "make bench-deps")]
    mote_dtb = linux_dtb = None
    if a.board == "raspi3":
        # Mote's boot words reach it in /chosen/bootargs of a DTB that QEMU fills from
        # -append; Linux gets the board's own DTB (its DWC2 node says dr_mode = "host").
        mote_dtb = os.path.join(a.build, "bootargs.dtb")
        dtbs = sorted(glob.glob(os.path.join(a.linux_dir, LINUX_DIR_GLOB_DTB)))
        linux_dtb = dtbs[-1] if dtbs else None
        needed.append((mote_dtb, "make BOARD=raspi3 SERVICE=dns images image"))
        if not linux_dtb:
            missing.append(f"{a.linux_dir}/{LINUX_DIR_GLOB_DTB} (run scripts/setup)")
    for path, how in needed:
        if not os.path.exists(path):
            missing.append(f"{path} (run `{how}`)")
    if not kernels:
        missing.append(f"{a.linux_dir}/boot/vmlinuz-* (run scripts/setup)")
    if missing:
        raise BenchError("missing: " + ", ".join(missing))
    kernel = kernels[-1]
    if a.board == "raspi3":
        kernel = uncompressed_kernel(kernel, os.path.join(a.build, "bench"))
    net = f"ip={GUEST_ADDR}/{PREFIX_LEN} gw={HOST_ADDR} records={a.records}"
    return {
        "mote": {"board": a.board, "kernel": mote_kernel, "dtb": mote_dtb, "append": net,
                 "plugin": os.path.abspath(a.plugin), "images": [mote_img]},
        # quiet: no boot log over the emulated UART (Mote logs a few lines only);
        # panic=-1 with QEMU's -no-reboot: a dead guest ends QEMU at once. The
        # first UART is the PL011 (ttyAMA0) on both boards.
        "linux": {"board": a.board, "kernel": kernel, "initrd": initrd, "dtb": linux_dtb,
                  "append": f"console=ttyAMA0 quiet panic=-1 {net}",
                  "plugin": os.path.abspath(a.plugin), "images": [kernel, initrd]},
    }


def qemu_version():
    out = run_cmd([QEMU, "--version"], check=False).stdout
    return out.splitlines()[0] if out else "unknown"


def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            return m.group(1) if m else platform.machine()
    except OSError:
        return platform.machine()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--board", choices=sorted(BOARDS), default="virt",
                   help="virt: -M virt, virtio-net; raspi3: -M raspi3b, usb-net")
    p.add_argument("--build", help="the image folder (default: build/<board>)")
    p.add_argument("--linux-dir", default="third_party/linux",
                   help="Debian's unpacked linux-image package")
    p.add_argument("--plugin", default="build/bench/libinsn.so")
    p.add_argument("--reps", type=int, default=5, help="repetitions per system (paper: 100)")
    p.add_argument("--queries", type=int, default=1000, help="queries per repetition")
    p.add_argument("--records", type=int, default=10000, help="records in the zone")
    p.add_argument("--client", choices=("udp", "nslookup"), default="udp",
                   help="udp: one process, one socket; nslookup: one nslookup per query")
    p.add_argument("--mem", type=int,
                   help="guest RAM in MiB for both (-m; default: 128 on virt, raspi3b's fixed 1024)")
    p.add_argument("--boots", type=int, default=10, help="boot-time samples per system")
    p.add_argument("--insn-reps", type=int, help="plugin repetitions (default: --reps)")
    p.add_argument("--idle-seconds", type=float, default=10.0)
    p.add_argument("--dnsperf-seconds", type=int, default=10)
    p.add_argument("--no-min-mem", action="store_true", help="skip the smallest -m search")
    p.add_argument("--skip-unserved", action="store_true",
                   help="a system that does not boot and answer (one probe boot each) is left "
                   "out, said on stderr and in the table, instead of ending the run")
    p.add_argument("--only", choices=SYSTEMS,
                   help="measure one system (its column only, no ratios): to try one side")
    p.add_argument("--results", help="where the results go (default: bench/results, "
                   "bench/results/raspi3 for --board raspi3)")
    a = p.parse_args(argv)
    board = BOARDS[a.board]
    a.build = a.build or os.path.join("build", a.board)
    a.results = a.results or os.path.join(HERE, "results", *([] if a.board == "virt" else [a.board]))
    if a.mem is None:
        a.mem = board["mem_mib"]
    elif board["mem_fixed"] and a.mem != board["mem_mib"]:
        p.error(f"--mem: {board['machine']} has exactly {board['mem_mib']} MiB")
    if board["mem_fixed"]:
        a.no_min_mem = True  # nothing to search
    for name in ("reps", "queries", "boots", "mem", "dnsperf_seconds"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 1 <= a.records <= dnswire.RECORDS_MAX:
        p.error(f"--records must be 1 to {dnswire.RECORDS_MAX}")
    if a.idle_seconds <= 0:
        p.error("--idle-seconds must be positive")
    a.systems = (a.only,) if a.only else SYSTEMS
    if a.insn_reps is None:
        a.insn_reps = a.reps
    return a


def serving_systems(b, systems):
    """(the systems of `systems` that boot and answer, {left out: why}): one probe boot each."""
    kept, left_out = [], {}
    for system in systems:
        try:
            b.release(b.boot(system)[0])
            kept.append(system)
        except BenchError as e:
            # The first line says what failed, the console's first warning or error why.
            lines = str(e).splitlines()
            why = [ln.strip() for ln in lines[1:] if re.search(r"\b(warn|error):", ln)]
            left_out[system] = " ".join(lines[:1] + why[:1])
            print(f"dns_cpu: {system} LEFT OUT of this run (--skip-unserved): {e}",
                  file=sys.stderr)
    if not kept:
        raise BenchError("no system answers: " + "; ".join(left_out.values()))
    return tuple(kept), left_out


def measure(a, configs):
    rows, extra = [], {}
    with Bench(a, configs) as b:
        if a.skip_unserved:
            a.systems, extra["left_out"] = serving_systems(b, a.systems)
        for phase, reps in (("cpu", a.reps), ("insn", a.insn_reps)):
            for r in range(reps):
                order = a.systems if r % 2 == 0 else a.systems[::-1]
                for system in order:
                    row = b.rep(system, r, phase)
                    rows.append(row)
                    shown = f"{row['insns']} insns" if phase == "insn" else \
                        f"{row['cpu_ms']:.0f} ms CPU"
                    print(f"{phase} rep {r + 1}/{reps} {system}: {shown}, boot "
                          f"{row['boot_ms']:.0f} ms", file=sys.stderr)
        boots = {s: [r["boot_ms"] for r in rows if r["system"] == s and r["phase"] == "cpu"]
                 for s in a.systems}
        k = 0
        while min(len(v) for v in boots.values()) < a.boots:
            for system in (a.systems if k % 2 == 0 else a.systems[::-1]):
                g, ms = b.boot(system)
                b.release(g)
                boots[system].append(ms)
            k += 1
        extra["boots"] = {s: v[:a.boots] for s, v in boots.items()}
        qfile = os.path.join(b.tmp, "queries.txt")
        with open(qfile, "w") as f:
            for i in range(1, min(a.records, 10000) + 1):
                f.write(f"{dnswire.host_name(i)} A\n")
        print(f"idle {a.idle_seconds:g} s and dnsperf {a.dnsperf_seconds} s ...", file=sys.stderr)
        extra["load"] = {s: b.idle_and_dnsperf(s, qfile) for s in a.systems}
        if not a.no_min_mem:
            print("smallest -m that serves ...", file=sys.stderr)
            extra["min_mem"] = {s: b.min_mem(s) for s in a.systems}
    return rows, extra


def on_stop_signal(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    a = parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("dns_cpu: needs root (it creates a network namespace and a tap device)")
    for tool in (QEMU, "ip", "dnsperf", "gnuplot", "nslookup"):
        if not shutil.which(tool):
            sys.exit(f"dns_cpu: {tool} is not installed (run scripts/setup)")
    try:
        configs = find_configs(a)
    except BenchError as e:
        sys.exit(f"dns_cpu: {e}")
    # SIGTERM/SIGHUP clean up like Ctrl-C: the Bench context deletes what it made.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_stop_signal)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"DNS experiment: {a.reps} reps x {a.queries} queries ({a.client} client), "
          f"zone of {a.records}, -m {a.mem}M, {QEMU} {' '.join(BOARDS[a.board]['qemu'])} "
          f"-device {BOARDS[a.board]['nic']}", file=sys.stderr)
    try:
        rows, extra = measure(a, configs)
    except BenchError as e:
        sys.exit(f"dns_cpu: {e}")
    except KeyboardInterrupt:
        sys.exit("dns_cpu: interrupted; namespace, tap and QEMU processes removed")
    meta = {"date": started, "board": a.board, "machine": BOARDS[a.board]["machine"],
            "nic": BOARDS[a.board]["nic"], "qemu": qemu_version(), "host_cpu": host_cpu(),
            "host_cores": os.cpu_count(), "reps": a.reps, "insn_reps": a.insn_reps,
            "queries": a.queries, "records": a.records, "client": a.client, "mem_mib": a.mem,
            "linux_kernel": os.path.basename(configs["linux"]["kernel"]),
            "left_out": extra.get("left_out", {})}
    summary = report.summarize(rows, extra, {s: configs[s] for s in a.systems}, a.queries)
    os.makedirs(a.results, exist_ok=True)
    paths = report.write_all(a.results, rows, summary, meta)
    print()
    print(report.table(summary, meta))
    for p in paths:
        print(f"Written {os.path.relpath(p)}")


if __name__ == "__main__":
    main()
