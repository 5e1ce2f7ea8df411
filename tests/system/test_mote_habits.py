# SPDX-License-Identifier: MIT
"""The docker habits users type without thinking, each tried as a new user would: run -it (a raw
terminal, so a typed line comes back once), --rm, ps --format, inspect -f, start, restart, wait,
port, stats, system prune, exec and cp (one line saying why not), --version with the commit, a
restart policy that gives up reported as such, a tap device that does not exist, and the man page
and bash completion make install puts in place."""
import json
import os
import pty
import re
import select
import subprocess
import threading
import time

import pytest

from mote_cli import MOTE, REPO, Mote
from qemu import free_port, wait_until


def dig(port, name="host42.mote.test"):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=5", "+tries=3", "+short", name],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    m = Mote(tmp_path_factory.mktemp("mote-home"))
    for service in ("dns", "hello", "crashtest"):
        m("build", "-q", f"services/{service}")
    return m


@pytest.fixture
def mote(store):
    yield store
    store.cleanup()


def test_version_names_the_source_commit(mote):
    out = mote("--version").stdout
    head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
                          cwd=REPO).stdout.strip()
    assert re.match(r"mote \d+\.\d+ \(source commit [0-9a-f]{12}", out) and head[:12] in out, out


@pytest.mark.parametrize("cmd,why", [(["exec", "x", "sh"], "no shell"), (["cp", "a", "b"], "no file system")])
def test_exec_and_cp_say_why_in_one_line(mote, cmd, why):
    out = mote(*cmd, check=False)
    assert out.returncode == 1 and why in out.stderr and out.stderr.count("\n") == 1, out.stderr


def test_formats_port_wait_start_restart_stats(mote):
    port = free_port()
    mote("run", "-d", "--name", "d1", "-p", f"127.0.0.1:{port}:53/udp", "dns")
    assert mote("ps", "--format", "{{.Name}} {{.State.Status}}").stdout.split("\n")[0] == "d1 running"
    assert json.loads(mote("ps", "--format", "json").stdout)[0]["name"] == "d1"
    assert mote("inspect", "-f", "{{.State.Status}} {{json .Ports}}", "d1").stdout.strip() == \
        f'running [{{"host_ip":"127.0.0.1","host_port":{port},"guest_port":53,"protocol":"udp"}}]'
    bad = mote("inspect", "-f", "{{.State", "d1", check=False)
    assert bad.returncode == 2 and "not closed" in bad.stderr, bad.stderr
    assert mote("port", "d1").stdout.strip() == f"53/udp -> 127.0.0.1:{port}"

    stats = mote("stats", "d1").stdout.splitlines()
    assert stats[0].split()[:2] == ["NAME", "CPU"] and re.search(r"MiB / 128MiB", stats[1]), stats

    pid = mote.inspect("d1")["state"]["pid"]
    mote("restart", "d1")
    assert mote.inspect("d1")["state"]["pid"] != pid, "expected restart to run a new QEMU"
    assert dig(port) == "10.0.0.42", "expected the restarted instance to answer"

    waited = subprocess.Popen([MOTE, "wait", "d1"], stdout=subprocess.PIPE, text=True, env=mote.env)
    time.sleep(1)
    mote("stop", "d1")
    assert waited.communicate(timeout=120)[0].strip() == "0", "expected wait to print the exit status 0"
    mote("start", "d1")
    assert dig(port) == "10.0.0.42", "expected the started instance to answer"
    again = mote("start", "d1", check=False)
    assert again.returncode == 1 and "only an exited instance can be started" in again.stderr


def test_system_prune_removes_exited_instances(mote):
    mote("run", "-d", "--name", "keep", "hello", "--", "ticks=1000")
    mote("run", "-d", "--name", "gone", "hello", "--", "ticks=1000")
    mote("stop", "gone")
    refused = mote("system", "prune", check=False)
    assert refused.returncode == 2 and "confirm with -f" in refused.stderr, refused.stderr
    out = mote("system", "prune", "-f").stdout
    assert "Deleted instance gone" in out and "keep" not in out, out
    assert mote("ps", "-aq").stdout.split() == ["keep"]


def test_rm_removes_an_attached_run_when_it_ends(mote):
    out = mote("run", "--rm", "--name", "tmp1", "crashtest", "--", "crash=panic", check=False)
    assert out.returncode == 70, f"expected the instance's own status 70, got {out.returncode}: {out.stderr}"
    assert "tmp1" not in mote("ps", "-aq").stdout.split(), "expected --rm to remove the instance"
    bad = mote("run", "--rm", "-d", "hello", check=False)
    assert bad.returncode == 2 and "--rm" in bad.stderr


def test_it_puts_the_terminal_in_raw_mode_so_a_line_comes_back_once(mote):
    bad = mote("run", "-t", "hello", check=False)
    assert bad.returncode == 2 and "not a terminal" in bad.stderr, bad.stderr
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(mote.env)
        os.chdir(REPO)
        os.execv(MOTE, [MOTE, "run", "-it", "--name", "tty1", "hello", "--", "ticks=1000"])
    out = b""

    def read_until(pattern, timeout=120):
        nonlocal out
        deadline = time.monotonic() + timeout
        while not re.search(pattern, out) and time.monotonic() < deadline:
            if select.select([fd], [], [], 1)[0]:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
        return re.search(pattern, out)
    try:
        assert read_until(rb"mote: ready|hello"), f"expected the console, got {out!r}"
        time.sleep(1)
        start = len(out)
        os.write(fd, b"marker-line\r")
        assert read_until(rb"marker-line[\s\S]*"), f"expected the guest's echo, got {out[start:]!r}"
        time.sleep(2)
        read_until(rb"$^", timeout=1)
        # The guest echoes what it reads, then hello answers "echo: ..."; a terminal still in
        # cooked mode would have shown the line a second time as it was typed.
        lines = out[start:].split(b"\r\n")
        assert lines.count(b"marker-line") == 1 and b"echo: marker-line" in lines, \
            f"expected the typed line once (the guest's echo only), got {out[start:]!r}"
        os.write(fd, b"exit\r")
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.close(fd)


def test_restart_policy_that_gives_up_is_reported_as_such(mote):
    out = mote("run", "-d", "--name", "c3", "--restart", "on-failure:2", "crashtest", "--", "crash=panic",
               check=False)
    assert out.returncode == 1 and "exited with status 70 before it was ready" in out.stderr, out.stderr
    assert "started it 2 more times" in out.stderr and "gave up" in out.stderr, out.stderr
    info = mote.inspect("c3")
    assert info["state"]["status"] == "exited" and info["state"]["restarts"] == 2, info["state"]


def test_missing_tap_device_is_refused_at_once(mote):
    t0 = time.monotonic()
    out = mote("run", "-d", "--net", "tap:nosuchtap0", "dns", check=False)
    assert out.returncode == 1 and "there is no network device nosuchtap0" in out.stderr, out.stderr
    assert time.monotonic() - t0 < 30, "expected the refusal before any wait for readiness"


def test_make_install_puts_the_man_page_and_completion_in_place(tmp_path):
    subprocess.run(["make", "-s", "install", f"DESTDIR={tmp_path}", "PREFIX=/usr"], cwd=REPO, check=True,
                   capture_output=True, env=dict(os.environ, MAKEFLAGS=""), timeout=600)
    man = tmp_path / "usr/share/man/man1/mote.1"
    comp = tmp_path / "usr/share/bash-completion/completions/mote"
    assert (tmp_path / "usr/bin/mote").exists() and man.exists() and comp.exists()
    page = subprocess.run(["man", "-l", str(man)], capture_output=True, text=True,
                          env=dict(os.environ, MANWIDTH="100")).stdout
    for cmd in ("build", "run", "push", "pull", "login", "stats", "system"):
        assert re.search(rf"^\s+{cmd}$", page, re.M), f"expected a section for {cmd} in the man page"
    script = f"source {comp}; COMP_WORDS=(mote pu); COMP_CWORD=1; _mote; echo ${{COMPREPLY[@]}}; " \
             f"COMP_WORDS=(mote run --volu); COMP_CWORD=2; _mote; echo ${{COMPREPLY[@]}}"
    lines = subprocess.run(["bash", "-c", script], capture_output=True, text=True).stdout.splitlines()
    assert lines == ["push pull", "--volume"], lines
