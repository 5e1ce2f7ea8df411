# SPDX-License-Identifier: MIT
"""docs/porting.md says a board is three files in platform/<board>/ and nothing else.
This adds a throwaway board `toy` to a copy of the tree exactly that way (a copy of
virt under another name), builds hello for it, boots it with what `make board-info`
says, and builds and runs it with `mote build --board toy`: no edit outside
platform/toy/ is needed by the build, `make run`, tools/mote or the tests' launcher."""
import os
import shutil
import subprocess

import pytest

from mote_cli import Mote, REPO
from qemu import TIMEOUT_S

BOARD = "toy"
BUILD_TIMEOUT_S = 1800  # a whole kernel and lwIP from scratch, on a loaded 2-core machine


def make(tree, *args, timeout=BUILD_TIMEOUT_S):
    # Not the make this may run under: its command-line variables (B=...) are not ours.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", str(tree), *args],
                          capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A copy of the source tree (what git tracks or would track) with platform/toy/ added
    as docs/porting.md says: the three files, board.mk naming its own folder."""
    root = tmp_path_factory.mktemp("porting") / "mote"
    files = subprocess.run(["git", "-C", REPO, "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = os.path.join(REPO, rel)
        if not os.path.isfile(src) or rel.startswith("third_party"):
            continue  # deleted in the work tree, or the shared third-party tree
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(root, rel))
    os.symlink(os.path.realpath(os.path.join(REPO, "third_party")), root / "third_party")

    virt, toy = root / "platform" / "virt", root / "platform" / BOARD
    os.makedirs(toy)
    for name in ("memmap.h", "platform.c"):
        shutil.copy2(virt / name, toy / name)
    board_mk = (virt / "board.mk").read_text().replace("platform/virt/", f"platform/{BOARD}/")
    (toy / "board.mk").write_text(f"# {BOARD}: a throwaway board, virt under another name\n" + board_mk)
    assert sorted(os.listdir(toy)) == ["board.mk", "memmap.h", "platform.c"]

    out = make(root, f"BOARD={BOARD}", "SERVICE=hello", "-j2", "image")
    assert out.returncode == 0, f"expected the new board to build:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return root


def board_info(tree):
    out = make(tree, "board-info", f"BOARD={BOARD}", timeout=60)
    assert out.returncode == 0, out.stderr
    return dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)


def test_new_board_is_described_by_its_board_mk(tree):
    info = board_info(tree)
    assert (info["name"], info["machine"], info["nic"], info["kernel"]) == \
        (BOARD, "virt", "virtio-net-device", "elf"), info
    out = make(tree, "board-info", "BOARD=nosuch", timeout=60)
    assert out.returncode != 0 and "no board 'nosuch'" in out.stderr and BOARD in out.stderr, \
        f"expected an unknown board to be refused, naming the boards there are:\n{out.stderr}"


def test_new_board_boots_hello_with_what_board_info_says(tree, qemu):
    info = board_info(tree)
    elf = tree / "build" / BOARD / f"hello.{info['kernel']}"
    q = qemu(str(elf), append="ticks=2 interval_ms=10", machine=info["machine"], cpu=info["cpu"],
             mem=info["mem"])
    q.wait_for(r"Hello from Mote on QEMU virt: cortex-a53 x1, \d+ MiB RAM")
    q.wait_for(r"ticks done")


def test_mote_builds_and_runs_the_new_board_without_knowing_it(tree, tmp_path):
    mote = Mote(tmp_path / "home")
    try:
        out = mote("build", "-q", "--board", BOARD, "-t", "hello:toy", tree / "services" / "hello",
                   timeout=BUILD_TIMEOUT_S)
        assert out.stdout.strip() == "hello:toy", out.stdout
        img = mote.inspect("hello:toy")
        assert img["board"] == BOARD and img["qemu"]["machine"] == "virt", img
        mote("run", "-d", "--name", "toy1", "hello:toy", "--", "ticks=1000")
        logs = mote("logs", "toy1").stdout
        assert "Hello from Mote on QEMU virt" in logs, f"expected the greeting:\n{logs}"
        assert mote("stop", "toy1", timeout=TIMEOUT_S).returncode == 0
    finally:
        mote.cleanup()
