// SPDX-License-Identifier: MIT
/* Core identification from MIDR_EL1, for the boot greeting and crash reports. */
#include "arch/aarch64/cpu.h"

#include <stddef.h>

#define MIDR_IMPL_ARM 0x41

/* Names inline, not pointers: a table of pointers is relocated at boot, so writable data. */
#define PART_NAME_MAX sizeof("neoverse-n1")
static const struct {
    uint16_t partnum;
    char name[PART_NAME_MAX];
} arm_parts[] = {
    {0xd03, "cortex-a53"},  {0xd04, "cortex-a35"},  {0xd05, "cortex-a55"}, {0xd07, "cortex-a57"},
    {0xd08, "cortex-a72"},  {0xd09, "cortex-a73"},  {0xd0b, "cortex-a76"}, {0xd0c, "neoverse-n1"},
    {0xd40, "neoverse-v1"}, {0xd49, "neoverse-n2"},
};

const char *cpu_part_name(uint64_t midr)
{
    /* QEMU's "max" CPU reports implementer 0 (D13.2.88: "reserved for software use"). */
    if (MIDR_IMPLEMENTER(midr) == 0)
        return "qemu-max";
    if (MIDR_IMPLEMENTER(midr) != MIDR_IMPL_ARM)
        return "unknown";
    for (size_t i = 0; i < sizeof(arm_parts) / sizeof(arm_parts[0]); i++)
        if (arm_parts[i].partnum == MIDR_PARTNUM(midr))
            return arm_parts[i].name;
    return "unknown";
}
