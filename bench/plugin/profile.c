// SPDX-License-Identifier: MIT
/*
 * profile: a QEMU TCG plugin that attributes every guest instruction to the
 * function of a Mote image it belongs to, from the image's ELF symbol table,
 * and counts per function: instructions, calls (runs of its first
 * instruction), MMIO accesses (loads and stores QEMU sends to a device);
 * and per exception vector: exception entries (runs of the vector's first
 * instruction). Reset and dump are asked for over a Unix socket, so the host
 * chooses the moments (no QMP, no HMP, no change to the guest):
 *
 *   qemu-system-aarch64 -M virt -smp 1 ... \
 *       -plugin build/bench/libprofile.so,elf=build/virt/dns.elf,sock=/tmp/p.sock
 *   echo reset | socat - UNIX-CONNECT:/tmp/p.sock   -> "ok"
 *   echo count | socat - UNIX-CONNECT:/tmp/p.sock   -> "insns N"
 *   echo dump  | socat - UNIX-CONNECT:/tmp/p.sock   -> the table below, then "end"
 *
 * dump prints one line per function that ran since the last reset,
 * "fn <insns> <calls> <mmio> <name>", one per vector that was entered,
 * "exc <count> <vector>", then "total <insns> <mmio>" and "end". Instructions
 * outside every function of the image (QEMU's boot stub in front of a raw
 * Image, a symbol-less gap) count under "(outside)". bench/profiler.py reads
 * it and groups functions by subsystem.
 *
 * Counting is exact, as in insn_count.c: an inline add placed before every
 * instruction at translation time, to the counter of the instruction's
 * function (looked up once per translation, by binary search). MMIO needs a
 * callback on every memory access (whether an access reaches a device is
 * known only when it runs), which slows QEMU down several times; mmio=off
 * drops it. A "call" is a run of a function's first instruction: a loop that
 * branches back to it would count too (compilers do not emit one before the
 * prologue), and a tail call into the middle of another function does not.
 *
 * Reset and dump are meant for a guest at rest (asleep in wfi, as the bench
 * waits for): the counters have one writer, the one vCPU thread (-smp 1 is
 * required), and the socket thread reads or clears them without a lock.
 * The image must run at its link address (it does: QEMU loads a raw Image
 * at RAM base + text_offset, which is where Mote is linked); an image that
 * relocates itself would need the load offset (slide=0x...) added here.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qemu/qemu-plugin.h>

#include "plugin_socket.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define ARG_ELF        "elf="
#define ARG_SOCK       "sock="
#define ARG_SLIDE      "slide="
#define ARG_MMIO_OFF   "mmio=off"
#define CMD_MAX        16
#define OUTSIDE        0 /* function index of "(outside)" */
#define VECTOR_SYMBOL  "exception_vectors"
#define VECTOR_STRIDE  0x80 /* ARM ARM D1.10.2: each vector entry is 32 instructions */
#define VECTOR_ENTRIES 16   /* 4 origins x {sync, irq, fiq, serror} */

struct func {
    uint64_t start, end; /* [start, end) in guest virtual addresses */
    const char *name;
};

/* One per function, written by the vCPU thread's inline adds. */
struct counters {
    uint64_t insns, calls, mmio;
};

static struct func *funcs; /* sorted by start; funcs[OUTSIDE] is the catch-all */
static size_t nfuncs;
static struct counters *counts;
static uint64_t vector_base; /* 0 when the image has no VECTOR_SYMBOL */
static uint64_t vector_hits[VECTOR_ENTRIES];
static uint64_t slide;
static int count_mmio = 1;

static const char *const vector_names[VECTOR_ENTRIES] = {
    "el1t_sync",   "el1t_irq",    "el1t_fiq",    "el1t_serror",   "el1h_sync",  "el1h_irq",
    "el1h_fiq",    "el1h_serror", "el0_64_sync", "el0_64_irq",    "el0_64_fiq", "el0_64_serror",
    "el0_32_sync", "el0_32_irq",  "el0_32_fiq",  "el0_32_serror",
};

static int func_cmp(const void *a, const void *b)
{
    const struct func *fa = a, *fb = b;
    return fa->start < fb->start ? -1 : fa->start > fb->start;
}

/* The index of the function holding pc, or OUTSIDE. */
static size_t func_find(uint64_t pc)
{
    size_t lo = 1, hi = nfuncs; /* search funcs[1..nfuncs) for the last start <= pc */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (funcs[mid].start <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t i = lo - 1;
    return (i > OUTSIDE && pc < funcs[i].end) ? i : OUTSIDE;
}

static void *file_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        fprintf(stderr, "profile: elf=%s: %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    void *buf = malloc((size_t)st.st_size);
    if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (!buf)
        fprintf(stderr, "profile: elf=%s: cannot read it\n", path);
    *len = (size_t)st.st_size;
    return buf;
}

/*
 * Loads the functions of an AArch64 ELF64 image: its FUNC symbols, and the
 * untyped ones of executable sections (assembly labels such as the vectors).
 * A symbol without a size runs to the next symbol. The ELF stays in memory:
 * the names point into its string table. Returns 0, or -1 with a message.
 */
static int elf_load(const char *path)
{
    size_t len;
    uint8_t *elf = file_read(path, &len);
    if (!elf)
        return -1;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)elf;
    if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_AARCH64 ||
        eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > len ||
        (len - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum) {
        fprintf(stderr, "profile: elf=%s: expected an AArch64 ELF64 image with sections\n", path);
        return -1;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(elf + eh->e_shoff);
    const Elf64_Shdr *symtab = NULL;
    for (unsigned i = 0; i < eh->e_shnum; i++)
        if (sh[i].sh_type == SHT_SYMTAB)
            symtab = &sh[i];
    if (!symtab || symtab->sh_link >= eh->e_shnum || symtab->sh_offset > len ||
        symtab->sh_size > len - symtab->sh_offset || sh[symtab->sh_link].sh_offset > len ||
        sh[symtab->sh_link].sh_size > len - sh[symtab->sh_link].sh_offset) {
        fprintf(stderr, "profile: elf=%s: no usable symbol table (a stripped image?)\n", path);
        return -1;
    }
    const Elf64_Sym *syms = (const Elf64_Sym *)(elf + symtab->sh_offset);
    size_t nsyms = symtab->sh_size / sizeof(Elf64_Sym);
    const char *strtab = (const char *)(elf + sh[symtab->sh_link].sh_offset);
    size_t strtab_len = sh[symtab->sh_link].sh_size;

    funcs = calloc(nsyms + 1, sizeof(*funcs));
    if (!funcs)
        return -1;
    funcs[OUTSIDE] = (struct func){0, 0, "(outside)"};
    nfuncs = 1;
    for (size_t i = 0; i < nsyms; i++) {
        const Elf64_Sym *s = &syms[i];
        int type = ELF64_ST_TYPE(s->st_info);
        if (s->st_shndx == SHN_UNDEF || s->st_shndx >= eh->e_shnum || s->st_name >= strtab_len)
            continue;
        const char *name = strtab + s->st_name;
        int exec = (sh[s->st_shndx].sh_flags & SHF_EXECINSTR) != 0;
        /* $x/$d are AArch64 mapping symbols, not functions. */
        if (!exec || name[0] == '\0' || name[0] == '$' || (type != STT_FUNC && type != STT_NOTYPE))
            continue;
        if (memchr(name, '\0', strtab_len - s->st_name) == NULL)
            continue;
        if (strcmp(name, VECTOR_SYMBOL) == 0)
            vector_base = s->st_value + slide;
        funcs[nfuncs++] =
            (struct func){s->st_value + slide, s->st_value + slide + s->st_size, name};
    }
    qsort(funcs + 1, nfuncs - 1, sizeof(*funcs), func_cmp);
    /* Aliases (one address, two names) keep the first; sizeless run to the next. */
    size_t out = 1;
    for (size_t i = 1; i < nfuncs; i++) {
        if (out > 1 && funcs[out - 1].start == funcs[i].start)
            continue;
        funcs[out++] = funcs[i];
    }
    nfuncs = out;
    for (size_t i = 1; i < nfuncs; i++)
        if (funcs[i].end == funcs[i].start)
            funcs[i].end = i + 1 < nfuncs ? funcs[i + 1].start : funcs[i].start + 4;
    counts = calloc(nfuncs, sizeof(*counts));
    return counts ? 0 : -1;
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    (void)vcpu;
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    if (hw && qemu_plugin_hwaddr_is_io(hw))
        counts[(uintptr_t)udata].mmio++;
}

static void on_tb_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t pc = qemu_plugin_insn_vaddr(insn);
        size_t f = func_find(pc);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                   &counts[f].insns, 1);
        if (f != OUTSIDE && pc == funcs[f].start)
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                       &counts[f].calls, 1);
        if (vector_base && pc >= vector_base && pc < vector_base + VECTOR_ENTRIES * VECTOR_STRIDE &&
            (pc - vector_base) % VECTOR_STRIDE == 0)
            qemu_plugin_register_vcpu_insn_exec_inline(
                insn, QEMU_PLUGIN_INLINE_ADD_U64, &vector_hits[(pc - vector_base) / VECTOR_STRIDE],
                1);
        if (count_mmio)
            qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS,
                                             QEMU_PLUGIN_MEM_RW, (void *)(uintptr_t)f);
    }
}

static uint64_t total_insns(uint64_t *mmio)
{
    uint64_t insns = 0;
    *mmio = 0;
    for (size_t i = 0; i < nfuncs; i++) {
        insns += __atomic_load_n(&counts[i].insns, __ATOMIC_RELAXED);
        *mmio += __atomic_load_n(&counts[i].mmio, __ATOMIC_RELAXED);
    }
    return insns;
}

static void dump(FILE *out)
{
    for (size_t i = 0; i < nfuncs; i++) {
        const struct counters *c = &counts[i];
        if (c->insns || c->calls || c->mmio)
            fprintf(out, "fn %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n", c->insns, c->calls, c->mmio,
                    funcs[i].name);
    }
    for (size_t v = 0; v < VECTOR_ENTRIES; v++)
        if (vector_hits[v])
            fprintf(out, "exc %" PRIu64 " %s\n", vector_hits[v], vector_names[v]);
    uint64_t mmio;
    uint64_t insns = total_insns(&mmio);
    fprintf(out, "total %" PRIu64 " %" PRIu64 "\nend\n", insns, mmio);
}

/* Reads one command line from fd (the client sends it, then reads the answer). */
/* Serves one of reset, count and dump on a connection. */
static void serve(int fd)
{
    char cmd[CMD_MAX];
    plugin_socket_read_line(fd, cmd, sizeof(cmd));
    FILE *out = fdopen(fd, "w");
    if (!out) {
        close(fd);
        return;
    }
    if (strcmp(cmd, "reset") == 0) {
        memset(counts, 0, nfuncs * sizeof(*counts));
        memset(vector_hits, 0, sizeof(vector_hits));
        fputs("ok\n", out);
    } else if (strcmp(cmd, "count") == 0) {
        uint64_t mmio;
        fprintf(out, "insns %" PRIu64 "\n", total_insns(&mmio));
    } else if (strcmp(cmd, "dump") == 0) {
        dump(out);
    } else {
        fprintf(out, "error: unknown command '%s'; expected reset, count or dump\n", cmd);
    }
    fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    const char *path = NULL, *elf = NULL;
    for (int i = 0; i < argc; i++) {
        char *end;
        if (strncmp(argv[i], ARG_SOCK, strlen(ARG_SOCK)) == 0 && argv[i][strlen(ARG_SOCK)]) {
            path = argv[i] + strlen(ARG_SOCK);
        } else if (strncmp(argv[i], ARG_ELF, strlen(ARG_ELF)) == 0 && argv[i][strlen(ARG_ELF)]) {
            elf = argv[i] + strlen(ARG_ELF);
        } else if (strcmp(argv[i], ARG_MMIO_OFF) == 0) {
            count_mmio = 0;
        } else if (strncmp(argv[i], ARG_SLIDE, strlen(ARG_SLIDE)) == 0 &&
                   (slide = strtoull(argv[i] + strlen(ARG_SLIDE), &end, 0), *end == '\0') &&
                   end != argv[i] + strlen(ARG_SLIDE)) {
            continue;
        } else {
            fprintf(stderr,
                    "profile: unknown argument '%s'; expected elf=IMAGE.elf,sock=PATH"
                    "[,mmio=off][,slide=OFFSET]\n",
                    argv[i]);
            return -1;
        }
    }
    if (!path || !elf) {
        fprintf(stderr, "profile: expected elf=IMAGE.elf (the image's symbols) and sock=PATH "
                        "(the Unix socket for reset/count/dump)\n");
        return -1;
    }
    if (info->system_emulation && info->system.max_vcpus != 1) {
        fprintf(stderr, "profile: counts one vCPU only; run QEMU with -smp 1 (got %d)\n",
                info->system.max_vcpus);
        return -1;
    }
    if (elf_load(elf) != 0)
        return -1;
    if (plugin_socket_start(id, "profile", path, serve) != 0)
        return -1;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_translate);
    return 0;
}
