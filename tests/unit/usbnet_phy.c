// SPDX-License-Identifier: MIT
/* The clause 22 PHY model of the USB Ethernet tests (usbnet_phy.h). */
#include "tests/unit/usbnet_phy.h"

#include <string.h>

/* clang-format off */
#define BMCR        0
#define   BMCR_RESET     0x8000
#define   BMCR_SPEED100  0x2000
#define   BMCR_ANENABLE  0x1000
#define   BMCR_ANRESTART 0x0200
#define BMSR        1
#define   BMSR_CAPS      0x7809 /* 100 full/half, 10 full/half, extended capabilities */
#define   BMSR_ANABLE    0x0008
#define   BMSR_ANEGDONE  0x0020
#define   BMSR_LSTATUS   0x0004
#define PHYSID1     2
#define PHYSID2     3
#define ADVERTISE   4
#define   ADV_DEFAULT    0x01e1 /* 10/100 both duplexes, 802.3 selector */
#define LPA         5
#define CTRL1000    9
/* clang-format on */

#define RESET_ACCESSES 2  /* accesses BMCR.RESET reads back set */
#define ANEG_ACCESSES  24 /* accesses a negotiation takes: longer than attach */

static void defaults(struct model_phy *phy)
{
    memset(phy->reg, 0, sizeof(phy->reg));
    phy->reg[BMCR] = BMCR_SPEED100 | BMCR_ANENABLE;
    phy->reg[PHYSID1] = 0x0007;
    phy->reg[PHYSID2] = 0xc0c3;
    phy->reg[ADVERTISE] = ADV_DEFAULT;
    phy->link = false;
    phy->aneg_left = 0;
}

void model_phy_init(struct model_phy *phy)
{
    defaults(phy);
    phy->latched_down = false;
    phy->int_src = 0;
}

static void link_lost(struct model_phy *phy)
{
    if (phy->link) {
        phy->link = false;
        phy->latched_down = true;
        phy->int_src |= phy->int_link_down;
    }
    phy->reg[LPA] = 0;
}

/* One access's worth of time. */
static void tick(struct model_phy *phy)
{
    if (phy->reset_left && --phy->reset_left == 0)
        phy->reg[BMCR] &= (uint16_t)~BMCR_RESET;
    if (phy->aneg_left && --phy->aneg_left == 0 && phy->partner) {
        phy->link = true;
        phy->reg[LPA] = phy->partner_adv;
        phy->reg[BMCR] &= (uint16_t)~BMCR_ANRESTART;
        phy->int_src |= phy->int_link_up;
    }
}

uint16_t model_phy_read(struct model_phy *phy, uint8_t reg)
{
    tick(phy);
    reg &= 0x1f;
    if (reg == BMSR) {
        uint16_t v = BMSR_CAPS | BMSR_ANABLE;
        if (phy->link)
            v |= BMSR_ANEGDONE;
        if (phy->link && !phy->latched_down)
            v |= BMSR_LSTATUS;
        phy->latched_down = false; /* §22.2.4.2.13: latched low until read */
        return v;
    }
    if (reg == phy->int_src_reg) {
        uint16_t v = phy->int_src;
        phy->int_src = 0;
        return v;
    }
    if (reg == CTRL1000 && !phy->gigabit)
        return 0;
    return phy->reg[reg];
}

void model_phy_write(struct model_phy *phy, uint8_t reg, uint16_t val)
{
    tick(phy);
    reg &= 0x1f;
    if (reg == BMSR || reg == PHYSID1 || reg == PHYSID2 || reg == LPA || reg == phy->int_src_reg)
        return; /* read-only */
    if (reg == BMCR && (val & BMCR_RESET)) {
        link_lost(phy);
        defaults(phy);
        phy->reg[BMCR] |= BMCR_RESET;
        phy->reset_left = RESET_ACCESSES;
        phy->resets++;
        return;
    }
    phy->reg[reg] = val;
    if (reg == BMCR && (val & BMCR_ANRESTART) && (val & BMCR_ANENABLE)) {
        link_lost(phy);
        phy->aneg_left = ANEG_ACCESSES;
        phy->anegs++;
    }
}

void model_phy_cable(struct model_phy *phy, bool present)
{
    phy->partner = present;
    if (!present)
        link_lost(phy);
    else if (phy->reg[BMCR] & BMCR_ANENABLE)
        phy->aneg_left = ANEG_ACCESSES; /* auto-negotiation starts by itself on a new link */
}

void model_phy_advance(struct model_phy *phy, unsigned accesses)
{
    while (accesses--)
        tick(phy);
}

bool model_phy_irq(const struct model_phy *phy)
{
    return (phy->int_src & phy->reg[phy->int_mask_reg]) != 0;
}
