// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stddef.h>

#include "arch/arch.h"

static const char *const ppc64_names[] = {"ppc64", "ppc64le", "powerpc64", NULL};

/* MSR.EE (bit 15) clear means external interrupts are hard-disabled. */
static bool ppc64_irqs_disabled(uint64_t msr)
{
	return !(msr & (1u << 15));
}

const struct lc_arch_ops lc_arch_ppc64 = {
	.name = "ppc64",
	.id = LC_ARCH_PPC64,
	.kdump_names = ppc64_names,
	.elf_machine = 21 /* EM_PPC64 */,
	.kallsyms_absolute_percpu = false,
	.pc_reg = "nip",
	.sp_reg = "gpr1",
	.fp_reg = "gpr1",
	.irq_state_reg = "msr",
	.irqs_disabled_in = ppc64_irqs_disabled,
};
