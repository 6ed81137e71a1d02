// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The vmlinux's DWARF for code: CFI steps, source lines with inline chains,
 * and parameter locations (see debuginfo.h).
 *
 * Cost is paid per compile unit a frame lands in, never for the whole file:
 * libdw finds the unit through .debug_aranges, we index that unit's
 * functions by address once (sorted ranges), walk down only the scopes that
 * hold the pc, and cache the answer per pc. The line table of a unit is
 * decoded by libdw on its first query.
 */
#include <inttypes.h>
#include <stdio.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "arch/arch.h"
#include "debuginfo.h"
#include "dwarf_expr.h"
#include "program.h"
#include "read.h"
#include "util.h"
#include "vmlinux.h"

enum {
	MAX_INLINE_DEPTH = 64,
	/* A kernel unit has a few thousand functions at most; bound what a bad file can make us
	   hold. */
	MAX_UNIT_RANGES = 1u << 20,
};

struct func_range {
	uint64_t low, high; /* link-time [low, high) */
	Dwarf_Off die;
};

struct unit {
	Dwarf_Off off; /* the unit DIE's offset; 0 = empty slot */
	struct func_range *ranges;
	size_t count;
};

struct source_slot {
	uint64_t pc;
	bool interrupted, used;
	struct lc_source_frame *frames;
	size_t count;
};

struct lc_debuginfo {
	Dwarf *dbg;
	Dwarf_CFI *debug_frame; /* owned by dbg */
	Dwarf_CFI *eh_frame;	/* ours: dwarf_cfi_end */
	const struct lc_arch_ops *arch;
	uint64_t bias;
	bool big_endian;
	lc_unwind_read_fn *read;
	void *read_arg;
	struct unit *units;
	size_t nunits, units_cap; /* open addressing by unit offset */
	struct source_slot *sources;
	size_t nsources, sources_cap;
};

struct lc_error *lc_debuginfo_create(Elf *elf, const struct lc_arch_ops *arch, uint64_t bias,
				     bool big_endian, lc_unwind_read_fn *read, void *read_arg,
				     struct lc_debuginfo **ret)
{
	struct lc_debuginfo *di = calloc(1, sizeof(*di));
	if (!di)
		return lc_error_nomem;
	di->dbg = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!di->dbg) {
		free(di);
		return lc_error_create(LC_ERR_FORMAT, "cannot read DWARF: %s", dwarf_errmsg(-1));
	}
	di->debug_frame = dwarf_getcfi(di->dbg);
	di->eh_frame = dwarf_getcfi_elf(elf);
	di->arch = arch;
	di->bias = bias;
	di->big_endian = big_endian;
	di->read = read;
	di->read_arg = read_arg;
	*ret = di;
	return NULL;
}

void lc_debuginfo_destroy(struct lc_debuginfo *di)
{
	if (!di)
		return;
	for (size_t i = 0; i < di->units_cap; i++)
		free(di->units[i].ranges);
	free(di->units);
	for (size_t i = 0; i < di->sources_cap; i++)
		free(di->sources[i].frames);
	free(di->sources);
	if (di->eh_frame)
		dwarf_cfi_end(di->eh_frame);
	dwarf_end(di->dbg);
	free(di);
}

static struct lc_error *read_memory(void *arg, uint64_t addr, void *buf, size_t len)
{
	return lc_read(arg, addr, buf, len);
}

struct lc_debuginfo *lc_program_debuginfo(struct lc_program *prog, const char **why_ret)
{
	if (!prog->debuginfo_tried) {
		prog->debuginfo_tried = true;
		struct lc_error *err = NULL;
		Elf *elf = prog->vmlinux ? lc_vmlinux_debug_elf(prog->vmlinux, &err)
					 : (err = lc_error_create(LC_ERR_LOOKUP, "no vmlinux (-k)"),
					    NULL);
		if (!err)
			err = lc_debuginfo_create(elf, prog->arch, prog->kaslr_offset,
						  prog->big_endian, read_memory, prog,
						  &prog->debuginfo);
		if (err) {
			prog->debuginfo_error = strdup(lc_error_message(err));
			lc_error_destroy(err);
		}
	}
	if (why_ret)
		*why_ret = prog->debuginfo	   ? NULL
			   : prog->debuginfo_error ? prog->debuginfo_error
						   : "out of memory";
	return prog->debuginfo;
}

/* ---- CFI ---- */

static void expr_ctx(const struct lc_debuginfo *di, lc_unwind_read_fn *read, void *read_arg,
		     const struct lc_regset *regs, struct lc_dwarf_expr_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->regs = regs;
	ctx->dwarf_regs = di->arch->dwarf_regs;
	ctx->ndwarf_regs = di->arch->ndwarf_regs;
	ctx->reg_names = di->arch->gregs;
	ctx->read = read;
	ctx->read_arg = read_arg;
	ctx->big_endian = di->big_endian;
	ctx->bias = di->bias;
}

/* The value a location holds: a register of ctx's frame, memory, or the value itself. */
static struct lc_error *loc_value(const struct lc_dwarf_expr_ctx *ctx,
				  const struct lc_dwarf_loc *loc, uint64_t *ret)
{
	switch (loc->kind) {
	case LC_DWARF_LOC_REGISTER:
		return lc_dwarf_expr_reg(ctx, loc->regno, ret);
	case LC_DWARF_LOC_VALUE:
		*ret = loc->value;
		return NULL;
	case LC_DWARF_LOC_MEMORY:
		break;
	}
	uint8_t b[8];
	struct lc_error *err = ctx->read(ctx->read_arg, loc->value, b, sizeof(b));
	if (err)
		return err;
	*ret = lc_load_uint(b, 8, ctx->big_endian);
	return NULL;
}

static bool callee_saved(const struct lc_arch_ops *arch, unsigned slot)
{
	for (unsigned i = 0; i < arch->ncallee_saved; i++) {
		if (arch->callee_saved[i] == slot)
			return true;
	}
	return false;
}

static bool find_frame(struct lc_debuginfo *di, uint64_t at, Dwarf_Frame **ret)
{
	Dwarf_CFI *cfis[] = {di->debug_frame, di->eh_frame};
	for (size_t i = 0; i < LC_ARRAY_SIZE(cfis); i++) {
		if (cfis[i] && dwarf_cfi_addrframe(cfis[i], at, ret) == 0)
			return true;
	}
	return false;
}

struct lc_error *lc_debuginfo_cfi_step(struct lc_debuginfo *di, struct lc_unwinder *uw, uint64_t pc,
				       bool interrupted, const struct lc_regset *regs, bool *found,
				       struct lc_cfi_step *ret)
{
	*found = false;
	uint64_t at = (interrupted ? pc : pc - 1) - di->bias;
	Dwarf_Frame *frame;
	if (!find_frame(di, at, &frame))
		return NULL;
	*found = true;
	struct lc_error *err = NULL;
	struct lc_dwarf_expr_ctx ctx;
	expr_ctx(di, uw->read, uw->read_arg, regs, &ctx);
	bool signal = false;
	int ra = dwarf_frame_info(frame, NULL, NULL, &signal);
	Dwarf_Op *ops;
	size_t nops;
	struct lc_dwarf_loc loc;
	if (ra < 0 || dwarf_frame_cfa(frame, &ops, &nops) != 0) {
		err = lc_error_create(LC_ERR_BAD_DATA, "bad CFI: %s", dwarf_errmsg(-1));
		goto out;
	}
	if (!nops) {
		err = lc_error_create(LC_ERR_UNSUPPORTED, "CFI gives no CFA here");
		goto out;
	}
	if ((err = lc_dwarf_expr_eval(&ctx, ops, nops, &loc)))
		goto out;
	/* A CFA rule computes an address (DW_CFA_def_cfa is register + offset). */
	if (loc.kind == LC_DWARF_LOC_REGISTER) {
		err = lc_error_create(LC_ERR_BAD_DATA, "CFI's CFA is a register location");
		goto out;
	}
	memset(ret, 0, sizeof(*ret));
	ret->cfa = loc.value;
	ret->signal = signal;
	ctx.have_cfa = true;
	ctx.cfa = ret->cfa;
	const struct lc_arch_ops *arch = di->arch;
	bool have_ra = false;
	for (unsigned r = 0; r < arch->ndwarf_regs; r++) {
		int slot = arch->dwarf_regs[r];
		if (slot < 0 && (int)r != ra)
			continue;
		Dwarf_Op mem[3];
		if (dwarf_frame_register(frame, (int)r, mem, &ops, &nops) != 0)
			continue;
		uint64_t v;
		if (!nops) {
			/*
			 * ops NULL: "same value", ops set: "undefined". Both are
			 * mostly libdw's ABI defaults, and elfutils (0.188 at
			 * least) lists rax instead of rbx among x86_64's
			 * call-saved registers: apply the psABI ourselves. A
			 * register the CFI does not mention keeps its value if
			 * it is callee-saved (or the frame pointer), else it is
			 * unknown; an undefined return address ends the stack.
			 */
			bool keeps = (int)r == ra
					     ? !ops
					     : slot >= 0 && (callee_saved(arch, (unsigned)slot) ||
							     (unsigned)slot == arch->fp_index);
			if (!keeps || slot < 0 || !lc_regset_get(regs, (unsigned)slot, &v))
				continue;
		} else {
			ctx.push_cfa = true;
			struct lc_error *e = lc_dwarf_expr_eval(&ctx, ops, nops, &loc);
			if (!e)
				e = loc_value(&ctx, &loc, &v);
			ctx.push_cfa = false;
			if (e) {
				/* Only the return address is essential; other registers stay
				 * unknown. */
				if ((int)r == ra) {
					err = lc_error_prefix(e, "the return address");
					goto out;
				}
				lc_error_destroy(e);
				continue;
			}
		}
		if ((int)r == ra) {
			ret->pc = v;
			have_ra = true;
		}
		if (slot >= 0)
			lc_regset_set(&ret->caller, (unsigned)slot, v);
	}
	if (!have_ra) {
		/* An undefined return address marks the outermost frame. */
		err = lc_error_create(LC_ERR_STOP, "CFI marks the end of the stack");
		goto out;
	}
	lc_regset_set(&ret->caller, arch->sp_index, ret->cfa);
	lc_regset_set(&ret->caller, arch->pc_index, ret->pc);
out:
	free(frame);
	return err;
}

/* ---- units, functions and scopes ---- */

static int range_cmp(const void *a, const void *b)
{
	const struct func_range *x = a, *y = b;
	return x->low < y->low ? -1 : x->low > y->low;
}

static struct unit *unit_slot(struct lc_debuginfo *di, Dwarf_Off off)
{
	size_t mask = di->units_cap - 1;
	for (size_t i = (off * 0x9e3779b97f4a7c15ull >> 20) & mask;; i = (i + 1) & mask) {
		if (di->units[i].off == off || !di->units[i].off)
			return &di->units[i];
	}
}

/* Index the functions of a unit by address: every range of every concrete subprogram. */
static struct lc_error *unit_index(Dwarf_Die *cudie, struct unit *u)
{
	Dwarf_Die child;
	size_t cap = 0;
	if (dwarf_child(cudie, &child) != 0)
		return NULL;
	do {
		if (dwarf_tag(&child) != DW_TAG_subprogram)
			continue;
		Dwarf_Addr base, start, end;
		ptrdiff_t off = 0;
		while ((off = dwarf_ranges(&child, off, &base, &start, &end)) > 0) {
			if (start >= end)
				continue;
			if (u->count >= MAX_UNIT_RANGES)
				return lc_error_create(
					LC_ERR_BAD_DATA,
					"compile unit with too many function ranges");
			if (!lc_grow((void **)&u->ranges, &cap, u->count + 1, sizeof(*u->ranges)))
				return lc_error_nomem;
			u->ranges[u->count++] =
				(struct func_range){start, end, dwarf_dieoffset(&child)};
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	qsort(u->ranges, u->count, sizeof(*u->ranges), range_cmp);
	return NULL;
}

static struct lc_error *unit_get(struct lc_debuginfo *di, Dwarf_Die *cudie, struct unit **ret)
{
	Dwarf_Off off = dwarf_dieoffset(cudie);
	if (di->units_cap) {
		struct unit *u = unit_slot(di, off);
		if (u->off == off) {
			*ret = u;
			return NULL;
		}
	}
	if ((di->nunits + 1) * 2 > di->units_cap) {
		size_t n = di->units_cap ? di->units_cap * 2 : 64;
		struct unit *old = di->units;
		size_t oldn = di->units_cap;
		di->units = calloc(n, sizeof(*di->units));
		if (!di->units) {
			di->units = old;
			return lc_error_nomem;
		}
		di->units_cap = n;
		for (size_t i = 0; i < oldn; i++) {
			if (old[i].off)
				*unit_slot(di, old[i].off) = old[i];
		}
		free(old);
	}
	struct unit *u = unit_slot(di, off);
	u->off = off;
	di->nunits++;
	*ret = u;
	struct lc_error *err = unit_index(cudie, u);
	if (err) {
		/* Known and empty: not indexed again, and no half-built answers. */
		free(u->ranges);
		u->ranges = NULL;
		u->count = 0;
	}
	return err;
}

/*
 * The subprogram holding link-time address at and the inlined subroutines
 * around at, outermost first. *nchain is 0 when no function covers at.
 */
struct scopes {
	Dwarf_Die cu;
	bool have_func;
	Dwarf_Die func;
	Dwarf_Die chain[MAX_INLINE_DEPTH];
	size_t nchain;
};

static struct lc_error *find_scopes(struct lc_debuginfo *di, uint64_t at, bool *have_cu,
				    struct scopes *s)
{
	*have_cu = false;
	s->have_func = false;
	s->nchain = 0;
	if (!dwarf_addrdie(di->dbg, at, &s->cu))
		return NULL;
	*have_cu = true;
	struct unit *u = NULL;
	struct lc_error *err = unit_get(di, &s->cu, &u);
	if (err)
		return err;
	/* The last range starting at or before at. */
	size_t lo = 0, hi = u->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (u->ranges[mid].low <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || at >= u->ranges[lo - 1].high)
		return NULL;
	if (!dwarf_offdie(di->dbg, u->ranges[lo - 1].die, &s->func))
		return NULL;
	s->have_func = true;
	/* Down through the lexical blocks and inlined calls that hold at. */
	Dwarf_Die cur = s->func;
	for (unsigned depth = 0; depth < 4 * MAX_INLINE_DEPTH; depth++) {
		Dwarf_Die child;
		bool descended = false;
		if (dwarf_child(&cur, &child) != 0)
			break;
		do {
			int tag = dwarf_tag(&child);
			if (tag != DW_TAG_lexical_block && tag != DW_TAG_inlined_subroutine)
				continue;
			if (dwarf_haspc(&child, at) != 1)
				continue;
			if (tag == DW_TAG_inlined_subroutine) {
				if (s->nchain >= MAX_INLINE_DEPTH)
					return lc_error_create(LC_ERR_BAD_DATA,
							       "inlined calls nested too deep");
				s->chain[s->nchain++] = child;
			}
			cur = child;
			descended = true;
			break;
		} while (dwarf_siblingof(&child, &child) == 0);
		if (!descended)
			break;
	}
	return NULL;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	if (!dwarf_attr_integrate(die, DW_AT_name, &attr))
		return NULL;
	return dwarf_formstring(&attr);
}

/* A path relative to the build directory, when it is under it. */
static const char *relative_path(Dwarf_Die *cu, const char *path)
{
	if (!path)
		return NULL;
	Dwarf_Attribute attr;
	const char *dir = dwarf_attr(cu, DW_AT_comp_dir, &attr) ? dwarf_formstring(&attr) : NULL;
	size_t n = dir ? strlen(dir) : 0;
	if (n && strncmp(path, dir, n) == 0 && path[n] == '/')
		path += n + 1;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

static void call_site(Dwarf_Die *cu, Dwarf_Die *inl, struct lc_source_frame *f)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;
	Dwarf_Files *files;
	size_t nfiles;
	if (dwarf_attr(inl, DW_AT_call_file, &attr) && dwarf_formudata(&attr, &v) == 0 &&
	    dwarf_getsrcfiles(cu, &files, &nfiles) == 0 && v < nfiles)
		f->file = relative_path(cu, dwarf_filesrc(files, v, NULL, NULL));
	if (dwarf_attr(inl, DW_AT_call_line, &attr) && dwarf_formudata(&attr, &v) == 0 &&
	    v <= UINT32_MAX)
		f->line = (unsigned)v;
	if (dwarf_attr(inl, DW_AT_call_column, &attr) && dwarf_formudata(&attr, &v) == 0 &&
	    v <= UINT32_MAX)
		f->column = (unsigned)v;
}

static struct lc_error *build_source(struct lc_debuginfo *di, uint64_t at,
				     struct lc_source_frame **frames_ret, size_t *count_ret)
{
	struct scopes s;
	bool have_cu;
	*frames_ret = NULL;
	*count_ret = 0;
	struct lc_error *err = find_scopes(di, at, &have_cu, &s);
	if (err || !have_cu)
		return err;
	size_t n = s.nchain + 1;
	struct lc_source_frame *fr = calloc(n, sizeof(*fr));
	if (!fr)
		return lc_error_nomem;
	/* The innermost: the line table at the pc itself. */
	Dwarf_Line *line = dwarf_getsrc_die(&s.cu, at);
	if (line) {
		int ln, col;
		fr[0].file = relative_path(&s.cu, dwarf_linesrc(line, NULL, NULL));
		if (dwarf_lineno(line, &ln) == 0 && ln > 0)
			fr[0].line = (unsigned)ln;
		if (dwarf_linecol(line, &col) == 0 && col > 0)
			fr[0].column = (unsigned)col;
	}
	/* Each inlined call: its name, and where its caller called it. */
	for (size_t k = 0; k < s.nchain; k++) {
		size_t i = s.nchain - 1 - k; /* chain index of output frame k */
		fr[k].function = die_name(&s.chain[i]);
		fr[k].inlined = true;
		call_site(&s.cu, &s.chain[i], &fr[k + 1]);
	}
	fr[n - 1].function = s.have_func ? die_name(&s.func) : NULL;
	*frames_ret = fr;
	*count_ret = n;
	return NULL;
}

static struct source_slot *source_slot(struct lc_debuginfo *di, uint64_t pc, bool interrupted)
{
	size_t mask = di->sources_cap - 1;
	for (size_t i = ((pc ^ interrupted) * 0x9e3779b97f4a7c15ull >> 17) & mask;;
	     i = (i + 1) & mask) {
		struct source_slot *s = &di->sources[i];
		if (!s->used || (s->pc == pc && s->interrupted == interrupted))
			return s;
	}
}

struct lc_error *lc_debuginfo_source(struct lc_debuginfo *di, uint64_t pc, bool interrupted,
				     struct lc_source *ret)
{
	if (di->sources_cap) {
		struct source_slot *s = source_slot(di, pc, interrupted);
		if (s->used) {
			ret->frames = s->frames;
			ret->count = s->count;
			return NULL;
		}
	}
	if ((di->nsources + 1) * 2 > di->sources_cap) {
		size_t n = di->sources_cap ? di->sources_cap * 2 : 256;
		struct source_slot *old = di->sources;
		size_t oldn = di->sources_cap;
		di->sources = calloc(n, sizeof(*di->sources));
		if (!di->sources) {
			di->sources = old;
			return lc_error_nomem;
		}
		di->sources_cap = n;
		for (size_t i = 0; i < oldn; i++) {
			if (old[i].used)
				*source_slot(di, old[i].pc, old[i].interrupted) = old[i];
		}
		free(old);
	}
	struct lc_source_frame *frames;
	size_t count;
	struct lc_error *err =
		build_source(di, (interrupted ? pc : pc - 1) - di->bias, &frames, &count);
	if (err)
		return err;
	struct source_slot *s = source_slot(di, pc, interrupted);
	*s = (struct source_slot){pc, interrupted, true, frames, count};
	di->nsources++;
	ret->frames = frames;
	ret->count = count;
	return NULL;
}

/* ---- parameters ---- */

static bool same_name(const char *dwarf_name, const char *function)
{
	/* Symbols of GCC's clones ("__mutex_lock.constprop.0") name their DWARF function. */
	return lc_symbol_base_is(function, dwarf_name);
}

static bool find_param(Dwarf_Die *scope, const char *param, Dwarf_Die *ret)
{
	Dwarf_Die child;
	if (dwarf_child(scope, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_formal_parameter) {
			const char *name = die_name(&child);
			if (name && strcmp(name, param) == 0) {
				*ret = child;
				return true;
			}
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* The location expression of die's attribute name at link-time address at. */
static struct lc_error *location_at(Dwarf_Die *die, unsigned name, uint64_t at, const char *what,
				    Dwarf_Op **ops, size_t *nops)
{
	Dwarf_Attribute attr;
	if (!dwarf_attr(die, name, &attr))
		return lc_error_create(LC_ERR_LOOKUP, "%s has no location (optimized out)", what);
	int n = dwarf_getlocation_addr(&attr, at, ops, nops, 1);
	if (n < 0)
		return lc_error_create(LC_ERR_BAD_DATA, "bad location of %s: %s", what,
				       dwarf_errmsg(-1));
	if (n == 0 || !*nops)
		return lc_error_create(LC_ERR_LOOKUP, "%s is optimized out at this pc", what);
	return NULL;
}

struct lc_error *lc_debuginfo_frame_param(struct lc_debuginfo *di, const struct lc_frame *f,
					  const char *function, const char *param,
					  struct lc_debuginfo_value *ret)
{
	if (!f->known)
		return lc_error_create(LC_ERR_LOOKUP, "the unwinder recovered no registers here");
	uint64_t at = (f->interrupted ? f->pc : f->pc - 1) - di->bias;
	struct scopes s;
	bool have_cu;
	struct lc_error *err = find_scopes(di, at, &have_cu, &s);
	if (err)
		return err;
	if (!have_cu || !s.have_func)
		return lc_error_create(LC_ERR_LOOKUP, "no DWARF function at this pc");
	/* The function itself, or one of the calls inlined into it, innermost first. */
	Dwarf_Die *scope = NULL;
	for (size_t k = s.nchain; k-- > 0 && !scope;) {
		if (same_name(die_name(&s.chain[k]), function))
			scope = &s.chain[k];
	}
	if (!scope && same_name(die_name(&s.func), function))
		scope = &s.func;
	if (!scope)
		return lc_error_create(LC_ERR_LOOKUP, "%s is not at this pc in DWARF", function);
	Dwarf_Die pdie;
	if (!find_param(scope, param, &pdie))
		return lc_error_create(LC_ERR_LOOKUP, "no parameter '%s' (removed by the compiler)",
				       param);
	Dwarf_Op *ops;
	size_t nops;
	if ((err = location_at(&pdie, DW_AT_location, at, param, &ops, &nops)))
		return err;
	struct lc_dwarf_expr_ctx ctx;
	expr_ctx(di, di->read, di->read_arg, f->known, &ctx);
	if (f->dwarf_cfa) {
		ctx.have_cfa = true;
		ctx.cfa = f->dwarf_cfa;
	}
	/* DW_OP_fbreg is relative to the enclosing subprogram's frame base. */
	Dwarf_Op *fbops;
	size_t fbnops;
	struct lc_dwarf_loc loc;
	struct lc_error *e =
		location_at(&s.func, DW_AT_frame_base, at, "frame base", &fbops, &fbnops);
	if (!e)
		e = lc_dwarf_expr_eval(&ctx, fbops, fbnops, &loc);
	if (!e && loc.kind == LC_DWARF_LOC_REGISTER)
		e = lc_dwarf_expr_reg(&ctx, loc.regno, &loc.value);
	if (!e) {
		ctx.have_frame_base = true;
		ctx.frame_base = loc.value;
	}
	lc_error_destroy(e); /* only an error if the parameter's location needs it */
	if ((err = lc_dwarf_expr_eval(&ctx, ops, nops, &loc)))
		return err;
	switch (loc.kind) {
	case LC_DWARF_LOC_REGISTER: {
		int slot = loc.regno < ctx.ndwarf_regs ? ctx.dwarf_regs[loc.regno] : -1;
		snprintf(ret->how, sizeof(ret->how), "register %s",
			 slot >= 0 ? di->arch->gregs[slot] : "?");
		break;
	}
	case LC_DWARF_LOC_MEMORY:
		snprintf(ret->how, sizeof(ret->how), "stack slot 0x%" PRIx64, loc.value);
		break;
	case LC_DWARF_LOC_VALUE:
		snprintf(ret->how, sizeof(ret->how), "computed value");
		break;
	}
	return loc_value(&ctx, &loc, &ret->value);
}
