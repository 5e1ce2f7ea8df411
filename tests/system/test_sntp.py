# SPDX-License-Identifier: MIT
"""SNTP (ntp=ADDR, net/sntp.c) against Debian's chronyd serving its own clock (local
stratum 1) in a network namespace, the guest on its tap device. QEMU's RTC is set to
2001 (-rtc base=), which Mote treats as unset, so the wall clock can only come from
SNTP: the http service's Date header then matches this machine's clock within
DATE_TOLERANCE_S. TLS certificate checks use that clock: refused while there is no
time, accepted once SNTP answered, and an expired certificate is refused. The Raspberry
Pi 3, which has no RTC, says it has no wall time when booted without ntp=."""
import email.utils
import os
import subprocess
import time

import pytest

from netns import GUEST_ADDR, HOST_ADDR, PREFIX
from qemu import Qemu, image
from raspi3 import raspi3  # noqa: F401 (a fixture)
from tlsfiles import SERVER_NAME, Pki, tls_image

# The Date header has whole seconds, and QEMU under load may take a moment to answer.
DATE_TOLERANCE_S = 3
UNSET_RTC = "2001-01-01"  # before 2025: Mote's wall clock ignores it (kernel/time.h)
TLS_PORT = 8443


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(str(tmp_path_factory.mktemp("pki")))


@pytest.fixture(scope="module")
def client_image(pki, tmp_path_factory):
    return tls_image("tlsclient", str(tmp_path_factory.mktemp("tls-build")),
                     ca=pki.path("ca.pem"))


@pytest.fixture
def procs():
    started = []
    yield started
    for p in started:
        if isinstance(p, Qemu):
            p.stop()
        elif p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def start_chronyd(netns, folder, procs):
    """chronyd as an NTP server on the namespace's address, serving this machine's clock
    without ever adjusting it (-x)."""
    conf = os.path.join(folder, "chrony.conf")
    with open(conf, "w") as f:
        f.write(f"local stratum 1\nallow {HOST_ADDR}/{PREFIX}\nbindaddress {HOST_ADDR}\n"
                f"cmdport 0\npidfile {folder}/chronyd.pid\n")
    p = subprocess.Popen([*netns.wrapper(), "chronyd", "-f", conf, "-d", "-x"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    procs.append(p)
    return p


def start_guest(kernel, netns, procs, append):
    q = Qemu(kernel, append=f"ip={GUEST_ADDR}/{PREFIX} ntp={HOST_ADDR} {append}",
             wrapper=netns.wrapper(), extra=(*netns.qemu_net(), "-rtc", f"base={UNSET_RTC}"))
    procs.append(q.start())
    return q


def test_the_wall_clock_follows_chronyd(netns, procs, tmp_path):
    start_chronyd(netns, str(tmp_path), procs)
    q = start_guest(image("http"), netns, procs, "")
    q.wait_for(r"sntp: wall clock set from " + HOST_ADDR.replace(".", r"\.") +
               r": \d{4}-\d\d-\d\dT[\d:]+Z \(there was no wall time\)")
    out = netns.exec("curl", "-sS", "-I", "--max-time", "30", f"http://{GUEST_ADDR}/",
                     check=False, timeout=60)
    now = time.time()
    dates = [l.split(":", 1)[1].strip() for l in out.stdout.splitlines()
             if l.lower().startswith("date:")]
    assert dates, f"expected a Date header once SNTP set the clock:\n{out.stdout}{out.stderr}"
    guest = email.utils.parsedate_to_datetime(dates[0]).timestamp()
    assert abs(guest - now) <= DATE_TOLERANCE_S, \
        f"expected the image's clock within {DATE_TOLERANCE_S} s of this machine's: " \
        f"Date {dates[0]} is {guest - now:+.1f} s off"


def s_server(netns, pki, cert, procs):
    p = subprocess.Popen([*netns.wrapper(), "openssl", "s_server", "-accept",
                          f"{HOST_ADDR}:{TLS_PORT}", "-cert", pki.path(f"{cert}.pem"), "-key",
                          pki.path(f"{cert}.key"), "-www"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    procs.append(p)
    return p


def tls_client(client_image, netns, procs):
    return start_guest(client_image, netns, procs,
                       f"connect={HOST_ADDR}:{TLS_PORT} name={SERVER_NAME} retry=2")


def test_certificates_are_refused_without_time_and_accepted_after_sntp(
        netns, procs, pki, client_image, tmp_path):
    s_server(netns, pki, "server", procs)
    q = tls_client(client_image, netns, procs)  # chronyd is not there yet: no time
    q.wait_for(r"tls: certificate refused \(CN=mote\.test, chain depth 0\): no wall-clock time "
               r"yet to check its dates")
    q.wait_for(r"handshake failed: certificate refused: no wall-clock time yet")
    assert "tlsclient: answer" not in q.output, q.tail()
    start_chronyd(netns, str(tmp_path), procs)
    q.wait_for(r"sntp: wall clock set from", timeout=120)  # SNTP retries with backoff
    q.wait_for(r"tlsclient: answer: HTTP/1\.0 200 ok")


def test_an_expired_certificate_is_refused_once_the_time_is_known(
        netns, procs, pki, client_image, tmp_path):
    start_chronyd(netns, str(tmp_path), procs)
    s_server(netns, pki, "expired", procs)
    q = tls_client(client_image, netns, procs)
    set_at = q.wait_for(r"sntp: wall clock set from").end()
    refused = q.wait_for(r"handshake failed: certificate refused: The certificate validity has "
                         r"expired", start=set_at)
    q.wait_for(r"handshake failed: certificate refused: The certificate validity has expired",
               start=refused.end())  # and it keeps trying
    assert "tlsclient: answer" not in q.output, q.tail()


def test_the_pi_says_it_has_no_wall_time_without_ntp(raspi3):
    q = raspi3("http")  # no network device here: the clock's message comes first anyway
    q.wait_for(r"warn: time: no wall-clock time: the board has no RTC \(boot with ntp=ADDR "
               r"to set it\)")


def test_an_unset_rtc_is_named_without_ntp(netns, procs):
    q = Qemu(image("http"), append=f"ip={GUEST_ADDR}/{PREFIX}", wrapper=netns.wrapper(),
             extra=(*netns.qemu_net(), "-rtc", f"base={UNSET_RTC}"))
    procs.append(q.start())
    q.wait_for(r"warn: time: no wall-clock time: the RTC reads \d+ s after 1970, before 2025, "
               r"so it is unset")
    out = netns.exec("curl", "-sS", "-I", "--max-time", "30", f"http://{GUEST_ADDR}/",
                     check=False, timeout=60)
    assert "HTTP/1.1 200 OK" in out.stdout and "date:" not in out.stdout.lower(), \
        f"expected an answer without a Date header while there is no wall time:\n{out.stdout}"
