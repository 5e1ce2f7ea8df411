# SPDX-License-Identifier: MIT
"""The framebuffer console on QEMU -M raspi3b: QEMU's monitor `screendump` writes the
screen to a PPM file; every 8x16 character cell is matched pixel-exact against the
glyphs of the same PSF font (from Debian's console-setup-linux) the build converted.
The text read off the screen must be exactly what the serial console printed since
the framebuffer came up, wrapped at 80 columns and scrolled to the last 30 rows.
The screen console is the "fb" feature: these images are built with USES=fb."""
import importlib.util
import os
import time

import pytest

from raspi3 import raspi3  # noqa: F401 (fixture)

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
FONT = os.path.join(ROOT, "third_party", "consolefonts", "usr", "share", "consolefonts", "Lat15-VGA16.psf.gz")
COLS, ROWS, WIDTH, HEIGHT = 80, 30, 8, 16
UNKNOWN = "\ufffd"


def load_psf2c():
    spec = importlib.util.spec_from_file_location("psf2c", os.path.join(ROOT, "scripts", "psf2c.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def glyphs():
    """Glyph bitmap -> character, for printable ASCII, read straight from the PSF file."""
    import gzip
    assert os.path.exists(FONT), f"{FONT} is missing: run scripts/setup"
    width, height, _, bitmaps, table = load_psf2c().parse(gzip.open(FONT).read())
    assert (width, height) == (WIDTH, HEIGHT)
    return {bytes(bitmaps[table.get(c, c)]): chr(c) for c in range(0x20, 0x7F)}


def read_screen(q, path, glyphs):
    q.hmp(f"screendump {path}")
    with open(path, "rb") as f:
        data = f.read()
    magic, w, h, maxval, pixels = data.split(maxsplit=4)
    assert (magic, int(w), int(h), int(maxval)) == (b"P6", COLS * WIDTH, ROWS * HEIGHT, 255), data[:20]
    rows = []
    for r in range(ROWS):
        line = ""
        for c in range(COLS):
            cell = bytearray(HEIGHT)
            for y in range(HEIGHT):
                base = ((r * HEIGHT + y) * COLS * WIDTH + c * WIDTH) * 3
                for x in range(WIDTH):
                    if pixels[base + 3 * x:base + 3 * x + 3] != b"\0\0\0":
                        cell[y] |= 0x80 >> x
            line += glyphs.get(bytes(cell), UNKNOWN)
        rows.append(line.rstrip())
    return rows


def expected_screen(text):
    """What an 80x30 console shows after text: wrap, newline, scroll (fbcon.c's rules)."""
    lines, col = [""], 0
    for ch in text:
        if ch == "\n":
            lines.append("")
            col = 0
            continue
        if col == COLS:
            lines.append("")
            col = 0
        lines[-1] += ch
        col += 1
    screen = lines[-ROWS:]
    return [l.rstrip() for l in screen] + [""] * (ROWS - len(screen))


def screen_matches(q, tmp_path, glyphs, since):
    got = want = []
    for _ in range(5):  # the screen is drawn right after the UART; let the last line land
        start = q.output.rfind("\n", 0, q.output.index(since)) + 1
        want = expected_screen(q.output[start:])
        got = read_screen(q, str(tmp_path / "screen.ppm"), glyphs)
        if got == want:
            return
        time.sleep(0.5)
    diff = "\n".join(f"{i:2} want {w!r}\n   got  {g!r}" for i, (w, g) in enumerate(zip(want, got)) if w != g)
    raise AssertionError(f"screen differs from the serial console:\n{diff}")


def test_screen_shows_the_console_text(raspi3, tmp_path, glyphs):
    q = raspi3("hello", append="ticks=3 interval_ms=10", uses="fb")
    q.wait_for(r"info: framebuffer: 640x480, 32 bits at 0x[0-9a-f]{8}; console 80x30, font 8x16")
    q.wait_for(r"ticks done")
    screen_matches(q, tmp_path, glyphs, "info: framebuffer:")


def test_screen_scrolls_and_wraps_long_lines(raspi3, tmp_path, glyphs):
    q = raspi3("hello", append="ticks=40 interval_ms=5", uses="fb")
    q.wait_for(r"ticks done")
    q.type("x" * 100 + "\r")  # echoed past the right edge: wraps
    q.wait_for(r"echo: x{100}")
    screen_matches(q, tmp_path, glyphs, "info: framebuffer:")


def test_crash_report_reaches_the_screen(raspi3, tmp_path, glyphs):
    q = raspi3("crashtest", append="crash=null panic=halt", uses="fb")
    q.wait_for(r"backtrace:[\s\S]*service_start")
    screen_matches(q, tmp_path, glyphs, "info: framebuffer:")
    assert any("*** MOTE CRASH: data abort" in l for l in read_screen(q, str(tmp_path / "s.ppm"), glyphs))


def test_fbcon_off_leaves_the_screen_alone(raspi3):
    q = raspi3("hello", append="ticks=0 fbcon=off", uses="fb")
    q.wait_for(r"hello: ready")
    assert "framebuffer:" not in q.output, q.tail()


def test_a_service_without_the_fb_feature_has_no_screen_console(raspi3):
    q = raspi3("hello", append="ticks=0")
    q.wait_for(r"hello: ready")
    assert "framebuffer:" not in q.output, q.tail()
