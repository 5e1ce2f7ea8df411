# SPDX-License-Identifier: MIT
"""The log on the volume (logfile=PATH, kernel/logfile/): every console line is also
appended to PATH on the mounted FAT volume, read back here with mtools while the image
runs; past logsize= the file is rotated to PATH.1 and fsck.fat finds the volume clean;
without a volume, or with a bad argument, the console says so and the image goes on."""
import re
import socket
import subprocess

from qemu import free_port, image, user_net, wait_until
from test_blk import disk_args
from test_http_files import PART_START, volume  # noqa: F401 (fixture)

LINE = re.compile(r"^\[\s*\d+\.\d{6}\] (?:info|warn|error|debug): .*$", re.M)


def mtype(img, path):
    out = subprocess.run(["mtype", "-i", f"{img}@@{PART_START * 512}", f"::{path}"],
                         capture_output=True)
    return out.stdout.decode("utf-8", "replace") if out.returncode == 0 else None


def start(qemu, img, append):
    port = free_port(socket.SOCK_STREAM)
    q = qemu(image("http"), append=append,
             extra=(*user_net(f"tcp:127.0.0.1:{port}-:80"), *disk_args(img)))
    q.wait_for(r"mote: ready")
    return q, f"http://127.0.0.1:{port}"


def refused(base, n):
    """n requests the http service logs a warning for (a path with '..')."""
    for i in range(n):
        subprocess.run(["curl", "-s", "--path-as-is", "-o", "/dev/null", "--max-time", "30",
                        f"{base}/a/../{i}"], check=True, timeout=60)


def fsck_clean(img, tmp_path):
    part = tmp_path / "part.img"
    subprocess.run(["dd", f"if={img}", f"of={part}", "bs=512", f"skip={PART_START}",
                    "status=none"], check=True)
    out = subprocess.run(["fsck.fat", "-n", str(part)], capture_output=True, text=True)
    assert out.returncode == 0, f"expected fsck.fat -n to find the volume clean:\n{out.stdout}"


def test_console_lines_are_in_the_log_file(qemu, volume, tmp_path):
    img, _ = volume
    q, base = start(qemu, img, "fs=virtio0p1 logfile=/mote.log")
    q.wait_for(r"info: logfile: logging to /mote.log \(0 bytes, then /mote.log.1\)")
    refused(base, 3)
    marker = r'warn: http: refused a path that climbs out of the volume \(".."\)'

    def logged():
        text = mtype(img, "/mote.log")
        return text if text and len(re.findall(marker, text)) == 3 else None
    text = wait_until(logged, "three refusals in /mote.log")
    file_lines = text.splitlines()
    assert all(LINE.match(line) for line in file_lines), f"expected only log lines:\n{text}"
    console = set(LINE.findall(q.output))
    missing = [line for line in file_lines if line not in console]
    assert not missing, f"lines in the file that the console did not print: {missing}"
    # The boot lines logged before the volume was mounted are there too.
    assert any("info: Mote " in line for line in file_lines), text[:500]
    assert any("fs: virtio0p1 mounted" in line for line in file_lines), text[:500]
    fsck_clean(img, tmp_path)


def test_log_file_is_rotated_at_logsize(qemu, volume, tmp_path):
    img, _ = volume
    q, base = start(qemu, img, "fs=virtio0p1 logfile=/mote.log logsize=2048")
    refused(base, 40)

    def rotated():
        old, new = mtype(img, "/mote.log.1"), mtype(img, "/mote.log")
        return (old, new) if old and new and "refused" in new else None
    old, new = wait_until(rotated, "/mote.log.1 and a new /mote.log")
    assert len(old.encode()) <= 2048 and len(new.encode()) <= 2048, (len(old), len(new))
    assert old.endswith("\n") and new.endswith("\n"), "expected whole lines in each file"
    fsck_clean(img, tmp_path)


def test_without_a_volume_the_console_says_so(qemu, volume):
    img, _ = volume
    q, _ = start(qemu, img, "logfile=/mote.log")
    q.wait_for(r"error: logfile: /mote.log: no volume is mounted \(boot argument fs=\); "
               r"logs go to the console only")
    assert mtype(img, "/mote.log") is None


def test_bad_arguments_are_named(qemu, volume):
    img, _ = volume
    q, _ = start(qemu, img, "fs=virtio0p1 logfile=mote.log")
    q.wait_for(r"error: logfile=mote.log: expected an absolute path on the volume")
    q.stop()  # the disk image is locked while QEMU has it
    q, _ = start(qemu, img, "fs=virtio0p1 logfile=/m.log logsize=12")
    q.wait_for(r"error: logsize=12: expected bytes from 1024 to 1073741824; using 262144")
    q.wait_for(r"info: logfile: logging to /m.log")


def test_read_only_volume_turns_the_file_log_off(qemu, volume):
    img, _ = volume
    q, _ = start(qemu, img, "fs=virtio0p1,ro logfile=/mote.log")
    q.wait_for(r"error: logfile: /mote.log: the volume is read-only; logs go to the console only")
