# SPDX-License-Identifier: MIT
"""The USB host stack on QEMU -M raspi3b (drivers/usb/, docs/usb.md), checked from
outside: what the console logs against what QEMU's monitor (`info usb`) says it
emulates, and devices plugged and unplugged at run time with device_add/device_del.
QEMU puts a full-speed hub on the DWC2's root port by itself; every -device usb-*
hangs behind it. The hello image starts the stack with usb=on (images that use
the network start it by themselves)."""
import re
import subprocess

import pytest

from qemu import free_port
from raspi3 import raspi3  # noqa: F401 (a fixture)

USB_DEVICES = ("-device", "usb-kbd,id=k0", "-device", "usb-net,netdev=n0",
               "-netdev", "user,id=n0")
HUB, KEYBOARD, NET = "0409:55aa", "0627:0001", "0525:a4a2"


def enumerated(q, path, ids):
    """Waits for the log line of the device at path; returns its USB address."""
    m = q.wait_for(rf"info: usb: {re.escape(path)}: {ids} \"[^\"]*\", full speed, "
                   rf"address (\d+) \(([a-z-]+|no driver)\)")
    return int(m.group(1))


def info_usb(q):
    """QEMU's own list: {port: (address, product, id)}; address 0 means never addressed."""
    out = q.hmp("info usb")
    found = {}
    for m in re.finditer(r"Device \d+\.(\d+), Port ([\d.]+), Speed [^,]+, Product ([^,\n]+)"
                         r"(?:, ID: (\S+))?", out):
        found[m.group(2)] = (int(m.group(1)), m.group(3).strip(), m.group(4))
    return found


def test_hub_keyboard_and_net_are_enumerated_as_qemu_sees_them(raspi3):
    q = raspi3("hello", append="usb=on ticks=0", extra=USB_DEVICES)
    q.wait_for(r"info: dwc2: USB host controller at 0x3f980000, .*, 8 channels")
    hub = enumerated(q, "1-1", HUB)
    q.wait_for(r"info: usb: 1-1: hub with \d+ ports")
    kbd = enumerated(q, "1-1.1", KEYBOARD)
    net = enumerated(q, "1-1.2", NET)
    q.wait_for(r"hello: ready")
    seen = info_usb(q)
    assert seen.get("1", (None,))[0] == hub, f"expected the hub at address {hub}: {seen}"
    assert seen.get("1.1", (None,))[0] == kbd, f"expected the keyboard at address {kbd}: {seen}"
    assert seen.get("1.2", (None,))[0] == net, f"expected usb-net at address {net}: {seen}"
    assert len({hub, kbd, net}) == 3, f"expected three distinct addresses: {hub}, {kbd}, {net}"
    assert "error" not in q.output.lower(), f"unexpected error in the log:\n{q.tail()}"


def test_keyboard_plugged_and_unplugged_at_run_time(raspi3):
    q = raspi3("hello", append="usb=on ticks=0", extra=USB_DEVICES)
    enumerated(q, "1-1.2", NET)
    q.wait_for(r"hello: ready")
    q.hmp("device_add usb-kbd,id=k1")
    port = next((p for p, (_, _, i) in info_usb(q).items() if i == "k1"), None)
    assert port, f"QEMU did not attach k1: {info_usb(q)}"
    addr = enumerated(q, f"1-{port}", KEYBOARD)
    assert info_usb(q)[port][0] == addr, f"expected k1 at address {addr}: {info_usb(q)}"

    q.hmp("device_del k1")
    q.wait_for(rf"info: usb: 1-{re.escape(port)}: {KEYBOARD} detached")
    q.hmp("device_del k0")
    q.wait_for(rf"info: usb: 1-1\.1: {KEYBOARD} detached")
    # Plugged again: enumerated again, with an address freed by the detach if need be.
    q.hmp("device_add usb-kbd,id=k2")
    port2 = next((p for p, (_, _, i) in info_usb(q).items() if i == "k2"), None)
    assert port2, f"QEMU did not attach k2: {info_usb(q)}"
    enumerated(q, f"1-{port2}", KEYBOARD)
    # The image kept running: the console still answers.
    q.type("still here\n")
    q.wait_for(r"echo: still here")


def test_images_without_network_leave_usb_off(raspi3):
    q = raspi3("hello", append="ticks=0", extra=USB_DEVICES)
    q.wait_for(r"hello: ready")
    assert "dwc2:" not in q.output, f"expected no USB in hello without usb=on:\n{q.tail()}"
    assert all(addr == 0 for addr, _, _ in info_usb(q).values()), \
        f"expected no device addressed: {info_usb(q)}"


def dig_short(port, name):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=3", "+tries=3", "+short",
                          name], capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


def test_network_adapter_unplugged_and_plugged_again_answers_again(raspi3):
    port = free_port()
    q = raspi3("dns", extra=("-device", "usb-net,netdev=n0,id=net0", "-netdev",
                             f"user,id=n0,hostfwd=udp:127.0.0.1:{port}-:53"))
    m = q.wait_for(rf"info: usb: 1-1\.1: {NET} .* \(([a-z-]+|no driver)\)")
    if m.group(1) == "no driver":
        pytest.skip("this image has no CDC-ECM class driver (drivers/usb/net/)")
    q.wait_for(r"mote: ready")
    assert dig_short(port, "host42.mote.test") == "10.0.0.42", f"no answer over USB:\n{q.tail()}"
    q.hmp("device_del net0")
    q.wait_for(rf"info: usb: 1-1\.1: {NET} detached")
    q.wait_for(r"net: link down")
    q.hmp("device_add usb-net,netdev=n0,id=net1")
    q.wait_for(rf"info: usb: 1-1\.\d+: {NET} .* \(cdc-ecm\)")
    q.wait_for(r"net: link up")
    assert dig_short(port, "host43.mote.test") == "10.0.0.43", \
        f"no answer after the adapter came back:\n{q.tail()}"
