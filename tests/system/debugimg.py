# SPDX-License-Identifier: MIT
"""Debug images (make DEBUG=1, build/<board>-debug) and the QEMU arguments of the debug port.

The debug port is a virtio console whose other end is a TCP socket QEMU
listens on (127.0.0.1:port): gdb connects there for gdb=serial, and
scripts/mote-core for core=serial.
"""
import os
import socket

from qemu import BUILD

DEBUG_BUILD = os.environ.get("MOTE_BUILD_DEBUG", os.path.normpath(BUILD) + "-debug")
GDB = "gdb-multiarch"
REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def debug_image(name, kind="elf"):
    path = os.path.join(DEBUG_BUILD, f"{name}.{kind}")
    assert os.path.exists(path), f"{path} is missing: run `make DEBUG=1 images` first"
    return path


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def debug_port_args(port):
    """A virtio console on a TCP socket QEMU listens on, without waiting for a client."""
    return ("-device", "virtio-serial-device",
            "-chardev", f"socket,id=dbg,host=127.0.0.1,port={port},server=on,wait=off",
            "-device", "virtconsole,chardev=dbg")


def user_net_args(udp_port=None, tcp_ports=()):
    fwd = ""
    if udp_port:
        fwd += f",hostfwd=udp:127.0.0.1:{udp_port}-:53"
    for host, guest in tcp_ports:
        fwd += f",hostfwd=tcp:127.0.0.1:{host}-:{guest}"
    return ("-netdev", f"user,id=n0{fwd}", "-device", "virtio-net-device,netdev=n0")
