// SPDX-License-Identifier: MIT
/*
 * ELF core files of a crashed image, see coredump.h. The layout is what
 * gdb reads from a Linux core of an AArch64 process (ELF for the Arm 64-bit
 * Architecture; Linux include/uapi/linux/elfcore.h, elf.h): one PT_NOTE
 * with NT_PRSTATUS (struct elf_prstatus, 392 bytes, pr_reg at 112: x0-x30,
 * sp, pc, pstate) and NT_PRFPREG (struct user_fpsimd_state, 528 bytes),
 * then one PT_LOAD per memory range, file offsets page-aligned.
 */
#include "kernel/coredump.h"

#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/time.h>

#include "arch/aarch64/fpsimd.h"
#include "drivers/virtio/console.h"
#include "kernel/console.h"
#include "kernel/heap.h"
#include "kernel/image.h"

#define CORE_ARG_MAX   16
#define CORE_SEGMENTS  4 /* data+BSS, loop stack, exception stack, heap in use */
#define CORE_ALIGN     4096
#define CORE_CHUNK     4096
#define CORE_ACK       '+'
#define CORE_ACK_NS    (5 * MOTE_NS_PER_S) /* a receiver answers each chunk within this */
#define NOTE_NAME      "CORE"
#define NOTE_NAME_SIZE 8 /* "CORE\0" padded to 4 bytes... and to 8 for 64-bit notes */

/* struct elf_prstatus for AArch64 Linux (the sizes gdb's BFD checks) */
#define PRSTATUS_SIZE       392
#define PRSTATUS_CURSIG_OFF 12
#define PRSTATUS_PID_OFF    32
#define PRSTATUS_REG_OFF    112
#define PRSTATUS_REGS       34 /* x0-x30, sp, pc, pstate */
#define PRFPREG_SIZE        528
#define CORE_PID            1

/* Linux signal numbers for the stop reason gdb prints ("Program terminated with signal") */
#define SIG_ILL  4
#define SIG_TRAP 5
#define SIG_BUS  7
#define SIG_SEGV 11

struct note {
    Elf64_Nhdr hdr;
    char name[NOTE_NAME_SIZE];
};

struct core_header {
    Elf64_Ehdr ehdr;
    Elf64_Phdr phdr[1 + CORE_SEGMENTS];
    struct note prstatus_note;
    uint8_t prstatus[PRSTATUS_SIZE];
    struct note fpreg_note;
    uint8_t fpreg[PRFPREG_SIZE];
};

static struct {
    bool serial;
    struct fpsimd_state fp;
    bool fp_saved;
    struct core_header h; /* static: the exception stack is small */
    uint32_t crc;
    uint64_t sent;
} core;

void coredump_init(const char *args)
{
    char val[CORE_ARG_MAX];
    int len = mote_arg_get(args, "core", val, sizeof(val));
    if (len == -ENOENT)
        return;
    if (len < 0 || strcmp(val, "serial") != 0) {
        mote_log(MOTE_LOG_ERROR, "core: core=%s not understood; expected core=serial",
                 len < 0 ? "(too long)" : val);
        return;
    }
    if (!vcon_present()) {
        mote_log(MOTE_LOG_ERROR, "core: core=serial needs a virtio console; start QEMU with "
                                 "-device virtio-serial-device -device virtconsole,chardev=...");
        return;
    }
    core.serial = true;
    mote_log(MOTE_LOG_INFO, "core: a crash sends a core file over the virtio console");
}

void coredump_save_fp(void)
{
    if (core.serial && !core.fp_saved) {
        fpsimd_save(&core.fp);
        core.fp_saved = true;
    }
}

/* CRC-32 (IEEE 802.3, reflected 0xedb88320), as Python's zlib.crc32 computes it. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

/* Waits for the receiver's '+'; false when it does not come in time. */
static bool wait_ack(void)
{
    uint64_t deadline = mote_time_ns() + CORE_ACK_NS;
    while (mote_time_ns() < deadline) {
        uint8_t c;
        if (vcon_read(&c, 1) == 1 && c == CORE_ACK)
            return true;
    }
    return false;
}

/* Sends the stream's bytes in chunks, each acknowledged; false when the receiver went quiet. */
static uint8_t chunk[CORE_CHUNK];
static size_t chunk_len;

static bool flush_chunk(void)
{
    if (chunk_len == 0)
        return true;
    /* Over what is sent: the dump's own state (this buffer, the CRC) is in the BSS it sends. */
    core.crc = crc32_update(core.crc, chunk, chunk_len);
    bool ok = vcon_write(chunk, chunk_len) == 0 && wait_ack();
    chunk_len = 0;
    return ok;
}

static bool emit(const void *data, size_t len)
{
    const uint8_t *p = data;
    core.sent += len;
    while (len) {
        size_t n = CORE_CHUNK - chunk_len < len ? CORE_CHUNK - chunk_len : len;
        memcpy(chunk + chunk_len, p, n);
        chunk_len += n;
        p += n;
        len -= n;
        if (chunk_len == CORE_CHUNK && !flush_chunk())
            return false;
    }
    return true;
}

static bool emit_zeros(uint64_t n)
{
    static const uint8_t zeros[64];
    while (n) {
        size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);
        if (!emit(zeros, k))
            return false;
        n -= k;
    }
    return true;
}

static int signal_of(uint64_t esr)
{
    switch (esr >> 26 & 0x3f) {
    case 0x00: /* unknown instruction */
    case 0x0e: return SIG_ILL;
    case 0x22: /* PC alignment */
    case 0x26: return SIG_BUS;
    case 0x3c: return SIG_TRAP; /* brk: mote_panic */
    default: return SIG_SEGV;
    }
}

static void put_note(struct note *n, uint32_t type, uint32_t size)
{
    n->hdr.n_namesz = sizeof(NOTE_NAME);
    n->hdr.n_descsz = size;
    n->hdr.n_type = type;
    memcpy(n->name, NOTE_NAME, sizeof(NOTE_NAME));
}

static void fill_header(const struct trap_frame *f, const uint64_t seg[][2], unsigned nseg)
{
    struct core_header *h = &core.h;
    memset(h, 0, sizeof(*h));
    memcpy(h->ehdr.e_ident, ELFMAG, SELFMAG);
    h->ehdr.e_ident[EI_CLASS] = ELFCLASS64;
    h->ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
    h->ehdr.e_ident[EI_VERSION] = EV_CURRENT;
    h->ehdr.e_ident[EI_OSABI] = ELFOSABI_NONE;
    h->ehdr.e_type = ET_CORE;
    h->ehdr.e_machine = EM_AARCH64;
    h->ehdr.e_version = EV_CURRENT;
    h->ehdr.e_phoff = offsetof(struct core_header, phdr);
    h->ehdr.e_ehsize = sizeof(Elf64_Ehdr);
    h->ehdr.e_phentsize = sizeof(Elf64_Phdr);
    h->ehdr.e_phnum = (Elf64_Half)(1 + nseg);

    h->phdr[0].p_type = PT_NOTE;
    h->phdr[0].p_offset = offsetof(struct core_header, prstatus_note);
    h->phdr[0].p_filesz = sizeof(*h) - h->phdr[0].p_offset;
    h->phdr[0].p_align = 4;
    uint64_t off = (sizeof(*h) + CORE_ALIGN - 1) & ~(uint64_t)(CORE_ALIGN - 1);
    for (unsigned i = 0; i < nseg; i++) {
        Elf64_Phdr *p = &h->phdr[1 + i];
        p->p_type = PT_LOAD;
        p->p_flags = PF_R | PF_W;
        p->p_offset = off;
        p->p_vaddr = p->p_paddr = seg[i][0];
        p->p_filesz = p->p_memsz = seg[i][1];
        p->p_align = CORE_ALIGN;
        off += (seg[i][1] + CORE_ALIGN - 1) & ~(uint64_t)(CORE_ALIGN - 1);
    }

    put_note(&h->prstatus_note, NT_PRSTATUS, PRSTATUS_SIZE);
    int16_t sig = (int16_t)signal_of(f->esr);
    int32_t pid = CORE_PID, signo = sig;
    memcpy(h->prstatus, &signo, sizeof(signo)); /* pr_info.si_signo */
    memcpy(h->prstatus + PRSTATUS_CURSIG_OFF, &sig, sizeof(sig));
    memcpy(h->prstatus + PRSTATUS_PID_OFF, &pid, sizeof(pid));
    uint64_t regs[PRSTATUS_REGS];
    memcpy(regs, f->x, sizeof(f->x));
    regs[31] = f->sp;
    regs[32] = f->elr;
    regs[33] = f->spsr;
    memcpy(h->prstatus + PRSTATUS_REG_OFF, regs, sizeof(regs));

    put_note(&h->fpreg_note, NT_FPREGSET, PRFPREG_SIZE);
    memcpy(h->fpreg, core.fp.v, sizeof(core.fp.v));
    memcpy(h->fpreg + sizeof(core.fp.v), &core.fp.fpsr, 2 * sizeof(uint32_t));
}

void coredump_send(const struct trap_frame *f)
{
    if (!core.serial)
        return;
    uint64_t seg[CORE_SEGMENTS][2] = {
        {(uint64_t)__rodata_end, (uint64_t)(__data_end - __rodata_end)},
        {(uint64_t)__stack_bottom, (uint64_t)(__stack_top - __stack_bottom)},
        {(uint64_t)__exc_stack_bottom, (uint64_t)(__exc_stack_top - __exc_stack_bottom)},
        {heap_base(), heap_reserved()},
    };
    unsigned nseg = seg[3][1] ? CORE_SEGMENTS : CORE_SEGMENTS - 1;
    fill_header(f, seg, nseg);
    /* The header is the data section's last state too: it is in BSS, so build it first. */
    uint64_t total = core.h.phdr[nseg].p_offset + core.h.phdr[nseg].p_filesz;

    char line[80];
    int n = snprintf(line, sizeof(line), "\nMOTE-CORE 1 %llu %u\n", (unsigned long long)total,
                     CORE_CHUNK);
    console_printf("core: sending %llu bytes over the virtio console\n", (unsigned long long)total);
    core.crc = 0;
    core.sent = 0;
    chunk_len = 0;
    uint8_t drain[64];
    while (vcon_read(drain, sizeof(drain)))
        ; /* stale input is not an acknowledgement */
    bool ok = vcon_write(line, (size_t)n) == 0 && emit(&core.h, sizeof(core.h));
    for (unsigned i = 0; ok && i < nseg; i++) {
        const Elf64_Phdr *p = &core.h.phdr[1 + i];
        ok = emit_zeros(p->p_offset - core.sent) && emit((const void *)p->p_vaddr, p->p_filesz);
    }
    ok = ok && flush_chunk();
    if (!ok) {
        console_printf("core: the receiver did not acknowledge; no core written "
                       "(run scripts/mote-core on the virtio console's socket)\n");
        return;
    }
    n = snprintf(line, sizeof(line), "MOTE-CORE-END %08lx\n", (unsigned long)core.crc);
    vcon_write(line, (size_t)n);
    console_printf("core: sent, %llu bytes\n", (unsigned long long)total);
}
