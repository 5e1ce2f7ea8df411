# SPDX-License-Identifier: MIT
"""The `mote` command, used as a user would: build images, run instances in QEMU, reach them
through their ports, read their logs, stop, kill, restart and remove them, inspect, save and
load. State lives in a temporary MOTE_HOME; every instance is removed after each test."""
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import tarfile
import threading

import pytest

from boards import board  # noqa: F401 (fixture)
from mote_cli import MOTE, REPO, TIMEOUT_S, Mote, alive, is_monitor
from qemu import board_info, free_port, wait_until


def dig(port, name="host42.mote.test"):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=5", "+tries=3", "+short", name],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A MOTE_HOME with dns, hello and crashtest built into it (once for the module)."""
    m = Mote(tmp_path_factory.mktemp("mote-home"))
    for service in ("dns", "hello", "crashtest"):
        out = m("build", "-q", f"services/{service}")
        assert out.stdout.strip() == f"{service}:latest", f"expected the image's name, got {out.stdout!r}"
    return m


@pytest.fixture
def mote(store):
    yield store
    store.cleanup()
    leftovers = [p for p in store.monitors() if is_monitor(p)]
    assert not leftovers, f"monitors still running after cleanup: {leftovers}"


def test_dns_image_runs_detached_answers_dig_logs_stops_with_0_and_rm_leaves_nothing(mote):
    port = free_port()
    out = mote("run", "-d", "--name", "dns1", "-p", f"127.0.0.1:{port}:53/udp", "dns")
    assert out.stdout.strip() == "dns1", f"expected run -d to print the name, got {out.stdout!r}"

    assert dig(port) == "10.0.0.42", "expected dig through the forwarded port to get host42's address"

    ps = mote("ps").stdout
    row = next((l for l in ps.splitlines() if l.startswith("dns1 ")), None)
    assert row, f"expected dns1 in ps:\n{ps}"
    assert "dns:latest" in row and re.search(r"\bUp\b", row), f"expected dns:latest Up in: {row}"
    assert f"127.0.0.1:{port}->53/udp" in row, f"expected the port forward in: {row}"
    info = mote.inspect("dns1")
    qemu_pid = info["state"]["pid"]
    assert re.search(rf"\s{qemu_pid}$", row) and alive(qemu_pid), f"expected QEMU's live PID in: {row}"

    logs = mote("logs", "dns1").stdout
    for line in (r"Mote \S+ on QEMU virt", r"dns: serving 10000 records", r"mote: ready"):
        assert re.search(line, logs), f"expected /{line}/ in the boot lines:\n{logs}"

    assert mote("stop", "dns1").stdout.strip() == "dns1"
    ps = mote("ps", "-a").stdout
    assert re.search(r"^dns1\s.*Exited \(0\)", ps, re.M), f"expected dns1 Exited (0) in ps -a:\n{ps}"
    assert "dns1" not in mote("ps").stdout, "expected a stopped instance only in ps -a"
    assert "power button: shutting down" in mote("logs", "--tail", "5", "dns1").stdout
    assert not alive(qemu_pid), "expected QEMU gone after stop"

    monitor = info["state"]["monitor_pid"]
    mote("rm", "dns1")
    assert mote("ps", "-a", "-q").stdout == "", "expected no instance after rm"
    assert os.listdir(os.path.join(mote.home, "instances")) == [], "expected rm to leave no files"
    assert not is_monitor(monitor), "expected the monitor gone after rm"
    # the port is free again
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", port))


def test_five_instances_answer_logs_all_shows_each_and_an_outside_kill_shows_exited(mote):
    names = [f"fleet{i}" for i in range(5)]
    ports = [free_port() for _ in names]
    # started all at once: concurrent runs must not corrupt each other's state
    procs = [subprocess.Popen([MOTE, "run", "-d", "--name", n, "-p", f"127.0.0.1:{p}:53/udp",
                               "dns", "--", "records=100"], cwd=REPO, env=mote.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n, p in zip(names, ports)]
    for n, proc in zip(names, procs):
        out, err = proc.communicate(timeout=TIMEOUT_S * 3)
        assert proc.returncode == 0 and out.strip() == n, f"run of {n} failed: {out}{err}"
    for n, p in zip(names, ports):
        assert dig(p, "host7.mote.test") == "10.0.0.7", f"expected {n} on port {p} to answer"

    all_logs = mote("logs", "--all").stdout
    for n in names:
        assert re.search(rf"^{n}\s*\| .*mote: ready", all_logs, re.M), f"expected {n}'s lines in logs --all:\n{all_logs}"

    victim = names[2]
    pid = mote.inspect(victim)["state"]["pid"]
    os.kill(pid, signal.SIGKILL)
    info = mote.wait_until(victim, lambda i: i["state"]["status"] == "exited", "exited")
    assert info["state"]["exit_code"] == 128 + signal.SIGKILL
    ps = mote("ps", "-a").stdout
    assert re.search(rf"^{victim}\s.*Exited \(137\)", ps, re.M), f"expected {victim} Exited (137):\n{ps}"
    running = mote("ps", "-q").stdout.split()
    assert sorted(running) == sorted(set(names) - {victim}), f"expected the other four running, got {running}"


def test_restart_on_failure_brings_a_killed_instance_back(mote):
    port = free_port()
    mote("run", "-d", "--name", "phoenix", "--restart", "on-failure", "-p", f"127.0.0.1:{port}:53/udp",
         "dns", "--", "records=100")
    first = mote.inspect("phoenix")["state"]["pid"]
    os.kill(first, signal.SIGKILL)
    info = mote.wait_until("phoenix", lambda i: i["state"]["restarts"] == 1 and i["state"]["ready"],
                           "restarted and ready")
    assert info["state"]["pid"] != first and alive(info["state"]["pid"]), "expected a new QEMU"
    assert dig(port, "host9.mote.test") == "10.0.0.9", "expected the restarted instance to answer"
    # a stop is not a failure: no restart after it
    mote("stop", "phoenix")
    info = mote.inspect("phoenix")
    assert info["state"]["status"] == "exited" and info["state"]["exit_code"] == 0
    assert info["state"]["restarts"] == 1, f"expected no restart after stop: {info['state']}"


def test_restart_gives_up_after_max_and_run_says_why(mote):
    out = mote("run", "-d", "--name", "crashy", "--restart", "on-failure:2", "crashtest", "--", "crash=panic",
               check=False)
    assert out.returncode == 1, f"expected run to fail for an image that never gets ready, got {out.returncode}"
    assert "crashy: exited with status 70 before it was ready" in out.stderr, out.stderr
    assert "crash_panic" in out.stderr, f"expected the console's last lines:\n{out.stderr}"
    info = mote.inspect("crashy")
    assert info["state"]["restarts"] == 2 and info["state"]["exit_code"] == 70, info["state"]
    boots = mote("logs", "crashy").stdout.count("crashtest: crashing with panic")
    assert boots == 3, f"expected the first run and 2 restarts in the console, got {boots}"


def test_attached_run_shows_the_console_and_returns_the_exit_status(mote):
    out = mote("run", "--name", "crash2", "crashtest", "--", "crash=undef", check=False)
    assert out.returncode == 70, f"expected the instance's exit status 70, got {out.returncode}"
    assert "*** MOTE CRASH: undefined instruction" in out.stdout, f"expected the crash report:\n{out.stdout}"


def test_attached_run_powers_off_on_ctrl_c(mote):
    proc = subprocess.Popen([MOTE, "run", "--name", "attached", "hello", "--", "ticks=1000"],
                            cwd=REPO, env=mote.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    ready = threading.Event()

    def read():
        for line in proc.stdout:
            seen.append(line)
            if "mote: ready" in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(TIMEOUT_S), f"expected the console to show mote: ready, got {seen}"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(TIMEOUT_S) == 0, f"expected exit status 0 after Ctrl-C: {proc.stderr.read()}"
        reader.join(TIMEOUT_S)
        assert any("power button: shutting down" in l for l in seen), f"expected a graceful power-off: {seen}"
    finally:
        proc.kill()


def documented_fields(heading):
    """The `field` | type rows of the table under heading in docs/mote.md."""
    with open(os.path.join(REPO, "docs", "mote.md")) as f:
        text = f.read()
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| ([a-z\\|]+) \|", section, re.M)
    assert rows, f"expected a field table under {heading!r} in docs/mote.md"
    return {field: types.replace("\\|", "|") for field, types in rows}


TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict, "null": type(None)}


def leaves(value, path=""):
    """Every field path of a JSON value: a.b for objects, a[].b for array items."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        yield path, value
        for item in value:
            yield from leaves(item, path + "[]")
    else:
        yield path, value


def check_against_docs(obj, heading):
    fields = documented_fields(heading)
    seen = set()
    for path, value in leaves(obj):
        assert path in fields, f"inspect printed {path!r}, which docs/mote.md ({heading}) does not document"
        types = fields[path].split("|")
        ok = any(isinstance(value, TYPES.get(t, str)) and not (t == "integer" and isinstance(value, bool))
                 for t in types)
        if "time" in types and isinstance(value, str):
            ok = re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", value) is not None
        assert ok, f"{path} = {value!r} is not of the documented type {fields[path]}"
        seen.add(path)
    missing = {f for f in fields if f not in seen and "[]" not in f}
    assert not missing, f"docs/mote.md documents fields inspect did not print: {missing}"


def test_inspect_json_has_the_documented_fields(mote):
    port = free_port()
    mote("run", "-d", "--name", "insp", "--syslog", "-p", f"127.0.0.1:{port}:53/udp", "dns", "--", "records=10")
    [instance] = json.loads(mote("inspect", "insp").stdout)
    check_against_docs(instance, "### Instance fields")
    assert instance["name"] == "insp" and instance["state"]["status"] == "running"
    assert instance["ports"] == [{"host_ip": "127.0.0.1", "host_port": port, "guest_port": 53, "protocol": "udp"}]
    assert "hostname=insp" in instance["cmdline"].split() and "records=10" in instance["cmdline"].split()
    assert instance["qemu_command"][0].endswith("qemu-system-aarch64"), instance["qemu_command"]

    [img] = json.loads(mote("inspect", "dns").stdout)
    check_against_docs(img, "### Image fields")
    with open(os.path.join(REPO, "build", "virt", "dns.img"), "rb") as f:
        import hashlib
        assert img["sha256"] == hashlib.sha256(f.read()).hexdigest(), "expected the sha256 of build/virt/dns.img"
    assert img["args"] == "records=10000" and img["board"] == "virt"
    listed = json.loads(mote("ps", "--json").stdout)
    assert [i["name"] for i in listed] == ["insp"], f"expected ps --json to list insp: {listed}"


def test_syslog_collector_stores_lines_per_instance(mote):
    mote("run", "-d", "--name", "logger", "--syslog", "hello", "--", "ticks=1000")
    info = mote.inspect("logger")
    port = info["syslog"]["port"]
    assert port > 0 and f"syslog=10.0.2.2:{port}" in info["qemu_command"][info["qemu_command"].index("-append") + 1]
    # what the image sends (RFC 5424 over UDP), here sent by the test: the collector must store it
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"<14>1 2026-11-23T12:00:00Z logger hello - - - \xef\xbb\xbfhello from syslog\n",
                 ("127.0.0.1", port))
        s.sendto(b"this is not syslog", ("127.0.0.1", port))
        s.sendto(b"<11>1 - logger kernel 1 - [x@1 a=\"b\\]\"] disk on fire", ("127.0.0.1", port))
    def stored():
        out = mote("logs", "--syslog", "logger").stdout
        return out if "disk on fire" in out else ""
    out = wait_until(stored, "the syslog lines in mote logs --syslog")
    lines = out.splitlines()
    assert "logger hello: info: hello from syslog" in lines, lines
    assert "logger kernel: err: disk on fire" in lines, lines
    assert not any("not syslog" in l for l in lines), "expected a datagram that is not RFC 5424 dropped"


def test_save_and_load_round_trip_keeps_the_sha256(mote, tmp_path):
    before = mote.inspect("hello")
    tar = tmp_path / "hello.tar"
    mote("save", "hello", "-o", tar)
    with tarfile.open(tar) as t:
        names = set(t.getnames())
        layout = json.load(t.extractfile("oci-layout"))
        index = json.load(t.extractfile("index.json"))
        assert layout == {"imageLayoutVersion": "1.0.0"}
        digest = index["manifests"][0]["digest"].split(":")[1]
        manifest = json.load(t.extractfile(f"blobs/sha256/{digest}"))
        # Each layer is a tar of one file: the image, then the ELF, as built.
        files = []
        for layer in manifest["layers"]:
            with tarfile.open(fileobj=t.extractfile(f"blobs/sha256/{layer['digest'].split(':')[1]}")) as lt:
                (member,) = lt.getmembers()
                files.append(hashlib.sha256(lt.extractfile(member).read()).hexdigest())
    assert {"oci-layout", "index.json"} <= names, names
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert manifest["artifactType"] == "application/vnd.mote.image.v1"
    assert files == [before["sha256"], before["elf_sha256"]], f"expected the layers to hold the image and ELF"

    mote("rmi", "hello")
    assert "hello" not in mote("images", "-q").stdout
    out = mote("load", "-i", tar)
    assert f"Loaded image hello:latest (sha256:{before['sha256']})" in out.stdout, out.stdout
    after = mote.inspect("hello")
    assert after["sha256"] == before["sha256"] and after["elf_sha256"] == before["elf_sha256"]
    mote("load", "-i", tar, "-t", "hello:copy")
    assert mote.inspect("hello:copy")["sha256"] == before["sha256"]
    mote("rmi", "hello:copy")
    # the loaded image boots
    mote("run", "-d", "--name", "loaded", "hello", "--", "ticks=1000")
    assert mote("save", "hello", "-o", tmp_path / "again.tar").returncode == 0


def test_concurrent_runs_with_one_name_start_exactly_one(mote):
    procs = [subprocess.Popen([MOTE, "run", "-d", "--name", "twin", "hello", "--", "ticks=1000"],
                              cwd=REPO, env=mote.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [(p.wait(TIMEOUT_S * 3), p.stdout.read(), p.stderr.read()) for p in procs]
    ok = [r for r in results if r[0] == 0]
    refused = [r for r in results if r[0] == 1 and "already in use" in r[2]]
    assert len(ok) == 1 and len(refused) == 3, f"expected one run to win and three refused: {results}"
    assert mote("ps", "-aq").stdout.split() == ["twin"]
    assert mote.inspect("twin")["state"]["status"] == "running"


def bound_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s


ERRORS = [
    # (arguments, exit status, message)
    (["frobnicate"], 2, r"no command 'frobnicate'"),
    (["run", "--frob", "dns"], 2, r"unknown \(or ambiguous\) option '--frob'"),
    (["run", "-d", "nosuch"], 1, r"no image nosuch:latest"),
    (["run", "-d", "-p", "53", "dns"], 2, r"bad port spec '53'"),
    (["run", "-d", "-p", "5353:99999/udp", "dns"], 2, r"guest port '99999' is not a number from 1 to 65535"),
    (["run", "-d", "-p", "5353:53/sctp", "dns"], 2, r"unknown protocol 'sctp'"),
    (["run", "-d", "-m", "3", "dns"], 2, r"bad memory size '3'"),
    (["run", "-d", "--name", "bad_name", "dns"], 2, r"bad name 'bad_name'"),
    (["run", "-d", "--restart", "always", "dns"], 2, r"bad restart policy 'always'"),
    (["run", "-d", "-e", "NOVALUE", "dns"], 2, r"expected KEY=VALUE"),
    (["run", "-d", "dns", "--", 'q="x"'], 2, r"cannot hold a double quote"),
    (["run", "-d", "--net", "wifi", "dns"], 2, r"bad --net 'wifi'"),
    (["run", "-d", "--board", "raspi3", "dns"], 1, r"is for board virt, not raspi3"),
    (["run", "-d", "--gdb", "dns"], 1, r"not a debug image"),
    (["run"], 2, r"expected an IMAGE"),
    (["logs", "nobody"], 1, r"no instance nobody"),
    (["stop", "nobody"], 1, r"no instance nobody"),
    (["rm", "nobody"], 1, r"no instance nobody"),
    (["kill", "-s", "FOO", "x"], 2, r"bad signal 'FOO'"),
    (["inspect", "nobody"], 1, r"no instance or image nobody"),
    (["rmi", "nosuch:tag"], 1, r"no image nosuch:tag"),
    (["save", "dns"], 2, r"expected -o FILE.tar"),
    (["load", "-i", "/nonexistent.tar"], 1, r"cannot read /nonexistent.tar"),
    (["build", "--board", "pdp11", "services/dns"], 2, r"bad --board 'pdp11'"),
    (["build", "services/nosuch/"], 1, r"is not a service folder"),
    (["logs", "--tail", "many", "x"], 2, r"bad --tail 'many'"),
    (["logs", "--since", "yesterday", "x"], 2, r"bad --since 'yesterday'"),
]


@pytest.mark.parametrize("args,status,message", ERRORS, ids=[" ".join(e[0]) for e in ERRORS])
def test_bad_input_gets_one_line_error_and_status(mote, args, status, message):
    out = mote(*args, check=False)
    assert out.returncode == status, f"expected status {status} for {args}, got {out.returncode}: {out.stderr}"
    assert re.search(message, out.stderr), f"expected /{message}/ in stderr, got: {out.stderr!r}"
    assert out.stderr.count("\n") == 1, f"expected one line, got: {out.stderr!r}"


def test_port_in_use_name_in_use_and_running_instance_errors(mote, tmp_path):
    with bound_udp_port() as s:
        port = s.getsockname()[1]
        out = mote("run", "-d", "-p", f"127.0.0.1:{port}:53/udp", "dns", check=False)
        assert out.returncode == 1 and f"host port {port}/udp is already in use" in out.stderr, out.stderr
    mote("run", "-d", "--name", "taken", "hello", "--", "ticks=1000")
    out = mote("run", "-d", "--name", "taken", "hello", check=False)
    assert out.returncode == 1 and "the name taken is already in use" in out.stderr, out.stderr
    out = mote("rm", "taken", check=False)
    assert out.returncode == 1 and "taken is running; stop it first" in out.stderr, out.stderr
    out = mote("rmi", "hello", check=False)
    assert out.returncode == 1 and "is used by instance taken" in out.stderr, out.stderr
    env = dict(mote.env, MOTE_QEMU="/nonexistent/qemu")
    out = mote("run", "-d", "hello", check=False, env=env)
    assert out.returncode == 1 and "/nonexistent/qemu not found" in out.stderr, out.stderr
    # a tar that is not an image, and one that tries to write outside its folder
    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as t:
        evil = tmp_path / "evil"
        evil.write_text("x")
        t.add(evil, arcname="../evil")
    out = mote("load", "-i", bad, check=False)
    assert out.returncode == 1 and "does not belong in an OCI image layout" in out.stderr, out.stderr
    (tmp_path / "junk.tar").write_bytes(b"junk" * 100)
    out = mote("load", "-i", tmp_path / "junk.tar", check=False)
    assert out.returncode == 1 and "is not a tar file" in out.stderr, out.stderr


def test_a_dead_monitor_shows_the_instance_exited_never_running(mote):
    mote("run", "-d", "--name", "orphan", "hello", "--", "ticks=1000")
    state = mote.inspect("orphan")["state"]
    os.kill(state["monitor_pid"], signal.SIGKILL)  # QEMU dies with it (PR_SET_PDEATHSIG)
    info = mote.wait_until("orphan", lambda i: i["state"]["status"] == "exited", "exited")
    assert "monitor of this instance died" in info["state"]["error"]
    wait_until(lambda: not alive(state["pid"]), "QEMU to die with its monitor")


def elf_has_stub(path):
    out = subprocess.run(["aarch64-linux-gnu-nm", path], capture_output=True, text=True).stdout
    return " gdbstub_init" in out


def test_debug_attaches_gdb_and_prints_a_backtrace(mote):
    out = mote("build", "-q", "--debug", "-t", "dns:debug", "services/dns")
    img = mote.inspect("dns:debug")
    assert img["debug"] is True
    port = free_port()
    mote("run", "-d", "--name", "dbg", "--gdb", "-p", f"127.0.0.1:{port}:53/udp", "dns:debug", "--", "records=10")
    info = mote.inspect("dbg")
    gdb_port = info["gdb"]["host_port"]
    assert f"gdb=tcp:1234" in info["cmdline"].split()
    line = mote("debug", "--dry-run", "dbg", "--", "-batch", "-ex", "bt").stdout.strip()
    elf = os.path.join(mote.home, "blobs", "sha256", img["elf_sha256"])
    assert line == f"gdb-multiarch -q {elf} -ex 'target remote 127.0.0.1:{gdb_port}' -batch -ex bt", line
    if not elf_has_stub(elf):
        pytest.skip("this tree's debug images have no GDB stub yet (kernel/gdbstub.c)")
    out = mote("debug", "dbg", "--", "-batch", "-ex", "bt", timeout=TIMEOUT_S * 2)
    assert re.search(r"^#0\s", out.stdout, re.M), f"expected a backtrace from gdb:\n{out.stdout}\n{out.stderr}"
    assert dig(port, "host4.mote.test") == "10.0.0.4", "expected the image to run on after gdb detached"


def test_raspi3_image_builds_runs_with_its_device_tree_and_is_killed_by_stop(mote, tmp_path):
    # --board takes the QEMU machine's name too; what QEMU runs comes from platform/raspi3/board.mk.
    mote("build", "-q", "--board", "raspi3b", "-t", "hello:pi", "services/hello")
    img = mote.inspect("hello:pi")
    assert img["board"] == "raspi3" and len(img["dtb_sha256"]) == 64, img
    assert img["qemu"] == {"machine": "raspi3b", "cpu": "cortex-a53", "nic": "usb-net",
                           "fixed_mem_mib": 1024, "serials": 2, "power_button": False, "rng": "",
                           "disk": "-drive if=sd,format=raw,file={file}"}, img
    mote("run", "-d", "--name", "pi", "--board", "raspi3b", "hello:pi", "--", "ticks=1000")
    logs = mote("logs", "pi").stdout
    assert "on Raspberry Pi 3" in logs, f"expected the Pi's greeting:\n{logs}"
    cmd = mote.inspect("pi")["qemu_command"]
    assert cmd[cmd.index("-M") + 1] == "raspi3b" and cmd[cmd.index("-m") + 1] == "1024M", cmd
    assert cmd[cmd.index("-dtb") + 1].endswith(img["dtb_sha256"]), cmd
    out = mote("stop", "pi")
    assert "has no power button" in out.stderr, out.stderr
    assert mote.inspect("pi")["state"]["exit_code"] == 137
    # the device tree travels with the image
    mote("save", "hello:pi", "-o", tmp_path / "pi.tar")
    mote("rm", "pi")
    mote("rmi", "hello:pi")
    mote("load", "-i", tmp_path / "pi.tar")
    assert mote.inspect("hello:pi")["dtb_sha256"] == img["dtb_sha256"]


def test_interactive_run_sends_typing_to_the_console(mote):
    proc = subprocess.Popen([MOTE, "run", "-i", "--name", "typist", "hello", "--", "ticks=0"],
                            cwd=REPO, env=mote.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stdout:  # type only once the image listens
            lines.append(line)
            if "mote: ready" in line:
                break
        proc.stdin.write("hi there\nexit\n")
        proc.stdin.flush()
        rest, err = proc.communicate(timeout=TIMEOUT_S)
        assert proc.returncode == 0, f"expected hello's exit status 0 after 'exit', got {proc.returncode}: {err}"
        assert "echo: hi there" in rest, f"expected hello to echo the line:\n{''.join(lines)}{rest}"
    finally:
        proc.kill()


def test_logs_tail_since_timestamps_and_follow_until_exit(mote):
    mote("run", "-d", "--name", "chatty", "hello", "--", "ticks=1000", "interval_ms=50")
    two = mote("logs", "--tail", "2", "-t", "chatty").stdout.splitlines()
    assert len(two) == 2 and all(re.match(r"\d{4}-\d\d-\d\dT\S+Z \[", l) for l in two), two
    assert mote("logs", "--since", "2099-01-01T00:00:00Z", "chatty").stdout == ""
    everything = mote("logs", "--since", "1h", "chatty").stdout
    assert "Hello from Mote" in everything
    follower = subprocess.Popen([MOTE, "logs", "-f", "--tail", "0", "chatty"], cwd=REPO,
                                env=mote.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in follower.stdout:  # following: new ticks arrive
            if "tick" in line:
                break
        mote("stop", "chatty")
        out, _ = follower.communicate(timeout=TIMEOUT_S)
        assert follower.returncode == 0, "expected logs -f to end when the instance exits"
        assert "power button: shutting down" in out and "Hello from Mote" not in out, out
    finally:
        follower.kill()


def test_dns_image_on_each_board_answers_on_its_published_port_and_sends_its_syslog(mote, board):
    # The Pi's image (usb-net behind the DWC2) is run the way docs/mote.md shows:
    # --board with the QEMU machine's name, -p, --syslog.
    ref = "dns" if board == "virt" else f"dns:{board}"
    if board != "virt":
        mote("build", "-q", "--board", board, "-t", ref, "services/dns")
    port = free_port()
    name = f"remote-{board}"
    mote("run", "-d", "--syslog", "--name", name, "--board", board_info(board)["machine"],
         "-p", f"127.0.0.1:{port}:53/udp", ref, "--", "records=100")
    assert dig(port) == "10.0.0.42", \
        f"expected dig through the published port to get host42's address:\n{mote('logs', name).stdout}"
    wait_until(lambda: f"{name} mote: info: mote: ready" in mote("logs", "--syslog", name).stdout,
               "the image's own 'mote: ready' over syslog")
