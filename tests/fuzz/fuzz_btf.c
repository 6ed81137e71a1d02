// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the BTF parser: the bytes are parsed as vmlinux BTF,
 * every type id is converted, names are looked up through lc_types, and the
 * same bytes are parsed again as split BTF on top of themselves.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Isrc \
 *     src/error.c src/util.c src/btf.c src/types.c tests/fuzz/fuzz_btf.c -o fuzz_btf
 */
#include <stddef.h>
#include <stdint.h>

#include "types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void convert_all(struct lc_type_source *src)
{
	uint32_t count = lc_btf_type_count(src);
	for (uint32_t id = 0; id < count; id++) {
		const struct lc_type *type;
		struct lc_error *err = lc_btf_type_by_id(src, id, &type);
		if (err) {
			lc_error_destroy(err);
			continue;
		}
		/* Touch what readers touch; ASan checks the pointers are sound. */
		const struct lc_type *u = lc_type_unqualified(type);
		for (uint32_t i = 0; i < u->nmembers; i++)
			(void)(u->members[i].type->kind + u->members[i].bit_offset);
		for (uint32_t i = 0; i < u->nenumerators; i++)
			(void)u->enumerators[i].name[0];
		if (u->name)
			(void)u->name[0];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)lc_btf_probe(data, size);
	struct lc_type_source *src;
	struct lc_error *err = lc_btf_create(data, size, NULL, &src);
	if (err) {
		lc_error_destroy(err);
		return 0;
	}
	convert_all(src);

	struct lc_type_source *split;
	err = lc_btf_create(data, size, src, &split);
	if (!err) {
		convert_all(split);
		split->ops->destroy(split);
	}
	lc_error_destroy(err);

	struct lc_types *types;
	if (lc_types_create(&types)) {
		src->ops->destroy(src);
		return 0;
	}
	if (!lc_types_add_source(types, src)) {
		static const char *const specs[] = {"struct a", "union a", "a", "int",
						    "struct b *"};
		for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++) {
			(void)lc_types_has_member(types, specs[i], "a");
			(void)lc_types_has_member(types, specs[i], "b.a[1]");
			uint64_t v;
			lc_error_destroy(lc_types_sizeof(types, specs[i], &v));
		}
		int64_t value;
		lc_error_destroy(lc_types_enum_value(types, NULL, "a", &value));
		lc_error_destroy(lc_types_enum_value(types, "enum a", "b", &value));
		const struct lc_type *type;
		lc_error_destroy(lc_types_find_variable(types, "a", &type));
	}
	lc_types_destroy(types);
	return 0;
}
