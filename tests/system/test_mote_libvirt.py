# SPDX-License-Identifier: MIT
"""`mote run --runtime libvirt` and `mote export --libvirt` against a real libvirtd (Debian's
libvirt-daemon-system, QEMU driver), started here with a test-local socket (no systemd) and
stopped afterwards, with every domain the test defined undefined: virsh lists the instance, the
service answers dig through user networking with a port forward (QEMU's -netdev user,hostfwd
given through <qemu:commandline>: libvirt's own networks need a bridge and dnsmasq this test does
not set up), `virsh shutdown` reaches the image's power button and it exits with 0, and stop, kill,
rm, ps, inspect and logs work on it."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from mote_cli import Mote
from qemu import free_port, wait_until

LIBVIRTD = shutil.which("libvirtd") or "/usr/sbin/libvirtd"
VIRTLOGD = shutil.which("virtlogd") or "/usr/sbin/virtlogd"
pytestmark = [
    pytest.mark.skipif(not os.path.exists(LIBVIRTD) or not shutil.which("virsh"),
                       reason="libvirt is not installed (scripts/setup)"),
    pytest.mark.skipif(os.geteuid() != 0, reason="libvirtd's QEMU driver here runs as root"),
]


def dig(port, name="host42.mote.test"):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=5", "+tries=3", "+short", name],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


@pytest.fixture(scope="module")
def libvirt():
    """libvirtd (and the virtlogd it writes consoles through) on a socket in a folder of the test."""
    if subprocess.run(["pgrep", "-x", "libvirtd"], capture_output=True).returncode == 0:
        pytest.skip("a libvirtd already runs on this machine: not starting a second one")
    root = tempfile.mkdtemp(prefix="mote-libvirt-")
    conf = os.path.join(root, "libvirtd.conf")
    with open(conf, "w") as f:
        f.write(f'unix_sock_dir = "{root}"\nlisten_tls = 0\nlisten_tcp = 0\n'
                'auth_unix_rw = "none"\nauth_unix_ro = "none"\n'
                f'log_outputs = "3:file:{root}/libvirtd.log"\n')
    pids = {}
    for name, argv in (("virtlogd", [VIRTLOGD, "-d", "-p", f"{root}/virtlogd.pid"]),
                       ("libvirtd", [LIBVIRTD, "-d", "-f", conf, "-p", f"{root}/libvirtd.pid"])):
        subprocess.run(argv, check=True, timeout=60)
        pids[name] = f"{root}/{name}.pid"
    uri = f"qemu+unix:///system?socket={root}/libvirt-sock"
    try:
        wait_until(lambda: subprocess.run(["virsh", "-c", uri, "list"], capture_output=True).returncode == 0,
                   "libvirtd to answer virsh", timeout=60)
        yield uri
    finally:
        for dom in subprocess.run(["virsh", "-q", "-c", uri, "list", "--all", "--name"], capture_output=True,
                                  text=True).stdout.split():
            subprocess.run(["virsh", "-c", uri, "destroy", dom], capture_output=True)
            subprocess.run(["virsh", "-c", uri, "undefine", dom], capture_output=True)
        for name in ("libvirtd", "virtlogd"):
            try:
                os.kill(int(open(pids[name]).read()), signal.SIGTERM)
            except (OSError, ValueError):
                pass
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def mote():
    # libvirt's QEMU runs as libvirt-qemu: the kernel in MOTE_HOME must be reachable for it.
    home = tempfile.mkdtemp(prefix="mote-home-")
    os.chmod(home, 0o755)
    m = Mote(home)
    m("build", "-q", "services/dns")
    yield m
    m.cleanup()
    shutil.rmtree(home, ignore_errors=True)


def virsh(uri, *args):
    return subprocess.run(["virsh", "-c", uri, *args], capture_output=True, text=True, timeout=120)


def test_run_under_libvirt_then_virsh_shutdown_exits_with_0(libvirt, mote):
    port = free_port()
    out = mote("run", "-d", "--runtime", "libvirt", "--connect", libvirt, "--name", "lv1",
               "-p", f"127.0.0.1:{port}:53/udp", "dns")
    assert out.stdout.strip() == "lv1", out.stderr
    listed = virsh(libvirt, "list", "--name").stdout.split()
    assert "lv1" in listed, f"expected virsh list to show lv1, got {listed}"
    assert dig(port) == "10.0.0.42", "expected the service to answer dig under libvirt"
    ps = mote("ps").stdout
    assert "lv1" in ps and "Up" in ps, ps

    assert virsh(libvirt, "shutdown", "lv1").returncode == 0
    info = mote.wait_until("lv1", lambda i: i["state"]["status"] == "exited", "exited after virsh shutdown")
    assert info["state"]["exit_code"] == 0, info["state"]
    logs = mote("logs", "lv1").stdout
    assert "power button: shutting down" in logs, f"expected the power button in the console:\n{logs}"
    mote("rm", "lv1")
    assert "lv1" not in virsh(libvirt, "list", "--all", "--name").stdout.split(), "expected rm to undefine it"


def test_stop_and_kill_go_through_libvirt(libvirt, mote):
    for name in ("lv2", "lv3"):
        mote("run", "-d", "--runtime", "libvirt", "--connect", libvirt, "--name", name, "dns")
    mote("stop", "lv2")
    assert mote.inspect("lv2")["state"]["exit_code"] == 0
    mote("kill", "lv3")
    assert mote.inspect("lv3")["state"]["status"] == "exited"
    assert virsh(libvirt, "domstate", "lv3").stdout.strip() == "shut off"
    mote("rm", "lv2", "lv3")


def test_exported_domain_is_defined_and_run_by_virsh(libvirt, mote, tmp_path):
    port = free_port()
    xml = mote("export", "--libvirt", "--name", "lvx", "-p", f"127.0.0.1:{port}:53/udp", "dns").stdout
    assert "<domain type='qemu'" in xml and "virtio-mmio" in xml
    path = tmp_path / "lvx.xml"
    path.write_text(xml)
    assert virsh(libvirt, "define", str(path)).returncode == 0
    try:
        assert virsh(libvirt, "start", "lvx").returncode == 0
        # virsh start returns before the image is up: ask until it answers.
        wait_until(lambda: dig(port) == "10.0.0.42", "the exported domain to answer dig", timeout=120)
        virsh(libvirt, "shutdown", "lvx")
        wait_until(lambda: virsh(libvirt, "domstate", "lvx").stdout.strip() == "shut off",
                   "lvx to power off after virsh shutdown", timeout=60)
    finally:
        virsh(libvirt, "destroy", "lvx")
        virsh(libvirt, "undefine", "lvx")


def test_libvirt_options_are_checked(mote):
    for args, why in [(["--runtime", "xen"], "bad --runtime 'xen'"),
                      (["--connect", "qemu:///system"], "goes with --runtime libvirt"),
                      (["--runtime", "libvirt"], "runs detached: add -d"),
                      (["-d", "--runtime", "libvirt", "--restart", "on-failure"], "--restart")]:
        out = mote("run", *args, "dns", check=False)
        assert out.returncode == 2 and why in out.stderr and out.stderr.count("\n") == 1, out.stderr
