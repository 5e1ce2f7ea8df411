// SPDX-License-Identifier: MIT
/* Semihosting exit and console output, see semihost.h. */
#include "arch/aarch64/semihost.h"

#include <errno.h>

#define SYS_WRITE0               0x04
#define SYS_EXIT                 0x18
#define ADP_STOPPED_APPLICATION  0x20026
#define HLT_SEMIHOSTING_ENCODING 0xd45e0000u /* hlt #0xf000 */

static volatile int probing;

/* One call; without semihosting the HLT traps and trap.c makes it return SEMIHOST_UNAVAILABLE. */
static uint64_t semihost_call(uint64_t op, const void *arg)
{
    probing = 1; /* before the register variables: only the asm keeps them in place */
    register uint64_t x0 __asm__("x0") = op;
    register const void *x1 __asm__("x1") = arg;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    probing = 0;
    return x0;
}

int semihost_exit(int code)
{
    /* AArch64 SYS_EXIT takes a block: reason, then the exit status. */
    static uint64_t block[2];
    block[0] = ADP_STOPPED_APPLICATION;
    block[1] = (uint64_t)(int64_t)code;
    semihost_call(SYS_EXIT, block);
    return -ENOSYS;
}

int semihost_write(const char *text)
{
    return semihost_call(SYS_WRITE0, text) == SEMIHOST_UNAVAILABLE ? -ENOSYS : 0;
}

int semihost_is_probe(uint64_t pc)
{
    return probing && *(const volatile uint32_t *)pc == HLT_SEMIHOSTING_ENCODING;
}
