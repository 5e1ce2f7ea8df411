# SPDX-License-Identifier: MIT
"""The profiler's reading of its plugin's dump and its subsystem names (bench/profiler.py)."""
import pytest

import profiler

DUMP = ("fn 120 4 0 memcpy\n"
        "fn 35 1 2 gicv2_ack\n"
        "fn 6 0 0 a name with spaces\n"
        "exc 3 el1t_irq\n"
        "total 161 2\n"
        "end\n")


def test_dump_gives_functions_vectors_and_totals():
    d = profiler.parse_dump(DUMP)
    assert d["fn"] == [(120, 4, 0, "memcpy"), (35, 1, 2, "gicv2_ack"),
                       (6, 0, 0, "a name with spaces")]
    assert d["exc"] == {"el1t_irq": 3}
    assert d["total"] == (161, 2)


@pytest.mark.parametrize("text, why", [
    (DUMP[:-4], "truncated"),
    (DUMP.replace("fn 35 1 2", "fn 35 x 2"), "unreadable"),
    (DUMP.replace("exc 3 el1t_irq\n", "exc 3\n"), "unreadable"),
    (DUMP.replace("total 161 2\n", ""), "without its total"),
    ("error: unknown command 'dumb'\nend\n", "unreadable"),
])
def test_dump_rejects_what_it_cannot_read(text, why):
    with pytest.raises(ValueError, match=why):
        profiler.parse_dump(text)


@pytest.mark.parametrize("path, name, subsystem", [
    ("drivers/virtio/virtq.c", "virtq_get_used", "virtqueue"),
    ("drivers/virtio/net.c", "net_collect", "virtio-net driver"),
    ("arch/aarch64/vectors.S", "exception_vectors", "IRQ path"),
    ("kernel/timerq.c", "sift_up", "event loop, timers"),
    ("third_party/lwip/src/core/ipv4/ip4.c", "ip4_input", "lwIP ipv4"),
    ("third_party/lwip/src/core/inet_chksum.c", "lwip_standard_chksum", "lwIP checksum"),
    ("lib/dns/wire.c", "dns_put16", "lib/dns"),
    ("./aarch64-linux-gnu/../../../newlib/libc/machine/aarch64/memcpy-stub.c", "memcpy", "libc"),
    ("?", "__udivti3", "libgcc"),
    ("?", "memset", "libc"),
    ("fdt_wip.o", "fdt_next_node", "libfdt"),
    ("?", "(outside)", "outside the image"),
])
def test_functions_fall_in_their_subsystem(path, name, subsystem):
    assert profiler.classify(path, name) == subsystem
