/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One const table per architecture: everything that differs between x86_64,
 * arm64 and ppc64 is reached through it, so adding an architecture means
 * adding one file here.
 */
#ifndef LC_ARCH_H
#define LC_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "lockcore/error.h"

struct lc_program;
struct lc_regset;
struct lc_stack;
struct lc_stack_ranges;
struct lc_unwinder;
struct lc_irq_info;
struct lc_symbols;
struct lc_kernel_anchor;
struct lc_kernel_location;

enum lc_arch_id {
	LC_ARCH_X86_64,
	LC_ARCH_ARM64,
	LC_ARCH_PPC64,
};

struct lc_arch_ops {
	const char *name; /* our name, also in JSON: "x86_64", "aarch64", "ppc64" */
	enum lc_arch_id id;
	/* libkdumpfile's arch.name values that select this table */
	const char *const *kdump_names;
	/*
	 * kallsyms offsets are absolute for per-CPU symbols and negative
	 * (relative to kallsyms_relative_base - 1) for the rest
	 * (CONFIG_KALLSYMS_ABSOLUTE_PERCPU, x86_64 SMP only).
	 */
	bool kallsyms_absolute_percpu;
	/* ELF e_machine, for dumps lockcore writes */
	uint16_t elf_machine;
	/* libkdumpfile register names for the program counter, stack and frame pointers */
	const char *pc_reg;
	const char *sp_reg;
	const char *fp_reg;
	/* Name of the register holding interrupt state, and a test on its value. */
	const char *irq_state_reg;
	/* true = IRQs disabled; for ppc64 only the hard MSR.EE bit (soft-mask lives in paca). */
	bool (*irqs_disabled_in)(uint64_t irq_state_reg_value);

	/*
	 * Registers and stacks (src/unwind.c). The register set is the ELF
	 * gregset of a PRSTATUS note, whose first ptregs_words words are laid
	 * out like the kernel's struct pt_regs on all three architectures.
	 */
	const char *const *gregs; /* libkdumpfile names, in gregset order */
	unsigned ngregs;
	unsigned ptregs_words;
	unsigned pc_index, sp_index, fp_index, irq_index;
	/* Resolve per-program unwind data (ORC tables, layouts); freed with unwind_free. */
	struct lc_error *(*unwind_prepare)(struct lc_program *prog, void **ret);
	void (*unwind_free)(void *data);
	/* Walk from regs, appending frames to st and recording why it stopped. */
	void (*unwind)(struct lc_unwinder *uw, struct lc_stack *st, const struct lc_regset *regs);
	/* The CPU's own stacks (IRQ, NMI, exception, emergency), task stacks excluded. */
	struct lc_error *(*cpu_stacks)(struct lc_program *prog, unsigned cpu,
				       struct lc_stack_ranges *ret);
	/* Registers of a switched-out task from its saved context. */
	struct lc_error *(*task_regs)(struct lc_program *prog, uint64_t task,
				      struct lc_regset *ret);
	/*
	 * A CPU that left no registers (it never answered the crash NMI/IPI): the
	 * live frames of the task running on it, rebuilt from that task's stack
	 * [lo, hi) alone and marked guessed. NULL where the arch has no such method.
	 */
	void (*scan_running)(struct lc_unwinder *uw, struct lc_stack *st, uint64_t lo, uint64_t hi);
	/*
	 * The crash-stop IPI is an ordinary, maskable interrupt (arm64 without
	 * pseudo-NMI), so a CPU that never answered it had IRQs masked, unless the
	 * kernel command line holds crash_ipi_nmi_param, which makes it an NMI.
	 */
	bool crash_ipi_maskable;
	const char *crash_ipi_nmi_param;
	/*
	 * IRQ state from a register set, plus (cpu >= 0, prog non-NULL) the
	 * CPU's lazy masking state where the architecture has one.
	 */
	void (*irq_state)(struct lc_program *prog, int cpu, const struct lc_regset *regs,
			  struct lc_irq_info *ret);
	/*
	 * Translate a kernel virtual address where libkdumpfile cannot (NULL when
	 * it always can): reads that fail in the dump layer are retried through it.
	 */
	struct lc_error *(*translate)(struct lc_program *prog, uint64_t va, uint64_t *phys_ret);
	/*
	 * Dumps without VMCOREINFO (src/kernel_locate.h): the alignment of the
	 * kernel's physical load address, and from one kernel object found in
	 * physical memory, the KASLR offset and the VMCOREINFO lines that let
	 * libkdumpfile translate. NULL when not implemented.
	 */
	uint64_t kernel_phys_align;
	struct lc_error *(*locate_kernel)(struct lc_program *prog, const struct lc_symbols *link,
					  const struct lc_kernel_anchor *anchor,
					  struct lc_kernel_location *ret);
	/*
	 * Lock readers (src/linux/locks.c): the gregset index of the first
	 * argument register, which holds the lock while a lock function has not
	 * moved it, and the callee-saved registers, where a holder keeps it.
	 */
	unsigned arg0_index;
	const unsigned char *callee_saved;
	unsigned ncallee_saved;
	/*
	 * DWARF register numbers (CFI rules, variable locations) -> gregset
	 * slot, -1 for registers the gregset does not hold.
	 */
	const signed char *dwarf_regs;
	unsigned ndwarf_regs;
};

const struct lc_arch_ops *lc_arch_find(const char *kdump_arch_name);
/* The machine name as uname -m spells it: ppc64 splits by byte order (ppc64le). */
const char *lc_arch_machine(const struct lc_arch_ops *arch, bool big_endian);

extern const struct lc_arch_ops lc_arch_x86_64;
extern const struct lc_arch_ops lc_arch_arm64;
extern const struct lc_arch_ops lc_arch_ppc64;

struct lc_error *lc_ppc64_translate(struct lc_program *prog, uint64_t va, uint64_t *phys_ret);

#endif
