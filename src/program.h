/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The program object's insides, shared by the library's layers. */
#ifndef LC_PROGRAM_H
#define LC_PROGRAM_H

#include "lockcore/program.h"
#include "arch/arch.h"
#include "dump.h"
#include "symbols.h"
#include "types.h"
#include "vmcoreinfo.h"

struct lc_kernel;
struct lc_task_list;
struct lc_vmlinux;
struct lc_unwind_cache;
struct lc_printk_log;
struct lc_modules;
struct lc_debuginfo;

struct lc_program {
	struct lc_dump *dump;
	const struct lc_dump_desc *desc;
	const struct lc_arch_ops *arch;
	bool big_endian;
	unsigned ptr_size;
	bool in_arch_translate; /* reading symbols for the arch's page-table walk */

	bool has_vmcoreinfo;
	struct lc_vmcoreinfo vmcoreinfo;
	uint64_t kaslr_offset;
	const char *kaslr_source; /* how the offset is known, for `lockcore info` */
	char *kaslr_source_buf;
	/* Without VMCOREINFO: the GNU build-id note of the kernel's .notes in memory ("" if unread). */
	char memory_build_id[129];

	struct lc_symbols symbols;
	struct lc_types *types; /* NULL until first use: loading BTF costs a few MiB of reads */
	struct lc_error *types_error; /* why types could not be loaded, kept for messages */
	char *btf_path;
	struct lc_vmlinux *vmlinux; /* -k: symbols, and DWARF types when nothing better exists */
	char *types_source_buf;     /* storage behind types_source when it is built */
	char *symbols_source_buf;   /* likewise for symbols_source */

	/* Human-readable provenance, for `lockcore info`. */
	const char *symbols_source;
	const char *types_source;

	struct lc_kernel *kernel;        /* lazily read kernel basics (linux/) */
	struct lc_task_list *tasks;      /* lazily read task list */
	struct lc_unwind_cache *unwind;  /* CPU registers and stacks (unwind.c) */
	struct lc_printk_log *printk;    /* lazily read kernel log (linux/printk.c) */
	struct lc_modules *modules;       /* loaded modules and their symbols (linux/modules.c) */
	/* -k's DWARF for code: CFI, lines, inlines, variables (debuginfo.c); lazily opened */
	struct lc_debuginfo *debuginfo;
	bool debuginfo_tried;
	char *debuginfo_error; /* why there is none (NULL if even that failed) */
};

/*
 * The dumped kernel's build-id: VMCOREINFO's, else the one read from the
 * kernel's own .notes in memory; NULL when neither is known. *source (if
 * not NULL) says which.
 */
const char *lc_program_build_id(const struct lc_program *prog, const char **source);

/* Types, loaded on first use. */
struct lc_error *lc_program_types(struct lc_program *prog, struct lc_types **ret);

#endif
