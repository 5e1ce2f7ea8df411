# SPDX-License-Identifier: MIT
"""TCP under loss: a 1 MB upload to the http image through a lossy link (relay.py between the
namespace's tap and QEMU's -netdev dgram: 10% loss, 20 ms delay, 25% reordering each way) must
arrive whole. The upload is an HTTP POST whose body the service reads and discards (405), then a
GET on the same connection: its answer comes only after every byte of the body was taken in
order. How fast is measured in bench/tcp_loss.py, never asserted here.

Run as a script inside the namespace (python3 test_tcp_loss.py upload DST PORT BYTES TIMEOUT [PATH follow|alone]),
this file is also the uploader; it prints "seconds BYTES_SENT STATUS..." ."""
import os
import re
import socket
import sys
import time

HTTP_PORT = 80
LOSS, DELAY_MS, REORDER = 0.10, 20, 0.25  # the impairment
UPLOAD_BYTES = 1 << 20
UPLOAD_TIMEOUT_S = 600  # generous: TCG under load; bench/ measures the speed
CONNECT_TRIES = 5


def upload(dst, port, size, timeout, path="/upload", follow=True):
    """POSTs size bytes to path; with follow, a GET follows on the same connection (a server
    that answers a POST before its body is in, as Mote's http does with 405, answers the GET only
    after the whole body). Prints the seconds from the connection's start until the server closed,
the size and the statuses."""
    head = (f"POST {path} HTTP/1.1\r\nHost: mote\r\nContent-Length: {size}\r\n\r\n").encode()
    tail = b"GET / HTTP/1.1\r\nHost: mote\r\nConnection: close\r\n\r\n" if follow else b""
    body = bytes(range(256)) * (size // 256) + bytes(size % 256)
    for attempt in range(CONNECT_TRIES):  # ARP through a lossy link may need more than one
        try:
            s = socket.create_connection((dst, port), timeout=timeout)
            break
        except OSError:
            if attempt == CONNECT_TRIES - 1:
                raise
    start = time.monotonic()
    got = b""
    with s:
        s.sendall(head + body + tail)
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except ConnectionResetError:
            pass  # a server that closes with our GET unread: its answer came before
    took = time.monotonic() - start
    statuses = re.findall(rb"HTTP/1\.[01] (\d{3})", got)
    print(f"{took:.3f} {size} {' '.join(x.decode() for x in statuses)}", flush=True)


if __name__ == "__main__" and len(sys.argv) in (6, 8) and sys.argv[1] == "upload":
    extra = (sys.argv[6], sys.argv[7] == "follow") if len(sys.argv) == 8 else ()
    upload(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), *extra)
    sys.exit(0)

# The test itself (pytest imports this file; the script above needs none of this).
from netns import GUEST_ADDR, HOST_ADDR, PREFIX  # noqa: E402
from qemu import image  # noqa: E402
from relay import Relay  # noqa: E402


def start_behind_relay(qemu, netns, kernel, append, loss=LOSS, delay_ms=DELAY_MS, reorder=REORDER):
    """QEMU running kernel on a relay with the given impairment; returns (qemu, relay)."""
    r = Relay(netns, loss, delay_ms, reorder)
    try:
        q = qemu(kernel, append=append, extra=r.qemu_args(), wrapper=netns.wrapper())
    except Exception:
        r.stop()
        raise
    return q, r


def run_upload(netns, size, timeout=UPLOAD_TIMEOUT_S, path="/upload", follow=True):
    """Uploads size bytes to the guest's port 80 (upload()); returns (seconds, statuses)."""
    out = netns.exec(sys.executable or "python3", os.path.abspath(__file__), "upload", GUEST_ADDR,
                     str(HTTP_PORT), str(size), str(timeout), path,
                     "follow" if follow else "alone", timeout=timeout + 60, check=False)
    words = out.stdout.split()
    assert len(words) >= 2, f"the uploader said: {out.stdout!r} {out.stderr!r}"
    return float(words[0]), words[2:]


def test_http_upload_arrives_whole_through_a_lossy_link(qemu, netns):
    q, r = start_behind_relay(qemu, netns, image("http"), f"ip={GUEST_ADDR}/{PREFIX} gw={HOST_ADDR}")
    try:
        q.wait_for(r"mote: ready")
        took, statuses = run_upload(netns, UPLOAD_BYTES)
        print(f"1 MiB upload through {LOSS:.0%} loss, {DELAY_MS} ms, {REORDER:.0%} reordering: "
              f"{took:.1f} s ({UPLOAD_BYTES / took / 1024:.0f} KiB/s)")
        # 405 for the POST once its head is read, 200 for the GET after the whole body.
        assert statuses == ["405", "200"], \
            f"expected 405 then 200 once the body was all in, got {statuses}\n{q.tail()}"
    finally:
        out, err = r.stop()
        assert "Traceback" not in err, f"the relay failed:\n{err}"
