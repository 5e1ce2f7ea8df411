// SPDX-License-Identifier: MIT
/*
 * SD memory cards on an SDHCI controller (SD Association, "Physical Layer
 * Simplified Specification" v6.00: §4.2 card identification, §4.7 commands,
 * §5.3 the CSD): identification (CMD0, CMD8, ACMD41, CMD2, CMD3), capacity from
 * the CSD (versions 1.0 and 2.0), selection, then single-block reads (CMD17)
 * and writes (CMD24) waiting for the card to finish programming (CMD13).
 * SDSC cards are byte-addressed, SDHC/SDXC block-addressed. One card, 1-bit
 * bus, default speed (25 MHz); no MMC or SDIO cards; the write-protect switch
 * is not looked at (a micro SD slot has none).
 *   QEMU: -drive if=sd,format=raw,file=F (F's size a power of two)
 */
#include "drivers/sd/sdcard.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mote/log.h>

#include "drivers/sd/csd.h"
#include "drivers/sd/sdhci.h"
#include "drivers/timer/generic_timer.h"
#include "kernel/block.h"

/* clang-format off */
#define CMD_GO_IDLE          0
#define CMD_ALL_SEND_CID     2
#define CMD_SEND_RCA         3
#define CMD_SELECT           7
#define CMD_SEND_IF_COND     8
#define   IF_COND_27_36V     0x100u /* VHS: 2.7-3.6 V */
#define   IF_COND_CHECK      0xaau  /* echoed back */
#define   IF_COND_MASK       0xfffu
#define CMD_SEND_CSD         9
#define CMD_SEND_STATUS      13
#define   STATUS_READY_FOR_DATA (1u << 8)
#define   STATUS_STATE(s)       (((s) >> 9) & 0xfu)
#define   STATUS_STATE_TRAN     4
#define   STATUS_ERRORS         0xfff90000u /* out of range ... erase reset, §4.10.1 */
#define CMD_SET_BLOCKLEN     16
#define CMD_READ_SINGLE      17
#define CMD_WRITE_SINGLE     24
#define CMD_APP              55
#define ACMD_SEND_OP_COND    41
#define   OCR_VOLTAGE_WINDOW 0x00ff8000u /* 2.7-3.6 V */
#define   OCR_HCS            (1u << 30) /* host supports high capacity / card is one (CCS) */
#define   OCR_BUSY           (1u << 31) /* set when the card finished powering up */
#define RCA_SHIFT            16
/* clang-format on */

#define OP_COND_TIMEOUT_NS 1000000000ull /* §4.2.3: a card must be ready within 1 s */
#define PROGRAM_TIMEOUT_NS 1000000000ull
#define DATA_CLOCK_HZ      25000000
#define SDSC_BLOCKS_MAX    ((UINT32_MAX / SDHCI_BLOCK_SIZE) + 1ull)

static struct {
    struct block_dev dev;
    uint32_t rca;
    int block_addressed;                   /* SDHC/SDXC: arguments count blocks, not bytes */
    uint32_t bounce[SDHCI_BLOCK_SIZE / 4]; /* a word-aligned block for any caller buffer */
} card;

static int cmd(uint8_t index, uint32_t arg, enum sdhci_response resp, uint32_t *r0)
{
    struct sdhci_cmd c = {.index = index, .arg = arg, .response = resp};
    int err = sdhci_send(&c);
    if (err == 0 && r0)
        *r0 = c.resp[0];
    return err;
}

static int app_cmd(uint8_t index, uint32_t arg, enum sdhci_response resp, uint32_t *r0)
{
    int err = cmd(CMD_APP, card.rca << RCA_SHIFT, SDHCI_RESP_R1, NULL);
    return err ? err : cmd(index, arg, resp, r0);
}

static int wait_programmed(void)
{
    uint64_t deadline = gtimer_now_ns() + PROGRAM_TIMEOUT_NS;
    for (;;) {
        uint32_t status;
        int err = cmd(CMD_SEND_STATUS, card.rca << RCA_SHIFT, SDHCI_RESP_R1, &status);
        if (err)
            return err;
        if (status & STATUS_ERRORS)
            return -EIO;
        if ((status & STATUS_READY_FOR_DATA) && STATUS_STATE(status) == STATUS_STATE_TRAN)
            return 0;
        if (gtimer_now_ns() > deadline)
            return -ETIMEDOUT;
    }
}

/*
 * A data command: the card's R1 status comes back with it, and an error there
 * (out of range, address error, ECC failure... §4.10.1) means the block read
 * is not the data or the block written did not take.
 */
static int checked_send(struct sdhci_cmd *c)
{
    int err = sdhci_send(c);
    return err ? err : (c->resp[0] & STATUS_ERRORS) ? -EIO : 0;
}

static uint32_t address_of(uint64_t lba)
{
    return (uint32_t)(card.block_addressed ? lba : lba * SDHCI_BLOCK_SIZE);
}

static int sd_read(uint64_t lba, void *buf, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        struct sdhci_cmd c = {.index = CMD_READ_SINGLE,
                              .arg = address_of(lba + i),
                              .response = SDHCI_RESP_R1,
                              .data = card.bounce,
                              .blocks = 1};
        int err = checked_send(&c);
        if (err)
            return err;
        memcpy((uint8_t *)buf + (size_t)i * SDHCI_BLOCK_SIZE, card.bounce, SDHCI_BLOCK_SIZE);
    }
    return 0;
}

static int sd_write(uint64_t lba, const void *buf, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        memcpy(card.bounce, (const uint8_t *)buf + (size_t)i * SDHCI_BLOCK_SIZE, SDHCI_BLOCK_SIZE);
        struct sdhci_cmd c = {.index = CMD_WRITE_SINGLE,
                              .arg = address_of(lba + i),
                              .response = SDHCI_RESP_R1,
                              .data = card.bounce,
                              .blocks = 1,
                              .write = 1};
        int err = checked_send(&c);
        if (err == 0)
            err = wait_programmed();
        if (err)
            return err;
    }
    return 0;
}

/*
 * The controller is driven by polling, so a request is carried out here and
 * completed before submit returns (kernel/block.c still runs the callback
 * from the event loop). The card has no write cache Mote can see: every
 * write waited for programming (CMD13), so a flush has nothing left to do.
 */
static int sd_submit(struct block_dev *dev, struct block_req *req)
{
    (void)dev;
    int err = 0;
    if (req->op == BLOCK_OP_READ)
        err = sd_read(req->lba, req->buf, req->count);
    else if (req->op == BLOCK_OP_WRITE)
        err = sd_write(req->lba, req->buf, req->count);
    block_complete(req, err);
    return 0;
}

/* §4.2.3: ACMD41 until the card says it finished powering up. */
static int power_up(int v2, uint32_t *ocr)
{
    uint64_t deadline = gtimer_now_ns() + OP_COND_TIMEOUT_NS;
    for (;;) {
        int err =
            app_cmd(ACMD_SEND_OP_COND, OCR_VOLTAGE_WINDOW | (v2 ? OCR_HCS : 0), SDHCI_RESP_R3, ocr);
        if (err)
            return err;
        if (*ocr & OCR_BUSY)
            return (*ocr & OCR_VOLTAGE_WINDOW) ? 0 : -EIO;
        if (gtimer_now_ns() > deadline)
            return -ETIMEDOUT;
    }
}

static int identify(void)
{
    uint32_t r, ocr;
    int err = cmd(CMD_GO_IDLE, 0, SDHCI_RESP_NONE, NULL);
    if (err)
        return err;
    /* Version 2.00 cards answer CMD8 with the pattern; older ones stay silent. */
    int v2 = cmd(CMD_SEND_IF_COND, IF_COND_27_36V | IF_COND_CHECK, SDHCI_RESP_R1, &r) == 0;
    if (v2 && (r & IF_COND_MASK) != (IF_COND_27_36V | IF_COND_CHECK))
        return -EIO;
    card.rca = 0;
    err = power_up(v2, &ocr);
    if (err)
        return err;
    card.block_addressed = v2 && (ocr & OCR_HCS);

    struct sdhci_cmd c = {.index = CMD_ALL_SEND_CID, .response = SDHCI_RESP_R2};
    err = sdhci_send(&c);
    if (err == 0)
        err = cmd(CMD_SEND_RCA, 0, SDHCI_RESP_R1, &r);
    if (err)
        return err;
    card.rca = r >> RCA_SHIFT;
    if (card.rca == 0) /* §4.2.2: 0 is no address (it deselects every card) */
        return -EIO;

    c = (struct sdhci_cmd){
        .index = CMD_SEND_CSD, .arg = card.rca << RCA_SHIFT, .response = SDHCI_RESP_R2};
    err = sdhci_send(&c);
    if (err)
        return err;
    card.dev.info.blocks = sd_csd_blocks(c.resp);
    if (card.dev.info.blocks == 0)
        return -EIO;
    /* An SDSC card takes byte addresses in 32 bits: no block beyond 4 GiB is reachable. */
    if (!card.block_addressed && card.dev.info.blocks > SDSC_BLOCKS_MAX) {
        mote_log(MOTE_LOG_WARN, "sd: a byte-addressed card claims %llu blocks; using %llu",
                 (unsigned long long)card.dev.info.blocks, (unsigned long long)SDSC_BLOCKS_MAX);
        card.dev.info.blocks = SDSC_BLOCKS_MAX;
    }

    err = cmd(CMD_SELECT, card.rca << RCA_SHIFT, SDHCI_RESP_R1_BUSY, NULL);
    if (err == 0 && !card.block_addressed)
        err = cmd(CMD_SET_BLOCKLEN, SDHCI_BLOCK_SIZE, SDHCI_RESP_R1, NULL);
    return err ? err : sdhci_set_clock(DATA_CLOCK_HZ);
}

int sdcard_init(uintptr_t base, uint32_t base_clock_hz)
{
    int err = sdhci_init(base, base_clock_hz);
    if (err == 0)
        err = identify();
    if (err)
        return err;
    snprintf(card.dev.info.name, sizeof(card.dev.info.name), "sd0");
    card.dev.info.block_size = SDHCI_BLOCK_SIZE;
    card.dev.submit = sd_submit;
    err = block_register_disk(&card.dev);
    if (err < 0)
        return err;
    mote_log(MOTE_LOG_INFO, "sd: %s card, %llu blocks of %u bytes (%llu MiB), registered as %s",
             card.block_addressed ? "SDHC/SDXC" : "SDSC", (unsigned long long)card.dev.info.blocks,
             (unsigned)SDHCI_BLOCK_SIZE,
             (unsigned long long)(card.dev.info.blocks * SDHCI_BLOCK_SIZE >> 20),
             card.dev.info.name);
    return 0;
}
