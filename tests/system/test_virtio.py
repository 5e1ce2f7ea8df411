# SPDX-License-Identifier: MIT
"""virtio-mmio: the probe finds a virtio-rng device in both transport versions QEMU offers,
the entropy driver takes the device's bytes (seen from outside: QEMU's rng-random backend
reads them from a pipe the test fills, and exactly what the driver asks for is gone), and a
machine without virtio devices boots as before."""
import array
import fcntl
import os
import termios

import pytest

from qemu import VIRTIO_MODES, image, wait_until

PROBE = r"info: virtio: slot 0x[0-9a-f]{8}: "
MODES = VIRTIO_MODES
ASKED = 32  # bytes drivers/virtio/rng.c asks the device for at boot (RNG_BUF_LEN)


class EntropyPipe:
    """A FIFO as the entropy of one virtio-rng device (QEMU's rng-random backend reads it),
    filled with more bytes than the driver asks for; taken() says how many the device read."""

    def __init__(self, tmp_path, name, size=2 * ASKED):
        self.name, self.size = name, size
        self.path = str(tmp_path / name)
        os.mkfifo(self.path)
        # Read-write, so that QEMU's open for reading does not wait for a writer.
        self.fd = os.open(self.path, os.O_RDWR | os.O_NONBLOCK)
        os.write(self.fd, os.urandom(size))

    def qemu_args(self):
        return ("-object", f"rng-random,id={self.name},filename={self.path}",
                "-device", f"virtio-rng-device,rng={self.name}")

    def taken(self):
        left = array.array("i", [0])
        fcntl.ioctl(self.fd, termios.FIONREAD, left)
        return self.size - left[0]

    def close(self):
        os.close(self.fd)


@pytest.mark.parametrize("mode", MODES)
def test_entropy_device_is_probed_and_returns_bytes(qemu, mode, tmp_path):
    pipe = EntropyPipe(tmp_path, "rng0")
    try:
        q = qemu(image("hello"), append="ticks=0 loglevel=debug", rng=False,
                 extra=(*pipe.qemu_args(), *MODES[mode]))
        m = q.wait_for(PROBE + r"(\S+) device \(id (\d+)\), (\w+)$")
        assert m.group(1, 2, 3) == ("entropy", "4", mode), \
            f"expected the entropy device (id 4) probed as {mode}, got: {m.group(0)}"
        q.wait_for(r"hello: ready")
        wait_until(lambda: pipe.taken() == ASKED,
                   lambda: f"the device to read the {ASKED} bytes the driver asks for, it read {pipe.taken()}")
    finally:
        pipe.close()
    assert "virtio: slot" not in q.output.replace(m.group(0), ""), \
        f"expected one probe line, got:\n{q.tail()}"
    assert "error" not in q.output and "warn" not in q.output, f"unexpected complaint:\n{q.tail()}"


def test_no_virtio_device_means_no_probe_lines(qemu):
    q = qemu(image("hello"), append="ticks=0 loglevel=debug", rng=False)
    q.wait_for(r"hello: ready")
    assert "virtio: slot" not in q.output and "virtio-rng" not in q.output, \
        f"expected no virtio device lines without a device, got:\n{q.tail()}"


def test_failed_device_is_reported_and_boot_goes_on(qemu, tmp_path):
    # Mote drives one entropy device; the second one's probe fails (-EBUSY) and is marked FAILED.
    pipes = [EntropyPipe(tmp_path, "rng0"), EntropyPipe(tmp_path, "rng1")]
    try:
        q = qemu(image("hello"), append="ticks=0 loglevel=debug", rng=False,
                 extra=(*pipes[0].qemu_args(), *pipes[1].qemu_args()))
        q.wait_for(r"error: virtio: slot 0x[0-9a-f]{8}: entropy device \(id 4\), legacy: "
                   r"driver failed with error -16; device marked FAILED")
        q.wait_for(PROBE + r"entropy device \(id 4\), legacy$")
        q.wait_for(r"hello: ready")
        # The driven device gives its bytes; the FAILED one is never asked.
        wait_until(lambda: sorted(p.taken() for p in pipes) == [0, ASKED],
                   lambda: f"one device to read {ASKED} bytes and the other none, "
                           f"they read {[p.taken() for p in pipes]}")
    finally:
        for p in pipes:
            p.close()
