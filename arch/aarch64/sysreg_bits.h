/* SPDX-License-Identifier: MIT */
/*
 * System register fields used by the boot path and the MMU, usable from C and
 * assembly. Section numbers are from the Arm ARM (DDI 0487).
 */
#ifndef ARCH_AARCH64_SYSREG_BITS_H
#define ARCH_AARCH64_SYSREG_BITS_H

/* arm64 Image header flags (booting.rst): LE, 4 KiB pages, 2 MiB-aligned base near DRAM start. */
#define IMAGE_FLAGS_PAGE_4K (1 << 1)
#define IMAGE_FLAGS         IMAGE_FLAGS_PAGE_4K

#define MPIDR_AFF_MASK 0xffffff /* Aff2.Aff1.Aff0 */

/* SCR_EL3 (D13.2.117): EL2 and EL1 non-secure and AArch64, HVC allowed, SMC undefined */
#define SCR_EL3_NS   (1 << 0)
#define SCR_EL3_RES1 (3 << 4)
#define SCR_EL3_SMD  (1 << 7)
#define SCR_EL3_HCE  (1 << 8)
#define SCR_EL3_RW   (1 << 10)
#define SCR_EL3_PAUTH \
    0x30000 /* APK, API (bits 16, 17): lower levels' PAC keys and instructions untrapped */

/* SPSR: EL2h with D, A, I, F masked */
#define SPSR_EL2H_MASKED 0x3c9

/* HCR_EL2 (D13.2.48) */
#define HCR_EL2_RW (1 << 31) /* EL1 is AArch64 */
#define HCR_EL2_PAUTH \
    0x30000000000 /* APK, API (bits 40, 41): EL1's PAC keys and instructions untrapped */

/* The ID fields that say the CPU has pointer authentication (FEAT_PAuth, D13.2.63/64) */
#define ID_AA64ISAR1_PAUTH_MASK 0xff0  /* APA (7:4), API (11:8) */
#define ID_AA64ISAR2_PAUTH_MASK 0xf000 /* APA3 (15:12) */

/* CNTHCTL_EL2 (D13.8.3) without VHE */
#define CNTHCTL_EL1PCTEN (1 << 0)
#define CNTHCTL_EL1PCEN  (1 << 1)

/* CPTR_EL2 (D13.2.31): RES1 bits 0-9, 12, 13; TFP (bit 10) clear */
#define CPTR_EL2_RES1 0x33ff

/* ID_AA64PFR0_EL1.GIC (D13.2.64): non-zero when the GICv3 system registers exist */
#define ID_AA64PFR0_GIC_SHIFT 24

/* ICC_SRE_EL2 (GICv3 arch spec 12.11.2) */
#define ICC_SRE_EL2_SRE    (1 << 0)
#define ICC_SRE_EL2_ENABLE (1 << 3)

/* SPSR: EL1h with D, A, I, F masked */
#define SPSR_EL1H_MASKED 0x3c5

/* CPACR_EL1.FPEN = 0b11: FP/SIMD not trapped at EL1 or EL0 */
#define CPACR_EL1_FPEN_ALL (3 << 20)

/* SCTLR_EL1 (D13.2.118) */
#define SCTLR_EL1_RES1 0x30d00800  /* bits 11, 20, 22, 23, 28, 29 */
#define SCTLR_EL1_M    (1 << 0)    /* MMU */
#define SCTLR_EL1_C    (1 << 2)    /* data cache */
#define SCTLR_EL1_SA   (1 << 3)    /* SP alignment check at EL1 */
#define SCTLR_EL1_I    (1 << 12)   /* instruction cache */
#define SCTLR_EL1_WXN  (1 << 19)   /* writable implies execute-never */
#define SCTLR_EL1_ENIB (1ul << 30) /* authenticate instruction addresses with key B */
#define SCTLR_EL1_ENIA (1ul << 31) /* ... with key A (what -mbranch-protection's pac-ret uses) */

#endif
