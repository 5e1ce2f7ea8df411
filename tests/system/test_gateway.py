# SPDX-License-Identifier: MIT
"""The gateway service (services/gateway) from outside: mosquitto_pub drives its output
pin, which the test reads in the PL061's data register through QEMU's monitor; the new
state comes back on MQTT, retained; curl reads its current reading over HTTP; bad commands
are refused with a log line and counted; the sampling period follows a command."""
import json
import re
import socket
import subprocess

import pytest

from boards import board, guest  # noqa: F401 (fixtures)
from fsdisk import disk_args, mcopy_in, mkfs, mmd
from mqttbroker import GUEST_HOST, Broker
from qemu import free_port, image, user_net, wait_until

HOST = "gw1"
OUT_PIN = 4
PL061_BASE = 0x09030000  # QEMU virt's PL061 (hw/arm/virt.c: VIRT_GPIO)
PL061_DATA_ALL = PL061_BASE + (0xFF << 2)  # the data register with every pin unmasked
BCM2835_GPLEV0 = 0x3F200034  # the Pi's pin levels 0-31 (BCM2835 ARM Peripherals §6.1)


@pytest.fixture
def broker():
    b = Broker().start()
    yield b
    b.close()


def pin_level(q, pin, board="virt"):
    """The pin's level as the GPIO device holds it (virt: the PL061; the Pi: GPLEV0), read
    through QEMU's monitor."""
    out = q.hmp(f"xp /1wx {PL061_DATA_ALL if board == 'virt' else BCM2835_GPLEV0:#x}")
    m = re.search(r":\s*(0x[0-9a-f]+)", out)
    assert m, f"expected a word from xp, got {out!r}"
    return (int(m.group(1), 16) >> pin) & 1


def start(qemu, broker, args="", forwards=()):
    return qemu(image("gateway"), append=f"mqtt={GUEST_HOST}:{broker.port} hostname={HOST} {args}",
                extra=user_net(*forwards), monitor=True)


def test_gateway_drives_its_output_pin_from_mqtt(qemu, broker):
    sub = broker.subscribe(f"sensors/{HOST}/output")
    q = start(qemu, broker, f"out={OUT_PIN} http=0")
    q.wait_for(rf"mqtt: subscribed to actuators/{HOST}/#")
    assert pin_level(q, OUT_PIN) == 0, "expected the output low after boot"
    for word, level in (("on", 1), ("off", 0), ("toggle", 1), ("toggle", 0), ("1", 1)):
        broker.publish(f"actuators/{HOST}/output", word)
        wait_until(lambda: pin_level(q, OUT_PIN) == level,
                   f"GPIO {OUT_PIN} {level} after {word!r}")
    wait_until(lambda: (f"sensors/{HOST}/output", '{"output":1}') in sub.lines(),
               lambda: f"the new state on MQTT; got {sub.lines()}")
    # Retained: a client that comes later learns the state at once.
    late = subprocess.run(["mosquitto_sub", "-p", str(broker.port), "-t", f"sensors/{HOST}/output",
                           "-C", "1", "-W", "30"], capture_output=True, text=True, timeout=60)
    assert late.stdout.strip() == '{"output":1}', f"expected the retained state: {late}"


def test_gateway_refuses_bad_commands_and_keeps_running(qemu, broker):
    q = start(qemu, broker, f"out={OUT_PIN} http=0")
    q.wait_for(rf"mqtt: subscribed to actuators/{HOST}/#")
    broker.publish(f"actuators/{HOST}/output", "maybe")
    q.wait_for(rf"gateway: ignored a message on actuators/{HOST}/output: expected on/off/toggle")
    broker.publish(f"actuators/{HOST}/reboot", "now")
    q.wait_for(rf"gateway: ignored a message on actuators/{HOST}/reboot: expected \.\.\./output")
    broker.publish(f"actuators/{HOST}/period_ms", "0")
    q.wait_for(rf"gateway: ignored a message on actuators/{HOST}/period_ms")
    broker.publish(f"actuators/{HOST}/output", "x" * 5000)  # over the payload bound
    q.wait_for(r"mqtt: dropped a message over 1024 bytes")
    # Another gateway's commands are not ours: not even seen.
    broker.publish("actuators/gw2/output", "on")
    broker.publish(f"actuators/{HOST}/output", "on")
    wait_until(lambda: pin_level(q, OUT_PIN) == 1, "the output driven after the bad commands")
    q.type("stats\n")
    m = q.wait_for(r"gateway: stats: .* received (\d+), commands (\d+), rejected (\d+)")
    assert m.groups() == ("4", "1", "3"), f"expected 4 received, 1 command, 3 rejected: {m.group(0)}"


def test_gateway_follows_a_period_command(qemu, broker):
    sub = broker.subscribe(f"sensors/{HOST}/reading")
    q = start(qemu, broker, "period_ms=60000 http=0")
    q.wait_for(rf"mqtt: subscribed to actuators/{HOST}/#")
    broker.publish(f"actuators/{HOST}/period_ms", "100")
    q.wait_for(r"gateway: sampling every 100 ms")
    wait_until(lambda: len(sub.lines()) >= 5, lambda: f"5 readings at 100 ms; got {sub.lines()}")


def test_gateway_serves_its_reading_over_http(qemu, broker):
    port = free_port(socket.SOCK_STREAM)
    q = start(qemu, broker, "period_ms=200", forwards=(f"tcp:127.0.0.1:{port}-:80",))
    q.wait_for(rf"mqtt: subscribed to actuators/{HOST}/#")

    def reading():
        r = subprocess.run(["curl", "-s", "--max-time", "10", f"http://127.0.0.1:{port}/"],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            return None
        doc = json.loads(r.stdout)
        return doc if doc["reading"]["seq"] >= 2 and doc["mqtt"]["connected"] else None
    doc = wait_until(reading, "the gateway's reading over HTTP")
    assert doc["hostname"] == HOST and 15.0 < doc["reading"]["temperature_c"] < 30.0, doc
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                        f"http://127.0.0.1:{port}/nothing"], capture_output=True, text=True,
                       timeout=30)
    assert r.stdout == "404", f"expected 404 for an unknown path, got {r.stdout}"


def test_gateway_publishes_and_obeys_on_each_board(guest, board, broker):
    """The same service on virt (virtio-net, the PL061) and on the Pi (usb-net behind the
    DWC2, the BCM2835 GPIO)."""
    sub = broker.subscribe(f"sensors/{HOST}/reading")
    q = guest(board, "gateway", append=f"mqtt={GUEST_HOST}:{broker.port} hostname={HOST} "
              f"out={OUT_PIN} period_ms=500 http=0", net=user_net(), monitor=True)
    q.wait_for(rf"mqtt: subscribed to actuators/{HOST}/#", timeout=180)
    wait_until(lambda: len(sub.lines()) >= 2, lambda: f"2 readings; got {sub.lines()}")
    broker.publish(f"actuators/{HOST}/output", "on")
    wait_until(lambda: pin_level(q, OUT_PIN, board) == 1, f"GPIO {OUT_PIN} high on {board}")
    broker.publish(f"actuators/{HOST}/output", "off")
    wait_until(lambda: pin_level(q, OUT_PIN, board) == 0, f"GPIO {OUT_PIN} low on {board}")


def test_gateway_reads_its_configuration_from_the_volume(qemu, broker, tmp_path):
    img = mkfs(tmp_path / "disk.img")
    mmd(img, "gateway")
    config = f"mqtt={GUEST_HOST}:{broker.port}\nhostname=fromfile\nperiod_ms=200\nhttp=0\n"
    mcopy_in(img, config.encode(), "gateway/gateway.cfg", tmp_path)
    sub = broker.subscribe("sensors/#")
    # The boot arguments win over the file: the host name is the command line's.
    q = qemu(image("gateway"), append="fs=virtio0 hostname=gw1",
             extra=(*user_net(), *disk_args("virt", img)))
    q.wait_for(r"gateway: configuration from /gateway/gateway\.cfg")
    q.wait_for(rf"mqtt: connected to 10\.0\.2\.2:{broker.port} as gw1-")
    wait_until(lambda: len([t for t, _ in sub.lines() if t == f"sensors/{HOST}/reading"]) >= 2,
               lambda: f"readings on sensors/{HOST}/reading; got {sub.lines()}")
    assert not any(t.startswith("sensors/fromfile/") for t, _ in sub.lines()), sub.lines()
