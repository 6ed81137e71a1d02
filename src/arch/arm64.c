// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stddef.h>

#include "arch/arch_unwind.h"
#include "kernel_locate.h"

static const char *const arm64_names[] = {"aarch64", "arm64", NULL};

/* PSTATE.I (bit 7) set means IRQs are masked. */
static bool arm64_irqs_disabled(uint64_t pstate)
{
	return pstate & (1u << 7);
}

static const unsigned char arm64_callee_saved[] = {19, 20, 21, 22, 23, 24, 25, 26, 27, 28};

/* AAPCS64 DWARF numbering: x0-x30 = 0-30, sp = 31, the gregset's own order. */
/* clang-format off */
static const signed char arm64_dwarf_regs[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
					       11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
					       22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
/* clang-format on */

const struct lc_arch_ops lc_arch_arm64 = {
	.name = "aarch64",
	.id = LC_ARCH_ARM64,
	.kdump_names = arm64_names,
	.elf_machine = 183 /* EM_AARCH64 */,
	.kallsyms_absolute_percpu = false,
	.pc_reg = "pc",
	.sp_reg = "sp",
	.fp_reg = "x29",
	.irq_state_reg = "pstate",
	.irqs_disabled_in = arm64_irqs_disabled,
	.gregs = lc_arm64_gregs,
	.ngregs = LC_ARM64_NGREGS,
	.ptregs_words = LC_ARM64_PTREGS,
	.pc_index = LC_ARM64_PC,
	.sp_index = LC_ARM64_SP,
	.fp_index = LC_ARM64_FP,
	.irq_index = LC_ARM64_PSTATE,
	.unwind_prepare = lc_arm64_unwind_prepare,
	.unwind_free = lc_arm64_unwind_free,
	.unwind = lc_arm64_unwind,
	.cpu_stacks = lc_arm64_cpu_stacks,
	.task_regs = lc_arm64_task_regs,
	.irq_state = lc_arm64_irq_state,
	.scan_running = lc_arm64_scan_running,
	/* IPI_CPU_CRASH_STOP is only sent as a pseudo-NMI when the GIC's priority masking is on */
	.crash_ipi_maskable = true,
	.crash_ipi_nmi_param = "irqchip.gicv3_pseudo_nmi=1",
	/*
	 * The EFI stub may place the image at any 64 KiB boundary
	 * (EFI_KIMG_ALIGN); a boot loader at a 2 MiB one (booting.rst).
	 */
	.kernel_phys_align = 64ull << 10,
	.locate_kernel = lc_arm64_locate_kernel,
	.arg0_index = 0 /* x0 */,
	.callee_saved = arm64_callee_saved,
	.ncallee_saved = sizeof(arm64_callee_saved),
	.dwarf_regs = arm64_dwarf_regs,
	.ndwarf_regs = sizeof(arm64_dwarf_regs),
};
