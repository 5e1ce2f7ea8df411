# SPDX-License-Identifier: MIT
"""Power loss: services/fscheck writes files one after another (do=power) and the
test kills QEMU at a random moment, tens of times on one FAT32 volume. Each time
fsck.fat -a must repair what the cut left (clusters of the file being written,
an entry not yet named) so that fsck.fat -n then finds the volume clean, and
every file the image reported closed before the kill must be there, byte for
byte. make test runs MOTE_FS_POWER_ROUNDS (default 25) rounds; make soak more."""
import os
import random
import time

import pytest

from fsdisk import DEVICE, content, fsck, fscheck, mcopy_out, mkfs, written  # noqa: F401

ROUNDS = int(os.environ.get("MOTE_FS_POWER_ROUNDS", "25"))
CUT_AFTER_MAX_S = 0.6  # the cut comes up to this long after the writing starts


def check_files(img, files):
    for path, (size, seed) in files.items():
        got = mcopy_out(img, path)
        assert got is not None, f"expected {path}, closed before the cut, on the disk; it is gone"
        assert got == content(size, seed), \
            f"expected {path}, closed before the cut, to hold {size} bytes of seed {seed}; " \
            f"mtools reads {len(got)} bytes that differ"


@pytest.mark.parametrize("board", ["virt", "raspi3"])
def test_fs_power_loss_keeps_every_closed_file(fscheck, tmp_path, board):
    img = mkfs(tmp_path / "disk.img", 32)
    seed = int(os.environ.get("MOTE_FS_POWER_SEED", time.time_ns() % 100000))
    rng = random.Random(seed)
    closed = {}
    for r in range(ROUNDS):
        q = fscheck(board, f"fs={DEVICE[board]} do=power round={r}", img)
        q.wait_for(rf"fscheck: power round {r} writing$")
        time.sleep(rng.uniform(0, CUT_AFTER_MAX_S))
        q.stop()  # SIGKILL: the machine stops between two instructions
        now = written(q.output)
        status, out = fsck(img, repair=True)
        assert status in (0, 1), f"round {r} (seed {seed}): fsck.fat -a could not repair:\n{out}"
        status, out = fsck(img)
        assert status == 0, f"round {r} (seed {seed}): expected a clean volume after fsck.fat -a:\n{out}"
        check_files(img, now)
        closed.update(now)
    assert len(closed) >= ROUNDS, f"expected files closed in most rounds (seed {seed}): {len(closed)}"
    check_files(img, closed)
