// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the DWARF expression evaluator (CFI rules and
 * parameter locations come from a vmlinux file, untrusted like a dump):
 * operations, registers and memory all taken from the input. It must end
 * with a location or an error, within its step bound, whatever the input.
 *
 *   CC=clang meson setup build-fuzz -Dfuzzing=true && ninja -C build-fuzz tests/fuzz_dwarf_expr
 */
#include <dwarf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "dwarf_expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_OPS = 64 };

static uint64_t take(const uint8_t **p, size_t *left, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n && *left; i++, (*left)--)
		v |= (uint64_t) * (*p)++ << (8 * i);
	return v;
}

/* 256 bytes of fake memory at 0x1000; everything else faults. */
static struct lc_error *fake_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	const uint8_t *mem = arg;
	if (addr < 0x1000 || addr - 0x1000 > 256 || len > 256 - (addr - 0x1000))
		return lc_error_fault(addr, "no memory at 0x%" PRIx64, addr);
	memcpy(buf, mem + (addr - 0x1000), len);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t left = size;
	uint8_t mem[256] = {0};
	struct lc_regset regs = {0};
	for (unsigned i = 0; i < 20; i++)
		lc_regset_set(&regs, i, take(&p, &left, 2) + 0x1000);
	regs.valid &= take(&p, &left, 4);
	for (size_t i = 0; i < sizeof(mem) && left > MAX_OPS; i++)
		mem[i] = (uint8_t)take(&p, &left, 1);
	struct lc_dwarf_expr_ctx ctx = {
		.regs = &regs,
		.dwarf_regs = lc_arch_x86_64.dwarf_regs,
		.ndwarf_regs = lc_arch_x86_64.ndwarf_regs,
		.reg_names = lc_arch_x86_64.gregs,
		.read = fake_read,
		.read_arg = mem,
		.have_cfa = take(&p, &left, 1) & 1,
		.cfa = 0x1080,
		.have_frame_base = take(&p, &left, 1) & 1,
		.frame_base = 0x1040,
		.push_cfa = take(&p, &left, 1) & 1,
	};
	Dwarf_Op ops[MAX_OPS];
	size_t nops = 0, offset = 0;
	while (left && nops < MAX_OPS) {
		Dwarf_Op *op = &ops[nops++];
		memset(op, 0, sizeof(*op));
		op->atom = (uint8_t)take(&p, &left, 1);
		op->number = take(&p, &left, 1) & 1 ? take(&p, &left, 8) : take(&p, &left, 1);
		op->number2 = take(&p, &left, 1);
		/* implicit values point at blocks libdw owns: never a pointer from the input */
		if (op->atom == DW_OP_implicit_value || op->atom == DW_OP_entry_value ||
		    op->atom == DW_OP_GNU_entry_value)
			op->number2 = 0;
		op->offset = offset;
		offset += 1 + take(&p, &left, 1) % 9;
	}
	struct lc_dwarf_loc loc;
	struct lc_error *err = lc_dwarf_expr_eval(&ctx, ops, nops, &loc);
	if (!err && loc.kind == LC_DWARF_LOC_REGISTER) {
		uint64_t v;
		err = lc_dwarf_expr_reg(&ctx, loc.regno, &v);
	}
	lc_error_destroy(err);
	return 0;
}
