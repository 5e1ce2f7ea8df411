#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""MQTT publish rate: the gateway image (build/virt/gateway.elf) against mosquitto_pub on
the host, both publishing to the same mosquitto, at QoS 0 and QoS 1.

Figures are printed (and written to bench/results/mqtt.csv), never asserted. Each rate is
what a subscriber (mosquitto_sub on the host) sees: COUNT messages, timed from the first to
the last arrival. The gateway publishes a burst on command (actuators/<host>/burst COUNT:
readings as fast as its connection takes them, none dropped), under QEMU user networking;
mosquitto_pub publishes COUNT lines of the same size from stdin (-l). The guest's
instructions per message come from the TCG plugin (build/bench/libinsn.so) read before
and after the burst. The two are not the same machine: the ratio says what an emulated
Cortex-A53 running Mote costs against a native Linux client on this host.

Then the cost of connecting over TLS: the same image boots twice with its broker given
on a FAT disk (/gateway/gateway.cfg, and for TLS /gateway/ca.pem from a throwaway CA this
script makes with openssl), once plain and once TLS (ECDHE-ECDSA P-256, the CA checked,
mosquitto's TLS listener); the guest's instructions from power-on to "mqtt: connected"
and the guest's time from the attempt to the CONNACK, both runs otherwise alike: their
difference is the TLS handshake and certificate check.
"""
import argparse
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULTS_CSV = os.path.join(HERE, "results", "mqtt.csv")
PLUGIN = os.path.join(REPO, "build", "bench", "libinsn.so")
HOST = "bench1"
TIMEOUT_S = 300


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv, **kw):
    return subprocess.Popen(argv, start_new_session=True, **kw)


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


class Arrivals:
    """mosquitto_sub on a topic: the arrival time of each message."""

    def __init__(self, port, topic, qos, count):
        self.times = []
        self.payloads = []
        self.proc = start(["mosquitto_sub", "-p", str(port), "-t", topic, "-q", str(qos),
                           "-C", str(count)], stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.times.append(time.monotonic())
            self.payloads.append(line)

    def wait(self, count):
        deadline = time.monotonic() + TIMEOUT_S
        while len(self.times) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        stop(self.proc)
        if len(self.times) < count:
            raise SystemExit(f"only {len(self.times)} of {count} messages arrived")
        return (count - 1) / (self.times[-1] - self.times[0])


def openssl(*argv, cwd):
    subprocess.run(["openssl", *argv], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(tmp):
    """A throwaway CA and a server certificate for 10.0.2.2 and mote.test, P-256."""
    for name in ("ca", "server"):
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{name}.key",
                cwd=tmp)
    openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=Bench CA", "-days", "2",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
            "keyUsage=critical,keyCertSign", "-out", "ca.pem", cwd=tmp)
    openssl("req", "-new", "-key", "server.key", "-subj", "/CN=mote.test", "-out", "server.csr",
            cwd=tmp)
    with open(os.path.join(tmp, "ext"), "w") as f:
        f.write("subjectAltName=DNS:mote.test,IP:10.0.2.2\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "ext", "-out", "server.pem", cwd=tmp)
    for name in ("ca.pem", "server.pem", "server.key"):
        os.chmod(os.path.join(tmp, name), 0o644)  # mosquitto runs as its own user


def make_disk(tmp, name, config, ca=None):
    """A FAT disk with /gateway/gateway.cfg (and ca.pem)."""
    img = os.path.join(tmp, name)
    subprocess.run(["mkfs.fat", "-C", img, "4096"], check=True, capture_output=True)
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    cfg = os.path.join(tmp, "gateway.cfg")
    with open(cfg, "w") as f:
        f.write(config)
    subprocess.run(["mmd", "-i", img, "::gateway"], check=True, env=env, capture_output=True)
    files = [cfg] + ([ca] if ca else [])
    subprocess.run(["mcopy", "-i", img, *files, "::gateway/"], check=True, env=env,
                   capture_output=True)
    return img


GUEST_STAMP = re.compile(rb"^\[\s*(\d+\.\d+)\]")


def connect_cost(disk, tmp, label):
    """Boots the gateway with disk; returns (guest instructions to CONNACK, guest ms from the
    first attempt to the CONNACK)."""
    sock = os.path.join(tmp, f"insn-{label}.sock")
    qemu = start(["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a53", "-m", "128M",
                  "-smp", "1", "-display", "none", "-monitor", "none", "-serial", "stdio",
                  "-nic", "none", "-kernel", os.path.join(REPO, "build", "virt", "gateway.elf"),
                  "-append", f"fs=virtio0 hostname={HOST}",
                  "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
                  "-device", "virtio-rng-device",
                  "-drive", f"if=none,id=disk0,format=raw,file={disk}",
                  "-device", "virtio-blk-device,drive=disk0",
                  "-plugin", f"{PLUGIN},sock={sock}"],
                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        lines = []
        deadline = time.monotonic() + TIMEOUT_S
        for line in iter(qemu.stdout.readline, b""):
            lines.append(line)
            if b"mqtt: connected to" in line:
                count = insns(sock)
                break
            if time.monotonic() > deadline:
                raise SystemExit("no connection:\n" + b"".join(lines).decode())
        else:
            raise SystemExit("QEMU ended:\n" + b"".join(lines).decode())
        start_line = next(l for l in lines if b"mqtt: broker" in l)
        ms = (float(GUEST_STAMP.match(line).group(1)) -
              float(GUEST_STAMP.match(start_line).group(1))) * 1000
        return count, ms
    finally:
        stop(qemu)


def insns(sock):
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(sock)
        return int(s.recv(64).split()[1])


def mote_rate(port, qos, count, queue, tmp):
    sock = os.path.join(tmp, f"insn{qos}.sock")
    plugin = ["-plugin", f"{PLUGIN},sock={sock}"] if os.path.exists(PLUGIN) else []
    qemu = start(["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a53", "-m", "128M",
                  "-smp", "1", "-display", "none", "-monitor", "none", "-serial", "stdio",
                  "-nic", "none", "-kernel", os.path.join(REPO, "build", "virt", "gateway.elf"),
                  "-append", f"mqtt=10.0.2.2:{port} hostname={HOST} qos={qos} queue={queue} "
                  f"period_ms=3600000 http=0",
                  "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
                  "-device", "virtio-rng-device", *plugin],
                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = []
    threading.Thread(target=lambda: [out.append(l) for l in iter(qemu.stdout.readline, b"")],
                     daemon=True).start()
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not any(b"mqtt: subscribed to" in l for l in out):
            if time.monotonic() > deadline or qemu.poll() is not None:
                raise SystemExit("the gateway did not subscribe:\n" + b"".join(out).decode())
            time.sleep(0.05)
        arrivals = Arrivals(port, f"sensors/{HOST}/reading", qos, count)
        time.sleep(0.5)  # the subscriber's SUBSCRIBE is in before the first reading
        before = insns(sock) if plugin else None
        subprocess.run(["mosquitto_pub", "-p", str(port), "-t", f"actuators/{HOST}/burst",
                        "-q", "1", "-m", str(count)], check=True, timeout=60)
        rate = arrivals.wait(count)
        per_msg = (insns(sock) - before) / count if plugin else None
        size = len(arrivals.payloads[0].rstrip("\n"))
        return rate, per_msg, size
    finally:
        stop(qemu)


def linux_rate(port, qos, count, size):
    arrivals = Arrivals(port, "bench/pub", qos, count)
    time.sleep(0.5)
    line = json.dumps({"seq": 0, "pad": ""})
    line = (line[:-2] + "x" * max(0, size - len(line)) + '"}') + "\n"
    subprocess.run(["mosquitto_pub", "-p", str(port), "-t", "bench/pub", "-q", str(qos), "-l"],
                   input=line * count, text=True, check=True, timeout=TIMEOUT_S)
    return arrivals.wait(count)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=2000, help="messages per measurement")
    ap.add_argument("--queue", type=int, default=64, help="the gateway's QoS 1 queue (queue=)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="mote-bench-mqtt-")
    os.chmod(tmp, 0o777)  # mosquitto, started as root, runs as its own user
    port, tls_port = free_port(), free_port()
    make_pki(tmp)
    conf = os.path.join(tmp, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"allow_anonymous true\nmax_queued_messages 0\nlistener {port} 127.0.0.1\n"
                f"listener {tls_port} 127.0.0.1\ncafile {tmp}/ca.pem\n"
                f"certfile {tmp}/server.pem\nkeyfile {tmp}/server.key\n")
    broker = start(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    rows = []
    connects = {}
    try:
        time.sleep(0.5)
        if os.path.exists(PLUGIN):
            plain = make_disk(tmp, "plain.img", f"mqtt=10.0.2.2:{port} http=0 period_ms=3600000\n")
            tls = make_disk(tmp, "tls.img", f"mqtts=10.0.2.2:{tls_port} mqtt_name=mote.test "
                            f"http=0 period_ms=3600000\n", os.path.join(tmp, "ca.pem"))
            connects = {"plain": connect_cost(plain, tmp, "plain"),
                        "tls": connect_cost(tls, tmp, "tls")}
        for qos in (0, 1):
            mote, per_msg, size = mote_rate(port, qos, args.count, args.queue, tmp)
            linux = linux_rate(port, qos, args.count, size)
            rows.append({"qos": qos, "count": args.count, "payload_bytes": size,
                         "mote_msgs_per_s": round(mote), "mosquitto_pub_msgs_per_s": round(linux),
                         "mote_over_mosquitto_pub": round(mote / linux, 3),
                         "mote_guest_insns_per_msg": round(per_msg) if per_msg else ""})
    finally:
        stop(broker)
    print(f"MQTT publish rate, {args.count} messages each, seen by mosquitto_sub")
    print(f"{'QoS':>3} {'bytes':>5} {'Mote msg/s':>11} {'mosquitto_pub':>14} {'ratio':>6} "
          f"{'insns/msg':>10}")
    for r in (r for r in rows if r["qos"] in (0, 1)):
        print(f"{r['qos']:>3} {r['payload_bytes']:>5} {r['mote_msgs_per_s']:>11} "
              f"{r['mosquitto_pub_msgs_per_s']:>14} {r['mote_over_mosquitto_pub']:>6} "
              f"{r['mote_guest_insns_per_msg']:>10}")
    if connects:
        (pi, pms), (ti, tms) = connects["plain"], connects["tls"]
        print("Connecting to mosquitto, guest instructions from power-on to the CONNACK and "
              "guest ms from the attempt to it")
        print(f"  plain TCP: {pi:>12} insns {pms:8.1f} ms")
        print(f"  TLS 1.2:   {ti:>12} insns {tms:8.1f} ms")
        print(f"  TLS adds:  {ti - pi:>12} insns {tms - pms:8.1f} ms ({ti / pi:.2f}x the "
              "instructions)")
        for label, (n, ms) in connects.items():
            rows.append({"qos": f"connect-{label}", "count": 1, "payload_bytes": "",
                         "mote_msgs_per_s": "", "mosquitto_pub_msgs_per_s": "",
                         "mote_over_mosquitto_pub": "", "mote_guest_insns_per_msg": n,
                         "connect_ms": round(ms, 1)})
    os.makedirs(os.path.dirname(RESULTS_CSV), exist_ok=True)
    with open(RESULTS_CSV, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]) + ["connect_ms"], restval="")
        w.writeheader()
        w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
