// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stddef.h>

#include "arch/arch.h"

static const char *const x86_64_names[] = {"x86_64", NULL};

/* EFLAGS.IF (bit 9) set means maskable interrupts are enabled. */
static bool x86_64_irqs_disabled(uint64_t eflags)
{
	return !(eflags & (1u << 9));
}

const struct lc_arch_ops lc_arch_x86_64 = {
	.name = "x86_64",
	.id = LC_ARCH_X86_64,
	.kdump_names = x86_64_names,
	.elf_machine = 62 /* EM_X86_64 */,
	.kallsyms_absolute_percpu = true,
	.pc_reg = "rip",
	.sp_reg = "rsp",
	.fp_reg = "rbp",
	.irq_state_reg = "rflags",
	.irqs_disabled_in = x86_64_irqs_disabled,
};
