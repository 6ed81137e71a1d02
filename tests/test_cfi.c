// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * DWARF CFI steps and expressions on synthetic input: tests/cfi/frames.S
 * (built here, x86_64 only) gives the call frame information, a hand-built
 * stack the memory; no dump needed.
 *
 * usage: test_cfi [FRAMES_ELF FRAMES_S]
 */
#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <unistd.h>

#include "arch/arch_unwind.h"
#include "check.h"
#include "debuginfo.h"
#include "dwarf_expr.h"
#include "unwind.h"
#include "util.h"

struct fake_mem {
	uint64_t base;
	uint8_t buf[4096];
};

static struct lc_error *fake_read(void *arg, uint64_t addr, void *out, size_t len)
{
	struct fake_mem *m = arg;
	if (addr < m->base || addr - m->base > sizeof(m->buf) ||
	    len > sizeof(m->buf) - (addr - m->base))
		return lc_error_fault(addr, "no fake memory at 0x%" PRIx64, addr);
	memcpy(out, m->buf + (addr - m->base), len);
	return NULL;
}

static void put64(struct fake_mem *m, uint64_t addr, uint64_t v)
{
	lc_store_uint(m->buf + (addr - m->base), 8, false, v);
}

/* ---- expressions ---- */

static void expr_ctx(struct lc_dwarf_expr_ctx *ctx, const struct lc_regset *regs,
		     struct fake_mem *m)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->regs = regs;
	ctx->dwarf_regs = lc_arch_x86_64.dwarf_regs;
	ctx->ndwarf_regs = lc_arch_x86_64.ndwarf_regs;
	ctx->reg_names = lc_arch_x86_64.gregs;
	ctx->read = fake_read;
	ctx->read_arg = m;
}

#define OP(a, n) ((Dwarf_Op){.atom = (a), .number = (Dwarf_Word)(n)})

static void test_expr(void)
{
	static struct fake_mem m = {.base = 0x10000};
	put64(&m, 0x10010, 0xffff888012345678ull);
	struct lc_regset regs = {0};
	lc_regset_set(&regs, 5 /* rbx */, 0x10000);
	lc_regset_set(&regs, LC_X86_RSP, 0x10040);
	struct lc_dwarf_expr_ctx ctx;
	expr_ctx(&ctx, &regs, &m);
	struct lc_dwarf_loc loc;

	/* DW_OP_reg3: the value lives in rbx */
	Dwarf_Op reg[] = {OP(DW_OP_reg3, 0)};
	CHECK_OK(lc_dwarf_expr_eval(&ctx, reg, 1, &loc));
	CHECK(loc.kind == LC_DWARF_LOC_REGISTER && loc.regno == 3);
	uint64_t v;
	CHECK_OK(lc_dwarf_expr_reg(&ctx, loc.regno, &v));
	CHECK_EQ_U64(v, 0x10000);

	/* DW_OP_breg3 16; DW_OP_deref; DW_OP_stack_value: a computed pointer */
	Dwarf_Op deref[] = {OP(DW_OP_breg3, 16), OP(DW_OP_deref, 0), OP(DW_OP_stack_value, 0)};
	CHECK_OK(lc_dwarf_expr_eval(&ctx, deref, 3, &loc));
	CHECK(loc.kind == LC_DWARF_LOC_VALUE);
	CHECK_EQ_U64(loc.value, 0xffff888012345678ull);

	/* DW_OP_fbreg -48 against a frame base */
	Dwarf_Op fb[] = {OP(DW_OP_fbreg, -48)};
	CHECK_ERR(lc_dwarf_expr_eval(&ctx, fb, 1, &loc), LC_ERR_LOOKUP, "frame base");
	ctx.have_frame_base = true;
	ctx.frame_base = 0x10040;
	CHECK_OK(lc_dwarf_expr_eval(&ctx, fb, 1, &loc));
	CHECK(loc.kind == LC_DWARF_LOC_MEMORY);
	CHECK_EQ_U64(loc.value, 0x10010);

	/* A caller-saved register the frame does not know: no guess */
	Dwarf_Op rdi[] = {OP(DW_OP_breg5, 0)};
	CHECK_ERR(lc_dwarf_expr_eval(&ctx, rdi, 1, &loc), LC_ERR_LOOKUP, "register rdi");

	/* Entry values need the caller's state at the call: unavailable */
	Dwarf_Op entry[] = {OP(DW_OP_entry_value, 1), OP(DW_OP_stack_value, 0)};
	CHECK_ERR(lc_dwarf_expr_eval(&ctx, entry, 2, &loc), LC_ERR_UNSUPPORTED,
		  "DW_OP_entry_value");

	/* Pieces: only a first piece holding the whole pointer is usable */
	Dwarf_Op whole[] = {OP(DW_OP_reg3, 0), OP(DW_OP_piece, 8)};
	CHECK_OK(lc_dwarf_expr_eval(&ctx, whole, 2, &loc));
	CHECK(loc.kind == LC_DWARF_LOC_REGISTER && loc.regno == 3);
	Dwarf_Op split[] = {OP(DW_OP_reg3, 0), OP(DW_OP_piece, 4), OP(DW_OP_reg12, 0),
			    OP(DW_OP_piece, 4)};
	CHECK_ERR(lc_dwarf_expr_eval(&ctx, split, 4, &loc), LC_ERR_UNSUPPORTED, "pieces");
	Dwarf_Op gone[] = {OP(DW_OP_piece, 8)};
	CHECK_ERR(lc_dwarf_expr_eval(&ctx, gone, 1, &loc), LC_ERR_UNSUPPORTED, "optimized out");

	/* Arithmetic and a loop: 5 + 4 + 3 + 2 + 1 by DW_OP_bra */
	Dwarf_Op loop[] = {
		{.atom = DW_OP_lit0, .offset = 0}, /* sum */
		{.atom = DW_OP_lit5, .offset = 1}, /* i */
		{.atom = DW_OP_dup, .offset = 2},  /* sum i i */
		{.atom = DW_OP_rot, .offset = 3},  /* i sum i */
		{.atom = DW_OP_plus, .offset = 4}, /* i sum+i */
		{.atom = DW_OP_swap, .offset = 5}, /* sum i */
		{.atom = DW_OP_lit1, .offset = 6},
		{.atom = DW_OP_minus, .offset = 7}, /* sum i-1 */
		{.atom = DW_OP_dup, .offset = 8},
		/* back to offset 2 while i != 0: 2 - (9 + 3) = -10 */
		{.atom = DW_OP_bra, .number = (Dwarf_Word)(int64_t)-10, .offset = 9},
		{.atom = DW_OP_drop, .offset = 12},
		{.atom = DW_OP_stack_value, .offset = 13},
	};
	CHECK_OK(lc_dwarf_expr_eval(&ctx, loop, LC_ARRAY_SIZE(loop), &loc));
	CHECK(loc.kind == LC_DWARF_LOC_VALUE);
	CHECK_EQ_U64(loc.value, 15);

	/* A branch to itself never ends: bounded */
	Dwarf_Op forever[] = {{.atom = DW_OP_skip, .number = (Dwarf_Word)(int64_t)-3, .offset = 0}};
	CHECK_ERR(lc_dwarf_expr_eval(&ctx, forever, 1, &loc), LC_ERR_BAD_DATA, "too long");

	/* Malformed: underflow, division by zero, a fault */
	Dwarf_Op under[] = {OP(DW_OP_plus, 0)};
	CHECK_ERR(lc_dwarf_expr_eval(&ctx, under, 1, &loc), LC_ERR_BAD_DATA, "underflow");
	Dwarf_Op div0[] = {OP(DW_OP_lit1, 0), OP(DW_OP_lit0, 0), OP(DW_OP_div, 0)};
	CHECK_ERR(lc_dwarf_expr_eval(&ctx, div0, 3, &loc), LC_ERR_BAD_DATA, "divides by zero");
	Dwarf_Op fault[] = {OP(DW_OP_const4u, 0x20), OP(DW_OP_deref, 0)};
	CHECK_ERR(lc_dwarf_expr_eval(&ctx, fault, 2, &loc), LC_ERR_FAULT, "0x20");
}

/* ---- CFI on frames.S ---- */

static uint64_t elf_symbol(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB || !shdr.sh_entsize)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < shdr.sh_size / shdr.sh_entsize; i++) {
			GElf_Sym sym;
			const char *n;
			if (gelf_getsym(data, (int)i, &sym) &&
			    (n = elf_strptr(elf, shdr.sh_link, sym.st_name)) &&
			    strcmp(n, name) == 0)
				return sym.st_value;
		}
	}
	fprintf(stderr, "no symbol %s\n", name);
	check_failures++;
	return 0;
}

/* The line of frames.S just after a label: where its pc is. */
static unsigned line_after(const char *path, const char *label)
{
	FILE *f = fopen(path, "r");
	char buf[256];
	unsigned n = 0, found = 0;
	while (f && fgets(buf, sizeof(buf), f)) {
		n++;
		if (!found && strncmp(buf, label, strlen(label)) == 0 && buf[strlen(label)] == ':')
			found = n + 1;
	}
	if (f)
		fclose(f);
	return found;
}

enum {
	BIAS = 0x7f0000000000ull, /* a KASLR-like offset between link and run time */
	RBX_OUTER = 0xb0b0,
	R12_OUTER = 0xc1c1,
	RBP_OUTER = 0xbeef,
};

static void test_cfi(const char *elf_path, const char *src_path)
{
	elf_version(EV_CURRENT);
	int fd = open(elf_path, O_RDONLY);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	CHECK(elf != NULL);
	uint64_t leaf_body = elf_symbol(elf, "leaf_body") + BIAS;
	uint64_t framed_ret = elf_symbol(elf, "framed_ret") + BIAS;
	uint64_t outer_ret = elf_symbol(elf, "outer_ret") + BIAS;

	/*
	 * The stack outer -> framed -> leaf builds, stopped in leaf's body
	 * (addresses grow down from T):
	 *   T-8  outer_ret    (outer's call)
	 *   T-16 RBP_OUTER    (framed: push rbp; rbp = T-16)
	 *   T-24 framed_ret   (framed's call)
	 *   T-32 RBX_OUTER    (leaf: push rbx)
	 *   T-40 R12_OUTER    (leaf: push r12; sub $24: rsp = T-64)
	 */
	static struct fake_mem m = {.base = 0xffffc90000010000ull};
	uint64_t T = m.base + 2048;
	put64(&m, T - 8, outer_ret);
	put64(&m, T - 16, RBP_OUTER);
	put64(&m, T - 24, framed_ret);
	put64(&m, T - 32, RBX_OUTER);
	put64(&m, T - 40, R12_OUTER);
	struct lc_regset regs = {0};
	lc_regset_set(&regs, LC_X86_RIP, leaf_body);
	lc_regset_set(&regs, LC_X86_RSP, T - 64);
	lc_regset_set(&regs, LC_X86_RBP, T - 16);
	lc_regset_set(&regs, LC_X86_RBX, 0x1111); /* leaf's own values by now */
	lc_regset_set(&regs, LC_X86_R12, 0x2222);
	lc_regset_set(&regs, 14 /* rdi */, 0x3333);

	struct lc_debuginfo *di;
	CHECK_OK(lc_debuginfo_create(elf, &lc_arch_x86_64, BIAS, false, fake_read, &m, &di));
	if (check_failures)
		return;
	struct lc_unwinder uw = {
		.arch = &lc_arch_x86_64,
		.read = fake_read,
		.read_arg = &m,
		.max_frames = 16,
		.debuginfo = di,
	};
	struct lc_cfi_step s1, s2, s3;
	bool found;
	CHECK_OK(lc_debuginfo_cfi_step(di, &uw, leaf_body, true, &regs, &found, &s1));
	CHECK(found);
	CHECK_EQ_U64(s1.cfa, T - 16);
	CHECK_EQ_U64(s1.pc, framed_ret);
	uint64_t v;
	CHECK(lc_regset_get(&s1.caller, LC_X86_RBX, &v) && v == RBX_OUTER);
	CHECK(lc_regset_get(&s1.caller, LC_X86_R12, &v) && v == R12_OUTER);
	CHECK(lc_regset_get(&s1.caller, LC_X86_RBP, &v) && v == T - 16); /* same value */
	CHECK(lc_regset_get(&s1.caller, LC_X86_RSP, &v) && v == T - 16);
	CHECK(!lc_regset_get(&s1.caller, 14, &v)); /* rdi: call-clobbered, unknown */

	/* framed: a return address (looked up one byte back), CFA from rbp */
	CHECK_OK(lc_debuginfo_cfi_step(di, &uw, s1.pc, false, &s1.caller, &found, &s2));
	CHECK(found);
	CHECK_EQ_U64(s2.cfa, T);
	CHECK_EQ_U64(s2.pc, outer_ret);
	CHECK(lc_regset_get(&s2.caller, LC_X86_RBP, &v) && v == RBP_OUTER);
	CHECK(lc_regset_get(&s2.caller, LC_X86_RBX, &v) && v == RBX_OUTER);

	/* outer: an undefined return address is the end */
	CHECK_ERR(lc_debuginfo_cfi_step(di, &uw, s2.pc, false, &s2.caller, &found, &s3),
		  LC_ERR_STOP, "end of the stack");

	/* No CFI outside the functions: not found, not an error */
	CHECK_OK(lc_debuginfo_cfi_step(di, &uw, BIAS + 0x100, true, &regs, &found, &s3));
	CHECK(!found);

	/* A frame whose saved registers are not in memory: the return address faults */
	struct lc_regset bad = regs;
	lc_regset_set(&bad, LC_X86_RSP, 0x1000);
	CHECK_ERR(lc_debuginfo_cfi_step(di, &uw, leaf_body, true, &bad, &found, &s3), LC_ERR_FAULT,
		  "return address");

	/* The whole x86_64 walk without ORC: CFI at every step, callee-saved registers kept */
	struct lc_stack st = {.cpu = 0};
	lc_x86_64_unwind(&uw, &st, &regs);
	CHECK(st.count == 3);
	if (st.count == 3) {
		CHECK_EQ_U64(st.frames[1].pc, framed_ret);
		CHECK_EQ_U64(st.frames[2].pc, outer_ret);
		CHECK(st.frames[0].method == LC_UNWIND_INITIAL);
		CHECK(st.frames[1].method == LC_UNWIND_CFI && st.frames[2].method == LC_UNWIND_CFI);
		CHECK_EQ_U64(st.frames[0].dwarf_cfa, T - 16);
		CHECK_EQ_U64(st.frames[1].dwarf_cfa, T);
		CHECK(st.frames[2].known && lc_regset_get(st.frames[2].known, LC_X86_RBP, &v) &&
		      v == RBP_OUTER);
		CHECK(st.frames[1].known && lc_regset_get(st.frames[1].known, LC_X86_R12, &v) &&
		      v == R12_OUTER);
	}
	CHECK(st.complete);
	CHECK(st.stopped && strstr(st.stopped, "end of the stack"));
	lc_stack_deinit(&st);

	/*
	 * A CFA off every known stack (CFI of a C function right after an
	 * inline-assembly stack switch looks like this): never followed.
	 */
	lc_stack_ranges_add(&uw.ranges, T - 64, T - 16, LC_STACK_IRQ, "hardirq");
	struct lc_stack st2 = {.cpu = 0};
	lc_x86_64_unwind(&uw, &st2, &regs);
	CHECK(st2.count == 1);
	CHECK(!st2.complete);
	CHECK(st2.stopped && strstr(st2.stopped, "is on no known stack") &&
	      strstr(st2.stopped, "(CFI)"));
	lc_stack_deinit(&st2);
	uw.ranges.count = 0;

	/* Source lines: assembled with -g, leaf_body's pc is on the line after its label */
	struct lc_source src;
	CHECK_OK(lc_debuginfo_source(di, leaf_body, true, &src));
	CHECK(src.count == 1);
	if (src.count == 1) {
		CHECK(src.frames[0].file && strstr(src.frames[0].file, "frames.S"));
		CHECK(src.frames[0].line == line_after(src_path, "leaf_body"));
		CHECK(src.frames[0].line != 0);
		CHECK(!src.frames[0].inlined);
	}
	/* A return address names the line of its call */
	CHECK_OK(lc_debuginfo_source(di, framed_ret, false, &src));
	CHECK(src.count == 1 && src.frames[0].line == line_after(src_path, "framed_ret") - 3);
	lc_debuginfo_destroy(di);
	elf_end(elf);
	close(fd);
}

int main(int argc, char **argv)
{
	test_expr();
	if (argc > 2)
		test_cfi(argv[1], argv[2]);
	CHECK_DONE();
}
