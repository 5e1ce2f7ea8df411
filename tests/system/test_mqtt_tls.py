# SPDX-License-Identifier: MIT
"""MQTT over TLS (net/mqtt.c with include/mote/tls.h) against mosquitto with a throwaway
CA made by openssl (tlsfiles.Pki): the gateway, built with that CA, publishes over TLS;
a broker whose certificate another CA signed, one for another name, an expired one, and a
plain MQTT listener where TLS is expected are each refused with a log line naming why, and
retried. The gateway's reading is also served over HTTPS to curl --cacert."""
import json
import re
import socket
import subprocess

import pytest

from fsdisk import disk_args, mcopy_in, mkfs, mmd
from mqttbroker import GUEST_HOST, Broker
from qemu import Qemu, free_port, image, user_net, wait_until
from tlsfiles import SERVER_NAME, Pki, tls_image

HOST = "gw1"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(str(tmp_path_factory.mktemp("pki")))


@pytest.fixture(scope="module")
def gateway_image(pki, tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("mqtt-tls-build"))
    return tls_image("gateway", folder, ca=pki.path("ca.pem"), cert=pki.path("server.pem"),
                     key=pki.path("server.key"))


@pytest.fixture
def started():
    """Brokers and QEMUs a test starts: all stopped afterwards."""
    things = []
    yield things
    for t in things:
        t.close() if isinstance(t, Broker) else t.stop()


def broker_with(started, pki, server):
    b = Broker(tls=(pki.path("ca.pem"), pki.path(f"{server}.pem"), pki.path(f"{server}.key")))
    started.append(b)
    return b.start()


def gateway(started, image, port, args="", forwards=()):
    q = Qemu(image, append=f"mqtts={GUEST_HOST}:{port} hostname={HOST} period_ms=300 {args}",
             extra=user_net(*forwards))
    started.append(q)
    return q.start()


def test_mqtt_tls_readings_arrive_and_https_serves_them(started, pki, gateway_image):
    b = broker_with(started, pki, "server")
    sub = b.subscribe(f"sensors/{HOST}/reading")
    https = free_port(socket.SOCK_STREAM)
    q = gateway(started, gateway_image, b.tls_port, f"mqtt_name={SERVER_NAME}",
                forwards=(f"tcp:127.0.0.1:{https}-:443",))
    q.wait_for(rf"mqtt: broker 10\.0\.2\.2:{b.tls_port} over TLS")
    q.wait_for(rf"mqtt: connected to 10\.0\.2\.2:{b.tls_port} as {HOST}-")
    wait_until(lambda: len(sub.lines()) >= 3, lambda: f"3 readings over TLS; got {sub.lines()}")
    assert re.search(r"New client connected .* as gw1-[0-9a-f]{8}", b.log_text()), \
        f"expected mosquitto to log the gateway's connection:\n{b.log_text()[-2000:]}"

    def reading():
        r = subprocess.run(["curl", "-sS", "--max-time", "30", "--cacert", pki.path("ca.pem"),
                            "--resolve", f"{SERVER_NAME}:{https}:127.0.0.1",
                            f"https://{SERVER_NAME}:{https}/"], capture_output=True, text=True,
                           timeout=60)
        return json.loads(r.stdout) if r.returncode == 0 else None
    doc = wait_until(reading, "the reading over HTTPS", timeout=120)
    assert doc["hostname"] == HOST and doc["mqtt"]["connected"], doc


@pytest.mark.parametrize("server,name,why", [
    ("foreign", SERVER_NAME, r"certificate refused: .*not .*trusted"),
    ("server", "wrong.test", r"certificate refused: .*(CN|Common Name)"),
    ("expired", SERVER_NAME, r"certificate refused: .*expired"),
])
def test_mqtt_tls_refuses_a_bad_certificate_and_retries(started, pki, gateway_image, server, name,
                                                        why):
    b = broker_with(started, pki, server)
    q = gateway(started, gateway_image, b.tls_port, f"mqtt_name={name}")
    for _ in range(2):  # refused, and refused again after the retry
        q.wait_for(rf"mqtt: 10\.0\.2\.2:{b.tls_port}: TLS handshake failed: {why}",
                   start=q.output.rfind("mqtt: retrying") + 1 if _ else 0, timeout=120)
        q.wait_for(rf"mqtt: retrying 10\.0\.2\.2:{b.tls_port} in \d+ ms")
    assert "mqtt: connected" not in q.output, f"expected no connection:\n{q.tail()}"


def test_mqtt_tls_refuses_a_plain_listener(started, pki, gateway_image):
    b = broker_with(started, pki, "server")
    q = gateway(started, gateway_image, b.port, f"mqtt_name={SERVER_NAME}")
    q.wait_for(rf"mqtt: 10\.0\.2\.2:{b.port}: TLS handshake failed: the peer", timeout=120)
    q.wait_for(rf"mqtt: retrying 10\.0\.2\.2:{b.port}")
    assert "mqtt: connected" not in q.output, f"expected no connection:\n{q.tail()}"


def test_mqtt_tls_with_the_ca_and_configuration_from_the_volume(started, pki, tmp_path):
    """The shared image, built with no certificate: the CA and mqtts= come from the disk."""
    b = broker_with(started, pki, "server")
    img = mkfs(tmp_path / "disk.img")
    mmd(img, "gateway")
    with open(pki.path("ca.pem"), "rb") as f:
        mcopy_in(img, f.read(), "gateway/ca.pem", tmp_path)
    mcopy_in(img, f"mqtts={GUEST_HOST}:{b.tls_port} mqtt_name={SERVER_NAME} http=0\n".encode(),
             "gateway/gateway.cfg", tmp_path)
    sub = b.subscribe(f"sensors/{HOST}/reading")
    q = Qemu(image("gateway"), append=f"fs=virtio0 hostname={HOST}",
             extra=(*user_net(), *disk_args("virt", img)))
    started.append(q)
    q.start()
    q.wait_for(r"gateway: /gateway/ca\.pem from the volume")
    q.wait_for(rf"mqtt: connected to 10\.0\.2\.2:{b.tls_port} as {HOST}-")
    wait_until(lambda: len(sub.lines()) >= 1, lambda: f"a reading over TLS; got {sub.lines()}")
