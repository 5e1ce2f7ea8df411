# SPDX-License-Identifier: MIT
"""The http service serves the files of a FAT volume (fs=virtio0p1) made on the host with
mkfs.fat and mtools: curl gets them byte for byte, a large one included (streamed, never
held in memory), with Content-Type by extension and Last-Modified; If-Modified-Since gives
304; ".." is refused; a directory has no listing; the built-in pages answer what the
volume does not have; several files on one connection come back in order."""
import email.utils
import os
import socket
import subprocess

import pytest

from qemu import free_port, image, user_net
from test_blk import disk_args

VOLUME_MIB = 64
PART_START = 2048
BIG = 5 * 1000 * 1000 + 123  # more than any buffer, not a round number


def mtools(*argv, image_path):
    subprocess.run([argv[0], "-i", f"{image_path}@@{PART_START * 512}", *argv[1:]], check=True,
                   capture_output=True)


@pytest.fixture
def volume(tmp_path):
    """A partitioned disk whose FAT32 partition holds index.html, style.css, big.bin,
    sub/data.json and an empty directory; returns (image, {name: bytes})."""
    img = tmp_path / "vol.img"
    with open(img, "wb") as f:
        f.truncate(VOLUME_MIB << 20)
    subprocess.run(["sfdisk", "-q", str(img)], input=f"label: dos\nstart={PART_START}, type=c\n",
                   text=True, check=True, capture_output=True)
    subprocess.run(["mkfs.fat", "-F", "32", "--offset", str(PART_START), str(img)], check=True,
                   capture_output=True)
    files = {"index.html": b"<h1>from the volume</h1>\n", "style.css": b"body { color: red }\n",
             "big.bin": os.urandom(BIG), "sub/data.json": b'{"t": 21.5}\n'}
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    for name, data in files.items():
        (src / name).write_bytes(data)
    mtools("mmd", "::/sub", "::/empty", image_path=img)
    for name in files:
        mtools("mcopy", str(src / name), f"::/{name}", image_path=img)
    return img, files


def start_http(qemu, img, append="fs=virtio0p1"):
    port = free_port(socket.SOCK_STREAM)
    q = qemu(image("http"), append=append,
             extra=(*user_net(f"tcp:127.0.0.1:{port}-:80"), *disk_args(img)))
    q.wait_for(r"mote: ready")
    return q, f"http://127.0.0.1:{port}"


def curl(*args):
    return subprocess.run(["curl", "-sS", "--max-time", "120", *args], capture_output=True,
                          timeout=180)


def headers(out):
    """The header lines of curl -D - output as a dict (names lower-case)."""
    text = out.decode("latin-1").split("\r\n\r\n")[0]
    status = text.split("\r\n")[0]
    h = {}
    for line in text.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        h[k.strip().lower()] = v.strip()
    return status, h


def test_files_are_served_byte_exact_with_their_types(qemu, volume, tmp_path):
    img, files = volume
    q, base = start_http(qemu, img)
    for name, data in files.items():
        got = tmp_path / ("got-" + name.replace("/", "-"))
        r = curl("-o", str(got), "-D", "-", f"{base}/{name}")
        status, h = headers(r.stdout)
        assert status == "HTTP/1.1 200 OK", f"{name}: {status}\n{r.stderr}"
        assert got.read_bytes() == data, f"{name}: expected {len(data)} bytes exactly, got " \
            f"{got.stat().st_size}"
        assert int(h["content-length"]) == len(data)
    r = curl("-D", "-", "-o", "/dev/null", f"{base}/style.css")
    assert headers(r.stdout)[1]["content-type"] == "text/css; charset=utf-8"
    r = curl("-D", "-", "-o", "/dev/null", f"{base}/big.bin")
    assert headers(r.stdout)[1]["content-type"] == "application/octet-stream"
    r = curl("-D", "-", "-o", "/dev/null", f"{base}/sub/data.json")
    assert headers(r.stdout)[1]["content-type"] == "application/json"
    r = curl(f"{base}/")
    assert r.stdout == files["index.html"], "expected / to be the volume's index.html"


def test_large_file_twice_on_one_connection_then_a_small_one(qemu, volume, tmp_path):
    img, files = volume
    q, base = start_http(qemu, img)
    outs = [tmp_path / f"o{i}" for i in range(3)]
    r = curl("-v", f"{base}/big.bin", "-o", str(outs[0]), f"{base}/big.bin", "-o", str(outs[1]),
             f"{base}/style.css", "-o", str(outs[2]))
    assert outs[0].read_bytes() == files["big.bin"]
    assert outs[1].read_bytes() == files["big.bin"]
    assert outs[2].read_bytes() == files["style.css"]
    assert b"Re-using existing connection" in r.stderr, "expected one connection for all three"


def test_head_gives_the_length_and_no_body(qemu, volume):
    img, files = volume
    q, base = start_http(qemu, img)
    r = curl("-I", f"{base}/big.bin")
    status, h = headers(r.stdout)
    assert status == "HTTP/1.1 200 OK" and int(h["content-length"]) == BIG, r.stdout
    assert r.stdout.endswith(b"\r\n\r\n"), "expected no body after HEAD's headers"


def test_if_modified_since_gives_304_and_an_older_date_200(qemu, volume):
    img, files = volume
    q, base = start_http(qemu, img)
    r = curl("-D", "-", "-o", "/dev/null", f"{base}/style.css")
    modified = headers(r.stdout)[1].get("last-modified")
    assert modified, f"expected Last-Modified:\n{r.stdout.decode()}"
    assert email.utils.parsedate_to_datetime(modified), modified
    r = curl("-D", "-", "-H", f"If-Modified-Since: {modified}", f"{base}/style.css")
    status, h = headers(r.stdout)
    assert status == "HTTP/1.1 304 Not Modified", r.stdout.decode()
    assert r.stdout.endswith(b"\r\n\r\n"), "expected no body with 304"
    older = email.utils.format_datetime(
        email.utils.parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    r = curl("-D", "-", "-H", f"If-Modified-Since: {older}", f"{base}/style.css")
    assert headers(r.stdout)[0] == "HTTP/1.1 200 OK"
    assert r.stdout.endswith(b"body { color: red }\n")
    # A date in an obsolete form is ignored (RFC 9110 §13.1.3): the file comes.
    r = curl("-D", "-", "-H", "If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT",
             f"{base}/style.css")
    assert headers(r.stdout)[0] == "HTTP/1.1 200 OK"


@pytest.mark.parametrize("target", ["/sub/../style.css", "/%2e%2e/style.css", "/sub/%2E%2E/x",
                                    "/.."])
def test_dot_dot_is_refused(qemu, volume, target):
    img, _ = volume
    q, base = start_http(qemu, img)
    r = curl("--path-as-is", "-D", "-", f"{base}{target}")
    assert headers(r.stdout)[0] == "HTTP/1.1 403 Forbidden", r.stdout.decode()
    q.wait_for(r'warn: http: refused a path that climbs out of the volume \(".."\)')
    # and the server goes on
    assert curl(f"{base}/style.css").stdout == b"body { color: red }\n"


def test_directories_have_no_listing_and_the_built_in_pages_fill_in(qemu, volume):
    img, _ = volume
    q, base = start_http(qemu, img)
    r = curl("-D", "-", f"{base}/empty/")
    assert headers(r.stdout)[0] == "HTTP/1.1 404 Not Found", r.stdout.decode()
    r = curl("-D", "-", f"{base}/sub")
    assert headers(r.stdout)[0] == "HTTP/1.1 404 Not Found", r.stdout.decode()
    r = curl("-D", "-", f"{base}/nothing-here.txt")
    assert headers(r.stdout)[0] == "HTTP/1.1 404 Not Found"


def test_without_a_volume_the_built_in_pages_answer(qemu, volume):
    img, _ = volume
    q, base = start_http(qemu, img, append="")
    r = curl(f"{base}/")
    assert b"<h1>Hello from Mote</h1>" in r.stdout, r.stdout[:200]
    r = curl("-D", "-", f"{base}/style.css")
    assert headers(r.stdout)[0] == "HTTP/1.1 404 Not Found"


def test_files_over_https_too(qemu, volume, tmp_path):
    """The same files over HTTPS (the http image built with a certificate, as test_tls.py
    does): the large one byte-exact, streamed over TLS as over TCP."""
    from tlsfiles import SERVER_NAME, Pki, tls_image
    img, files = volume
    (tmp_path / "pki").mkdir()
    pki = Pki(str(tmp_path / "pki"))
    elf = tls_image("http", str(tmp_path / "tls-build"), cert=pki.path("server.pem"),
                    key=pki.path("server.key"))
    port = free_port(socket.SOCK_STREAM)
    q = qemu(elf, append="fs=virtio0p1",
             extra=(*user_net(f"tcp:127.0.0.1:{port}-:443"), *disk_args(img)))
    q.wait_for(r"http: serving HTTPS on TCP port 443")
    q.wait_for(r"mote: ready")
    got = tmp_path / "big-over-tls"
    r = curl("--cacert", pki.path("ca.pem"), "--resolve", f"{SERVER_NAME}:{port}:127.0.0.1",
             "-o", str(got), "-D", "-", f"https://{SERVER_NAME}:{port}/big.bin",
             "-o", str(tmp_path / "css-over-tls"), f"https://{SERVER_NAME}:{port}/style.css")
    assert headers(r.stdout)[0] == "HTTP/1.1 200 OK", r.stdout[:300] + r.stderr[-300:]
    assert got.read_bytes() == files["big.bin"], "expected big.bin byte-exact over HTTPS"
    assert (tmp_path / "css-over-tls").read_bytes() == files["style.css"]
