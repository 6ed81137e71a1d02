// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * DWARF type source on tests/dwarf/fixture.c compiled with -g (plain, and with
 * debug sections compressed by zstd and zlib), then the same checks on the
 * per-build-id BTF cache made from it. Expected layouts come from compiling
 * fixture.h into this test: offsetof() and bit scans, not hand-written numbers.
 */
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "dwarf/fixture.h"
#include "dwarf_types.h"
#include "type_cache.h"
#include "types.h"
#include "vmlinux.h"

static const char *label;

static void check_member(struct lc_types *types, const char *path, uint64_t bit_offset,
			 uint32_t bit_size)
{
	struct lc_member_info mi = {0};
	struct lc_error *err = lc_types_member_info(types, "struct fx_bits", path, &mi);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", label, path, lc_error_message(err));
		lc_error_destroy(err);
		check_failures++;
		return;
	}
	if (mi.bit_offset != bit_offset || mi.bit_size != bit_size) {
		fprintf(stderr, "%s: %s at bit %" PRIu64 " (%u bits), expected %" PRIu64 " (%u)\n",
			label, path, mi.bit_offset, mi.bit_size, bit_offset, bit_size);
		check_failures++;
	}
}

/* Bit position of a bit field, found by setting its lowest bit (little-endian numbering). */
static uint64_t lowest_bit(const struct fx_bits *x)
{
	const unsigned char *p = (const unsigned char *)x;
	for (size_t i = 0; i < sizeof(*x); i++) {
		for (int b = 0; b < 8; b++) {
			if (p[i] >> b & 1)
				return i * 8 + (uint64_t)b;
		}
	}
	return UINT64_MAX;
}

static void check_types(struct lc_types *types)
{
	uint64_t size;
	CHECK_OK(lc_types_sizeof(types, "struct fx_bits", &size));
	CHECK_EQ_U64(size, sizeof(struct fx_bits));

	if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
		struct fx_bits x;
		memset(&x, 0, sizeof(x));
		x.a = 1;
		check_member(types, "a", lowest_bit(&x), 3);
		memset(&x, 0, sizeof(x));
		x.b = 1;
		check_member(types, "b", lowest_bit(&x), 5);
		memset(&x, 0, sizeof(x));
		x.c = 1;
		check_member(types, "c", lowest_bit(&x), 7);
		memset(&x, 0, sizeof(x));
		x.d = 1;
		check_member(types, "d", lowest_bit(&x), 40);
	}
	check_member(types, "tail", offsetof(struct fx_bits, tail) * 8, 0);
	check_member(types, "u_i", offsetof(struct fx_bits, u_i) * 8, 0);
	check_member(types, "s2", offsetof(struct fx_bits, s2) * 8, 0);
	check_member(types, "arr[2][1]", offsetof(struct fx_bits, arr[2][1]) * 8, 0);
	check_member(types, "bytes[255]", offsetof(struct fx_bits, bytes[255]) * 8, 0);
	check_member(types, "cvp", offsetof(struct fx_bits, cvp) * 8, 0);
	check_member(types, "fn", offsetof(struct fx_bits, fn) * 8, 0);
	check_member(types, "list.prev", offsetof(struct fx_bits, list.prev) * 8, 0);
	check_member(types, "color", offsetof(struct fx_bits, color) * 8, 0);
	check_member(types, "flags", offsetof(struct fx_bits, flags) * 8, 0);
	check_member(types, "flex", offsetof(struct fx_bits, flex) * 8, 0);

	const struct lc_type *bits;
	CHECK_OK(lc_types_find(types, "struct fx_bits", &bits));
	if (!bits)
		return;
	struct lc_member_info mi;
	CHECK_OK(lc_types_member_info(types, "struct fx_bits", "c", &mi));
	CHECK(lc_type_unqualified(mi.type)->is_signed);
	CHECK_OK(lc_types_member_info(types, "struct fx_bits", "arr", &mi));
	const struct lc_type *arr = mi.type;
	CHECK(arr->kind == LC_TYPE_ARRAY && arr->length == 4 &&
	      arr->size == sizeof(fx_ulong2[4][3]));
	CHECK(arr->target->kind == LC_TYPE_ARRAY && arr->target->length == 3);
	CHECK_STR(arr->target->target->name, "fx_ulong2");
	CHECK_STR(arr->target->target->target->name, "fx_ulong");
	CHECK_STR(lc_type_unqualified(arr->target->target)->name, "long unsigned int");
	CHECK_OK(lc_types_member_info(types, "struct fx_bits", "bytes", &mi));
	CHECK(mi.type->length == 256);
	CHECK_OK(lc_types_member_info(types, "struct fx_bits", "flex", &mi));
	CHECK(mi.type->kind == LC_TYPE_ARRAY && mi.type->length == 0);
	CHECK_OK(lc_types_member_info(types, "struct fx_bits", "cvp", &mi));
	const struct lc_type *q = mi.type->target;
	CHECK(q->kind == LC_TYPE_QUALIFIED && q->target->kind == LC_TYPE_QUALIFIED);
	CHECK(lc_type_unqualified(q)->kind == LC_TYPE_INT);
	CHECK_OK(lc_types_member_info(types, "struct fx_bits", "fn", &mi));
	CHECK(mi.type->kind == LC_TYPE_POINTER && mi.type->target->kind == LC_TYPE_FUNCTION);
	CHECK_OK(lc_types_member_info(types, "struct fx_bits", "list", &mi));
	/* The pointer cycle closes on one converted type. */
	CHECK(mi.type->members[0].type->target == mi.type);

	int64_t v;
	CHECK_OK(lc_types_enum_value(types, "enum fx_color", "FX_RED", &v));
	CHECK_EQ_U64((uint64_t)v, (uint64_t)(int64_t)FX_RED);
	CHECK_OK(lc_types_enum_value(types, "enum fx_color", "FX_BLUE", &v));
	CHECK_EQ_U64((uint64_t)v, 128);
	CHECK_OK(lc_types_enum_value(types, NULL, "FX_HIGH", &v));
	CHECK_EQ_U64((uint64_t)v, 0x80000000u);
	CHECK_OK(lc_types_enum_value(types, NULL, "FX_ANON_CONST", &v));
	CHECK_EQ_U64((uint64_t)v, 42);

	const struct lc_type *t;
	CHECK_OK(lc_types_find_variable(types, "fx_global", &t));
	CHECK(t == bits);
	CHECK_OK(lc_types_find_variable(types, "fx_head", &t));
	CHECK(t && t->kind == LC_TYPE_POINTER && t->target == mi.type);
	CHECK_OK(lc_types_sizeof(types, "unsigned long", &size));
	CHECK_EQ_U64(size, sizeof(unsigned long));
	CHECK_ERR(lc_types_find(types, "struct fx_missing", &t), LC_ERR_LOOKUP, "fx_missing");
}

static void check_file(const char *path, const char *cache_dir)
{
	label = path;
	struct lc_vmlinux *vm;
	struct lc_error *err = lc_vmlinux_open(path, &vm);
	if (err) {
		fprintf(stderr, "%s: %s\n", path, lc_error_message(err));
		lc_error_destroy(err);
		check_failures++;
		return;
	}
	Elf *elf = lc_vmlinux_debug_elf(vm, &err);
	struct lc_type_source *src = NULL;
	if (!err)
		err = lc_dwarf_create(elf, &src);
	if (err) {
		fprintf(stderr, "%s: %s\n", path, lc_error_message(err));
		lc_error_destroy(err);
		check_failures++;
		lc_vmlinux_destroy(vm);
		return;
	}
	struct lc_dwarf_stats stats;
	CHECK_OK(lc_dwarf_index(src, &stats));
	CHECK(stats.units >= 1 && stats.names > 5);

	/* The cache is written from this source before the checks convert anything. */
	const char *id = lc_vmlinux_build_id(vm);
	const char *fake_id = "0123456789abcdef0123456789abcdef01234567";
	if (!id)
		id = fake_id;
	size_t size = 0;
	setenv("LOCKCORE_CACHE_DIR", cache_dir, 1);
	CHECK_OK(lc_type_cache_store(id, src, &size));
	CHECK(size > 24);

	struct lc_types *types;
	CHECK_OK(lc_types_create(&types));
	CHECK_OK(lc_types_add_source(types, src));
	check_types(types);
	lc_types_destroy(types);

	struct lc_type_source *cached = NULL;
	CHECK_OK(lc_type_cache_load(id, &cached));
	if (cached) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s (BTF cache)", path);
		label = buf;
		CHECK_OK(lc_types_create(&types));
		CHECK_OK(lc_types_add_source(types, cached));
		check_types(types);
		lc_types_destroy(types);
	}
	lc_vmlinux_destroy(vm);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_dwarf ELF...\n");
		return 2;
	}
	char dir[] = "/tmp/lockcore-test-dwarf-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		check_file(argv[i], dir);

	/* Build-ids become file names: nothing else may. */
	CHECK(!lc_build_id_valid("../../etc/passwd"));
	CHECK(!lc_build_id_valid("abc"));
	CHECK(lc_build_id_valid("EB4FBCD037E72537"));
	struct lc_type_source *src;
	CHECK_ERR(lc_type_cache_load("00000000deadbeef", &src), LC_ERR_LOOKUP, "no cached types");
	CHECK_ERR(lc_type_cache_load("../x", &src), LC_ERR_INVALID, "not a build-id");
	/* A corrupt cache file is refused, not trusted. */
	char *path;
	CHECK_OK(lc_type_cache_path("00000000deadbeef", &path));
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("not BTF", f);
		fclose(f);
	}
	CHECK_ERR(lc_type_cache_load("00000000deadbeef", &src), LC_ERR_FORMAT, "type cache");
	unlink(path);
	free(path);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	CHECK_DONE();
}
