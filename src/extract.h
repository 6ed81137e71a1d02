/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writing a new dump that holds only chosen pages (what `extract --minimal` keeps). */
#ifndef LC_EXTRACT_H
#define LC_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

struct lc_extract_stats {
	size_t pages_requested;
	size_t pages_written;
	size_t pages_unreadable; /* recorded but absent from the source dump */
	size_t segments;
	uint64_t bytes;
};

/*
 * Write an ELF core (the source's notes, VMCOREINFO included, then one PT_LOAD
 * per run of physical pages) holding the given page-aligned physical addresses.
 */
struct lc_error *lc_extract_write_elf(struct lc_program *prog, const uint64_t *pages,
				      size_t npages, const char *path,
				      struct lc_extract_stats *stats);


/* Compress a whole file with zstd (what `extract --zstd` ships; lockcore reads it back). */
struct lc_error *lc_compress_file_zstd(const char *in_path, const char *out_path, int level);

#endif
