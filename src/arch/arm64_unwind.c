// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * arm64 stacks: the x29 frame-record chain with pointer signatures stripped,
 * exception frames recognised by the frame record embedded in pt_regs, and
 * the per-CPU IRQ, overflow and SDEI stacks.
 */
#include <stdio.h>

#include "arch/arch_unwind.h"
#include "linux/kernel.h"
#include "program.h"
#include "read.h"
#include "symbols.h"

const char *const lc_arm64_gregs[] = {
	"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10", "x11",
	"x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
	"x24", "x25", "x26", "x27", "x28", "x29", "lr",  "sp",  "pc",  "pstate",
};

enum {
	/* 6.1 struct pt_regs: regs[31], sp, pc, pstate, orig_x0, syscallno, sdei_ttbr1, pmr_save */
	DEFAULT_STACKFRAME_OFFSET = 304,
	DEFAULT_STACK_SIZE = 16384,
	OVERFLOW_STACK_SIZE = 4096,
	/* 6.13 frame_record_meta types (commit "arm64: stacktrace: unwind exception boundaries") */
	FRAME_META_TYPE_FINAL = 1,
	FRAME_META_TYPE_PT_REGS = 2,
	PSTATE_I = 1u << 7,
	/* vectors + 0x280: IRQ taken from EL1 on SP_EL1 (the kernel's own IRQ entry) */
	VECTOR_EL1H_IRQ = 0x280,
	/* A64 encodings (instructions are little-endian whatever the data endianness) */
	INSN_BL_MASK = 0xfc000000,
	INSN_BL = 0x94000000,
	INSN_ADRP_MASK = 0x9f000000,
	INSN_ADRP = 0x90000000,
	INSN_ADD_IMM_MASK = 0xffc00000, /* ADD Xd, Xn, #imm12 (64-bit, no shift) */
	INSN_ADD_IMM = 0x91000000,
	INSN_BR_X16 = 0xd61f0200,
	REG_X16 = 16,
};

struct arm64_data {
	uint64_t stackframe_offset; /* offsetof(struct pt_regs, stackframe) */
	bool meta_records;          /* 6.13+: pt_regs hold a typed, zeroed frame record */
};

struct lc_error *lc_arm64_unwind_prepare(struct lc_program *prog, void **ret)
{
	struct arm64_data *d = calloc(1, sizeof(*d));
	if (!d)
		return lc_error_nomem;
	d->stackframe_offset = DEFAULT_STACKFRAME_OFFSET;
	struct lc_types *types = lc_unwind_types(prog);
	if (types) {
		uint64_t off;
		struct lc_error *err =
			lc_types_offsetof(types, "struct pt_regs", "stackframe", &off);
		if (!err && off < 1024)
			d->stackframe_offset = off;
		lc_error_destroy(err);
		const struct lc_type *t;
		err = lc_types_find(types, "struct frame_record_meta", &t);
		d->meta_records = !err;
		lc_error_destroy(err);
	}
	*ret = d;
	return NULL;
}

void lc_arm64_unwind_free(void *data)
{
	free(data);
}

uint64_t lc_arm64_strip_pac(uint64_t addr, uint64_t pac_mask)
{
	/* Bit 55 selects the TTBR: kernel addresses get their upper bits set again. */
	return (addr & (1ull << 55)) ? addr | pac_mask : addr & ~pac_mask;
}

static const struct lc_symbol *sym_of(struct lc_unwinder *uw, uint64_t pc, bool interrupted)
{
	return lc_unwind_symbol(uw, pc, interrupted);
}

/* Is the interrupted frame's caller only in the link register (a leaf, or a prologue)? */
static bool lr_frame_missing(struct lc_unwinder *uw, uint64_t pc, uint64_t lr, uint64_t next_pc)
{
	const struct lc_symbol *lsym = sym_of(uw, lr, false);
	if (!lsym || lr == next_pc)
		return false;
	if (lsym == sym_of(uw, pc, true))
		return false; /* a call from this function already returned */
	return lsym != sym_of(uw, next_pc, false);
}

/*
 * pc at the first instruction of the EL1h IRQ vector: the CPU was stopped (by the
 * hypervisor, or the crash IPI found it) just as it took an IRQ, before kernel_entry saved
 * anything. x0-x30 and sp are still those of the interrupted context; its pc and PSTATE
 * went to ELR_EL1/SPSR_EL1, which no note carries.
 */
static bool at_el1_irq_vector(struct lc_unwinder *uw, uint64_t pc)
{
	const struct lc_symbol *s = sym_of(uw, pc, true);
	return s && !strcmp(s->name, "vectors") && pc - s->address == VECTOR_EL1H_IRQ;
}

static bool read_insn(struct lc_unwinder *uw, uint64_t addr, uint32_t *ret)
{
	uint8_t b[4];
	struct lc_error *err = uw->read(uw->read_arg, addr, b, sizeof(b));
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	*ret = (uint32_t)lc_load_uint(b, 4, false);
	return true;
}

static int64_t sign_extend(uint64_t v, unsigned bits)
{
	uint64_t m = 1ull << (bits - 1);
	return (int64_t)((v ^ m) - m);
}

/*
 * The function the BL just before return address ret calls: its immediate target, or,
 * when that is a module PLT veneer (adrp x16; add x16, x16, #lo12; br x16, used when the
 * kernel is out of BL range), the veneer's target. 0 for anything else (BLR, no call).
 */
static uint64_t call_target(struct lc_unwinder *uw, uint64_t ret)
{
	uint32_t bl, adrp, add, br;
	if (!read_insn(uw, ret - 4, &bl) || (bl & INSN_BL_MASK) != INSN_BL)
		return 0;
	uint64_t t = ret - 4 + (uint64_t)(sign_extend(bl & 0x3ffffff, 26) * 4);
	if (!read_insn(uw, t, &adrp) || !read_insn(uw, t + 4, &add) || !read_insn(uw, t + 8, &br))
		return t;
	if ((adrp & INSN_ADRP_MASK) != INSN_ADRP || (adrp & 0x1f) != REG_X16 ||
	    (add & INSN_ADD_IMM_MASK) != INSN_ADD_IMM || (add & 0x1f) != REG_X16 ||
	    ((add >> 5) & 0x1f) != REG_X16 || br != INSN_BR_X16)
		return t;
	uint64_t page = ((adrp >> 5) & 0x7ffff) << 2 | ((adrp >> 29) & 3);
	uint64_t base = (t & ~0xfffull) + (uint64_t)(sign_extend(page, 21) * 4096);
	return base + ((add >> 10) & 0xfff);
}

/*
 * The first frame above an IRQ vector entry runs in the interrupted context: give it the
 * live registers (without pc and PSTATE, unknown) and that context's IRQ state, which
 * is known: an IRQ exception is only taken while PSTATE.I is clear.
 */
static void mark_irq_entry(struct lc_unwinder *uw, struct lc_frame *f, const struct lc_regset *init,
			   uint64_t lr)
{
	struct lc_regset regs = *init;
	regs.valid &= ~(1ull << LC_ARM64_PC | 1ull << LC_ARM64_PSTATE);
	lc_frame_set_exception(uw, f, 0, &regs);
	f->irqs.state = LC_IRQS_ON;
	snprintf(f->irqs.reason, sizeof(f->irqs.reason),
		 "the CPU was entering the IRQ vector, so the interrupted context had "
		 "PSTATE.I clear");
	if (f->pc != lr)
		return;
	f->call_target = call_target(uw, lr);
	const struct lc_symbol *cs = f->call_target ? sym_of(uw, f->call_target, true) : NULL;
	/* only the entry of a function: a BL into the middle of one is no call we know */
	if (cs && cs->address == f->call_target)
		f->call_function = cs->name;
}

static bool is_el1_regs(const struct lc_regset *r)
{
	/* M[3:2] = 1: EL1 (EL1t or EL1h); M[4] = 0: AArch64 */
	uint64_t pstate = r->r[LC_ARM64_PSTATE];
	return ((pstate >> 2) & 3) == 1 && !(pstate & 0x10);
}

void lc_arm64_unwind(struct lc_unwinder *uw, struct lc_stack *st, const struct lc_regset *init)
{
	const struct arm64_data *d = uw->arch_data;
	uint64_t stackframe_off = d ? d->stackframe_offset : DEFAULT_STACKFRAME_OFFSET;
	uint64_t pc, fp, sp, lr = 0;
	if (!lc_regset_get(init, LC_ARM64_PC, &pc) || !lc_regset_get(init, LC_ARM64_FP, &fp)) {
		lc_stack_stop(st, false, "no pc/x29 in the registers");
		return;
	}
	if (!lc_regset_get(init, LC_ARM64_SP, &sp))
		sp = fp;
	pc = lc_arm64_strip_pac(pc, uw->pac_mask);
	bool have_lr = !st->start_is_return && lc_regset_get(init, LC_ARM64_LR, &lr);
	struct lc_frame *f0;
	struct lc_error *err = lc_stack_push(uw, st, pc, sp, fp, !st->start_is_return, &f0);
	if (err) {
		lc_stack_stop_error(st, err, "recording a frame");
		return;
	}
	lc_frame_set_known(uw, f0, init);
	/* Registers known in the last frame: CFI (-k) steps from them. */
	struct lc_regset known = *init;
	bool irq_entry = !st->start_is_return && at_el1_irq_vector(uw, pc);
	uint64_t entry_lr = lc_arm64_strip_pac(lr, uw->pac_mask);
	uint32_t left = 0;
	uint64_t prev_record = 0;
	for (;;) {
		if (st->count >= uw->max_frames) {
			lc_stack_stop(st, false, "stopped after %u frames", uw->max_frames);
			return;
		}
		if (!fp) {
			lc_stack_stop(st, true, "end of the stack (null frame pointer)");
			return;
		}
		if (fp & 7) {
			lc_stack_stop(st, false, "misaligned frame pointer 0x%" PRIx64, fp);
			return;
		}
		const struct lc_stack_range *to = lc_stack_ranges_find(&uw->ranges, fp);
		if (!to && uw->ranges.count) {
			lc_stack_stop(st, false, "frame record 0x%" PRIx64 " is on no known stack",
				      fp);
			return;
		}
		if (prev_record) {
			const struct lc_stack_range *from =
				lc_stack_ranges_find(&uw->ranges, prev_record);
			if (from && to == from && fp <= prev_record) {
				lc_stack_stop(st, false,
					      "frame pointer went backwards (0x%" PRIx64
							 " after 0x%" PRIx64 ")",
					      fp, prev_record);
				return;
			}
			if (from && to && from != to) {
				unsigned ti = (unsigned)(to - uw->ranges.r);
				if (left & (1u << ti)) {
					lc_stack_stop(st, false,
						      "returned to the %s stack it had left",
						      to->name);
					return;
				}
				left |= 1u << (unsigned)(from - uw->ranges.r);
			}
		}
		uint64_t rec_fp, rec_lr;
		err = lc_unwind_read_u64(uw, fp, &rec_fp);
		if (!err)
			err = lc_unwind_read_u64(uw, fp + 8, &rec_lr);
		if (err) {
			lc_stack_stop_error(st, err, "reading a frame record");
			return;
		}
		uint64_t next_pc = lc_arm64_strip_pac(rec_lr, uw->pac_mask);
		if (have_lr) {
			have_lr = false;
			uint64_t slr = lc_arm64_strip_pac(lr, uw->pac_mask);
			struct lc_frame *cur = &st->frames[st->count - 1];
			/*
			 * With -k, CFI says exactly whether the interrupted
			 * function has saved its return address yet; else guess
			 * from the symbols of lr and the record.
			 */
			uint64_t cpc, csp;
			struct lc_regset ck;
			bool cfi = lc_unwind_cfi_caller(uw, cur, &known, &cpc, &csp, &ck);
			bool missing = cfi ? cpc == slr && cpc != next_pc
					   : lr_frame_missing(uw, cur->pc, slr, next_pc);
			if (missing) {
				if (cfi)
					cur->dwarf_cfa = csp;
				struct lc_frame *lf;
				err = lc_stack_push(uw, st, slr, fp, 0, false, &lf);
				if (err) {
					lc_stack_stop_error(st, err, "recording a frame");
					return;
				}
				lf->method = cfi ? LC_UNWIND_CFI : LC_UNWIND_LR;
				if (!cfi) {
					memset(&ck, 0, sizeof(ck));
					lc_regset_set(&ck, LC_ARM64_PC, slr);
					lc_regset_set(&ck, LC_ARM64_FP, fp);
				}
				known = ck;
				lc_frame_set_known(uw, lf, &known);
				if (irq_entry) {
					mark_irq_entry(uw, lf, init, entry_lr);
					irq_entry = false;
				}
			}
		}

		/* Is this record the one an exception entry built inside pt_regs? */
		bool exception = false;
		struct lc_regset regs;
		uint64_t regs_addr = fp - stackframe_off;
		if (d && d->meta_records && !rec_fp && !rec_lr) {
			uint64_t type;
			err = lc_unwind_read_u64(uw, fp + 16, &type);
			if (err) {
				lc_stack_stop_error(st, err, "reading a frame record type");
				return;
			}
			if (type == FRAME_META_TYPE_FINAL) {
				lc_stack_stop(st, true, "end of the stack (final frame record)");
				return;
			}
			if (type != FRAME_META_TYPE_PT_REGS) {
				lc_stack_stop(st, false, "unknown frame record type %" PRIu64,
					      type);
				return;
			}
			err = lc_unwind_read_regs(uw, regs_addr, LC_ARM64_PTREGS, &regs);
			if (err) {
				lc_stack_stop_error(st, err, "reading pt_regs");
				return;
			}
			exception = true;
		} else if (!rec_fp && !rec_lr) {
			/* Up to 6.12 the last record of every task stack is all zeroes. */
			lc_stack_stop(st, true, "end of the stack (final frame record)");
			return;
		} else if (lc_stack_ranges_find(&uw->ranges, regs_addr) == to &&
			   !lc_unwind_read_regs(uw, regs_addr, LC_ARM64_PTREGS, &regs)) {
			/* Up to 6.12 entry code fills pt_regs->stackframe with {x29, elr}. */
			exception =
				regs.r[LC_ARM64_FP] == rec_fp &&
				lc_arm64_strip_pac(regs.r[LC_ARM64_PC], uw->pac_mask) == next_pc &&
				    is_el1_regs(&regs);
		}
		struct lc_frame *f;
		if (exception) {
			if (!is_el1_regs(&regs)) {
				lc_stack_stop(st, true,
					      "reached user mode (pt_regs at 0x%" PRIx64 ")",
					      regs_addr);
				return;
			}
			uint64_t rpc = lc_arm64_strip_pac(regs.r[LC_ARM64_PC], uw->pac_mask);
			err = lc_stack_push(uw, st, rpc, regs.r[LC_ARM64_SP], fp, true, &f);
			if (err) {
				lc_stack_stop_error(st, err, "recording a frame");
				return;
			}
			f->method = LC_UNWIND_PT_REGS;
			lc_frame_set_exception(uw, f, regs_addr, &regs);
			known = regs;
			lr = regs.r[LC_ARM64_LR];
			have_lr = true;
			prev_record = fp;
			fp = regs.r[LC_ARM64_FP];
			continue;
		}
		if (!next_pc) {
			lc_stack_stop(st, true, "end of the stack (zero return address)");
			return;
		}
		/* CFI agreeing with the record recovers the caller's callee-saved registers. */
		struct lc_regset nk;
		if (!lc_unwind_cfi_agrees(uw, &st->frames[st->count - 1], &known, next_pc, 0,
					  &nk)) {
			memset(&nk, 0, sizeof(nk));
			lc_regset_set(&nk, LC_ARM64_PC, next_pc);
			lc_regset_set(&nk, LC_ARM64_FP, rec_fp);
		}
		err = lc_stack_push(uw, st, next_pc, fp, rec_fp, false, &f);
		if (err) {
			lc_stack_stop_error(st, err, "recording a frame");
			return;
		}
		f->method = LC_UNWIND_FP;
		known = nk;
		lc_frame_set_known(uw, f, &known);
		if (irq_entry) {
			mark_irq_entry(uw, f, init, entry_lr);
			irq_entry = false;
		}
		if (!f->function) {
			lc_stack_stop(st, false, "return address 0x%" PRIx64 " is not kernel text",
				      next_pc);
			return;
		}
		prev_record = fp;
		fp = rec_fp;
	}
}

struct lc_error *lc_arm64_cpu_stacks(struct lc_program *prog, unsigned cpu,
				     struct lc_stack_ranges *ret)
{
	uint64_t size = DEFAULT_STACK_SIZE;
	struct lc_types *types = lc_unwind_types(prog);
	if (types) {
		uint64_t s;
		/* IRQ_STACK_SIZE and SDEI_STACK_SIZE are THREAD_SIZE. */
		struct lc_error *e = lc_types_sizeof(types, "union thread_union", &s);
		if (!e && s >= 4096 && s <= (1u << 20))
			size = s;
		lc_error_destroy(e);
	}
	uint64_t base;
	struct lc_error *err = lc_unwind_percpu_ulong(prog, "irq_stack_ptr", cpu, &base);
	if (!err)
		lc_stack_ranges_add(ret, base, base + size, LC_STACK_IRQ, "irq");
	lc_error_destroy(err);
	uint64_t var;
	err = lc_symbol_address(prog, "overflow_stack", &var);
	if (!err)
		err = lc_percpu_address(prog, var, cpu, &base);
	if (!err)
		lc_stack_ranges_add(ret, base, base + OVERFLOW_STACK_SIZE, LC_STACK_OVERFLOW,
				    "overflow");
	lc_error_destroy(err);
	static const char *const sdei[] = {"sdei_stack_normal_ptr", "sdei_stack_critical_ptr"};
	for (size_t i = 0; i < LC_ARRAY_SIZE(sdei); i++) {
		err = lc_unwind_percpu_ulong(prog, sdei[i], cpu, &base);
		if (!err)
			lc_stack_ranges_add(ret, base, base + size, LC_STACK_SDEI,
					    i ? "SDEI critical" : "SDEI");
		lc_error_destroy(err);
	}
	return NULL;
}

struct lc_error *lc_arm64_task_regs(struct lc_program *prog, uint64_t task, struct lc_regset *ret)
{
	/* cpu_switch_to() saved x19-x28, fp, sp and its return address (pc). */
	static const struct {
		const char *member;
		unsigned reg;
	} slots[] = {
		{"thread.cpu_context.x19", 19}, {"thread.cpu_context.x20", 20},
		{"thread.cpu_context.x21", 21}, {"thread.cpu_context.x22", 22},
		{"thread.cpu_context.x23", 23}, {"thread.cpu_context.x24", 24},
		{"thread.cpu_context.x25", 25}, {"thread.cpu_context.x26", 26},
		{"thread.cpu_context.x27", 27}, {"thread.cpu_context.x28", 28},
		{"thread.cpu_context.fp", LC_ARM64_FP}, {"thread.cpu_context.sp", LC_ARM64_SP},
		{"thread.cpu_context.pc", LC_ARM64_PC},
	};
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < LC_ARRAY_SIZE(slots); i++) {
		uint64_t v;
		struct lc_error *err =
			lc_read_member(prog, task, "struct task_struct", slots[i].member, &v);
		if (err)
			return err;
		lc_regset_set(ret, slots[i].reg, v);
	}
	return NULL;
}

void lc_arm64_irq_state(struct lc_program *prog, int cpu, const struct lc_regset *regs,
			struct lc_irq_info *ret)
{
	(void)prog;
	uint64_t pstate;
	if (!lc_regset_get(regs, LC_ARM64_PSTATE, &pstate)) {
		ret->state = LC_IRQS_UNKNOWN;
		snprintf(ret->reason, sizeof(ret->reason), "no PSTATE in the registers");
		return;
	}
	bool masked = pstate & PSTATE_I;
	ret->state = masked ? LC_IRQS_OFF : LC_IRQS_ON;
	snprintf(ret->reason, sizeof(ret->reason), "PSTATE.I=%d (DAIF=0x%x) in the %s",
		 masked ? 1 : 0, (unsigned)((pstate >> 6) & 0xf),
		 cpu >= 0 ? "CPU's crash-time registers" : "saved pt_regs");
}

/* ---- a running task whose CPU left no registers ---- */

enum {
	SCAN_MAX_STACK = 1u << 18,
	/* the last record lies in or just below the pt_regs at the top of a task stack */
	LAST_RECORD_ZONE = 1024,
};

static bool is_text(struct lc_unwinder *uw, uint64_t addr)
{
	if (lc_unwind_module_at(uw, addr))
		return true;
	const struct lc_symbol *s = uw->symbols ? lc_symbols_lookup(uw->symbols, addr) : NULL;
	return s && s->type && strchr("tTwW", s->type);
}

/*
 * What the two words at a 16-byte aligned stack slot are, as a frame record:
 * 0 not one, 1 one linking to a record higher on the same stack, 2 the last
 * record of a task stack ({0, 0} in the pt_regs at its top, or {0, the return
 * into ret_from_fork} that the first function pushed just below them).
 */
static int record_kind(struct lc_unwinder *uw, uint64_t at, uint64_t fp, uint64_t lr, uint64_t hi)
{
	uint64_t pc = lc_arm64_strip_pac(lr, uw->pac_mask);
	if (!fp)
		return hi - at <= LAST_RECORD_ZONE && (!lr || is_text(uw, pc - 1)) ? 2 : 0;
	if (fp <= at || fp >= hi || (fp & 15))
		return 0;
	return is_text(uw, pc - 1) ? 1 : 0;
}

/*
 * Does the record at child belong to a call made by the function that pushed
 * parent? That function is the target of the call before parent's return
 * address; child's return address must lie in it. -1 when the call is
 * indirect or unknown, so that nothing can be said.
 */
static int link_fits(struct lc_unwinder *uw, uint64_t child_lr, uint64_t parent_lr)
{
	uint64_t target = call_target(uw, lc_arm64_strip_pac(parent_lr, uw->pac_mask));
	const struct lc_symbol *t = target ? sym_of(uw, target, true) : NULL;
	if (!t || t->address != target)
		return -1;
	const struct lc_symbol *c = sym_of(uw, lc_arm64_strip_pac(child_lr, uw->pac_mask), false);
	return c && c->address == target;
}

/*
 * Every function with a frame record pushes it at the bottom of its frame,
 * so the live frames of a task are a chain of records climbing to the last
 * one of its stack. Records of calls that have returned stay below the live
 * ones and may still link to a live caller. So the walk goes down from the
 * top: of the records that link to the current one, it takes one whose return
 * address lies in the function the current record's call went to, and of
 * those the highest (a returned sibling's record is usually below the live
 * callee's frame, which would have overwritten it otherwise). The frames are
 * marked as guesses; the innermost function is known only as the target of
 * the call before the innermost return address (a leaf, such as a spin loop,
 * keeps no record at all).
 */
void lc_arm64_scan_running(struct lc_unwinder *uw, struct lc_stack *st, uint64_t lo, uint64_t hi)
{
	lo = (lo + 15) & ~15ull;
	if (hi <= lo || hi - lo > SCAN_MAX_STACK) {
		lc_stack_stop(st, false, "no task stack to scan");
		return;
	}
	size_t n = (size_t)(hi - lo) / 16;
	uint64_t *w = malloc(n * 16);
	/* chain[i]: 1 the slot is a record whose chain reaches the end, 2 it is not, 3 the end */
	uint8_t *chain = calloc(n, 1);
	if (!w || !chain) {
		free(w);
		free(chain);
		lc_stack_stop(st, false, "out of memory scanning the stack");
		return;
	}
	/* Page by page: a page missing from the dump only breaks the chains through it. */
	unsigned pages = 0, unreadable = 0;
	for (uint64_t a = lo; a < hi; pages++) {
		uint64_t end = (a | 4095) + 1 < hi ? (a | 4095) + 1 : hi;
		uint8_t *buf = (uint8_t *)(w + (a - lo) / 8);
		struct lc_error *err = uw->read(uw->read_arg, a, buf, (size_t)(end - a));
		if (err) {
			lc_error_destroy(err);
			unreadable++;
			memset(buf, 0xff, (size_t)(end - a)); /* never a record: misaligned fp */
		} else {
			for (size_t k = 0; k < (end - a) / 8; k++)
				((uint64_t *)buf)[k] = lc_load_uint(buf + 8 * k, 8, uw->big_endian);
		}
		a = end;
	}
	/* Top down, so that the slot a record links to is decided before it. */
	size_t cur = n;
	for (size_t i = n; i-- > 0;) {
		int kind = record_kind(uw, lo + 16 * (uint64_t)i, w[2 * i], w[2 * i + 1], hi);
		if (kind == 2)
			chain[i] = 3;
		else if (kind == 1 && chain[(w[2 * i] - lo) / 16] & 1)
			chain[i] = 1;
		else
			chain[i] = 2;
		/* the outermost frame: the highest record linking to an end */
		if (cur == n && chain[i] == 1 && chain[(w[2 * i] - lo) / 16] == 3)
			cur = i;
	}
	if (cur == n) {
		if (unreadable)
			lc_stack_stop(st, false,
				      "no chain of frame records reaches the end of the task stack "
				      "(%u of its %u pages are not in the dump)",
				      unreadable, pages);
		else
			lc_stack_stop(st, false,
				      "no chain of frame records reaches the end of the task stack");
		goto out;
	}
	for (;;) {
		uint64_t at = lo + 16 * (uint64_t)cur;
		size_t best = n;
		int best_fit = -2;
		for (size_t i = cur; i-- > 0;) {
			if (chain[i] != 1 || w[2 * i] != at)
				continue;
			int fit = link_fits(uw, w[2 * i + 1], w[2 * cur + 1]);
			if (fit > best_fit) {
				best_fit = fit;
				best = i;
			}
		}
		if (best == n)
			break;
		cur = best;
	}
	for (size_t i = cur;;) {
		if (st->count >= uw->max_frames) {
			lc_stack_stop(st, false, "stopped after %u frames", uw->max_frames);
			goto out;
		}
		uint64_t at = lo + 16 * (uint64_t)i, fp = w[2 * i];
		uint64_t pc = lc_arm64_strip_pac(w[2 * i + 1], uw->pac_mask);
		if (!pc) {
			lc_stack_stop(st, true, "end of the stack (final frame record)");
			goto out;
		}
		struct lc_frame *f;
		struct lc_error *err = lc_stack_push(uw, st, pc, at, at, false, &f);
		if (err) {
			lc_stack_stop_error(st, err, "recording a frame");
			goto out;
		}
		f->method = LC_UNWIND_SCAN;
		f->guessed = true;
		if (st->count == 1) {
			f->call_target = call_target(uw, pc);
			const struct lc_symbol *cs =
				f->call_target ? sym_of(uw, f->call_target, true) : NULL;
			if (cs && cs->address == f->call_target)
				f->call_function = cs->name;
		}
		if (!fp) {
			lc_stack_stop(st, true, "end of the stack (null frame pointer)");
			goto out;
		}
		i = (size_t)(fp - lo) / 16;
	}
out:
	free(w);
	free(chain);
}
