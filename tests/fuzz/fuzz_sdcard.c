// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the SD card driver (drivers/sd/sdcard.c) against a card
 * that answers anything. The fake controller below takes each command's
 * outcome and response from the input: an outcome byte (0 answered, 1 no
 * answer, 2 CRC error, 3 controller error), then 16 bytes of response, then
 * for a read its 512 bytes. Time advances 10 ms per command, so a card that
 * never finishes powering up or programming meets the driver's timeouts.
 * Checked: identification ends with success or a documented error; a card
 * it accepts has blocks, and each read or write of the first and the last
 * block addresses exactly that block (no byte address cut to 32 bits).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>

#include "drivers/sd/sdcard.h"
#include "drivers/sd/sdhci.h"
#include "kernel/block.h"

#define STEP_NS        10000000ull
#define CMD_READ       17
#define CMD_WRITE      24
#define OUTCOME_COUNT  4
#define RESPONSE_BYTES 16

static const uint8_t *in;
static size_t in_left;
static uint64_t now_ns;
static struct block_dev *registered;
static uint64_t expect_lba; /* the block a data command must address */
static int completed;

static uint8_t take_u8(void)
{
    if (in_left == 0)
        return 1; /* the input is spent: the card goes quiet */
    in_left--;
    return *in++;
}

static void take(void *out, size_t len)
{
    size_t n = len < in_left ? len : in_left;
    memset(out, 0, len);
    memcpy(out, in, n);
    in += n;
    in_left -= n;
}

int sdhci_init(uintptr_t base, uint32_t base_clock_hz)
{
    (void)base, (void)base_clock_hz;
    return 0;
}

int sdhci_set_clock(uint32_t hz)
{
    (void)hz;
    return 0;
}

int sdhci_send(struct sdhci_cmd *cmd)
{
    static const int outcomes[OUTCOME_COUNT] = {0, -ETIMEDOUT, -EILSEQ, -EIO};
    now_ns += STEP_NS;
    if (cmd->index == CMD_READ || cmd->index == CMD_WRITE) {
        /* SDSC: a byte address; SDHC/SDXC: the block number. Either exactly. */
        if (cmd->arg != expect_lba && cmd->arg != expect_lba * SDHCI_BLOCK_SIZE)
            abort();
        if (cmd->blocks != 1 || !cmd->data)
            abort();
    }
    int err = outcomes[take_u8() % OUTCOME_COUNT];
    take(cmd->resp, RESPONSE_BYTES);
    if (err == 0 && cmd->index == CMD_READ)
        take(cmd->data, SDHCI_BLOCK_SIZE);
    return err;
}

uint64_t gtimer_now_ns(void)
{
    return now_ns += STEP_NS / 10;
}

int block_register_disk(struct block_dev *disk)
{
    registered = disk;
    return 0;
}

void block_complete(struct block_req *req, int result)
{
    req->result = result;
    completed++;
}

void mote_log(enum mote_log_level level, const char *fmt, ...)
{
    (void)level, (void)fmt;
}

static void transfer(enum block_op op, uint64_t lba)
{
    static uint8_t buf[SDHCI_BLOCK_SIZE];
    struct block_req req = {.dev = registered, .op = op, .lba = lba, .buf = buf, .count = 1};
    expect_lba = lba;
    completed = 0;
    if (registered->submit(registered, &req) != 0 || completed != 1)
        abort();
    if (req.result != 0 && req.result != -EIO && req.result != -ETIMEDOUT && req.result != -EILSEQ)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in = data;
    in_left = size;
    now_ns = 0;
    registered = NULL;
    int err = sdcard_init(0x3f300000, 0);
    if (err != 0) {
        if (err != -ENODEV && err != -ETIMEDOUT && err != -EILSEQ && err != -EIO && err != -ENOSPC)
            abort();
        return 0;
    }
    if (!registered || registered->info.blocks == 0 ||
        registered->info.block_size != SDHCI_BLOCK_SIZE)
        abort();
    uint64_t last = registered->info.blocks - 1;
    transfer(BLOCK_OP_READ, 0);
    transfer(BLOCK_OP_READ, last);
    transfer(BLOCK_OP_WRITE, last);
    return 0;
}
