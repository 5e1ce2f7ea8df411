# SPDX-License-Identifier: MIT
"""Timers fire in order and the expected number of times; console input reaches the service.
Checked from the console's lines and their timestamps, never from the service's own verdict."""
import re

from qemu import image

TICK = re.compile(r"^\[\s*(\d+\.\d+)\] info: tick (\d+)$", re.M)


def test_periodic_timer_fires_exactly_the_asked_number_of_times(qemu):
    q = qemu(image("hello"), append="ticks=5 interval_ms=50")
    done = q.wait_for(r"ticks done")
    found = [(float(t), int(n)) for t, n in TICK.findall(q.output)]
    assert [n for _, n in found] == [1, 2, 3, 4, 5], f"expected ticks 1..5 in order, got {found}"
    # A periodic timer never fires early: tick k comes at least k intervals after the
    # timer started, which was after the last line the service logged before starting
    # it (the wall clock's, where the board has one; else the kernel's boot line). Its
    # ticks may be late (the emulated machine shares the host), so nothing bounds them
    # from above, nor the span between them: a late first tick shortens it.
    before = re.findall(r"^\[\s*(\d+\.\d+)\] info: (?:Mote .* booted in|wall clock:)",
                        q.output, re.M)
    started_after = float(before[-1])
    early = [(n, t) for t, n in found if t < started_after + n * 0.050]
    assert not early, (f"expected tick k at least k*50 ms after {started_after}, "
                       f"got early ticks {early}")
    # The console still works after the timer was cancelled from its own callback,
    # and typing proves the loop went round again: no sixth tick appeared meanwhile.
    q.type("still here\r")
    q.wait_for(r"echo: still here", start=done.end())
    assert "tick 6" not in q.output, f"timer fired after it was cancelled:\n{q.tail()}"


def test_timestamps_of_log_lines_never_go_backwards(qemu):
    q = qemu(image("hello"), append="ticks=3 interval_ms=20")
    q.wait_for(r"ticks done")
    stamps = [float(s) for s in re.findall(r"^\[\s*(\d+\.\d+)\]", q.output, re.M)]
    assert stamps == sorted(stamps) and len(stamps) >= 5, f"expected rising timestamps, got {stamps}"


def test_console_echoes_typed_lines(qemu):
    q = qemu(image("hello"), append="ticks=0")
    q.wait_for(r"hello: ready")
    q.type("hello mote\r")
    q.wait_for(r"^echo: hello mote$")
    q.type("second line\r")
    q.wait_for(r"^echo: second line$")


def test_exit_command_stops_machine_with_status_zero(qemu):
    q = qemu(image("hello"), append="ticks=0")
    q.wait_for(r"hello: ready")
    q.type("exit\r")
    assert q.wait_exit() == 0, f"expected exit status 0; last lines:\n{q.tail()}"


def test_meminfo_reports_heap_in_use(qemu):
    q = qemu(image("hello"), append="ticks=0", mem="128M")
    q.wait_for(r"hello: ready")
    q.type("mem\r")
    m = q.wait_for(r"heap (\d+) KiB used of (\d+) KiB, image (\d+) KiB")
    used, total, img = (int(x) for x in m.groups())
    assert 100 * 1024 < total < 128 * 1024, f"expected most of 128 MiB as heap, got {total} KiB"
    assert used <= total and img > 0


def test_out_of_memory_returns_null_and_heap_recovers(qemu):
    q = qemu(image("hello"), append="ticks=0", mem="64M")
    q.wait_for(r"hello: ready")
    oom = r"oom: (\d+) MiB allocated before malloc returned NULL"
    mem = r"heap (\d+) KiB used of (\d+) KiB"
    q.type("mem\r")
    before = q.wait_for(mem)
    q.type("oom\r")
    first = q.wait_for(oom, start=before.end())
    assert 40 <= int(first.group(1)) < 64, f"expected most of 64 MiB to be allocatable, got {first.group(1)} MiB"
    # Recovered: everything freed is allocatable again (a second exhaustion gets as far; the
    # service survived both) and the heap in use is back where it was.
    q.type("oom\r")
    second = q.wait_for(oom, start=first.end())
    assert abs(int(second.group(1)) - int(first.group(1))) <= 1, \
        f"expected the freed memory to be allocatable again: {first.group(1)} MiB, then {second.group(1)} MiB"
    q.type("mem\r")
    after = q.wait_for(mem, start=second.end())
    assert int(after.group(1)) <= int(before.group(1)) + 64, \
        f"expected the heap in use back to {before.group(1)} KiB after freeing, got {after.group(1)} KiB"


def test_wall_clock_comes_from_the_rtc(qemu):
    import time
    q = qemu(image("hello"), append="ticks=0")
    m = q.wait_for(r"wall clock: (\d+) s since the epoch")
    assert abs(int(m.group(1)) - time.time()) < 3600, f"expected about the host's UTC time, got {m.group(1)}"
