/* SPDX-License-Identifier: MIT */
/* An SD Host Controller (SDHCI): commands and PIO data, for drivers/sd/sdcard.c. */
#ifndef DRIVERS_SD_SDHCI_H
#define DRIVERS_SD_SDHCI_H

#include <stdint.h>

#define SDHCI_BLOCK_SIZE 512

enum sdhci_response {
    SDHCI_RESP_NONE,
    SDHCI_RESP_R2,      /* 136 bits, CID or CSD: CRC checked by the card side, no index */
    SDHCI_RESP_R3,      /* 48 bits, OCR: neither CRC nor index */
    SDHCI_RESP_R1,      /* 48 bits with CRC and index (R1, R6, R7) */
    SDHCI_RESP_R1_BUSY, /* R1 and the card holds DAT0 busy afterwards (R1b) */
};

struct sdhci_cmd {
    uint8_t index;
    uint32_t arg;
    enum sdhci_response response;
    uint32_t resp[4]; /* out: the response as the controller holds it */
    /* Data phase (blocks of SDHCI_BLOCK_SIZE), when blocks > 0 */
    void *data;
    uint32_t blocks;
    int write;
};

/*
 * Resets the controller at base, powers the card at 3.3 V and starts the
 * identification clock (400 kHz) from base_clock_hz (0: the capabilities
 * register's figure). Returns 0, -ENODEV when no card is in the slot, or
 * -ETIMEDOUT when the controller does not come out of reset.
 */
int sdhci_init(uintptr_t base, uint32_t base_clock_hz);

/* Runs the card's clock at (at most) hz. Returns 0 or -ETIMEDOUT. */
int sdhci_set_clock(uint32_t hz);

/*
 * Sends cmd and moves its data. Returns 0; -ETIMEDOUT when the card does not
 * answer (or the data does not come); -EILSEQ for a CRC error on the
 * response or the data; -EIO for any other error the controller reports.
 */
int sdhci_send(struct sdhci_cmd *cmd);

#endif
