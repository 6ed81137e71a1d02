// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unwinders on synthetic memory: no dump needed. */
#include <stdlib.h>

#include "arch/arch_unwind.h"
#include "arch/orc.h"
#include "check.h"
#include "linux/cpuregs.h"
#include "symbols.h"
#include "unwind.h"
#include "util.h"

/* A window of fake memory at a base address; everything else faults. */
struct fake_mem {
	uint64_t base;
	uint8_t *buf;
	size_t size;
	bool big_endian;
};

static struct lc_error *fake_read(void *arg, uint64_t addr, void *out, size_t len)
{
	struct fake_mem *m = arg;
	if (addr < m->base || addr - m->base > m->size || len > m->size - (addr - m->base))
		return lc_error_fault(addr, "no fake memory at 0x%" PRIx64, addr);
	memcpy(out, m->buf + (addr - m->base), len);
	return NULL;
}

static void put64(struct fake_mem *m, uint64_t addr, uint64_t v)
{
	lc_store_uint(m->buf + (addr - m->base), 8, m->big_endian, v);
}

static void put32(struct fake_mem *m, uint64_t addr, uint32_t v)
{
	lc_store_uint(m->buf + (addr - m->base), 4, m->big_endian, v);
}

static void add_sym(struct lc_symbols *syms, uint64_t addr, const char *name)
{
	CHECK_OK(lc_symbols_add(syms, addr, name, strlen(name), 'T', NULL));
}

/* --- ORC --- */

static void test_orc_decode(void)
{
	/* sp_offset 16, bp_offset -16, sp_reg SP(5), bp_reg PREV_SP(1), type REGS, end */
	uint8_t raw[6] = {16, 0, 0xf0, 0xff, 0x15, 0x01 | 0x04};
	struct lc_orc_entry e;
	lc_orc_decode(&lc_orc_layout_6_1, raw, &e);
	CHECK(e.sp_offset == 16 && e.bp_offset == -16);
	CHECK(e.sp_reg == LC_ORC_REG_SP && e.bp_reg == LC_ORC_REG_PREV_SP);
	CHECK(e.type == LC_ORC_TYPE_REGS);
	CHECK(e.end);
	CHECK(e.signal); /* implied by REGS before 6.3 */

	/* 6.4: type:3 = 1 is END_OF_STACK; bit 11 is signal */
	uint8_t raw2[6] = {8, 0, 0, 0, 0x05, 0x01 | 0x08};
	lc_orc_decode(&lc_orc_layout_6_4, raw2, &e);
	CHECK(e.type == LC_ORC_TYPE_END_OF_STACK);
	CHECK(e.signal);
	CHECK(!e.end);
	raw2[5] = 0x02; /* CALL */
	lc_orc_decode(&lc_orc_layout_6_4, raw2, &e);
	CHECK(e.type == LC_ORC_TYPE_CALL && !e.signal);
	raw2[5] = 0x07; /* 7 is no type at all */
	lc_orc_decode(&lc_orc_layout_6_4, raw2, &e);
	CHECK(e.type == LC_ORC_TYPE_INVALID);
}

static void test_orc_find(void)
{
	/*
	 * Text at 0xffffffff81000000, 1 KiB (4 lookup blocks); entries at
	 * text+0, +0x40, +0x100, +0x180, +0x300. Each entry's sp_offset is its
	 * index, so the answer names the entry found.
	 */
	const uint64_t text = 0xffffffff81000000ull, base = 0xffffffff82000000ull;
	static const uint64_t ips[] = {0x0, 0x40, 0x100, 0x180, 0x300};
	const size_t n = LC_ARRAY_SIZE(ips);
	struct fake_mem m = {.base = base, .size = 0x1000, .buf = calloc(1, 0x1000)};
	uint64_t ip_table = base, orc_table = base + 0x100, lookup = base + 0x200;
	for (size_t i = 0; i < n; i++) {
		uint64_t slot = ip_table + i * 4;
		put32(&m, slot, (uint32_t)(text + ips[i] - slot));
		uint8_t *e = m.buf + (orc_table + i * 6 - base);
		e[0] = (uint8_t)i;
		e[4] = LC_ORC_REG_SP;
	}
	/* orc_lookup[b] = first entry covering block b (256 bytes each), plus a final one */
	static const uint32_t blocks[] = {0, 2, 3, 4, 4};
	for (size_t b = 0; b < LC_ARRAY_SIZE(blocks); b++)
		put32(&m, lookup + b * 4, blocks[b]);
	struct lc_orc_table t = {
		.ip_table = ip_table,
		.count = n,
		.orc_table = orc_table,
		.lookup = lookup,
		.lookup_count = LC_ARRAY_SIZE(blocks),
		.text_start = text,
		.text_end = text + 0x400,
		.layout = lc_orc_layout_6_1,
		.read = fake_read,
		.read_arg = &m,
	};
	static const struct {
		uint64_t off;
		int want;
	} cases[] = {{0x0, 0}, {0x3f, 0}, {0x40, 1}, {0xff, 1}, {0x100, 2},
		     {0x17f, 2}, {0x1ff, 3}, {0x2ff, 3}, {0x300, 4}, {0x3ff, 4}};
	for (int pass = 0; pass < 2; pass++) {
		/* Second pass: no lookup table, plain binary search. */
		if (pass)
			t.lookup = 0;
		for (size_t i = 0; i < LC_ARRAY_SIZE(cases); i++) {
			bool found = false;
			struct lc_orc_entry e = {0};
			CHECK_OK(lc_orc_find(&t, text + cases[i].off, &found, &e));
			CHECK(found);
			CHECK_EQ_U64(e.sp_offset, cases[i].want);
		}
		/* Outside the table's text (a module, BPF): no answer rather than the last entry.
		 */
		bool found = true;
		struct lc_orc_entry e;
		CHECK_OK(lc_orc_find(&t, text + 0x400, &found, &e));
		CHECK(!found);
		CHECK_OK(lc_orc_find(&t, 0xffffffffc0001000ull, &found, &e));
		CHECK(!found);
	}
	/* A corrupt lookup entry pointing past the table falls back to the full search. */
	t.lookup = lookup;
	put32(&m, lookup + 4, 1000);
	bool found = false;
	struct lc_orc_entry e;
	CHECK_OK(lc_orc_find(&t, text + 0x40, &found, &e));
	CHECK(found && e.sp_offset == 1);
	/* Unreadable tables are an error, not a crash. */
	t.ip_table = 0x1000;
	t.lookup = 0;
	CHECK_ERR(lc_orc_find(&t, text + 0x40, &found, &e), LC_ERR_FAULT, "no fake memory");
	free(m.buf);
}

/* --- ppc64 back chain --- */

static void test_ppc64_backchain(bool big_endian)
{
	const uint64_t stack = 0xc000000004000000ull, size = 0x4000;
	struct fake_mem m = {
		.base = stack, .size = size, .buf = calloc(1, size), .big_endian = big_endian};
	struct lc_symbols syms;
	lc_symbols_init(&syms);
	add_sym(&syms, 0xc000000000010000ull, "leaf_fn");
	add_sym(&syms, 0xc000000000011000ull, "caller_fn");
	add_sym(&syms, 0xc000000000012000ull, "irq_entry");
	add_sym(&syms, 0xc000000000013000ull, "interrupted_fn");
	add_sym(&syms, 0xc000000000014000ull, "outer_fn");
	add_sym(&syms, 0xc000000000015000ull, "end_of_text");
	CHECK_OK(lc_symbols_finalize(&syms));

	/*
	 * Frames from the innermost: f0 (leaf_fn, r1) -> f1 (caller_fn) -> f2
	 * (exception frame of irq_entry, marker + pt_regs) -> interrupted r1 f3
	 * (interrupted_fn) -> f4 (outer_fn) -> back chain 0.
	 */
	uint64_t f0 = stack + 0x100, f1 = stack + 0x200, f2 = stack + 0x400, f3 = stack + 0x900,
		 f4 = stack + 0xa00;
	put64(&m, f0, f1);
	put64(&m, f1, f2);
	put64(&m, f1 + 16, 0xc000000000011040ull); /* leaf_fn's return into caller_fn */
	put64(&m, f2, f3);
	put64(&m, f2 + 16, 0xc000000000012020ull); /* caller_fn returns into irq_entry */
	put64(&m, f2 + 96, big_endian ? 0x52454753 : 0x53474552); /* "REGS" (6.1) */
	uint64_t regs = f2 + 112;
	put64(&m, regs + LC_PPC64_R1 * 8, f3);
	put64(&m, regs + LC_PPC64_NIP * 8, 0xc000000000013010ull);
	put64(&m, regs + LC_PPC64_MSR * 8, 0x8000000000001033ull); /* EE clear: hard-disabled */
	put64(&m, regs + LC_PPC64_LINK * 8, 0xc000000000013008ull); /* stale: own function */
	put64(&m, regs + LC_PPC64_SOFTE * 8, 1);
	put64(&m, f3, f4);
	put64(&m, f4, 0);
	put64(&m, f4 + 16, 0xc000000000014080ull); /* interrupted_fn returns into outer_fn */

	struct lc_unwinder uw = {
		.arch = &lc_arch_ppc64,
		.big_endian = big_endian,
		.read = fake_read,
		.read_arg = &m,
		.symbols = &syms,
		.max_frames = 64,
	};
	lc_stack_ranges_add(&uw.ranges, stack, stack + size, LC_STACK_TASK, "task");
	struct lc_regset regs0 = {0};
	lc_regset_set(&regs0, LC_PPC64_NIP, 0xc000000000010010ull);
	lc_regset_set(&regs0, LC_PPC64_R1, f0);
	lc_regset_set(&regs0, LC_PPC64_LINK, 0xc000000000011040ull);
	lc_regset_set(&regs0, LC_PPC64_MSR, 0x8000000000009033ull);
	struct lc_stack st = {.cpu = 0};
	lc_ppc64_unwind(&uw, &st, &regs0);
	static const char *const want[] = {"leaf_fn", "caller_fn", "irq_entry", "interrupted_fn",
					   "outer_fn"};
	CHECK_EQ_U64(st.count, LC_ARRAY_SIZE(want));
	for (size_t i = 0; i < st.count && i < LC_ARRAY_SIZE(want); i++)
		CHECK_STR(st.frames[i].function, want[i]);
	CHECK(st.complete);
	if (st.count == LC_ARRAY_SIZE(want)) {
		CHECK(st.frames[3].exception);
		CHECK_EQ_U64(st.frames[3].regs_address, regs);
		CHECK(st.frames[3].irqs.state == LC_IRQS_OFF);
		CHECK(strstr(st.frames[3].irqs.reason, "hard-disabled") != NULL);
		CHECK(st.frames[0].stack == LC_STACK_TASK);
	}
	lc_stack_deinit(&st);

	/* A loop in the back chain stops instead of spinning. */
	put64(&m, f4, f3);
	lc_ppc64_unwind(&uw, &st, &regs0);
	CHECK(!st.complete);
	CHECK(st.stopped && strstr(st.stopped, "backwards"));
	CHECK(st.count <= 64);
	lc_stack_deinit(&st);

	/* A back chain leaving the known stacks stops with the address. */
	put64(&m, f4, 0xc000000099999990ull);
	lc_ppc64_unwind(&uw, &st, &regs0);
	CHECK(st.stopped && strstr(st.stopped, "no known stack"));
	lc_stack_deinit(&st);

	lc_symbols_deinit(&syms);
	free(m.buf);
}

/* --- arm64 --- */

static void test_arm64_pac(void)
{
	const uint64_t mask = 0xff80000000000000ull; /* VA_BITS 48 with TBI off: bits 55.. */
	uint64_t kmask = ~0ull << 48;
	/* A signed kernel return address: PAC in bits 48-54 and 56-63, bit 55 set. */
	CHECK_EQ_U64(lc_arm64_strip_pac(0x3fa9ffc008123456ull | (1ull << 55), kmask),
		     0xffffffc008123456ull | kmask);
	CHECK_EQ_U64(lc_arm64_strip_pac(0x00d7800008123456ull, kmask), 0xffff800008123456ull);
	/* Unsigned addresses are unchanged. */
	CHECK_EQ_U64(lc_arm64_strip_pac(0xffff800008123456ull, kmask), 0xffff800008123456ull);
	/* User addresses (bit 55 clear) lose the code instead. */
	CHECK_EQ_U64(lc_arm64_strip_pac(0x0012000000401000ull, kmask), 0x0000000000401000ull);
	(void)mask;
}

static void test_arm64_records(void)
{
	const uint64_t stack = 0xffff800008000000ull, size = 0x4000;
	struct fake_mem m = {.base = stack, .size = size, .buf = calloc(1, size)};
	struct lc_symbols syms;
	lc_symbols_init(&syms);
	add_sym(&syms, 0xffff800008010000ull, "handler");
	add_sym(&syms, 0xffff800008011000ull, "el1h_64_irq");
	add_sym(&syms, 0xffff800008012000ull, "spinning_fn");
	add_sym(&syms, 0xffff800008013000ull, "caller_fn");
	add_sym(&syms, 0xffff800008014000ull, "end_of_text");
	CHECK_OK(lc_symbols_finalize(&syms));
	const uint64_t pac = 0x007f000000000000ull; /* a signature in bits 48-54 */
	const uint64_t kmask = ~0ull << 48;
	/*
	 * handler's record r0 -> el1h_64_irq's record, which is pt_regs->stackframe
	 * {x29, elr} -> spinning_fn's record r2 -> caller_fn -> final {0, 0}.
	 */
	uint64_t r0 = stack + 0x100, regs = stack + 0x200, r1 = regs + 304, r2 = stack + 0x800,
		 r3 = stack + 0x900;
	put64(&m, r0, r1);
	put64(&m, r0 + 8, (0xffff800008011020ull & ~kmask) | pac | (1ull << 55));
	put64(&m, regs + LC_ARM64_FP * 8, r2);
	put64(&m, regs + LC_ARM64_SP * 8, r2 - 0x10);
	put64(&m, regs + LC_ARM64_PC * 8, 0xffff800008012040ull);
	put64(&m, regs + LC_ARM64_LR * 8, 0xffff800008013010ull);
	put64(&m, regs + LC_ARM64_PSTATE * 8, 0x60000085); /* EL1h, I masked */
	put64(&m, r1, r2);
	put64(&m, r1 + 8, 0xffff800008012040ull);
	put64(&m, r2, r3);
	put64(&m, r2 + 8, 0xffff800008013010ull);
	put64(&m, r3, 0);
	put64(&m, r3 + 8, 0);

	struct lc_unwinder uw = {
		.arch = &lc_arch_arm64,
		.read = fake_read,
		.read_arg = &m,
		.symbols = &syms,
		.max_frames = 64,
		.pac_mask = kmask,
	};
	lc_stack_ranges_add(&uw.ranges, stack, stack + size, LC_STACK_TASK, "task");
	struct lc_regset regs0 = {0};
	lc_regset_set(&regs0, LC_ARM64_PC, 0xffff800008010008ull);
	lc_regset_set(&regs0, LC_ARM64_FP, r0);
	lc_regset_set(&regs0, LC_ARM64_SP, r0 - 0x20);
	lc_regset_set(&regs0, LC_ARM64_LR, 0xffff800008011020ull);
	struct lc_stack st = {.cpu = 1};
	lc_arm64_unwind(&uw, &st, &regs0);
	static const char *const want[] = {"handler", "el1h_64_irq", "spinning_fn", "caller_fn"};
	CHECK_EQ_U64(st.count, LC_ARRAY_SIZE(want));
	for (size_t i = 0; i < st.count && i < LC_ARRAY_SIZE(want); i++)
		CHECK_STR(st.frames[i].function, want[i]);
	CHECK(st.complete);
	if (st.count == LC_ARRAY_SIZE(want)) {
		CHECK_EQ_U64(st.frames[1].pc, 0xffff800008011020ull); /* signature stripped */
		CHECK(st.frames[2].exception);
		CHECK_EQ_U64(st.frames[2].regs_address, regs);
		CHECK(st.frames[2].irqs.state == LC_IRQS_OFF);
	}
	lc_stack_deinit(&st);
	lc_symbols_deinit(&syms);
	free(m.buf);
}

static uint32_t insn_bl(uint64_t from, uint64_t to)
{
	return 0x94000000u | (uint32_t)(((to - from) / 4) & 0x3ffffff);
}

/*
 * A running task without registers: the live chain must be found from the top
 * down, past a returned sibling below the live callee (and its own returned
 * callee, lower still) and past a record whose return address is not in the
 * function the parent's call went to.
 */
static void test_arm64_scan(void)
{
	const uint64_t base = 0xffff800008000000ull, stack = base, hi = base + 0x4000;
	const uint64_t text = base + 0x8000;
	struct fake_mem m = {.base = base, .size = 0x9000, .buf = calloc(1, 0x9000)};
	struct lc_symbols syms;
	lc_symbols_init(&syms);
	const uint64_t kthread = text, thread_fn = text + 0x100, spin_fn = text + 0x200,
		       helper = text + 0x300, printk = text + 0x400, vprintk = text + 0x500,
		       ret_from_fork = text + 0x600;
	add_sym(&syms, kthread, "kthread");
	add_sym(&syms, thread_fn, "thread_fn");
	add_sym(&syms, spin_fn, "spin_fn");
	add_sym(&syms, helper, "helper");
	add_sym(&syms, printk, "printk");
	add_sym(&syms, vprintk, "vprintk");
	add_sym(&syms, ret_from_fork, "ret_from_fork");
	add_sym(&syms, text + 0x700, "end_of_text");
	CHECK_OK(lc_symbols_finalize(&syms));
	put32(&m, thread_fn + 0x2c, insn_bl(thread_fn + 0x2c, spin_fn));
	put32(&m, thread_fn + 0x1c, insn_bl(thread_fn + 0x1c, printk));
	put32(&m, kthread + 0x1c, 0xd63f0020); /* blr x1: the thread function */
	put32(&m, spin_fn + 0x14, insn_bl(spin_fn + 0x14, helper));
	put32(&m, printk + 0xc, insn_bl(printk + 0xc, vprintk));

	const uint64_t end = hi - 0x40, r3 = hi - 0x100, r2 = hi - 0x140, r1 = hi - 0x180,
		       wrong = hi - 0x1a0, sibling = hi - 0x1c0, inner = hi - 0x1e0,
		       below = hi - 0x220;
	put64(&m, r3, end); /* pushed by kthread */
	put64(&m, r3 + 8, ret_from_fork + 0x10);
	put64(&m, r2, r3); /* pushed by thread_fn */
	put64(&m, r2 + 8, kthread + 0x20);
	put64(&m, r1, r2); /* pushed by spin_fn: live */
	put64(&m, r1 + 8, thread_fn + 0x30);
	put64(&m, wrong, r1); /* links to spin_fn's record, returns into printk: not its callee */
	put64(&m, wrong + 8, printk + 0x10);
	put64(&m, sibling, r2); /* printk, returned */
	put64(&m, sibling + 8, thread_fn + 0x20);
	put64(&m, inner, r1); /* helper, called by spin_fn */
	put64(&m, inner + 8, spin_fn + 0x18);
	put64(&m, below, sibling); /* vprintk, returned with printk */
	put64(&m, below + 8, printk + 0x10);

	struct lc_unwinder uw = {
		.arch = &lc_arch_arm64,
		.read = fake_read,
		.read_arg = &m,
		.symbols = &syms,
		.max_frames = 64,
		.pac_mask = ~0ull << 48,
	};
	lc_stack_ranges_add(&uw.ranges, stack, hi, LC_STACK_TASK, "task");
	struct lc_stack st = {.cpu = 2};
	lc_arm64_scan_running(&uw, &st, stack, hi);
	static const char *const want[] = {"spin_fn", "thread_fn", "kthread", "ret_from_fork"};
	CHECK_EQ_U64(st.count, LC_ARRAY_SIZE(want));
	for (size_t i = 0; i < st.count && i < LC_ARRAY_SIZE(want); i++) {
		CHECK_STR(st.frames[i].function, want[i]);
		CHECK(st.frames[i].guessed);
		CHECK(st.frames[i].method == LC_UNWIND_SCAN);
	}
	if (st.count) {
		CHECK_EQ_U64(st.frames[0].sp, inner);
		CHECK_STR(st.frames[0].call_function, "helper");
	}
	CHECK(st.complete);
	lc_stack_deinit(&st);

	/* Break the chain's top: nothing reaches the end of the stack any more. */
	put64(&m, r3, 0x1234);
	struct lc_stack broken = {.cpu = 2};
	lc_arm64_scan_running(&uw, &broken, stack, hi);
	CHECK_EQ_U64(broken.count, 0);
	CHECK(!broken.complete);
	lc_stack_deinit(&broken);
	lc_symbols_deinit(&syms);
	free(m.buf);
}

/* --- IRQ state --- */

static void test_irq_state(void)
{
	struct lc_regset r = {0};
	struct lc_irq_info irq;
	lc_regset_set(&r, LC_X86_RFLAGS, 0x246);
	lc_x86_64_irq_state(NULL, 0, &r, &irq);
	CHECK(irq.state == LC_IRQS_ON && strstr(irq.reason, "EFLAGS.IF=1"));
	lc_regset_set(&r, LC_X86_RFLAGS, 0x046);
	lc_x86_64_irq_state(NULL, -1, &r, &irq);
	CHECK(irq.state == LC_IRQS_OFF && strstr(irq.reason, "EFLAGS.IF=0"));

	memset(&r, 0, sizeof(r));
	lc_regset_set(&r, LC_ARM64_PSTATE, 0x60000005);
	lc_arm64_irq_state(NULL, 0, &r, &irq);
	CHECK(irq.state == LC_IRQS_ON);
	lc_regset_set(&r, LC_ARM64_PSTATE, 0x600003c5);
	lc_arm64_irq_state(NULL, 0, &r, &irq);
	CHECK(irq.state == LC_IRQS_OFF && strstr(irq.reason, "PSTATE.I=1"));

	memset(&r, 0, sizeof(r));
	lc_regset_set(&r, LC_PPC64_MSR, 0x8000000000009033ull); /* EE set */
	lc_regset_set(&r, LC_PPC64_SOFTE, 0);
	lc_ppc64_irq_state(NULL, 0, &r, &irq);
	CHECK(irq.state == LC_IRQS_ON);
	lc_regset_set(&r, LC_PPC64_SOFTE, 1); /* local_irq_disable(): soft-masked, EE still on */
	lc_ppc64_irq_state(NULL, 0, &r, &irq);
	CHECK(irq.state == LC_IRQS_OFF && strstr(irq.reason, "soft-masked"));
	lc_regset_set(&r, LC_PPC64_MSR, 0x8000000000001033ull);
	lc_regset_set(&r, LC_PPC64_SOFTE, 0);
	lc_ppc64_irq_state(NULL, 0, &r, &irq);
	CHECK(irq.state == LC_IRQS_OFF && strstr(irq.reason, "hard-disabled"));
	memset(&r, 0, sizeof(r));
	lc_ppc64_irq_state(NULL, 0, &r, &irq);
	CHECK(irq.state == LC_IRQS_UNKNOWN);
}

/* --- notes to CPUs --- */

static void test_cpuregs_match(void)
{
	enum { NCPU = 4 };
	struct lc_regset mem[NCPU] = {0}, notes[NCPU] = {0};
	bool mem_valid[NCPU] = {0}, present[NCPU] = {true, true, true, true};
	int32_t mem_pids[NCPU] = {0}, curr[NCPU] = {0, 0, 0, 0}, note_pids[NCPU] = {0};
	int cpu_note[NCPU];
	/* kdump: CPU 2 never answered the crash NMI; notes 0, 1, 2 are CPUs 0, 1, 3. */
	for (int c = 0; c < NCPU; c++) {
		if (c == 2)
			continue;
		lc_regset_set(&mem[c], 16, 0x1000 + c);
		lc_regset_set(&mem[c], 19, 0x2000 + c);
		mem_valid[c] = true;
	}
	notes[0] = mem[0];
	notes[1] = mem[1];
	notes[2] = mem[3];
	lc_cpuregs_match(3, notes, note_pids, NCPU, mem, mem_valid, mem_pids, present, curr,
			 cpu_note);
	CHECK(cpu_note[0] == 0 && cpu_note[1] == 1 && cpu_note[2] == -1 && cpu_note[3] == 2);

	/* Hypervisor dump: empty crash_notes, one note per vCPU in order. */
	memset(mem_valid, 0, sizeof(mem_valid));
	notes[3] = notes[2];
	const char *how = lc_cpuregs_match(4, notes, note_pids, NCPU, mem, mem_valid, mem_pids,
					   present, curr, cpu_note);
	CHECK(cpu_note[0] == 0 && cpu_note[1] == 1 && cpu_note[2] == 2 && cpu_note[3] == 3);
	CHECK(strstr(how, "order") != NULL);

	/* Fewer notes than CPUs and no crash_notes: only unique pids place them. */
	note_pids[0] = 0;
	note_pids[1] = 77;
	curr[0] = 0;
	curr[1] = 0;
	curr[2] = 77;
	curr[3] = 0;
	lc_cpuregs_match(2, notes, note_pids, NCPU, mem, mem_valid, mem_pids, present, curr,
			 cpu_note);
	CHECK(cpu_note[2] == 1);
	CHECK(cpu_note[0] == -1 && cpu_note[1] == -1 && cpu_note[3] == -1);

	/* PRSTATUS decoding: pid at 32, registers from 112, both byte orders. */
	uint8_t desc[112 + 27 * 8] = {0};
	for (int be = 0; be < 2; be++) {
		lc_store_uint(desc + 32, 4, be, 1234);
		lc_store_uint(desc + 112 + 16 * 8, 8, be, 0xffffffff81000000ull);
		int32_t pid;
		struct lc_regset rs;
		CHECK_OK(lc_prstatus_decode(desc, sizeof(desc), be, 27, &pid, &rs));
		CHECK(pid == 1234);
		CHECK_EQ_U64(rs.r[16], 0xffffffff81000000ull);
		CHECK_ERR(lc_prstatus_decode(desc, 100, be, 27, &pid, &rs), LC_ERR_BAD_DATA,
			  "too small");
	}
}

int main(void)
{
	test_orc_decode();
	test_orc_find();
	test_ppc64_backchain(false);
	test_ppc64_backchain(true);
	test_arm64_pac();
	test_arm64_records();
	test_arm64_scan();
	test_irq_state();
	test_cpuregs_match();
	CHECK_DONE();
}
