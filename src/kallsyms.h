/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel's compressed symbol table (kallsyms), read out of the dump. */
#ifndef LC_KALLSYMS_H
#define LC_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

struct lc_program;

/* Raw tables as copied from the dump; decoding them trusts nothing. */
struct lc_kallsyms_tables {
	const uint8_t *names;
	size_t names_size;
	const uint8_t *token_table;
	size_t token_table_size;
	const uint8_t *token_index; /* 256 u16 */
	const uint8_t *values;      /* num_syms s32 offsets, or num_syms unsigned longs */
	uint32_t num_syms;
	uint64_t relative_base;
	bool relative;         /* CONFIG_KALLSYMS_BASE_RELATIVE */
	bool absolute_percpu;  /* CONFIG_KALLSYMS_ABSOLUTE_PERCPU */
	bool big_endian;
	unsigned ptr_size;
};

struct lc_error *lc_kallsyms_decode(const struct lc_kallsyms_tables *tables,
				    struct lc_symbols *syms);

/* Where the tables are in the kernel's memory. */
struct lc_kallsyms_location {
	uint64_t names, num_syms, token_table, token_index;
	uint64_t values;        /* kallsyms_offsets or kallsyms_addresses */
	uint64_t relative_base; /* when relative */
	bool relative;
};

struct lc_error *lc_kallsyms_load_at(struct lc_program *prog,
				     const struct lc_kallsyms_location *loc, struct lc_symbols *syms);

/* Search kernel read-only data for the tables (before 6.0) and decode; checked
 * against VMCOREINFO's _stext and init_uts_ns. */
struct lc_error *lc_kallsyms_load_search(struct lc_program *prog, struct lc_symbols *syms);
/* True if 512 bytes at p have the shape of kallsyms_token_index. */
bool lc_kallsyms_is_token_index(const uint8_t *p, bool big_endian);

/* Read the tables in place and decode names on demand (needs 6.1+'s name index);
 * LC_ERR_UNSUPPORTED when the layout does not allow it. */
struct lc_error *lc_kallsyms_load_lazy(struct lc_program *prog,
				       const struct lc_kallsyms_location *loc,
				       struct lc_symbols *syms);

/* Find the tables through VMCOREINFO (Linux 6.0+ publishes them) and decode. */
struct lc_error *lc_kallsyms_load_vmcoreinfo(struct lc_program *prog, struct lc_symbols *syms);

#endif
