/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the vmlinux's DWARF (-k) says about code, as opposed to types
 * (dwarf.c): call frame information for unwinding, the source line and the
 * chain of inlined functions at a pc, and where a function's parameter lives
 * at a pc. Everything is built lazily for the compile units frames actually
 * hit and cached per program; modules have no DWARF here (their frames keep
 * the arch unwinder's methods and no source lines).
 */
#ifndef LC_DEBUGINFO_H
#define LC_DEBUGINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libelf.h>

#include "lockcore/error.h"
#include "unwind.h"

struct lc_debuginfo;
struct lc_program;
struct lc_arch_ops;

/*
 * elf (with its debug sections inflated) must outlive the result. bias is
 * what the running kernel added to link-time addresses (the KASLR offset);
 * read reads the dumped machine's memory for parameters in stack slots.
 */
struct lc_error *lc_debuginfo_create(Elf *elf, const struct lc_arch_ops *arch, uint64_t bias,
				     bool big_endian, lc_unwind_read_fn *read, void *read_arg,
				     struct lc_debuginfo **ret);
void lc_debuginfo_destroy(struct lc_debuginfo *di);

/*
 * The program's, created on first use from -k's vmlinux; NULL without -k
 * or when it has no usable DWARF (*why_ret, if given, says why; borrowed).
 */
struct lc_debuginfo *lc_program_debuginfo(struct lc_program *prog, const char **why_ret);

/* One CFI step: what the caller's registers were. */
struct lc_cfi_step {
	struct lc_regset caller; /* the registers CFI recovers (pc and sp included) */
	uint64_t cfa;
	uint64_t pc; /* the caller's pc: a return address unless signal */
	bool signal; /* the caller was interrupted (a signal frame), not a call */
};

/*
 * Unwind one frame by the vmlinux's CFI (.debug_frame, then .eh_frame). pc
 * is the frame's pc; interrupted says it is not a return address. *found
 * is false (and NULL returned) when no CFI covers pc; an error means CFI
 * covers it but a rule could not be evaluated (unknown register, fault).
 */
struct lc_error *lc_debuginfo_cfi_step(struct lc_debuginfo *di, struct lc_unwinder *uw, uint64_t pc,
				       bool interrupted, const struct lc_regset *regs, bool *found,
				       struct lc_cfi_step *ret);

/* A function at a pc: the physical one, or one inlined into it. */
struct lc_source_frame {
	const char *function;  /* DWARF name; NULL for code without one (assembly) */
	const char *file;      /* relative to the kernel's build directory when under it */
	unsigned line, column; /* 0 when unknown */
	bool inlined;
};

struct lc_source {
	/* Innermost first; the last one is the function the pc's frame belongs to. */
	const struct lc_source_frame *frames;
	size_t count; /* 0 when DWARF has nothing at this pc (modules, BPF) */
};

/*
 * Source lines and inline chain at pc (pc - 1 unless interrupted), cached
 * (borrowed until lc_debuginfo_destroy).
 */
struct lc_error *lc_debuginfo_source(struct lc_debuginfo *di, uint64_t pc, bool interrupted,
				     struct lc_source *ret);

/* Where a value came from, for evidence strings. */
struct lc_debuginfo_value {
	uint64_t value;
	char how[96]; /* "register rbx", "stack slot 0xffff...", "constant" */
};

/*
 * The value of parameter param of function (a DWARF name: the physical
 * function of frame f or one inlined into it) at f's pc, from its DWARF
 * location evaluated with the registers the unwinder recovered for f.
 * LC_ERR_LOOKUP: no such function or parameter at this pc (optimized out);
 * LC_ERR_UNSUPPORTED: DWARF says the value is not available here (entry
 * values and the like); LC_ERR_FAULT: its stack slot is not in the dump.
 */
struct lc_error *lc_debuginfo_frame_param(struct lc_debuginfo *di, const struct lc_frame *f,
					  const char *function, const char *param,
					  struct lc_debuginfo_value *ret);

#endif
