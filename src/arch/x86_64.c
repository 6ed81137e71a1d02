// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stddef.h>

#include "arch/arch_unwind.h"
#include "kernel_locate.h"

static const char *const x86_64_names[] = {"x86_64", NULL};

/* EFLAGS.IF (bit 9) set means maskable interrupts are enabled. */
static bool x86_64_irqs_disabled(uint64_t eflags)
{
	return !(eflags & (1u << 9));
}

static const unsigned char x86_64_callee_saved[] = {0, 1, 2, 3, 4, 5 /* r15 r14 r13 r12 rbp rbx */};

/* psABI numbering: rax rdx rcx rbx rsi rdi rbp rsp r8-r15, then the return address (rip). */
/* clang-format off */
static const signed char x86_64_dwarf_regs[] = {10, 12, 11, 5, 13, 14, 4, 19, 9,
						8, 7, 6, 3, 2, 1, 0, 16};
/* clang-format on */

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
	.gregs = lc_x86_64_gregs,
	.ngregs = LC_X86_NGREGS,
	.ptregs_words = LC_X86_PTREGS,
	.pc_index = LC_X86_RIP,
	.sp_index = LC_X86_RSP,
	.fp_index = LC_X86_RBP,
	.irq_index = LC_X86_RFLAGS,
	.unwind_prepare = lc_x86_64_unwind_prepare,
	.unwind_free = lc_x86_64_unwind_free,
	.unwind = lc_x86_64_unwind,
	.cpu_stacks = lc_x86_64_cpu_stacks,
	.task_regs = lc_x86_64_task_regs,
	.irq_state = lc_x86_64_irq_state,
	/* CONFIG_PHYSICAL_ALIGN must be a multiple of 2 MiB on x86_64 (arch/x86/Kconfig). */
	.kernel_phys_align = 2ull << 20,
	.locate_kernel = lc_x86_64_locate_kernel,
	.arg0_index = 14 /* rdi */,
	.callee_saved = x86_64_callee_saved,
	.ncallee_saved = sizeof(x86_64_callee_saved),
	.dwarf_regs = x86_64_dwarf_regs,
	.ndwarf_regs = sizeof(x86_64_dwarf_regs),
};
