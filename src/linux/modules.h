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
	/*
	 * The module's symtab (STT_FUNC and STT_OBJECT), sorted, read on first
	 * use; or the full symtab of its .ko (-m), verified and relocated.
	 */
	bool syms_loaded;
	struct lc_symbol *syms;
	size_t nsyms;
	char *names;
	const char *file; /* the .ko the symbols came from (-m), NULL for memory */
};

/* What became of one module file given with -m. */
enum lc_module_file_status {
	LC_MODULE_FILE_USED,	   /* its symbols replace the module's in-memory ones */
	LC_MODULE_FILE_NOT_LOADED, /* no such module in the dump: ignored */
	LC_MODULE_FILE_UNVERIFIED, /* nothing in the dump to check it against: ignored */
};

struct lc_module_file_section {
	const char *name; /* borrowed from the file's section names (copied) */
	uint64_t address;
	const char *from; /* "sect_attrs", "struct module", "symbols", "layout" */
};

struct lc_module_file {
	char *path;
	char module[56];
	enum lc_module_file_status status;
	size_t nsyms;	    /* symbols added */
	size_t unplaced;    /* symbols left out: their section's address is unknown */
	char verified[256]; /* what was compared with the dump */
	char note[512];	    /* how sections were placed, what was left out, or why ignored */
	struct lc_module_file_section *sections;
	size_t nsections;
	char *section_names;
};

struct lc_modules {
	struct lc_module *mods;
	size_t count;
	struct lc_module_file *files; /* -m, in the order given */
	size_t nfiles;
};

/* Every loaded module (borrowed); an empty list when modules cannot be read. */
const struct lc_modules *lc_modules_get(struct lc_program *prog);
void lc_modules_destroy(struct lc_modules *mods);

/*
 * Add the full symbol tables (functions and data, static ones too) of module
 * files: each FILE.ko must be a loaded module's own build (name, vermagic,
 * srcversion, build-id and the symbols in memory are compared; a mismatch is
 * an LC_ERR_MISMATCH error), and is placed at the load addresses of its
 * sections. A directory is searched for the files of the loaded modules. A
 * file of a module that is not loaded, or that nothing in the dump can
 * verify, is ignored with a note in lc_modules' files.
 */
struct lc_error *lc_modules_load_files(struct lc_program *prog, const char *const *paths,
				       size_t npaths);

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
