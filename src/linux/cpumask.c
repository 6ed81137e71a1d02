// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>

#include "linux/kernel.h"
#include "read.h"

/* A cpumask is an array of unsigned longs; bit n of word n/BITS is CPU n. */
static struct lc_error *read_mask(struct lc_program *prog, const char *symbol, unsigned nbits,
				  bool *out)
{
	uint64_t addr;
	struct lc_error *err = lc_symbol_address(prog, symbol, &addr);
	if (err)
		return err;
	unsigned bits_per_word = prog->ptr_size * 8;
	unsigned nwords = (nbits + bits_per_word - 1) / bits_per_word;
	for (unsigned w = 0; w < nwords; w++) {
		uint64_t word;
		err = lc_read_ulong(prog, addr + (uint64_t)w * prog->ptr_size, &word);
		if (err)
			return lc_error_prefix(err, "reading %s", symbol);
		for (unsigned b = 0; b < bits_per_word && w * bits_per_word + b < nbits; b++)
			out[w * bits_per_word + b] = (word >> b) & 1;
	}
	return NULL;
}

struct lc_error *lc_kernel_read_cpumasks(struct lc_program *prog, struct lc_kernel *k)
{
	bool *mask = calloc(k->nr_cpu_ids, sizeof(bool));
	if (!mask)
		return lc_error_nomem;
	static const struct {
		const char *symbol;
		size_t field;
	} masks[] = {
		{"__cpu_possible_mask", offsetof(struct lc_cpu, possible)},
		{"__cpu_present_mask", offsetof(struct lc_cpu, present)},
		{"__cpu_online_mask", offsetof(struct lc_cpu, online)},
	};
	struct lc_error *first_err = NULL;
	for (size_t m = 0; m < LC_ARRAY_SIZE(masks); m++) {
		memset(mask, 0, k->nr_cpu_ids * sizeof(bool));
		struct lc_error *err = read_mask(prog, masks[m].symbol, k->nr_cpu_ids, mask);
		if (err) {
			if (!first_err)
				first_err = err;
			else
				lc_error_destroy(err);
			continue;
		}
		for (unsigned c = 0; c < k->nr_cpu_ids; c++)
			*(bool *)((char *)&k->cpus[c] + masks[m].field) = mask[c];
	}
	free(mask);
	for (unsigned c = 0; c < k->nr_cpu_ids; c++) {
		k->possible_count += k->cpus[c].possible;
		k->present_count += k->cpus[c].present;
		k->online_count += k->cpus[c].online;
	}
	return first_err;
}
