/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A DWARF expression evaluator for the two places lockcore meets them: CFI
 * register rules (where a caller's registers were saved) and variable
 * locations (where a waiter's lock pointer lives at a frame's pc).
 *
 * Registers come from a frame's known register set (gregset order) through
 * the architecture's DWARF numbering; a register the frame does not know, a
 * value only the caller's entry state had (DW_OP_entry_value), or an
 * optimized-away piece is an error that says so, never a guess.
 */
#ifndef LC_DWARF_EXPR_H
#define LC_DWARF_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

#include "unwind.h"

struct lc_dwarf_expr_ctx {
	const struct lc_regset *regs;  /* the frame's known registers, gregset order */
	const signed char *dwarf_regs; /* DWARF register number -> gregset slot, -1: none */
	unsigned ndwarf_regs;
	const char *const *reg_names; /* gregset names, for messages */
	lc_unwind_read_fn *read;
	void *read_arg;
	bool big_endian;
	uint64_t bias; /* added to DW_OP_addr (the KASLR offset) */
	bool have_cfa;
	uint64_t cfa;
	bool have_frame_base;
	uint64_t frame_base;
	/* CFI register rules: the CFA is on the stack before the first operation. */
	bool push_cfa;
};

enum lc_dwarf_loc_kind {
	LC_DWARF_LOC_MEMORY,   /* the object is in memory at value */
	LC_DWARF_LOC_REGISTER, /* the object is in DWARF register regno */
	LC_DWARF_LOC_VALUE,    /* the object's value is value (DW_OP_stack_value etc.) */
};

struct lc_dwarf_loc {
	enum lc_dwarf_loc_kind kind;
	uint64_t value;
	unsigned regno;
};

/*
 * Evaluate ops. LC_ERR_UNSUPPORTED: an operation we do not handle or a value
 * DWARF says is unavailable here (entry values, implicit pointers, split
 * pieces); LC_ERR_LOOKUP: a register this frame does not know; LC_ERR_FAULT:
 * memory it reads is missing; LC_ERR_BAD_DATA: a malformed expression.
 */
struct lc_error *lc_dwarf_expr_eval(const struct lc_dwarf_expr_ctx *ctx, const Dwarf_Op *ops,
				    size_t nops, struct lc_dwarf_loc *ret);

/* The value of DWARF register regno in ctx's registers (LC_ERR_LOOKUP when unknown). */
struct lc_error *lc_dwarf_expr_reg(const struct lc_dwarf_expr_ctx *ctx, unsigned regno,
				   uint64_t *ret);

#endif
