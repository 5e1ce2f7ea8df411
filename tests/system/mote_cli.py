# SPDX-License-Identifier: MIT
"""Driving the `mote` command (build/host/mote) as a user would, with its state in a temporary
MOTE_HOME, and cleaning up every instance (and so every QEMU) it started, even when a test fails."""
import json
import os
import signal
import subprocess

from qemu import wait_until

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
MOTE = os.environ.get("MOTE_BIN", os.path.join(REPO, "build", "host", "mote"))
TIMEOUT_S = float(os.environ.get("MOTE_TEST_TIMEOUT", "60"))


class Mote:
    def __init__(self, home):
        self.home = str(home)
        self.env = dict(os.environ, MOTE_HOME=self.home)
        assert os.path.exists(MOTE), f"{MOTE} is missing: run `make tools` first"

    def __call__(self, *args, check=True, timeout=TIMEOUT_S * 3, env=None, stdin=subprocess.DEVNULL):
        """Runs mote with args; returns the CompletedProcess. check: expect exit status 0."""
        out = subprocess.run([MOTE, *map(str, args)], capture_output=True, text=True,
                             timeout=timeout, env=env or self.env, cwd=REPO, stdin=stdin)
        if check:
            assert out.returncode == 0, (f"expected `mote {' '.join(map(str, args))}` to succeed, "
                                         f"got status {out.returncode}:\n{out.stdout}\n{out.stderr}")
        return out

    def inspect(self, name):
        return json.loads(self("inspect", name).stdout)[0]

    def wait_until(self, name, predicate, what, timeout=TIMEOUT_S):
        """Waits until predicate(inspect(name)) holds; returns that inspect object."""
        last = {}

        def check():
            last["info"] = self.inspect(name)
            return last["info"] if predicate(last["info"]) else None
        return wait_until(check, lambda: f"{name} to be {what}, got {last['info']['state']}", timeout)

    def monitors(self):
        """The monitor PIDs the state files name (each leads the process group of its QEMU)."""
        pids = []
        root = os.path.join(self.home, "instances")
        for name in os.listdir(root) if os.path.isdir(root) else ():
            try:
                with open(os.path.join(root, name, "state.json")) as f:
                    pids.append(json.load(f).get("monitor_pid", 0))
            except (OSError, ValueError):
                pass
        return [p for p in pids if p > 0]

    def cleanup(self):
        """Removes every instance through mote, then kills whatever a failure left behind."""
        monitors = self.monitors()
        names = self("ps", "-aq", check=False).stdout.split()
        if names:
            self("rm", "-f", *names, check=False)
        for pid in monitors:
            if is_monitor(pid):
                os.killpg(pid, signal.SIGKILL)


def is_monitor(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"__monitor" in f.read()
    except OSError:
        return False


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
