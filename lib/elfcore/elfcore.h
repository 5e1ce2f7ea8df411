/* SPDX-License-Identifier: MIT */
/*
 * The head of an AArch64 ELF core file as gdb reads a Linux process's core
 * (ELF for the Arm 64-bit Architecture; Linux include/uapi/linux/elfcore.h):
 * ELF header, one PT_NOTE with NT_PRSTATUS (struct elf_prstatus, 392 bytes,
 * registers at 112: x0-x30, sp, pc, pstate) and NT_FPREGSET (struct
 * user_fpsimd_state, 528 bytes), then one PT_LOAD per memory range, whose
 * bytes follow at page-aligned file offsets. Pure: kernel/coredump.c fills
 * it from a crash and streams it; the host unit tests check the layout.
 */
#ifndef LIB_ELFCORE_ELFCORE_H
#define LIB_ELFCORE_ELFCORE_H

#include <elf.h>
#include <stdint.h>

#define ELFCORE_SEGMENTS_MAX 4
#define ELFCORE_ALIGN        4096 /* file offset of each PT_LOAD's bytes */
#define ELFCORE_PRSTATUS     392
#define ELFCORE_PRSTATUS_REG 112 /* offset of pr_reg in it */
#define ELFCORE_FPREGSET     528
#define ELFCORE_NOTE_NAME    8 /* "CORE\0", padded to 4 bytes... and on to 8 */

struct elfcore_note {
    Elf64_Nhdr hdr;
    char name[ELFCORE_NOTE_NAME];
};

struct elfcore_header {
    Elf64_Ehdr ehdr;
    Elf64_Phdr phdr[1 + ELFCORE_SEGMENTS_MAX];
    struct elfcore_note prstatus_note;
    uint8_t prstatus[ELFCORE_PRSTATUS];
    struct elfcore_note fpreg_note;
    uint8_t fpreg[ELFCORE_FPREGSET];
};

/* What the core says about the stopped CPU. */
struct elfcore_cpu {
    uint64_t x[31], sp, pc, pstate;
    uint64_t v[64]; /* v0..v31, low then high half */
    uint32_t fpsr, fpcr;
    int signal; /* Linux signal number gdb names ("terminated with signal SIGSEGV") */
};

struct elfcore_segment {
    uint64_t vaddr, size;
};

/*
 * Fills h for cpu and nseg memory ranges (at most ELFCORE_SEGMENTS_MAX; empty
 * ones are allowed) and returns the whole file's size: each segment i's
 * bytes go at h->phdr[1 + i].p_offset, zeros in between. Returns 0 for too
 * many segments.
 */
uint64_t elfcore_build(struct elfcore_header *h, const struct elfcore_cpu *cpu,
                       const struct elfcore_segment *seg, unsigned nseg);

#endif
