# SPDX-License-Identifier: MIT
"""virtio-net: the driver comes up on QEMU's virtio-net-device in both transport versions,
reports the MAC address QEMU gave the device and its link, and follows link changes made
from QEMU's monitor. Receiving and sending are tested end to end with the network stack."""
import pytest

from qemu import VIRTIO_MODES, image

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
