// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ppc64 stacks: the r1 back chain with the LR save slot at 16(r1), exception
 * frames found by their marker, and the per-CPU hardirq/softirq stacks plus
 * the paca's emergency stacks. Either byte order.
 */
#include <stdio.h>
#include <string.h>

#include "arch/arch_unwind.h"
#include "linux/kernel.h"
#include "program.h"
#include "read.h"
#include "symbols.h"

/* libkdumpfile's names; slots 44-47 of the ELF gregset are padding. */
const char *const lc_ppc64_gregs[] = {
	"r0",  "r1",  "r2",  "r3",  "r4",  "r5",  "r6",  "r7",  "r8",  "r9",  "r10", "r11",
	"r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23",
	"r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31", "pc",  "msr", "or3", "ctr",
	"lr",  "xer", "ccr", "softe", "trap", "dar", "dsisr", "res", NULL, NULL, NULL, NULL,
};

enum {
	LR_SAVE_OFFSET = 16,
	DEFAULT_STACK_SIZE = 16384,
	MSR_EE = 1u << 15,
	MSR_PR = 1u << 14,
	IRQS_DISABLED = 1,
	IRQS_PMI_DISABLED = 2,
	PACA_IRQ_HARD_DIS = 1,
};

/*
 * Exception frames carry a marker and pt_regs at fixed offsets from r1:
 *   up to 6.3: "REGS" (0x52454753 BE, 0x53474552 LE) at 96, regs at 112
 *   6.4+:      STACK_INT_FRAME_MARKER = STACK_FRAME_MIN_SIZE (32 ELFv2, 112
 *              ELFv1), regs 16 bytes later; the marker is "REGS" as before
 *              (6.12's asm/ptrace.h, seen in Debian's 6.12 ppc64el dumps), or
 *              "regshere"
 */
static const struct {
	uint64_t marker_offset, regs_offset;
	uint64_t marker_a, marker_b;
} frame_layouts[] = {
	{96, 112, 0x52454753, 0x53474552},
	{32, 48, 0x52454753, 0x53474552},
	{32, 48, 0x7265677368657265ull, 0x7265677368657265ull},
	{112, 128, 0x7265677368657265ull, 0x7265677368657265ull},
};

struct lc_error *lc_ppc64_unwind_prepare(struct lc_program *prog, void **ret)
{
	(void)prog;
	*ret = NULL;
	return NULL;
}

void lc_ppc64_unwind_free(void *data)
{
	(void)data;
}

static const struct lc_symbol *sym_of(struct lc_unwinder *uw, uint64_t pc, bool interrupted)
{
	return lc_unwind_symbol(uw, pc, interrupted);
}

/* Find pt_regs in the frame at sp: true with *ret set when it is an exception frame. */
static bool exception_regs(struct lc_unwinder *uw, uint64_t sp, uint64_t *ret)
{
	for (size_t i = 0; i < LC_ARRAY_SIZE(frame_layouts); i++) {
		uint64_t m;
		struct lc_error *err = lc_unwind_read_u64(uw, sp + frame_layouts[i].marker_offset, &m);
		if (err) {
			lc_error_destroy(err);
			continue;
		}
		if (m == frame_layouts[i].marker_a || m == frame_layouts[i].marker_b) {
			*ret = sp + frame_layouts[i].regs_offset;
			return true;
		}
	}
	return false;
}

/* Check a move from sp to next: up the same stack, or onto a stack not yet left. */
static bool check_move(struct lc_unwinder *uw, struct lc_stack *st, uint64_t sp, uint64_t next,
		       uint32_t *left)
{
	const struct lc_stack_range *from = lc_stack_ranges_find(&uw->ranges, sp);
	const struct lc_stack_range *to = lc_stack_ranges_find(&uw->ranges, next);
	if (next & 0xf) {
		lc_stack_stop(st, false, "misaligned back chain 0x%" PRIx64, next);
		return false;
	}
	if (!to && uw->ranges.count) {
		lc_stack_stop(st, false, "back chain 0x%" PRIx64 " is on no known stack", next);
		return false;
	}
	if (from && to == from && next <= sp) {
		lc_stack_stop(st, false, "back chain went backwards (0x%" PRIx64 " after 0x%" PRIx64
					 ")",
			      next, sp);
		return false;
	}
	if (from && to && from != to) {
		unsigned ti = (unsigned)(to - uw->ranges.r);
		if (*left & (1u << ti)) {
			lc_stack_stop(st, false, "returned to the %s stack it had left", to->name);
			return false;
		}
		*left |= 1u << (unsigned)(from - uw->ranges.r);
	}
	return true;
}

void lc_ppc64_unwind(struct lc_unwinder *uw, struct lc_stack *st, const struct lc_regset *init)
{
	uint64_t pc, sp, lr = 0;
	if (!lc_regset_get(init, LC_PPC64_NIP, &pc) || !lc_regset_get(init, LC_PPC64_R1, &sp)) {
		lc_stack_stop(st, false, "no nip/r1 in the registers");
		return;
	}
	bool have_lr = !st->start_is_return && lc_regset_get(init, LC_PPC64_LINK, &lr);
	struct lc_frame *f0;
	struct lc_error *err = lc_stack_push(uw, st, pc, sp, 0, !st->start_is_return, &f0);
	if (err) {
		lc_stack_stop_error(st, err, "recording a frame");
		return;
	}
	lc_frame_set_known(uw, f0, init);
	/* Registers known in the last frame: CFI (-k) steps from them. */
	struct lc_regset known = *init;
	uint32_t left = 0;
	for (;;) {
		if (st->count >= uw->max_frames) {
			lc_stack_stop(st, false, "stopped after %u frames", uw->max_frames);
			return;
		}
		struct lc_frame *cur = &st->frames[st->count - 1];
		uint64_t regs_addr;
		/* The first frame's r1 is the interrupted context's own frame, never a marker. */
		if (st->count > 1 && !cur->exception && exception_regs(uw, sp, &regs_addr)) {
			struct lc_regset regs;
			err = lc_unwind_read_regs(uw, regs_addr, LC_PPC64_PTREGS, &regs);
			if (err) {
				lc_stack_stop_error(st, err, "reading pt_regs");
				return;
			}
			if (regs.r[LC_PPC64_MSR] & MSR_PR) {
				lc_stack_stop(st, true, "reached user mode (pt_regs at 0x%" PRIx64 ")",
					      regs_addr);
				return;
			}
			uint64_t next_sp = regs.r[LC_PPC64_R1];
			if (!check_move(uw, st, sp, next_sp, &left))
				return;
			struct lc_frame *f;
			err = lc_stack_push(uw, st, regs.r[LC_PPC64_NIP], next_sp, sp, true, &f);
			if (err) {
				lc_stack_stop_error(st, err, "recording a frame");
				return;
			}
			f->method = LC_UNWIND_PT_REGS;
			lc_frame_set_exception(uw, f, regs_addr, &regs);
			known = regs;
			lr = regs.r[LC_PPC64_LINK];
			have_lr = true;
			sp = next_sp;
			continue;
		}
		uint64_t next_sp, next_pc;
		err = lc_unwind_read_u64(uw, sp, &next_sp);
		if (err) {
			lc_stack_stop_error(st, err, "reading the back chain");
			return;
		}
		if (!next_sp) {
			lc_stack_stop(st, true, "end of the back chain");
			return;
		}
		if (!check_move(uw, st, sp, next_sp, &left))
			return;
		err = lc_unwind_read_u64(uw, next_sp + LR_SAVE_OFFSET, &next_pc);
		if (err) {
			lc_stack_stop_error(st, err, "reading a saved LR");
			return;
		}
		if (have_lr) {
			/*
			 * An interrupted leaf (or a function still in its prologue)
			 * has not saved LR: its caller is only in the register.
			 */
			have_lr = false;
			/*
			 * With -k, CFI says exactly whether the interrupted
			 * function has saved LR yet; else guess from the symbols.
			 */
			uint64_t cpc, csp;
			struct lc_regset ck;
			bool cfi = lc_unwind_cfi_caller(uw, cur, &known, &cpc, &csp, &ck);
			const struct lc_symbol *lsym = cfi ? NULL : sym_of(uw, lr, false);
			bool missing = cfi ? cpc == lr && cpc != next_pc
					   : lsym && lr != next_pc &&
						       lsym != sym_of(uw, cur->pc, true) &&
						       lsym != sym_of(uw, next_pc, false);
			if (missing) {
				if (cfi)
					cur->dwarf_cfa = csp;
				struct lc_frame *lf;
				err = lc_stack_push(uw, st, lr, sp, 0, false, &lf);
				if (err) {
					lc_stack_stop_error(st, err, "recording a frame");
					return;
				}
				lf->method = cfi ? LC_UNWIND_CFI : LC_UNWIND_LR;
				if (!cfi) {
					memset(&ck, 0, sizeof(ck));
					lc_regset_set(&ck, LC_PPC64_NIP, lr);
					lc_regset_set(&ck, LC_PPC64_R1, sp);
				}
				known = ck;
				lc_frame_set_known(uw, lf, &known);
			}
		}
		if (!next_pc) {
			lc_stack_stop(st, true, "end of the stack (zero return address)");
			return;
		}
		/* CFI agreeing with the back chain recovers the caller's callee-saved registers. */
		struct lc_regset nk;
		if (!lc_unwind_cfi_agrees(uw, &st->frames[st->count - 1], &known, next_pc, next_sp,
					  &nk)) {
			memset(&nk, 0, sizeof(nk));
			lc_regset_set(&nk, LC_PPC64_NIP, next_pc);
			lc_regset_set(&nk, LC_PPC64_R1, next_sp);
		}
		struct lc_frame *f;
		err = lc_stack_push(uw, st, next_pc, next_sp, 0, false, &f);
		if (err) {
			lc_stack_stop_error(st, err, "recording a frame");
			return;
		}
		f->method = LC_UNWIND_BACKCHAIN;
		known = nk;
		lc_frame_set_known(uw, f, &known);
		/* A frame with a marker names the entry code, whose saved LR is meaningless. */
		if (!f->function && !exception_regs(uw, next_sp, &regs_addr)) {
			lc_stack_stop(st, false, "return address 0x%" PRIx64 " is not kernel text",
				      next_pc);
			return;
		}
		sp = next_sp;
	}
}

static struct lc_error *paca_of(struct lc_program *prog, unsigned cpu, uint64_t *ret)
{
	uint64_t paca_ptrs, pacas;
	struct lc_error *err = lc_symbol_address(prog, "paca_ptrs", &paca_ptrs);
	if (!err)
		err = lc_read_ulong(prog, paca_ptrs, &pacas);
	if (!err)
		err = lc_read_ulong(prog, pacas + (uint64_t)cpu * 8, ret);
	return err;
}

struct lc_error *lc_ppc64_cpu_stacks(struct lc_program *prog, unsigned cpu,
				     struct lc_stack_ranges *ret)
{
	uint64_t size = DEFAULT_STACK_SIZE;
	struct lc_types *types = lc_unwind_types(prog);
	if (types) {
		uint64_t s;
		struct lc_error *e = lc_types_sizeof(types, "union thread_union", &s);
		if (!e && s >= 4096 && s <= (1u << 20))
			size = s;
		lc_error_destroy(e);
	}
	/* hardirq_ctx/softirq_ctx are NR_CPUS arrays of stack bases, not per-CPU variables. */
	static const struct {
		const char *sym, *name;
		enum lc_stack_kind kind;
	} ctx[] = {{"hardirq_ctx", "hardirq", LC_STACK_IRQ},
		   {"softirq_ctx", "softirq", LC_STACK_SOFTIRQ}};
	for (size_t i = 0; i < LC_ARRAY_SIZE(ctx); i++) {
		uint64_t arr, base;
		struct lc_error *err = lc_symbol_address(prog, ctx[i].sym, &arr);
		if (!err)
			err = lc_read_ulong(prog, arr + (uint64_t)cpu * 8, &base);
		if (!err)
			lc_stack_ranges_add(ret, base, base + size, ctx[i].kind, ctx[i].name);
		lc_error_destroy(err);
	}
	uint64_t paca;
	struct lc_error *err = paca_of(prog, cpu, &paca);
	if (err)
		return err;
	/* The paca holds the top of each emergency stack, THREAD_SIZE long. */
	static const struct {
		const char *member, *name;
		enum lc_stack_kind kind;
	} em[] = {{"emergency_sp", "emergency", LC_STACK_EMERGENCY},
		  {"nmi_emergency_sp", "NMI emergency", LC_STACK_NMI},
		  {"mc_emergency_sp", "machine-check emergency", LC_STACK_EMERGENCY}};
	for (size_t i = 0; i < LC_ARRAY_SIZE(em); i++) {
		uint64_t top;
		struct lc_error *e =
			lc_read_member(prog, paca, "struct paca_struct", em[i].member, &top);
		if (!e && top > size)
			lc_stack_ranges_add(ret, top - size, top, em[i].kind, em[i].name);
		lc_error_destroy(e);
	}
	return NULL;
}

struct lc_error *lc_ppc64_task_regs(struct lc_program *prog, uint64_t task, struct lc_regset *ret)
{
	uint64_t ksp, caller, lr;
	struct lc_error *err = lc_read_member(prog, task, "struct task_struct", "thread.ksp", &ksp);
	if (err)
		return err;
	/*
	 * _switch() stored its return address into __switch_to()'s frame (at
	 * 16 of the frame its back chain names) before pushing its own frame at
	 * ksp: reading it there needs no pt_regs layout.
	 */
	if ((err = lc_read_ulong(prog, ksp, &caller)) ||
	    (err = lc_read_ulong(prog, caller + LR_SAVE_OFFSET, &lr)))
		return lc_error_prefix(err, "reading the switch frame at 0x%" PRIx64, ksp);
	memset(ret, 0, sizeof(*ret));
	lc_regset_set(ret, LC_PPC64_R1, caller);
	lc_regset_set(ret, LC_PPC64_NIP, lr);
	return NULL;
}

/*
 * The first instruction of an interrupt vector that MSR.EE gates (external,
 * decrementer, doorbell, performance monitor; exceptions-64s.S names them
 * exc_real_0x900_decrementer, exc_virt_0x4900_decrementer, ...): delivery
 * cleared MSR.EE, and could only happen because the interrupted code had it
 * set. QEMU stops a vCPU at such a boundary, and the crash NMI can land there.
 */
static bool at_ee_gated_vector(struct lc_program *prog, const struct lc_regset *regs)
{
	static const char *const gated[] = {"_hardware_interrupt", "_decrementer",
					    "_doorbell_super", "_performance_monitor"};
	uint64_t nip;
	if (!prog || !lc_regset_get(regs, LC_PPC64_NIP, &nip))
		return false;
	const struct lc_symbol *s = lc_symbols_lookup(&prog->symbols, nip);
	if (!s || s->address != nip ||
	    (strncmp(s->name, "exc_real_0x", 11) && strncmp(s->name, "exc_virt_0x", 11)))
		return false;
	const char *tail = strchr(s->name + 11, '_');
	for (size_t i = 0; tail && i < sizeof(gated) / sizeof(gated[0]); i++) {
		if (!strcmp(tail, gated[i]))
			return true;
	}
	return false;
}

void lc_ppc64_irq_state(struct lc_program *prog, int cpu, const struct lc_regset *regs,
			struct lc_irq_info *ret)
{
	uint64_t msr, softe;
	if (!lc_regset_get(regs, LC_PPC64_MSR, &msr)) {
		ret->state = LC_IRQS_UNKNOWN;
		snprintf(ret->reason, sizeof(ret->reason), "no MSR in the registers");
		return;
	}
	bool ee = msr & MSR_EE;
	/* The interrupted context's state is the one that matters to a lock or an IPI. */
	bool vector = !ee && at_ee_gated_vector(prog, regs);
	if (vector)
		ee = true;
	bool have_softe = lc_regset_get(regs, LC_PPC64_SOFTE, &softe);
	/*
	 * local_irq_disable() only sets the soft mask; MSR.EE stays on until an
	 * interrupt arrives and is then hard-disabled (PACA_IRQ_HARD_DIS).
	 */
	bool soft = have_softe && (softe & (IRQS_DISABLED | IRQS_PMI_DISABLED));
	char paca_note[64] = "";
	bool paca_soft = false, have_paca = false;
	if (prog && cpu >= 0) {
		uint64_t paca, mask, happened;
		struct lc_error *err = paca_of(prog, (unsigned)cpu, &paca);
		if (!err)
			err = lc_read_member(prog, paca, "struct paca_struct", "irq_soft_mask", &mask);
		if (!err)
			err = lc_read_member(prog, paca, "struct paca_struct", "irq_happened",
					     &happened);
		if (!err) {
			have_paca = true;
			paca_soft = mask & (IRQS_DISABLED | IRQS_PMI_DISABLED);
			snprintf(paca_note, sizeof(paca_note),
				 "; paca irq_soft_mask=0x%" PRIx64 " irq_happened=0x%" PRIx64, mask,
				 happened);
		}
		lc_error_destroy(err);
	}
	/*
	 * A CPU's current soft mask lives in its paca: the softe slot of crash-time
	 * registers is whatever the note writer put there (QEMU writes 0).
	 */
	if (have_paca) {
		ret->state = (!ee || paca_soft) ? LC_IRQS_OFF : LC_IRQS_ON;
		snprintf(ret->reason, sizeof(ret->reason), "%s: MSR.EE=%d%s%s",
			 !ee ? "hard-disabled" : paca_soft ? "soft-masked" : "enabled", ee ? 1 : 0,
			 vector ? " before the interrupt whose vector entry the registers are at"
				: "",
			 paca_note);
		return;
	}
	ret->state = (!ee || soft) ? LC_IRQS_OFF : LC_IRQS_ON;
	if (have_softe)
		snprintf(ret->reason, sizeof(ret->reason), "%s: MSR.EE=%d, soft mask %s (softe=0x%" PRIx64 ") in the %s%s",
			 !ee ? "hard-disabled" : soft ? "soft-masked" : "enabled", ee ? 1 : 0,
			 soft ? "set" : "clear", softe,
			 cpu >= 0 ? "crash-time registers" : "saved pt_regs", paca_note);
	else
		snprintf(ret->reason, sizeof(ret->reason), "MSR.EE=%d in the %s (no soft-mask state)%s",
			 ee ? 1 : 0, cpu >= 0 ? "crash-time registers" : "saved pt_regs",
			 paca_note);
}
