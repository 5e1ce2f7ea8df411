# SPDX-License-Identifier: MIT
"""QMP system_powerdown presses QEMU virt's power key (a PL061 pin behind gpio-keys); the image
powers off cleanly, so QEMU's exit status (through semihosting) is 0."""
import json
import os
import socket
import time

import pytest

from qemu import TIMEOUT_S, image, user_net


def qmp_command(path, command):
    """Connects to QEMU's QMP socket at path, negotiates and runs command. QEMU may power off
    before its reply arrives, so a closed connection ends the wait: the caller checks the effect."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:  # QEMU creates the socket while it starts
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            assert time.monotonic() < deadline, f"QMP socket {path} never accepted a connection"
            time.sleep(0.1)
    with sock, sock.makefile("rw") as f:
        greeting = json.loads(f.readline())
        assert "QMP" in greeting, f"expected the QMP greeting, got {greeting}"
        f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
        f.flush()
        reply = json.loads(f.readline())
        assert "return" in reply, f"expected a return for qmp_capabilities, got {reply}"
        f.write(json.dumps({"execute": command}) + "\n")
        f.flush()
        try:
            for line in f:  # events (POWERDOWN) may come before the reply
                if "return" in json.loads(line):
                    break
        except ConnectionResetError:
            pass


@pytest.mark.parametrize("gic", [2, 3])
def test_system_powerdown_powers_off_with_status_0(qemu, tmp_path, gic):
    sock = os.path.join(tmp_path, "qmp.sock")
    q = qemu(image("hello"), append="ticks=1000", machine=f"virt,gic-version={gic}",
             extra=("-qmp", f"unix:{sock},server=on,wait=off"))
    q.wait_for(r"mote: ready")
    qmp_command(sock, "system_powerdown")
    q.wait_for(r"power button: shutting down")
    status = q.wait_exit()
    assert status == 0, f"expected QEMU to exit with 0 after system_powerdown, got {status}:\n{q.tail()}"


def test_powerdown_from_the_raw_image_with_the_dtb_in_x0(qemu, tmp_path):
    sock = os.path.join(tmp_path, "qmp.sock")
    q = qemu(image("dns", "img"), append="records=10",
             extra=("-qmp", f"unix:{sock},server=on,wait=off", *user_net()))
    q.wait_for(r"mote: ready")
    qmp_command(sock, "system_powerdown")
    status = q.wait_exit()
    assert status == 0, f"expected exit status 0 after system_powerdown, got {status}:\n{q.tail()}"
