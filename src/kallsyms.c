// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <stdlib.h>

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
	if (!getenv("LOCKCORE_EAGER_KALLSYMS")) {
		struct lc_error *err = lc_kallsyms_load_lazy(prog, &loc, syms);
		if (!err)
			return NULL;
		lc_error_destroy(err);
	}
	return lc_kallsyms_load_at(prog, &loc, syms);
}

/*
 * kallsyms read in place. Decoding 100k+ names to answer a few hundred
 * lookups costs more than the rest of a triage, so when the kernel also
 * emits kallsyms_markers and kallsyms_seqs_of_names (6.1+), names are decoded
 * on demand: by address through the sorted offsets, by name through the
 * name-sorted index, one 256-symbol group of names read at a time.
 */
struct lazy {
	struct lc_program *prog;
	struct lc_kallsyms_tables t; /* names/names_size unused: groups instead */
	uint8_t token_index[512];
	uint8_t *token_table;
	uint8_t *values;
	uint8_t *seqs; /* 3 bytes per symbol, big-endian, in name order */
	uint32_t *markers;
	uint32_t nmarkers;
	uint64_t names_addr;
	uint8_t **groups; /* names of symbols 256*g .. 256*g+255, read on demand */
	size_t *group_size;
	struct lc_symbol **decoded;
	struct lc_symbols arena; /* owns decoded names */
};

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~7ull;
}

static void lazy_destroy(void *p)
{
	struct lazy *lz = p;
	if (!lz)
		return;
	for (uint32_t g = 0; g < lz->nmarkers; g++)
		free(lz->groups[g]);
	if (lz->decoded) {
		for (uint32_t i = 0; i < lz->t.num_syms; i++)
			free(lz->decoded[i]);
	}
	free(lz->groups);
	free(lz->group_size);
	free(lz->decoded);
	free(lz->token_table);
	free(lz->values);
	free(lz->seqs);
	free(lz->markers);
	lc_symbols_deinit(&lz->arena);
	free(lz);
}

static const uint8_t *lazy_group(struct lazy *lz, uint32_t g, size_t *size)
{
	if (lz->groups[g]) {
		*size = lz->group_size[g];
		return lz->groups[g];
	}
	uint32_t count = lz->t.num_syms - g * 256 < 256 ? lz->t.num_syms - g * 256 : 256;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct lc_error *err =
		read_names(lz->prog, lz->names_addr + lz->markers[g], count, &buf, &len);
	if (err) {
		lc_error_destroy(err);
		return NULL;
	}
	lz->groups[g] = buf;
	lz->group_size[g] = len;
	*size = len;
	return buf;
}

static const struct lc_symbol *lazy_symbol(struct lazy *lz, uint32_t idx)
{
	if (idx >= lz->t.num_syms)
		return NULL;
	if (lz->decoded[idx])
		return lz->decoded[idx];
	size_t size;
	const uint8_t *names = lazy_group(lz, idx >> 8, &size);
	if (!names)
		return NULL;
	struct lc_kallsyms_tables t = lz->t;
	t.names = names;
	t.names_size = size;
	size_t pos = 0, len = 0;
	char name[KSYM_MAX];
	for (uint32_t i = 0; i <= (idx & 0xff); i++) {
		struct lc_error *err = expand_name(&t, &pos, name, &len);
		if (err) {
			lc_error_destroy(err);
			return NULL;
		}
	}
	if (len < 2)
		return NULL;
	struct lc_symbol *sym = calloc(1, sizeof(*sym));
	if (!sym)
		return NULL;
	/* The arena stores the name; its own table is never searched. */
	if (lc_symbols_add(&lz->arena, 0, name + 1, len - 1, name[0], NULL)) {
		free(sym);
		return NULL;
	}
	sym->name = lz->arena.syms[lz->arena.count - 1].name;
	sym->type = name[0];
	sym->address = symbol_value(&lz->t, idx);
	/* Size: up to the next symbol at a higher address, as the eager table does. */
	uint32_t next = idx + 1;
	while (next < lz->t.num_syms && symbol_value(&lz->t, next) == sym->address)
		next++;
	sym->size = lc_symbol_size(
		sym->name, next < lz->t.num_syms ? symbol_value(&lz->t, next) - sym->address : 0);
	lz->decoded[idx] = sym;
	return sym;
}

static bool is_global_type(char type)
{
	return type >= 'A' && type <= 'Z';
}

/* Among symbols idx.. sharing one address, prefer a global name. */
static const struct lc_symbol *lazy_preferred(struct lazy *lz, uint32_t first)
{
	const struct lc_symbol *best = NULL;
	uint64_t addr = symbol_value(&lz->t, first);
	for (uint32_t i = first; i < lz->t.num_syms && symbol_value(&lz->t, i) == addr; i++) {
		const struct lc_symbol *s = lazy_symbol(lz, i);
		if (!s)
			continue;
		if (!best || lc_symbol_preference(s, best) < 0)
			best = s;
	}
	return best;
}

static const struct lc_symbol *lazy_lookup(void *p, uint64_t address)
{
	struct lazy *lz = p;
	uint32_t lo = 0, hi = lz->t.num_syms;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (symbol_value(&lz->t, mid) <= address)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	uint32_t first = lo - 1;
	uint64_t addr = symbol_value(&lz->t, first);
	while (first > 0 && symbol_value(&lz->t, first - 1) == addr)
		first--;
	const struct lc_symbol *s = lazy_preferred(lz, first);
	if (!s || address - s->address >= s->size)
		return NULL;
	return s;
}

static uint32_t lazy_seq(const struct lazy *lz, uint32_t k)
{
	const uint8_t *b = lz->seqs + 3 * (size_t)k;
	return (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
}

static const struct lc_symbol *lazy_find(void *p, const char *name)
{
	struct lazy *lz = p;
	uint32_t lo = 0, hi = lz->t.num_syms;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct lc_symbol *s = lazy_symbol(lz, lazy_seq(lz, mid));
		if (!s)
			return NULL;
		if (strcmp(s->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Equal names sit together in address order: the first global wins. */
	const struct lc_symbol *best = NULL;
	for (uint32_t k = lo; k < lz->t.num_syms; k++) {
		const struct lc_symbol *s = lazy_symbol(lz, lazy_seq(lz, k));
		if (!s || strcmp(s->name, name) != 0)
			break;
		if (!best || (is_global_type(s->type) && !is_global_type(best->type)))
			best = s;
	}
	return best;
}

static const struct lc_symbols_lazy_ops lazy_ops = {
	.find = lazy_find,
	.lookup = lazy_lookup,
	.destroy = lazy_destroy,
};

static bool markers_valid(const uint32_t *m, uint32_t n, uint32_t num_syms)
{
	if (n == 0 || m[0] != 0)
		return false;
	for (uint32_t i = 1; i < n; i++) {
		/* 256 names take at least 512 bytes and at most 256 * 514. */
		if (m[i] < m[i - 1] + 512 || m[i] - m[i - 1] > 256u * 514)
			return false;
	}
	return num_syms <= n * 256 && num_syms > (n - 1) * 256;
}

static struct lc_error *read_markers(struct lc_program *prog, uint64_t addr, uint32_t n,
				     uint32_t num_syms, uint32_t **ret)
{
	uint32_t *m = malloc((size_t)n * sizeof(*m));
	uint8_t *raw = malloc((size_t)n * 4);
	struct lc_error *err = !m || !raw ? lc_error_nomem : lc_read(prog, addr, raw, (size_t)n * 4);
	if (!err) {
		for (uint32_t i = 0; i < n; i++)
			m[i] = (uint32_t)lc_load_uint(raw + 4 * i, 4, prog->big_endian);
		if (!markers_valid(m, n, num_syms))
			err = lc_error_create(LC_ERR_BAD_DATA, "no kallsyms markers at 0x%" PRIx64,
					      addr);
	}
	free(raw);
	if (err) {
		free(m);
		return err;
	}
	*ret = m;
	return NULL;
}

struct lc_error *lc_kallsyms_load_lazy(struct lc_program *prog,
				       const struct lc_kallsyms_location *loc,
				       struct lc_symbols *syms)
{
	if (!loc->relative)
		return lc_error_create(LC_ERR_UNSUPPORTED, "lazy kallsyms needs relative offsets");
	struct lazy *lz = calloc(1, sizeof(*lz));
	if (!lz)
		return lc_error_nomem;
	lz->prog = prog;
	lz->names_addr = loc->names;
	lc_symbols_init(&lz->arena);
	lz->t = (struct lc_kallsyms_tables){
		.big_endian = prog->big_endian,
		.ptr_size = prog->ptr_size,
		.absolute_percpu = prog->arch->kallsyms_absolute_percpu,
		.relative = true,
		.token_index = lz->token_index,
	};
	uint32_t n;
	struct lc_error *err = lc_read_u32(prog, loc->num_syms, &n);
	if (!err && (n == 0 || n > MAX_SYMS))
		err = lc_error_create(LC_ERR_BAD_DATA, "kallsyms_num_syms %u is implausible", n);
	if (!err)
		err = lc_read_ulong(prog, loc->relative_base, &lz->t.relative_base);
	if (!err)
		err = lc_read(prog, loc->token_index, lz->token_index, sizeof(lz->token_index));
	if (err)
		goto fail;
	lz->t.num_syms = n;
	size_t last = 0;
	for (unsigned i = 0; i < 256; i++) {
		size_t off = (size_t)lc_load_uint(lz->token_index + 2 * i, 2, lz->t.big_endian);
		if (off > last)
			last = off;
	}
	lz->t.token_table_size = last + 256;
	lz->token_table = malloc(lz->t.token_table_size);
	lz->values = malloc((size_t)n * 4);
	lz->seqs = malloc((size_t)n * 3);
	uint32_t m = (n + 255) / 256;
	lz->nmarkers = m;
	lz->groups = calloc(m, sizeof(*lz->groups));
	lz->group_size = calloc(m, sizeof(*lz->group_size));
	lz->decoded = calloc(n, sizeof(*lz->decoded));
	if (!lz->token_table || !lz->values || !lz->seqs || !lz->groups || !lz->group_size ||
	    !lz->decoded) {
		err = lc_error_nomem;
		goto fail;
	}
	lz->t.token_table = lz->token_table;
	if ((err = lc_read(prog, loc->token_table, lz->token_table, lz->t.token_table_size)) ||
	    (err = lc_read(prog, loc->values, lz->values, (size_t)n * 4)))
		goto fail;
	lz->t.values = lz->values;
	/* Offsets are in address order; binary search relies on it. */
	for (uint32_t i = 1; i < n; i++) {
		if (symbol_value(&lz->t, i) < symbol_value(&lz->t, i - 1)) {
			err = lc_error_create(LC_ERR_UNSUPPORTED, "kallsyms addresses are not sorted");
			goto fail;
		}
	}
	/*
	 * Where the markers and the name index lie changed with the table order:
	 * 6.1 puts kallsyms_seqs_of_names between the markers and the token
	 * table; 6.12 emits the offsets, relative base and then the name index
	 * after the token index. Try both and keep what validates.
	 */
	uint64_t seqs_61 = loc->token_table - align8(3ull * n);
	uint64_t markers_61 = seqs_61 - align8(4ull * m);
	uint64_t markers_612 = loc->token_table - align8(4ull * m);
	uint64_t seqs_612 = align8(loc->relative_base + 8);
	uint64_t seqs = 0;
	struct lc_error *e1 = read_markers(prog, markers_61, m, n, &lz->markers);
	if (!e1) {
		seqs = seqs_61;
	} else {
		struct lc_error *e2 = read_markers(prog, markers_612, m, n, &lz->markers);
		if (!e2)
			seqs = seqs_612;
		lc_error_destroy(e2);
	}
	lc_error_destroy(e1);
	if (!seqs) {
		err = lc_error_create(LC_ERR_UNSUPPORTED, "kallsyms markers not found");
		goto fail;
	}
	if ((err = lc_read(prog, seqs, lz->seqs, (size_t)n * 3)))
		goto fail;
	for (uint32_t k = 0; k < n; k++) {
		if (lazy_seq(lz, k) >= n) {
			err = lc_error_create(LC_ERR_UNSUPPORTED, "no kallsyms name index");
			goto fail;
		}
	}
	lc_symbols_deinit(syms);
	syms->lazy_ops = &lazy_ops;
	syms->lazy = lz;
	/* A wrong guess of layout would show here: the two ends must decode in order. */
	const struct lc_symbol *a = lazy_symbol(lz, lazy_seq(lz, 0));
	const struct lc_symbol *b = lazy_symbol(lz, lazy_seq(lz, n - 1));
	if (!a || !b || strcmp(a->name, b->name) > 0) {
		syms->lazy_ops = NULL;
		syms->lazy = NULL;
		err = lc_error_create(LC_ERR_UNSUPPORTED, "kallsyms name index does not decode");
		goto fail;
	}
	return NULL;
fail:
	lazy_destroy(lz);
	return err;
}
