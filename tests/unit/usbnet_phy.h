/* SPDX-License-Identifier: MIT */
/*
 * A model of an Ethernet PHY as IEEE 802.3 clause 22 describes one (§22.2.4:
 * BMCR, BMSR with its latched-low link bit, ADVERTISE, LPA, CTRL1000),
 * negotiating with a link partner, plus the vendor interrupt source and mask
 * registers both Microchip PHYs have (at different addresses, with different
 * bits). Time passes with register accesses: a reset and a negotiation each
 * take a few. For the LAN9514 and LAN7800 models of the unit tests.
 */
#ifndef TESTS_UNIT_USBNET_PHY_H
#define TESTS_UNIT_USBNET_PHY_H

#include <stdbool.h>
#include <stdint.h>

struct model_phy {
    /* configuration, set by the chip model */
    uint8_t int_src_reg, int_mask_reg;   /* vendor registers: source (read to clear), mask */
    uint16_t int_link_up, int_link_down; /* source bits for a negotiated link, for a lost one */
    bool gigabit;                        /* has CTRL1000 */
    /* the cable: a partner advertising these abilities (ADVERTISE layout), or none */
    bool partner;
    uint16_t partner_adv;
    /* state */
    uint16_t reg[32];
    bool link, latched_down;
    unsigned reset_left, aneg_left; /* accesses until the reset or negotiation is done */
    uint16_t int_src;
    unsigned resets, anegs; /* counts, for the tests */
};

void model_phy_init(struct model_phy *phy);
uint16_t model_phy_read(struct model_phy *phy, uint8_t reg);
void model_phy_write(struct model_phy *phy, uint8_t reg, uint16_t val);
/* Plugs or pulls the cable: link down at once; up after the next negotiation. */
void model_phy_cable(struct model_phy *phy, bool present);
/* Lets time pass, as accesses would. */
void model_phy_advance(struct model_phy *phy, unsigned accesses);
/* Does the PHY assert its interrupt (a source bit that is unmasked)? */
bool model_phy_irq(const struct model_phy *phy);

#endif
