#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The benchmark's DNS client. It runs inside the bench's network namespace
(`ip netns exec`) for the whole run and takes one JSON command per line on
stdin, answering each with one JSON line on stdout:

  {"cmd": "ready", "timeout_s": T[, "poll_s": P]}
      sends host1's query every P seconds (default POLL_S) until a correct
      answer comes back: {"ok": true, "t": CLOCK_MONOTONIC of its arrival} or
      {"ok": false, "error": ...}
  {"cmd": "run", "first": I, "count": N, "records": R, "client": "udp"|"nslookup",
   "gap_s": G, "qtype": "A"|"AAAA"}
      N queries for N different names host<I>.. (wrapping inside R records),
      one at a time, each sent when the previous one was answered (back to
      back), or G seconds after it (paced: the guest finishes what the reply
      left behind, a transmit interrupt, before the next query comes). Every
      answer is checked (id, NOERROR, AA, question, exactly the A record
      10.0.0.0+i; for qtype AAAA, which the zone has none of, no answer and
      the zone's SOA). "udp" is one process with one socket; "nslookup" runs
      `nslookup -type=A` once per name, as the IncludeOS paper did (A only).
      {"ok": true, "answered": N, "correct": N, "retries": K, "latencies_us": [...],
       "errors": [first few]}
  {"cmd": "quit"}

The server address is fixed for the run (--server). Nothing here is timed
against a goal: latencies are reported, never judged.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnswire  # noqa: E402
import parsing  # noqa: E402

POLL_S = 0.01         # readiness: one query every 10 ms (the boot time's resolution)
QUERY_TIMEOUT_S = 2.0  # per try; a lost datagram is sent again
QUERY_TRIES = 3
MAX_ERRORS_KEPT = 5
MAX_GAP_S = 10.0      # a paced run's pause between queries


class Client:
    def __init__(self, server, port):
        self.server = (server, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect(self.server)
        self.next_id = 1

    def _new_id(self):
        self.next_id = self.next_id % 0xFFFF + 1
        return self.next_id

    def _drain(self):
        """Drops late replies of earlier queries so they cannot be taken for new ones."""
        self.sock.setblocking(False)
        try:
            while True:
                self.sock.recv(4096)
        except (BlockingIOError, ConnectionRefusedError):
            pass
        finally:
            self.sock.setblocking(True)

    def ready(self, timeout_s, poll_s=POLL_S):
        deadline = time.monotonic() + timeout_s
        last_error = "no reply"
        sent = set()  # a reply to any earlier poll of this call counts: it arrives late
        while time.monotonic() < deadline:
            msg_id = self._new_id()
            sent.add(msg_id)
            poll_end = time.monotonic() + poll_s
            try:
                self.sock.send(dnswire.build_query(msg_id, dnswire.host_name(1)))
                while (left := poll_end - time.monotonic()) > 0:
                    self.sock.settimeout(left)
                    reply = self.sock.recv(4096)
                    reply_id = int.from_bytes(reply[:2], "big")
                    if reply_id not in sent:
                        continue
                    arrived_s = time.monotonic()  # the same clock in every process
                    dnswire.check_answer(reply, reply_id, 1)
                    self._drain()
                    return {"ok": True, "t": arrived_s}
            except socket.timeout:
                continue
            except ConnectionRefusedError:
                # ICMP port unreachable: the guest is up but not serving yet.
                last_error = "port unreachable"
                time.sleep(poll_s)
            except dnswire.BadReply as e:
                last_error = str(e)
        return {"ok": False, "error": f"no correct answer within {timeout_s:g} s ({last_error})"}

    def query_udp(self, i, qtype=dnswire.TYPE_A):
        """(latency_us, tries used) of a correct answer for host<i>'s qtype; raises
        BadReply/TimeoutError."""
        msg_id = self._new_id()
        query = dnswire.build_query(msg_id, dnswire.host_name(i), qtype)
        for attempt in range(1, QUERY_TRIES + 1):
            start = time.perf_counter_ns()
            self.sock.send(query)
            deadline = time.monotonic() + QUERY_TIMEOUT_S
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.sock.settimeout(left)
                try:
                    reply = self.sock.recv(4096)
                except socket.timeout:
                    break
                except ConnectionRefusedError:
                    raise dnswire.BadReply(f"host{i}: port unreachable") from None
                if reply[:2] != query[:2]:
                    continue  # a late reply to an earlier query
                dnswire.check_answer(reply, msg_id, i, qtype)
                return (time.perf_counter_ns() - start) // 1000, attempt
        raise TimeoutError(f"host{i}: no reply after {QUERY_TRIES} tries of {QUERY_TIMEOUT_S:g} s")

    def query_nslookup(self, i, qtype=dnswire.TYPE_A):
        name, want = dnswire.host_name(i), dnswire.host_address(i)
        start = time.perf_counter_ns()
        out = subprocess.run(["nslookup", "-type=A", f"-port={self.server[1]}",
                              f"-timeout={int(QUERY_TIMEOUT_S)}", f"-retry={QUERY_TRIES - 1}",
                              name, self.server[0]], capture_output=True, text=True)
        elapsed_us = (time.perf_counter_ns() - start) // 1000
        got = parsing.nslookup_addresses(out.stdout, name)
        if got != [want]:
            raise dnswire.BadReply(f"nslookup {name}: addresses {got}, expected [{want}] "
                                   f"(exit {out.returncode}: {out.stdout.strip()[-200:]!r})")
        return elapsed_us, 1

    def run(self, first, count, records, client, gap_s=0.0, qtype=dnswire.TYPE_A):
        query = self.query_udp if client == "udp" else self.query_nslookup
        latencies, retries, errors, correct = [], 0, [], 0
        for k in range(count):
            if k and gap_s:
                time.sleep(gap_s)
            i = dnswire.host_index(k, first, records)
            try:
                us, tries = query(i, qtype)
                latencies.append(us)
                retries += tries - 1
                correct += 1
            except (dnswire.BadReply, TimeoutError) as e:
                if len(errors) < MAX_ERRORS_KEPT:
                    errors.append(str(e))
        return {"ok": correct == count, "answered": len(latencies), "correct": correct,
                "retries": retries, "latencies_us": latencies, "errors": errors}


def handle(client, line):
    """The reply to one command line, or None for quit."""
    try:
        cmd = json.loads(line)
        if cmd["cmd"] == "quit":
            return None
        if cmd["cmd"] == "ready":
            return client.ready(float(cmd["timeout_s"]), float(cmd.get("poll_s", POLL_S)))
        if cmd["cmd"] == "run":
            if cmd.get("client", "udp") not in ("udp", "nslookup"):
                raise ValueError(f"client {cmd['client']!r}: expected udp or nslookup")
            records, first, count = int(cmd["records"]), int(cmd["first"]), int(cmd["count"])
            if not 1 <= records <= dnswire.RECORDS_MAX or not 1 <= first <= records or count < 1:
                raise ValueError(f"run: expected 1 <= first <= records <= {dnswire.RECORDS_MAX} "
                                 f"and count >= 1, got first={first} count={count} "
                                 f"records={records}")
            gap_s = float(cmd.get("gap_s", 0))
            if not 0 <= gap_s <= MAX_GAP_S:
                raise ValueError(f"run: gap_s {gap_s}: expected 0 to {MAX_GAP_S} seconds")
            qtype = cmd.get("qtype", "A")
            if qtype not in dnswire.QTYPES or (qtype != "A" and cmd.get("client") == "nslookup"):
                raise ValueError(f"run: qtype {qtype!r}: expected one of "
                                 f"{', '.join(dnswire.QTYPES)} (nslookup: A only)")
            return client.run(first, count, records, cmd.get("client", "udp"), gap_s,
                              dnswire.QTYPES[qtype])
        raise ValueError(f"unknown command {cmd['cmd']!r}: expected ready, run or quit")
    except (ValueError, KeyError, TypeError) as e:
        return {"ok": False, "error": f"bad command {line.strip()!r}: {e}"}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--server", required=True)
    p.add_argument("--port", type=int, default=53)
    a = p.parse_args()
    client = Client(a.server, a.port)
    for line in sys.stdin:
        if not line.strip():
            continue
        reply = handle(client, line)
        if reply is None:
            break
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
