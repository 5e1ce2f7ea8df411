// SPDX-License-Identifier: MIT
/* Branch protection: PAC and BTI, see pauth.h. */
#include "arch/aarch64/pauth.h"

#include <mote/log.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/sysreg_bits.h"
#include "kernel/random.h"

/* ID registers (D13.2.63, D13.2.66, D13.2.68) */
#define ID_AA64ISAR1_APA(v)  (((v) >> 4) & 0xf)  /* QARMA5 address authentication */
#define ID_AA64ISAR1_API(v)  (((v) >> 8) & 0xf)  /* IMPLEMENTATION DEFINED algorithm */
#define ID_AA64ISAR2_APA3(v) (((v) >> 12) & 0xf) /* QARMA3 */
#define ID_AA64PFR1_BT(v)    ((v)&0xf)

/*
 * The key registers by encoding (D13.2.12-15), and ID_AA64ISAR2_EL1: the
 * assembler knows their names only with -march=armv8.3-a and later, and
 * Mote is built for armv8-a. ISAR2 is in the ID space that reads as zero on
 * cores older than it.
 */
#define APIAKEYLO_EL1          S3_0_C2_C1_0
#define APIAKEYHI_EL1          S3_0_C2_C1_1
#define APIBKEYLO_EL1          S3_0_C2_C1_2
#define APIBKEYHI_EL1          S3_0_C2_C1_3
#define ID_AA64ISAR2_EL1       S3_0_C0_C6_2
#define SYSREG_WRITE(reg, val) sysreg_write(reg, val)
#define SYSREG_READ(reg)       sysreg_read(reg)

bool cpu_has_pauth(void)
{
    uint64_t isar1 = sysreg_read(id_aa64isar1_el1);
    uint64_t isar2 = SYSREG_READ(ID_AA64ISAR2_EL1);
    return ID_AA64ISAR1_APA(isar1) || ID_AA64ISAR1_API(isar1) || ID_AA64ISAR2_APA3(isar2);
}

bool cpu_has_bti(void)
{
    return ID_AA64PFR1_BT(sysreg_read(id_aa64pfr1_el1)) != 0;
}

/*
 * Built without return-address signing: it enables the check, so its own
 * return (signed before, unsigned in fact) would fail it.
 */
__attribute__((target("branch-protection=bti"))) void pauth_setup(void)
{
    bool bti = cpu_has_bti();
    if (!cpu_has_pauth()) {
        mote_log(MOTE_LOG_INFO, "branch protection: %s",
                 bti ? "BTI on; no PAC in this CPU"
                     : "no PAC or BTI in this CPU (their instructions run as hints)");
        return;
    }
    SYSREG_WRITE(APIAKEYLO_EL1, random_u64());
    SYSREG_WRITE(APIAKEYHI_EL1, random_u64());
    SYSREG_WRITE(APIBKEYLO_EL1, random_u64());
    SYSREG_WRITE(APIBKEYHI_EL1, random_u64());
    isb();
    sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | SCTLR_EL1_ENIA | SCTLR_EL1_ENIB);
    isb();
    mote_log(MOTE_LOG_INFO, "branch protection: PAC on (return addresses signed with key A)%s",
             bti ? ", BTI on" : "; no BTI in this CPU");
}
