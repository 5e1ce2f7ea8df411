# SPDX-License-Identifier: MIT
"""Timers fire in order and the expected number of times; console input reaches the service."""
from qemu import image


def test_periodic_timer_fires_exactly_the_asked_number_of_times(qemu):
    q = qemu(image("hello"), append="ticks=5 interval_ms=50")
    done = q.wait_for(r"ticks done")
    ticks = [int(n) for n in __import__("re").findall(r"info: tick (\d+)", q.output)]
    assert ticks == [1, 2, 3, 4, 5], f"expected ticks 1..5 in order, got {ticks}"
    # The console still works after the timer was cancelled from its own callback,
    # and typing proves the loop went round again: no sixth tick appeared meanwhile.
    q.type("still here\r")
    q.wait_for(r"echo: still here", start=done.end())
    assert "tick 6" not in q.output, f"timer fired after it was cancelled:\n{q.tail()}"


def test_timestamps_of_log_lines_never_go_backwards(qemu):
    q = qemu(image("hello"), append="ticks=3 interval_ms=20")
    q.wait_for(r"ticks done")
    stamps = [float(s) for s in __import__("re").findall(r"^\[\s*(\d+\.\d+)\]", q.output, __import__("re").M)]
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
    q.type("oom\r")
    m = q.wait_for(r"oom: (\d+) MiB allocated before malloc returned NULL; after freeing, malloc (.*)$")
    assert 40 <= int(m.group(1)) < 64, f"expected most of 64 MiB to be allocatable, got {m.group(1)} MiB"
    assert m.group(2) == "works again", m.group(0)
    q.type("mem\r")
    q.wait_for(r"heap \d+ KiB used")


def test_wall_clock_comes_from_the_rtc(qemu):
    import time
    q = qemu(image("hello"), append="ticks=0")
    m = q.wait_for(r"wall clock: (\d+) s since the epoch")
    assert abs(int(m.group(1)) - time.time()) < 3600, f"expected about the host's UTC time, got {m.group(1)}"
