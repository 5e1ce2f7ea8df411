# SPDX-License-Identifier: MIT
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
