# SPDX-License-Identifier: MIT
"""avahi-daemon (Debian's) as the test's mDNS resolver, inside a test's network namespace
on its tap device, and avahi-resolve/avahi-browse as the tools a user runs. They speak to
each other over D-Bus: the test starts its own bus (a dbus-daemon with its own socket,
named to both through DBUS_SYSTEM_BUS_ADDRESS), so nothing of the machine's is touched.
close() stops both, even when a test fails."""
import os
import shutil
import signal
import subprocess
import tempfile

from netns import TAP
from qemu import wait_until

BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={path}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

AVAHI_CONF = f"""[server]
host-name=mote-test-host
use-ipv4=yes
use-ipv6=no
allow-interfaces={TAP}
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
"""


class Avahi:
    def __init__(self, netns):
        self.netns = netns
        self.dir = tempfile.mkdtemp(prefix="mote-avahi-")
        self.bus = os.path.join(self.dir, "bus")
        self.env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={self.bus}"}
        with open(os.path.join(self.dir, "bus.conf"), "w") as f:
            f.write(BUS_CONF.format(path=self.bus))
        with open(os.path.join(self.dir, "avahi.conf"), "w") as f:
            f.write(AVAHI_CONF)
        self.procs = []

    def _spawn(self, argv):
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=self.env, start_new_session=True)
        self.procs.append(p)
        return p

    def start(self):
        # Multicast leaves the namespace's only interface, the tap, as the host's would.
        self.netns.exec("ip", "route", "add", "224.0.0.0/4", "dev", TAP)
        self._spawn(["dbus-daemon", "--nofork", "--nopidfile",
                     f"--config-file={os.path.join(self.dir, 'bus.conf')}"])
        wait_until(lambda: os.path.exists(self.bus), "the test's D-Bus socket")
        self.daemon = self._spawn([*self.netns.wrapper(), "avahi-daemon", "--no-drop-root",
                                   "--no-chroot", "--no-rlimits", "-f",
                                   os.path.join(self.dir, "avahi.conf")])

        def running():
            assert self.daemon.poll() is None, f"avahi-daemon exited: {self.daemon.stdout.read()}"
            r = subprocess.run(["avahi-browse", "-a", "-t", "-p"], env=self.env,
                               capture_output=True, text=True, timeout=30)
            return r.returncode == 0
        wait_until(running, "avahi-daemon answering on the test's D-Bus")
        return self

    def resolve(self, name):
        """avahi-resolve -4 -n name: the address, or None."""
        r = subprocess.run(["avahi-resolve", "-4", "-n", name], env=self.env,
                           capture_output=True, text=True, timeout=60)
        fields = r.stdout.split()
        return fields[1] if r.returncode == 0 and len(fields) == 2 else None

    def browse(self, service_type):
        """avahi-browse -r -t -p service_type: the resolved entries, as dicts."""
        r = subprocess.run(["avahi-browse", "-r", "-t", "-p", service_type], env=self.env,
                           capture_output=True, text=True, timeout=60)
        found = []
        for line in r.stdout.splitlines():
            f = line.split(";")
            if f[0] == "=" and len(f) >= 9:
                found.append({"interface": f[1], "name": f[3], "type": f[4], "host": f[6],
                              "address": f[7], "port": int(f[8])})
        return found

    def close(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
