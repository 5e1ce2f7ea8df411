# SPDX-License-Identifier: MIT
"""The random source, seen from outside: two boots of one image on a machine whose device tree
has no rng-seed, but with virtio-rng, draw different stack guards (read by gdb through the debug
image's stub, stopped before the service) and send different mote_random_bytes to a socket; a
boot with no entropy source at all warns once, a boot with any source (rng-seed, virtio-rng,
RNDR on -cpu max, the Pi's RNG) does not; `mote run` attaches virtio-rng and `mote inspect` says
what seeded the instance."""
import re
import socket

import pytest

from debugimg import Gdb, debug_image, debug_port_args
from qemu import free_port, image
from raspi3 import raspi3  # noqa: F401 (a fixture)
from test_api import STATIC_IP, connect_and_echo

NO_SEED = "virt,dtb-randomness=off"  # QEMU's virt without /chosen/rng-seed (and kaslr-seed)
WARNING = "random: no entropy source"
INITIAL_GUARD = 0x595e9fbd94fda766  # kernel/panic.c's value before the boot draws one


def stack_guard(qemu, **kwargs):
    """Boots the debug hello stopped before the service (gdb=serial,wait) and reads
    __stack_chk_guard with gdb; returns it and the console."""
    port = free_port(socket.SOCK_STREAM)
    q = qemu(debug_image("hello"), append="gdb=serial,wait ticks=0",
             extra=debug_port_args(port), **kwargs)
    q.wait_for(r"waiting for the debugger")
    g = Gdb(debug_image("hello"), port, ["p/x __stack_chk_guard", "detach"])
    out = g.wait()
    m = re.search(r"\$1 = (0x[0-9a-f]+)", out)
    assert m, f"expected gdb to print __stack_chk_guard, got:\n{out}"
    q.wait_for(r"hello: ready")
    q.stop()
    return int(m.group(1), 16), q.output


def test_two_boots_without_rng_seed_draw_different_stack_guards_from_virtio_rng(qemu):
    guards = []
    for _ in range(2):
        guard, console = stack_guard(qemu, machine=NO_SEED)
        assert "random: seeded from virtio-rng" in console, \
            f"expected the random source seeded from virtio-rng alone, got:\n{console}"
        guards.append(guard)
    a, b = guards
    assert a != b, f"expected two boots to draw different stack guards, both got {a:#x}"
    for g in guards:
        assert g != INITIAL_GUARD and g & ~0xff, f"expected a drawn guard, got {g:#x}"
        assert g & 0xff == 0, f"expected the guard's low byte zero (stops string copies), got {g:#x}"


def test_two_boots_without_rng_seed_send_different_mote_random_bytes(qemu):
    # apicheck sends 16 bytes of mote_random_bytes to a socket the test listens on.
    def no_seed(*args, **kwargs):
        return qemu(*args, machine=NO_SEED, **kwargs)
    first, second = connect_and_echo(no_seed, STATIC_IP), connect_and_echo(no_seed, STATIC_IP)
    assert first != second, f"expected different random bytes on two boots, got {first!r} twice"


def test_boot_with_no_entropy_source_warns_once(qemu):
    q = qemu(image("hello"), append="ticks=0", machine=NO_SEED, rng=False)
    q.wait_for(r"hello: ready")
    assert q.output.count(WARNING) == 1, \
        f"expected one '{WARNING}' warning with neither rng-seed, virtio-rng nor RNDR, got:\n{q.tail()}"
    assert "random: seeded from" not in q.output, f"expected no source named, got:\n{q.tail()}"


@pytest.mark.parametrize("source,machine,cpu,rng", [
    ("rng-seed", None, None, False),  # QEMU's virt puts /chosen/rng-seed in the DTB
    ("virtio-rng", NO_SEED, None, True),
    ("RNDR", NO_SEED, "max", False),  # -cpu max has FEAT_RNG
])
def test_boot_with_an_entropy_source_names_it_and_does_not_warn(qemu, source, machine, cpu, rng):
    q = qemu(image("hello"), append="ticks=0", machine=machine, cpu=cpu, rng=rng)
    q.wait_for(r"hello: ready")
    m = re.search(r"random: seeded from (.*)", q.output)
    assert m and m.group(1).strip() == source, \
        f"expected the random source seeded from {source} alone, got:\n{q.tail()}"
    assert WARNING not in q.output, f"expected no entropy warning with {source}, got:\n{q.tail()}"


def test_mote_run_attaches_virtio_rng_and_inspect_says_what_seeded_the_instance(tmp_path):
    from mote_cli import Mote
    mote = Mote(tmp_path / "mote-home")
    try:
        mote("build", "-q", "services/hello")
        mote("run", "-d", "--name", "rnd", "hello", "--", "ticks=0")
        info = mote.wait_until("rnd", lambda i: i["entropy"]["known"], "seeded")
        cmd = info["qemu_command"]
        assert "virtio-rng-device" in cmd and cmd[cmd.index("virtio-rng-device") - 1] == "-device", \
            f"expected mote run to attach virtio-rng, ran: {cmd}"
        assert info["entropy"] == {"known": True, "warning": False,
                                   "sources": ["rng-seed", "virtio-rng"]}, \
            f"expected inspect to say the instance was seeded from rng-seed and virtio-rng: {info}"
    finally:
        mote.cleanup()


def test_raspi3_is_seeded_from_its_hardware_rng_and_does_not_warn(raspi3):
    q = raspi3("hello", append="ticks=0")
    q.wait_for(r"hello: ready")
    m = re.search(r"random: seeded from (.*)", q.output)
    assert m and m.group(1).strip() == "bcm2835-rng", \
        f"expected the Pi seeded from its RNG (it has no rng-seed, RNDR or virtio-rng), got:\n{q.tail()}"
    assert WARNING not in q.output, f"expected no entropy warning on the Pi, got:\n{q.tail()}"
