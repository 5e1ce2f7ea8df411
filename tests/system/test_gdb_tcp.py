# SPDX-License-Identifier: MIT
"""Who may reach the GDB stub over TCP (net/gdb_tcp.c): gdb=tcp:PORT takes a debugger from the
local link only, gdb=tcp:ADDR:PORT listens on ADDR only, and a second debugger is refused while
one is attached. Checked from outside with raw RSP over real sockets: from QEMU's user networking
(the host's forwarded connections come from the on-link 10.0.2.2), and from a tap device in a
network namespace, where the host also has a routed address the image reaches through its
gateway."""
import re
import socket
import textwrap

from debugimg import debug_image
from netns import GUEST_ADDR, HOST_ADDR, PREFIX, TAP
from qemu import TIMEOUT_S, free_port, user_net

GUEST_PORT = 1234
USER_NET_GUEST = "10.0.2.15"  # QEMU user networking's first DHCP address
ROUTED_ADDR = "10.77.0.1"  # a host address off the image's link, reached through its gateway


def rsp_packet(payload):
    return b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xff)


def rsp_reply(sock, buf=b""):
    """The next packet's payload, or None when the stub closed or reset the connection."""
    while True:
        m = re.search(rb"\$([^#]*)#[0-9a-f]{2}", buf)
        if m:
            return m.group(1)
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:
            return None
        if not chunk:
            return None
        buf += chunk


def halt_reason(sock):
    sock.sendall(b"+" + rsp_packet(b"?"))
    return rsp_reply(sock)


def start_user_net(qemu, append):
    port = free_port(socket.SOCK_STREAM)
    q = qemu(debug_image("dns"), append=append,
             extra=user_net(f"tcp:127.0.0.1:{port}-:{GUEST_PORT}"))
    q.wait_for(r"gdb: stub on")
    q.wait_for(r"mote: ready")
    return q, port


def test_gdb_tcp_refuses_a_second_debugger_while_one_is_attached(qemu):
    q, port = start_user_net(qemu, f"gdb=tcp:{GUEST_PORT}")
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as first:
        assert re.fullmatch(rb"[ST][0-9a-f]{2}.*", halt_reason(first) or b""), q.tail()
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as second:
            got = halt_reason(second)
            assert got is None, f"expected the second debugger to be reset, it got {got!r}"
        q.wait_for(r"gdb: refused a debugger from 10\.0\.2\.2: another debugger is attached")
        # The first session is untouched: it still reads registers, then lets the image go.
        first.sendall(rsp_packet(b"p20"))
        pc = rsp_reply(first)
        assert pc and re.fullmatch(rb"[0-9a-f]{16}", pc), f"expected pc from the first debugger: {pc!r}"
        first.sendall(rsp_packet(b"D"))
        assert rsp_reply(first) == b"OK"
    # Once the first has left, the next one is welcome.
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as third:
        assert re.fullmatch(rb"[ST][0-9a-f]{2}.*", halt_reason(third) or b""), q.tail()
        third.sendall(rsp_packet(b"D"))
        assert rsp_reply(third) == b"OK"


def test_gdb_tcp_with_an_address_listens_there_only(qemu):
    q, port = start_user_net(qemu, f"gdb=tcp:{USER_NET_GUEST}:{GUEST_PORT}")
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        assert re.fullmatch(rb"[ST][0-9a-f]{2}.*", halt_reason(s) or b""), q.tail()
        s.sendall(rsp_packet(b"D"))
        assert rsp_reply(s) == b"OK"
    q.stop()

    # QEMU forwards to 10.0.2.15; a stub bound to another address of the image is not there.
    q, port = start_user_net(qemu, f"gdb=tcp:10.0.2.99:{GUEST_PORT}")
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        got = halt_reason(s)
        assert got is None, f"expected no stub on 10.0.2.15, got {got!r}"
    assert "gdb: stopped" not in q.output, q.tail()


def test_gdb_tcp_rejects_bad_addresses_with_a_clear_message(qemu):
    q = qemu(debug_image("dns"), append="gdb=tcp:10.0.2.300:1234", extra=user_net())
    q.wait_for(r"gdb: gdb=tcp:10\.0\.2\.300:1234 not understood; expected gdb=serial or "
               r"gdb=tcp:\[ADDR:\]PORT")
    q.wait_for(r"mote: ready")


# Runs inside the namespace: connects from SRC to the stub and prints what came back.
PROBE = textwrap.dedent("""
    import re, socket, sys
    src, dst, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    s = socket.socket()
    s.settimeout(timeout)
    s.bind((src, 0))
    buf = b""
    try:
        s.connect((dst, port))
        s.sendall(b"+$?#3f")
        while not re.search(rb"\\$([^#]*)#", buf):
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
    except (ConnectionResetError, ConnectionRefusedError, BrokenPipeError):
        pass
    m = re.search(rb"\\$([^#]*)#", buf)
    if m:
        s.sendall(b"$D#44")
        s.recv(4096)
    print("reply:" + m.group(1).decode() if m else "refused")
""")


def probe(netns, src):
    out = netns.exec("python3", "-c", PROBE, src, GUEST_ADDR, str(GUEST_PORT), str(TIMEOUT_S),
                     timeout=TIMEOUT_S * 2)
    return out.stdout.strip()


def start_on_tap(qemu, netns, gdb):
    netns.exec("ip", "addr", "add", f"{ROUTED_ADDR}/32", "dev", TAP)
    q = qemu(debug_image("dns"), append=f"ip={GUEST_ADDR}/{PREFIX} gw={HOST_ADDR} {gdb}",
             extra=netns.qemu_net(), wrapper=netns.wrapper())
    q.wait_for(r"mote: ready")
    return q


def test_gdb_tcp_takes_a_debugger_from_the_link_only(qemu, netns):
    q = start_on_tap(qemu, netns, f"gdb=tcp:{GUEST_PORT}")
    routed = probe(netns, ROUTED_ADDR)
    assert routed == "refused", f"expected a routed peer to be reset, got {routed!r}\n{q.tail()}"
    q.wait_for(rf"gdb: refused a debugger from {re.escape(ROUTED_ADDR)}: not on the local link")
    local = probe(netns, HOST_ADDR)
    assert re.fullmatch(r"reply:[ST][0-9a-f]{2}.*", local), f"expected an on-link debugger served: {local!r}"


def test_gdb_tcp_with_an_address_takes_any_peer_that_reaches_it(qemu, netns):
    q = start_on_tap(qemu, netns, f"gdb=tcp:{GUEST_ADDR}:{GUEST_PORT}")
    routed = probe(netns, ROUTED_ADDR)
    assert re.fullmatch(r"reply:[ST][0-9a-f]{2}.*", routed), f"expected the routed peer served: {routed!r}\n{q.tail()}"
