# SPDX-License-Identifier: MIT
"""The Linux guest's initramfs: a newc archive the kernel can unpack, modules in load order."""
import glob
import gzip
import os
import stat
import subprocess
import sys

import pytest

import mkinitramfs

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def fake_ko(depends):
    return b"\x7fELF junk\0license=GPL\0depends=" + depends.encode() + b"\0vermagic=6.1\0"


def test_cpio_round_trip_keeps_names_modes_data_and_devices():
    w = mkinitramfs.CpioWriter()
    w.add_dir("bin")
    w.add_file("bin/x", b"abcde", executable=True)
    w.add_file("etc/odd", b"123")
    w.add_symlink("bin/sh", "busybox")
    w.add_chardev("dev/console", 5, 1)
    blob = w.finish()
    assert len(blob) % 4 == 0
    entries = mkinitramfs.read_cpio_newc(blob)
    assert [(n, stat.S_IFMT(m), d, r) for n, m, d, r in entries] == [
        ("bin", stat.S_IFDIR, b"", (0, 0)),
        ("bin/x", stat.S_IFREG, b"abcde", (0, 0)),
        ("etc/odd", stat.S_IFREG, b"123", (0, 0)),
        ("bin/sh", stat.S_IFLNK, b"busybox", (0, 0)),
        ("dev/console", stat.S_IFCHR, b"", (5, 1)),
    ]
    assert entries[1][1] & 0o777 == 0o755 and entries[2][1] & 0o777 == 0o644


def test_duplicate_entry_is_refused():
    w = mkinitramfs.CpioWriter()
    w.add_dir("bin")
    with pytest.raises(ValueError, match="added twice"):
        w.add_dir("bin")


def test_module_depends_reads_modinfo():
    assert mkinitramfs.module_depends(fake_ko("net_failover,failover")) == ["net_failover",
                                                                              "failover"]
    assert mkinitramfs.module_depends(fake_ko("")) == []
    assert mkinitramfs.module_depends(b"no modinfo at all") == []


def test_load_order_puts_dependencies_first():
    kos = {"virtio_net": fake_ko("net_failover"), "net_failover": fake_ko("failover"),
           "failover": fake_ko(""), "virtio_mmio": fake_ko("")}
    avail = {k: k for k in kos}
    order = mkinitramfs.module_load_order(["virtio_mmio", "virtio_net"], avail, read=kos.get)
    assert order == ["virtio_mmio", "failover", "net_failover", "virtio_net"]


def test_load_order_names_a_missing_module_and_who_needs_it():
    kos = {"virtio_net": fake_ko("net_failover")}
    with pytest.raises(LookupError, match="net_failover .*needed by virtio_net"):
        mkinitramfs.module_load_order(["virtio_net"], {"virtio_net": "x"}, read=lambda p: kos["virtio_net"])


def test_load_order_detects_a_cycle():
    kos = {"a": fake_ko("b"), "b": fake_ko("a")}
    with pytest.raises(ValueError, match="cycle"):
        mkinitramfs.module_load_order(["a"], {"a": "a", "b": "b"}, read=kos.get)


def test_build_writes_a_complete_deterministic_archive(tmp_path):
    mods = tmp_path / "modules" / "kernel" / "drivers"
    mods.mkdir(parents=True)
    (mods / "virtio_mmio.ko").write_bytes(fake_ko(""))
    (mods / "virtio_net.ko").write_bytes(fake_ko("failover"))
    (mods / "failover.ko").write_bytes(fake_ko(""))
    for name in ("busybox", "dns", "init"):
        (tmp_path / name).write_bytes(name.encode())
    args = [sys.executable, os.path.join(TOP, "bench", "linux", "mkinitramfs.py"),
            "--modules-dir", str(tmp_path / "modules"), "--busybox", str(tmp_path / "busybox"),
            "--dns", str(tmp_path / "dns"), "--init", str(tmp_path / "init")]
    for out in ("a.cpio.gz", "b.cpio.gz"):
        subprocess.run(args + ["-o", str(tmp_path / out)], check=True)
    a = (tmp_path / "a.cpio.gz").read_bytes()
    assert a == (tmp_path / "b.cpio.gz").read_bytes()
    entries = {n: d for n, _, d, _ in mkinitramfs.read_cpio_newc(gzip.decompress(a))}
    assert entries["init"] == b"init" and entries["bin/dns_linux"] == b"dns"
    assert entries["bin/busybox"] == b"busybox" and entries["bin/sh"] == b"busybox"
    assert entries["etc/modules"] == b"virtio_mmio\nfailover\nvirtio_net\n"
    assert "dev/console" in entries


def test_missing_input_is_reported_not_a_traceback(tmp_path):
    (tmp_path / "m").mkdir()
    out = subprocess.run([sys.executable, os.path.join(TOP, "bench", "linux", "mkinitramfs.py"),
                          "--modules-dir", str(tmp_path / "m"), "--busybox", "/nonexistent",
                          "--dns", "x", "--init", "y", "--module", "virtio_net",
                          "-o", str(tmp_path / "o")], capture_output=True, text=True)
    assert out.returncode != 0
    assert "virtio_net" in out.stderr and "Traceback" not in out.stderr


def test_raspi3_board_loads_the_usb_network_modules_after_their_dependencies(tmp_path):
    mods = tmp_path / "modules"
    mods.mkdir()
    kos = {"phy-generic": "", "usb-common": "", "usbcore": "usb-common", "roles": "",
           "udc-core": "usb-common", "dwc2": "usbcore,roles,udc-core", "mii": "",
           "usbnet": "mii,usbcore", "cdc_ether": "usbnet,usbcore", "virtio_net": ""}
    for name, deps in kos.items():
        (mods / f"{name}.ko").write_bytes(fake_ko(deps))
    for name in ("busybox", "dns", "init"):
        (tmp_path / name).write_bytes(name.encode())
    subprocess.run([sys.executable, os.path.join(TOP, "bench", "linux", "mkinitramfs.py"),
                    "--board", "raspi3", "--modules-dir", str(mods),
                    "--busybox", str(tmp_path / "busybox"), "--dns", str(tmp_path / "dns"),
                    "--init", str(tmp_path / "init"), "-o", str(tmp_path / "pi.cpio.gz")],
                   check=True)
    entries = {n: d for n, _, d, _ in
               mkinitramfs.read_cpio_newc(gzip.decompress((tmp_path / "pi.cpio.gz").read_bytes()))}
    order = entries["etc/modules"].decode().split()
    assert order == ["phy_generic", "usb_common", "usbcore", "roles", "udc_core", "dwc2", "mii",
                     "usbnet", "cdc_ether"]
    assert "lib/modules/virtio_net.ko" not in entries and "lib/modules/dwc2.ko" in entries


def test_board_module_lists_resolve_in_the_real_kernel():
    """Debian's kernel (scripts/setup) has every module each board asks for."""
    dirs = sorted(glob.glob(os.path.join(TOP, "third_party", "linux", "lib", "modules", "*")))
    if not dirs:
        pytest.skip("third_party/linux is not unpacked (scripts/setup)")
    available = mkinitramfs.find_modules(dirs[-1])
    for board, wanted in mkinitramfs.BOARD_MODULES.items():
        order = mkinitramfs.module_load_order(wanted, available)
        assert set(w.replace("-", "_") for w in wanted) <= set(order), board
