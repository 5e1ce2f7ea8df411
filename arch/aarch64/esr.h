/* SPDX-License-Identifier: MIT */
/*
 * ESR_EL1 decoding (Arm ARM D13.2.37): the exception syndrome in words, for
 * crash reports ("data abort: translation fault, level 3, write").
 * Pure code: also built for the host and unit-tested.
 */
#ifndef ARCH_AARCH64_ESR_H
#define ARCH_AARCH64_ESR_H

#include <stddef.h>
#include <stdint.h>

#define ESR_EC_SHIFT 26
#define ESR_EC(esr)  (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_ISS(esr) ((esr)&0x1ffffff)

/* Exception classes Mote reports by name */
#define ESR_EC_UNKNOWN       0x00 /* includes undefined instructions */
#define ESR_EC_WFX           0x01
#define ESR_EC_FP_ACCESS     0x07
#define ESR_EC_PAUTH_TRAP    0x09 /* a PAC instruction trapped (HCR_EL2.API, SCR_EL3.API) */
#define ESR_EC_BTI           0x0d /* branch target exception: an indirect branch to no landing pad */
#define ESR_EC_ILLEGAL_STATE 0x0e
#define ESR_EC_SVC64         0x15
#define ESR_EC_HVC64         0x16
#define ESR_EC_SMC64         0x17
#define ESR_EC_SYSREG        0x18
#define ESR_EC_FPAC          0x1c /* pointer authentication failure (FEAT_FPAC) */
#define ESR_EC_IABT_LOWER    0x20
#define ESR_EC_IABT_SAME     0x21
#define ESR_EC_PC_ALIGN      0x22
#define ESR_EC_DABT_LOWER    0x24
#define ESR_EC_DABT_SAME     0x25
#define ESR_EC_SP_ALIGN      0x26
#define ESR_EC_FP_EXC64      0x2c
#define ESR_EC_SERROR        0x2f
#define ESR_EC_BREAKPT_LOWER 0x30
#define ESR_EC_BREAKPT_SAME  0x31
#define ESR_EC_STEP_LOWER    0x32
#define ESR_EC_STEP_SAME     0x33
#define ESR_EC_WATCHPT_LOWER 0x34
#define ESR_EC_WATCHPT_SAME  0x35
#define ESR_EC_BRK64         0x3c

/* Data/instruction abort ISS fields */
#define ESR_ABT_FSC(esr) ((esr)&0x3f)
#define ESR_DABT_WNR     (1u << 6) /* write, not read */
#define ESR_DABT_CM      (1u << 8) /* cache maintenance */
#define ESR_BRK_IMM(esr) ((esr)&0xffff)

/* Branch target exception ISS: the branch's type (PSTATE.BTYPE, D8.4.1) */
#define ESR_BTI_BTYPE(esr) ((esr)&0x3)
/* Pointer authentication failure ISS (D17.2.37): which key failed */
#define ESR_FPAC_KEY_B (1u << 0) /* key B, else key A */
#define ESR_FPAC_DATA  (1u << 1) /* a data key, else an instruction key */

/* True for the two abort classes whose FAR_EL1 holds the faulting address. */
int esr_is_abort(uint64_t esr);

/*
 * Writes a one-line description of esr into buf (always NUL-terminated when
 * len > 0) and returns the length it wanted, as snprintf does.
 */
size_t esr_describe(uint64_t esr, char *buf, size_t len);

#endif
