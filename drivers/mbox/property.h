/* SPDX-License-Identifier: MIT */
/*
 * The mailbox property message (the Raspberry Pi firmware wiki, "Mailbox
 * property interface"), built and read back without any hardware, so the
 * firmware's answers can be fuzzed (tests/fuzz/fuzz_mbox.c):
 *   word 0  size in bytes, header included
 *   word 1  code: 0 in a request; 0x80000000 in a successful answer
 *   tags    id, value buffer size in bytes, code (bit 31 set by the firmware,
 *           bits 0-30 the answer's length in bytes), then the value buffer
 *   0       the end tag
 * Everything in an answer is the firmware's word and is checked before use:
 * each tag must come back where it was sent, with its id, marked answered and
 * no longer than its buffer.
 */
#ifndef DRIVERS_MBOX_PROPERTY_H
#define DRIVERS_MBOX_PROPERTY_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/mbox/bcm2835_mbox.h"

/*
 * Writes the request for tags[0..n) into msg (max_words words). Returns the
 * words written, or -EINVAL for a tag larger than MBOX_TAG_MAX_WORDS or a
 * message that does not fit.
 */
int mbox_property_build(uint32_t *msg, size_t max_words, const struct mbox_tag *tags, size_t n);

/*
 * Reads the answer in msg (max_words words; the request built from the same
 * tags) into each tag's value and answer_len. Returns 0, or -EIO when the
 * firmware reports an error, changed a tag's id, left a tag unanswered or
 * answered with more bytes than its buffer holds (a value cut short).
 */
int mbox_property_parse(const uint32_t *msg, size_t max_words, struct mbox_tag *tags, size_t n);

#endif
