// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What CONFIG_CSD_LOCK_WAIT_DEBUG leaves in memory. The recording is behind
 * a static key that only csdlock_debug=1 turns on: with it off, cur_csd and
 * the csds' src/dst stay zero, which reads like "CPU 0 sent it", so nothing
 * is taken from them then.
 */
#include <stdlib.h>

#include "linux/csd_debug.h"
#include "linux/kernel.h"
#include "linux/locks.h"
#include "program.h"
#include "read.h"
#include "types.h"
#include "util.h"

static int64_t read_counter(struct lc_program *prog, const char *name, size_t size)
{
	uint64_t addr, v;
	struct lc_error *err = lc_symbol_address(prog, name, &addr);
	if (!err)
		err = lc_read_uint(prog, addr, size, &v);
	if (err) {
		lc_error_destroy(err);
		return -1;
	}
	return (int64_t)v;
}

static void read_running(struct lc_program *prog, const struct lc_kernel *k, struct lc_csd_debug *d,
			 uint64_t cur, char **problems)
{
	uint64_t func_var, info_var;
	struct lc_error *err = lc_symbol_address(prog, "cur_csd_func", &func_var);
	if (!err)
		err = lc_symbol_address(prog, "cur_csd_info", &info_var);
	for (unsigned cpu = 0; !err && cpu < k->nr_cpu_ids; cpu++) {
		if (!k->cpus[cpu].possible)
			continue;
		uint64_t a, csd, func = 0, info = 0;
		err = lc_percpu_address(prog, cur, cpu, &a);
		if (!err)
			err = lc_read_ulong(prog, a, &csd);
		if (!err && csd) {
			err = lc_percpu_address(prog, func_var, cpu, &a);
			if (!err)
				err = lc_read_ulong(prog, a, &func);
			if (!err)
				err = lc_percpu_address(prog, info_var, cpu, &a);
			if (!err)
				err = lc_read_ulong(prog, a, &info);
		}
		if (err || !csd)
			continue;
		struct lc_csd_running *r = realloc(d->running, (d->nrunning + 1) * sizeof(*r));
		if (!r)
			return;
		d->running = r;
		r += d->nrunning++;
		*r = (struct lc_csd_running){
			.cpu = (int)cpu, .csd = csd, .func = func, .info = info};
		lc_locks_symbolize(prog, func, r->func_name, sizeof(r->func_name), NULL);
	}
	if (err) {
		lc_lines_appendf(problems, "cur_csd: %s", lc_error_message(err));
		lc_error_destroy(err);
	}
}

void lc_csd_debug_read(struct lc_program *prog, const struct lc_kernel *k, struct lc_csd_debug *d,
		       char **problems)
{
	*d = (struct lc_csd_debug){.enabled = -1, .timeout_ms = -1, .stall_reports = -1};
	uint64_t cur;
	struct lc_error *err = lc_symbol_address(prog, "cur_csd", &cur);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	d->present = true;
	/* struct static_key_false { struct static_key key; }: key.enabled is the count */
	int64_t on = read_counter(prog, "csdlock_debug_enabled", 4);
	d->enabled = on < 0 ? -1 : (int32_t)on > 0;
	d->timeout_ms = read_counter(prog, "csd_lock_timeout", prog->ptr_size);
	d->stall_reports = read_counter(prog, "csd_bug_count", 4);
	struct lc_types *types;
	if (!lc_failed(lc_program_types(prog, &types)) &&
	    !lc_failed(lc_types_offsetof(types, "struct __call_single_data", "node.src",
					 &d->src_off)) &&
	    !lc_failed(
		    lc_types_offsetof(types, "struct __call_single_data", "node.dst", &d->dst_off)))
		d->src_dst = true;
	if (d->enabled != 0)
		read_running(prog, k, d, cur, problems);
}

void lc_csd_debug_src_dst(struct lc_program *prog, const struct lc_csd_debug *d, uint64_t csd,
			  int *src, int *dst)
{
	*src = *dst = -1;
	uint64_t s, t;
	if (!d->present || d->enabled == 0 || !d->src_dst)
		return;
	struct lc_error *err = lc_read_uint(prog, csd + d->src_off, 2, &s);
	if (!err)
		err = lc_read_uint(prog, csd + d->dst_off, 2, &t);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	*src = (int)s;
	*dst = (int)t;
}

void lc_csd_debug_deinit(struct lc_csd_debug *d)
{
	free(d->running);
	d->running = NULL;
	d->nrunning = 0;
}
