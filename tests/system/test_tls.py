# SPDX-License-Identifier: MIT
"""TLS 1.2 (mbedTLS over lwIP's altcp, include/mote/tls.h) from outside, on virt with
QEMU user networking: the http service serves HTTPS to curl and openssl s_client with a
certificate from a throwaway CA the test makes; the tlsclient service connects to
openssl s_server on the host and refuses, with a log line naming why, a server whose
certificate another CA signed, one for another host name, and a plain TCP server; both
keep running (and the client retries) after what they refused, and the client gives up
on a server that never answers its handshake."""
import socket
import subprocess
import threading

import pytest

from qemu import Qemu, free_port, user_net
from tlsfiles import SERVER_NAME, Pki, tls_image

HOST_FROM_GUEST = "10.0.2.2"  # QEMU user networking's address for this machine


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(str(tmp_path_factory.mktemp("pki")))


@pytest.fixture(scope="module")
def images(pki, tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("tls-build"))
    return {
        "https": tls_image("http", folder, cert=pki.path("server.pem"),
                           key=pki.path("server.key")),
        "client": tls_image("tlsclient", folder, ca=pki.path("ca.pem")),
    }


@pytest.fixture
def started():
    """Processes (QEMU, openssl s_server) a test starts: all stopped afterwards."""
    procs = []
    yield procs
    for p in procs:
        if isinstance(p, Qemu):
            p.stop()
        elif p.poll() is None:
            p.kill()
            p.wait()


@pytest.fixture
def https(images, started):
    port = free_port(socket.SOCK_STREAM)
    q = Qemu(images["https"], extra=user_net(f"tcp:127.0.0.1:{port}-:443")).start()
    started.append(q)
    q.wait_for(r"http: serving HTTPS on TCP port 443")
    q.wait_for(r"mote: ready")
    return q, port


def curl_https(port, *args):
    out = subprocess.run(["curl", "-sS", "--max-time", "60", "--resolve",
                          f"{SERVER_NAME}:{port}:127.0.0.1", *args,
                          f"https://{SERVER_NAME}:{port}/"],
                         capture_output=True, text=True, timeout=90)
    return out.returncode, out.stdout + out.stderr


def test_https_serves_the_home_page_to_curl_that_trusts_the_ca(https, pki):
    q, port = https
    rc, out = curl_https(port, "--cacert", pki.path("ca.pem"), "-i")
    assert rc == 0 and out.startswith("HTTP/1.1 200 OK"), f"expected 200 OK over HTTPS:\n{out}"
    assert "<h1>Hello from Mote</h1>" in out, out


def test_curl_without_the_ca_does_not_trust_the_image(https):
    q, port = https
    rc, out = curl_https(port)
    assert rc == 60, f"expected curl to refuse a certificate from an unknown CA (60):\n{out}"


def test_openssl_s_client_shows_tls12_and_an_aead_cipher(https, pki):
    q, port = https
    out = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername",
                          SERVER_NAME, "-CAfile", pki.path("ca.pem"), "-verify_return_error"],
                         input="", capture_output=True, text=True, timeout=90).stdout
    assert "Protocol  : TLSv1.2" in out, f"expected TLS 1.2:\n{out}"
    cipher = [l.split(":", 1)[1].strip() for l in out.splitlines() if "Cipher    :" in l]
    assert cipher and cipher[0].startswith("ECDHE-") and \
        ("GCM" in cipher[0] or "CHACHA20" in cipher[0]), f"expected ECDHE with an AEAD:\n{out}"
    assert "Verify return code: 0 (ok)" in out, out


def test_https_logs_and_survives_a_client_that_does_not_speak_tls(https, pki):
    q, port = https
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
    q.wait_for(r"tls: 10\.0\.2\.2:\d+: handshake failed: the peer does not speak TLS")
    rc, out = curl_https(port, "--cacert", pki.path("ca.pem"))
    assert rc == 0 and "Hello from Mote" in out, f"expected HTTPS to go on serving:\n{out}"


def s_server(pki, cert, port, started):
    p = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert",
                          pki.path(f"{cert}.pem"), "-key", pki.path(f"{cert}.key"), "-www"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    started.append(p)
    return p


def client(images, started, port, name=SERVER_NAME):
    q = Qemu(images["client"], append=f"connect={HOST_FROM_GUEST}:{port} name={name} retry=2",
             extra=user_net()).start()
    started.append(q)
    return q


def test_client_talks_to_a_server_the_ca_signed(pki, images, started):
    port = free_port(socket.SOCK_STREAM)
    s_server(pki, "server", port, started)
    q = client(images, started, port)
    q.wait_for(r"tlsclient: connected to mote\.test: TLSv1\.2, TLS-ECDHE-")
    q.wait_for(r"tlsclient: answer: HTTP/1\.0 200 ok")


def refused_twice(q, reason):
    """The refusal is logged with its reason, and the client is still alive to try again."""
    first = q.wait_for(r"tls: " + HOST_FROM_GUEST.replace(".", r"\.") +
                       r":\d+: handshake failed: " + reason)
    q.wait_for(r"tlsclient: no TLS connection: connection refused")
    q.wait_for(r"handshake failed: " + reason, start=first.end())


def test_client_refuses_a_server_another_ca_signed(pki, images, started):
    port = free_port(socket.SOCK_STREAM)
    s_server(pki, "foreign", port, started)
    q = client(images, started, port)
    refused_twice(q, r"certificate refused: The certificate is not correctly signed by the "
                     r"trusted CA")
    assert "tlsclient: answer" not in q.output, q.tail()


def test_client_refuses_a_certificate_for_another_host_name(pki, images, started):
    port = free_port(socket.SOCK_STREAM)
    s_server(pki, "server", port, started)
    q = client(images, started, port, name="other.test")
    refused_twice(q, r"certificate refused: The certificate Common Name \(CN\) does not match")
    assert "tlsclient: answer" not in q.output, q.tail()


def test_client_refuses_a_plain_tcp_server(images, started):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve():  # an HTTP server where TLS is expected
        listener.settimeout(0.5)
        while not stop.is_set():
            try:
                c, _ = listener.accept()
            except socket.timeout:
                continue
            with c:
                c.settimeout(30)
                try:
                    c.recv(4096)
                    c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        q = client(images, started, port)
        refused_twice(q, r'the peer does not speak TLS \(it sent "HTTP/"\)')
    finally:
        stop.set()
        t.join()
        listener.close()


def test_client_gives_up_on_a_server_that_never_answers(images, started):
    listener = socket.create_server(("127.0.0.1", 0))  # accepts (the kernel does), never speaks
    port = listener.getsockname()[1]
    try:
        q = client(images, started, port)
        q.wait_for(r"tls: " + HOST_FROM_GUEST.replace(".", r"\.") +
                   r":\d+: no finished handshake after 30 s: connection ended", timeout=120)
        q.wait_for(r"tlsclient: no TLS connection: (connection )?timed out")
    finally:
        listener.close()


@pytest.mark.parametrize("cert,key,reason", [
    ("server.pem", "foreign.key", r"tls: the key is not the certificate's key: "),
    ("ca.key", "server.key", r"tls: the certificate is not a certificate \(PEM or DER\): X509 - "),
])
def test_https_is_off_with_bad_files_named_why_and_http_goes_on(pki, tmp_path, started, cert,
                                                                 key, reason):
    elf = tls_image("http", str(tmp_path), cert=pki.path(cert), key=pki.path(key))
    port = free_port(socket.SOCK_STREAM)
    q = Qemu(elf, extra=user_net(f"tcp:127.0.0.1:{port}-:80")).start()
    started.append(q)
    q.wait_for(reason)
    q.wait_for(r"http: HTTPS is off: the certificate and key were refused")
    q.wait_for(r"mote: ready")
    out = subprocess.run(["curl", "-sS", "--max-time", "60", f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True, timeout=90)
    assert "Hello from Mote" in out.stdout, f"expected HTTP to go on:\n{out.stdout}{out.stderr}"
