/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DWARF type source over libdw: a vmlinux's (or any ELF's) struct, union,
 * enum, typedef and base types and its global variables, behind the same
 * lc_type_source interface as BTF.
 * (Not named dwarf.h: src/ is on the include path, and that would shadow
 * elfutils' <dwarf.h> for every file of the library.)
 */
#ifndef LC_DWARF_TYPES_H
#define LC_DWARF_TYPES_H

#include <libelf.h>

#include "types.h"

/*
 * elf must outlive the source (lc_vmlinux_debug_elf() gives one with its
 * compressed sections inflated). Cheap: the name index is built on the
 * first lookup.
 */
struct lc_error *lc_dwarf_create(Elf *elf, struct lc_type_source **ret);
bool lc_dwarf_is(const struct lc_type_source *src);

/* Build the name index now (for timing), and report what it holds. */
struct lc_dwarf_stats {
	uint64_t units, dies_scanned, names, variables, anonymous_enums;
	double index_seconds;
};
struct lc_error *lc_dwarf_index(struct lc_type_source *src, struct lc_dwarf_stats *ret);

/*
 * Visit every indexed named type (struct, union, enum, typedef, base type),
 * every distinct anonymous enum, and every global variable with its type:
 * what a cache of this kernel's types holds. type_fn gets name NULL for
 * anonymous enums; var_fn gets the variable's name. A callback error stops
 * the walk and is returned; types that fail to convert are counted in
 * *skipped (if not NULL) and left out.
 */
struct lc_dwarf_visitor {
	struct lc_error *(*type_fn)(void *arg, const struct lc_type *type);
	struct lc_error *(*var_fn)(void *arg, const char *name, const struct lc_type *type);
	void *arg;
};
struct lc_error *lc_dwarf_for_each(struct lc_type_source *src, const struct lc_dwarf_visitor *v,
				   uint64_t *skipped);

#endif
