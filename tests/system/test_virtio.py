# SPDX-License-Identifier: MIT
"""virtio-mmio: the probe finds a virtio-rng device in both transport versions QEMU offers,
the entropy driver gets its bytes back, and a machine without virtio devices boots as before."""
import pytest

from qemu import VIRTIO_MODES, image

PROBE = r"info: virtio: slot 0x[0-9a-f]{8}: "
MODES = VIRTIO_MODES


@pytest.mark.parametrize("mode", MODES)
def test_entropy_device_is_probed_and_returns_bytes(qemu, mode):
    q = qemu(image("hello"), append="ticks=0 loglevel=debug",
             extra=("-device", "virtio-rng-device", *MODES[mode]))
    m = q.wait_for(PROBE + r"(\S+) device \(id (\d+)\), (\w+)$")
    assert m.group(1, 2, 3) == ("entropy", "4", mode), \
        f"expected the entropy device (id 4) probed as {mode}, got: {m.group(0)}"
    q.wait_for(r"debug: virtio-rng: mixed 32 bytes")
    q.wait_for(r"hello: ready")
    assert "virtio: slot" not in q.output.replace(m.group(0), ""), \
        f"expected one probe line, got:\n{q.tail()}"
    assert "error" not in q.output and "warn" not in q.output, f"unexpected complaint:\n{q.tail()}"


def test_no_virtio_device_means_no_probe_lines(qemu):
    q = qemu(image("hello"), append="ticks=0 loglevel=debug")
    q.wait_for(r"hello: ready")
    assert "virtio: slot" not in q.output and "virtio-rng" not in q.output, \
        f"expected no virtio device lines without a device, got:\n{q.tail()}"


def test_failed_device_is_reported_and_boot_goes_on(qemu):
    # Mote drives one entropy device; the second one's probe fails (-EBUSY) and is marked FAILED.
    q = qemu(image("hello"), append="ticks=0 loglevel=debug",
             extra=("-device", "virtio-rng-device", "-device", "virtio-rng-device"))
    q.wait_for(r"error: virtio: slot 0x[0-9a-f]{8}: entropy device \(id 4\), legacy: "
               r"driver failed with error -16; device marked FAILED")
    q.wait_for(PROBE + r"entropy device \(id 4\), legacy$")
    q.wait_for(r"hello: ready")
    q.wait_for(r"debug: virtio-rng: mixed 32 bytes")
