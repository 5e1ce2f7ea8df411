// SPDX-License-Identifier: MIT
/*
 * crashtest: crashes the way crash=<kind> says, to show (and test) that every
 * kind of fault ends in a readable crash report and a non-zero exit status.
 *   null      load from address 0 (page 0 is never mapped)
 *   text      store into the image's own code (text is read-only)
 *   stack     execute an instruction placed on the stack (stacks are never executable)
 *   overflow  unbounded recursion into the stack's guard page
 *   undef     an undefined instruction
 *   panic     mote_panic() with a message
 *   unaligned an unaligned exclusive load from device memory (the UART)
 *   double-free      free() of a block twice
 *   heap-overflow    a write past the end of a block into the next block's header
 *   interior-free    free() of a pointer into the middle of a block
 *   return-address   overwrite this function's saved return address, then return (PAC stops it)
 *   mid-function     call a function past its landing pad (BTI stops it)
 *   smash            write past a local array over the stack protector's canary, then return
 * The last two need a CPU with PAC and BTI (QEMU -cpu max); elsewhere they
 * are not stopped, and say so with exit status 3 (CRASH_NOT_STOPPED).
 * Each case is its own function, so the report can be checked to name it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>

#define NOINLINE          __attribute__((noinline))
#define INSN_RET          0xd65f03c0u /* ret */
#define UART_DR_PA        0x09000000u /* QEMU virt's PL011, mapped as device memory */
#define INSN_SIZE         4
#define CRASH_NOT_STOPPED 3

#define HEAP_BLOCK_SIZE 32
#define HEAP_INTERIOR   16 /* bytes into the block that interior-free frees */

static volatile uint64_t sink;
/* Blocks pass through here, so the compiler sees no misuse to warn about or fold away. */
static void *volatile heap_ptr;
static volatile size_t heap_overrun = 2 * HEAP_BLOCK_SIZE;

#define SMASH_ARRAY_SIZE 16
/* The array and the 8 bytes above it: -fstack-protector-strong puts the canary there. */
static volatile size_t smash_len = SMASH_ARRAY_SIZE + sizeof(uintptr_t);

NOINLINE static void crash_null_dereference(void)
{
    sink = *(volatile uint64_t *)0;
}

NOINLINE static void crash_write_to_text(void)
{
    *(volatile uint32_t *)(uintptr_t)&crash_write_to_text = 0;
}

NOINLINE static void crash_execute_stack(void)
{
    uint32_t code[1] = {INSN_RET};
    void (*fn)(void) = (void (*)(void))(uintptr_t)code;
    __asm__ volatile("" ::"r"(code) : "memory"); /* the store happens before the call */
    fn();
}

/* Bounded only by a limit no stack reaches, so the compiler sees no infinite recursion. */
NOINLINE static uint64_t crash_stack_overflow(uint64_t depth)
{
    volatile uint8_t frame[512];
    frame[0] = (uint8_t)depth;
    if (depth == UINT64_MAX)
        return 0;
    return crash_stack_overflow(depth + 1) + frame[0];
}

NOINLINE static void crash_undefined_instruction(void)
{
    __asm__ volatile("udf #0");
}

NOINLINE static void crash_panic(void)
{
    mote_panic("crashtest asked for a panic");
}

/*
 * An exclusive load: unaligned, it faults on every memory type. (A plain
 * unaligned load from device memory faults on hardware too, but QEMU 7.2's
 * TCG does not model that fault.)
 */
NOINLINE static void crash_unaligned_device(void)
{
    uint32_t v;
    __asm__ volatile("ldxr %w0, [%1]" : "=r"(v) : "r"((uintptr_t)UART_DR_PA + 1) : "memory");
    sink = v;
}

NOINLINE static void crash_double_free(void)
{
    heap_ptr = malloc(HEAP_BLOCK_SIZE);
    free(heap_ptr);
    free(heap_ptr);
    sink++; /* not a tail call: the report's caller is this function */
}

/* 64 bytes into a 32-byte block: its canary and the header of the block after it. */
NOINLINE static void crash_heap_overflow(void)
{
    uint8_t *first = malloc(HEAP_BLOCK_SIZE);
    heap_ptr = malloc(HEAP_BLOCK_SIZE);
    for (size_t i = 0; i < heap_overrun; i++)
        first[i] = (uint8_t)i;
    free(heap_ptr);
    sink++;
}

NOINLINE static void crash_interior_free(void)
{
    heap_ptr = (uint8_t *)malloc(HEAP_BLOCK_SIZE) + HEAP_INTERIOR;
    free(heap_ptr);
    sink++;
}

/* Where a hijacked return or branch ends when nothing stops it: said, then a distinct exit. */
NOINLINE static void crash_not_stopped(const char *how)
{
    mote_log(MOTE_LOG_ERROR, "crashtest: %s was not stopped (no PAC or BTI in this CPU)", how);
    mote_exit(CRASH_NOT_STOPPED);
}

/*
 * A buffer overrun on the stack: the canary above the array no longer
 * matches the guard when the function returns, and __stack_chk_fail panics
 * before the return. The length comes through a volatile, so the compiler
 * sees no overrun to warn about or fold away.
 */
NOINLINE static void crash_stack_smash(void)
{
    uint8_t buf[SMASH_ARRAY_SIZE];
    for (size_t i = 0; i < smash_len; i++)
        buf[i] = (uint8_t)i;
    __asm__ volatile("" ::"r"(buf) : "memory"); /* the stores happen */
}

NOINLINE static void crash_hijacked(void)
{
    crash_not_stopped("the overwritten return address");
}

/*
 * The frame record this function saved on entry holds its signed return
 * address; the write puts a plain address there instead, as a stack overflow
 * would. Its return checks the address (autiasp) and fails.
 */
NOINLINE static void crash_return_address(void)
{
    mote_log(MOTE_LOG_INFO, "crashtest: overwriting the return address of crash_return_address");
    uint64_t *record = __builtin_frame_address(0); /* {saved x29, saved x30} */
    record[1] = (uint64_t)(uintptr_t)crash_hijacked;
    __asm__ volatile("" ::: "memory");
}

/*
 * A function whose first instruction is its landing pad and whose second is
 * not: a call to its second instruction is what a corrupted function pointer
 * does. Assembly, so the instructions are exactly these.
 */
void crashtest_landing_pad(void);
NOINLINE void crashtest_past_landing_pad(void)
{
    crash_not_stopped("the call past the landing pad");
}
__asm__(".pushsection .text.crashtest_landing_pad, \"ax\"\n"
        ".balign 4\n"
        ".type crashtest_landing_pad, %function\n"
        "crashtest_landing_pad:\n"
        "    bti c\n"
        "    b crashtest_past_landing_pad\n"
        ".size crashtest_landing_pad, . - crashtest_landing_pad\n"
        ".popsection\n");

static void (*volatile mid_function)(void);

NOINLINE static void crash_mid_function(void)
{
    mid_function = (void (*)(void))((uintptr_t)crashtest_landing_pad + INSN_SIZE);
    mid_function();
    sink++;
}

static const struct {
    const char *name;
    void (*fn)(void);
} crashes[] = {
    {"null", crash_null_dereference},
    {"text", crash_write_to_text},
    {"stack", crash_execute_stack},
    {"undef", crash_undefined_instruction},
    {"panic", crash_panic},
    {"unaligned", crash_unaligned_device},
    {"double-free", crash_double_free},
    {"heap-overflow", crash_heap_overflow},
    {"interior-free", crash_interior_free},
    {"return-address", crash_return_address},
    {"mid-function", crash_mid_function},
    {"smash", crash_stack_smash},
};

void service_start(const char *args)
{
    char kind[16];
    if (mote_arg_get(args, "crash", kind, sizeof(kind)) < 0) {
        mote_log(MOTE_LOG_ERROR,
                 "crashtest: expected crash=null|text|stack|overflow|undef|panic|unaligned|"
                 "double-free|heap-overflow|interior-free|return-address|mid-function|smash");
        mote_exit(2);
    }
    mote_log(MOTE_LOG_INFO, "crashtest: crashing with %s", kind);
    if (strcmp(kind, "overflow") == 0)
        sink = crash_stack_overflow(0);
    for (size_t i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
        if (strcmp(kind, crashes[i].name) == 0)
            crashes[i].fn();
    if (strcmp(kind, "smash") == 0) {
        mote_log(MOTE_LOG_ERROR, "crashtest: the overwritten canary was not noticed");
        mote_exit(CRASH_NOT_STOPPED);
    }
    mote_log(MOTE_LOG_ERROR, "crashtest: unknown crash=%s", kind);
    mote_exit(2);
}
