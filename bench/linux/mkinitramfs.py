#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds the initramfs of the benchmark's Linux guest.

The archive (gzip'd cpio "newc", what the kernel unpacks into its rootfs) holds
only: busybox (Debian's busybox-static:arm64) for the init script, the init
script (bench/linux/init), dns_linux (bench/linux/dns_linux.c linked with
lib/dns), the kernel modules the board's network needs (Debian's kernel
builds them as modules: virtio_mmio and virtio_net on virt; on raspi3b the
DWC2 USB host, its no-op PHY and CDC Ethernet over USB) with their
dependencies in load order, and /dev/console. Every entry has owner root and time 0, so the same inputs
give the same archive byte for byte.

    mkinitramfs.py --modules-dir third_party/linux/lib/modules/VERSION \\
        --busybox third_party/busybox/bin/busybox --dns build/virt/bench/dns_linux \\
        --init bench/linux/init -o build/virt/bench/initramfs.cpio.gz
    mkinitramfs.py --board raspi3 ... -o build/raspi3/bench/initramfs.cpio.gz
"""

import argparse
import glob
import gzip
import os
import stat
import sys

# What each board's guest needs for its NIC; dependencies are added. virt:
# virtio-net over virtio-mmio. raspi3 (QEMU -M raspi3b -device usb-net): the
# DWC2 controller (bcm2837-rpi-3-b.dtb gives it dr_mode = "host" and a
# usb-nop-xceiv PHY, which is phy_generic) and usb-net's CDC-ECM function.
BOARD_MODULES = {
    "virt": ("virtio_mmio", "virtio_net"),
    "raspi3": ("phy_generic", "dwc2", "usbnet", "cdc_ether"),
}
DEFAULT_MODULES = BOARD_MODULES["virt"]
NEWC_MAGIC = b"070701"
NEWC_TRAILER = "TRAILER!!!"


class CpioWriter:
    """A cpio archive in the "new ASCII" (newc) format the kernel reads."""

    def __init__(self):
        self.parts = []
        self.next_ino = 1
        self.names = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        if name in self.names:
            raise ValueError(f"cpio: {name!r} added twice")
        self.names.add(name)
        encoded = name.encode() + b"\0"
        fields = (self.next_ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
                  len(encoded), 0)
        self.next_ino += 1
        header = NEWC_MAGIC + b"".join(b"%08x" % f for f in fields)
        self.parts.append(header + encoded + _pad4(len(header) + len(encoded)))
        self.parts.append(data + _pad4(len(data)))

    def add_dir(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def add_file(self, name, data, executable=False):
        self._entry(name, stat.S_IFREG | (0o755 if executable else 0o644), data)

    def add_symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def add_chardev(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def finish(self):
        """The archive's bytes, with the trailer entry that ends it."""
        trailer = CpioWriter()
        trailer.next_ino = 0
        trailer._entry(NEWC_TRAILER, 0)
        return b"".join(self.parts + trailer.parts)


def _pad4(n):
    return b"\0" * (-n % 4)


def read_cpio_newc(blob):
    """Parses a newc archive into [(name, mode, data, (rdevmajor, rdevminor))] (for tests)."""
    entries, off = [], 0
    while True:
        if blob[off:off + 6] != NEWC_MAGIC:
            raise ValueError(f"cpio: no newc magic at offset {off}")
        fields = [int(blob[off + 6 + 8 * i:off + 14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = fields[1], fields[6], fields[11]
        name_start = off + 110
        name = blob[name_start:name_start + namesize - 1].decode()
        data_start = name_start + namesize + (-(110 + namesize) % 4)
        data = blob[data_start:data_start + size]
        off = data_start + size + (-size % 4)
        if name == NEWC_TRAILER:
            return entries
        entries.append((name, mode, data, (fields[9], fields[10])))


def module_depends(ko_bytes):
    """The module names in a .ko's `depends=` .modinfo string (empty list when none)."""
    key = b"\0depends="
    at = ko_bytes.find(key)
    if at < 0:
        return []
    end = ko_bytes.index(b"\0", at + len(key))
    value = ko_bytes[at + len(key):end].decode()
    return [d for d in value.split(",") if d]


def find_modules(modules_dir):
    """{module name with '_' for '-': path} for every .ko under modules_dir."""
    found = {}
    for root, _, files in os.walk(modules_dir):
        for f in files:
            if f.endswith(".ko"):
                found[f[:-3].replace("-", "_")] = os.path.join(root, f)
    return found


def module_load_order(wanted, available, read=lambda p: open(p, "rb").read()):
    """The modules to load, each after its dependencies (a depth-first walk).

    wanted: names; available: {name: path}. Raises LookupError naming a missing
    module, ValueError on a dependency cycle.
    """
    order, state = [], {}

    def visit(name, chain):
        name = name.replace("-", "_")
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise ValueError("module dependency cycle: " + " -> ".join(chain + [name]))
        if name not in available:
            raise LookupError(f"module {name} (needed by {' -> '.join(chain) or 'the guest'}) "
                              f"is not in the kernel's modules folder")
        state[name] = "visiting"
        for dep in module_depends(read(available[name])):
            visit(dep, chain + [name])
        state[name] = "done"
        order.append(name)

    for w in wanted:
        visit(w, [])
    return order


def build(modules_dir, busybox, init, modules=DEFAULT_MODULES, programs=()):
    """The uncompressed archive's bytes: busybox as /bin/sh, the init script,
    the modules in load order (listed in etc/modules for init), and programs:
    (path in the archive, file) pairs, executable."""
    order = module_load_order(modules, find_modules(modules_dir))
    cpio = CpioWriter()
    for d in ("bin", "dev", "etc", "lib", "lib/modules", "mnt", "proc", "sys"):
        cpio.add_dir(d)
    cpio.add_chardev("dev/console", 5, 1)
    cpio.add_file("bin/busybox", read_bytes(busybox), executable=True)
    cpio.add_symlink("bin/sh", "busybox")
    for name, path in programs:
        cpio.add_file(name, read_bytes(path), executable=True)
    cpio.add_file("init", read_bytes(init), executable=True)
    available = find_modules(modules_dir)
    for name in order:
        cpio.add_file(f"lib/modules/{name}.ko", read_bytes(available[name]))
    cpio.add_file("etc/modules", "".join(n + "\n" for n in order).encode())
    return cpio.finish()


def write(out, blob):
    """Writes the archive gzipped, reproducibly: no name and mtime 0 in the header."""
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        with gzip.GzipFile(filename="", fileobj=f, mode="wb", compresslevel=9, mtime=0) as gz:
            gz.write(blob)
    os.replace(tmp, out)


def guest(out, linux_dir, init, modules, programs=(), busybox=None):
    """A bench's Linux guest (bench/*.py): the newest kernel's modules under
    linux_dir (scripts/setup's third_party/linux), the busybox beside it."""
    modules_dir = sorted(glob.glob(os.path.join(linux_dir, "lib", "modules", "*")))[-1]
    busybox = busybox or os.path.join(linux_dir, "..", "busybox", "bin", "busybox")
    write(out, build(modules_dir, busybox, init, modules, programs))


def read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        sys.exit(f"mkinitramfs: cannot read {path}: {e.strerror} (run scripts/setup and make first)")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--modules-dir", required=True, help="lib/modules/<version> of the kernel")
    p.add_argument("--busybox", required=True)
    p.add_argument("--dns", required=True, help="the dns_linux program")
    p.add_argument("--init", required=True, help="the init script")
    p.add_argument("--board", choices=sorted(BOARD_MODULES), default="virt",
                   help="whose NIC modules to load: " +
                   "; ".join(f"{b}: {' '.join(m)}" for b, m in sorted(BOARD_MODULES.items())))
    p.add_argument("--module", action="append", dest="modules",
                   help="a module to load (repeatable; replaces the board's list)")
    p.add_argument("-o", "--output", required=True, help="the .cpio.gz to write")
    a = p.parse_args()
    if not os.path.isdir(a.modules_dir):
        sys.exit(f"mkinitramfs: {a.modules_dir} is not a folder (expected the kernel's "
                 f"lib/modules/<version>, unpacked by scripts/setup)")
    try:
        blob = build(a.modules_dir, a.busybox, a.init, a.modules or BOARD_MODULES[a.board],
                     [("bin/dns_linux", a.dns)])
    except (LookupError, ValueError) as e:
        sys.exit(f"mkinitramfs: {e}")
    write(a.output, blob)


if __name__ == "__main__":
    main()
