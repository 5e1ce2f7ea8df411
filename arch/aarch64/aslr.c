// SPDX-License-Identifier: MIT
/* Address-space layout randomisation of the image, see aslr.h. */
#include "arch/aarch64/aslr.h"

#include "kernel/dma.h"

#include <errno.h>
#include <libfdt.h>
#include <mote/args.h>
#include <mote/log.h>
#include <string.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/rndr.h"
#include "kernel/image.h"
#include "lib/devtree/devtree.h"
#include "memmap.h"
#include "platform/platform.h"

/*
 * The window of random addresses: 2^ASLR_SLOT_BITS pages from 2^46 (64 TiB)
 * on, far above QEMU virt's RAM and devices (below 1 TiB, identity-mapped),
 * below the 48-bit limit of TTBR0.
 */
#define ASLR_VA_BASE   (1ull << 46)
#define ASLR_SLOT_BITS 30
#define ASLR_SLOT_SIZE PAGE_SIZE
#if defined(IMAGE_ASLR) && !defined(MOTE_NO_ASLR) /* make ASLR=0: measurements only */
#define ASLR_ON 1
#else
#define ASLR_ON 0 /* the board's memmap.h says why not */
#endif

/* The heap's window: 2^HEAP_SLOT_BITS blocks of 2 MiB from 2^45, below the image's. */
#define HEAP_VA_BASE   (1ull << 45)
#define HEAP_SLOT_BITS 21
#define HEAP_SLOT_SIZE (2ull << 20)

/*
 * The static PIE's relocations, all R_AARCH64_RELATIVE (scripts/relocs.py
 * refuses others at build time), in DT_RELR's encoding: each table is a
 * count, then entries that are offsets from the start of .rodata or .data
 * (even: relocate that word; the next address is the word after it) or
 * bitmaps (odd: bit i relocates the word i - 1 after the next address, which
 * then moves 63 words on). A word holds its link-time address: add the slide.
 */
#define RELR_BITMAP_WORDS 63
extern const uint64_t mote_relr_rodata[], mote_relr_data[];

static uint64_t slide;
static enum aslr_source source = ASLR_OFF;
static uint64_t heap_seed; /* drawn with the image's, used by aslr_map_heap */
static uint64_t heap_va, heap_pa, heap_alias_size; /* the heap's alias, once mapped */

/* Mixes the seed's bits (SplitMix64's finaliser), so every bit of it moves the slide. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/*
 * The DTB's kaslr-seed, then wiped there (as Linux does: the DTB stays in
 * RAM, where a core dump or the debugger could read it).
 */
static int seed_from_dtb(void *fdt, int chosen, uint64_t *seed)
{
    int len;
    /*
     * devtree_prop, not libfdt's getprop: the boot reads the tree with the
     * index's scanner anyway, and each function run once at boot costs QEMU
     * a translation (some 70 blocks for libfdt's getprop, ~10 us each).
     */
    uint8_t *prop = (uint8_t *)devtree_prop(fdt, chosen, "kaslr-seed", &len);
    if (!prop || len != (int)sizeof(uint64_t))
        return -1;
    *seed = 0;
    for (int i = 0; i < len; i++) /* big-endian, maybe unaligned (a value is 4-aligned) */
        *seed = *seed << 8 | prop[i];
    memset(prop, 0, (size_t)len);
    return *seed ? 0 : -1;
}

/*
 * The boot argument aslr=off keeps the image and the heap where they are, for
 * a debugger that cannot be told the slide before the image runs (QEMU's own
 * stub started with -S), as Linux's nokaslr.
 */
static int asked_off(const void *fdt, int chosen)
{
    const char *args = devtree_prop(fdt, chosen, "bootargs", NULL);
    char val[4];
    return args && mote_arg_get(args, "aslr", val, sizeof(val)) >= 0 && strcmp(val, "off") == 0;
}

static uint64_t seed_draw(void *fdt, int chosen)
{
    uint64_t seed;
    if (seed_from_dtb(fdt, chosen, &seed) == 0) {
        source = ASLR_KASLR_SEED;
        return seed;
    }
    if (rndr_read(&seed, sizeof(seed)) == 0) {
        source = ASLR_RNDR;
        return seed;
    }
    source = ASLR_COUNTER;
    return sysreg_read(cntvct_el0);
}

/* The image's parts with their permissions, at virtual = physical + delta. */
static int map_image(uint64_t delta, enum mmu_kind rodata)
{
    const struct {
        const char *start, *end;
        enum mmu_kind kind;
    } parts[] = {
        {__image_start, __text_end, MMU_TEXT},
        {__text_end, __rodata_end, rodata},
        {__rodata_end, __data_end, MMU_DATA},
        /* The stacks, each with an unmapped guard page below it. */
        {__stack_bottom, __stack_top, MMU_DATA},
        {__exc_stack_bottom, __exc_stack_top, MMU_DATA},
    };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        uint64_t pa = (uint64_t)parts[i].start, size = (uint64_t)(parts[i].end - parts[i].start);
        if (size && mmu_map_at(pa + delta, pa, size, parts[i].kind) != 0)
            return -1;
    }
    return 0;
}

static void stop(void)
{
    for (;;)
        cpu_wait_for_interrupt(); /* no console yet: nothing to say it with */
}

/* Adds by to the words table (relr above) names, offsets from base. */
static void relocate_section(const uint64_t *table, uint64_t base, uint64_t by)
{
    uint64_t count = table[0];
    uint64_t *next = NULL;
    for (uint64_t i = 1; i <= count; i++) {
        uint64_t e = table[i];
        if (!(e & 1)) {
            uint64_t *word = (uint64_t *)(base + e);
            *word += by;
            next = word + 1;
            continue;
        }
        if (!next)
            stop(); /* a bitmap before any address: not what relocs.py writes */
        for (unsigned bit = 0; bit < RELR_BITMAP_WORDS; bit++)
            if (e & (2ull << bit))
                next[bit] += by;
        next += RELR_BITMAP_WORDS;
    }
}

/*
 * Writes each relocated address through the identity alias, where rodata is
 * still writable: the address the link gave plus the slide.
 */
static void relocate(uint64_t by)
{
    relocate_section(mote_relr_rodata, (uint64_t)__text_end, by); /* .rodata starts there */
    relocate_section(mote_relr_data, (uint64_t)__rodata_end, by); /* and .data there */
}

uint64_t aslr_early(uint64_t boot_x0, void **fdt_out)
{
    /* MMU off: only the header is read here (unaligned reads fault on device memory). */
    void *fdt = platform_find_dtb(boot_x0);
    if (fdt && fdt_check_header(fdt) != 0)
        fdt = NULL;
    mmu_init();
    /* With ASLR, rodata stays writable in the identity alias until the relocations are in. */
    if (map_image(0, ASLR_ON ? MMU_DATA : MMU_RODATA) != 0 ||
        (fdt && mmu_map((uint64_t)fdt, fdt_totalsize(fdt), MMU_DATA) != 0))
        stop();
    mmu_enable();
    *fdt_out = fdt;
    if (!ASLR_ON)
        return 0;
    /*
     * MMU on: the DTB is normal memory now, and may be walked. One pass finds
     * /chosen (libfdt's fdt_path_offset walks the whole of QEMU's tree for it, at
     * a bounds check per byte of every node name: tens of thousands of instructions).
     */
    int chosen = fdt ? devtree_top_node(fdt, "chosen") : -ENOENT;
    if (asked_off(fdt, chosen)) {
        source = ASLR_ASKED_OFF;
        /* rodata read-only again: this is the image's only mapping. */
        uint64_t ro = (uint64_t)__text_end, ro_size = (uint64_t)(__rodata_end - __text_end);
        if (mmu_unmap(ro, ro_size) != 0 || mmu_map(ro, ro_size, MMU_RODATA) != 0)
            stop();
        return 0;
    }
    uint64_t seed = seed_draw(fdt, chosen);
    uint64_t slot = mix64(seed) & ((1ull << ASLR_SLOT_BITS) - 1);
    heap_seed = mix64(seed ^ HEAP_VA_BASE); /* another draw: the two slots are independent */
    uint64_t va = ASLR_VA_BASE + slot * ASLR_SLOT_SIZE;
    uint64_t by = va - (uint64_t)__image_start;
    if (map_image(by, MMU_RODATA) != 0)
        stop();
    relocate(by);
    dsb(ish);
    slide = by; /* written at the physical address: read back at the new one */
    return slide;
}

uint64_t aslr_map_heap(uint64_t base, uint64_t *size)
{
    uint64_t end = (base + *size) & ~(PAGE_SIZE - 1); /* whole heap: mmu_unmap splits blocks */
    if (!ASLR_ON || !slide || end <= base)
        return base;
    uint64_t slot = heap_seed & ((1ull << HEAP_SLOT_BITS) - 1);
    uint64_t va = HEAP_VA_BASE + slot * HEAP_SLOT_SIZE + (base & (HEAP_SLOT_SIZE - 1));
    if (mmu_map_at(va, base, end - base, MMU_DATA) != 0)
        return base;
    /* Blocks of the identity map that [base, end) cuts are split (mmu_unmap). */
    if (mmu_unmap(base, end - base) != 0)
        stop();
    heap_va = va;
    heap_pa = base;
    heap_alias_size = end - base;
    *size = heap_alias_size;
    return va;
}

void aslr_finish(void)
{
    if (!slide)
        return;
    mmu_set_tables_offset(slide);
    uint64_t pa = aslr_phys(__image_start);
    if (mmu_unmap(pa, (uint64_t)(__image_end - __image_start)) != 0)
        stop();
}

uint64_t aslr_slide(void)
{
    return slide;
}

enum aslr_source aslr_source(void)
{
    return source;
}

unsigned aslr_bits(void)
{
    return slide ? ASLR_SLOT_BITS : 0;
}

void aslr_log(void)
{
    static const char *const names[] = {
        [ASLR_OFF] = "off",
        [ASLR_ASKED_OFF] = "off",
        [ASLR_KASLR_SEED] = "the DTB's kaslr-seed",
        [ASLR_RNDR] = "RNDR",
        [ASLR_COUNTER] = "the counter",
    };
    if (source == ASLR_OFF || source == ASLR_ASKED_OFF) {
        mote_log(source == ASLR_OFF ? MOTE_LOG_INFO : MOTE_LOG_WARN,
                 "aslr: off %s: the image runs where it was loaded",
                 source == ASLR_OFF ? "on this board" : "(aslr=off)");
        return;
    }
    mote_log(source == ASLR_COUNTER ? MOTE_LOG_WARN : MOTE_LOG_INFO,
             "aslr: image at 0x%llx (the ELF's addresses + 0x%llx), %u bits from %s%s",
             (unsigned long long)(uintptr_t)__image_start, (unsigned long long)slide,
             ASLR_SLOT_BITS, names[source],
             source == ASLR_COUNTER ? " (no kaslr-seed or RNDR: an attacker may guess it)" : "");
}

uint64_t aslr_phys(const void *p)
{
    uint64_t a = (uint64_t)p;
    if (a >= (uint64_t)__image_start && a < (uint64_t)__image_end)
        return a - slide;
    if (a - heap_va < heap_alias_size)
        return a - heap_va + heap_pa;
    return a;
}

uint64_t dma_addr(const volatile void *p)
{
    return aslr_phys((const void *)p);
}
