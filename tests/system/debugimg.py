# SPDX-License-Identifier: MIT
"""Debug images (make DEBUG=1, build/<board>-debug) and the QEMU arguments of the debug port.

The debug port is the board's (board.mk: QEMU_DEBUG_PORT_ARGS; virt's virtio
console, the Pi's mini UART) whose other end is a TCP socket QEMU listens on
(127.0.0.1:port): gdb connects there for gdb=serial, and scripts/mote-core
for core=serial.
"""
import os
import subprocess
import threading

from qemu import BUILD, TIMEOUT_S, board_info

DEBUG_BUILD = os.environ.get("MOTE_BUILD_DEBUG", os.path.normpath(BUILD) + "-debug")
GDB = "gdb-multiarch"
REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
MOTE_CORE = os.path.join(REPO, "scripts", "mote-core")


def debug_image(name, kind="elf"):
    path = os.path.join(DEBUG_BUILD, f"{name}.{kind}")
    assert os.path.exists(path), f"{path} is missing: run `make DEBUG=1 images` first"
    return path


def debug_port_args(port, wait=False, board="virt"):
    """The board's debug port on a TCP socket QEMU listens on; with wait, QEMU starts the
    image only once a client (the core receiver) is connected."""
    args = board_info(board)["debug_port"].replace("{port}", str(port))
    assert "wait=off" in args, f"expected the debug port's socket to say wait=off: {args}"
    return tuple(args.replace("wait=off", "wait=on" if wait else "wait=off").split())


def receive_core(q, port, core):
    """Runs scripts/mote-core against the debug port on port until it wrote core."""
    recv = subprocess.run([MOTE_CORE, "--connect", f"127.0.0.1:{port}", "-o", str(core),
                           "--timeout", str(TIMEOUT_S)], capture_output=True, text=True,
                          timeout=TIMEOUT_S * 2)
    assert recv.returncode == 0, f"mote-core failed: {recv.stderr}\nconsole:\n{q.tail()}"


def image_slide(q):
    """How far the image runs from its ELF's addresses (ASLR, arch/aarch64/aslr.h), from its
    boot log; gdb without the image's own stub (QEMU's, a core file) needs it:
    symbol-file -o SLIDE ELF."""
    m = q.wait_for(r"aslr: image at 0x[0-9a-f]+ \(the ELF's addresses \+ (0x[0-9a-f]+)\)|aslr: off")
    return int(m.group(1), 16) if m.group(1) else 0


class Gdb:
    """gdb-multiarch -batch with a list of commands; output collected as it comes."""

    def __init__(self, elf, port, commands):
        argv = [GDB, "-q", "-nx", "-batch", elf, "-ex", "set pagination off",
                "-ex", "set confirm off", "-ex", "set remotetimeout 20",
                "-ex", f"target remote 127.0.0.1:{port}"]
        for c in commands:
            argv += ["-ex", c]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.output = ""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in iter(self.proc.stdout.readline, b""):
            self.output += line.decode("utf-8", "replace")

    def wait(self, timeout=TIMEOUT_S * 2):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"gdb did not finish within {timeout} s; its output:\n{self.output}")
        self.thread.join(5)
        return self.output

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
