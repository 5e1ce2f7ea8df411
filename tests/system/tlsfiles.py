# SPDX-License-Identifier: MIT
"""Certificates for the TLS tests, made with openssl into a temporary folder (a
throwaway CA, a second CA, server certificates, one that expired in 2020), and images
built with them: make TLS_CA= TLS_CERT= TLS_KEY= in a copy of the build folder, so the
shared images (and other tests) never carry test certificates."""
import os
import shutil
import subprocess

from qemu import BUILD, REPO

SERVER_NAME = "mote.test"
# Where a server may be, as the guest sees it: QEMU user networking's host, the
# namespace's tap address, and 127.0.0.1 for curl through a port forward.
SERVER_ADDRS = ("127.0.0.1", "10.0.2.2", "192.168.77.1")


def openssl(*argv, cwd):
    subprocess.run(["openssl", *argv], cwd=cwd, check=True, capture_output=True, timeout=60)


class Pki:
    def __init__(self, folder):
        self.dir = folder
        self.ca = self._ca("ca", "Mote Test CA")
        self.other_ca = self._ca("other-ca", "Some Other CA")
        self.server = self._server("server", self.ca)
        self.foreign = self._server("foreign", self.other_ca)
        self.expired = self._server("expired", self.ca, dates=("20200101000000Z", "20200201000000Z"))

    def path(self, name):
        return os.path.join(self.dir, name)

    def _key(self, name):
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{name}.key",
                cwd=self.dir)

    def _ca(self, name, cn):
        self._key(name)
        openssl("req", "-x509", "-new", "-key", f"{name}.key", "-subj", f"/CN={cn}", "-days", "3",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", f"{name}.pem",
                cwd=self.dir)
        return name

    def _server(self, name, ca, dates=None):
        """A server certificate for SERVER_NAME and SERVER_ADDRS signed by ca; with dates
        (start, end as openssl ca wants them) through `openssl ca`, which can backdate."""
        self._key(name)
        openssl("req", "-new", "-key", f"{name}.key", "-subj", f"/CN={SERVER_NAME}",
                "-out", f"{name}.csr", cwd=self.dir)
        sans = ",".join([f"DNS:{SERVER_NAME}", *(f"IP:{a}" for a in SERVER_ADDRS)])
        with open(self.path(f"{name}.ext"), "w") as f:
            f.write(f"subjectAltName={sans}\nextendedKeyUsage=serverAuth\n"
                    "basicConstraints=CA:FALSE\n")
        if dates is None:
            openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey",
                    f"{ca}.key", "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext",
                    "-out", f"{name}.pem", cwd=self.dir)
            return name
        db = self.path(f"{name}.db")
        os.makedirs(db, exist_ok=True)
        open(os.path.join(db, "index.txt"), "w").close()
        with open(os.path.join(db, "serial"), "w") as f:
            f.write("1000\n")
        with open(self.path(f"{name}.cnf"), "w") as f:
            f.write(f"[ca]\ndefault_ca = d\n[d]\ndatabase = {db}/index.txt\n"
                    f"new_certs_dir = {db}\nserial = {db}/serial\ndefault_md = sha256\n"
                    "policy = p\n[p]\ncommonName = supplied\n")
        openssl("ca", "-batch", "-config", f"{name}.cnf", "-cert", f"{ca}.pem", "-keyfile",
                f"{ca}.key", "-in", f"{name}.csr", "-out", f"{name}.pem", "-notext",
                "-startdate", dates[0], "-enddate", dates[1], "-extfile", f"{name}.ext",
                cwd=self.dir)
        return name


def tls_image(service, folder, ca=None, cert=None, key=None):
    """service's ELF built with these files (paths or None) embedded, in a copy of the
    build folder under folder (made once; only the image is relinked)."""
    build = os.path.join(folder, "build")
    if not os.path.exists(build):
        shutil.copytree(BUILD, build, symlinks=True)  # copy2 keeps times: nothing recompiles
    out = subprocess.run(["make", "-s", "-j2", f"B={build}", "BOARD=virt", f"TLS_CA={ca or ''}",
                          f"TLS_CERT={cert or ''}", f"TLS_KEY={key or ''}",
                          os.path.join(build, f"{service}.elf")],
                         cwd=REPO, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, f"expected the {service} image to build:\n{out.stdout}{out.stderr}"
    return os.path.join(build, f"{service}.elf")
