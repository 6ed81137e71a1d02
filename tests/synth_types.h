/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel types for unit tests without a dump: a graph of struct lc_type
 * written as BTF and loaded back as the program's types would be, with named
 * variables (BTF VARs) for the per-CPU and global variables readers look up.
 */
#ifndef LC_TESTS_SYNTH_TYPES_H
#define LC_TESTS_SYNTH_TYPES_H

#include <stdlib.h>

#include "btf_write.h"
#include "check.h"
#include "types.h"

struct synth_var {
	const char *name;
	const struct lc_type *type;
};

/* NULL (and a failed check) when the types cannot be built. */
static inline struct lc_types *synth_types(const struct lc_type *const *types, size_t ntypes,
					   const struct synth_var *vars, size_t nvars)
{
	struct lc_btf_writer *w;
	struct lc_types *ret = NULL;
	struct lc_type_source *src = NULL;
	void *data = NULL;
	size_t size = 0;
	CHECK_OK(lc_btf_writer_create(&w));
	if (!w)
		return NULL;
	for (size_t i = 0; i < ntypes; i++)
		CHECK_OK(lc_btf_writer_add_type(w, types[i], NULL));
	for (size_t i = 0; i < nvars; i++)
		CHECK_OK(lc_btf_writer_add_variable(w, vars[i].name, vars[i].type));
	CHECK_OK(lc_btf_writer_finish(w, &data, &size));
	lc_btf_writer_destroy(w);
	CHECK_OK(lc_btf_create(data, size, NULL, &src));
	free(data);
	CHECK_OK(lc_types_create(&ret));
	if (ret && src)
		CHECK_OK(lc_types_add_source(ret, src));
	return ret;
}

#endif
