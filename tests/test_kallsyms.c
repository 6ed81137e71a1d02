// SPDX-License-Identifier: LGPL-2.1-or-later
/* kallsyms decoding on synthetic tables in both byte orders and both value encodings. */
#include <stdlib.h>

#include "check.h"
#include "kallsyms.h"

struct tables {
	uint8_t token_table[4096];
	uint8_t token_index[512];
	uint8_t names[4096];
	uint8_t values[64];
	size_t names_size, token_size;
};

static void build(struct tables *t, bool big_endian, bool relative)
{
	memset(t, 0, sizeof(*t));
	size_t pos = 0;
	/* Token i expands to the character i, except two multi-character tokens. */
	for (unsigned i = 0; i < 256; i++) {
		lc_store_uint(t->token_index + 2 * i, 2, big_endian, pos);
		const char *s = i == 200 ? "func" : i == 201 ? "Tlc_" : NULL;
		if (s) {
			memcpy(t->token_table + pos, s, strlen(s) + 1);
			pos += strlen(s) + 1;
		} else {
			t->token_table[pos++] = (uint8_t)(i ? i : '?');
			t->token_table[pos++] = 0;
		}
	}
	t->token_size = pos;
	size_t n = 0;
	/* "Tlc_func": two tokens. */
	t->names[n++] = 2;
	t->names[n++] = 201;
	t->names[n++] = 200;
	/* "dpercpu_var" spelled out char by char. */
	const char *pv = "dpercpu_var";
	t->names[n++] = (uint8_t)strlen(pv);
	for (const char *c = pv; *c; c++)
		t->names[n++] = (uint8_t)*c;
	/* A 130-token "big" name: two-byte length (0x80 | low 7 bits, then the rest). */
	t->names[n++] = 0x80 | (130 & 0x7f);
	t->names[n++] = 130 >> 7;
	t->names[n++] = 't';
	for (int i = 1; i < 130; i++)
		t->names[n++] = 'x';
	t->names_size = n;
	if (relative) {
		/* absolute-percpu encoding: >= 0 absolute, < 0 relative to base - 1 */
		lc_store_uint(t->values + 0, 4, big_endian, (uint32_t)-(0x1000 + 1));
		lc_store_uint(t->values + 4, 4, big_endian, 0x2a0);
		lc_store_uint(t->values + 8, 4, big_endian, (uint32_t)-(0x2000 + 1));
	} else {
		lc_store_uint(t->values + 0, 8, big_endian, 0xc000000000001000ull);
		lc_store_uint(t->values + 8, 8, big_endian, 0xc0000000000002a0ull);
		lc_store_uint(t->values + 16, 8, big_endian, 0xc000000000002000ull);
	}
}

static void run(bool big_endian, bool relative)
{
	struct tables t;
	build(&t, big_endian, relative);
	struct lc_kallsyms_tables kt = {
		.names = t.names,
		.names_size = t.names_size,
		.token_table = t.token_table,
		.token_table_size = t.token_size,
		.token_index = t.token_index,
		.values = t.values,
		.num_syms = 3,
		.relative_base = 0xffffffff81000000ull,
		.relative = relative,
		.absolute_percpu = relative,
		.big_endian = big_endian,
		.ptr_size = 8,
	};
	struct lc_symbols syms;
	lc_symbols_init(&syms);
	CHECK_OK(lc_kallsyms_decode(&kt, &syms));
	CHECK_OK(lc_symbols_finalize(&syms));
	const struct lc_symbol *s = lc_symbols_find(&syms, "lc_func");
	CHECK(s && s->type == 'T');
	if (s)
		CHECK_EQ_U64(s->address, relative ? 0xffffffff81001000ull : 0xc000000000001000ull);
	s = lc_symbols_find(&syms, "percpu_var");
	CHECK(s && s->type == 'd');
	if (s)
		CHECK_EQ_U64(s->address, relative ? 0x2a0 : 0xc0000000000002a0ull);
	char big[131];
	memset(big, 'x', 129);
	big[129] = '\0';
	s = lc_symbols_find(&syms, big);
	CHECK(s && s->type == 't');
	lc_symbols_deinit(&syms);

	/* Corruptions: a name running past the table, a bad token offset, absurd counts. */
	lc_symbols_init(&syms);
	kt.names_size = 10;
	CHECK_ERR(lc_kallsyms_decode(&kt, &syms), LC_ERR_BAD_DATA, "runs past the table");
	kt.names_size = t.names_size;
	lc_store_uint(t.token_index + 2 * 201, 2, big_endian, 9000);
	CHECK_ERR(lc_kallsyms_decode(&kt, &syms), LC_ERR_BAD_DATA, "past the token table");
	kt.num_syms = 0;
	CHECK_ERR(lc_kallsyms_decode(&kt, &syms), LC_ERR_BAD_DATA, "implausible");
	kt.num_syms = 100; /* more symbols than names */
	lc_store_uint(t.token_index + 2 * 201, 2, big_endian, 0);
	CHECK_ERR(lc_kallsyms_decode(&kt, &syms), LC_ERR_BAD_DATA, "end early");
	lc_symbols_deinit(&syms);
}

int main(void)
{
	run(false, true);
	run(true, true);
	run(false, false);
	run(true, false);
	CHECK_DONE();
}
