#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Foundation benchmark for Mote: boot time, image size, idle cost.

Figures are printed (and written to bench/results/boot.csv), never asserted.
Boot time is also given relative to the cost of starting QEMU itself,
measured in the same run, so the figures can be read on any host. The same
hello is also booted and idled on -M raspi3b (build/raspi3), beside virt's.

Run as root, it also times the dns image from QEMU's start to its first
correct answer (the DNS experiment's namespace, tap and client: see
bench/dns_cpu.py) against the floor: QEMU's start to the first serial byte of
a minimal image (bench/floor/floor.S, built here) with the same QEMU
arguments, booted alternately with Mote; each pair's difference, median of
--dns-boots pairs. Both boot what `make run` and `mote run` give QEMU: the
board's kernel file (board-info's kernel=, the ELF on virt) and its entropy
device (rng=). One more boot, with the tbtrace plugin (bench/plugin/tbtrace.c,
built here), lists every block QEMU translated up to the first answer, by
boot phase: under TCG each costs its translation the first time it runs.
"""

import argparse
import bisect
import csv
import glob
import math
import os
import re
import select
import shutil
import signal
import socket
import statistics
import tempfile
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dns_cpu  # noqa: E402
import profiler  # noqa: E402

QEMU = "qemu-system-aarch64"
QEMU_BOARD = ["-M", "virt", "-cpu", "cortex-a53", "-m", "128M",
              "-display", "none", "-nic", "none"]
# raspi3b: its four cores and fixed 1 GiB; the boot words reach the image in the
# /chosen/bootargs of a DTB QEMU fills from -append (build/raspi3/bootargs.dtb).
PI_BOARD = ["-M", "raspi3b", "-cpu", "cortex-a53", "-m", "1G", "-display", "none",
            "-nic", "none"]
HELLO_MARK = b"Hello from Mote"
READY_MARK = b"hello: ready"
MONITOR_PROMPT = b"(qemu)"
GUEST_BOOT_RE = re.compile(rb"booted in (\d+) us")
TIMEOUT_S = 30.0
IDLE_GOAL_PERCENT = 1.0
RESULTS_CSV = os.path.join(HERE, "results", "boot.csv")
# The floor image: linked above the DTB QEMU puts at RAM's start for an ELF kernel.
FLOOR_SRC = os.path.join(HERE, "floor", "floor.S")
FLOOR_TEXT = "0x40200000"
CROSS_CC = "aarch64-linux-gnu-gcc"
DNS_MEM_MIB = 128
DNS_READY_POLL_S = 0.001   # the client's query interval while the guest boots
DNS_READY_TIMEOUT_S = 30.0
FIRST_BYTE_WAIT_S = 0.0005
QUIET_CONSOLE_S = 0.5      # after the answer: a console still silent stays so
DNS_GOAL_MS = 5.0          # issue 15: first answer within 5 ms of the floor
FLOOR_BLOCKS = 16000       # the calibration image's basic blocks: enough to stand above the noise
GUEST_READY_RE = re.compile(rb"\[\s*(\d+\.\d+)\] info: mote: ready")
REPO = os.path.dirname(HERE)
TBTRACE_SRCS = [os.path.join(HERE, "plugin", f) for f in ("tbtrace.c", "plugin_socket.c")]
TBTRACE_DEPS = TBTRACE_SRCS + [os.path.join(HERE, "plugin", "plugin_socket.h")]
HOST_CC = os.environ.get("HOST_CC", "cc")
# The slide an ASLR boot logs (arch/aarch64/aslr.c): its code runs at the ELF's addresses plus it.
ASLR_SLIDE_RE = re.compile(rb"aslr: image at 0x[0-9a-f]+ \(the ELF's addresses \+ (0x[0-9a-f]+)\)")
# Boot phases, each from the first block of its function (kernel/main.c's order) to the next.
BOOT_PHASES = [
    (None, "before the image (QEMU's reset code)"),
    ("_start", "boot.S, aslr_early: MMU on, image moved"),
    ("kernel_main", "kernel_main: DTB index, heap"),
    ("platform_init", "platform_init: console, GIC, timer, random"),
    ("platform_probe", "platform_probe: virtio slots, random wait"),
    ("boot_hooks_attach", "boot hooks, W^X check, greeting"),
    ("service_start", "service_start: network up, zone, binds"),
    ("event_loop", "event loop to the first answer"),
]

# --- QEMU process handling -------------------------------------------------

def start_qemu(args):
    """Start QEMU in its own process group, stdin/stdout as pipes."""
    return subprocess.Popen([QEMU] + args, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def kill_qemu(proc):
    """Kill QEMU's whole process group and reap it; safe to call twice."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()
    for f in (proc.stdin, proc.stdout):
        try:
            if f:
                f.close()
        except OSError:
            pass


def read_until(proc, mark, timeout_s=TIMEOUT_S):
    """Read QEMU's stdout until `mark` appears; return everything read."""
    deadline = time.monotonic() + timeout_s
    fd = proc.stdout.fileno()
    seen = b""
    while mark not in seen:
        left_s = deadline - time.monotonic()
        if left_s <= 0:
            raise TimeoutError(f"no {mark!r} after {timeout_s} s: {seen[-200:]!r}")
        ready, _, _ = select.select([fd], [], [], left_s)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(f"QEMU exited before {mark!r}: {seen[-200:]!r}")
            seen += chunk
    return seen


def mote_args(elf, cmdline, board=QEMU_BOARD):
    """board: QEMU_BOARD, or pi_board(dtb) for raspi3b (its first -serial is the PL011)."""
    return board + ["-serial", "stdio", "-monitor", "none",
                    "-semihosting-config", "enable=on,target=native",
                    "-kernel", elf, "-append", cmdline]


def pi_board(dtb):
    return PI_BOARD + ["-dtb", dtb]


# --- 1. Boot time ------------------------------------------------------------

def boot_once(elf, board=QEMU_BOARD):
    """One boot: (host wall ms to the service's first line, guest 'booted in' ms)."""
    start_s = time.monotonic()
    proc = start_qemu(mote_args(elf, "ticks=0", board))
    try:
        out = read_until(proc, HELLO_MARK)
        wall_ms = (time.monotonic() - start_s) * 1000
        m = GUEST_BOOT_RE.search(out)
        guest_ms = int(m.group(1)) / 1000 if m else float("nan")
        proc.stdin.write(b"exit\r")   # polite exit; killed below if it lingers
        proc.stdin.flush()
        proc.wait(timeout=5)
    except (subprocess.TimeoutExpired, BrokenPipeError):
        pass
    finally:
        kill_qemu(proc)
    return wall_ms, guest_ms


def qemu_start_once():
    """Host wall ms for QEMU to start, paused at reset, until its monitor prompt."""
    start_s = time.monotonic()
    proc = start_qemu(QEMU_BOARD + ["-S", "-serial", "none", "-monitor", "stdio"])
    try:
        read_until(proc, MONITOR_PROMPT)
        return (time.monotonic() - start_s) * 1000
    finally:
        kill_qemu(proc)


def summary(values):
    return statistics.median(values), min(values), max(values)


# --- 2. Image size -------------------------------------------------------------

def loadable_bytes(elf):
    """text+data of the ELF (what is loaded; bss is only zeroed)."""
    out = subprocess.run(["aarch64-linux-gnu-size", elf], capture_output=True,
                         text=True, check=True).stdout
    text, data = out.splitlines()[1].split()[:2]
    return int(text) + int(data)


# --- 3. Idle cost ---------------------------------------------------------------

def cpu_s(pid):
    """utime+stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])   # stat fields 14, 15
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def idle_cost(elf, idle_s, board=QEMU_BOARD):
    """(host CPU % of one core while idle, QEMU RSS KiB)."""
    proc = start_qemu(mote_args(elf, "ticks=0", board))
    try:
        read_until(proc, READY_MARK)
        cpu0_s, t0_s = cpu_s(proc.pid), time.monotonic()
        time.sleep(idle_s)
        cpu1_s, t1_s = cpu_s(proc.pid), time.monotonic()
        return 100 * (cpu1_s - cpu0_s) / (t1_s - t0_s), rss_kib(proc.pid)
    finally:
        kill_qemu(proc)


# --- 4. The same on raspi3b ------------------------------------------------------

def pi_figures(a):
    """Rows for hello on raspi3b: boot (median of --pi-boots) and idle, beside virt's;
    none, with a note, when the raspi3 build is absent."""
    img = os.path.join(a.pi_image_dir, "hello.img")
    dtb = os.path.join(a.pi_image_dir, "bootargs.dtb")
    if not (os.path.exists(img) and os.path.exists(dtb)):
        print(f"No {img} or {dtb}: the raspi3b rows are left out "
              f"(make BOARD=raspi3 SERVICE=hello images image)", file=sys.stderr)
        return []
    board = pi_board(dtb)
    print(f"Booting {img} on raspi3b {a.pi_boots} times, idling {a.idle_seconds:g} s ...",
          file=sys.stderr)
    boots = [boot_once(img, board) for _ in range(a.pi_boots)]
    wall_ms = statistics.median(b[0] for b in boots)
    idle_percent, rss = idle_cost(img, a.idle_seconds, board)
    return [
        ("pi_boot_median", "raspi3b: QEMU start to 'Hello from Mote', median", wall_ms, "ms"),
        ("pi_guest_booted_in_median", "raspi3b: guest's own 'booted in', median",
         statistics.median(b[1] for b in boots), "ms"),
        ("pi_image_size", "raspi3b: size of hello.img", os.path.getsize(img), "bytes"),
        ("pi_idle_cpu", f"raspi3b idle: host CPU over {a.idle_seconds:g} s "
         f"(goal < {IDLE_GOAL_PERCENT:g}%)", idle_percent, "percent_of_core"),
        ("pi_idle_rss", "raspi3b idle: QEMU RSS", rss, "KiB"),
    ]


# --- 5. The dns image: QEMU start to the first answer, against QEMU's floor -------

def build_floor(out_dir, blocks=0):
    """build/bench/floor.elf (or floor-<blocks>.elf, which first runs that many basic
    blocks once each) from bench/floor/floor.S, rebuilt when the source is newer."""
    out = os.path.join(out_dir, f"floor-{blocks}.elf" if blocks else "floor.elf")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(FLOOR_SRC):
        os.makedirs(out_dir, exist_ok=True)
        subprocess.run([CROSS_CC, "-nostdlib", "-static", f"-DFLOOR_BLOCKS={blocks}",
                        f"-Wl,-Ttext={FLOOR_TEXT}", "-Wl,--build-id=none", FLOOR_SRC,
                        "-o", out], check=True)
    return out


class TimedGuest(dns_cpu.Guest):
    """The DNS experiment's guest, noting when its console's first byte arrived."""
    first_byte_s = None

    def _read(self):
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                return
            if self.first_byte_s is None:
                self.first_byte_s = time.monotonic()
            self.output += chunk


def first_byte_ms(g, timeout_s=TIMEOUT_S):
    """ms from QEMU's start to the guest's first console byte."""
    deadline = time.monotonic() + timeout_s
    while g.first_byte_s is None:
        if not g.alive():
            raise RuntimeError(f"QEMU exited before its first byte: {g.tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no console byte after {timeout_s:g} s")
        time.sleep(FIRST_BYTE_WAIT_S)
    return (g.first_byte_s - g.start_s) * 1000


def qemu_cpu_ms(pid):
    """CPU time QEMU's threads have had so far (schedstat's first field, in ns): what a
    boot costs the host, apart from the time other work on a shared host takes."""
    total_ns = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(path) as f:
                total_ns += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended in between
    return total_ns / 1e6


def floor_ms(netns, cfg):
    """(ms to the floor's first byte, QEMU's CPU ms by then)."""
    g = TimedGuest(netns, "floor", cfg, DNS_MEM_MIB)
    try:
        return first_byte_ms(g), qemu_cpu_ms(g.pid)
    finally:
        g.stop()


def dns_pair(netns, client, floor_cfg, mote_cfg, blocks_cfg):
    """A floor boot, a Mote boot, then the floor with BLOCKS basic blocks: a dict of
    floor, blocks (first byte ms), byte, answer (Mote's first byte and answer ms),
    ready (the guest's own clock at 'mote: ready', ms), and the QEMU CPU ms of each at
    that moment (floor_cpu, blocks_cpu, answer_cpu)."""
    floor, floor_cpu = floor_ms(netns, floor_cfg)
    g = TimedGuest(netns, "mote", mote_cfg, DNS_MEM_MIB)
    try:
        r = client.cmd(cmd="ready", timeout_s=DNS_READY_TIMEOUT_S, poll_s=DNS_READY_POLL_S)
        answer_cpu = qemu_cpu_ms(g.pid)
        if not r["ok"]:
            raise RuntimeError(f"dns: {r.get('error')}; console:\n{g.tail()}")
        answer_ms = (r["t"] - g.start_s) * 1000
        try:  # a quiet image (loglevel=warn) may print nothing at all
            byte_ms = first_byte_ms(g, QUIET_CONSOLE_S)
        except TimeoutError:
            byte_ms = float("nan")
        m = GUEST_READY_RE.search(g.output)
        guest_ready_ms = float(m.group(1)) * 1000 if m else float("nan")
    finally:
        g.stop()
    blocks, blocks_cpu = floor_ms(netns, blocks_cfg)
    return {"floor": floor, "byte": byte_ms, "answer": answer_ms, "ready": guest_ready_ms,
            "blocks": blocks, "floor_cpu": floor_cpu, "answer_cpu": answer_cpu,
            "blocks_cpu": blocks_cpu}


def build_tbtrace(out_dir):
    """build/bench/libtbtrace.so, the translation-block trace plugin, rebuilt when stale."""
    out = os.path.join(out_dir, "libtbtrace.so")
    if not os.path.exists(out) or any(os.path.getmtime(out) < os.path.getmtime(d)
                                      for d in TBTRACE_DEPS):
        os.makedirs(out_dir, exist_ok=True)
        subprocess.run([HOST_CC, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-fPIC",
                        "-shared", "-I" + os.path.join(REPO, "third_party", "qemu", "include")]
                       + TBTRACE_SRCS + ["-o", out, "-lpthread"], check=True)
    return out


def tbtrace_dump(sock_path, timeout_s=TIMEOUT_S):
    """The plugin's translations: [(host monotonic s, guest vaddr, instructions)]."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout_s)
        s.connect(sock_path)
        s.sendall(b"dump\n")
        data = b""
        while chunk := s.recv(1 << 16):
            data += chunk
    blocks = []
    for line in data.decode().splitlines():
        f = line.split()
        if f and f[0] == "tb":
            blocks.append((int(f[1]) / 1e9, int(f[2], 16), int(f[3])))
        elif f and f[0] == "lost":
            raise RuntimeError(f"tbtrace: {f[1]} translations not kept (its buffer is full)")
    if not data.endswith(b"end\n"):
        raise RuntimeError(f"tbtrace: a dump without its end: {data[-200:]!r}")
    return blocks


def elf_functions(elf):
    """([start addresses], [names]) of the ELF's code symbols, sorted by address."""
    out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = [(int(a, 16), n) for a, t, n in (l.split() for l in out.splitlines()
                                             if len(l.split()) == 3) if t in "tTW"]
    return [a for a, _ in syms], [n for _, n in syms]


def blocks_by_phase(blocks, elf, slide):
    """({phase label: [blocks, their instructions]} in BOOT_PHASES's order, a phase
    starting with the first block of its function; {subsystem: blocks}, the
    subsystems bench/profiler.py groups functions into, largest first;
    [((phase, function), blocks)], largest first)."""
    addrs, names = elf_functions(elf)
    paths = profiler.source_paths(elf, REPO)
    top = addrs[-1] if addrs else 0
    marks = {m: label for m, label in BOOT_PHASES if m}
    phase = BOOT_PHASES[0][1]
    seen = set()
    out = {label: [0, 0] for _, label in BOOT_PHASES}
    by_subsystem = {}
    by_function = {}
    for _, vaddr, insns in blocks:
        pc = vaddr - slide if slide and addrs and addrs[0] <= vaddr - slide <= top else vaddr
        i = bisect.bisect_right(addrs, pc) - 1
        name = names[i] if i >= 0 and pc <= top else None
        if name in marks and name not in seen:
            seen.add(name)
            phase = marks[name]
        out[phase][0] += 1
        out[phase][1] += insns
        key = (phase, name or "(outside the image)")
        by_function[key] = by_function.get(key, 0) + 1
        subsystem = profiler.classify(paths.get(name, "?"), name) if name else "outside the image"
        by_subsystem[subsystem] = by_subsystem.get(subsystem, 0) + 1
    return (out, dict(sorted(by_subsystem.items(), key=lambda kv: -kv[1])),
            sorted(by_function.items(), key=lambda kv: -kv[1]))


def trace_first_answer(netns, client, mote_cfg, tmp_dir):
    """One more Mote boot with the tbtrace plugin, up to the first answer:
    blocks_by_phase's three answers, then the blocks QEMU made in all."""
    sock_path = os.path.join(tmp_dir, "tbtrace.sock")
    g = TimedGuest(netns, "mote", dict(mote_cfg, plugin=mote_cfg["tbtrace"]), DNS_MEM_MIB,
                   plugin_sock=sock_path)
    try:
        r = client.cmd(cmd="ready", timeout_s=DNS_READY_TIMEOUT_S, poll_s=DNS_READY_POLL_S)
        if not r["ok"]:
            raise RuntimeError(f"dns (traced): {r.get('error')}; console:\n{g.tail()}")
        blocks = [b for b in tbtrace_dump(sock_path) if b[0] <= r["t"]]
        m = ASLR_SLIDE_RE.search(g.output)
    finally:
        g.stop()
    return blocks_by_phase(blocks, mote_cfg["kernel"], int(m.group(1), 16) if m else 0) + (
        len(blocks),)


def trace_floor(netns, floor_cfg, tmp_dir):
    """The blocks the floor image translates (it then sleeps): what QEMU's floor includes."""
    sock_path = os.path.join(tmp_dir, "tbtrace-floor.sock")
    g = TimedGuest(netns, "floor", dict(floor_cfg, plugin=floor_cfg["tbtrace"]), DNS_MEM_MIB,
                   plugin_sock=sock_path)
    try:
        first_byte_ms(g)
        time.sleep(QUIET_CONSOLE_S)
        return len(tbtrace_dump(sock_path))
    finally:
        g.stop()


def nan_median(values):
    kept = [v for v in values if not math.isnan(v)]
    return statistics.median(kept) if kept else float("nan")


def board_info(board="virt"):
    """make board-info's key=value lines: what make run and mote run give QEMU."""
    out = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "board-info",
                          f"BOARD={board}"], capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def dns_figures(a):
    """Rows for the dns image's first answer against the floor; none, with a note, when
    not root (namespaces, tap) or without the dns image."""
    info = board_info()
    img = os.path.join(a.image_dir, f"dns.{info.get('kernel', 'elf')}")
    if os.geteuid() != 0 or not os.path.exists(img):
        print(f"Not root, or no {img}: the dns first-answer rows are left out "
              f"(run as root after make images)", file=sys.stderr)
        return []
    bench_dir = os.path.join(os.path.dirname(os.path.abspath(a.image_dir)), "bench")
    # The board's entropy device, as make run and mote run attach it (the boot waits for it).
    extra = ["-device", info["rng"]] if info.get("rng") else []
    tbtrace = build_tbtrace(bench_dir)
    floor_cfg = {"board": "virt", "kernel": build_floor(bench_dir), "append": "",
                 "qemu_extra": extra, "tbtrace": tbtrace}
    blocks_cfg = {"board": "virt", "kernel": build_floor(bench_dir, FLOOR_BLOCKS), "append": "",
                  "qemu_extra": extra}
    mote_cfg = {"board": "virt", "kernel": img, "qemu_extra": extra, "tbtrace": tbtrace,
                "append": f"ip={dns_cpu.GUEST_ADDR}/{dns_cpu.PREFIX_LEN} "
                          f"gw={dns_cpu.HOST_ADDR} records={a.records}"}
    print(f"Booting the floor and {img} alternately, {a.dns_boots} times each ...",
          file=sys.stderr)
    dns_cpu.netns_delete_stale()
    netns = dns_cpu.netns_create()
    client = None
    tmp_dir = tempfile.mkdtemp(prefix="mote-boot-")
    try:
        client = dns_cpu.ClientProc(netns)
        pairs = [dns_pair(netns, client, floor_cfg, mote_cfg, blocks_cfg)
                 for _ in range(a.dns_boots)]
        phases, subsystems, functions, blocks = trace_first_answer(netns, client, mote_cfg,
                                                                    tmp_dir)
        floor_blocks = trace_floor(netns, floor_cfg, tmp_dir)
    finally:
        if client:
            client.stop()
        dns_cpu.netns_delete(netns)
        shutil.rmtree(tmp_dir, ignore_errors=True)
    if a.top:
        print(f"\nThe {a.top} functions with the most blocks translated before the first "
              f"answer (of {blocks}), by boot phase:", file=sys.stderr)
        for (phase, name), n in functions[:a.top]:
            print(f"  {n:5d}  {name:<32} {phase}", file=sys.stderr)
    floor_ms = statistics.median(p["floor"] for p in pairs)
    answer = summary([p["answer"] for p in pairs])
    over = statistics.median(p["answer"] - p["floor"] for p in pairs)
    block_us = statistics.median(p["blocks"] - p["floor"] for p in pairs) * 1000 / FLOOR_BLOCKS
    block_cpu_us = statistics.median(p["blocks_cpu"] - p["floor_cpu"]
                                     for p in pairs) * 1000 / FLOOR_BLOCKS
    phase_rows = [(f"dns_blocks_phase_{i}", f"  blocks: {label}", n, "blocks")
                  for i, (label, (n, _)) in enumerate(phases.items())]
    subsystem_rows = [(f"dns_blocks_{re.sub(r'[^a-z0-9]+', '_', s.lower()).strip('_')}",
                       f"  blocks in {s}", n, "blocks") for s, n in subsystems.items()]
    return [
        ("dns_floor_median", "floor: QEMU start to a minimal image's first byte, median",
         floor_ms, "ms"),
        ("dns_first_byte_median", "dns: QEMU start to Mote's first console byte, median",
         nan_median(p["byte"] for p in pairs), "ms"),
        ("dns_answer_median", "dns: QEMU start to the first correct answer, median",
         answer[0], "ms"),
        ("dns_answer_min", "dns: first answer, min", answer[1], "ms"),
        ("dns_answer_max", "dns: first answer, max", answer[2], "ms"),
        ("dns_guest_ready_median", "dns: guest's own clock at 'mote: ready', median",
         nan_median(p["ready"] for p in pairs), "ms"),
        ("dns_answer_minus_floor", f"dns: first answer minus floor, median of pairs "
         f"(goal <= {DNS_GOAL_MS:g})", over, "ms"),
        ("dns_answer_over_floor", "dns: first answer / floor, median of pairs",
         statistics.median(p["answer"] / p["floor"] for p in pairs), "ratio"),
        ("floor_cpu_median", "floor: QEMU's CPU time at its first byte, median",
         statistics.median(p["floor_cpu"] for p in pairs), "ms"),
        ("dns_answer_cpu_median", "dns: QEMU's CPU time at the first answer, median",
         statistics.median(p["answer_cpu"] for p in pairs), "ms"),
        ("dns_answer_cpu_minus_floor", "dns: that minus the floor's, median of pairs (less "
         "moved by the host's other work)", statistics.median(p["answer_cpu"] - p["floor_cpu"] for p in pairs),
         "ms"),
        ("tcg_block_us", f"TCG: one basic block translated and run once ({FLOOR_BLOCKS}-block "
         f"floor)", block_us, "us"),
        ("tcg_block_cpu_us", "TCG: the same in QEMU's CPU time", block_cpu_us, "us"),
        ("floor_blocks", "floor: blocks QEMU translated (the floor image's own)",
         floor_blocks, "blocks"),
        ("dns_blocks_at_answer", "dns: blocks QEMU translated up to the first answer",
         blocks, "blocks"),
    ] + phase_rows + subsystem_rows + [
        ("dns_block_insns_at_answer", "dns: instructions in those blocks (each counted once)",
         sum(i for _, i in phases.values()), "insns"),
        ("dns_translation_ms", "dns: their translation (blocks x one block's cost)",
         blocks * block_us / 1000, "ms"),
        ("dns_translation_cpu_ms", "dns: the same in QEMU's CPU time (its share of the CPU "
         "time over the floor)", blocks * block_cpu_us / 1000, "ms"),
    ]


# --- Report ----------------------------------------------------------------------

def print_table(rows):
    width = max(len(r[1]) for r in rows)
    print(f"{'metric':<{width}}  {'value':>12}  unit")
    print("-" * (width + 22))
    for _, label, value, unit in rows:
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"{label:<{width}}  {shown:>12}  {unit}")


def write_csv(rows, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["metric", "value", "unit"])
        for key, _, value, unit in rows:
            w.writerow([key, round(value, 3) if isinstance(value, float) else value, unit])


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--image-dir", default="build/virt")
    p.add_argument("--pi-image-dir", default="build/raspi3",
                   help="the raspi3 build (hello.img, bootargs.dtb); skipped when absent")
    p.add_argument("--pi-boots", type=int, default=5, help="boots of the Pi image")
    p.add_argument("--boots", type=int, default=20)
    p.add_argument("--idle-seconds", type=float, default=10.0)
    p.add_argument("--dns-boots", type=int, default=15,
                   help="floor and dns boots, alternately (as root only)")
    p.add_argument("--records", type=int, default=10000, help="the dns zone's records")
    p.add_argument("--top", type=int, default=0,
                   help="also list the functions with the most blocks before the first answer")
    p.add_argument("--only-dns", action="store_true",
                   help="only the dns first-answer rows (as root)")
    p.add_argument("--quick", action="store_true", help="boots=5, dns-boots=5, idle 3 s")
    a = p.parse_args()
    if a.quick:
        a.boots, a.pi_boots, a.dns_boots, a.idle_seconds = 5, 3, 5, 3.0
    for name in ("boots", "pi_boots", "dns_boots", "records"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    return a


def main():
    a = parse_args()
    if a.only_dns:
        rows = dns_figures(a)
        if rows:
            print(f"\nMote dns first answer ({a.dns_boots} pairs; printed, never asserted)\n")
            print_table(rows)
        return
    elf = os.path.join(a.image_dir, "hello.elf")
    img = os.path.join(a.image_dir, "hello.img")

    print(f"Booting {elf} {a.boots} times, QEMU start {a.boots} times ...", file=sys.stderr)
    boots = [boot_once(elf) for _ in range(a.boots)]
    wall_ms = summary([b[0] for b in boots])
    guest_ms = statistics.median(b[1] for b in boots)
    qemu_ms = summary([qemu_start_once() for _ in range(a.boots)])
    print(f"Idling {a.idle_seconds:g} s ...", file=sys.stderr)
    idle_percent, rss = idle_cost(elf, a.idle_seconds)
    pi_rows = pi_figures(a)
    dns_rows = dns_figures(a)

    rows = [  # (csv key, label, value, unit)
        ("boot_median", "boot: QEMU start to 'Hello from Mote', median", wall_ms[0], "ms"),
        ("boot_min", "boot: min", wall_ms[1], "ms"),
        ("boot_max", "boot: max", wall_ms[2], "ms"),
        ("guest_booted_in_median", "boot: guest's own 'booted in', median", guest_ms, "ms"),
        ("qemu_start_median", "baseline: QEMU start to monitor prompt, median", qemu_ms[0], "ms"),
        ("qemu_start_min", "baseline: min", qemu_ms[1], "ms"),
        ("qemu_start_max", "baseline: max", qemu_ms[2], "ms"),
        ("boot_minus_qemu_start", "boot minus QEMU start (medians)", wall_ms[0] - qemu_ms[0], "ms"),
        ("boot_over_qemu_start", "boot / QEMU start (medians)", wall_ms[0] / qemu_ms[0], "ratio"),
        ("image_size", "size: hello.img", os.path.getsize(img), "bytes"),
        ("elf_loadable_size", "size: hello.elf loadable (text+data)", loadable_bytes(elf), "bytes"),
        ("idle_cpu", f"idle: host CPU over {a.idle_seconds:g} s (goal < {IDLE_GOAL_PERCENT:g}%)",
         idle_percent, "percent_of_core"),
        ("idle_cpu_resolution", "idle: resolution (one clock tick)",
         100 / os.sysconf("SC_CLK_TCK") / a.idle_seconds, "percent_of_core"),
        ("idle_rss", "idle: QEMU RSS", rss, "KiB"),
    ] + pi_rows + dns_rows
    print(f"\nMote boot benchmark ({a.boots} boots; figures printed, never asserted)\n")
    print_table(rows)
    idles = [("virt", idle_percent)] + [("raspi3b", r[2]) for r in pi_rows if r[0] == "pi_idle_cpu"]
    for board, percent in idles:
        verdict = "meets" if percent < IDLE_GOAL_PERCENT else "misses"
        print(f"\nIdle on {board} {verdict} the goal of under {IDLE_GOAL_PERCENT:g}% of a core.",
              end="")
    print()
    write_csv(rows, RESULTS_CSV)
    print(f"Written {os.path.relpath(RESULTS_CSV)}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
