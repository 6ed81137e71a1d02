// SPDX-License-Identifier: LGPL-2.1-or-later
#include <inttypes.h>

#include "read.h"

/*
 * Retry a failed read page by page through the architecture's own page-table
 * walk. *translated says the walk found every page, so that a failure is the
 * physical read's (the page is not in the dump): a truer message than the
 * failed translation's where libkdumpfile cannot translate at all.
 */
static struct lc_error *read_via_arch(struct lc_program *prog, uint64_t addr, void *buf,
				      size_t len, bool *translated)
{
	uint64_t ps = prog->desc->page_size;
	size_t done = 0;
	*translated = false;
	while (done < len) {
		uint64_t va = addr + done, phys;
		size_t n = (size_t)(ps - (va & (ps - 1)));
		if (n > len - done)
			n = len - done;
		struct lc_error *err = prog->arch->translate(prog, va, &phys);
		if (err)
			return err;
		err = lc_dump_read(prog->dump, LC_PHYSADDR, phys, (char *)buf + done, n);
		if (err) {
			*translated = true;
			return err;
		}
		done += n;
	}
	return NULL;
}

struct lc_error *lc_read(struct lc_program *prog, uint64_t addr, void *buf, size_t len)
{
	struct lc_error *err = lc_dump_read(prog->dump, LC_KVADDR, addr, buf, len);
	if (err && lc_error_code(err) == LC_ERR_FAULT && prog->arch->translate &&
	    !prog->in_arch_translate) {
		prog->in_arch_translate = true;
		bool translated;
		struct lc_error *retry = read_via_arch(prog, addr, buf, len, &translated);
		prog->in_arch_translate = false;
		if (!retry || translated) {
			lc_error_destroy(err);
			return retry ? lc_error_prefix(retry, "address 0x%" PRIx64, addr) : NULL;
		}
		lc_error_destroy(retry);
	}
	return err;
}

uint64_t lc_decode_uint(const struct lc_program *prog, const void *p, size_t size)
{
	return lc_load_uint(p, size, prog->big_endian);
}

struct lc_error *lc_read_uint(struct lc_program *prog, uint64_t addr, size_t size, uint64_t *ret)
{
	uint8_t buf[8];
	if (size == 0 || size > sizeof(buf))
		return lc_error_create(LC_ERR_INVALID, "cannot read a %zu-byte integer", size);
	struct lc_error *err = lc_read(prog, addr, buf, size);
	if (err)
		return err;
	*ret = lc_decode_uint(prog, buf, size);
	return NULL;
}

struct lc_error *lc_read_u32(struct lc_program *prog, uint64_t addr, uint32_t *ret)
{
	uint64_t v;
	struct lc_error *err = lc_read_uint(prog, addr, 4, &v);
	if (!err)
		*ret = (uint32_t)v;
	return err;
}

struct lc_error *lc_read_u64(struct lc_program *prog, uint64_t addr, uint64_t *ret)
{
	return lc_read_uint(prog, addr, 8, ret);
}

struct lc_error *lc_read_ulong(struct lc_program *prog, uint64_t addr, uint64_t *ret)
{
	return lc_read_uint(prog, addr, prog->ptr_size, ret);
}

struct lc_error *lc_read_cstr(struct lc_program *prog, uint64_t addr, char *buf, size_t size)
{
	if (size == 0)
		return NULL;
	/* Read up to a page boundary at a time: the string may end before an unreadable page. */
	size_t done = 0;
	while (done + 1 < size) {
		uint64_t a = addr + done;
		size_t chunk = 4096 - (a & 4095);
		if (chunk > size - 1 - done)
			chunk = size - 1 - done;
		struct lc_error *err = lc_read(prog, a, buf + done, chunk);
		if (err) {
			buf[done] = '\0';
			return err;
		}
		void *nul = memchr(buf + done, '\0', chunk);
		if (nul)
			return NULL;
		done += chunk;
	}
	buf[size - 1] = '\0';
	return NULL;
}

struct lc_error *lc_member_address(struct lc_program *prog, uint64_t addr, const char *type_spec,
				   const char *path, uint64_t *ret)
{
	struct lc_types *types;
	struct lc_error *err = lc_program_types(prog, &types);
	if (err)
		return err;
	uint64_t off;
	err = lc_types_offsetof(types, type_spec, path, &off);
	if (err)
		return err;
	*ret = addr + off;
	return NULL;
}

struct lc_error *lc_read_member(struct lc_program *prog, uint64_t addr, const char *type_spec,
				const char *path, uint64_t *ret)
{
	struct lc_types *types;
	struct lc_error *err = lc_program_types(prog, &types);
	if (err)
		return err;
	struct lc_member_info mi;
	err = lc_types_member_info(types, type_spec, path, &mi);
	if (err)
		return err;
	const struct lc_type *t = lc_type_unqualified(mi.type);
	uint64_t size = t->kind == LC_TYPE_POINTER ? prog->ptr_size : t->size;
	if (t->kind == LC_TYPE_STRUCT || t->kind == LC_TYPE_UNION) {
		/* atomic_t and friends: read their single integer member. */
		if (t->nmembers >= 1 && t->members[0].bit_offset == 0 && size <= 8) {
			t = lc_type_unqualified(t->members[0].type);
		} else {
			return lc_error_create(LC_ERR_INVALID, "'%s.%s' is not an integer",
					       type_spec, path);
		}
	}
	if (mi.bit_size == 0) {
		if (size == 0 || size > 8)
			return lc_error_create(LC_ERR_INVALID, "'%s.%s' has size %" PRIu64
					       ", not an integer",
					       type_spec, path, size);
		uint64_t v;
		err = lc_read_uint(prog, addr + mi.bit_offset / 8, size, &v);
		if (err)
			return lc_error_prefix(err, "reading %s.%s", type_spec, path);
		if (t->is_signed && size < 8 && (v >> (size * 8 - 1)) & 1)
			v |= ~0ull << (size * 8);
		*ret = v;
		return NULL;
	}
	/* Bit field: read the bytes covering it, then shift by the dump's bit order. */
	uint64_t first = mi.bit_offset / 8;
	uint64_t last = (mi.bit_offset + mi.bit_size - 1) / 8;
	size_t n = (size_t)(last - first + 1);
	if (n > 8)
		return lc_error_create(LC_ERR_UNSUPPORTED, "bit field '%s.%s' spans %zu bytes",
				       type_spec, path, n);
	uint8_t buf[8];
	err = lc_read(prog, addr + first, buf, n);
	if (err)
		return lc_error_prefix(err, "reading %s.%s", type_spec, path);
	uint64_t raw = lc_decode_uint(prog, buf, n);
	unsigned shift = prog->big_endian
				 ? (unsigned)(n * 8 - (mi.bit_offset % 8) - mi.bit_size)
				 : (unsigned)(mi.bit_offset % 8);
	uint64_t v = raw >> shift;
	if (mi.bit_size < 64)
		v &= (1ull << mi.bit_size) - 1;
	*ret = v;
	return NULL;
}

struct lc_error *lc_symbol_address(struct lc_program *prog, const char *name, uint64_t *ret)
{
	const struct lc_symbol *s = lc_symbols_find(&prog->symbols, name);
	if (!s)
		return lc_error_create(LC_ERR_LOOKUP, "symbol '%s' not found", name);
	*ret = s->address;
	return NULL;
}
