/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The unwinding entries of each arch table, implemented in src/arch/<arch>_unwind.c. */
#ifndef LC_ARCH_UNWIND_H
#define LC_ARCH_UNWIND_H

#include "arch/arch.h"
#include "unwind.h"

/* Register slots of each arch's gregset (= pt_regs prefix). */
enum {
	LC_X86_R15 = 0,
	LC_X86_R14 = 1,
	LC_X86_R13 = 2,
	LC_X86_R12 = 3,
	LC_X86_RBP = 4,
	LC_X86_RBX = 5,
	LC_X86_RIP = 16,
	LC_X86_CS = 17,
	LC_X86_RFLAGS = 18,
	LC_X86_RSP = 19,
	LC_X86_NGREGS = 27,
	LC_X86_PTREGS = 21,

	LC_ARM64_X19 = 19,
	LC_ARM64_FP = 29,
	LC_ARM64_LR = 30,
	LC_ARM64_SP = 31,
	LC_ARM64_PC = 32,
	LC_ARM64_PSTATE = 33,
	LC_ARM64_NGREGS = 34,
	LC_ARM64_PTREGS = 34,

	LC_PPC64_R1 = 1,
	LC_PPC64_NIP = 32,
	LC_PPC64_MSR = 33,
	LC_PPC64_LINK = 36,
	LC_PPC64_SOFTE = 39,
	LC_PPC64_TRAP = 40,
	LC_PPC64_NGREGS = 48,
	LC_PPC64_PTREGS = 44,
};

extern const char *const lc_x86_64_gregs[];
struct lc_error *lc_x86_64_unwind_prepare(struct lc_program *prog, void **ret);
void lc_x86_64_unwind_free(void *data);
void lc_x86_64_unwind(struct lc_unwinder *uw, struct lc_stack *st, const struct lc_regset *regs);
struct lc_error *lc_x86_64_cpu_stacks(struct lc_program *prog, unsigned cpu,
				      struct lc_stack_ranges *ret);
struct lc_error *lc_x86_64_task_regs(struct lc_program *prog, uint64_t task, struct lc_regset *ret);
void lc_x86_64_irq_state(struct lc_program *prog, int cpu, const struct lc_regset *regs,
			 struct lc_irq_info *ret);

extern const char *const lc_arm64_gregs[];
struct lc_error *lc_arm64_unwind_prepare(struct lc_program *prog, void **ret);
void lc_arm64_unwind_free(void *data);
void lc_arm64_unwind(struct lc_unwinder *uw, struct lc_stack *st, const struct lc_regset *regs);
struct lc_error *lc_arm64_cpu_stacks(struct lc_program *prog, unsigned cpu,
				     struct lc_stack_ranges *ret);
struct lc_error *lc_arm64_task_regs(struct lc_program *prog, uint64_t task, struct lc_regset *ret);
void lc_arm64_irq_state(struct lc_program *prog, int cpu, const struct lc_regset *regs,
			struct lc_irq_info *ret);
void lc_arm64_scan_running(struct lc_unwinder *uw, struct lc_stack *st, uint64_t lo, uint64_t hi);
/* Strip a pointer-authentication code from a (kernel or user) code address. */
uint64_t lc_arm64_strip_pac(uint64_t addr, uint64_t pac_mask);

extern const char *const lc_ppc64_gregs[];
struct lc_error *lc_ppc64_unwind_prepare(struct lc_program *prog, void **ret);
void lc_ppc64_unwind_free(void *data);
void lc_ppc64_unwind(struct lc_unwinder *uw, struct lc_stack *st, const struct lc_regset *regs);
struct lc_error *lc_ppc64_cpu_stacks(struct lc_program *prog, unsigned cpu,
				     struct lc_stack_ranges *ret);
struct lc_error *lc_ppc64_task_regs(struct lc_program *prog, uint64_t task, struct lc_regset *ret);
void lc_ppc64_irq_state(struct lc_program *prog, int cpu, const struct lc_regset *regs,
			struct lc_irq_info *ret);

/* Shared helpers. */
/* The program's types, or NULL when it has none (callers fall back to known layouts). */
struct lc_types *lc_unwind_types(struct lc_program *prog);
/* Value of a per-CPU pointer variable for one CPU. */
struct lc_error *lc_unwind_percpu_ulong(struct lc_program *prog, const char *name, unsigned cpu,
					uint64_t *ret);
/* Read n pt_regs words at addr into slots 0..n-1. */
struct lc_error *lc_unwind_read_regs(struct lc_unwinder *uw, uint64_t addr, unsigned n,
				     struct lc_regset *ret);

#endif
