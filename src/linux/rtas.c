// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RTAS is called through one shared argument buffer under one lock, and the
 * crash path itself calls RTAS (interrupt masking, os-term), so a CPU that
 * holds the lock when another panics stops the dump. The token in the buffer
 * is big-endian whatever the kernel's byte order: RTAS is big-endian firmware.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/rtas.h"
#include "program.h"
#include "read.h"
#include "symbols.h"
#include "types.h"
#include "unwind.h"
#include "util.h"

enum {
	MAX_TABLE = 512,      /* rtas_function_table entries read (6.12 has 82) */
	MAX_PROPERTIES = 512, /* properties of the /rtas device tree node read */
};

/* The RTAS call path, outermost first; from do_enter_rtas on, the firmware runs. */
static const struct {
	const char *name;
	bool firmware;
} path_functions[] = {
	{"rtas_os_term", false},
	{"rtas_call_reentrant", false},
	{"rtas_call", false},
	{"rtas_call_unlocked", false},
	{"va_rtas_call_unlocked", false},
	{"va_rtas_call", false},
	{"lock_rtas", false},
	{"do_enter_rtas", true},
	{"__do_enter_rtas", true},
	{"__do_enter_rtas_trace", true},
	{"enter_rtas", true},
};

static int path_index(const char *function)
{
	for (size_t i = 0; i < LC_ARRAY_SIZE(path_functions); i++) {
		if (lc_symbol_base_is(function, path_functions[i].name))
			return (int)i;
	}
	return -1;
}

static void problem_err(struct lc_rtas_report *r, struct lc_error *err, const char *what)
{
	lc_lines_appendf(&r->problems, "%s: %s", what, lc_error_message(err));
	lc_error_destroy(err);
}

static struct lc_error *read_be32(struct lc_program *prog, uint64_t addr, uint32_t *ret)
{
	uint8_t b[4];
	struct lc_error *err = lc_read(prog, addr, b, sizeof(b));
	if (!err)
		*ret = (uint32_t)lc_load_uint(b, 4, true);
	return err;
}

/* Where the lock and the buffer are: inside struct rtas_t up to 6.1, two statics after. */
static bool locate(struct lc_program *prog, struct lc_types *types, struct lc_rtas_report *r,
		   uint64_t *dev)
{
	uint64_t rtas;
	*dev = 0;
	struct lc_error *err = lc_symbol_address(prog, "rtas", &rtas);
	if (!err && lc_types_has_member(types, "struct rtas_t", "args")) {
		r->lock_name = "rtas.lock";
		r->args_name = "rtas.args";
		err = lc_member_address(prog, rtas, "struct rtas_t", "lock", &r->lock);
		if (!err)
			err = lc_member_address(prog, rtas, "struct rtas_t", "args", &r->args);
		if (!err && lc_types_has_member(types, "struct rtas_t", "dev"))
			lc_error_destroy(lc_read_member(prog, rtas, "struct rtas_t", "dev", dev));
		if (err) {
			problem_err(r, err, "struct rtas_t");
			return false;
		}
		return true;
	}
	lc_error_destroy(err);
	err = lc_symbol_address(prog, "rtas_lock", &r->lock);
	if (!err)
		err = lc_symbol_address(prog, "rtas_args", &r->args);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	r->lock_name = "rtas_lock";
	r->args_name = "rtas_args";
	return true;
}

/* 6.5+: the kernel's own table of RTAS functions, with the tokens found at boot. */
static bool name_from_table(struct lc_program *prog, struct lc_types *types,
			    struct lc_rtas_report *r)
{
	uint64_t table, size;
	struct lc_error *err = lc_symbol_address(prog, "rtas_function_table", &table);
	if (!err)
		err = lc_types_sizeof(types, "struct rtas_function", &size);
	if (err || !size) {
		lc_error_destroy(err);
		return false;
	}
	const struct lc_symbol *s = lc_symbols_lookup(&prog->symbols, table);
	uint64_t n = s && s->address == table && s->size ? s->size / size : MAX_TABLE;
	for (uint64_t i = 0; i < n && i < MAX_TABLE; i++) {
		uint64_t token, name;
		err = lc_read_member(prog, table + i * size, "struct rtas_function", "token",
				     &token);
		if (!err && (uint32_t)token != r->token)
			continue;
		if (!err)
			err = lc_read_member(prog, table + i * size, "struct rtas_function", "name",
					     &name);
		if (!err)
			err = lc_read_cstr(prog, name, r->function, sizeof(r->function));
		if (err) {
			problem_err(r, err, "rtas_function_table");
			return false;
		}
		r->function_source = "rtas_function_table";
		return true;
	}
	return false;
}

/* Up to 6.4 the tokens live only in the /rtas node's properties ("ibm,os-term" = <token>). */
static bool name_from_device_tree(struct lc_program *prog, uint64_t dev, struct lc_rtas_report *r)
{
	uint64_t prop;
	struct lc_error *err = lc_read_member(prog, dev, "struct device_node", "properties", &prop);
	for (unsigned i = 0; !err && prop && i < MAX_PROPERTIES; i++) {
		uint64_t length, value, name;
		uint32_t token;
		err = lc_read_member(prog, prop, "struct property", "length", &length);
		if (!err && length == 4) {
			err = lc_read_member(prog, prop, "struct property", "value", &value);
			if (!err)
				err = read_be32(prog, value, &token);
			if (!err && token == r->token) {
				err = lc_read_member(prog, prop, "struct property", "name", &name);
				if (!err)
					err = lc_read_cstr(prog, name, r->function,
							   sizeof(r->function));
				if (!err) {
					r->function_source = "device tree";
					return true;
				}
			}
		}
		if (!err)
			err = lc_read_member(prog, prop, "struct property", "next", &prop);
	}
	if (err)
		problem_err(r, err, "the /rtas device tree node");
	return false;
}

static void read_args(struct lc_program *prog, struct lc_rtas_report *r)
{
	static const char *const header[] = {"token", "nargs", "nret"};
	uint32_t *dst[] = {&r->token, &r->nargs, &r->nret};
	uint64_t addr, values;
	for (size_t i = 0; i < LC_ARRAY_SIZE(header); i++) {
		struct lc_error *err =
			lc_member_address(prog, r->args, "struct rtas_args", header[i], &addr);
		if (!err)
			err = read_be32(prog, addr, dst[i]);
		if (err) {
			problem_err(r, err, r->args_name);
			return;
		}
	}
	r->ninputs = r->nargs < LC_RTAS_MAX_ARGS ? r->nargs : LC_RTAS_MAX_ARGS;
	r->noutputs =
		r->nret < LC_RTAS_MAX_ARGS - r->ninputs ? r->nret : LC_RTAS_MAX_ARGS - r->ninputs;
	struct lc_error *err =
		lc_member_address(prog, r->args, "struct rtas_args", "args", &values);
	for (uint32_t i = 0; !err && i < r->ninputs + r->noutputs; i++)
		err = read_be32(prog, values + 4 * i, &r->values[i]);
	if (err) {
		problem_err(r, err, r->args_name);
		return;
	}
	r->args_read = true;
}

static void find_cpus(struct lc_program *prog, struct lc_rtas_report *r)
{
	const struct lc_stacks *s;
	struct lc_error *err = lc_stacks_cpus(prog, &s);
	if (err) {
		problem_err(r, err, "CPU stacks");
		return;
	}
	for (unsigned c = 0; c < s->nr_cpus; c++) {
		const struct lc_stack *st = &s->cpus[c];
		if (!s->cpu_has_stack[c])
			continue;
		int inner = -1, outer = -1;
		size_t outer_frame = 0;
		bool shared = false;
		for (size_t f = 0; f < st->count; f++) {
			int k = path_index(st->frames[f].function);
			if (k < 0)
				continue;
			shared |= !strcmp(path_functions[k].name, "rtas_call") ||
				  !strcmp(path_functions[k].name, "lock_rtas");
			if (inner < 0)
				inner = k;
			outer = k;
			outer_frame = f;
		}
		if (inner < 0)
			continue;
		struct lc_rtas_cpu *rc = realloc(r->cpus, (r->ncpus + 1) * sizeof(*rc));
		if (!rc)
			return;
		r->cpus = rc;
		rc += r->ncpus++;
		*rc = (struct lc_rtas_cpu){.cpu = (int)c, .pid = st->pid};
		snprintf(rc->comm, sizeof(rc->comm), "%s", st->comm);
		rc->innermost = path_functions[inner].name;
		rc->entry = path_functions[outer].name;
		rc->in_firmware = path_functions[inner].firmware;
		rc->shared_buffer = shared;
		r->in_flight |= rc->in_firmware && rc->shared_buffer;
		if (outer_frame + 1 < st->count)
			rc->caller = st->frames[outer_frame + 1].function;
	}
}

struct lc_error *lc_rtas_analyze(struct lc_program *prog, struct lc_rtas_report **ret)
{
	struct lc_types *types;
	struct lc_error *err = lc_program_types(prog, &types);
	if (err)
		return lc_error_prefix(err, "RTAS");
	struct lc_rtas_report *r = calloc(1, sizeof(*r));
	if (!r)
		return lc_error_nomem;
	*ret = r;
	uint64_t dev;
	if (!locate(prog, types, r, &dev))
		return NULL;
	r->present = true;
	err = lc_read_uint(prog, r->lock, 4, &r->lock_word);
	if (err)
		problem_err(r, err, r->lock_name);
	else
		r->lock_read = true;
	read_args(prog, r);
	if (r->args_read && !name_from_table(prog, types, r) && dev)
		name_from_device_tree(prog, dev, r);
	find_cpus(prog, r);
	return NULL;
}

void lc_rtas_report_destroy(struct lc_rtas_report *r)
{
	if (!r)
		return;
	free(r->cpus);
	free(r->problems);
	free(r);
}
