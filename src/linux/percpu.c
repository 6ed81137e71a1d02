// SPDX-License-Identifier: LGPL-2.1-or-later
#include "linux/kernel.h"
#include "read.h"

/*
 * Per-CPU offsets live in __per_cpu_offset[] on x86_64 and arm64; ppc64 has
 * no such array and keeps each CPU's offset in its paca (paca_ptrs[cpu]->data_offset).
 * Probe for the symbol rather than switch on the architecture.
 */
struct lc_error *lc_kernel_read_percpu_offsets(struct lc_program *prog, struct lc_kernel *k)
{
	uint64_t array;
	struct lc_error *err = lc_symbol_address(prog, "__per_cpu_offset", &array);
	if (!err) {
		for (unsigned c = 0; c < k->nr_cpu_ids; c++) {
			if (!k->cpus[c].possible)
				continue;
			err = lc_read_ulong(prog, array + (uint64_t)c * prog->ptr_size,
					    &k->cpus[c].percpu_offset);
			if (err)
				return lc_error_prefix(err, "reading __per_cpu_offset[%u]", c);
		}
		return NULL;
	}
	lc_error_destroy(err);
	uint64_t paca_ptrs;
	err = lc_symbol_address(prog, "paca_ptrs", &paca_ptrs);
	if (err)
		return lc_error_prefix(err, "finding per-CPU offsets (neither __per_cpu_offset "
					    "nor paca_ptrs)");
	uint64_t pacas;
	err = lc_read_ulong(prog, paca_ptrs, &pacas);
	if (err)
		return lc_error_prefix(err, "reading paca_ptrs");
	for (unsigned c = 0; c < k->nr_cpu_ids; c++) {
		if (!k->cpus[c].possible)
			continue;
		uint64_t paca;
		err = lc_read_ulong(prog, pacas + (uint64_t)c * prog->ptr_size, &paca);
		if (!err)
			err = lc_read_member(prog, paca, "struct paca_struct", "data_offset",
					     &k->cpus[c].percpu_offset);
		if (err)
			return lc_error_prefix(err, "reading the paca of CPU %u", c);
	}
	return NULL;
}

struct lc_error *lc_percpu_address(struct lc_program *prog, uint64_t var, unsigned cpu,
				   uint64_t *ret)
{
	const struct lc_kernel *k;
	struct lc_error *err = lc_kernel_get(prog, &k);
	if (err)
		return err;
	if (cpu >= k->nr_cpu_ids || !k->cpus[cpu].possible)
		return lc_error_create(LC_ERR_INVALID, "CPU %u is not a possible CPU", cpu);
	*ret = var + k->cpus[cpu].percpu_offset;
	return NULL;
}
