/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sanity checks on a dump's headers before libkdumpfile sees them: it trusts
 * them and can crash on a corrupt kdump header, and we promise a clear error.
 */
#ifndef LC_DUMP_VALIDATE_H
#define LC_DUMP_VALIDATE_H

#include "lockcore/error.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * What a kdump-compressed header says about the file's place in a split set
 * (makedumpfile --split writes one file per range of page frames, each with
 * the whole header).
 */
struct lc_dump_part {
	bool kdump;		     /* a kdump-compressed file (else the rest is unset) */
	bool split;		     /* one part of a split set */
	uint64_t start_pfn, end_pfn; /* the page frames it holds [start, end) */
	uint64_t max_mapnr;	     /* page frames of the whole machine */
	uint8_t id[412];	     /* utsname and timestamp: the same in every part of a set */
};

/*
 * Check the ELF or kdump-compressed headers of the (unwrapped) dump open on
 * fd; part (if not NULL) gets the split-set facts of a kdump-compressed one.
 */
struct lc_error *lc_dump_validate(int fd, struct lc_dump_part *part);

/* A run of physical memory an ELF dump holds: [start, end). */
struct lc_phys_range {
	uint64_t start, end;
};

/*
 * The physical memory an ELF dump (open on fd, already validated) describes,
 * from its PT_LOAD headers (the file-backed part: libkdumpfile too calls what
 * lies past p_filesz absent), sorted and merged; *ret is NULL and *n 0 for other formats.
 * libkdumpfile zero-fills a page that ends where a segment begins instead of
 * saying it is absent, which makes every gap of a minimal dump read as zeros:
 * lc_dump_read checks reads against these ranges.
 */
struct lc_error *lc_dump_elf_ranges(int fd, struct lc_phys_range **ret, size_t *n);

/*
 * How the command line tells a split dump's other files from command
 * arguments: a plain (not wrapped) kdump-compressed file whose header says it
 * is one part of a split set (and, for what follows it, any file with a
 * kdump-compressed signature: lc_dump_open then says what is wrong with it).
 * Any failure reads as false.
 */
bool lc_dump_path_is_split_part(const char *path);
bool lc_dump_path_is_kdump(const char *path);

#endif
