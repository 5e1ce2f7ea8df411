# SPDX-License-Identifier: MIT
"""virtio-net: the driver comes up on QEMU's virtio-net-device in both transport versions,
reports the MAC address QEMU gave the device and its link, and follows link changes made
from QEMU's monitor. Receiving and sending are tested end to end with the network stack."""
import socket
import struct

import pytest

from qemu import VIRTIO_MODES, free_port, image

NETDEV = ("-netdev", "user,id=n0")
PROBE = r"info: virtio: slot 0x[0-9a-f]{8}: network device \(id 1\), "
MODES = VIRTIO_MODES
# virtio-net is linked into the images whose service uses the network (service_uses := net).
NET_SERVICE = "http"
READY = r"http: serving on TCP port 80"


@pytest.mark.parametrize("mode", MODES)
def test_network_device_is_probed_with_qemu_default_mac_and_link_up(qemu, mode):
    q = qemu(image(NET_SERVICE),
             extra=(*NETDEV, "-device", "virtio-net-device,netdev=n0", *MODES[mode]))
    m = q.wait_for(r"info: virtio-net: MAC (\S+), link (\w+), (\w+), checksum offload (.+)$")
    # User networking has no vnet headers: QEMU offers no checksum offload with it.
    assert m.group(1, 2, 3, 4) == ("52:54:00:12:34:56", "up", mode, "off"), \
        f"expected QEMU's default MAC, link up, {mode}, no offload; got: {m.group(0)}"
    q.wait_for(PROBE + mode + "$")
    q.wait_for(READY)
    assert "error" not in q.output and "warn" not in q.output, f"unexpected complaint:\n{q.tail()}"


def test_mac_given_to_qemu_is_the_one_reported(qemu):
    q = qemu(image(NET_SERVICE),
             extra=(*NETDEV, "-device", "virtio-net-device,netdev=n0,mac=02:00:00:00:00:42"))
    m = q.wait_for(r"info: virtio-net: MAC (\S+), link up, legacy, checksum offload off$")
    assert m.group(1) == "02:00:00:00:00:42", f"expected the MAC given to QEMU, got: {m.group(0)}"


@pytest.mark.parametrize("mode", MODES)
def test_link_changes_from_the_monitor_are_followed(qemu, mode):
    q = qemu(image(NET_SERVICE), extra=(*NETDEV, "-device", "virtio-net-device,netdev=n0",
                                        *MODES[mode]), monitor=True)
    q.wait_for(READY)
    q.hmp("set_link n0 off")
    end = q.wait_for(r"info: virtio-net: link down$").end()
    q.hmp("set_link n0 on")
    q.wait_for(r"info: virtio-net: link up$", start=end)


# What the driver must also work without: ANY_LAYOUT (a legacy device then wants the
# virtio-net header and the frame in two descriptors) and EVENT_IDX (notifications and
# interrupts then follow the rings' flags). QEMU offers both by default.
DEVICE_OPTIONS = ["any_layout=off", "event_idx=off", "any_layout=off,event_idx=off"]
QUERIES = 300  # several times round both 64-buffer rings, and a ring's worth reclaimed at once


def dns_query(name, qid):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack(">HH", 1, 1)


@pytest.mark.parametrize("options", DEVICE_OPTIONS)
def test_dns_is_answered_over_device_without_any_layout_or_event_idx(qemu, options):
    """Hundreds of queries one after another, each answered with the right record: the
    receive and transmit buffers go round their rings several times in either layout."""
    port = free_port()
    q = qemu(image("dns"), append="records=10000",
             extra=("-netdev", f"user,id=n0,hostfwd=udp:127.0.0.1:{port}-:53",
                    "-device", f"virtio-net-device,netdev=n0,{options}"))
    q.wait_for(r"dns: serving 10000 records of mote\.test on UDP and TCP port 53")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        for i in range(1, QUERIES + 1):
            name = f"host{i}.mote.test"
            for attempt in range(3):  # user networking may drop one; a lost answer is retried
                s.sendto(dns_query(name, i), ("127.0.0.1", port))
                try:
                    answer = s.recv(512)
                    break
                except socket.timeout:
                    continue
            else:
                pytest.fail(f"expected an answer for {name} ({options}), got none\n{q.tail()}")
            # The answer's last four bytes are the A record's address: 10.0.i/256.i%256.
            assert struct.unpack(">H", answer[:2])[0] == i and \
                answer[-4:] == bytes([10, 0, i >> 8, i & 0xff]), \
                f"expected {name}'s answer ({options}), got {answer!r}"
    assert "warn" not in q.output and "error" not in q.output, \
        f"unexpected complaint ({options}):\n{q.tail()}"
