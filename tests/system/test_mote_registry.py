# SPDX-License-Identifier: MIT
"""`mote push`, `pull`, `login` and `tag` against a real OCI registry: Debian's docker-registry (the
CNCF distribution server) started here on 127.0.0.1 with a generated config, plain and with TLS
and htpasswd basic auth; skopeo and oci-image-tool read what mote pushed, mote pulls and runs what
skopeo copied; a registry that fails, truncates or corrupts a blob is refused and nothing
half-written stays in MOTE_HOME."""
import json
import os
import shutil
import socket
import stat
import subprocess
import time
import warnings

import pytest

with warnings.catch_warnings():  # bcrypt for htpasswd without apache2-utils; gone in Python 3.13
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

from mote_cli import Mote
from qemu import free_port, wait_until

REGISTRY = shutil.which("docker-registry")
pytestmark = pytest.mark.skipif(not REGISTRY, reason="docker-registry is not installed (scripts/setup)")


def dig(port, name="host42.mote.test"):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=5", "+tries=3", "+short", name],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


class Registry:
    """docker-registry serve on 127.0.0.1:PORT with its storage in root; TLS and basic auth when given."""

    def __init__(self, root, tls=None, htpasswd=None):
        self.root, self.port = str(root), free_port(socket.SOCK_STREAM)
        self.host = f"127.0.0.1:{self.port}"
        lines = ["version: 0.1", "log:", "  level: warn", "storage:", "  filesystem:",
                 f"    rootdirectory: {self.root}/data", "  delete:", "    enabled: true",
                 "http:", f"  addr: {self.host}"]
        if tls:
            lines += ["  tls:", f"    certificate: {tls[0]}", f"    key: {tls[1]}"]
        if htpasswd:
            lines += ["auth:", "  htpasswd:", "    realm: mote-test", f"    path: {htpasswd}"]
        config = os.path.join(self.root, "config.yml")
        with open(config, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.log = open(os.path.join(self.root, "registry.log"), "w")
        self.proc = subprocess.Popen([REGISTRY, "serve", config], stdout=self.log, stderr=subprocess.STDOUT)

        def up():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                assert self.proc.poll() is None, f"docker-registry exited: {open(self.log.name).read()}"
                return False
        wait_until(up, f"docker-registry listening on {self.host}", timeout=60)

    def blob_file(self, digest):
        return os.path.join(self.root, "data", "docker", "registry", "v2", "blobs", "sha256",
                            digest[:2], digest, "data")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A MOTE_HOME with dns and hello built into it (once for the module)."""
    m = Mote(tmp_path_factory.mktemp("mote-home"))
    for service in ("dns", "hello"):
        m("build", "-q", f"services/{service}")
    return m


@pytest.fixture
def registry(tmp_path):
    r = Registry(tmp_path)
    yield r
    r.stop()


@pytest.fixture
def fresh(tmp_path):
    """An empty MOTE_HOME: the machine that pulls."""
    m = Mote(tmp_path / "pulling-home")
    yield m
    m.cleanup()


def leftovers(mote):
    tmp = os.path.join(mote.home, "tmp")
    return os.listdir(tmp) if os.path.isdir(tmp) else []


def test_push_then_pull_and_run_dns_answers_dig(built, registry, fresh):
    ref = f"{registry.host}/team/dns:1"
    built("tag", "dns", ref)
    t0 = time.monotonic()
    out = built("push", ref)
    push_s = time.monotonic() - t0
    assert "Pushed" in out.stdout and f"1: digest: sha256:" in out.stdout, out.stdout
    again = built("push", ref)
    assert again.stdout.count("Layer already exists") == 3, \
        f"expected the second push to send no blob again, got:\n{again.stdout}"

    t0 = time.monotonic()
    pulled = fresh("pull", ref)
    pull_s = time.monotonic() - t0
    assert "Download complete" in pulled.stdout and "Status: Downloaded" in pulled.stdout, pulled.stdout
    print(f"\ndns push {push_s:.2f} s, pull {pull_s:.2f} s (to/from the local registry)")
    images = fresh("images").stdout
    assert f"{registry.host}/team/dns" in images and "virt" in images, images
    digest = out.stdout.split("digest: ")[1].split()[0]
    assert digest[:19] in images, f"expected the pushed digest {digest} in:\n{images}"

    port = free_port()
    fresh("run", "-d", "--name", "pulled", "-p", f"127.0.0.1:{port}:53/udp", ref)
    assert dig(port) == "10.0.0.42", "expected the pulled dns image to answer dig"
    # The same image by digest, as a registry names it.
    fresh("inspect", f"{registry.host}/team/dns@{digest}")
    assert not leftovers(fresh), f"expected nothing left in {fresh.home}/tmp"


def test_skopeo_and_oci_image_tool_read_what_mote_pushed_and_mote_pulls_what_skopeo_copied(
        built, registry, fresh, tmp_path):
    ref = f"{registry.host}/team/hello:1"
    built("tag", "hello", ref)
    built("push", ref)
    tags = subprocess.run(["skopeo", "list-tags", "--tls-verify=false", f"docker://{registry.host}/team/hello"],
                          capture_output=True, text=True, timeout=120)
    assert tags.returncode == 0 and json.loads(tags.stdout)["Tags"] == ["1"], tags.stdout + tags.stderr
    info = subprocess.run(["skopeo", "inspect", "--tls-verify=false", f"docker://{ref}"],
                          capture_output=True, text=True, timeout=120)
    assert info.returncode == 0, info.stderr
    info = json.loads(info.stdout)
    assert info["Architecture"] == "arm64" and info["Labels"]["io.mote.image.board"] == "virt", info

    layout = tmp_path / "layout"
    copy = subprocess.run(["skopeo", "copy", "--src-tls-verify=false", f"docker://{ref}", f"oci:{layout}:1"],
                          capture_output=True, text=True, timeout=120)
    assert copy.returncode == 0, copy.stderr
    valid = subprocess.run(["oci-image-tool", "validate", "--type", "image", "--ref", "name=1", str(layout)],
                           capture_output=True, text=True, timeout=120)
    assert valid.returncode == 0 and "Validation succeeded" in valid.stdout, valid.stdout + valid.stderr

    # Back the other way: skopeo (which recompresses the layers) pushes, mote pulls and runs.
    copy = subprocess.run(["skopeo", "copy", "--dest-tls-verify=false", f"oci:{layout}:1",
                           f"docker://{registry.host}/copied/hello:2"], capture_output=True, text=True, timeout=120)
    assert copy.returncode == 0, copy.stderr
    fresh("pull", f"{registry.host}/copied/hello:2")
    run = fresh("run", "-d", "--name", "copied", f"{registry.host}/copied/hello:2")
    assert run.stdout.strip() == "copied", f"expected the pulled image to start and get ready, got {run.stdout!r}"

    # mote save writes a layout oci-image-tool validates too.
    tar = tmp_path / "hello.tar"
    built("save", "hello", "-o", tar)
    saved = tmp_path / "saved"
    saved.mkdir()
    subprocess.run(["tar", "-xf", str(tar), "-C", str(saved)], check=True)
    valid = subprocess.run(["oci-image-tool", "validate", "--type", "image", "--ref", "name=latest", str(saved)],
                           capture_output=True, text=True, timeout=120)
    assert valid.returncode == 0, valid.stdout + valid.stderr


def test_pull_refuses_a_corrupt_or_truncated_blob_and_leaves_nothing(built, registry, fresh):
    ref = f"{registry.host}/team/hello:bad"
    built("tag", "hello", ref)
    out = built("push", ref)
    layer = out.stdout.splitlines()[1].split(":")[0]  # the first layer: "<12 hex>: Preparing"
    blobs = os.path.join(registry.root, "data", "docker", "registry", "v2", "blobs", "sha256")
    digest = next(d for sub in os.listdir(blobs) for d in os.listdir(os.path.join(blobs, sub))
                  if d.startswith(layer))
    path = registry.blob_file(digest)
    original = open(path, "rb").read()

    with open(path, "wb") as f:  # same size, other bytes
        f.write(bytes(b ^ 0xFF for b in original))
    bad = fresh("pull", ref, check=False)
    assert bad.returncode == 1 and "does not match its digest" in bad.stderr, bad.stderr
    assert "nothing was stored" in bad.stderr and bad.stderr.count("\n") == 1, bad.stderr

    with open(path, "wb") as f:
        f.write(original[: len(original) // 2])
    bad = fresh("pull", ref, check=False)
    assert bad.returncode == 1 and ("truncated" in bad.stderr or "does not match" in bad.stderr), bad.stderr

    assert "hello" not in fresh("images").stdout, "expected no image stored after failed pulls"
    assert not leftovers(fresh), f"expected nothing left in {fresh.home}/tmp, got {leftovers(fresh)}"
    blobs_left = os.listdir(os.path.join(fresh.home, "blobs", "sha256"))
    assert not blobs_left, f"expected no blob stored, got {blobs_left}"


def test_pull_errors_say_what_went_wrong(built, registry, fresh, tmp_path):
    missing = fresh("pull", f"{registry.host}/team/nosuch:1", check=False)
    assert missing.returncode == 1 and "has no manifest team/nosuch:1" in missing.stderr, missing.stderr
    nothing = free_port(socket.SOCK_STREAM)
    down = fresh("pull", f"127.0.0.1:{nothing}/team/dns:1", check=False)
    assert down.returncode == 1 and "cannot reach" in down.stderr, down.stderr
    # A server that answers 500 to everything.
    server = subprocess.Popen(["python3", "-c", (
        "import http.server as h\n"
        "class H(h.BaseHTTPRequestHandler):\n"
        "    def do_GET(s):\n"
        "        s.send_response(500); s.send_header('Content-Type','application/json'); s.end_headers()\n"
        "        s.wfile.write(b'{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk on fire\"}]}')\n"
        "    do_HEAD = do_POST = do_PUT = do_GET\n"
        "    def log_message(s, *a): pass\n"
        f"h.HTTPServer(('127.0.0.1', {nothing}), H).serve_forever()\n")])
    try:
        wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", nothing)) == 0, "the 500 server", 30)
        err = fresh("pull", f"127.0.0.1:{nothing}/team/dns:1", check=False)
        assert err.returncode == 1 and "HTTP 500" in err.stderr and "disk on fire" in err.stderr, err.stderr
        built("tag", "hello", f"127.0.0.1:{nothing}/team/hello:1")
        err = built("push", f"127.0.0.1:{nothing}/team/hello:1", check=False)
        assert err.returncode == 1 and "HTTP 500" in err.stderr, err.stderr
    finally:
        server.kill()
        server.wait()
    assert not leftovers(fresh)


def test_pull_refuses_an_image_for_another_board(built, registry, fresh):
    ref = f"{registry.host}/team/hello:virt"
    built("tag", "hello", ref)
    built("push", ref)
    out = fresh("pull", "--board", "raspi3", ref, check=False)
    assert out.returncode == 1 and "is an image for board virt, not raspi3" in out.stderr, out.stderr
    assert not leftovers(fresh) and "hello" not in fresh("images").stdout


def make_tls(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=120)
    return str(cert), str(key)


def test_tls_and_basic_auth_login_push_pull(built, fresh, tmp_path):
    cert, key = make_tls(tmp_path)
    hashed = crypt.crypt("s3cret-pw", crypt.mksalt(crypt.METHOD_BLOWFISH))
    htpasswd = tmp_path / "htpasswd"
    htpasswd.write_text(f"alice:{hashed}\n")
    (tmp_path / "reg").mkdir()
    reg = Registry(tmp_path / "reg", tls=(cert, key), htpasswd=str(htpasswd))
    try:
        ref = f"{reg.host}/team/hello:tls"
        built("tag", "hello", ref)
        # Without the CA the certificate is refused; without a login the registry is.
        out = built("push", ref, check=False)
        assert out.returncode == 1 and "cannot reach" in out.stderr and "certificate" in out.stderr, out.stderr
        out = built("push", "--ca-file", cert, ref, check=False)
        assert out.returncode == 1 and f"mote login {reg.host}" in out.stderr, out.stderr

        bad = built("login", "-u", "alice", "--password-stdin", "--ca-file", cert, reg.host,
                    check=False, stdin=open(os.devnull))
        assert bad.returncode == 2 and "no password" in bad.stderr, bad.stderr
        wrong = subprocess.run([built_mote(), "login", "-u", "alice", "--password-stdin", "--ca-file", cert, reg.host],
                               input="wrong\n", capture_output=True, text=True, env=built.env, timeout=120)
        assert wrong.returncode == 1 and "login to" in wrong.stderr and "failed" in wrong.stderr, wrong.stderr
        good = subprocess.run([built_mote(), "login", "-u", "alice", "--password-stdin", "--ca-file", cert, reg.host],
                              input="s3cret-pw\n", capture_output=True, text=True, env=built.env, timeout=120)
        assert good.returncode == 0 and "Login Succeeded" in good.stdout, good.stderr
        assert "s3cret-pw" not in good.stdout + good.stderr
        auth = os.path.join(built.home, "auth.json")
        assert stat.S_IMODE(os.stat(auth).st_mode) == 0o600, "expected auth.json to be mode 0600"
        assert "s3cret-pw" not in open(auth).read(), "expected the password stored encoded, not in clear"

        built("push", "--ca-file", cert, ref)
        login = subprocess.run([built_mote(), "login", "-u", "alice", "--password-stdin", "--ca-file", cert,
                                reg.host], input="s3cret-pw\n", capture_output=True, text=True, env=fresh.env,
                               timeout=120)
        assert login.returncode == 0, login.stderr
        fresh("pull", "--ca-file", cert, ref)
        assert reg.host in fresh("images").stdout
        built("logout", reg.host)
        out = built("push", "--ca-file", cert, ref, check=False)
        assert out.returncode == 1 and "mote login" in out.stderr, out.stderr
    finally:
        reg.stop()


def built_mote():
    from mote_cli import MOTE
    return MOTE


def test_references_are_checked_and_normalised(built):
    for bad, why in [("Team/Dns", "must be lowercase"), ("dns:-x", "bad tag"),
                     ("dns@sha256:abc", "bad digest"), ("h_o.st:5000/dns", "bad registry host")]:
        out = built("tag", "dns", bad, check=False)
        assert out.returncode == 2 and why in out.stderr and out.stderr.count("\n") == 1, out.stderr
    built("tag", "dns", "docker.io/library/dns:norm")
    assert "dns:norm" in built("images", "-q").stdout.split(), "expected docker.io/library/dns to be shown as dns"
    built("rmi", "dns:norm")


def test_bearer_token_login_through_the_realm_the_registry_names(built, tmp_path):
    """Docker's token protocol, as registries with an auth service use it: a 401 with
    WWW-Authenticate: Bearer realm=...,service=...,scope=..., a token fetched from the realm with the
    login's basic credentials, then the request again with the token. The server is a stand-in
    for that exchange (docker-registry's own token auth needs a separate token service)."""
    port = free_port(socket.SOCK_STREAM)
    server = subprocess.Popen(["python3", "-c", (
        "import base64, json, http.server as h\n"
        f"PORT = {port}\n"
        "class H(h.BaseHTTPRequestHandler):\n"
        "    def do_GET(s):\n"
        "        auth = s.headers.get('Authorization', '')\n"
        "        if s.path.startswith('/token'):\n"
        "            ok = auth == 'Basic ' + base64.b64encode(b'bob:tok-pw').decode() and 'service=fake' in s.path\n"
        "            s.send_response(200 if ok else 401); s.end_headers()\n"
        "            if ok: s.wfile.write(json.dumps({'token': 'T0KEN'}).encode())\n"
        "        elif auth == 'Bearer T0KEN':\n"
        "            s.send_response(200); s.send_header('Content-Type', 'application/json'); s.end_headers()\n"
        "            s.wfile.write(b'{}')\n"
        "        else:\n"
        "            s.send_response(401)\n"
        "            s.send_header('WWW-Authenticate', f'Bearer realm=\"http://127.0.0.1:{PORT}/token\",service=\"fake\",scope=\"registry:catalog:*\"')\n"
        "            s.end_headers()\n"
        "    def log_message(s, *a): pass\n"
        "h.HTTPServer(('127.0.0.1', PORT), H).serve_forever()\n")])
    try:
        wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, "the token server", 30)
        from mote_cli import MOTE
        wrong = subprocess.run([MOTE, "login", "-u", "bob", "--password-stdin", f"127.0.0.1:{port}"],
                               input="nope\n", capture_output=True, text=True, env=built.env, timeout=120)
        assert wrong.returncode == 1 and "token service" in wrong.stderr, wrong.stderr
        good = subprocess.run([MOTE, "login", "-u", "bob", "--password-stdin", f"127.0.0.1:{port}"],
                              input="tok-pw\n", capture_output=True, text=True, env=built.env, timeout=120)
        assert good.returncode == 0 and "Login Succeeded" in good.stdout, good.stderr
    finally:
        server.kill()
        server.wait()
        built("logout", f"127.0.0.1:{port}", check=False)
