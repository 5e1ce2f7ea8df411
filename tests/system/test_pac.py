# SPDX-License-Identifier: MIT
"""Branch protection (arch/aarch64/pauth.h): on a CPU with PAC and BTI (QEMU -cpu max) an
overwritten return address and a call past a function's landing pad are stopped and reported;
on a Cortex-A53 the same image runs, the instructions being hints, and nothing is stopped."""
import subprocess

import pytest

from qemu import free_port, image, user_net

CRASH_EXIT = 70  # MOTE_EXIT_CRASH
NOT_STOPPED_EXIT = 3  # CRASH_NOT_STOPPED in services/crashtest/main.c
PAC_CPU = "max"
PLAIN_CPU = "cortex-a53"
HEX = r"0x[0-9a-f]+"


def test_pac_and_bti_are_turned_on_where_the_cpu_has_them(qemu):
    q = qemu(image("hello"), append="ticks=1", cpu=PAC_CPU)
    q.wait_for(r"branch protection: PAC on \(return addresses signed with key A\), BTI on")
    q.wait_for(r"Hello from Mote")


def test_pac_and_bti_instructions_are_hints_on_a_cortex_a53(qemu):
    q = qemu(image("hello"), append="ticks=1", cpu=PLAIN_CPU)
    q.wait_for(r"branch protection: no PAC or BTI in this CPU \(their instructions run as hints\)")
    q.wait_for(r"Hello from Mote")


def test_overwritten_return_address_is_stopped_by_pac(qemu):
    q = qemu(image("crashtest"), append="crash=return-address", cpu=PAC_CPU)
    # With FEAT_FPAC the check itself faults (EC 0x1C) in the function; without it (QEMU 7.2),
    # the check garbles the address and the return faults there (an instruction abort).
    m = q.wait_for(r"\*\*\* MOTE CRASH: (pointer authentication failure \(PAC\)|instruction abort)")
    if m.group(1).startswith("pointer"):
        q.wait_for(r"cause: a return address failed its authentication: overwritten on the stack")
        q.wait_for(rf"^at: {HEX} crash_return_address\+0x")
    else:
        q.wait_for(r"cause: a return to an address that failed its authentication: overwritten")
        q.wait_for(rf"^return address without its PAC: {HEX} crash_hijacked\+0x0$")
    status = q.wait_exit()
    assert status == CRASH_EXIT, f"expected exit status {CRASH_EXIT}, got {status}:\n{q.tail()}"
    assert "was not stopped" not in q.output, f"the hijacked return ran:\n{q.tail()}"


def test_call_past_a_landing_pad_is_stopped_by_bti(qemu):
    q = qemu(image("crashtest"), append="crash=mid-function", cpu=PAC_CPU)
    q.wait_for(r"\*\*\* MOTE CRASH: branch target exception \(BTI\): blr to an instruction that "
               r"is no landing pad")
    q.wait_for(r"cause: an indirect branch into the middle of a function")
    q.wait_for(rf"^at: {HEX} crashtest_landing_pad\+0x4$")
    q.wait_for(rf"^called from: {HEX} crash_mid_function\+0x")
    q.wait_for(r"^ESR_EL1 0x36000002 ")  # EC 0x0D, BTYPE 2 (blr)
    status = q.wait_exit()
    assert status == CRASH_EXIT, f"expected exit status {CRASH_EXIT}, got {status}:\n{q.tail()}"
    assert "was not stopped" not in q.output, f"the call past the landing pad ran:\n{q.tail()}"


@pytest.mark.parametrize("kind,what", [("return-address", "the overwritten return address"),
                                       ("mid-function", "the call past the landing pad")])
def test_without_pac_and_bti_the_attacks_run(qemu, kind, what):
    """The control: the same attacks do take over on a CPU without the features, so the two
    tests above see the protection and not a crash of another kind."""
    q = qemu(image("crashtest"), append=f"crash={kind}", cpu=PLAIN_CPU)
    q.wait_for(rf"crashtest: {what} was not stopped")
    assert q.wait_exit() == NOT_STOPPED_EXIT


def test_dns_answers_with_pac_and_bti_on(qemu):
    """lwIP's callbacks, picolibc's stdio (guarded too: its string streams' put reached
    through arch/aarch64/libc_bti.S) and the service all run with the checks on."""
    port = free_port()
    q = qemu(image("dns"), append="records=100", cpu=PAC_CPU,
             extra=user_net(f"udp:127.0.0.1:{port}-:53"))
    q.wait_for(r"branch protection: PAC on")
    q.wait_for(r"net: IPv4 10\.0\.2\.15/24")
    q.wait_for(r"dns: serving 100 records")
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=5", "+tries=3", "+short",
                          "host42.mote.test"], capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "10.0.0.42", f"expected 10.0.0.42 from dig, got {out!r}:\n{q.tail()}"
    assert "MOTE CRASH" not in q.output, q.tail()


def test_image_signs_return_addresses_and_has_landing_pads():
    """-mbranch-protection=standard reached every part built here: most non-leaf functions
    sign and check their return address; functions called through pointers start with bti c."""
    dis = subprocess.run(["aarch64-linux-gnu-objdump", "-d", "--no-show-raw-insn", image("dns")],
                         capture_output=True, text=True, check=True).stdout
    # Each instruction line is "address:<TAB>mnemonic<TAB>operands".
    insns = [line.split("\t")[1].split()[0] for line in dis.split("\n")
             if line.count("\t") >= 1 and line.split("\t")[0].strip().endswith(":")
             and line.split("\t")[1].strip()]
    signs, checks, pads = insns.count("paciasp"), insns.count("autiasp"), insns.count("bti")
    assert signs > 200 and checks >= signs // 2, f"{signs} paciasp, {checks} autiasp"
    assert pads > 50, f"{pads} bti instructions"
