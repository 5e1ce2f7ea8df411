// SPDX-License-Identifier: MIT
/* Unit tests for the ELF core file layout (lib/elfcore/elfcore.c) gdb reads back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/elfcore/elfcore.h"

static struct elfcore_header h;

static struct elfcore_cpu sample_cpu(void)
{
    struct elfcore_cpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    for (int i = 0; i < 31; i++)
        cpu.x[i] = 0x1000 + (uint64_t)i;
    cpu.sp = 0x40241ec0;
    cpu.pc = 0x4020457c;
    cpu.pstate = 0x80000344;
    cpu.v[0] = 0x1111;
    cpu.v[63] = 0x3131;
    cpu.fpsr = 0x10;
    cpu.fpcr = 0x20;
    cpu.signal = 11;
    return cpu;
}

/* Walks the PT_NOTE as gdb's BFD does: header, 4-byte padded name, padded descriptor. */
static const uint8_t *find_note(uint32_t type, uint32_t *size)
{
    const uint8_t *base = (const uint8_t *)&h;
    const uint8_t *p = base + h.phdr[0].p_offset, *end = p + h.phdr[0].p_filesz;
    while (p + sizeof(Elf64_Nhdr) <= end) {
        const Elf64_Nhdr *n = (const Elf64_Nhdr *)p;
        const uint8_t *name = p + sizeof(*n);
        const uint8_t *desc = name + ((n->n_namesz + 3) & ~3u);
        if (n->n_type == type && memcmp(name, "CORE", 5) == 0) {
            *size = n->n_descsz;
            return desc;
        }
        p = desc + ((n->n_descsz + 3) & ~3u);
    }
    return NULL;
}

static void test_elfcore_header_is_an_aarch64_core(void **state)
{
    (void)state;
    struct elfcore_cpu cpu = sample_cpu();
    struct elfcore_segment seg[] = {{0x4020b000, 0x3000}, {0x40240000, 0x10000}};
    elfcore_build(&h, &cpu, seg, 2);
    assert_memory_equal(h.ehdr.e_ident, ELFMAG, SELFMAG);
    assert_int_equal(h.ehdr.e_ident[EI_CLASS], ELFCLASS64);
    assert_int_equal(h.ehdr.e_ident[EI_DATA], ELFDATA2LSB);
    assert_int_equal(h.ehdr.e_type, ET_CORE);
    assert_int_equal(h.ehdr.e_machine, EM_AARCH64);
    assert_int_equal(h.ehdr.e_phnum, 3);
    assert_int_equal(h.ehdr.e_phoff, offsetof(struct elfcore_header, phdr));
    assert_int_equal(h.ehdr.e_phentsize, sizeof(Elf64_Phdr));
    assert_int_equal(h.phdr[0].p_type, PT_NOTE);
}

static void test_elfcore_prstatus_holds_registers_where_gdb_looks(void **state)
{
    (void)state;
    struct elfcore_cpu cpu = sample_cpu();
    elfcore_build(&h, &cpu, NULL, 0);
    uint32_t size;
    const uint8_t *d = find_note(NT_PRSTATUS, &size);
    assert_non_null(d);
    assert_int_equal(size, 392); /* sizeof(struct elf_prstatus) on Linux arm64 */
    int32_t signo;
    int16_t cursig;
    memcpy(&signo, d, 4);
    memcpy(&cursig, d + 12, 2);
    assert_int_equal(signo, 11);
    assert_int_equal(cursig, 11);
    uint64_t reg[34];
    memcpy(reg, d + 112, sizeof(reg));
    assert_int_equal(reg[0], 0x1000);
    assert_int_equal(reg[30], 0x101e);
    assert_int_equal(reg[31], 0x40241ec0); /* sp */
    assert_int_equal(reg[32], 0x4020457c); /* pc */
    assert_int_equal(reg[33], 0x80000344); /* pstate */
}

static void test_elfcore_fpregset_holds_vectors_fpsr_fpcr(void **state)
{
    (void)state;
    struct elfcore_cpu cpu = sample_cpu();
    elfcore_build(&h, &cpu, NULL, 0);
    uint32_t size;
    const uint8_t *d = find_note(NT_FPREGSET, &size);
    assert_non_null(d);
    assert_int_equal(size, 528); /* sizeof(struct user_fpsimd_state) */
    uint64_t v0, v31_hi;
    uint32_t fpsr, fpcr;
    memcpy(&v0, d, 8);
    memcpy(&v31_hi, d + 31 * 16 + 8, 8);
    memcpy(&fpsr, d + 512, 4);
    memcpy(&fpcr, d + 516, 4);
    assert_int_equal(v0, 0x1111);
    assert_int_equal(v31_hi, 0x3131);
    assert_int_equal(fpsr, 0x10);
    assert_int_equal(fpcr, 0x20);
}

static void test_elfcore_segments_follow_at_page_aligned_offsets(void **state)
{
    (void)state;
    struct elfcore_cpu cpu = sample_cpu();
    struct elfcore_segment seg[] = {
        {0x4020b000, 0x1234}, {0x40240000, 0}, {0x40250000, 0x10000}, {0x40300000, 1}};
    uint64_t total = elfcore_build(&h, &cpu, seg, 4);
    uint64_t prev_end = sizeof(h);
    for (int i = 0; i < 4; i++) {
        const Elf64_Phdr *p = &h.phdr[1 + i];
        assert_int_equal(p->p_type, PT_LOAD);
        assert_int_equal(p->p_offset % ELFCORE_ALIGN, 0);
        assert_true(p->p_offset >= prev_end);
        assert_int_equal(p->p_vaddr, seg[i].vaddr);
        assert_int_equal(p->p_filesz, seg[i].size);
        assert_int_equal(p->p_memsz, seg[i].size);
        prev_end = p->p_offset + p->p_filesz;
    }
    assert_int_equal(total, prev_end);
}

static void test_elfcore_refuses_too_many_segments(void **state)
{
    (void)state;
    struct elfcore_cpu cpu = sample_cpu();
    struct elfcore_segment seg[ELFCORE_SEGMENTS_MAX + 1] = {{0, 0}};
    assert_int_equal(elfcore_build(&h, &cpu, seg, ELFCORE_SEGMENTS_MAX + 1), 0);
    assert_int_equal(elfcore_build(&h, &cpu, seg, 0), sizeof(h));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elfcore_header_is_an_aarch64_core),
        cmocka_unit_test(test_elfcore_prstatus_holds_registers_where_gdb_looks),
        cmocka_unit_test(test_elfcore_fpregset_holds_vectors_fpsr_fpcr),
        cmocka_unit_test(test_elfcore_segments_follow_at_page_aligned_offsets),
        cmocka_unit_test(test_elfcore_refuses_too_many_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
