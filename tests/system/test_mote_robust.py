# SPDX-License-Identifier: MIT
"""`mote` when the machine works against it: ten concurrent `run`s on one host port (one starts,
nine are refused with a clear message, because the check is made under the store's lock), and
`stop`, `kill` and `rm -f` with MOTE_HOME on a full file system (a small tmpfs filled up): QEMU
is ended first and the state recorded as well as the disk allows."""
import os
import subprocess

import pytest

from mote_cli import MOTE, Mote, alive, is_monitor
from qemu import free_port, wait_until


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    m = Mote(tmp_path_factory.mktemp("mote-home"))
    m("build", "-q", "services/dns")
    return m


def test_ten_concurrent_runs_on_one_host_port_start_exactly_one(store):
    port = free_port()
    procs = [subprocess.Popen([MOTE, "run", "-d", "--name", f"p{i}", "-p", f"127.0.0.1:{port}:53/udp", "dns"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=store.env)
             for i in range(10)]
    try:
        results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
        ok = [r for r in results if r[0] == 0]
        refused = [r for r in results if r[0] != 0]
        assert len(ok) == 1, f"expected exactly one run to start, got {len(ok)}: {results}"
        for code, _, err in refused:
            assert code == 1 and f"host port {port}/udp is already in use" in err and err.count("\n") == 1, \
                f"expected a one-line refusal naming the port, got {code}: {err!r}"
        names = store("ps", "-q").stdout.split()
        assert names == [ok[0][1].strip()], f"expected only the started instance running, got {names}"
    finally:
        store.cleanup()


@pytest.fixture
def full_home(tmp_path):
    """A MOTE_HOME on a 64 MiB tmpfs, with dns built into it, and a way to fill it up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    home = tmp_path / "small"
    home.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(home)], check=True)
    m = Mote(home)
    try:
        m("build", "-q", "services/dns")
        yield m
    finally:
        filler = home / "filler"
        if filler.exists():
            filler.unlink()
        m.cleanup()
        subprocess.run(["umount", "-l", str(home)], check=False)


def fill(mote):
    """Writes until the file system is full (dd stops at ENOSPC), then checks a write fails."""
    path = os.path.join(mote.home, "filler")
    subprocess.run(["dd", "if=/dev/zero", f"of={path}", "bs=4k"], capture_output=True, timeout=300)
    probe = subprocess.run(["dd", "if=/dev/zero", f"of={path}.probe", "bs=4k", "count=1", "conv=fsync"],
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "No space left" in probe.stderr, "expected the tmpfs to be full"


def test_stop_kill_and_rm_end_qemu_on_a_full_disk(full_home):
    m = full_home
    pids = {}
    for name in ("s1", "k1", "r1"):
        m("run", "-d", "--name", name, "--restart", "on-failure", "dns")
        pids[name] = (m.inspect(name)["state"]["pid"], m.inspect(name)["state"]["monitor_pid"])
    fill(m)

    out = m("stop", "-t", "30", "s1", check=False)
    assert out.returncode == 0 and out.stdout.strip() == "s1", f"expected stop to succeed: {out.stderr}"
    assert "cannot record the stop of s1" in out.stderr, out.stderr
    wait_until(lambda: not alive(pids["s1"][0]), "s1's QEMU to be gone after stop", 60)

    out = m("kill", "k1", check=False)
    assert out.returncode == 0 and out.stdout.strip() == "k1", f"expected kill to succeed: {out.stderr}"
    wait_until(lambda: not alive(pids["k1"][0]), "k1's QEMU to be gone after kill", 60)

    out = m("rm", "-f", "r1", check=False)
    assert out.returncode == 0, f"expected rm -f to succeed on a full disk: {out.stderr}"
    wait_until(lambda: not alive(pids["r1"][0]), "r1's QEMU to be gone after rm -f", 60)

    # Nothing restarted them (on-failure) and the state says they are not running.
    for name in ("s1", "k1"):
        wait_until(lambda: not is_monitor(pids[name][1]), f"{name}'s monitor to be gone", 60)
        assert m.inspect(name)["state"]["running"] is False
    assert m("ps", "-q").stdout.split() == [], "expected no running instance"
    assert "r1" not in m("ps", "-aq").stdout.split()
