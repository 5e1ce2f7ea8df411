#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""TLS benchmark: what HTTPS costs the http service, measured in one run.

The http image is built with a throwaway CA's certificate (tests/system/tlsfiles.py,
in a copy of the build folder) and booted on -M virt with QEMU user networking and the
insn_count TCG plugin. Then, in the same run:
  - per request, N fresh connections each: curl over HTTP (port 80) and curl over
    HTTPS (port 443: a full TLS 1.2 handshake plus the same request), as guest
    instructions (the plugin, read with the guest idle) and host wall time; the
    HTTPS/HTTP ratio is the handshake's cost;
  - heap per TLS connection: the image's heap in use (/stats.json) with K idle TLS
    connections open (handshakes done), minus before, over K;
  - the client side: the tlsclient image (the same CA) makes N exchanges with
    openssl s_server on this machine, each a new connection and a full handshake:
    guest instructions and guest time per exchange;
  - image size: the http image with TLS, and how much of it is mbedTLS, altcp and
    Mote's TLS code (their symbols' sizes in the ELF); dns.img (network, no TLS) and
    hello.img beside it.
Figures are printed and written to bench/results/tls.csv, never asserted.
"""
import argparse
import csv
import json
import os
import re
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULTS_CSV = os.path.join(HERE, "results", "tls.csv")
PLUGIN_STABLE_S = 0.1
PLUGIN_STABLE_TRIES = 50
TIMEOUT_S = 120
NM = "aarch64-linux-gnu-nm"

sys.path.insert(0, HERE)
import parsing  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guest:
    def __init__(self, elf, plugin, tmp, name="http", append=""):
        self.http, self.https = free_port(), free_port()
        self.sock = os.path.join(tmp, f"insn-{name}.sock")
        fwd = f"hostfwd=tcp:127.0.0.1:{self.http}-:80,hostfwd=tcp:127.0.0.1:{self.https}-:443"
        argv = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a53", "-m", "128M",
                "-smp", "1", "-display", "none", "-monitor", "none", "-serial", "stdio",
                "-nic", "none", "-kernel", elf, "-append", append,
                "-device", "virtio-rng-device",
                "-netdev", f"user,id=n0,{fwd}", "-device", "virtio-net-device,netdev=n0",
                "-plugin", f"{plugin},sock={self.sock}"]
        self.log = open(os.path.join(tmp, f"console-{name}.log"), "w+")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def wait_for(self, *marks):
        """Waits until the console has every mark; returns the console."""
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            self.log.seek(0)
            text = self.log.read()
            if all(m in text for m in marks):
                return text
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.log.seek(0)
        raise SystemExit(f"tls bench: expected {marks} on the console:\n{self.log.read()[-2000:]}")

    def wait_ready(self):
        self.wait_for("mote: ready", "serving HTTPS")

    def insns(self):
        """The plugin's count once the guest is idle (two equal readings in a row)."""
        last = self._read()
        for _ in range(PLUGIN_STABLE_TRIES):
            time.sleep(PLUGIN_STABLE_S)
            now = self._read()
            if now == last:
                return now
            last = now
        return last  # lwIP's TCP timer still ticking (TIME_WAIT): the reading stands

    def _read(self):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(self.sock)
            data = b""
            while chunk := s.recv(64):
                data += chunk
        return parsing.plugin_count(data.decode())

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()


def curl(url, ca=None):
    argv = ["curl", "-sS", "-o", "/dev/null", "--max-time", "60"]
    if ca:
        argv += ["--cacert", ca, "--resolve", f"mote.test:{url.rsplit(':', 1)[1].split('/')[0]}:127.0.0.1"]
    subprocess.run(argv + [url], check=True, timeout=90)


def per_request(guest, url, n, ca=None):
    """Guest instructions and host wall time per request, each on a new connection."""
    curl(url, ca)  # warm: ARP, first allocations
    i0 = guest.insns()
    t0 = time.monotonic()
    walls = []
    for _ in range(n):
        s = time.monotonic()
        curl(url, ca)
        walls.append(time.monotonic() - s)
    i1 = guest.insns()
    return (i1 - i0) / n, statistics.median(walls)


def heap_used(guest):
    out = subprocess.run(["curl", "-sS", "--max-time", "60",
                          f"http://127.0.0.1:{guest.http}/stats.json"],
                         capture_output=True, text=True, check=True, timeout=90).stdout
    return json.loads(out)["heap_used_bytes"]


def heap_per_connection(guest, ca, k):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    warm = ctx.wrap_socket(socket.create_connection(("127.0.0.1", guest.https)),
                           server_hostname="mote.test")
    warm.close()
    before = heap_used(guest)
    conns = []
    try:
        for _ in range(k):
            c = ctx.wrap_socket(socket.create_connection(("127.0.0.1", guest.https), timeout=60),
                                server_hostname="mote.test")
            conns.append(c)  # handshake done: the image holds the connection's TLS state
        time.sleep(0.5)
        during = heap_used(guest)
    finally:
        for c in conns:
            c.close()
    return (during - before) / k


CLIENT_WAIT_S = 6  # the client's first exchange waits this long: the count is read before
GUEST_TS = re.compile(r"^\[\s*([0-9.]+)\] info: tlsclient: (connecting|done)", re.M)


def client_exchanges(elf, plugin, tmp, server, key, n):
    """Guest instructions and guest seconds per exchange of the tlsclient image with
    openssl s_server (a new connection, a full handshake, one request each)."""
    port = free_port()
    srv = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert",
                            server, "-key", key, "-www", "-quiet"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    guest = Guest(elf, plugin, tmp, "client",
                  f"connect=10.0.2.2:{port} name=mote.test count={n} wait={CLIENT_WAIT_S}")
    try:
        guest.wait_for("mote: ready")
        i0 = guest.insns()
        text = guest.wait_for("tlsclient: done")
        i1 = guest.insns()
    finally:
        guest.stop()
        srv.kill()
        srv.wait()
    if "tlsclient: answer" not in text or text.index("tlsclient: answer") < 0:
        raise SystemExit("tls bench: the client got no answer")
    stamps = {m.group(2): float(m.group(1)) for m in GUEST_TS.finditer(text)}
    seconds = stamps["done"] - (stamps["connecting"] + CLIENT_WAIT_S)
    return (i1 - i0) / n, seconds / n


def symbol_bytes(elf, names):
    total = 0
    out = subprocess.run([NM, "-S", elf], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        p = line.split()
        if len(p) == 4 and p[3] in names and p[2].lower() in "tdrb":
            total += int(p[1], 16)
    return total


def tls_symbols(build):
    """Names the TLS code defines: mbedTLS, altcp's TLS layer and Mote's net/tls*."""
    names = set()
    members = [os.path.join(build, "libmbedtls.a")]
    objdir = os.path.join(build, "obj-tls")
    for root, _, files in os.walk(objdir):
        for f in files:
            if f.endswith(".o") and (f.startswith("altcp") or f.startswith("tls")):
                members.append(os.path.join(root, f))
    for m in members:
        out = subprocess.run([NM, "--defined-only", m], capture_output=True, text=True).stdout
        names.update(l.split()[2] for l in out.splitlines() if len(l.split()) == 3)
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build", "virt"))
    ap.add_argument("--plugin", default=os.path.join(REPO, "build", "bench", "libinsn.so"))
    ap.add_argument("-n", type=int, default=20, help="requests per series")
    ap.add_argument("-k", type=int, default=8, help="TLS connections held for the heap figure")
    args = ap.parse_args()

    os.environ["MOTE_BUILD"] = os.path.abspath(args.build)
    sys.path.insert(0, os.path.join(REPO, "tests", "system"))
    from tlsfiles import Pki, tls_image  # the tests' CA and build copy: one of each

    with tempfile.TemporaryDirectory(prefix="mote-tls-bench-") as tmp:
        pki = Pki(tmp)
        elf = tls_image("http", tmp, cert=pki.path("server.pem"), key=pki.path("server.key"))
        ca = pki.path("ca.pem")
        guest = Guest(elf, args.plugin, tmp)
        try:
            guest.wait_ready()
            http_insns, http_wall = per_request(guest, f"http://127.0.0.1:{guest.http}/", args.n)
            https_insns, https_wall = per_request(guest, f"https://mote.test:{guest.https}/",
                                                  args.n, ca)
            heap = heap_per_connection(guest, ca, args.k)
        finally:
            guest.stop()
        img = os.path.getsize(elf[:-4] + ".img") if os.path.exists(elf[:-4] + ".img") else None
        if img is None:
            subprocess.run(["aarch64-linux-gnu-objcopy", "-O", "binary", elf, elf[:-4] + ".img"],
                           check=True)
            img = os.path.getsize(elf[:-4] + ".img")
        tls_bytes = symbol_bytes(elf, tls_symbols(os.path.join(tmp, "build")))
        client = tls_image("tlsclient", tmp, ca=ca)
        client_insns, client_s = client_exchanges(client, args.plugin, tmp,
                                                  pki.path("server.pem"), pki.path("server.key"),
                                                  args.n)

    dns_img = os.path.getsize(os.path.join(args.build, "dns.img"))
    hello_img = os.path.getsize(os.path.join(args.build, "hello.img"))
    rows = [
        ("http_request_guest_insns", round(http_insns)),
        ("https_request_guest_insns", round(https_insns)),
        ("https_over_http_insns_ratio", round(https_insns / http_insns, 1)),
        ("http_request_wall_ms", round(http_wall * 1000, 1)),
        ("https_request_wall_ms", round(https_wall * 1000, 1)),
        ("https_over_http_wall_ratio", round(https_wall / http_wall, 2)),
        ("client_exchange_guest_insns", round(client_insns)),
        ("client_exchange_guest_ms", round(client_s * 1000, 1)),
        ("heap_per_tls_connection_bytes", round(heap)),
        ("http_img_bytes_with_tls", img),
        ("tls_code_and_data_bytes_in_http_elf", tls_bytes),
        ("dns_img_bytes_no_tls", dns_img),
        ("hello_img_bytes_no_net", hello_img),
    ]
    print(f"TLS bench (virt, cortex-a53 TCG, {args.n} requests per series, one run):")
    for k, v in rows:
        print(f"  {k:40s} {v}")
    os.makedirs(os.path.dirname(RESULTS_CSV), exist_ok=True)
    with open(RESULTS_CSV, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["figure", "value"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
