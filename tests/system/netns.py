# SPDX-License-Identifier: MIT
"""A network namespace with a tap device, for tests that need a real L2 link to the
guest (ping, IPv6 link-local, raw frames). Everything stays inside the namespace, which
is deleted afterwards with its tap device: no traffic leaves this machine."""
import os
import subprocess
import uuid

from qemu import board_info

HOST_ADDR = "192.168.77.1"
GUEST_ADDR = "192.168.77.2"
PREFIX = 24
TAP = "motetap0"


def run(*argv, check=True, timeout=60):
    return subprocess.run(argv, capture_output=True, text=True, check=check, timeout=timeout)


class Netns:
    def __init__(self):
        self.name = f"mote-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    def create(self):
        run("ip", "netns", "add", self.name)
        try:
            self.exec("ip", "link", "set", "lo", "up")
            self.exec("ip", "tuntap", "add", "dev", TAP, "mode", "tap")
            self.exec("ip", "addr", "add", f"{HOST_ADDR}/{PREFIX}", "dev", TAP)
            self.exec("ip", "link", "set", TAP, "up")
        except subprocess.CalledProcessError:
            self.delete()
            raise
        return self

    def exec(self, *argv, check=True, timeout=60):
        """Runs argv inside the namespace; returns the CompletedProcess."""
        return run("ip", "netns", "exec", self.name, *argv, check=check, timeout=timeout)

    def wrapper(self):
        """The prefix that starts a command (QEMU) inside the namespace."""
        return ("ip", "netns", "exec", self.name)

    def qemu_net(self, board="virt"):
        """QEMU arguments for the board's network device on the namespace's tap device."""
        return ("-netdev", f"tap,id=n0,ifname={TAP},script=no,downscript=no",
                "-device", f"{board_info(board)['nic']},netdev=n0")

    def delete(self):
        run("ip", "netns", "del", self.name, check=False)
