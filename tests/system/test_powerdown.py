# SPDX-License-Identifier: MIT
"""system_powerdown (from QEMU's monitor; QMP's, which `mote stop` sends, is the same command)
presses QEMU virt's power key (a PL061 pin behind gpio-keys); the image powers off cleanly, so
QEMU's exit status (through semihosting) is 0."""
import pytest

from qemu import image, user_net


@pytest.mark.parametrize("gic", [2, 3])
def test_system_powerdown_powers_off_with_status_0(qemu, gic):
    q = qemu(image("hello"), append="ticks=1000", machine=f"virt,gic-version={gic}", monitor=True)
    q.wait_for(r"mote: ready")
    q.hmp("system_powerdown")
    q.wait_for(r"power button: shutting down")
    status = q.wait_exit()
    assert status == 0, f"expected QEMU to exit with 0 after system_powerdown, got {status}:\n{q.tail()}"


def test_powerdown_from_the_raw_image_with_the_dtb_in_x0(qemu):
    q = qemu(image("dns", "img"), append="records=10", extra=user_net(), monitor=True)
    q.wait_for(r"mote: ready")
    q.hmp("system_powerdown")
    status = q.wait_exit()
    assert status == 0, f"expected exit status 0 after system_powerdown, got {status}:\n{q.tail()}"
