// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>

#include "kallsyms.h"
#include "read.h"

enum { MAX_SYMS = 4 * 1024 * 1024, MAX_TABLE = 64 * 1024 * 1024, KSYM_MAX = 512 };

/* Expand one compressed name: the length prefix is one byte, or two if the first has bit 7
 * set ("big" symbols, 6.1+; older kernels never set that bit since names were < 128). */
static struct lc_error *expand_name(const struct lc_kallsyms_tables *t, size_t *pos,
				    char *out, size_t *out_len)
{
	size_t p = *pos;
	if (p >= t->names_size)
		return lc_error_create(LC_ERR_BAD_DATA, "kallsyms names end early at byte %zu", p);
	size_t len = t->names[p++];
	if (len & 0x80) {
		if (p >= t->names_size)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "kallsyms names end early at byte %zu", p);
		len = (len & 0x7f) | ((size_t)t->names[p++] << 7);
	}
	if (len > t->names_size - p)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "kallsyms name at byte %zu runs past the table", *pos);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned tok = t->names[p + i];
		size_t off = (size_t)lc_load_uint(t->token_index + 2 * tok, 2, t->big_endian);
		if (off >= t->token_table_size)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "kallsyms token %u offset %zu past the token table",
					       tok, off);
		for (size_t k = off; k < t->token_table_size && t->token_table[k]; k++) {
			if (n + 1 >= KSYM_MAX)
				return lc_error_create(LC_ERR_BAD_DATA,
						       "kallsyms name at byte %zu is too long",
						       *pos);
			out[n++] = (char)t->token_table[k];
		}
	}
	out[n] = '\0';
	*out_len = n;
	*pos = p + len;
	return NULL;
}

static uint64_t symbol_value(const struct lc_kallsyms_tables *t, uint32_t i)
{
	if (!t->relative)
		return lc_load_uint(t->values + (size_t)i * t->ptr_size, t->ptr_size, t->big_endian);
	int32_t off = (int32_t)lc_load_uint(t->values + (size_t)i * 4, 4, t->big_endian);
	if (!t->absolute_percpu)
		return t->relative_base + (uint32_t)off;
	if (off >= 0)
		return (uint64_t)off;
	return t->relative_base - 1 - (int64_t)off;
}

struct lc_error *lc_kallsyms_decode(const struct lc_kallsyms_tables *t, struct lc_symbols *syms)
{
	if (t->num_syms == 0 || t->num_syms > MAX_SYMS)
		return lc_error_create(LC_ERR_BAD_DATA, "kallsyms_num_syms %u is implausible",
				       t->num_syms);
	size_t pos = 0;
	char name[KSYM_MAX];
	for (uint32_t i = 0; i < t->num_syms; i++) {
		size_t len = 0;
		struct lc_error *err = expand_name(t, &pos, name, &len);
		if (err)
			return lc_error_prefix(err, "kallsyms symbol %u", i);
		if (len < 2)
			continue; /* a type character and nothing else: skip, keep going */
		err = lc_symbols_add(syms, symbol_value(t, i), name + 1, len - 1, name[0], NULL);
		if (err)
			return err;
	}
	return NULL;
}

/* Read until the names of all symbols are covered; the table's size is not published. */
static struct lc_error *read_names(struct lc_program *prog, uint64_t addr, uint32_t num_syms,
				   uint8_t **ret, size_t *ret_size)
{
	uint8_t *buf = NULL;
	size_t have = 0, cap = 0, pos = 0;
	const size_t chunk = 64 * 1024;
	for (uint32_t i = 0; i < num_syms;) {
		if (pos + 2 > have) {
			if (have >= MAX_TABLE) {
				free(buf);
				return lc_error_create(LC_ERR_BAD_DATA,
						       "kallsyms names exceed %d bytes", MAX_TABLE);
			}
			if (!lc_grow((void **)&buf, &cap, have + chunk, 1)) {
				free(buf);
				return lc_error_nomem;
			}
			/* Stay within a page per read so a hole past the table doesn't fail it. */
			size_t n = chunk - ((addr + have) & 4095);
			struct lc_error *err = lc_read(prog, addr + have, buf + have, n);
			if (err) {
				free(buf);
				return lc_error_prefix(err, "reading kallsyms_names");
			}
			have += n;
			continue;
		}
		size_t len = buf[pos];
		size_t hdr = 1;
		if (len & 0x80) {
			len = (len & 0x7f) | ((size_t)buf[pos + 1] << 7);
			hdr = 2;
		}
		if (pos + hdr + len > have) {
			/* Force another read by pretending we need two more bytes. */
			size_t need = pos + hdr + len;
			while (have < need) {
				if (!lc_grow((void **)&buf, &cap, have + chunk, 1)) {
					free(buf);
					return lc_error_nomem;
				}
				struct lc_error *err = lc_read(prog, addr + have, buf + have, chunk);
				if (err) {
					free(buf);
					return lc_error_prefix(err, "reading kallsyms_names");
				}
				have += chunk;
			}
		}
		pos += hdr + len;
		i++;
	}
	*ret = buf;
	*ret_size = pos;
	return NULL;
}

struct lc_error *lc_kallsyms_load_at(struct lc_program *prog,
				     const struct lc_kallsyms_location *loc, struct lc_symbols *syms)
{
	struct lc_kallsyms_tables t = {
		.big_endian = prog->big_endian,
		.ptr_size = prog->ptr_size,
		.absolute_percpu = prog->arch->kallsyms_absolute_percpu,
		.relative = loc->relative,
	};
	uint32_t num_syms;
	struct lc_error *err = lc_read_u32(prog, loc->num_syms, &num_syms);
	if (err)
		return lc_error_prefix(err, "reading kallsyms_num_syms");
	if (num_syms == 0 || num_syms > MAX_SYMS)
		return lc_error_create(LC_ERR_BAD_DATA, "kallsyms_num_syms %u is implausible",
				       num_syms);
	t.num_syms = num_syms;
	if (t.relative) {
		err = lc_read_ulong(prog, loc->relative_base, &t.relative_base);
		if (err)
			return lc_error_prefix(err, "reading kallsyms_relative_base");
	}

	uint8_t index[512];
	err = lc_read(prog, loc->token_index, index, sizeof(index));
	if (err)
		return lc_error_prefix(err, "reading kallsyms_token_index");
	t.token_index = index;
	/* The token table ends with the last token's string; 256 tokens are short. */
	size_t last = 0;
	for (unsigned i = 0; i < 256; i++) {
		size_t off = (size_t)lc_load_uint(index + 2 * i, 2, t.big_endian);
		if (off > last)
			last = off;
	}
	size_t token_size = last + 256;
	lc_autofree uint8_t *tokens = malloc(token_size);
	if (!tokens)
		return lc_error_nomem;
	err = lc_read(prog, loc->token_table, tokens, token_size);
	if (err)
		return lc_error_prefix(err, "reading kallsyms_token_table");
	t.token_table = tokens;
	t.token_table_size = token_size;

	size_t value_size = (size_t)num_syms * (t.relative ? 4 : prog->ptr_size);
	lc_autofree uint8_t *vals = malloc(value_size);
	if (!vals)
		return lc_error_nomem;
	err = lc_read(prog, loc->values, vals, value_size);
	if (err)
		return lc_error_prefix(err, "reading kallsyms values");
	t.values = vals;

	lc_autofree uint8_t *name_buf = NULL;
	err = read_names(prog, loc->names, num_syms, &name_buf, &t.names_size);
	if (err)
		return err;
	t.names = name_buf;
	return lc_kallsyms_decode(&t, syms);
}

struct lc_error *lc_kallsyms_load_vmcoreinfo(struct lc_program *prog, struct lc_symbols *syms)
{
	const struct lc_vmcoreinfo *vi = &prog->vmcoreinfo;
	struct lc_kallsyms_location loc = {0};
	if (!prog->has_vmcoreinfo || !lc_vmcoreinfo_symbol(vi, "kallsyms_names", &loc.names) ||
	    !lc_vmcoreinfo_symbol(vi, "kallsyms_num_syms", &loc.num_syms) ||
	    !lc_vmcoreinfo_symbol(vi, "kallsyms_token_table", &loc.token_table) ||
	    !lc_vmcoreinfo_symbol(vi, "kallsyms_token_index", &loc.token_index))
		return lc_error_create(LC_ERR_LOOKUP,
				       "VMCOREINFO does not locate kallsyms (kernel older than 6.0?)");
	if (lc_vmcoreinfo_symbol(vi, "kallsyms_offsets", &loc.values) &&
	    lc_vmcoreinfo_symbol(vi, "kallsyms_relative_base", &loc.relative_base)) {
		loc.relative = true;
	} else if (!lc_vmcoreinfo_symbol(vi, "kallsyms_addresses", &loc.values)) {
		return lc_error_create(LC_ERR_LOOKUP,
				       "VMCOREINFO has neither kallsyms_offsets nor kallsyms_addresses");
	}
	return lc_kallsyms_load_at(prog, &loc, syms);
}
