#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where a Mote image's guest instructions go, per function and per subsystem.

Boots build/<board>/<service>.img under the same QEMU, namespace and tap as
bench/dns_cpu.py, with the profile plugin (bench/plugin/profile.c) loaded on
the image's ELF, and takes these profiles, each between a plugin reset and a
dump with the guest at rest (asleep in wfi):

  boot    QEMU start to the first correct answer (dns) or to the end of the
          boot log (any other service)
  idle    --idle-seconds with nothing to do: what the guest does on its own
  paced   --queries DNS queries (--qtype A, or AAAA), each sent --gap-ms after the previous answer
          (the guest finishes the reply's transmit interrupt first): the
          per-query count is deterministic
  b2b     the same number of queries back to back (the next query may meet
          the previous reply's transmit completion not yet handled)

Figures are per query (per boot, per second for idle) and printed: the top
functions with calls, MMIO accesses and exception entries, and the totals by
subsystem (from the source file addr2line names for each function). Results
go to bench/results/profile_<service>_<phase>.csv. Needs root, like
dns_cpu.py (network namespace, tap). See bench/README.md.
"""

import argparse
import csv
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dns_cpu  # noqa: E402
import dnswire  # noqa: E402

CROSS = "aarch64-linux-gnu-"
CMD_TIMEOUT_S = 30
BOOT_LOG_DONE = re.compile(rb"(mote: ready|dns: serving)")
BOOT_TIMEOUT_S = 60.0
REST_S = 0.1         # two equal counts this far apart: the guest is at rest
REST_TRIES = 50

# (subsystem, pattern on the function's source path or, for code without
# line information, on its name); the first that matches wins.
SUBSYSTEMS = [
    ("IRQ path", r"^(arch/aarch64/vectors\.S|kernel/irq\.c|drivers/irq/)"),
    ("virtqueue", r"^drivers/virtio/virtq\.c"),
    ("virtio-net driver", r"^drivers/virtio/"),
    ("other drivers", r"^drivers/(?!timer/)"),
    ("event loop, timers", r"^(kernel/(event|timer|time)|drivers/timer/)"),
    ("lwIP checksum", r"lwip/src/core/inet_chksum\.c"),
    ("lwIP pbuf", r"lwip/src/core/pbuf\.c"),
    ("lwIP ipv4", r"lwip/src/core/ipv4/"),
    ("lwIP ipv6", r"lwip/src/core/ipv6/"),
    ("lwIP udp", r"lwip/src/core/udp\.c"),
    ("lwIP tcp", r"lwip/src/core/tcp"),
    ("lwIP timers", r"lwip/src/core/timeouts\.c"),
    ("lwIP other", r"lwip/"),
    ("net glue", r"^net/"),
    ("lib/dns", r"^lib/dns/"),
    ("service", r"^services/"),
    ("libfdt", r"^(third_party/libfdt|fdt)|(^|/)fdt[a-z_]*\.[co]"),
    ("kernel", r"^(kernel|lib|platform|arch)/"),
    ("libc", r"newlib|picolibc|libc/"),
    ("libgcc", r"name:__(u?div|u?mod|ashl|ashr|lshr|mul|clz|ctz)"),
    ("libc", r"name:(mem|str|malloc|free|calloc|realloc|__?s?printf|vsn?printf)"),
]


def classify(path, name):
    for subsystem, pattern in SUBSYSTEMS:
        if re.search(pattern, path) or re.search(pattern, "name:" + name):
            return subsystem
    return "other" if name != "(outside)" else "outside the image"


def source_paths(elf, root):
    """{function name: its source path relative to root, or '?'} from addr2line."""
    nm = subprocess.run([CROSS + "nm", "--defined-only", elf], capture_output=True, text=True,
                        check=True).stdout
    names, addrs = [], []
    for line in nm.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            names.append(f[2])
            addrs.append("0x" + f[0])
    out = subprocess.run([CROSS + "addr2line", "-e", elf] + addrs, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    paths = {}
    prefix = os.path.realpath(root) + "/"
    for name, loc in zip(names, out):
        path = loc.rsplit(":", 1)[0]
        path = path.replace(prefix, "", 1).replace(os.path.abspath(root) + "/", "", 1)
        paths.setdefault(name, path)
    return paths


class ProfileGuest(dns_cpu.Guest):
    """A guest whose plugin is the profiler: commands on its socket."""

    def command(self, cmd):
        import socket
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(CMD_TIMEOUT_S)
            s.connect(self.plugin_sock)
            s.sendall(cmd.encode() + b"\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        return data.decode()

    def _plugin_read(self):
        self.plugin_read_s = time.monotonic()
        m = re.fullmatch(r"insns (\d+)\n", self.command("count"))
        if not m:
            raise dns_cpu.BenchError("profile plugin: unexpected answer to count")
        return int(m.group(1))

    def at_rest(self):
        last = self._plugin_read()
        for _ in range(REST_TRIES):
            time.sleep(REST_S)
            now = self._plugin_read()
            if now == last:
                return
            last = now

    def dump(self):
        try:
            return parse_dump(self.command("dump"))
        except ValueError as e:
            raise dns_cpu.BenchError(f"profile plugin: {e}") from None


def parse_dump(text):
    """The plugin's dump as {'fn': [(insns, calls, mmio, name)], 'exc': {vector: n},
    'total': (insns, mmio)}; ValueError for one cut short or with a line it cannot read."""
    if not text.endswith("end\n"):
        raise ValueError(f"truncated dump: {text[-200:]!r}")
    d = {"fn": [], "exc": {}, "total": None}
    for line in text.splitlines()[:-1]:
        f = line.split(" ", 4)
        try:
            if f[0] == "fn" and len(f) == 5:
                d["fn"].append((int(f[1]), int(f[2]), int(f[3]), f[4]))
            elif f[0] == "exc" and len(f) == 3:
                d["exc"][f[2]] = int(f[1])
            elif f[0] == "total" and len(f) == 3:
                d["total"] = (int(f[1]), int(f[2]))
            else:
                raise ValueError
        except ValueError:
            raise ValueError(f"unreadable dump line {line!r}") from None
    if d["total"] is None:
        raise ValueError("dump without its total line")
    return d


def less_idle(d, idle, idle_s, seconds):
    """d less what the guest does on its own (idle, measured over idle_s) in seconds:
    per function and vector, at its idle rate, never below 0."""
    rate = {name: (i / idle_s, c / idle_s, m / idle_s) for i, c, m, name in idle["fn"]}
    fns = []
    for insns, calls, mmio, name in d["fn"]:
        ri, rc, rm = rate.get(name, (0, 0, 0))
        fns.append((max(0, round(insns - ri * seconds)), max(0, round(calls - rc * seconds)),
                    max(0, round(mmio - rm * seconds)), name))
    exc = {v: max(0, round(n - idle["exc"].get(v, 0) / idle_s * seconds))
           for v, n in d["exc"].items()}
    return {"fn": fns, "exc": exc,
            "total": (sum(f[0] for f in fns), sum(f[2] for f in fns))}


def report(title, d, per, unit, paths, top, csv_path):
    total_insns, total_mmio = d["total"]
    print(f"\n== {title}: {total_insns / per:,.0f} guest instructions per {unit}, "
          f"{total_mmio / per:.1f} MMIO accesses, "
          f"{sum(d['exc'].values()) / per:.2f} exception entries "
          f"({', '.join(f'{k} {v / per:.2f}' for k, v in sorted(d['exc'].items())) or 'none'})")
    by_sub = {}
    for insns, calls, mmio, name in d["fn"]:
        sub = classify(paths.get(name, "?"), name)
        s = by_sub.setdefault(sub, [0, 0])
        s[0] += insns
        s[1] += mmio
    print(f"{'subsystem':<22} {'insns/' + unit:>12} {'share':>6} {'mmio':>6}")
    for sub, (insns, mmio) in sorted(by_sub.items(), key=lambda kv: -kv[1][0]):
        print(f"{sub:<22} {insns / per:>12,.0f} {100 * insns / max(total_insns, 1):>5.1f}% "
              f"{mmio / per:>6.1f}")
    print(f"\n{'function':<32} {'insns/' + unit:>12} {'calls':>8} {'mmio':>6}  subsystem")
    for insns, calls, mmio, name in sorted(d["fn"], key=lambda f: -f[0])[:top]:
        print(f"{name[:32]:<32} {insns / per:>12,.1f} {calls / per:>8.2f} {mmio / per:>6.2f}  "
              f"{classify(paths.get(name, '?'), name)}")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["function", "subsystem", "source", f"insns_per_{unit}", f"calls_per_{unit}",
                    f"mmio_per_{unit}"])
        for insns, calls, mmio, name in sorted(d["fn"], key=lambda f: -f[0]):
            w.writerow([name, classify(paths.get(name, "?"), name), paths.get(name, "?"),
                        f"{insns / per:.2f}", f"{calls / per:.3f}", f"{mmio / per:.3f}"])
    return by_sub


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default="build/virt", help="the image folder")
    p.add_argument("--service", default="dns")
    p.add_argument("--plugin", default="build/bench/libprofile.so")
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--records", type=int, default=10000)
    p.add_argument("--gap-ms", type=float, default=5.0, help="paced: pause after each answer")
    p.add_argument("--idle-seconds", type=float, default=2.0)
    p.add_argument("--settle-seconds", type=float, default=5.0,
                   help="after boot, before the other profiles: the start-up traffic (IPv6 "
                   "address detection, router solicitation, mDNS probes and announcements) "
                   "lasts a few seconds")
    p.add_argument("--mem", type=int, default=128, help="guest RAM in MiB (-m)")
    p.add_argument("--top", type=int, default=25, help="functions shown per profile")
    p.add_argument("--no-mmio", action="store_true",
                   help="do not count MMIO accesses (QEMU runs several times faster)")
    p.add_argument("--phases", default="boot,idle,paced,b2b",
                   help="comma-separated: boot, idle, paced, b2b")
    p.add_argument("--results", default=os.path.join(HERE, "results"))
    p.add_argument("--offload", choices=("on", "off"), default="on",
                   help="virtio-net checksum offload: on (what the tap offers) or off "
                   "(csum=off,guest_csum=off on the device)")
    p.add_argument("--qtype", choices=tuple(dnswire.QTYPES), default="A",
                   help="what the queries ask for: A (the record of every host<i>) or AAAA "
                   "(which the zone has none of: answered with its SOA, NODATA)")
    p.add_argument("--udp-in-place", choices=("on", "off", "never"), default="on",
                   help="the image's udp_in_place= (net/udp.c): on, off (services answer "
                   "through the general API, mote_udp_send), never (and mote_udp_send "
                   "goes through lwIP's udp_sendto)")
    a = p.parse_args(argv)
    a.phases = a.phases.split(",")
    for ph in a.phases:
        if ph not in ("boot", "idle", "paced", "b2b"):
            p.error(f"--phases: {ph!r}: expected boot, idle, paced or b2b")
    if a.service != "dns":
        a.phases = [ph for ph in a.phases if ph in ("boot", "idle")]
    if a.queries < 1:
        p.error("--queries must be at least 1")
    a.board = "virt"
    return a


def main(argv=None):
    a = parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("profile: needs root (it creates a network namespace and a tap device)")
    elf = os.path.join(a.build, f"{a.service}.elf")
    img = os.path.join(a.build, f"{a.service}.img")
    for path, how in ((elf, "make images"), (img, "make images"), (a.plugin, "make profile")):
        if not os.path.exists(path):
            sys.exit(f"profile: missing {path} (run `{how}`)")
    plugin = f"{os.path.abspath(a.plugin)},elf={os.path.abspath(elf)}"
    if a.no_mmio:
        plugin += ",mmio=off"
    # aslr=off: the image runs at its ELF's addresses, where the plugin's symbols are.
    net = f"ip={dns_cpu.GUEST_ADDR}/{dns_cpu.PREFIX_LEN} gw={dns_cpu.HOST_ADDR} aslr=off"
    if a.service == "dns":
        net += f" records={a.records}"
    if a.udp_in_place != "on":
        net += f" udp_in_place={a.udp_in_place}"
    nic_opts = ",csum=off,guest_csum=off" if a.offload == "off" else ""
    cfg = {"mote": {"board": "virt", "kernel": img, "append": net, "plugin": plugin,
                    "nic_opts": nic_opts}}
    paths = source_paths(elf, os.path.dirname(HERE))
    os.makedirs(a.results, exist_ok=True)
    size = os.path.getsize(img)
    print(f"profile of {img} ({size:,} bytes), -m {a.mem}M, "
          f"{'no ' if a.no_mmio else ''}MMIO counting, checksum offload {a.offload}, "
          f"udp_in_place={a.udp_in_place}, {a.qtype} queries", file=sys.stderr)
    dns_cpu.Bench.guest_class = ProfileGuest
    args = argparse.Namespace(mem=a.mem, board="virt", records=a.records)
    csv_of = lambda phase: os.path.join(a.results, f"profile_{a.service}_{phase}.csv")  # noqa
    try:
        with dns_cpu.Bench(args, cfg) as b:
            if a.service == "dns":
                g, boot_ms = b.boot("mote", plugin=True)
            else:
                b.started += 1
                sock = os.path.join(b.tmp, "profile.sock")
                g = ProfileGuest(b.netns, "mote", cfg["mote"], a.mem, sock)
                b.guests.append(g)
                deadline = time.monotonic() + BOOT_TIMEOUT_S
                while not BOOT_LOG_DONE.search(g.output):
                    if not g.alive() or time.monotonic() > deadline:
                        raise dns_cpu.BenchError(f"no end of boot in the log:\n{g.tail()}")
                    time.sleep(0.01)
                boot_ms = (time.monotonic() - g.start_s) * 1000
            if "boot" in a.phases:
                report(f"boot (QEMU start to first answer, {boot_ms:.0f} ms wall under the "
                       f"plugin)", g.dump(), 1, "boot", paths, a.top, csv_of("boot"))
            time.sleep(a.settle_seconds)
            g.at_rest()
            idle = None
            if set(a.phases) & {"idle", "paced", "b2b"}:
                # Also what the query profiles are corrected by: lwIP's cyclic timers
                # (about 11 wake-ups a second) run during them too, for as long as they last.
                g.command("reset")
                t0 = time.monotonic()
                time.sleep(a.idle_seconds)
                idle = g.dump()
                idle_s = time.monotonic() - t0
            if "idle" in a.phases:
                report("idle", idle, idle_s, "s", paths, a.top, csv_of("idle"))
            first = 1
            for phase, gap_s in (("paced", a.gap_ms / 1000), ("b2b", 0.0)):
                if phase not in a.phases:
                    continue
                g.at_rest()
                g.command("reset")
                t0 = time.monotonic()
                r = b.client.cmd(cmd="run", first=first, count=a.queries, records=a.records,
                                 client="udp", gap_s=gap_s, qtype=a.qtype)
                g.at_rest()
                raw = g.dump()
                seconds = time.monotonic() - t0
                d = less_idle(raw, idle, idle_s, seconds)
                if r.get("correct") != a.queries:
                    raise dns_cpu.BenchError(f"{phase}: {r.get('correct')} of {a.queries} "
                                             f"correct: {r.get('errors')}")
                how = f"{a.gap_ms:g} ms after each answer" if gap_s else "back to back"
                print(f"\n{phase}: {raw['total'][0] / a.queries:,.0f} guest instructions per "
                      f"query as counted, over {seconds:.1f} s; less the idle rate "
                      f"({idle['total'][0] / idle_s:,.0f}/s) over that time:")
                report(f"{phase}: {a.queries} queries, {how}, less idle", d, a.queries, "query",
                       paths, a.top, csv_of(phase))
                first += a.queries
    except dns_cpu.BenchError as e:
        sys.exit(f"profile: {e}")
    except KeyboardInterrupt:
        sys.exit("profile: interrupted; namespace, tap and QEMU processes removed")


if __name__ == "__main__":
    main()
