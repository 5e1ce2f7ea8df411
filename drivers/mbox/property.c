// SPDX-License-Identifier: MIT
/* The mailbox property message, built and read back (drivers/mbox/property.h). */
#include "drivers/mbox/property.h"

#include <errno.h>
#include <string.h>

/* clang-format off */
#define MSG_SIZE 0 /* bytes, header included */
#define MSG_CODE 1
#define   MSG_REQUEST     0x00000000u
#define   MSG_RESPONSE_OK 0x80000000u
#define MSG_TAGS 2
#define TAG_ID      0
#define TAG_BUFSIZE 1 /* bytes */
#define TAG_CODE    2
#define   TAG_RESPONSE (1u << 31) /* set by the firmware, length in bits 0-30 */
#define TAG_VALUE        3
#define TAG_HEADER_WORDS 3
#define MSG_END_TAG      0
#define WORD_BYTES       4
/* clang-format on */

int mbox_property_build(uint32_t *msg, size_t max_words, const struct mbox_tag *tags, size_t n)
{
    size_t w = MSG_TAGS;
    for (size_t i = 0; i < n; i++) {
        if (tags[i].words > MBOX_TAG_MAX_WORDS ||
            w + TAG_HEADER_WORDS + tags[i].words + 1 > max_words)
            return -EINVAL;
        msg[w + TAG_ID] = tags[i].id;
        msg[w + TAG_BUFSIZE] = tags[i].words * WORD_BYTES;
        msg[w + TAG_CODE] = 0;
        memcpy(&msg[w + TAG_VALUE], tags[i].value, tags[i].words * WORD_BYTES);
        w += TAG_HEADER_WORDS + tags[i].words;
    }
    if (w + 1 > max_words)
        return -EINVAL;
    msg[w++] = MSG_END_TAG;
    msg[MSG_SIZE] = (uint32_t)(w * WORD_BYTES);
    msg[MSG_CODE] = MSG_REQUEST;
    return (int)w;
}

int mbox_property_parse(const uint32_t *msg, size_t max_words, struct mbox_tag *tags, size_t n)
{
    if (max_words < MSG_TAGS || msg[MSG_CODE] != MSG_RESPONSE_OK)
        return -EIO;
    size_t w = MSG_TAGS;
    for (size_t i = 0; i < n; i++) {
        /* The layout is the request's (the firmware answers in place), checked again here. */
        if (tags[i].words > MBOX_TAG_MAX_WORDS || w + TAG_HEADER_WORDS + tags[i].words > max_words)
            return -EIO;
        uint32_t code = msg[w + TAG_CODE], len = code & ~TAG_RESPONSE;
        if (msg[w + TAG_ID] != tags[i].id || !(code & TAG_RESPONSE) ||
            len > tags[i].words * WORD_BYTES)
            return -EIO;
        tags[i].answer_len = len;
        memcpy(tags[i].value, &msg[w + TAG_VALUE], tags[i].words * WORD_BYTES);
        w += TAG_HEADER_WORDS + tags[i].words;
    }
    return 0;
}
