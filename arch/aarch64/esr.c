// SPDX-License-Identifier: MIT
/* ESR_EL1 decoding, see esr.h. Fault status codes: Arm ARM D13.2.37, table "DFSC". */
#include "arch/aarch64/esr.h"

#include <stdio.h>

static const char *ec_name(unsigned ec)
{
    switch (ec) {
    case ESR_EC_UNKNOWN: return "undefined instruction";
    case ESR_EC_WFX: return "trapped wfi/wfe";
    case ESR_EC_FP_ACCESS: return "trapped fp/simd access";
    case ESR_EC_PAUTH_TRAP: return "trapped pointer authentication instruction";
    case ESR_EC_BTI: return "branch target exception (BTI)";
    case ESR_EC_FPAC: return "pointer authentication failure (PAC)";
    case ESR_EC_ILLEGAL_STATE: return "illegal execution state";
    case ESR_EC_SVC64: return "svc";
    case ESR_EC_HVC64: return "hvc";
    case ESR_EC_SMC64: return "smc";
    case ESR_EC_SYSREG: return "trapped system register access";
    case ESR_EC_IABT_LOWER:
    case ESR_EC_IABT_SAME: return "instruction abort";
    case ESR_EC_PC_ALIGN: return "pc alignment fault";
    case ESR_EC_DABT_LOWER:
    case ESR_EC_DABT_SAME: return "data abort";
    case ESR_EC_SP_ALIGN: return "sp alignment fault";
    case ESR_EC_FP_EXC64: return "floating-point exception";
    case ESR_EC_SERROR: return "serror";
    case ESR_EC_BREAKPT_LOWER:
    case ESR_EC_BREAKPT_SAME: return "hardware breakpoint";
    case ESR_EC_STEP_LOWER:
    case ESR_EC_STEP_SAME: return "software step";
    case ESR_EC_WATCHPT_LOWER:
    case ESR_EC_WATCHPT_SAME: return "watchpoint";
    case ESR_EC_BRK64: return "brk instruction";
    default: return NULL;
    }
}

/* PSTATE.BTYPE (D8.4.1): which kind of indirect branch reached the target. */
static const char *btype_name(unsigned btype)
{
    switch (btype) {
    case 1: return "br x16/x17";
    case 2: return "blr";
    case 3: return "br";
    default: return "branch";
    }
}

/* Fault status codes whose low two bits are the translation table level. */
static const char *fsc_levelled_name(unsigned fsc)
{
    switch (fsc >> 2) {
    case 0x0: return "address size fault";
    case 0x1: return "translation fault";
    case 0x2: return "access flag fault";
    case 0x3: return "permission fault";
    case 0x5: return "synchronous external abort on table walk";
    default: return NULL;
    }
}

static const char *fsc_name(unsigned fsc)
{
    switch (fsc) {
    case 0x10: return "synchronous external abort";
    case 0x11: return "synchronous tag check fault";
    case 0x18: return "synchronous parity or ecc error";
    case 0x21: return "alignment fault";
    case 0x30: return "tlb conflict abort";
    case 0x31: return "unsupported atomic hardware update fault";
    case 0x34: return "lockdown abort";
    case 0x35: return "unsupported exclusive or atomic access";
    default: return NULL;
    }
}

int esr_is_abort(uint64_t esr)
{
    unsigned ec = ESR_EC(esr);
    return ec == ESR_EC_IABT_LOWER || ec == ESR_EC_IABT_SAME || ec == ESR_EC_DABT_LOWER ||
           ec == ESR_EC_DABT_SAME;
}

size_t esr_describe(uint64_t esr, char *buf, size_t len)
{
    unsigned ec = ESR_EC(esr);
    const char *what = ec_name(ec);
    int n;

    if (!what)
        return (size_t)snprintf(buf, len, "exception class 0x%02x", ec);
    if (ec == ESR_EC_BRK64)
        return (size_t)snprintf(buf, len, "%s #0x%x", what, (unsigned)ESR_BRK_IMM(esr));
    if (ec == ESR_EC_BTI)
        return (size_t)snprintf(buf, len, "%s: %s to an instruction that is no landing pad", what,
                                btype_name((unsigned)ESR_BTI_BTYPE(esr)));
    if (ec == ESR_EC_FPAC)
        return (size_t)snprintf(buf, len, "%s: %s key %c", what,
                                (esr & ESR_FPAC_DATA) ? "data" : "instruction",
                                (esr & ESR_FPAC_KEY_B) ? 'B' : 'A');
    if (!esr_is_abort(esr))
        return (size_t)snprintf(buf, len, "%s", what);

    unsigned fsc = ESR_ABT_FSC(esr);
    const char *access = "";
    if (ec == ESR_EC_DABT_LOWER || ec == ESR_EC_DABT_SAME)
        access = (esr & ESR_DABT_CM)    ? ", cache maintenance"
                 : (esr & ESR_DABT_WNR) ? ", write"
                                        : ", read";
    const char *fault = fsc_levelled_name(fsc);
    if (fault)
        n = snprintf(buf, len, "%s: %s, level %u%s", what, fault, fsc & 3, access);
    else if ((fault = fsc_name(fsc)))
        n = snprintf(buf, len, "%s: %s%s", what, fault, access);
    else
        n = snprintf(buf, len, "%s: fault status 0x%02x%s", what, fsc, access);
    return (size_t)n;
}
