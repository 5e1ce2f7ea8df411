// SPDX-License-Identifier: MIT
/* The head of an AArch64 ELF core file, see elfcore.h. */
#include "lib/elfcore/elfcore.h"

#include <stddef.h>
#include <string.h>

#define NOTE_NAME           "CORE"
#define PRSTATUS_CURSIG_OFF 12 /* pr_cursig, after pr_info {si_signo, si_code, si_errno} */
#define PRSTATUS_PID_OFF    32
#define PRSTATUS_REGS       34 /* x0-x30, sp, pc, pstate */
#define CORE_PID            1  /* the one "process": the image */

static void put_note(struct elfcore_note *n, uint32_t type, uint32_t size)
{
    n->hdr.n_namesz = sizeof(NOTE_NAME);
    n->hdr.n_descsz = size;
    n->hdr.n_type = type;
    memcpy(n->name, NOTE_NAME, sizeof(NOTE_NAME));
}

static uint64_t align_up(uint64_t v)
{
    return (v + ELFCORE_ALIGN - 1) & ~(uint64_t)(ELFCORE_ALIGN - 1);
}

uint64_t elfcore_build(struct elfcore_header *h, const struct elfcore_cpu *cpu,
                       const struct elfcore_segment *seg, unsigned nseg)
{
    if (nseg > ELFCORE_SEGMENTS_MAX)
        return 0;
    memset(h, 0, sizeof(*h));
    memcpy(h->ehdr.e_ident, ELFMAG, SELFMAG);
    h->ehdr.e_ident[EI_CLASS] = ELFCLASS64;
    h->ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
    h->ehdr.e_ident[EI_VERSION] = EV_CURRENT;
    h->ehdr.e_ident[EI_OSABI] = ELFOSABI_NONE;
    h->ehdr.e_type = ET_CORE;
    h->ehdr.e_machine = EM_AARCH64;
    h->ehdr.e_version = EV_CURRENT;
    h->ehdr.e_phoff = offsetof(struct elfcore_header, phdr);
    h->ehdr.e_ehsize = sizeof(Elf64_Ehdr);
    h->ehdr.e_phentsize = sizeof(Elf64_Phdr);
    h->ehdr.e_phnum = (Elf64_Half)(1 + nseg);

    h->phdr[0].p_type = PT_NOTE;
    h->phdr[0].p_offset = offsetof(struct elfcore_header, prstatus_note);
    h->phdr[0].p_filesz = sizeof(*h) - h->phdr[0].p_offset;
    h->phdr[0].p_align = 4;
    uint64_t off = align_up(sizeof(*h));
    for (unsigned i = 0; i < nseg; i++) {
        Elf64_Phdr *p = &h->phdr[1 + i];
        p->p_type = PT_LOAD;
        p->p_flags = PF_R | PF_W;
        p->p_offset = off;
        p->p_vaddr = p->p_paddr = seg[i].vaddr;
        p->p_filesz = p->p_memsz = seg[i].size;
        p->p_align = ELFCORE_ALIGN;
        off = align_up(off + seg[i].size);
    }

    put_note(&h->prstatus_note, NT_PRSTATUS, ELFCORE_PRSTATUS);
    int32_t signo = cpu->signal, pid = CORE_PID;
    int16_t cursig = (int16_t)cpu->signal;
    memcpy(h->prstatus, &signo, sizeof(signo)); /* pr_info.si_signo */
    memcpy(h->prstatus + PRSTATUS_CURSIG_OFF, &cursig, sizeof(cursig));
    memcpy(h->prstatus + PRSTATUS_PID_OFF, &pid, sizeof(pid));
    uint64_t regs[PRSTATUS_REGS];
    memcpy(regs, cpu->x, sizeof(cpu->x));
    regs[31] = cpu->sp;
    regs[32] = cpu->pc;
    regs[33] = cpu->pstate;
    memcpy(h->prstatus + ELFCORE_PRSTATUS_REG, regs, sizeof(regs));

    put_note(&h->fpreg_note, NT_FPREGSET, ELFCORE_FPREGSET);
    memcpy(h->fpreg, cpu->v, sizeof(cpu->v));
    memcpy(h->fpreg + sizeof(cpu->v), &cpu->fpsr, sizeof(cpu->fpsr));
    memcpy(h->fpreg + sizeof(cpu->v) + sizeof(cpu->fpsr), &cpu->fpcr, sizeof(cpu->fpcr));

    return nseg ? h->phdr[nseg].p_offset + h->phdr[nseg].p_filesz : sizeof(*h);
}
