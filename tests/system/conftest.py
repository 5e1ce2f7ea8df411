# SPDX-License-Identifier: MIT
import subprocess

import pytest

from qemu import Qemu


@pytest.fixture
def qemu():
    """Starts Qemu instances for a test: qemu(kernel, append=..., ...). All are killed afterwards."""
    started = []

    def start(*args, **kwargs):
        q = Qemu(*args, **kwargs).start()
        started.append(q)
        return q

    yield start
    for q in started:
        q.stop()


@pytest.fixture
def netns():
    """A network namespace with a tap device (netns.py), deleted afterwards."""
    from netns import Netns
    ns = Netns()
    try:
        ns.create()
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.fail(f"expected to create a network namespace with a tap device (needs root): {e}")
    yield ns
    ns.delete()
