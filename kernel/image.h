/* SPDX-License-Identifier: MIT */
/* What the linker script (arch/aarch64/image.ld.in) tells the kernel about the image. */
#ifndef KERNEL_IMAGE_H
#define KERNEL_IMAGE_H

extern char __image_start[], __text_end[], __rodata_end[], __data_end[];
extern char __stack_guard[], __stack_bottom[], __stack_top[];
extern char __exc_stack_guard[], __exc_stack_bottom[], __exc_stack_top[];
extern char __image_end[];

#endif
