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
"""
import argparse
import csv
import json
import os
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
    port = free_port()
    conf = os.path.join(tmp, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n")
    broker = start(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    rows = []
    try:
        time.sleep(0.5)
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
    for r in rows:
        print(f"{r['qos']:>3} {r['payload_bytes']:>5} {r['mote_msgs_per_s']:>11} "
              f"{r['mosquitto_pub_msgs_per_s']:>14} {r['mote_over_mosquitto_pub']:>6} "
              f"{r['mote_guest_insns_per_msg']:>10}")
    os.makedirs(os.path.dirname(RESULTS_CSV), exist_ok=True)
    with open(RESULTS_CSV, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
