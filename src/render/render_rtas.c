// SPDX-License-Identifier: LGPL-2.1-or-later
/* The RTAS report: the lock, the argument buffer it guards, the CPUs in an RTAS call. */
#include <inttypes.h>

#include "linux/rtas.h"
#include "render/render.h"

static void json_values(struct lc_json *j, const uint32_t *v, uint32_t n)
{
	lc_json_begin_array(j);
	for (uint32_t i = 0; i < n; i++)
		lc_json_uint(j, v[i]);
	lc_json_end_array(j);
}

static void render_json(const struct lc_rtas_report *r, FILE *out)
{
	struct lc_json j;
	lc_json_init(&j, out, true);
	lc_json_begin_object(&j);
	lc_json_key(&j, "present");
	lc_json_bool(&j, r->present);
	if (r->present) {
		lc_json_key(&j, "lock");
		lc_json_begin_object(&j);
		lc_json_key(&j, "symbol");
		lc_json_string(&j, r->lock_name);
		lc_json_key(&j, "address");
		lc_json_address(&j, r->lock);
		lc_json_key(&j, "word");
		if (r->lock_read)
			lc_json_uint(&j, r->lock_word);
		else
			lc_json_null(&j);
		lc_json_end_object(&j);
		lc_json_key(&j, "args");
		lc_json_begin_object(&j);
		lc_json_key(&j, "symbol");
		lc_json_string(&j, r->args_name);
		lc_json_key(&j, "address");
		lc_json_address(&j, r->args);
		if (r->args_read) {
			lc_json_key(&j, "token");
			lc_json_uint(&j, r->token);
			lc_json_key(&j, "function");
			lc_json_string(&j, r->function[0] ? r->function : NULL);
			lc_json_key(&j, "function_from");
			lc_json_string(&j, r->function_source);
			lc_json_key(&j, "nargs");
			lc_json_uint(&j, r->nargs);
			lc_json_key(&j, "nret");
			lc_json_uint(&j, r->nret);
			lc_json_key(&j, "inputs");
			json_values(&j, r->values, r->ninputs);
			lc_json_key(&j, "outputs");
			json_values(&j, r->values + r->ninputs, r->noutputs);
			lc_json_key(&j, "in_flight");
			lc_json_bool(&j, r->in_flight);
		}
		lc_json_end_object(&j);
		lc_json_key(&j, "cpus");
		lc_json_begin_array(&j);
		for (size_t i = 0; i < r->ncpus; i++) {
			const struct lc_rtas_cpu *c = &r->cpus[i];
			lc_json_begin_object(&j);
			lc_json_key(&j, "cpu");
			lc_json_int(&j, c->cpu);
			lc_json_key(&j, "pid");
			lc_render_json_pid(&j, c->pid);
			lc_json_key(&j, "comm");
			lc_json_string(&j, c->comm);
			lc_json_key(&j, "innermost");
			lc_json_string(&j, c->innermost);
			lc_json_key(&j, "entry");
			lc_json_string(&j, c->entry);
			lc_json_key(&j, "caller");
			lc_json_string(&j, c->caller);
			lc_json_key(&j, "in_firmware");
			lc_json_bool(&j, c->in_firmware);
			lc_json_key(&j, "shared_buffer");
			lc_json_bool(&j, c->shared_buffer);
			lc_json_end_object(&j);
		}
		lc_json_end_array(&j);
	}
	lc_render_json_problems(&j, r->problems);
	lc_json_end_object(&j);
	lc_json_finish(&j);
}

static void text_values(FILE *out, const uint32_t *v, uint32_t n)
{
	fputc('[', out);
	for (uint32_t i = 0; i < n; i++)
		fprintf(out, "%s0x%" PRIx32, i ? " " : "", v[i]);
	fputc(']', out);
}

static void render_text(const struct lc_rtas_report *r, FILE *out)
{
	if (!r->present) {
		fprintf(out, "no RTAS in this kernel (only ppc64 pseries has it)\n");
		lc_render_text_problems(out, r->problems);
		return;
	}
	fprintf(out, "RTAS lock %s at 0x%016" PRIx64, r->lock_name, r->lock);
	if (r->lock_read)
		fprintf(out, ": word 0x%08" PRIx64 "%s", r->lock_word,
			r->lock_word ? " (see `lockcore locks` for its holder and waiters)"
				     : " (free)");
	fputc('\n', out);
	fprintf(out, "argument buffer %s at 0x%016" PRIx64, r->args_name, r->args);
	if (r->args_read) {
		fprintf(out, ": token 0x%" PRIx32, r->token);
		if (r->function[0])
			fprintf(out, " (%s, from the %s)", r->function, r->function_source);
		fprintf(out, ", %" PRIu32 " input(s) ", r->nargs);
		text_values(out, r->values, r->ninputs);
		fprintf(out, ", %" PRIu32 " output(s) ", r->nret);
		text_values(out, r->values + r->ninputs, r->noutputs);
		fprintf(out, "\n  %s\n",
			r->in_flight ? "the call in flight: a CPU is inside RTAS through rtas_call"
				     : "the last call's: no CPU is inside RTAS through rtas_call");
	} else {
		fputc('\n', out);
	}
	if (!r->ncpus)
		fprintf(out, "no CPU is in the RTAS call path\n");
	else
		fprintf(out, "CPUs in the RTAS call path:\n");
	for (size_t i = 0; i < r->ncpus; i++) {
		const struct lc_rtas_cpu *c = &r->cpus[i];
		fprintf(out, "  cpu %d pid %d (%s): in %s", c->cpu, c->pid, c->comm, c->innermost);
		if (c->entry != c->innermost)
			fprintf(out, " under %s", c->entry);
		if (c->caller)
			fprintf(out, ", called from %s", c->caller);
		fprintf(out, "%s\n",
			!c->in_firmware ? ""
			: c->shared_buffer
				? "; RTAS runs on this CPU"
				: "; RTAS runs on this CPU, with the caller's own buffer");
	}
	lc_render_text_problems(out, r->problems);
}

void lc_render_rtas(const struct lc_rtas_report *r, enum lc_render_format fmt, FILE *out)
{
	if (fmt == LC_RENDER_JSON)
		render_json(r, out);
	else
		render_text(r, out);
}
