# SPDX-License-Identifier: MIT
"""Differential test: the dns image and NSD (Debian's `nsd`, the reference authoritative
server) serve the same zone, generated from lib/dns's own constants by dns_zonefile.c, and
must give the same answers to a corpus of normal and malformed queries over UDP and TCP.
Where they may differ, ACCEPTED says so and names the RFC that allows it."""
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time

import pytest

from qemu import REPO, free_port, user_net, wait_until

RECORDS = 1000
NSD = shutil.which("nsd") or "/usr/sbin/nsd"

QR, AA, TC, RD, RA, CD = 0x8000, 0x0400, 0x0200, 0x0100, 0x0080, 0x0010
OPCODE_SHIFT = 11
T_A, T_NS, T_SOA, T_MX, T_TXT, T_AAAA, T_OPT, T_AXFR, T_ANY = 1, 2, 6, 15, 16, 28, 41, 252, 255
C_IN, C_CH, C_ANY = 1, 3, 255
OPT_DO = 0x8000
OPTION_COOKIE, OPTION_PADDING = 10, 12  # RFC 7873, RFC 7830
COOKIE = struct.pack(">HH", OPTION_COOKIE, 8) + bytes(range(1, 9))
QID = 0x4d6f

# Differences allowed between Mote and NSD 4.6.1, by case name: why, and the RFC that allows it.
# Each is a choice both RFC-conformant servers may make; all others must be equal.
ACCEPTED = {
    "notify": "NSD answers a NOTIFY it was not configured to take with REFUSED; Mote does not "
              "implement NOTIFY and says NOTIMP, as RFC 1996 §3.12 says such a server does",
    "cookie-only": "NSD 4.6.1 predates cookie support and answers QDCOUNT=0 with FORMERR; Mote "
                   "answers NOERROR with its OPT, as RFC 7873 §5.4 asks",
    "apex-any": "NSD answers ANY at the apex with the SOA alone, Mote with SOA and NS (and the "
                "NS's address): RFC 8482 §4.1 lets a responder return any subset, RFC 1035 all",
    "cd": "Mote copies CD into the reply, as RFC 4035 §3.1.6 asks of an authoritative server; "
          "NSD clears it",
    "class-any-nx": "for QCLASS=ANY NSD's NXDOMAIN has no SOA, Mote's has; the answer is not "
                    "authoritative (RFC 1034 §3.7.1), so RFC 2308 §3's SOA is optional",
    "qdcount-2": "NSD clears RD in its FORMERR; Mote copies it (RFC 1035 §4.1.1: RD is copied)",
    "axfr": "over UDP NSD says NOTIMP to AXFR, Mote REFUSED: RFC 5936 §4.2 defines AXFR only "
            "over TCP and fixes no RCODE for it over UDP",
}

# Over TCP only
ACCEPTED_TCP = {
    case: "NSD closes a TCP connection whose message is shorter than a minimal question "
          "(17 bytes) without answering; Mote answers FORMERR as over UDP (RFC 1035 §4.1.1); "
          "neither is an error: RFC 7766 leaves a server free to close a connection"
    for case in ("qdcount-0", "name-cut")
}


def accepted_formerr(got, want):
    """NSD's FORMERR carries no question, Mote's echoes it when it could be read: RFC 1035
    §4.1.1 leaves the question of an error reply open (RFC 6891 §7 neither requires it)."""
    if not got or not want or got["rcode"] != 1 or want["rcode"] != 1:
        return False
    return {**got, "question": []} == want


def name(dotted):
    out = b""
    for label in dotted.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(flags=RD, qd=1, an=0, ns=0, ar=0, qid=QID):
    return struct.pack(">HHHHHH", qid, flags, qd, an, ns, ar)


def opt(payload=4096, version=0, flags=0, options=b"", owner=b"\0"):
    return owner + struct.pack(">HHBBHH", T_OPT, payload, 0, version, flags, len(options)) + options


def query(qname, qtype=T_A, qclass=C_IN, flags=RD, edns=None, ar_extra=0):
    """A query; edns is the OPT's bytes (opt(...)) or None."""
    ar = (1 if edns else 0) + ar_extra
    return header(flags, ar=ar) + name(qname) + struct.pack(">HH", qtype, qclass) + (edns or b"")


def corpus():
    """(case name, query bytes): normal queries, then malformed ones."""
    q = {}
    last = f"host{RECORDS}.mote.test"
    for label, qname, qtype in [
            ("a", "host1.mote.test", T_A), ("a-last", last, T_A),
            ("nxdomain-past-last", f"host{RECORDS + 1}.mote.test", T_A),
            ("nxdomain-leading-zero", "host01.mote.test", T_A),
            ("nxdomain-deeper", "a.host1.mote.test", T_A),
            ("nxdomain-label", "nothere.mote.test", T_A),
            ("ns-a", "ns.mote.test", T_A), ("apex-soa", "mote.test", T_SOA),
            ("apex-ns", "mote.test", T_NS), ("apex-any", "mote.test", T_ANY),
            ("apex-a-nodata", "mote.test", T_A), ("host-aaaa-nodata", "host7.mote.test", T_AAAA),
            ("host-mx-nodata", "host7.mote.test", T_MX), ("host-any", "host8.mote.test", T_ANY),
            ("case-echoed", "HoSt9.MoTe.TeSt", T_A), ("outside", "example.com", T_A),
            ("root", ".", T_NS), ("parent", "test", T_SOA)]:
        q[label] = query(qname, qtype)
    # AAAA, which the zone has none of: NODATA from dns_answer's one pass, and its near misses
    q["aaaa-last"] = query(last, T_AAAA)
    q["aaaa-ns"] = query("ns.mote.test", T_AAAA)
    q["aaaa-case-echoed"] = query("HoSt9.MoTe.TeSt", T_AAAA)
    q["aaaa-edns-do"] = query("host4.mote.test", T_AAAA, edns=opt(flags=OPT_DO))
    q["aaaa-nxdomain-past-last"] = query(f"host{RECORDS + 1}.mote.test", T_AAAA)
    q["norec"] = query("host2.mote.test", flags=0)
    q["cd"] = query("host2.mote.test", flags=RD | CD)
    q["class-any"] = query("host3.mote.test", qclass=C_ANY)
    q["class-any-nx"] = query("nothere.mote.test", qclass=C_ANY)
    q["class-ch"] = query("host3.mote.test", T_TXT, C_CH)
    q["edns"] = query("host4.mote.test", edns=opt())
    q["edns-small"] = query("host4.mote.test", edns=opt(payload=100))
    q["edns-do"] = query("host4.mote.test", edns=opt(flags=OPT_DO))
    q["edns-do-nx"] = query("nothere.mote.test", edns=opt(flags=OPT_DO))
    q["edns-v1"] = query("host4.mote.test", edns=opt(version=1))
    q["edns-cookie"] = query("host4.mote.test", edns=opt(options=COOKIE))
    q["edns-padding"] = query("host4.mote.test",
                              edns=opt(options=struct.pack(">HH", OPTION_PADDING, 64) + bytes(64)))
    q["edns-option-overrun"] = query("host4.mote.test",
                                     edns=opt(options=struct.pack(">HH", OPTION_COOKIE, 9) + bytes(8)))
    q["edns-option-short"] = query("host4.mote.test", edns=opt(options=b"\0\x0a\0"))
    q["two-opts"] = query("host4.mote.test", edns=opt() + opt(), ar_extra=1)
    q["opt-not-root"] = query("host4.mote.test", edns=opt(owner=name("a")))
    q["cookie-only"] = header(qd=0, ar=1) + opt(options=COOKIE)
    q["qdcount-0"] = header(qd=0)
    q["qdcount-2"] = header(qd=2) + name("host1.mote.test") + struct.pack(">HH", T_A, C_IN) * 2
    q["question-cut"] = header() + name("host1.mote.test") + b"\0"
    q["name-cut"] = header() + b"\x05hos"
    q["label-64"] = header() + b"\x40" + b"a" * 64 + b"\0" + struct.pack(">HH", T_A, C_IN)
    q["label-reserved"] = header() + b"\x41a\0" + struct.pack(">HH", T_A, C_IN)
    q["pointer-self"] = header() + b"\xc0\x0c" + struct.pack(">HH", T_A, C_IN)
    q["pointer-forward"] = header() + b"\xc0\x12" + struct.pack(">HH", T_A, C_IN) + name("mote.test")
    q["pointer-header"] = header() + b"\xc0\x05" + struct.pack(">HH", T_A, C_IN)
    q["record-past-end"] = query("host1.mote.test", ar_extra=1) + b"\0" + struct.pack(">HHIH", T_A, C_IN, 0, 4)
    q["axfr"] = query("mote.test", T_AXFR)
    q["status"] = query("mote.test", flags=2 << OPCODE_SHIFT)
    q["notify"] = query("mote.test", T_SOA, flags=4 << OPCODE_SHIFT | AA)
    q["update"] = query("mote.test", T_SOA, flags=5 << OPCODE_SHIFT)
    q["response"] = query("host1.mote.test", flags=QR)
    q["short"] = header()[:11]
    return q


def read_name(msg, off):
    labels, jumped, end, hops = [], False, None, 0
    while True:
        b = msg[off]
        if b & 0xc0 == 0xc0:
            if not jumped:
                end = off + 2
            jumped, off, hops = True, struct.unpack(">H", msg[off:off + 2])[0] & 0x3fff, hops + 1
            assert hops < 64, "pointer loop in a reply"
            continue
        if b == 0:
            return ".".join(labels) + ".", end if jumped else off + 1
        labels.append(msg[off + 1:off + 1 + b].decode("latin-1"))
        off += 1 + b


def decode(msg):
    """A reply as comparable values: header fields, question, records (names expanded,
    each section sorted), the OPT's fields. None for no reply."""
    if msg is None:
        return None
    qid, flags, qd, an, ns, ar = struct.unpack(">HHHHHH", msg[:12])
    off, out = 12, {"id": qid, "flags": flags & ~0xf, "rcode": flags & 0xf, "question": []}
    for _ in range(qd):
        qname, off = read_name(msg, off)
        out["question"].append((qname,) + struct.unpack(">HH", msg[off:off + 4]))
        off += 4
    for section, count in (("answer", an), ("authority", ns), ("additional", ar)):
        rrs = []
        for _ in range(count):
            owner, off = read_name(msg, off)
            rtype, rclass, ttl, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
            off += 10
            rdata = msg[off:off + rdlen]
            if rtype == T_OPT:
                out["opt"] = {"payload": rclass, "ext_rcode": ttl >> 24, "version": ttl >> 16 & 0xff,
                              "do": bool(ttl & OPT_DO), "options": rdata.hex()}
            else:
                if rtype in (T_NS, T_SOA):
                    n1, o = read_name(msg, off)
                    rdata = (n1,)
                    if rtype == T_SOA:
                        n2, o = read_name(msg, o)
                        rdata = (n1, n2, msg[o:off + rdlen].hex())
                rrs.append((owner, rtype, rclass, ttl, repr(rdata)))
            off += rdlen
        out[section] = sorted(rrs)
    assert off == len(msg), f"reply has {len(msg) - off} bytes after its records"
    return out


def ask_udp(port, msg):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.5)
        for _ in range(2):  # a datagram may be lost in front of QEMU
            s.sendto(msg, ("127.0.0.1", port))
            try:
                return s.recv(65535)
            except socket.timeout:
                continue
    return None


def ask_tcp(port, msg):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(struct.pack(">H", len(msg)) + msg)
        buf = b""
        try:
            while len(buf) < 2 or len(buf) < 2 + struct.unpack(">H", buf[:2])[0]:
                chunk = s.recv(65537)
                if not chunk:
                    break
                buf += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    if len(buf) < 2:
        return None
    return buf[2:2 + struct.unpack(">H", buf[:2])[0]]


@pytest.fixture(scope="module")
def zonefile():
    d = tempfile.mkdtemp(prefix="mote-nsd-")
    exe = os.path.join(d, "dns_zonefile")
    subprocess.run(["cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I", REPO,
                    "-I", os.path.join(REPO, "lib/dns/include"),
                    os.path.join(REPO, "tests/system/dns_zonefile.c"),
                    os.path.join(REPO, "lib/dns/zone.c"), os.path.join(REPO, "lib/dns/wire.c"),
                    "-o", exe], check=True)
    with open(os.path.join(d, "mote.test.zone"), "w") as f:
        subprocess.run([exe, str(RECORDS)], stdout=f, check=True)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def nsd_conf(d, addr, port):
    return f"""server:
    ip-address: {addr}@{port}
    username: ""
    chroot: ""
    zonesdir: "{d}"
    database: ""
    zonelistfile: "{d}/zone.list"
    xfrdfile: "{d}/xfrd.state"
    xfrdir: "{d}"
    pidfile: "{d}/nsd-{port}.pid"
    logfile: "{d}/nsd-{port}.log"
    server-count: 1
    minimal-responses: yes
    refuse-any: no
    hide-version: yes
    hide-identity: yes
remote-control:
    control-enable: no
zone:
    name: mote.test
    zonefile: mote.test.zone
"""


def start_nsd(d, addr, port):
    """NSD in the foreground on addr:port (UDP and TCP), serving d's zone; returns the process."""
    if not os.path.exists(NSD):
        pytest.skip("nsd is not installed (Debian package nsd, from scripts/setup)")
    conf = os.path.join(d, f"nsd-{port}.conf")
    with open(conf, "w") as f:
        f.write(nsd_conf(d, addr, port))
    proc = subprocess.Popen([NSD, "-d", "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_until(lambda: proc.poll() is not None or ask_tcp_quiet(addr, port),
               f"NSD answering on {addr}:{port}")
    assert proc.poll() is None, f"NSD exited: {open(os.path.join(d, f'nsd-{port}.log')).read()}"
    return proc


def ask_tcp_quiet(addr, port):
    try:
        with socket.create_connection((addr, port), timeout=1):
            return True
    except OSError:
        return False


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def servers(zonefile, request):
    """(Mote's port, NSD's port): each serving UDP and TCP on 127.0.0.1."""
    from qemu import Qemu, image
    nsd_port = free_port(socket.SOCK_STREAM)
    nsd = start_nsd(zonefile, "127.0.0.1", nsd_port)
    port = free_port(socket.SOCK_STREAM)
    q = Qemu(image("dns"), append=f"records={RECORDS}",
             extra=user_net(f"udp:127.0.0.1:{port}-:53", f"tcp:127.0.0.1:{port}-:53")).start()
    try:
        q.wait_for(rf"dns: serving {RECORDS} records of mote\.test on UDP and TCP port 53")
        yield port, nsd_port
    finally:
        q.stop()
        stop(nsd)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_dns_answers_equal_nsds(servers, transport):
    mote_port, nsd_port = servers
    ask = ask_udp if transport == "udp" else ask_tcp
    accepted = {**ACCEPTED, **(ACCEPTED_TCP if transport == "tcp" else {})}
    diffs = []
    for case, msg in corpus().items():
        mote, ref = ask(mote_port, msg), ask(nsd_port, msg)
        got, want = decode(mote), decode(ref)
        if got != want and case not in accepted and not accepted_formerr(got, want):
            diffs.append(f"{case}: Mote {got}\n{' ' * len(case)}  NSD  {want}")
    assert not diffs, f"expected Mote's answers over {transport} equal to NSD's:\n" + "\n".join(diffs)


def test_dns_answers_a_long_query_over_tcp_as_nsd_does(servers):
    """RFC 7766 §8: any length up to 65535 is a message; 6000 bytes of EDNS padding is valid."""
    mote_port, nsd_port = servers
    msg = query("host5.mote.test",
                edns=opt(options=struct.pack(">HH", OPTION_PADDING, 6000) + bytes(6000)))
    got, want = decode(ask_tcp(mote_port, msg)), decode(ask_tcp(nsd_port, msg))
    assert want and got == want, f"expected NSD's answer to a 6 KB query, got {got}, NSD {want}"


def test_dns_over_tcp_keeps_queued_answer_before_a_zero_length(servers):
    """A query, then a zero length in the same segment: the answer still comes, then FIN."""
    mote_port, _ = servers
    msg = query("host6.mote.test")
    with socket.create_connection(("127.0.0.1", mote_port), timeout=10) as s:
        s.sendall(struct.pack(">H", len(msg)) + msg + b"\0\0")
        buf = b""
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except ConnectionResetError:
            pass
    assert len(buf) > 2 and decode(buf[2:])["answer"], f"expected the answer before the close, got {buf!r}"


ZONEMASTER = shutil.which("zonemaster-cli") or "/usr/bin/zonemaster-cli"
NS_ADDR = "10.255.255.254"  # ns.mote.test.'s address in the zone (lib/dns/zone.h)


def zonemaster(ns, d):
    """zonemaster-cli's findings (level, tag, arguments) on mote.test. served at NS_ADDR in
    namespace ns, undelegated (--ns), with root hints naming the same server so that no
    query leaves the namespace."""
    hints = os.path.join(d, "hints")
    with open(hints, "w") as f:
        f.write(f". 3600000 NS root.test.\nroot.test. 3600000 A {NS_ADDR}\n")
    out = ns.exec(ZONEMASTER, "mote.test", f"--ns=ns.mote.test/{NS_ADDR}", "--no-ipv6",
                  f"--hints={hints}", "--level=NOTICE", "--raw", "--show-level", "--no-progress",
                  check=False, timeout=120)
    lines = [line.split(None, 1)[1] for line in out.stdout.splitlines()
             if line.strip() and line.split(None, 1)[0].replace(".", "").isdigit()]
    assert lines, f"expected zonemaster-cli findings, got:\n{out.stdout}\n{out.stderr}"
    return set(lines)


def test_zonemaster_finds_nothing_in_mote_it_does_not_find_in_nsd(zonefile, netns):
    """The two servers each in a namespace of their own at ns.mote.test.'s address, port 53."""
    if not os.path.exists(ZONEMASTER):
        pytest.skip("zonemaster-cli is not installed (Debian package zonemaster-cli)")
    from netns import Netns
    from qemu import Qemu, image
    other = Netns().create()
    q = nsd = None
    try:
        for ns in (netns, other):
            ns.exec("ip", "addr", "add", f"{NS_ADDR}/32", "dev", "lo")
        q = Qemu(image("dns"), append=f"records={RECORDS}", wrapper=netns.wrapper(),
                 extra=user_net(f"udp:{NS_ADDR}:53-:53", f"tcp:{NS_ADDR}:53-:53")).start()
        q.wait_for(rf"dns: serving {RECORDS} records of mote\.test on UDP and TCP port 53")
        conf = os.path.join(zonefile, "nsd-zonemaster.conf")
        with open(conf, "w") as f:
            f.write(nsd_conf(zonefile, NS_ADDR, 53).replace("nsd-53", "nsd-zonemaster"))
        nsd = subprocess.Popen([*other.wrapper(), NSD, "-d", "-c", conf],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: nsd.poll() is not None or other.exec(
            "dig", f"@{NS_ADDR}", "+time=1", "+tries=1", "mote.test", "SOA", check=False).returncode == 0,
            "NSD answering in its namespace")
        assert nsd.poll() is None, "NSD exited in its namespace"
        mote, ref = zonemaster(netns, zonefile), zonemaster(other, zonefile)
        extra = sorted(mote - ref)
        assert not extra, "expected zonemaster-cli to report nothing about Mote that it does not " \
                          "report about NSD; only Mote got:\n" + "\n".join(extra)
    finally:
        if q:
            q.stop()
        if nsd:
            stop(nsd)
        other.delete()
