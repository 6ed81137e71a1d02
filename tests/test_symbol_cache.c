// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The symbol cache format: a round trip through encode/decode and through a
 * compressed file, and every kind of damage refused without adding a symbol.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "symbol_cache.h"
#include "type_cache.h"

static const char *const id = "0123456789abcdef0123456789abcdef01234567";

static const struct lc_symbol_cache_entry entries[] = {
	{0xffff800008010000, "_stext", 'T', false},
	{0xffff800009a1c030, "init_uts_ns", 'D', false},
	{0xffff800008123450, "schedule", 'T', false},
	{0xffff800008123400, "local_helper", 't', false},
	{0xffff800009b00000, "__per_cpu_start", 'D', false},
	{0x0000000000000010, "percpu_var", 'D', true},
	{0xffff800008123450, "schedule_alias", 't', false},
	/* Left out: a name no kernel prints, an absolute symbol. */
	{0xffff800008000000, "bad name", 'T', false},
	{0x0000000000000200, "PECOFF_FILE_ALIGNMENT", 'A', true},
};

static const uint64_t kaslr = 0x3e121a600000;

static void check_table(struct lc_symbols *syms)
{
	CHECK_OK(lc_symbols_finalize(syms));
	CHECK(syms->count == 7);
	const struct lc_symbol *s = lc_symbols_find(syms, "_stext");
	CHECK(s && s->address == 0xffff800008010000 + kaslr && s->type == 'T');
	s = lc_symbols_find(syms, "local_helper");
	CHECK(s && s->address == 0xffff800008123400 + kaslr && s->type == 't');
	/* Fixed symbols stay where they were linked. */
	s = lc_symbols_find(syms, "percpu_var");
	CHECK(s && s->address == 0x10 && s->type == 'D');
	CHECK(!lc_symbols_find(syms, "bad name"));
	CHECK(!lc_symbols_find(syms, "PECOFF_FILE_ALIGNMENT"));
	s = lc_symbols_lookup(syms, 0xffff800008123458 + kaslr);
	CHECK(s && strcmp(s->name, "schedule") == 0);
}

/* decode must fail with code and add nothing. */
static void check_refused(const void *data, size_t size, const char *build_id, int code,
			  const char *what)
{
	struct lc_symbols syms;
	lc_symbols_init(&syms);
	struct lc_error *err = lc_symbol_cache_decode(data, size, build_id, kaslr, &syms);
	if (!err) {
		fprintf(stderr, "%s: accepted\n", what);
		check_failures++;
	} else {
		if ((int)lc_error_code(err) != code) {
			fprintf(stderr, "%s: code %d (%s), expected %d\n", what, lc_error_code(err),
				lc_error_message(err), code);
			check_failures++;
		}
		lc_error_destroy(err);
	}
	CHECK(syms.count == 0);
	lc_symbols_deinit(&syms);
}

int main(void)
{
	void *data = NULL;
	size_t size = 0;
	CHECK_OK(lc_symbol_cache_encode(id, entries, LC_ARRAY_SIZE(entries), &data, &size));
	if (!data)
		return 1;

	struct lc_symbols syms;
	lc_symbols_init(&syms);
	CHECK_OK(lc_symbol_cache_decode(data, size, id, kaslr, &syms));
	check_table(&syms);
	lc_symbols_deinit(&syms);

	/* The same file whatever the input order. */
	struct lc_symbol_cache_entry rev[LC_ARRAY_SIZE(entries)];
	for (size_t i = 0; i < LC_ARRAY_SIZE(entries); i++)
		rev[i] = entries[LC_ARRAY_SIZE(entries) - 1 - i];
	void *data2 = NULL;
	size_t size2 = 0;
	CHECK_OK(lc_symbol_cache_encode(id, rev, LC_ARRAY_SIZE(rev), &data2, &size2));
	CHECK(data2 && size2 == size && memcmp(data, data2, size) == 0);
	free(data2);

	/* Build-ids are compared without regard to case. */
	lc_symbols_init(&syms);
	CHECK_OK(lc_symbol_cache_decode(data, size, "0123456789ABCDEF0123456789ABCDEF01234567",
					kaslr, &syms));
	lc_symbols_deinit(&syms);

	uint8_t *bad = malloc(size + 1);
	if (!bad)
		return 1;
	check_refused(data, size, "fedcba9876543210fedcba9876543210fedcba98", LC_ERR_MISMATCH,
		      "other build-id");
	check_refused(data, 10, id, LC_ERR_FORMAT, "truncated header");
	check_refused(data, size - 1, id, LC_ERR_FORMAT, "truncated names");
	memcpy(bad, data, size);
	bad[size] = 'x';
	check_refused(bad, size + 1, id, LC_ERR_FORMAT, "trailing byte");
	memcpy(bad, data, size);
	bad[0] = 'L';
	check_refused(bad, size, id, LC_ERR_FORMAT, "magic");
	memcpy(bad, data, size);
	bad[8] = 2;
	check_refused(bad, size, id, LC_ERR_UNSUPPORTED, "version 2");
	memcpy(bad, data, size);
	lc_store_uint(bad + 12, 4, false, 0xffffffff);
	check_refused(bad, size, id, LC_ERR_FORMAT, "huge count");
	memcpy(bad, data, size);
	lc_store_uint(bad + 16, 4, false, 0xfffffff0);
	check_refused(bad, size, id, LC_ERR_FORMAT, "huge name block");
	memcpy(bad, data, size);
	lc_store_uint(bad + 20, 2, false, 200);
	check_refused(bad, size, id, LC_ERR_FORMAT, "long build-id");
	memcpy(bad, data, size);
	bad[24] = '/';
	check_refused(bad, size, id, LC_ERR_FORMAT, "build-id not hex");
	/* Layout: header, 40 id bytes, 7 deltas, 7 types, 7 flags, names. */
	size_t deltas = 24 + 40, types = deltas + 7 * 8, flags = types + 7, names = flags + 7;
	memcpy(bad, data, size);
	lc_store_uint(bad + deltas + 8, 8, false, UINT64_MAX);
	check_refused(bad, size, id, LC_ERR_FORMAT, "address overflow");
	memcpy(bad, data, size);
	bad[types + 3] = '\n';
	check_refused(bad, size, id, LC_ERR_FORMAT, "type letter");
	memcpy(bad, data, size);
	bad[flags + 2] = 0x80;
	check_refused(bad, size, id, LC_ERR_FORMAT, "unknown flag");
	memcpy(bad, data, size);
	bad[names + 1] = '\x01';
	check_refused(bad, size, id, LC_ERR_FORMAT, "control character in a name");
	memcpy(bad, data, size);
	bad[size - 1] = 'x';
	check_refused(bad, size, id, LC_ERR_FORMAT, "unterminated last name");
	memcpy(bad, data, size);
	bad[names + 2] = '\0'; /* splits "_stext": one name too many */
	check_refused(bad, size, id, LC_ERR_FORMAT, "extra name");
	/* Every truncation is refused, none crashes. */
	for (size_t n = 0; n < size; n++)
		check_refused(data, n, id, LC_ERR_FORMAT, "truncation");
	free(bad);

	/* Through a file: written compressed, read back; absent and damaged files refused. */
	char dir[] = "/tmp/lockcore-test-symcache-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	setenv("LOCKCORE_CACHE_DIR", dir, 1);
	lc_symbols_init(&syms);
	CHECK_ERR(lc_symbol_cache_load(id, kaslr, &syms), LC_ERR_LOOKUP, "no cached symbols");
	CHECK_ERR(lc_symbol_cache_load("../x", kaslr, &syms), LC_ERR_INVALID, "not a build-id");
	size_t disk = 0;
	CHECK_OK(lc_symbol_cache_store(id, entries, LC_ARRAY_SIZE(entries), &disk));
	CHECK(disk > 0 && disk < size);
	CHECK_OK(lc_symbol_cache_load(id, kaslr, &syms));
	check_table(&syms);
	lc_symbols_deinit(&syms);

	char *path = NULL;
	CHECK_OK(lc_cache_path(id, ".syms", &path));
	void *packed = NULL;
	size_t packed_size = 0;
	FILE *f = fopen(path, "rb");
	if (f) {
		packed = malloc(disk);
		if (packed)
			packed_size = fread(packed, 1, disk, f);
		fclose(f);
	}
	CHECK(packed && packed_size == disk && memcmp(packed, "\x28\xb5\x2f\xfd", 4) == 0);
	/* A flipped byte inside the zstd frame: its checksum (or the decoder) says so. */
	if (packed && packed_size > 20) {
		((uint8_t *)packed)[packed_size / 2] ^= 0x55;
		f = fopen(path, "wb");
		if (f) {
			fwrite(packed, 1, packed_size, f);
			fclose(f);
		}
		lc_symbols_init(&syms);
		CHECK_ERR(lc_symbol_cache_load(id, kaslr, &syms), LC_ERR_FORMAT, "symbol cache");
		CHECK(syms.count == 0);
		lc_symbols_deinit(&syms);
		/* Truncated frame. */
		f = fopen(path, "wb");
		if (f) {
			fwrite(packed, 1, packed_size / 2, f);
			fclose(f);
		}
		lc_symbols_init(&syms);
		CHECK_ERR(lc_symbol_cache_load(id, kaslr, &syms), LC_ERR_FORMAT, "symbol cache");
		lc_symbols_deinit(&syms);
	}
	/* A plain (uncompressed) file is read too. */
	f = fopen(path, "wb");
	if (f) {
		fwrite(data, 1, size, f);
		fclose(f);
	}
	lc_symbols_init(&syms);
	CHECK_OK(lc_symbol_cache_load(id, kaslr, &syms));
	check_table(&syms);
	lc_symbols_deinit(&syms);

	unlink(path);
	free(path);
	free(packed);
	rmdir(dir);
	free(data);
	CHECK_DONE();
}
