# SPDX-License-Identifier: MIT
"""The board a network test runs on: virt (virtio-net) or raspi3 (QEMU's usb-net, a
CDC-ECM device, behind the DWC2 host controller and QEMU's own hub). Tests write their
network for virt (qemu.user_net, Netns.qemu_net); the guest fixture moves it to the
board's NIC, with the MAC QEMU gives virtio-net, so the addresses derived from it
(IPv6 link-local, SLAAC) are the same on both boards."""
import pytest

from qemu import Qemu, image
from raspi3 import Raspi3, raspi3_image

BOARDS = ("virt", "raspi3")
VIRT_NIC = "virtio-net-device,netdev=n0"
NIC = {"virt": VIRT_NIC, "raspi3": "usb-net,netdev=n0,mac=52:54:00:12:34:56"}
USB_ETHERNET_DRIVER = b"cdc-ecm"  # in a Pi image that carries drivers/usb/net/


@pytest.fixture(params=BOARDS)
def board(request):
    return request.param


def has_network(board, service):
    """Does the board's image of service drive the board's NIC?"""
    if board == "virt":
        return True
    with open(raspi3_image(service), "rb") as f:
        return USB_ETHERNET_DRIVER in f.read()


@pytest.fixture
def guest():
    """Starts service on a board: guest(board, service, append=, net=, extra=, wrapper=).
    Every instance is killed afterwards."""
    started = []

    def start(board, service, append="", net=(), extra=(), wrapper=()):
        if not has_network(board, service):
            pytest.skip(f"the {board} image of {service} has no driver for its network adapter")
        net = tuple(NIC[board] if a == VIRT_NIC else a for a in net)
        if board == "virt":
            q = Qemu(image(service), append=append, extra=(*net, *extra), wrapper=wrapper)
        else:
            q = Raspi3(service, append=append, extra=(*net, *extra), wrapper=wrapper)
        started.append(q)
        return q.start()

    yield start
    for q in started:
        q.stop()
