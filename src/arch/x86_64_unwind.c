// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * x86_64 stacks: ORC from the dump's own tables, the vmlinux's DWARF CFI where
 * ORC has nothing (with -k), frame pointers where neither has (BPF), pt_regs
 * frames across IRQ, NMI and exception stacks back to the task stack.
 */
#include <stdio.h>

#include "arch/arch_unwind.h"
#include "arch/orc.h"
#include "debuginfo.h"
#include "linux/kernel.h"
#include "program.h"
#include "read.h"
#include "symbols.h"

const char *const lc_x86_64_gregs[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9",
	"r8",  "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs",
	"rflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
};

enum {
	PT_REGS_IP_OFFSET = LC_X86_RIP * 8,
	X86_RDI = 14,
	X86_RDX = 12,
	X86_R10 = 7,
	X86_R13 = 2,
	/* 6.1 without KASAN: IRQ_STACK_SIZE 16 KiB, EXCEPTION_STKSZ 8 KiB after a guard page */
	DEFAULT_IRQ_STACK_SIZE = 16384,
	DEFAULT_ESTACK_SIZE = 8192,
	DEFAULT_ESTACK_STRIDE = 4096 + 8192,
};

struct lc_error *lc_x86_64_unwind_prepare(struct lc_program *prog, void **ret)
{
	struct lc_orc_table *t = malloc(sizeof(*t));
	if (!t)
		return lc_error_nomem;
	struct lc_error *err = lc_orc_table_init(prog, t);
	if (err) {
		free(t);
		return err;
	}
	*ret = t;
	return NULL;
}

void lc_x86_64_unwind_free(void *data)
{
	free(data);
}

/* What the kernel assumes for code ORC does not cover: a frame-pointer frame. */
static const struct lc_orc_entry fp_entry = {
	.sp_offset = 16,
	.bp_offset = -16,
	.sp_reg = LC_ORC_REG_BP,
	.bp_reg = LC_ORC_REG_PREV_SP,
	.type = LC_ORC_TYPE_CALL,
};

struct x86_state {
	uint64_t ip, sp, bp;
	struct lc_regset regs; /* of the current frame, when it was resumed from pt_regs */
	bool full_regs, partial_regs;
	bool signal;
	/* Every register known in this frame: CFI steps from them, lock readers read them. */
	struct lc_regset known;
};

static bool state_reg(const struct x86_state *s, unsigned idx, uint64_t *ret)
{
	if (!s->full_regs)
		return false;
	return lc_regset_get(&s->regs, idx, ret);
}

/*
 * Without unwind data for the first frame, find its caller the way a reader
 * of a raw stack would: the nearest slot above sp holding a return address
 * whose call instruction (e8 rel32) targets the current function.
 */
static bool scan_for_caller(struct lc_unwinder *uw, const struct lc_frame *cur, uint64_t sp,
			    uint64_t *slot_ret, uint64_t *ip_ret)
{
	if (!cur->function)
		return false;
	uint64_t func = cur->pc - cur->offset;
	const struct lc_stack_range *r = lc_stack_ranges_find(&uw->ranges, sp);
	uint64_t end = r ? r->end : sp + 4096;
	for (uint64_t slot = sp; slot + 8 <= end && slot < sp + 4096; slot += 8) {
		uint64_t w;
		uint8_t call[5];
		struct lc_error *err = lc_unwind_read_u64(uw, slot, &w);
		if (err) {
			lc_error_destroy(err);
			return false;
		}
		if (w < 5 || !uw->symbols || !lc_symbols_lookup(uw->symbols, w - 1))
			continue;
		err = uw->read(uw->read_arg, w - 5, call, sizeof(call));
		if (err) {
			lc_error_destroy(err);
			continue;
		}
		int32_t rel = (int32_t)(uint32_t)lc_load_uint(call + 1, 4, false);
		if (call[0] == 0xe8 && w + (uint64_t)(int64_t)rel == func) {
			*slot_ret = slot;
			*ip_ret = w;
			return true;
		}
	}
	return false;
}

static const char *fname(const struct lc_frame *f)
{
	return f->function ? f->function : "?";
}

/* ORC has no usable rule here (objtool found no unwind information). */
static bool orc_undefined(const struct lc_orc_entry *e)
{
	return e->sp_reg == LC_ORC_REG_UNDEFINED || e->type == LC_ORC_TYPE_UNDEFINED;
}

/*
 * The registers known in the caller after an ORC step: what ORC itself gives
 * (ip, sp, bp), plus, when the vmlinux's CFI covers the same frame and
 * agrees on its CFA, the callee-saved registers CFI says where to find.
 * ORC alone never knows them: a caller's rbx may be anything.
 */
static void orc_known(const struct lc_unwinder *uw, struct x86_state *next, bool bp_known,
		      const struct lc_cfi_step *cfi, bool cfi_agrees)
{
	if (next->full_regs) {
		next->known = next->regs;
		return;
	}
	memset(&next->known, 0, sizeof(next->known));
	if (next->partial_regs) {
		for (unsigned i = LC_X86_RIP; i < LC_X86_RIP + 5; i++)
			lc_regset_set(&next->known, i, next->regs.r[i]);
	}
	if (cfi_agrees) {
		for (unsigned i = 0; i < uw->arch->ncallee_saved; i++) {
			uint64_t v;
			unsigned r = uw->arch->callee_saved[i];
			if (lc_regset_get(&cfi->caller, r, &v))
				lc_regset_set(&next->known, r, v);
		}
	}
	lc_regset_set(&next->known, LC_X86_RIP, next->ip);
	lc_regset_set(&next->known, LC_X86_RSP, next->sp);
	if (bp_known)
		lc_regset_set(&next->known, LC_X86_RBP, next->bp);
}

void lc_x86_64_unwind(struct lc_unwinder *uw, struct lc_stack *st, const struct lc_regset *init)
{
	const struct lc_orc_table *orc = uw->arch_data;
	struct x86_state s = {0};
	if (!lc_regset_get(init, LC_X86_RIP, &s.ip) || !lc_regset_get(init, LC_X86_RSP, &s.sp)) {
		lc_stack_stop(st, false, "no rip/rsp in the registers");
		return;
	}
	lc_regset_get(init, LC_X86_RBP, &s.bp);
	s.regs = *init;
	s.known = *init;
	s.full_regs = !st->start_is_return;
	s.signal = !st->start_is_return;
	struct lc_frame *f0;
	struct lc_error *err = lc_stack_push(uw, st, s.ip, s.sp, 0, s.signal, &f0);
	if (err) {
		lc_stack_stop_error(st, err, "recording a frame");
		return;
	}
	lc_frame_set_known(uw, f0, &s.known);
	uint32_t left = 0; /* stack ranges already left behind: going back means a loop */
	for (;;) {
		struct lc_frame *cur = &st->frames[st->count - 1];
		if (st->count >= uw->max_frames) {
			lc_stack_stop(st, false, "stopped after %u frames", uw->max_frames);
			return;
		}
		uint64_t cs;
		if (lc_regset_get(&s.regs, LC_X86_CS, &cs) && (s.full_regs || s.partial_regs) &&
		    (cs & 3)) {
			lc_stack_stop(st, true, "reached user mode");
			return;
		}
		if (!s.ip) {
			lc_stack_stop(st, true, "end of the stack (zero return address)");
			return;
		}
		struct lc_orc_entry e;
		bool found = false, guessed = false;
		uint64_t at = s.signal ? s.ip : s.ip - 1;
		const struct lc_module *mod = lc_unwind_module_at(uw, at);
		if (orc) {
			err = lc_orc_find(orc, at, &found, &e);
			if (!err && !found && mod && mod->num_orcs) {
				/* Modules carry their own tables, without a lookup index. */
				struct lc_orc_table mt = *orc;
				mt.ip_table = mod->orc_ip;
				mt.orc_table = mod->orc;
				mt.count = mod->num_orcs;
				mt.lookup = mt.lookup_count = 0;
				mt.text_start = mod->text_start;
				mt.text_end = mod->text_end;
				mt.init_start = mt.init_end = 0;
				if (mt.count <= (1u << 22))
					err = lc_orc_find(&mt, at, &found, &e);
			}
			if (err) {
				lc_stack_stop_error(st, err, "reading ORC data");
				return;
			}
		}
		/*
		 * The vmlinux's CFI (-k). ORC stays first: it is what the kernel
		 * itself trusts, objtool checked it, and it covers the entry
		 * assembly and its pt_regs frames, which have no CFI since 4.x.
		 * CFI steps where ORC has no entry (or an undefined one), and on
		 * every ORC step it recovers the callee-saved registers ORC cannot.
		 */
		bool cfi_found = false;
		struct lc_cfi_step cfi;
		struct lc_error *cfi_err = NULL;
		if (uw->debuginfo && !mod)
			cfi_err = lc_debuginfo_cfi_step(uw->debuginfo, uw, s.ip, s.signal, &s.known,
							&cfi_found, &cfi);
		bool cfi_ok = cfi_found && !cfi_err;
		/*
		 * A CFI step must stay on its stack and move up it: C code does
		 * not switch stacks, except through inline assembly CFI cannot
		 * describe (call_on_irqstack(), whose callers' CFI is wrong right
		 * after the call). Where CFI breaks that rule ORC, if it has an
		 * entry, decides.
		 */
		const char *cfi_bad = NULL;
		if (cfi_ok) {
			const struct lc_stack_range *from = lc_stack_ranges_find(&uw->ranges, s.sp);
			const struct lc_stack_range *to = lc_stack_ranges_find(&uw->ranges, cfi.cfa);
			if (!to && uw->ranges.count)
				cfi_bad = "is on no known stack";
			else if (from && to && to != from)
				cfi_bad = "is on another stack";
			else if (from && to == from && cfi.cfa <= s.sp)
				cfi_bad = "went backwards";
		}
		if (cfi_ok && cfi_bad && !found) {
			lc_stack_stop(st, false, "stack pointer 0x%" PRIx64 " %s at %s+0x%" PRIx64 " (CFI)",
				      cfi.cfa, cfi_bad, fname(cur), cur->offset);
			return;
		}
		if (cfi_ok && !cfi_bad && (!found || uw->prefer_cfi || orc_undefined(&e))) {
			struct x86_state next = {.ip = cfi.pc, .sp = cfi.cfa, .bp = s.bp};
			next.known = cfi.caller;
			lc_regset_get(&cfi.caller, LC_X86_RBP, &next.bp);
			next.signal = cfi.signal;
			cur->cfa = cur->dwarf_cfa = cfi.cfa;
			struct lc_frame *f;
			err = lc_stack_push(uw, st, next.ip, next.sp, 0, next.signal, &f);
			if (err) {
				lc_stack_stop_error(st, err, "recording a frame");
				return;
			}
			f->method = LC_UNWIND_CFI;
			lc_frame_set_known(uw, f, &next.known);
			s = next;
			continue;
		}
		if (cfi_err && !found) {
			bool end = lc_error_code(cfi_err) == LC_ERR_STOP;
			lc_stack_stop(st, end, "%s at %s+0x%" PRIx64 " (CFI)",
				      lc_error_message(cfi_err), fname(cur), cur->offset);
			lc_error_destroy(cfi_err);
			return;
		}
		lc_error_destroy(cfi_err);
		if (!found) {
			if (!cur->function) {
				lc_stack_stop(st, false, "0x%" PRIx64 " is not kernel text", s.ip);
				return;
			}
			/* BPF and (for now) module code: assume frame pointers, as the kernel does. */
			e = fp_entry;
			guessed = true;
		}
		if (e.type == LC_ORC_TYPE_END_OF_STACK ||
		    (e.sp_reg == LC_ORC_REG_UNDEFINED && e.end)) {
			lc_stack_stop(st, true, "end of the stack (ORC end marker in %s)", fname(cur));
			return;
		}
		if (orc_undefined(&e) && st->count == 1 && s.signal && orc) {
			/*
			 * crash_setup_regs() records _THIS_IP_, a label objtool sees as
			 * unreachable (no ORC); the instruction before it has the same
			 * stack layout.
			 */
			struct lc_orc_entry prev;
			bool pfound = false;
			err = lc_orc_find(orc, s.ip - 1, &pfound, &prev);
			if (err) {
				lc_stack_stop_error(st, err, "reading ORC data");
				return;
			}
			if (pfound && !orc_undefined(&prev) &&
			    prev.type != LC_ORC_TYPE_END_OF_STACK)
				e = prev;
		}
		if (orc_undefined(&e)) {
			uint64_t slot, ret;
			if (st->count == 1 && scan_for_caller(uw, cur, s.sp, &slot, &ret)) {
				struct lc_frame *f;
				err = lc_stack_push(uw, st, ret, slot + 8, 0, false, &f);
				if (err) {
					lc_stack_stop_error(st, err, "recording a frame");
					return;
				}
				f->guessed = true;
				f->method = LC_UNWIND_SCAN;
				s.ip = ret;
				s.sp = slot + 8;
				s.full_regs = s.partial_regs = s.signal = false;
				memset(&s.known, 0, sizeof(s.known));
				lc_regset_set(&s.known, LC_X86_RIP, s.ip);
				lc_regset_set(&s.known, LC_X86_RSP, s.sp);
				lc_frame_set_known(uw, f, &s.known);
				continue;
			}
			lc_stack_stop(st, false, "no ORC unwind information at %s+0x%" PRIx64,
				      fname(cur), cur->offset);
			return;
		}
		uint64_t cfa = 0;
		bool indirect = false;
		switch (e.sp_reg) {
		case LC_ORC_REG_SP:
			cfa = s.sp + (uint64_t)(int64_t)e.sp_offset;
			break;
		case LC_ORC_REG_BP:
			cfa = s.bp + (uint64_t)(int64_t)e.sp_offset;
			break;
		case LC_ORC_REG_SP_INDIRECT:
			cfa = s.sp;
			indirect = true;
			break;
		case LC_ORC_REG_BP_INDIRECT:
			cfa = s.bp + (uint64_t)(int64_t)e.sp_offset;
			indirect = true;
			break;
		case LC_ORC_REG_R10:
		case LC_ORC_REG_R13:
		case LC_ORC_REG_DI:
		case LC_ORC_REG_DX: {
			unsigned idx = e.sp_reg == LC_ORC_REG_R10   ? X86_R10
				       : e.sp_reg == LC_ORC_REG_R13 ? X86_R13
				       : e.sp_reg == LC_ORC_REG_DI  ? X86_RDI
								    : X86_RDX;
			if (!state_reg(&s, idx, &cfa)) {
				lc_stack_stop(st, false,
					      "ORC needs register %u at %s+0x%" PRIx64
					      ", which this frame did not save",
					      e.sp_reg, fname(cur), cur->offset);
				return;
			}
			break;
		}
		default:
			lc_stack_stop(st, false, "unknown ORC base register %u at %s+0x%" PRIx64,
				      e.sp_reg, fname(cur), cur->offset);
			return;
		}
		if (indirect) {
			err = lc_unwind_read_u64(uw, cfa, &cfa);
			if (err) {
				lc_stack_stop_error(st, err, "following an indirect stack pointer");
				return;
			}
			if (e.sp_reg == LC_ORC_REG_SP_INDIRECT)
				cfa += (uint64_t)(int64_t)e.sp_offset;
		}
		cur->cfa = cfa;

		struct x86_state next = {.bp = s.bp};
		uint64_t regs_address = 0;
		switch (e.type) {
		case LC_ORC_TYPE_CALL:
			err = lc_unwind_read_u64(uw, cfa - 8, &next.ip);
			if (err) {
				lc_stack_stop_error(st, err, "reading a return address");
				return;
			}
			next.sp = cfa;
			/* The frame's CFA in DWARF's sense too: the sp before the call. */
			if (!guessed)
				cur->dwarf_cfa = cfa;
			break;
		case LC_ORC_TYPE_REGS:
			err = lc_unwind_read_regs(uw, cfa, LC_X86_PTREGS, &next.regs);
			if (err) {
				lc_stack_stop_error(st, err, "reading pt_regs");
				return;
			}
			next.ip = next.regs.r[LC_X86_RIP];
			next.sp = next.regs.r[LC_X86_RSP];
			next.full_regs = true;
			next.signal = true;
			regs_address = cfa;
			break;
		case LC_ORC_TYPE_REGS_PARTIAL:
			/* Only the hardware's iret frame: ip, cs, flags, sp, ss. */
			regs_address = cfa - PT_REGS_IP_OFFSET;
			for (unsigned i = 0; i < 5; i++) {
				uint64_t v;
				err = lc_unwind_read_u64(uw, cfa + i * 8, &v);
				if (err) {
					lc_stack_stop_error(st, err, "reading an iret frame");
					return;
				}
				lc_regset_set(&next.regs, LC_X86_RIP + i, v);
			}
			next.ip = next.regs.r[LC_X86_RIP];
			next.sp = next.regs.r[LC_X86_RSP];
			next.partial_regs = true;
			next.signal = true;
			break;
		default:
			lc_stack_stop(st, false, "unknown ORC entry type at %s+0x%" PRIx64,
				      fname(cur), cur->offset);
			return;
		}
		/* 6.3+ marks signal frames explicitly; earlier kernels imply it from REGS. */
		if (e.signal && e.type == LC_ORC_TYPE_CALL)
			next.signal = true;

		uint64_t unused;
		bool bp_known = lc_regset_get(&s.known, LC_X86_RBP, &unused);
		switch (e.bp_reg) {
		case LC_ORC_REG_UNDEFINED:
			if (next.full_regs)
				next.bp = next.regs.r[LC_X86_RBP];
			break;
		case LC_ORC_REG_PREV_SP:
			err = lc_unwind_read_u64(uw, cfa + (uint64_t)(int64_t)e.bp_offset, &next.bp);
			bp_known = true;
			break;
		case LC_ORC_REG_BP:
			err = lc_unwind_read_u64(uw, s.bp + (uint64_t)(int64_t)e.bp_offset, &next.bp);
			bp_known = true;
			break;
		default:
			lc_stack_stop(st, false, "unknown ORC frame-pointer rule %u at %s+0x%" PRIx64,
				      e.bp_reg, fname(cur), cur->offset);
			return;
		}
		if (err) {
			lc_stack_stop_error(st, err, "reading the saved frame pointer");
			return;
		}
		orc_known(uw, &next, bp_known && !guessed, &cfi,
			  cfi_ok && !cfi_bad && !guessed && e.type == LC_ORC_TYPE_CALL &&
				  cfi.cfa == cfa);

		if (next.full_regs || next.partial_regs) {
			uint64_t ncs;
			if (lc_regset_get(&next.regs, LC_X86_CS, &ncs) && (ncs & 3)) {
				lc_stack_stop(st, true, "reached user mode (pt_regs at 0x%" PRIx64 ")",
					      regs_address);
				return;
			}
		}
		const struct lc_stack_range *from = lc_stack_ranges_find(&uw->ranges, s.sp);
		const struct lc_stack_range *to = lc_stack_ranges_find(&uw->ranges, next.sp);
		if (!to && uw->ranges.count) {
			lc_stack_stop(st, false, "stack pointer 0x%" PRIx64 " is on no known stack",
				      next.sp);
			return;
		}
		if (from && to == from && next.sp <= s.sp) {
			lc_stack_stop(st, false,
				      "stack pointer went backwards at %s+0x%" PRIx64 "%s",
				      fname(cur), cur->offset, guessed ? " (frame-pointer guess)" : "");
			return;
		}
		if (from && to && to != from) {
			unsigned ti = (unsigned)(to - uw->ranges.r);
			if (left & (1u << ti)) {
				lc_stack_stop(st, false, "returned to the %s stack it had left",
					      to->name);
				return;
			}
			left |= 1u << (unsigned)(from - uw->ranges.r);
		}
		struct lc_frame *f;
		err = lc_stack_push(uw, st, next.ip, next.sp, 0, next.signal, &f);
		if (err) {
			lc_stack_stop_error(st, err, "recording a frame");
			return;
		}
		f->method = guessed ? LC_UNWIND_FP : LC_UNWIND_ORC;
		if (regs_address)
			lc_frame_set_exception(uw, f, regs_address, &next.regs);
		lc_frame_set_known(uw, f, &next.known);
		s = next;
	}
}

static struct lc_error *hardirq_stack(struct lc_program *prog, unsigned cpu, uint64_t *top)
{
	struct lc_error *err = lc_unwind_percpu_ulong(prog, "hardirq_stack_ptr", cpu, top);
	if (!err || lc_error_code(err) != LC_ERR_LOOKUP)
		return err;
	lc_error_destroy(err);
	/* 6.2 moved it into struct pcpu_hot (commit 7443b296e699). */
	uint64_t hot, addr;
	if ((err = lc_symbol_address(prog, "pcpu_hot", &hot)) ||
	    (err = lc_percpu_address(prog, hot, cpu, &addr)) ||
	    (err = lc_read_member(prog, addr, "struct pcpu_hot", "hardirq_stack_ptr", top)))
		return err;
	return NULL;
}

struct lc_error *lc_x86_64_cpu_stacks(struct lc_program *prog, unsigned cpu,
				      struct lc_stack_ranges *ret)
{
	struct lc_types *types = lc_unwind_types(prog);

	uint64_t top, size = DEFAULT_IRQ_STACK_SIZE;
	struct lc_error *err = hardirq_stack(prog, cpu, &top);
	if (!err && top) {
		uint64_t s;
		struct lc_error *e = types ? lc_types_sizeof(types, "struct irq_stack", &s) : NULL;
		if (types && !e && s >= 4096 && s <= (1u << 20))
			size = s;
		lc_error_destroy(e);
		/* The pointer is the top-most slot, which holds the interrupted stack pointer. */
		lc_stack_ranges_add(ret, top + 8 - size, top + 8, LC_STACK_IRQ, "hardirq");
	}
	lc_error_destroy(err);

	uint64_t cea;
	err = lc_unwind_percpu_ulong(prog, "cea_exception_stacks", cpu, &cea);
	if (err || !cea)
		return err;
	static const struct {
		const char *member, *name;
		enum lc_stack_kind kind;
	} estacks[] = {
		{"DF_stack", "#DF", LC_STACK_EXCEPTION},  {"NMI_stack", "NMI", LC_STACK_NMI},
		{"DB_stack", "#DB", LC_STACK_EXCEPTION},  {"MCE_stack", "#MC", LC_STACK_EXCEPTION},
		{"VC_stack", "#VC", LC_STACK_EXCEPTION},  {"VC2_stack", "#VC2", LC_STACK_EXCEPTION},
	};
	for (size_t i = 0; i < LC_ARRAY_SIZE(estacks); i++) {
		uint64_t off = 4096 + i * DEFAULT_ESTACK_STRIDE, len = DEFAULT_ESTACK_SIZE;
		struct lc_member_info mi;
		struct lc_error *e =
			types ? lc_types_member_info(types, "struct cea_exception_stacks",
						     estacks[i].member, &mi)
			      : lc_error_create(LC_ERR_LOOKUP, "no types");
		if (!e && mi.type) {
			off = mi.bit_offset / 8;
			const struct lc_type *t = lc_type_unqualified(mi.type);
			if (t->size)
				len = t->size;
		}
		lc_error_destroy(e);
		lc_stack_ranges_add(ret, cea + off, cea + off + len, estacks[i].kind,
				    estacks[i].name);
	}
	return NULL;
}

struct lc_error *lc_x86_64_task_regs(struct lc_program *prog, uint64_t task, struct lc_regset *ret)
{
	uint64_t sp;
	struct lc_error *err = lc_read_member(prog, task, "struct task_struct", "thread.sp", &sp);
	if (err)
		return err;
	/*
	 * Since 4.9 switch_to() leaves a struct inactive_task_frame at thread.sp:
	 * callee-saved registers, the frame pointer and the return address into
	 * __schedule().
	 */
	static const struct {
		const char *member;
		unsigned reg;
		uint64_t fallback;
	} slots[] = {
		{"r15", LC_X86_R15, 0}, {"r14", LC_X86_R14, 8}, {"r13", 2, 16},
		{"r12", LC_X86_R12, 24}, {"bx", LC_X86_RBX, 32}, {"bp", LC_X86_RBP, 40},
		{"ret_addr", LC_X86_RIP, 48},
	};
	struct lc_types *types = lc_unwind_types(prog);
	memset(ret, 0, sizeof(*ret));
	uint64_t frame_size = 56;
	if (types) {
		uint64_t s;
		struct lc_error *e = lc_types_sizeof(types, "struct inactive_task_frame", &s);
		if (!e && s >= 56 && s <= 256)
			frame_size = s;
		lc_error_destroy(e);
	}
	for (size_t i = 0; i < LC_ARRAY_SIZE(slots); i++) {
		uint64_t off = slots[i].fallback, v;
		if (types) {
			struct lc_error *e = lc_types_offsetof(types, "struct inactive_task_frame",
							       slots[i].member, &off);
			if (e)
				off = slots[i].fallback;
			lc_error_destroy(e);
		}
		err = lc_read_ulong(prog, sp + off, &v);
		if (err)
			return lc_error_prefix(err, "reading the inactive_task_frame");
		lc_regset_set(ret, slots[i].reg, v);
	}
	lc_regset_set(ret, LC_X86_RSP, sp + frame_size);
	return NULL;
}

void lc_x86_64_irq_state(struct lc_program *prog, int cpu, const struct lc_regset *regs,
			 struct lc_irq_info *ret)
{
	(void)prog;
	uint64_t flags;
	if (!lc_regset_get(regs, LC_X86_RFLAGS, &flags)) {
		ret->state = LC_IRQS_UNKNOWN;
		snprintf(ret->reason, sizeof(ret->reason), "no EFLAGS in the registers");
		return;
	}
	bool on = flags & (1u << 9);
	ret->state = on ? LC_IRQS_ON : LC_IRQS_OFF;
	snprintf(ret->reason, sizeof(ret->reason), "EFLAGS.IF=%d in the %s", on ? 1 : 0,
		 cpu >= 0 ? "CPU's crash-time registers" : "saved pt_regs");
}
