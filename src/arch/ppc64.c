// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stddef.h>

#include "arch/arch_unwind.h"
#include "kernel_locate.h"

static const char *const ppc64_names[] = {"ppc64", "ppc64le", "powerpc64", NULL};

/* MSR.EE (bit 15) clear means external interrupts are hard-disabled. */
static bool ppc64_irqs_disabled(uint64_t msr)
{
	return !(msr & (1u << 15));
}

static const unsigned char ppc64_callee_saved[] = {14, 15, 16, 17, 18, 19, 20, 21, 22,
						   23, 24, 25, 26, 27, 28, 29, 30, 31};

/* ELFv2 DWARF numbering: r0-r31 = 0-31, lr = 65, ctr = 66 (floating point and vector unused). */
/* clang-format off */
static const signed char ppc64_dwarf_regs[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, 36, 35,
};
/* clang-format on */

const struct lc_arch_ops lc_arch_ppc64 = {
	.name = "ppc64",
	.id = LC_ARCH_PPC64,
	.kdump_names = ppc64_names,
	.elf_machine = 21 /* EM_PPC64 */,
	.kallsyms_absolute_percpu = false,
	.pc_reg = "pc", /* libkdumpfile's names for nip and r1 */
	.sp_reg = "r1",
	.fp_reg = "r1",
	.irq_state_reg = "msr",
	.irqs_disabled_in = ppc64_irqs_disabled,
	.gregs = lc_ppc64_gregs,
	.ngregs = LC_PPC64_NGREGS,
	.ptregs_words = LC_PPC64_PTREGS,
	.pc_index = LC_PPC64_NIP,
	.sp_index = LC_PPC64_R1,
	.fp_index = LC_PPC64_R1,
	.irq_index = LC_PPC64_MSR,
	.unwind_prepare = lc_ppc64_unwind_prepare,
	.unwind_free = lc_ppc64_unwind_free,
	.unwind = lc_ppc64_unwind,
	.cpu_stacks = lc_ppc64_cpu_stacks,
	.task_regs = lc_ppc64_task_regs,
	.irq_state = lc_ppc64_irq_state,
	/* One candidate, the unrelocated place (see lc_ppc64_locate_kernel). */
	.kernel_phys_align = 1ull << 52,
	.locate_kernel = lc_ppc64_locate_kernel,
	.translate = lc_ppc64_translate,
	.arg0_index = 3 /* r3 */,
	.callee_saved = ppc64_callee_saved,
	.ncallee_saved = sizeof(ppc64_callee_saved),
	.dwarf_regs = ppc64_dwarf_regs,
	.ndwarf_regs = sizeof(ppc64_dwarf_regs),
};
