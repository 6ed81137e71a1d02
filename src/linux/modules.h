/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loaded kernel modules, read once per program: where each one's code and
 * data lie, its ORC tables (x86), and its own symbol table (functions and
 * objects), which names module code and module locks even when the kernel's
 * kallsyms has no data symbols.
 */
#ifndef LC_LINUX_MODULES_H
#define LC_LINUX_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

struct lc_program;

struct lc_module {
	char name[56];
	uint64_t address; /* struct module */
	uint64_t text_start, text_end;
	uint64_t core_start, core_end;	/* text through data, 0 when unknown */
	uint64_t orc_ip, orc, num_orcs; /* x86 module ORC; 0 when absent */
	/* The module's symtab (STT_FUNC and STT_OBJECT), sorted, read on first use. */
	bool syms_loaded;
	struct lc_symbol *syms;
	size_t nsyms;
	char *names;
};

struct lc_modules {
	struct lc_module *mods;
	size_t count;
};

/* Every loaded module (borrowed); an empty list when modules cannot be read. */
const struct lc_modules *lc_modules_get(struct lc_program *prog);
void lc_modules_destroy(struct lc_modules *mods);

/* The module whose text holds addr, or NULL. */
const struct lc_module *lc_module_by_text(struct lc_program *prog, uint64_t addr);
/* The module whose core allocation (text through data) holds addr, or NULL. */
const struct lc_module *lc_module_by_address(struct lc_program *prog, uint64_t addr);
/* The module symbol containing addr (exact symtab sizes), or NULL. */
const struct lc_symbol *lc_module_symbol(struct lc_program *prog, const struct lc_module *mod,
					 uint64_t addr);
/* The same for any module. */
const struct lc_symbol *lc_modules_symbol(struct lc_program *prog, uint64_t addr);

#endif
