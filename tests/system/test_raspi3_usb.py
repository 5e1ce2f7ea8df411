# SPDX-License-Identifier: MIT
"""The USB host stack on QEMU -M raspi3b (drivers/usb/, docs/usb.md), checked from
outside: what the console logs against what QEMU's monitor (`info usb`) says it
emulates, devices plugged and unplugged at run time with device_add/device_del, and
dig answered over USB. QEMU puts a full-speed hub on the DWC2's root port by itself;
every -device usb-* hangs behind it. USB comes with the network feature, so the dns
image carries it (hello does not); dns needs a network adapter to keep running,
so these tests skip in an image without the CDC-ECM class driver (drivers/usb/net/)."""
import re
import subprocess

from qemu import free_port
from raspi3 import raspi3  # noqa: F401 (a fixture)

HUB, KEYBOARD, NET = "0409:55aa", "0627:0001", "0525:a4a2"


def enumerated(q, path, ids):
    """Waits for the log line of the device at path; returns (USB address, driver)."""
    m = q.wait_for(rf"info: usb: {re.escape(path)}: {ids} \"[^\"]*\", full speed, "
                   rf"address (\d+) \(([a-z-]+|no driver)\)")
    return int(m.group(1)), m.group(2)


def info_usb(q):
    """QEMU's own list: {port: (address, product, id)}; address 0 means never addressed."""
    out = q.hmp("info usb")
    found = {}
    for m in re.finditer(r"Device \d+\.(\d+), Port ([\d.]+), Speed [^,]+, Product ([^,\n]+)"
                         r"(?:, ID: (\S+))?", out):
        found[m.group(2)] = (int(m.group(1)), m.group(3).strip(), m.group(4))
    return found


def dig_short(port, name):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=3", "+tries=3", "+short",
                          name], capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


def boot_dns(raspi3, keyboard=True):
    """The dns image with usb-net (and a keyboard): (qemu, dig port, addresses by path)."""
    port = free_port()
    extra = (("-device", "usb-kbd,id=k0") if keyboard else ()) + (
        "-device", "usb-net,netdev=n0,id=net0",
        "-netdev", f"user,id=n0,hostfwd=udp:127.0.0.1:{port}-:53")
    q = raspi3("dns", extra=extra)
    q.wait_for(r"info: dwc2: USB host controller at 0x3f980000, .*, 8 channels")
    addr = {"1-1": enumerated(q, "1-1", HUB)[0]}
    q.wait_for(r"info: usb: 1-1: hub with \d+ ports")
    if keyboard:
        addr["1-1.1"] = enumerated(q, "1-1.1", KEYBOARD)[0]
    net_path = "1-1.2" if keyboard else "1-1.1"
    addr[net_path], driver = enumerated(q, net_path, NET)
    assert driver == "cdc-ecm", f"expected usb-net taken by the CDC-ECM driver, got {driver!r}"
    q.wait_for(r"mote: ready")
    return q, port, addr


def test_hub_keyboard_and_net_are_enumerated_as_qemu_sees_them(raspi3):
    q, port, addr = boot_dns(raspi3)
    seen = info_usb(q)
    for path, a in addr.items():
        qemu_port = path[2:]  # "1-1.2" -> "1.2"
        assert seen.get(qemu_port, (None,))[0] == a, \
            f"expected QEMU to see address {a} at port {qemu_port}: {seen}"
    assert len(set(addr.values())) == 3, f"expected three distinct addresses: {addr}"
    assert dig_short(port, "host42.mote.test") == "10.0.0.42", f"no answer over USB:\n{q.tail()}"


def test_keyboard_plugged_and_unplugged_at_run_time(raspi3):
    q, port, _ = boot_dns(raspi3)
    q.hmp("device_add usb-kbd,id=k1")
    hub_port = next((p for p, (_, _, i) in info_usb(q).items() if i == "k1"), None)
    assert hub_port, f"QEMU did not attach k1: {info_usb(q)}"
    addr, _ = enumerated(q, f"1-{hub_port}", KEYBOARD)
    assert info_usb(q)[hub_port][0] == addr, f"expected k1 at address {addr}: {info_usb(q)}"

    q.hmp("device_del k1")
    q.wait_for(rf"info: usb: 1-{re.escape(hub_port)}: {KEYBOARD} detached")
    q.hmp("device_del k0")
    q.wait_for(rf"info: usb: 1-1\.1: {KEYBOARD} detached")
    # Plugged again: enumerated again, with an address freed by the detach if need be.
    q.hmp("device_add usb-kbd,id=k2")
    port2 = next((p for p, (_, _, i) in info_usb(q).items() if i == "k2"), None)
    assert port2, f"QEMU did not attach k2: {info_usb(q)}"
    enumerated(q, f"1-{port2}", KEYBOARD)
    # The image kept running: it still answers over USB.
    assert dig_short(port, "host7.mote.test") == "10.0.0.7", f"no answer afterwards:\n{q.tail()}"


def test_network_adapter_unplugged_and_plugged_again_answers_again(raspi3):
    q, port, _ = boot_dns(raspi3, keyboard=False)
    assert dig_short(port, "host42.mote.test") == "10.0.0.42", f"no answer over USB:\n{q.tail()}"
    q.hmp("device_del net0")
    q.wait_for(rf"info: usb: 1-1\.1: {NET} detached")
    q.wait_for(r"net: link down")
    q.hmp("device_add usb-net,netdev=n0,id=net1")
    q.wait_for(rf"info: usb: 1-1\.\d+: {NET} .* \(cdc-ecm\)")
    q.wait_for(r"net: link up")
    assert dig_short(port, "host43.mote.test") == "10.0.0.43", \
        f"no answer after the adapter came back:\n{q.tail()}"


def test_images_without_network_have_no_usb(raspi3):
    q = raspi3("hello", append="ticks=0", extra=("-device", "usb-kbd", "-device", "usb-net,netdev=n0",
                                                 "-netdev", "user,id=n0"))
    q.wait_for(r"hello: ready")
    assert "dwc2:" not in q.output, f"expected no USB in hello:\n{q.tail()}"
    assert all(addr == 0 for addr, _, _ in info_usb(q).values()), \
        f"expected no device addressed: {info_usb(q)}"
