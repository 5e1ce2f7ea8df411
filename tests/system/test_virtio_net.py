# SPDX-License-Identifier: MIT
"""virtio-net: the driver comes up on QEMU's virtio-net-device in both transport versions,
reports the MAC address QEMU gave the device and its link, and follows link changes made
from QEMU's monitor. Receiving and sending are tested end to end with the network stack."""
import os
import shutil
import socket
import tempfile
import time

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
    m = q.wait_for(r"info: virtio-net: MAC (\S+), link (\w+), (\w+)$")
    assert m.group(1, 2, 3) == ("52:54:00:12:34:56", "up", mode), \
        f"expected QEMU's default MAC, link up, {mode}; got: {m.group(0)}"
    q.wait_for(PROBE + mode + "$")
    q.wait_for(READY)
    assert "error" not in q.output and "warn" not in q.output, f"unexpected complaint:\n{q.tail()}"


def test_mac_given_to_qemu_is_the_one_reported(qemu):
    q = qemu(image(NET_SERVICE),
             extra=(*NETDEV, "-device", "virtio-net-device,netdev=n0,mac=02:00:00:00:00:42"))
    m = q.wait_for(r"info: virtio-net: MAC (\S+), link up, legacy$")
    assert m.group(1) == "02:00:00:00:00:42", f"expected the MAC given to QEMU, got: {m.group(0)}"


@pytest.mark.parametrize("mode", MODES)
def test_link_changes_from_the_monitor_are_followed(qemu, mode):
    # A short path: unix socket names are limited to about 100 bytes.
    tmp = tempfile.mkdtemp(prefix="mote-mon-")
    try:
        path = os.path.join(tmp, "mon.sock")
        q = qemu(image(NET_SERVICE),
                 extra=(*NETDEV, "-device", "virtio-net-device,netdev=n0", *MODES[mode],
                        "-monitor", f"unix:{path},server=on,wait=off"))
        q.wait_for(READY)
        with socket.socket(socket.AF_UNIX) as mon:
            deadline = time.monotonic() + 10
            while True:
                try:
                    mon.connect(path)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            mon.sendall(b"set_link n0 off\n")
            end = q.wait_for(r"info: virtio-net: link down$").end()
            mon.sendall(b"set_link n0 on\n")
            q.wait_for(r"info: virtio-net: link up$", start=end)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
