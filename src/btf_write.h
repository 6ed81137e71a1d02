/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Encode a graph of struct lc_type as BTF (host byte order), so that types
 * read once from DWARF can be cached and later loaded by lc_btf_create().
 */
#ifndef LC_BTF_WRITE_H
#define LC_BTF_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

struct lc_btf_writer;

struct lc_error *lc_btf_writer_create(struct lc_btf_writer **ret);
void lc_btf_writer_destroy(struct lc_btf_writer *w);

/*
 * Add type and everything it refers to (each type once, pointer cycles
 * included); *id_ret (if not NULL) gets its BTF id. The types must stay
 * valid until lc_btf_writer_finish().
 */
struct lc_error *lc_btf_writer_add_type(struct lc_btf_writer *w, const struct lc_type *type,
					uint32_t *id_ret);
/* A global variable (a BTF VAR in one DATASEC) of the given type. */
struct lc_error *lc_btf_writer_add_variable(struct lc_btf_writer *w, const char *name,
					    const struct lc_type *type);

/* The BTF bytes (malloc'd, the caller frees them); the writer can then only be destroyed. */
struct lc_error *lc_btf_writer_finish(struct lc_btf_writer *w, void **data_ret, size_t *size_ret);

#endif
