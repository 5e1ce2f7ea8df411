# SPDX-License-Identifier: MIT
"""The client's DNS encoding and its check of every answer."""
import struct

import pytest

import dnswire


def reply(msg_id, name, addr_bytes, *, rcode=0, aa=True, qr=True, pointer=True, qname=None):
    flags = (0x8000 if qr else 0) | (0x0400 if aa else 0) | rcode
    q = dnswire.encode_name(qname or name) + struct.pack("!HH", 1, 1)
    owner = b"\xc0\x0c" if pointer else dnswire.encode_name(name)
    an = owner + struct.pack("!HHIH", 1, 1, 300, len(addr_bytes)) + addr_bytes
    return struct.pack("!HHHHHH", msg_id, flags, 1, 1, 0, 0) + q + an


def test_host_address_is_ten_slash_eight_plus_index():
    assert dnswire.host_address(1) == "10.0.0.1"
    assert dnswire.host_address(256) == "10.0.1.0"
    assert dnswire.host_address(10000) == "10.0.39.16"
    assert dnswire.host_address(1000000) == "10.15.66.64"
    with pytest.raises(ValueError):
        dnswire.host_address(0)


def test_host_index_wraps_inside_the_zone():
    assert [dnswire.host_index(k, 9999, 10000) for k in range(4)] == [9999, 10000, 1, 2]
    assert [dnswire.host_index(k, 1, 3) for k in range(5)] == [1, 2, 3, 1, 2]


def test_query_is_a_standard_a_query_for_the_name():
    q = dnswire.build_query(0x1234, "host42.mote.test")
    assert q == (b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                 b"\x06host42\x04mote\x04test\x00\x00\x01\x00\x01")


def test_encode_name_rejects_empty_and_long_labels():
    with pytest.raises(ValueError):
        dnswire.encode_name("a..b")
    with pytest.raises(ValueError):
        dnswire.encode_name("x" * 64 + ".test")


def test_correct_answer_passes_with_and_without_compression():
    name = "host42.mote.test"
    dnswire.check_answer(reply(7, name, bytes([10, 0, 0, 42])), 7, 42)
    dnswire.check_answer(reply(7, name, bytes([10, 0, 0, 42]), pointer=False), 7, 42)
    dnswire.check_answer(reply(7, "HOST42.Mote.TEST", bytes([10, 0, 0, 42])), 7, 42)


@pytest.mark.parametrize("bad, why", [
    (dict(addr_bytes=bytes([10, 0, 0, 43])), "address 10.0.0.43, expected 10.0.0.42"),
    (dict(rcode=3), "rcode 3"),
    (dict(aa=False), "AA not set"),
    (dict(qr=False), "QR=0"),
    (dict(qname="host41.mote.test"), "question echoed"),
    (dict(addr_bytes=bytes([10, 0, 0])), "expected one A record"),
])
def test_wrong_answer_is_rejected_with_the_reason(bad, why):
    args = dict(msg_id=7, name="host42.mote.test", addr_bytes=bytes([10, 0, 0, 42]))
    args.update(bad)
    with pytest.raises(dnswire.BadReply, match=why):
        dnswire.check_answer(reply(**args), 7, 42)


def test_reply_to_another_query_is_rejected():
    with pytest.raises(dnswire.BadReply, match="does not match"):
        dnswire.check_answer(reply(8, "host42.mote.test", bytes([10, 0, 0, 42])), 7, 42)


@pytest.mark.parametrize("msg, why", [
    (b"\x00" * 11, "shorter than the 12-byte header"),
    (struct.pack("!HHHHHH", 1, 0x8400, 1, 0, 0, 0) + b"\x05ab", "past the end"),
    (struct.pack("!HHHHHH", 1, 0x8400, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01", "loop"),
    (struct.pack("!HHHHHH", 1, 0x8400, 1, 0, 0, 0) + b"\x80", "label type"),
    (struct.pack("!HHHHHH", 1, 0x8400, 1, 1, 0, 0) + b"\x00\x00\x01\x00\x01\x00\x00\x01",
     "answer record header cut short"),
])
def test_malformed_replies_raise_bad_reply(msg, why):
    with pytest.raises(dnswire.BadReply, match=why):
        dnswire.parse_reply(msg)


def nodata(msg_id, name, *, qtype=dnswire.TYPE_AAAA, answers=0, soa_owner="mote.test",
           authority_type=dnswire.TYPE_SOA, rcode=0):
    """The reply lib/dns gives an AAAA query for a host: no answer, the zone's SOA."""
    q = dnswire.encode_name(name) + struct.pack("!HH", qtype, 1)
    an = b""
    for _ in range(answers):
        an += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, 16) + bytes(16)
    timers = struct.pack("!IIIII", 1, 3600, 600, 86400, 300)
    rdata = b"\x02ns\xc0\x0c\x0ahostmaster\xc0\x0c" + timers
    ns = dnswire.encode_name(soa_owner) + struct.pack("!HHIH", authority_type, 1, 300,
                                                      len(rdata)) + rdata
    return struct.pack("!HHHHHH", msg_id, 0x8400 | rcode, 1, answers, 1, 0) + q + an + ns


def test_aaaa_query_asks_for_aaaa():
    q = dnswire.build_query(0x1234, "host42.mote.test", dnswire.TYPE_AAAA)
    assert q.endswith(b"\x04test\x00\x00\x1c\x00\x01")


def test_nodata_for_aaaa_passes():
    dnswire.check_answer(nodata(7, "host42.mote.test"), 7, 42, dnswire.TYPE_AAAA)


@pytest.mark.parametrize("bad, why", [
    (dict(answers=1), "expected no answer"),
    (dict(soa_owner="host42.mote.test"), "expected no answer"),
    (dict(authority_type=2), "expected no answer"),
    (dict(qtype=dnswire.TYPE_A), "question echoed"),
    (dict(rcode=3), "rcode 3"),
])
def test_wrong_nodata_is_rejected_with_the_reason(bad, why):
    with pytest.raises(dnswire.BadReply, match=why):
        dnswire.check_answer(nodata(7, "host42.mote.test", **bad), 7, 42, dnswire.TYPE_AAAA)


def test_a_answer_is_not_taken_for_aaaa():
    with pytest.raises(dnswire.BadReply, match="question echoed"):
        dnswire.check_answer(reply(7, "host42.mote.test", bytes([10, 0, 0, 42])), 7, 42,
                             dnswire.TYPE_AAAA)
