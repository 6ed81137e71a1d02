/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One symbol table per program, whatever filled it: a vmlinux symtab,
 * kallsyms from the dump, a System.map, module symbols.
 */
#ifndef LC_SYMBOLS_H
#define LC_SYMBOLS_H

#include <stdint.h>

#include "util.h"

struct lc_symbol {
	uint64_t address;
	uint64_t size; /* 0 until finalized: distance to the next symbol */
	const char *name;
	const char *module; /* NULL for vmlinux */
	char type;          /* nm-style: 'T', 't', 'D', 'd', 'B', 'R', ... */
};

struct lc_symbols {
	struct lc_symbol *syms;
	size_t count, capacity;
	struct lc_strmap by_name; /* name -> index+1 of the first (global preferred) */
	char **string_blocks;     /* owned storage for names */
	size_t nblocks, blocks_capacity;
	char *block_cursor;
	size_t block_left;
	bool sorted;
	const char *source; /* "kallsyms", "vmlinux", "System.map" */
	/*
	 * A table that decodes on demand (kallsyms read in place): when set,
	 * find and lookup go through it and the arrays above stay empty.
	 */
	const struct lc_symbols_lazy_ops *lazy_ops;
	void *lazy;
};

struct lc_symbols_lazy_ops {
	const struct lc_symbol *(*find)(void *lazy, const char *name);
	const struct lc_symbol *(*lookup)(void *lazy, uint64_t address);
	void (*destroy)(void *lazy);
};

void lc_symbols_init(struct lc_symbols *syms);
void lc_symbols_deinit(struct lc_symbols *syms);
/* name is copied; module must outlive the table (or be NULL). */
struct lc_error *lc_symbols_add(struct lc_symbols *syms, uint64_t address, const char *name,
				size_t name_len, char type, const char *module);
/* Sort by address, compute sizes, index names. Call once after the last add. */
struct lc_error *lc_symbols_finalize(struct lc_symbols *syms);
/* By name: global symbols win over local ones of the same name. */
const struct lc_symbol *lc_symbols_find(const struct lc_symbols *syms, const char *name);
/* The symbol containing address (largest address <= it, within its size), or NULL. */
/*
 * Does symbol name the function name? GCC's clones keep the name before a
 * dot (".constprop.0", ".isra.0", ".part.0", ".cold"): the same function here.
 */
bool lc_symbol_base_is(const char *symbol, const char *name);
const struct lc_symbol *lc_symbols_lookup(const struct lc_symbols *syms, uint64_t address);
/*
 * The size a symbol gets from the next symbol's address, gap (0 when it is the
 * last one): a page for the last, nothing for the per-CPU section's end
 * marker. x86_64 links per-CPU variables from 0, so the gap after
 * __per_cpu_end reaches the kernel image and would name every direct-map and
 * vmalloc address "__per_cpu_end+0x...".
 */
uint64_t lc_symbol_size(const char *name, uint64_t gap);
/* Order of preference among aliases at one address: < 0 when x is the better name. */
int lc_symbol_preference(const struct lc_symbol *x, const struct lc_symbol *y);
/*
 * Move link-time addresses of the kernel by its KASLR offset, as a vmlinux
 * load would (absolute and x86_64's zero-based per-CPU symbols stay), and
 * finalize again.
 */
struct lc_error *lc_symbols_relocate(struct lc_symbols *syms, uint64_t offset);
/* Parse a System.map (text "addr type name" lines). */
struct lc_error *lc_symbols_load_system_map(struct lc_symbols *syms, const char *path);

#endif
