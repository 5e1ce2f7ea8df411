# SPDX-License-Identifier: MIT
"""The board a network test runs on: virt (virtio-net) or raspi3 (QEMU's usb-net, a
CDC-ECM device, behind the DWC2 host controller and QEMU's own hub). Tests write their
network for virt (qemu.user_net, Netns.qemu_net); the guest fixture moves it to the
board's NIC (board.mk's QEMU_NIC) with the MAC QEMU gives virtio-net, so the addresses
derived from it (IPv6 link-local, SLAAC) are the same on both boards."""
import pytest

from qemu import Qemu, board_info, image
from raspi3 import raspi3_image

BOARDS = ("virt", "raspi3")
MAC = "52:54:00:12:34:56"  # QEMU's default for virtio-net; usb-net's own is ...:57
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


def nic_args(board, net):
    """net, written for virt, with the board's network device instead of virtio-net's."""
    virt_nic = f"{board_info('virt')['nic']},netdev=n0"
    board_nic = f"{board_info(board)['nic']},netdev=n0,mac={MAC}"
    return tuple(board_nic if a == virt_nic else a for a in net)


@pytest.fixture
def guest():
    """Starts service on a board: guest(board, service, append=, net=, extra=, wrapper=,
    monitor=). Every instance is killed afterwards."""
    started = []

    def start(board, service, append="", net=(), extra=(), wrapper=(), monitor=False):
        assert has_network(board, service), \
            f"expected the {board} image of {service} to drive the board's network adapter"
        extra = (*nic_args(board, net), *extra)
        if board == "virt":
            q = Qemu(image(service), append=append, extra=extra, wrapper=wrapper, monitor=monitor)
        else:  # the Pi's boot arguments travel in a DTB QEMU fills from -append
            q = Qemu(raspi3_image(service), append=append, board=board, wrapper=wrapper,
                     extra=(*extra, "-dtb", raspi3_image("bootargs", "dtb")), monitor=monitor)
        started.append(q)
        return q.start()

    yield start
    for q in started:
        q.stop()
