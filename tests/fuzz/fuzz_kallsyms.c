// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer: kallsyms tables as copied from a dump. The input is split into
 * the token index (512 bytes), values, token table and names; a header byte
 * picks the encoding.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kallsyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4 + 512)
		return 0;
	uint8_t flags = data[0];
	uint16_t nsyms = (uint16_t)(data[1] | data[2] << 8);
	uint8_t token_kb = data[3];
	data += 4;
	size -= 4;
	struct lc_kallsyms_tables t = {
		.token_index = data,
		.num_syms = nsyms % 2048,
		.relative = flags & 1,
		.absolute_percpu = flags & 2,
		.big_endian = flags & 4,
		.ptr_size = 8,
		.relative_base = 0xffffffff81000000ull,
	};
	data += 512;
	size -= 512;
	size_t value_size = (size_t)t.num_syms * (t.relative ? 4 : 8);
	if (size < value_size)
		return 0;
	t.values = data;
	data += value_size;
	size -= value_size;
	size_t tokens = (size_t)token_kb * 16;
	if (tokens > size)
		tokens = size;
	t.token_table = data;
	t.token_table_size = tokens;
	t.names = data + tokens;
	t.names_size = size - tokens;
	struct lc_symbols syms;
	lc_symbols_init(&syms);
	struct lc_error *err = lc_kallsyms_decode(&t, &syms);
	if (!err)
		err = lc_symbols_finalize(&syms);
	lc_error_destroy(err);
	if (syms.count) {
		lc_symbols_lookup(&syms, syms.syms[0].address);
		lc_symbols_find(&syms, syms.syms[0].name);
	}
	lc_symbols_deinit(&syms);
	/* The token-index shape test sees arbitrary bytes too. */
	lc_kallsyms_is_token_index(t.token_index, flags & 4);
	return 0;
}
