# SPDX-License-Identifier: MIT
"""One QEMU running a Mote image, seen from outside: its serial console and exit status.

Every instance is started in its own process group and killed by Qemu.stop(),
which the `qemu` fixture (conftest.py) calls for every test, even a failing one.
"""
import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("MOTE_BUILD", os.path.join(REPO, "build", "virt"))
TIMEOUT_S = float(os.environ.get("MOTE_TEST_TIMEOUT", "60"))


@functools.lru_cache(maxsize=None)
def board_info(board="virt"):
    """What platform/<board>/board.mk says about the board (QEMU machine, cpu, mem, nic,
    debug_port, ...), as `make -s board-info BOARD=board` prints it: the one place."""
    # Not the make this may run under: its command-line variables (B=...) are not ours.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    out = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "board-info",
                          f"BOARD={board}"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, f"make board-info BOARD={board} failed:\n{out.stderr}"
    return dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)


# The two virtio-mmio transport versions QEMU offers, as extra QEMU arguments.
VIRTIO_MODES = {
    "legacy": (),  # QEMU's virtio-mmio default: version 1
    "modern": ("-global", "virtio-mmio.force-legacy=false"),  # version 2, virtio 1.x
}


def wait_until(check, what, timeout=TIMEOUT_S, interval=0.1):
    """The one deadline loop of the tests: calls check() until it returns something true and
    returns that. Fails after timeout s saying what was expected; what may be a function, called
    then, so the message shows the last state seen."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"expected {what() if callable(what) else what} within {timeout:.0f} s")
        time.sleep(interval)


class Monitor:
    """The one QEMU monitor client of the tests: QEMU's human monitor (HMP) on a Unix socket
    (-monitor unix:PATH,server=on,wait=off), one connection per command."""

    def __init__(self, path):
        self.path = path

    def command(self, line, timeout=TIMEOUT_S):
        """Runs one monitor command (xp, screendump, set_link, system_powerdown, ...); returns
        its output. A command that ends QEMU (system_powerdown) may get no answer: ""."""
        def connect():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.path)
                return s
            except OSError:  # QEMU creates the socket while it starts
                s.close()
                return None
        with wait_until(connect, f"QEMU's monitor at {self.path} to accept a connection", timeout) as s:
            s.settimeout(timeout)
            self._read_prompt(s)
            s.sendall(line.encode() + b"\n")
            out = self._read_prompt(s)
        # The monitor echoes the command line first.
        lines = out.replace("\r", "").split("\n")
        return "\n".join(l for l in lines[1:] if not l.startswith("(qemu)")).strip()

    @staticmethod
    def _read_prompt(s):
        data = b""
        while not data.endswith(b"(qemu) "):
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8", "replace")


def free_port(kind=socket.SOCK_DGRAM):
    """A port on 127.0.0.1 that is free now for UDP (default) or TCP (socket.SOCK_STREAM)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def user_net(*forwards, board="virt"):
    """QEMU arguments for the board's network device on user networking with host
    forwards such as "udp:127.0.0.1:5353-:53"."""
    fwd = "".join(f",hostfwd={f}" for f in forwards)
    return ("-netdev", f"user,id=n0{fwd}", "-device", f"{board_info(board)['nic']},netdev=n0")


def image(name, kind="elf"):
    path = os.path.join(BUILD, f"{name}.{kind}")
    assert os.path.exists(path), f"{path} is missing: run `make images` first"
    return path


class Qemu:
    def __init__(self, kernel, append="", machine=None, cpu=None, mem=None, semihosting=True,
                 extra=(), wrapper=(), board="virt", monitor=False, rng=True):
        # machine, cpu, mem: the board's (board.mk) unless given, e.g. machine="virt,gic-version=3".
        # wrapper: a command QEMU runs under, e.g. ("ip", "netns", "exec", NAME)
        # monitor: QEMU's monitor on a socket, for self.hmp(...)
        # rng: the board's entropy device (board.mk's QEMU_RNG: virtio-rng on virt), as mote run
        info = board_info(board)
        machine, cpu, mem = machine or info["machine"], cpu or info["cpu"], mem or info["mem"]
        # A short folder: Unix socket names are limited to about 100 bytes.
        self._dir = tempfile.mkdtemp(prefix="mote-qemu-") if monitor else None
        self.monitor = Monitor(os.path.join(self._dir, "monitor.sock")) if monitor else None
        mon = f"unix:{self.monitor.path},server=on,wait=off" if monitor else "none"
        self.argv = [*wrapper, "qemu-system-aarch64", "-M", machine, "-cpu", cpu, "-m", mem,
                     "-display", "none", "-monitor", mon, "-serial", "stdio", "-nic", "none",
                     "-kernel", kernel, "-append", append,
                     *(("-device", info["rng"]) if rng and info.get("rng") else ()), *extra]
        if semihosting:
            self.argv += ["-semihosting-config", "enable=on,target=native"]
        self.output = ""
        self._eof = False  # the reader has seen the end of QEMU's output
        self._cond = threading.Condition()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self):
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                break
            with self._cond:
                self.output += chunk.decode("utf-8", "replace").replace("\r", "")
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def tail(self, lines=25):
        return "\n".join(self.output.splitlines()[-lines:])

    def wait_for(self, pattern, timeout=TIMEOUT_S, start=0):
        """Waits until the console output's complete lines (from offset start) match
        pattern; returns the match."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                # Only whole lines: the console arrives in pieces, and "$" would
                # otherwise match in the middle of a line still being written.
                complete = self.output[:self.output.rfind("\n") + 1]
                m = regex.search(complete, start)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    raise AssertionError(
                        f"expected console output matching {pattern!r} within {timeout:.0f} s; "
                        f"QEMU {'exited with ' + str(self.proc.returncode) if self.proc.poll() is not None else 'still running'}. "
                        f"Last lines:\n{self.tail()}")
                self._cond.wait(min(left, 0.5))

    def hmp(self, command, timeout=TIMEOUT_S):
        """Runs one command on QEMU's monitor (start with monitor=True); returns its output."""
        assert self.monitor, "start Qemu with monitor=True to use its monitor"
        return self.monitor.command(command, timeout)

    def type(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def wait_exit(self, timeout=TIMEOUT_S):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"expected QEMU to exit within {timeout:.0f} s; last lines:\n{self.tail()}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
