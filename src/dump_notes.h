/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The raw ELF notes of a dump (PRSTATUS, VMCOREINFO, QEMU CPU state ...),
 * read straight from the file: libkdumpfile interprets them but does not hand
 * them back, and `extract` must copy them unchanged into a new dump.
 */
#ifndef LC_DUMP_NOTES_H
#define LC_DUMP_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"

/* Notes of an ELF core or a kdump-compressed file open on fd; *ret is malloc'd. */
struct lc_error *lc_dump_read_notes(int fd, void **ret, size_t *ret_size);

struct lc_note {
	const char *name; /* not NUL-terminated necessarily: use name_size */
	uint32_t name_size;
	uint32_t type;
	const uint8_t *desc;
	uint32_t desc_size;
};

/* Iterate a notes buffer; returns false at the end or on a malformed note. */
bool lc_note_next(const uint8_t *buf, size_t size, bool big_endian, size_t *pos,
		  struct lc_note *ret);

#endif
