// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * DWARF expression evaluation (DWARF 5 section 2.5 and 2.6) over a frame's
 * known registers and the dump's memory. Expressions come from a vmlinux
 * file: untrusted, so the stack and the number of steps are bounded and
 * branches must land on an operation.
 */
#include <inttypes.h>
#include <stdio.h>

#include <dwarf.h>

#include "dwarf_expr.h"
#include "util.h"

enum {
	STACK_MAX = 64,
	/* Branches make loops possible: a real location expression runs a few dozen steps. */
	STEPS_MAX = 4096,
};

struct lc_error *lc_dwarf_expr_reg(const struct lc_dwarf_expr_ctx *ctx, unsigned regno,
				   uint64_t *ret)
{
	int slot = regno < ctx->ndwarf_regs ? ctx->dwarf_regs[regno] : -1;
	if (slot < 0)
		return lc_error_create(LC_ERR_UNSUPPORTED,
				       "DWARF register %u is not one lockcore tracks", regno);
	if (!ctx->regs || !lc_regset_get(ctx->regs, (unsigned)slot, ret))
		return lc_error_create(LC_ERR_LOOKUP, "register %s is not known in this frame",
				       ctx->reg_names ? ctx->reg_names[slot] : "?");
	return NULL;
}

static struct lc_error *read_uint(const struct lc_dwarf_expr_ctx *ctx, uint64_t addr, unsigned size,
				  uint64_t *ret)
{
	uint8_t b[8];
	if (!ctx->read)
		return lc_error_create(LC_ERR_UNSUPPORTED, "no memory to read");
	if (size == 0 || size > 8)
		return lc_error_create(LC_ERR_BAD_DATA, "DW_OP_deref_size of %u bytes", size);
	struct lc_error *err = ctx->read(ctx->read_arg, addr, b, size);
	if (err)
		return err;
	*ret = lc_load_uint(b, size, ctx->big_endian);
	return NULL;
}

/* The operation starting at byte offset off, for branches. */
static bool find_op(const Dwarf_Op *ops, size_t nops, uint64_t off, size_t *ret)
{
	for (size_t i = 0; i < nops; i++) {
		if (ops[i].offset == off) {
			*ret = i;
			return true;
		}
	}
	/* Branching to the end of the expression ends it. */
	if (nops && off > ops[nops - 1].offset) {
		*ret = nops;
		return true;
	}
	return false;
}

static const char *op_name(uint8_t atom, char *buf, size_t size)
{
	switch (atom) {
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
		return "DW_OP_entry_value";
	case DW_OP_implicit_pointer:
	case DW_OP_GNU_implicit_pointer:
		return "DW_OP_implicit_pointer";
	case DW_OP_GNU_parameter_ref:
		return "DW_OP_GNU_parameter_ref";
	case DW_OP_implicit_value:
		/* Constants are not what lock pointers or saved registers are. */
		return "DW_OP_implicit_value";
	default:
		snprintf(buf, size, "DWARF operation 0x%x", atom);
		return buf;
	}
}

struct lc_error *lc_dwarf_expr_eval(const struct lc_dwarf_expr_ctx *ctx, const Dwarf_Op *ops,
				    size_t nops, struct lc_dwarf_loc *ret)
{
	uint64_t st[STACK_MAX];
	size_t sp = 0;
	bool is_value = false, have_reg = false;
	unsigned regno = 0;
	char nbuf[40];
	struct lc_error *err;
	if (ctx->push_cfa) {
		if (!ctx->have_cfa)
			return lc_error_create(LC_ERR_LOOKUP, "no CFA for this frame");
		st[sp++] = ctx->cfa;
	}
#define NEED(n)                                                                          \
	do {                                                                             \
		if (sp < (n))                                                            \
			return lc_error_create(                                          \
				LC_ERR_BAD_DATA,                                         \
				"DWARF expression stack underflow at operation %zu", i); \
	} while (0)
#define PUSH(v)                                                                    \
	do {                                                                       \
		if (sp >= STACK_MAX)                                               \
			return lc_error_create(LC_ERR_BAD_DATA,                    \
					       "DWARF expression stack overflow"); \
		uint64_t pushed_ = (v);                                            \
		st[sp++] = pushed_;                                                \
	} while (0)
	unsigned steps = 0;
	for (size_t i = 0; i < nops; i++) {
		if (++steps > STEPS_MAX)
			return lc_error_create(LC_ERR_BAD_DATA, "DWARF expression runs too long");
		if (have_reg && ops[i].atom != DW_OP_piece)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "DWARF register location followed by operations");
		const Dwarf_Op *op = &ops[i];
		uint8_t a = op->atom;
		uint64_t v;
		if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			PUSH((uint64_t)(a - DW_OP_lit0));
			continue;
		}
		if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
			have_reg = true;
			regno = a - DW_OP_reg0;
			continue;
		}
		if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
			if ((err = lc_dwarf_expr_reg(ctx, a - DW_OP_breg0, &v)))
				return err;
			PUSH(v + op->number);
			continue;
		}
		switch (a) {
		case DW_OP_addr:
			PUSH(op->number + ctx->bias);
			break;
		case DW_OP_const1u:
		case DW_OP_const2u:
		case DW_OP_const4u:
		case DW_OP_const8u:
		case DW_OP_constu:
		case DW_OP_const1s:
		case DW_OP_const2s:
		case DW_OP_const4s:
		case DW_OP_const8s:
		case DW_OP_consts:
			/* libdw sign-extends the signed forms into number already. */
			PUSH(op->number);
			break;
		case DW_OP_regx:
			have_reg = true;
			if (op->number > UINT32_MAX)
				return lc_error_create(LC_ERR_BAD_DATA, "DW_OP_regx %" PRIu64,
						       (uint64_t)op->number);
			regno = (unsigned)op->number;
			break;
		case DW_OP_bregx:
			if (op->number > UINT32_MAX)
				return lc_error_create(LC_ERR_BAD_DATA, "DW_OP_bregx %" PRIu64,
						       (uint64_t)op->number);
			if ((err = lc_dwarf_expr_reg(ctx, (unsigned)op->number, &v)))
				return err;
			PUSH(v + op->number2);
			break;
		case DW_OP_fbreg:
			if (!ctx->have_frame_base)
				return lc_error_create(LC_ERR_LOOKUP,
						       "no frame base for DW_OP_fbreg");
			PUSH(ctx->frame_base + op->number);
			break;
		case DW_OP_call_frame_cfa:
			if (!ctx->have_cfa)
				return lc_error_create(LC_ERR_LOOKUP, "no CFA for this frame");
			PUSH(ctx->cfa);
			break;
		case DW_OP_dup:
			NEED(1);
			PUSH(st[sp - 1]);
			break;
		case DW_OP_drop:
			NEED(1);
			sp--;
			break;
		case DW_OP_over:
			NEED(2);
			PUSH(st[sp - 2]);
			break;
		case DW_OP_pick:
			if (op->number >= sp)
				return lc_error_create(LC_ERR_BAD_DATA,
						       "DW_OP_pick %" PRIu64 " beyond the stack",
						       (uint64_t)op->number);
			v = st[sp - 1 - op->number];
			PUSH(v);
			break;
		case DW_OP_swap:
			NEED(2);
			v = st[sp - 1];
			st[sp - 1] = st[sp - 2];
			st[sp - 2] = v;
			break;
		case DW_OP_rot:
			NEED(3);
			v = st[sp - 1];
			st[sp - 1] = st[sp - 2];
			st[sp - 2] = st[sp - 3];
			st[sp - 3] = v;
			break;
		case DW_OP_deref:
			NEED(1);
			if ((err = read_uint(ctx, st[sp - 1], 8, &v)))
				return err;
			st[sp - 1] = v;
			break;
		case DW_OP_deref_size:
			NEED(1);
			if ((err = read_uint(ctx, st[sp - 1], (unsigned)op->number, &v)))
				return err;
			st[sp - 1] = v;
			break;
		case DW_OP_abs:
			NEED(1);
			if ((int64_t)st[sp - 1] < 0)
				st[sp - 1] = -st[sp - 1];
			break;
		case DW_OP_neg:
			NEED(1);
			st[sp - 1] = -st[sp - 1];
			break;
		case DW_OP_not:
			NEED(1);
			st[sp - 1] = ~st[sp - 1];
			break;
		case DW_OP_plus_uconst:
			NEED(1);
			st[sp - 1] += op->number;
			break;
		case DW_OP_and:
		case DW_OP_or:
		case DW_OP_xor:
		case DW_OP_plus:
		case DW_OP_minus:
		case DW_OP_mul:
		case DW_OP_div:
		case DW_OP_mod:
		case DW_OP_shl:
		case DW_OP_shr:
		case DW_OP_shra:
		case DW_OP_eq:
		case DW_OP_ne:
		case DW_OP_lt:
		case DW_OP_gt:
		case DW_OP_le:
		case DW_OP_ge: {
			NEED(2);
			sp--;
			uint64_t b = st[sp], x = st[sp - 1];
			int64_t sx = (int64_t)x, sb = (int64_t)b;
			switch (a) {
			case DW_OP_and:
				x &= b;
				break;
			case DW_OP_or:
				x |= b;
				break;
			case DW_OP_xor:
				x ^= b;
				break;
			case DW_OP_plus:
				x += b;
				break;
			case DW_OP_minus:
				x -= b;
				break;
			case DW_OP_mul:
				x *= b;
				break;
			case DW_OP_div:
				if (!b || (sx == INT64_MIN && sb == -1))
					return lc_error_create(LC_ERR_BAD_DATA,
							       "DWARF expression divides by zero");
				x = (uint64_t)(sx / sb);
				break;
			case DW_OP_mod:
				if (!b)
					return lc_error_create(LC_ERR_BAD_DATA,
							       "DWARF expression divides by zero");
				x %= b;
				break;
			case DW_OP_shl:
				x = b >= 64 ? 0 : x << b;
				break;
			case DW_OP_shr:
				x = b >= 64 ? 0 : x >> b;
				break;
			case DW_OP_shra:
				x = (uint64_t)(b >= 64 ? (sx < 0 ? -1 : 0) : sx >> b);
				break;
			case DW_OP_eq:
				x = sx == sb;
				break;
			case DW_OP_ne:
				x = sx != sb;
				break;
			case DW_OP_lt:
				x = sx < sb;
				break;
			case DW_OP_gt:
				x = sx > sb;
				break;
			case DW_OP_le:
				x = sx <= sb;
				break;
			default:
				x = sx >= sb;
				break;
			}
			st[sp - 1] = x;
			break;
		}
		case DW_OP_skip:
		case DW_OP_bra: {
			if (a == DW_OP_bra) {
				NEED(1);
				if (!st[--sp])
					break;
			}
			/* number is relative to the end of this 3-byte operation. */
			uint64_t target = op->offset + 3 + (uint64_t)(int64_t)(int16_t)op->number;
			size_t j;
			if (!find_op(ops, nops, target, &j))
				return lc_error_create(LC_ERR_BAD_DATA,
						       "DWARF branch to no operation");
			i = j - 1; /* the loop's i++ lands on j */
			break;
		}
		case DW_OP_nop:
			break;
		case DW_OP_stack_value:
			is_value = true;
			/* Only DW_OP_piece may follow. */
			if (i + 1 < nops && ops[i + 1].atom != DW_OP_piece)
				return lc_error_create(LC_ERR_BAD_DATA,
						       "DW_OP_stack_value before more operations");
			break;
		case DW_OP_piece:
			/*
			 * A composite location: usable only when its first piece holds
			 * the whole object, which the callers (pointers) check by size.
			 */
			if (i == 0)
				return lc_error_create(LC_ERR_UNSUPPORTED,
						       "the value is optimized out (empty piece)");
			if (op->number < 8)
				return lc_error_create(LC_ERR_UNSUPPORTED,
						       "the value is split into %" PRIu64
						       "-byte pieces",
						       (uint64_t)op->number);
			nops = i; /* ignore later pieces */
			break;
		default:
			return lc_error_create(LC_ERR_UNSUPPORTED,
					       "%s: the value is not available here",
					       op_name(a, nbuf, sizeof(nbuf)));
		}
	}
#undef NEED
#undef PUSH
	if (have_reg) {
		ret->kind = LC_DWARF_LOC_REGISTER;
		ret->regno = regno;
		ret->value = 0;
		return NULL;
	}
	if (!sp)
		return lc_error_create(LC_ERR_UNSUPPORTED, "the value is optimized out");
	ret->kind = is_value ? LC_DWARF_LOC_VALUE : LC_DWARF_LOC_MEMORY;
	ret->value = st[sp - 1];
	ret->regno = 0;
	return NULL;
}
