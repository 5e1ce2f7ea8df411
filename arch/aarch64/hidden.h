/* SPDX-License-Identifier: MIT */
/*
 * Included first in every C file of the Mote object (mk/toolchain.mk:
 * PIE_CFLAGS, -include).
 *
 * An image is one static position-independent executable: no symbol is ever
 * preempted by a shared library. Declared hidden, every global is reached
 * PC-relative (adrp, then the access with its low 12 bits), where -fpie
 * otherwise loads its address from the GOT first: one instruction and one
 * load more per access, and a GOT slot relocated at boot in the image's data.
 *
 * The stack protector's canary is not reached this way but through a system
 * register that holds its address (mk/toolchain.mk: STACK_GUARD_SYSREG).
 */
#pragma GCC visibility push(hidden)
