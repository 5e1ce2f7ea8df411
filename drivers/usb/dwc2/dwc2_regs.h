/* SPDX-License-Identifier: MIT */
/*
 * Synopsys DesignWare Hi-Speed USB 2.0 On-The-Go controller (DWC2, "DWC OTG"),
 * host-mode registers as the BCM2835/BCM2837 has them at 0x7e980000 (ARM
 * 0x3f980000). Names and layout: the DWC OTG databook (v2.80a, chapter 5
 * "Control and Status Registers") under the names Linux uses in
 * drivers/usb/dwc2/hw.h; offsets from the controller's base. Bit fields are
 * indented under their register. Device-mode registers are not listed:
 * Mote drives the controller as a host only.
 */
#ifndef DRIVERS_USB_DWC2_DWC2_REGS_H
#define DRIVERS_USB_DWC2_DWC2_REGS_H

/* clang-format off */

/* --- Core global registers (databook §5.2.1) --- */
#define GOTGCTL   0x000 /* OTG control and status */
#define GAHBCFG   0x008 /* AHB configuration */
#define   GAHBCFG_GLBL_INTR_EN   (1u << 0)  /* the interrupt line reflects GINTSTS & GINTMSK */
#define   GAHBCFG_HBSTLEN_SHIFT  1          /* AHB burst: 0 single, 1 INCR, 3 INCR4, 5 INCR8, 7 INCR16 */
#define   GAHBCFG_HBSTLEN_INCR4  (3u << GAHBCFG_HBSTLEN_SHIFT)
#define   GAHBCFG_DMA_EN         (1u << 5)  /* buffer DMA mode: channels read and write RAM themselves */
#define GUSBCFG   0x00c /* USB configuration */
#define   GUSBCFG_PHYIF16        (1u << 3)  /* UTMI+ 16-bit interface (0: 8 bits) */
#define   GUSBCFG_ULPI_UTMI_SEL  (1u << 4)  /* 1: ULPI PHY, 0: UTMI+ (the BCM283x's) */
#define   GUSBCFG_SRPCAP         (1u << 8)
#define   GUSBCFG_HNPCAP         (1u << 9)
#define   GUSBCFG_ULPI_FS_LS     (1u << 17)
#define   GUSBCFG_ULPI_EXT_VBUS_DRV (1u << 20)
#define   GUSBCFG_TERMSEL_DLPULSE (1u << 22)
#define   GUSBCFG_FORCEHOSTMODE  (1u << 29) /* host whatever the ID pin says */
#define   GUSBCFG_FORCEDEVMODE   (1u << 30)
#define GRSTCTL   0x010 /* reset control */
#define   GRSTCTL_CSFTRST        (1u << 0)  /* core soft reset, self-clearing */
#define   GRSTCTL_RXFFLSH        (1u << 4)  /* receive FIFO flush, self-clearing */
#define   GRSTCTL_TXFFLSH        (1u << 5)  /* transmit FIFO flush, self-clearing */
#define   GRSTCTL_TXFNUM_SHIFT   6
#define   GRSTCTL_TXFNUM_ALL     (0x10u << GRSTCTL_TXFNUM_SHIFT) /* flush every transmit FIFO */
#define   GRSTCTL_AHBIDLE        (1u << 31) /* the AHB master is idle */
#define GINTSTS   0x014 /* core interrupt status (write 1 to clear the latched bits) */
#define GINTMSK   0x018 /* core interrupt mask (1: enabled) */
#define   GINTSTS_CURMODE_HOST   (1u << 0)  /* the core is in host mode */
#define   GINTSTS_MODEMIS        (1u << 1)  /* a register of the other mode was accessed */
#define   GINTSTS_SOF            (1u << 3)
#define   GINTSTS_PRTINT         (1u << 24) /* the root port changed: read HPRT0 */
#define   GINTSTS_HCHINT         (1u << 25) /* a host channel interrupted: read HAINT */
#define   GINTSTS_CONIDSTSCHNG   (1u << 28)
#define   GINTSTS_DISCONNINT     (1u << 29) /* device disconnected from the root port */
#define GRXFSIZ   0x024 /* receive FIFO depth, in 32-bit words */
#define GNPTXFSIZ 0x028 /* non-periodic transmit FIFO: start (bits 15..0), depth (31..16) */
#define   FIFOSIZE_DEPTH_SHIFT   16
#define GSNPSID   0x040 /* Synopsys ID: 0x4f54xxxx, "OT" and the release */
#define   GSNPSID_ID_MASK        0xffff0000u
#define   GSNPSID_OT             0x4f540000u
#define GHWCFG2   0x048 /* hardware configuration 2 (read-only) */
#define   GHWCFG2_ARCH_SHIFT     3          /* 0 slave only, 1 external DMA, 2 internal DMA */
#define   GHWCFG2_ARCH_MASK      (3u << GHWCFG2_ARCH_SHIFT)
#define   GHWCFG2_ARCH_INT_DMA   2u
#define   GHWCFG2_NUM_HOST_CHAN_SHIFT 14    /* channels - 1 */
#define   GHWCFG2_NUM_HOST_CHAN_MASK  (0xfu << GHWCFG2_NUM_HOST_CHAN_SHIFT)
#define GHWCFG3   0x04c /* hardware configuration 3 (read-only) */
#define   GHWCFG3_DFIFO_DEPTH_SHIFT 16      /* total FIFO RAM, in 32-bit words */
#define HPTXFSIZ  0x100 /* host periodic transmit FIFO: start, depth as GNPTXFSIZ */

/* --- Host mode registers (databook §5.3.3) --- */
#define HCFG      0x400 /* host configuration */
#define   HCFG_FSLSPCLKSEL_MASK  3u         /* PHY clock: 0 30/60 MHz (UTMI+), 1 48 MHz */
#define   HCFG_FSLSPCLKSEL_30_60 0u
#define HFNUM     0x408 /* frame number (15..0) and time remaining (31..16) */
#define   HFNUM_FRNUM_MASK       0xffffu
#define HAINT     0x414 /* one bit per channel that interrupted */
#define HAINTMSK  0x418 /* channel interrupt mask */
#define HPRT0     0x440 /* the root port's control and status */
#define   HPRT0_CONNSTS          (1u << 0)  /* a device is connected */
#define   HPRT0_CONNDET          (1u << 1)  /* write 1 to clear: connection detected */
#define   HPRT0_ENA              (1u << 2)  /* write 1 to clear (disables the port) */
#define   HPRT0_ENACHG           (1u << 3)  /* write 1 to clear: enable changed */
#define   HPRT0_OVRCURRACT       (1u << 4)
#define   HPRT0_OVRCURRCHG       (1u << 5)  /* write 1 to clear */
#define   HPRT0_RST              (1u << 8)  /* drive reset while set */
#define   HPRT0_PWR              (1u << 12) /* port power */
#define   HPRT0_SPD_SHIFT        17
#define   HPRT0_SPD_MASK         (3u << HPRT0_SPD_SHIFT)
#define   HPRT0_SPD_HIGH         0u
#define   HPRT0_SPD_FULL         1u
#define   HPRT0_SPD_LOW          2u
/* Writing HPRT0 back must not write 1 to these, or it clears them (ENA: disables the port). */
#define   HPRT0_W1C_MASK (HPRT0_CONNDET | HPRT0_ENA | HPRT0_ENACHG | HPRT0_OVRCURRCHG)

/* --- Host channel n (databook §5.3.3.7..12): 0x500 + 0x20 * n --- */
#define HC_BASE(n)  (0x500u + 0x20u * (n))
#define HCCHAR(n)   (HC_BASE(n) + 0x00) /* channel characteristics */
#define   HCCHAR_MPS_MASK        0x7ffu     /* maximum packet size */
#define   HCCHAR_EPNUM_SHIFT     11
#define   HCCHAR_EPDIR_IN        (1u << 15)
#define   HCCHAR_LSPDDEV         (1u << 17) /* a low-speed device (behind a full-speed port) */
#define   HCCHAR_EPTYPE_SHIFT    18         /* 0 control, 1 isochronous, 2 bulk, 3 interrupt */
#define   HCCHAR_MC_SHIFT        20         /* transactions per (micro)frame, periodic */
#define   HCCHAR_DEVADDR_SHIFT   22
#define   HCCHAR_ODDFRM          (1u << 29) /* periodic: transfer in an odd (micro)frame */
#define   HCCHAR_CHDIS           (1u << 30) /* with CHENA: halt the channel */
#define   HCCHAR_CHENA           (1u << 31) /* start; cleared by the core when the channel halts */
#define HCSPLT(n)   (HC_BASE(n) + 0x04) /* split control: full/low speed behind a high-speed hub */
#define   HCSPLT_PRTADDR_SHIFT   0          /* the hub's port */
#define   HCSPLT_HUBADDR_SHIFT   7          /* the hub's (transaction translator's) address */
#define   HCSPLT_XACTPOS_SHIFT   14         /* OUT payload position: 3 all, 2 begin, 0 mid, 1 end */
#define   HCSPLT_XACTPOS_ALL     (3u << HCSPLT_XACTPOS_SHIFT)
#define   HCSPLT_COMPSPLT        (1u << 16) /* 1: complete-split, 0: start-split */
#define   HCSPLT_SPLTENA         (1u << 31)
#define HCINT(n)    (HC_BASE(n) + 0x08) /* channel interrupt (write 1 to clear) */
#define HCINTMSK(n) (HC_BASE(n) + 0x0c) /* channel interrupt mask */
#define   HCINT_XFERCOMPL        (1u << 0)  /* transfer completed (XFERSIZE bytes or a short packet) */
#define   HCINT_CHHLTD           (1u << 1)  /* halted: the one interrupt DMA mode needs */
#define   HCINT_AHBERR           (1u << 2)  /* DMA to or from RAM failed */
#define   HCINT_STALL            (1u << 3)
#define   HCINT_NAK              (1u << 4)
#define   HCINT_ACK              (1u << 5)
#define   HCINT_NYET             (1u << 6)
#define   HCINT_XACTERR          (1u << 7)  /* CRC, timeout, bit stuff, false EOP */
#define   HCINT_BBLERR           (1u << 8)  /* babble */
#define   HCINT_FRMOVRUN         (1u << 9)  /* periodic transfer missed its frame */
#define   HCINT_DATATGLERR       (1u << 10)
#define HCTSIZ(n)   (HC_BASE(n) + 0x10) /* channel transfer size */
#define   HCTSIZ_XFERSIZE_MASK   0x7ffffu   /* bytes; counts down as data moves */
#define   HCTSIZ_PKTCNT_SHIFT    19
#define   HCTSIZ_PKTCNT_MASK     (0x3ffu << HCTSIZ_PKTCNT_SHIFT)
#define   HCTSIZ_PKTCNT_MAX      0x3ffu
#define   HCTSIZ_PID_SHIFT       29
#define   HCTSIZ_PID_DATA0       0u
#define   HCTSIZ_PID_DATA2       1u
#define   HCTSIZ_PID_DATA1       2u
#define   HCTSIZ_PID_SETUP       3u         /* MDATA for non-control endpoints */
#define HCDMA(n)    (HC_BASE(n) + 0x14) /* channel DMA address: a bus address, 4-byte aligned */

/* --- Power and clock gating (databook §5.5) --- */
#define PCGCTL    0xe00 /* 0: PHY clock running, nothing gated */

/* clang-format on */

#define DWC2_MAX_CHANNELS 16 /* GHWCFG2 can say at most this many */

#endif
