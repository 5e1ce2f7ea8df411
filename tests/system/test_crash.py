# SPDX-License-Identifier: MIT
"""Every kind of crash ends in a report naming the exception and the function, and a non-zero exit."""
import pytest

from qemu import image

CRASH_EXIT = 70  # MOTE_EXIT_CRASH

CASES = {
    "null": (r"data abort: translation fault, level \d, read", "crash_null_dereference",
             r"cause: null pointer dereference"),
    "text": (r"data abort: permission fault, level 3, write", "crash_write_to_text", None),
    "stack": (r"instruction abort: permission fault, level 3", "crash_execute_stack",
              r"cause: executing the stack \(W\^X\)"),
    "overflow": (r"data abort: translation fault, level 3, write", "crash_stack_overflow",
                 r"cause: stack overflow into the guard page"),
    "undef": (r"undefined instruction", "crash_undefined_instruction", None),
    "panic": (r"crashtest asked for a panic", "crash_panic", r"exception: brk instruction #0x900"),
    "unaligned": (r"data abort: alignment fault, read", "crash_unaligned_device", None),
    "smash": (r"stack smashing detected", "crash_stack_smash", r"exception: brk instruction #0x900"),
}


@pytest.mark.parametrize("kind", CASES)
def test_crash_report_names_exception_and_function(qemu, kind):
    what, function, extra = CASES[kind]
    q = qemu(image("crashtest"), append=f"crash={kind}")
    q.wait_for(rf"\*\*\* MOTE CRASH: {what}")
    q.wait_for(r"^ESR_EL1 0x[0-9a-f]+\s+ELR_EL1 0x[0-9a-f]+\s+FAR_EL1 0x[0-9a-f]+\s+SPSR_EL1")
    q.wait_for(r"^x28 0x[0-9a-f]{16}\s+x29 0x[0-9a-f]{16}\s+x30 0x[0-9a-f]{16}")
    q.wait_for(rf"^backtrace:\n  #0  0x[0-9a-f]+ (\?|{function}|mote_panic)\+?")
    q.wait_for(rf"(#\d+\s+|called from: )0x[0-9a-f]+ {function}\+0x")
    if kind != "overflow":  # its backtrace is all recursion, cut at 32 frames
        q.wait_for(r"#\d+\s+0x[0-9a-f]+ service_start\+0x")
    if extra:
        q.wait_for(extra)
    status = q.wait_exit()
    assert status == CRASH_EXIT, f"expected exit status {CRASH_EXIT}, got {status}; last lines:\n{q.tail()}"


def test_crash_without_semihosting_powers_the_machine_off(qemu):
    q = qemu(image("crashtest"), append="crash=null", semihosting=False)
    q.wait_for(r"MOTE CRASH")
    q.wait_exit()  # PSCI SYSTEM_OFF ends QEMU; its status is not the image's


def test_crash_with_gicv3_at_el2_is_reported_too(qemu):
    q = qemu(image("crashtest"), append="crash=overflow", machine="virt,gic-version=3,virtualization=on")
    q.wait_for(r"cause: stack overflow into the guard page")
    assert q.wait_exit() == CRASH_EXIT


def test_unknown_crash_kind_is_refused_with_the_list(qemu):
    q = qemu(image("crashtest"), append="crash=bogus")
    q.wait_for(r"crashtest: unknown crash=bogus")
    assert q.wait_exit() == 2
