// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-build-id symbol cache: see symbol_cache.h for why and the format.
 * Files go through type_cache.c's helpers, so they share its directory,
 * atomic writes and zstd framing.
 */
#include <ctype.h>
#include <stdio.h>

#include "symbol_cache.h"
#include "type_cache.h"
#include "vmlinux.h"

static const char magic[8] = "lcsyms\n";
enum { HEADER_SIZE = 24 };

/* Inflated tables above this are refused; a distribution vmlinux needs ~10 MiB. */
#define MAX_TABLE_SIZE (256u << 20)

/* Names as kallsyms would print them: printable, no spaces, bounded. */
static bool name_ok(const char *name, size_t len)
{
	if (len == 0 || len > LC_SYMBOL_CACHE_MAX_NAME)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= ' ' || c >= 0x7f)
			return false;
	}
	return true;
}

/* nm letters, plus '?' for a section nm could not classify. */
static bool type_ok(unsigned char c)
{
	return isalpha(c) || c == '?';
}

static int cmp_entry(const void *a, const void *b)
{
	const struct lc_symbol_cache_entry *x = *(const struct lc_symbol_cache_entry *const *)a;
	const struct lc_symbol_cache_entry *y = *(const struct lc_symbol_cache_entry *const *)b;
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	if (x->type != y->type)
		return (unsigned char)x->type < (unsigned char)y->type ? -1 : 1;
	return (int)x->fixed - (int)y->fixed;
}

struct lc_error *lc_symbol_cache_encode(const char *build_id,
					const struct lc_symbol_cache_entry *entries, size_t count,
					void **ret, size_t *ret_size)
{
	if (!lc_build_id_valid(build_id))
		return lc_error_create(LC_ERR_INVALID, "'%.140s' is not a build-id", build_id);
	if (count > LC_SYMBOL_CACHE_MAX_SYMS)
		return lc_error_create(LC_ERR_INVALID, "%zu symbols are too many for the cache",
				       count);
	/* Sorted pointers: a deterministic file whatever the symtab order. */
	lc_autofree const struct lc_symbol_cache_entry **order =
		malloc((count ? count : 1) * sizeof(*order));
	if (!order)
		return lc_error_nomem;
	size_t n = 0, names_size = 0;
	for (size_t i = 0; i < count; i++) {
		size_t len = strnlen(entries[i].name, LC_SYMBOL_CACHE_MAX_NAME + 1);
		if (!name_ok(entries[i].name, len) || !type_ok((unsigned char)entries[i].type))
			continue;
		/*
		 * Absolute symbols are sizes and offsets (arm64's PE/COFF header
		 * fields), or aliases the linker made absolute (arm64's
		 * __efistub__end): kallsyms leaves them out, and so do we, since
		 * unmoved they would cover the module area below the kernel.
		 */
		if (entries[i].type == 'a' || entries[i].type == 'A')
			continue;
		order[n++] = &entries[i];
		names_size += len + 1;
	}
	qsort(order, n, sizeof(*order), cmp_entry);

	size_t id_len = strlen(build_id);
	size_t size = HEADER_SIZE + id_len + n * 10 + names_size;
	uint8_t *out = malloc(size);
	if (!out)
		return lc_error_nomem;
	memcpy(out, magic, sizeof(magic));
	lc_store_uint(out + 8, 4, false, LC_SYMBOL_CACHE_VERSION);
	lc_store_uint(out + 12, 4, false, n);
	lc_store_uint(out + 16, 4, false, names_size);
	lc_store_uint(out + 20, 2, false, id_len);
	lc_store_uint(out + 22, 2, false, 0);
	uint8_t *p = out + HEADER_SIZE;
	for (size_t i = 0; i < id_len; i++)
		*p++ = (uint8_t)tolower((unsigned char)build_id[i]);
	uint8_t *deltas = p, *types = p + n * 8, *flags = types + n;
	char *names = (char *)(flags + n);
	uint64_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		lc_store_uint(deltas + i * 8, 8, false, order[i]->address - prev);
		prev = order[i]->address;
		types[i] = (uint8_t)order[i]->type;
		flags[i] = order[i]->fixed ? 1 : 0;
		size_t len = strlen(order[i]->name);
		memcpy(names, order[i]->name, len + 1);
		names += len + 1;
	}
	*ret = out;
	*ret_size = size;
	return NULL;
}

/* Checks every field, then (only if all is well) adds the symbols. */
struct lc_error *lc_symbol_cache_decode(const void *data, size_t size, const char *build_id,
					uint64_t offset, struct lc_symbols *syms)
{
	const uint8_t *d = data;
	if (size < HEADER_SIZE || memcmp(d, magic, sizeof(magic)) != 0)
		return lc_error_create(LC_ERR_FORMAT, "not a lockcore symbol cache");
	uint32_t version = (uint32_t)lc_load_uint(d + 8, 4, false);
	if (version != LC_SYMBOL_CACHE_VERSION)
		return lc_error_create(LC_ERR_UNSUPPORTED,
				       "symbol cache version %" PRIu32 " (this lockcore reads %d)",
				       version, LC_SYMBOL_CACHE_VERSION);
	uint32_t count = (uint32_t)lc_load_uint(d + 12, 4, false);
	uint32_t names_size = (uint32_t)lc_load_uint(d + 16, 4, false);
	size_t id_len = (size_t)lc_load_uint(d + 20, 2, false);
	if (count > LC_SYMBOL_CACHE_MAX_SYMS || lc_load_uint(d + 22, 2, false) != 0 || id_len < 8 ||
	    id_len > 128)
		return lc_error_create(LC_ERR_FORMAT, "symbol cache header is corrupt");
	/* 64-bit arithmetic: the bounds above keep it far from overflow. */
	uint64_t want = (uint64_t)HEADER_SIZE + id_len + (uint64_t)count * 10 + names_size;
	if (want != size)
		return lc_error_create(LC_ERR_FORMAT,
				       "symbol cache is %zu bytes, its header says %" PRIu64, size,
				       want);
	char id[129];
	memcpy(id, d + HEADER_SIZE, id_len);
	id[id_len] = '\0';
	if (!lc_build_id_valid(id))
		return lc_error_create(LC_ERR_FORMAT, "symbol cache build-id is corrupt");
	if (strcasecmp(id, build_id) != 0)
		return lc_error_create(LC_ERR_MISMATCH,
				       "symbol cache is for build-id %s, the kernel is %s", id,
				       build_id);
	const uint8_t *deltas = d + HEADER_SIZE + id_len;
	const uint8_t *types = deltas + (size_t)count * 8, *flags = types + count;
	const char *names = (const char *)(flags + count);

	/* Pass 1: validate, so that a bad file adds nothing. */
	uint64_t addr = 0;
	size_t pos = 0;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t delta = lc_load_uint(deltas + (size_t)i * 8, 8, false);
		if (delta > UINT64_MAX - addr)
			return lc_error_create(LC_ERR_FORMAT,
					       "symbol cache address %" PRIu32 " overflows", i);
		addr += delta;
		if (!type_ok(types[i]) || (flags[i] & ~1u))
			return lc_error_create(LC_ERR_FORMAT,
					       "symbol cache entry %" PRIu32 " is corrupt", i);
		size_t left = names_size - pos;
		size_t len = strnlen(names + pos, left);
		if (len == left || !name_ok(names + pos, len))
			return lc_error_create(LC_ERR_FORMAT,
					       "symbol cache name %" PRIu32 " is corrupt", i);
		pos += len + 1;
	}
	if (pos != names_size)
		return lc_error_create(LC_ERR_FORMAT, "symbol cache has %zu stray name bytes",
				       names_size - pos);

	/* Pass 2: add. */
	addr = 0;
	pos = 0;
	for (uint32_t i = 0; i < count; i++) {
		addr += lc_load_uint(deltas + (size_t)i * 8, 8, false);
		size_t len = strlen(names + pos);
		struct lc_error *err = lc_symbols_add(syms, addr + ((flags[i] & 1) ? 0 : offset),
						      names + pos, len, (char)types[i], NULL);
		if (err)
			return err;
		pos += len + 1;
	}
	return NULL;
}

struct lc_error *lc_symbol_cache_store(const char *build_id,
				       const struct lc_symbol_cache_entry *entries, size_t count,
				       size_t *size_ret)
{
	lc_autofree char *path = NULL;
	struct lc_error *err = lc_cache_path(build_id, ".syms", &path);
	if (err)
		return err;
	lc_autofree void *data = NULL;
	size_t size = 0;
	err = lc_symbol_cache_encode(build_id, entries, count, &data, &size);
	if (!err)
		err = lc_cache_write(path, data, size, size_ret);
	return lc_error_prefix(err, "symbol cache");
}

struct lc_error *lc_symbol_cache_store_vmlinux(const char *build_id, const struct lc_vmlinux *vm,
					       size_t *size_ret)
{
	/*
	 * Which symbols KASLR moves is decided by vmlinux.c (absolute symbols
	 * and x86_64's zero-based per-CPU section stay put): load the table at
	 * two offsets and see which addresses followed. Both loads walk the
	 * symtab in the same order, and neither is finalized (which would sort).
	 */
	enum { PROBE_OFFSET = 0x200000 };
	struct lc_symbols at0, moved;
	lc_symbols_init(&at0);
	lc_symbols_init(&moved);
	lc_autofree struct lc_symbol_cache_entry *entries = NULL;
	struct lc_error *err = lc_vmlinux_load_symbols(vm, 0, &at0);
	if (!err)
		err = lc_vmlinux_load_symbols(vm, PROBE_OFFSET, &moved);
	if (!err && at0.count != moved.count)
		err = lc_error_create(LC_ERR_BAD_DATA, "symbol table of '%s' changed while read",
				      lc_vmlinux_path(vm));
	if (!err) {
		entries = malloc((at0.count ? at0.count : 1) * sizeof(*entries));
		if (!entries)
			err = lc_error_nomem;
	}
	for (size_t i = 0; !err && i < at0.count; i++) {
		const struct lc_symbol *s = &at0.syms[i];
		entries[i] = (struct lc_symbol_cache_entry){
			.address = s->address,
			.name = s->name,
			.type = s->type,
			.fixed = moved.syms[i].address == s->address,
		};
	}
	if (!err)
		err = lc_symbol_cache_store(build_id, entries, at0.count, size_ret);
	lc_symbols_deinit(&at0);
	lc_symbols_deinit(&moved);
	return err;
}

struct lc_error *lc_symbol_cache_load(const char *build_id, uint64_t offset,
				      struct lc_symbols *syms)
{
	lc_autofree char *path = NULL;
	struct lc_error *err = lc_cache_path(build_id, ".syms", &path);
	if (err)
		return err;
	lc_autofree void *data = NULL;
	size_t size = 0;
	err = lc_cache_read(path, MAX_TABLE_SIZE, &data, &size);
	if (err && lc_error_code(err) == LC_ERR_LOOKUP) {
		lc_error_destroy(err);
		return lc_error_create(LC_ERR_LOOKUP, "no cached symbols for build-id %s",
				       build_id);
	}
	if (!err)
		err = lc_symbol_cache_decode(data, size, build_id, offset, syms);
	return lc_error_prefix(err, "symbol cache '%s'", path);
}
