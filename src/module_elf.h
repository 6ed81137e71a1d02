/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A kernel module file (.ko, ET_REL): its section headers, symbol table,
 * .modinfo strings and build-id note; nothing else is read. The file is
 * untrusted: indexes and offsets are checked before use.
 */
#ifndef LC_MODULE_ELF_H
#define LC_MODULE_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"

struct lc_ko_section {
	const char *name; /* "" when unnamed */
	uint64_t flags, size, align;
	uint32_t type;
	const uint8_t *data; /* file bytes (NULL for NOBITS or unreadable) */
	size_t data_size;
};

struct lc_ko_symbol {
	const char *name; /* "" when unnamed */
	uint64_t value, size;
	uint32_t shndx; /* section index (SHN_XINDEX resolved), or a special one */
	uint8_t type, bind;
};

struct lc_ko {
	char *path;
	uint16_t machine;
	bool big_endian;
	unsigned ptr_size;
	/* Indexed by ELF section number; [0] is the null section. */
	struct lc_ko_section *sections;
	size_t nsections;
	/* The .symtab in file order, without the null symbol 0. */
	struct lc_ko_symbol *symbols;
	size_t nsymbols;
	/* .modinfo: "" when absent (a debug-only .ko has no .modinfo bytes). */
	char name[64];
	char srcversion[64];
	char vermagic[160];
	/* Index of .note.gnu.build-id (0: none) and its hex. */
	size_t build_id_section;
	char build_id[129];
	/* libelf state behind the names and data above. */
	void *elf;
	int fd;
	void *image; /* for lc_ko_open_memory: the copy libelf reads */
};

/* Open a .ko and read its headers, symbols, .modinfo and build-id. */
struct lc_error *lc_ko_open(const char *path, struct lc_ko **ret);
/* The same for a file already in memory (copied); path only names it in messages. */
struct lc_error *lc_ko_open_memory(const void *data, size_t size, const char *path,
				   struct lc_ko **ret);
void lc_ko_destroy(struct lc_ko *ko);

/* The first section named name whose flags include all of flags (0: any), or 0. */
size_t lc_ko_find_section(const struct lc_ko *ko, const char *name, uint64_t flags);

#endif
