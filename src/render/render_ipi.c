// SPDX-License-Identifier: LGPL-2.1-or-later
/* The IPI report: CPUs waiting for cross-CPU calls and the targets that have not run them. */
#include <inttypes.h>

#include "linux/csd.h"
#include "render/render.h"

static void json_wait(struct lc_json *j, const struct lc_ipi_wait *w)
{
	lc_json_begin_object(j);
	lc_json_key(j, "waiter_cpu");
	lc_json_int(j, w->waiter_cpu);
	lc_json_key(j, "pid");
	lc_json_int(j, w->pid);
	lc_json_key(j, "comm");
	lc_json_string(j, w->comm);
	lc_json_key(j, "function");
	lc_json_string(j, w->function);
	lc_json_key(j, "callback");
	lc_json_string(j, w->callback[0] ? w->callback : NULL);
	lc_json_key(j, "targets");
	lc_json_begin_array(j);
	for (size_t k = 0; k < w->ntargets; k++)
		lc_json_int(j, w->targets[k].cpu);
	lc_json_end_array(j);
	/* the targets (a subset of the above) that cannot take the IPI now */
	lc_json_key(j, "targets_irqs_disabled");
	lc_json_begin_array(j);
	for (size_t k = 0; k < w->ntargets; k++) {
		if (w->targets[k].irqs == LC_IRQS_OFF)
			lc_json_int(j, w->targets[k].cpu);
	}
	lc_json_end_array(j);
	lc_json_key(j, "target_csds");
	lc_json_begin_array(j);
	for (size_t k = 0; k < w->ntargets; k++) {
		const struct lc_ipi_target *t = &w->targets[k];
		lc_json_begin_object(j);
		lc_json_key(j, "cpu");
		lc_json_int(j, t->cpu);
		lc_json_key(j, "csd");
		lc_json_address(j, t->csd);
		lc_json_key(j, "queued");
		lc_json_bool(j, t->queued);
		lc_json_key(j, "irqs_disabled");
		lc_render_json_irqs_disabled(j, t->irqs);
		lc_json_end_object(j);
	}
	lc_json_end_array(j);
	lc_json_key(j, "evidence");
	lc_json_string(j, w->evidence);
	lc_json_end_object(j);
}

static void json_csd(struct lc_json *j, const struct lc_csd *d)
{
	lc_json_begin_object(j);
	lc_json_key(j, "cpu");
	lc_json_int(j, d->queued_on);
	lc_json_key(j, "address");
	lc_json_address(j, d->address);
	lc_json_key(j, "type");
	lc_json_string(j, d->type);
	lc_json_key(j, "locked");
	lc_json_bool(j, d->locked);
	lc_json_key(j, "function");
	lc_json_string(j, d->func_name[0] ? d->func_name : NULL);
	lc_json_key(j, "src");
	lc_render_json_cpu(j, d->src);
	lc_json_key(j, "dst");
	lc_render_json_cpu(j, d->dst);
	lc_json_end_object(j);
}

/* CONFIG_CSD_LOCK_WAIT_DEBUG's records, null when the kernel lacks it. */
static void json_debug(struct lc_json *j, const struct lc_csd_debug *d)
{
	lc_json_key(j, "csd_debug");
	if (!d->present) {
		lc_json_null(j);
		return;
	}
	lc_json_begin_object(j);
	lc_json_key(j, "enabled");
	if (d->enabled < 0)
		lc_json_null(j);
	else
		lc_json_bool(j, d->enabled);
	lc_json_key(j, "timeout_ms");
	lc_render_json_known(j, d->timeout_ms);
	lc_json_key(j, "stall_reports");
	lc_render_json_known(j, d->stall_reports);
	lc_json_key(j, "running");
	lc_json_begin_array(j);
	for (size_t i = 0; i < d->nrunning; i++) {
		const struct lc_csd_running *r = &d->running[i];
		lc_json_begin_object(j);
		lc_json_key(j, "cpu");
		lc_json_int(j, r->cpu);
		lc_json_key(j, "csd");
		lc_json_address(j, r->csd);
		lc_json_key(j, "function");
		lc_json_string(j, r->func_name[0] ? r->func_name : NULL);
		lc_json_key(j, "info");
		lc_json_address(j, r->info);
		lc_json_end_object(j);
	}
	lc_json_end_array(j);
	lc_json_end_object(j);
}

static void render_json(const struct lc_ipi_report *r, FILE *out)
{
	struct lc_json j;
	lc_json_init(&j, out, true);
	lc_json_begin_object(&j);
	lc_json_key(&j, "ipi_waits");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < r->count; i++)
		json_wait(&j, &r->waits[i]);
	lc_json_end_array(&j);
	lc_json_key(&j, "queued_csds");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < r->nqueued; i++)
		json_csd(&j, &r->queued[i]);
	lc_json_end_array(&j);
	json_debug(&j, &r->debug);
	lc_render_json_problems(&j, r->problems);
	lc_json_end_object(&j);
	lc_json_finish(&j);
}

static void render_text(const struct lc_ipi_report *r, FILE *out)
{
	if (!r->count)
		fprintf(out, "no CPU waits for a cross-CPU call\n");
	for (size_t i = 0; i < r->count; i++) {
		const struct lc_ipi_wait *w = &r->waits[i];
		fprintf(out, "cpu %d pid %d (%s) waits in %s for %s on:\n", w->waiter_cpu, w->pid,
			w->comm, w->function, w->callback[0] ? w->callback : "a call");
		for (size_t k = 0; k < w->ntargets; k++) {
			const struct lc_ipi_target *t = &w->targets[k];
			fprintf(out, "  cpu %d: csd 0x%" PRIx64 " %s, IRQs %s\n", t->cpu, t->csd,
				t->queued ? "still queued" : "taken, not finished",
				t->irqs == LC_IRQS_OFF	? "off: it cannot take the IPI"
				: t->irqs == LC_IRQS_ON ? "on"
							: "unknown");
		}
	}
	if (r->nqueued) {
		fprintf(out, "\nqueued calls:\n");
		for (size_t i = 0; i < r->nqueued; i++) {
			const struct lc_csd *d = &r->queued[i];
			fprintf(out, "  cpu %d: %s csd 0x%" PRIx64 "%s %s", d->queued_on, d->type,
				d->address, d->locked ? " (locked)" : "", d->func_name);
			if (d->src >= 0)
				fprintf(out, " (sent by cpu %d)", d->src);
			fputc('\n', out);
		}
	}
	const struct lc_csd_debug *dbg = &r->debug;
	if (dbg->present) {
		fprintf(out, "\nCSD lock debugging (CONFIG_CSD_LOCK_WAIT_DEBUG): %s",
			dbg->enabled > 0    ? "recording"
			: dbg->enabled == 0 ? "built in, not recording (no csdlock_debug=1)"
					    : "state unreadable");
		if (dbg->timeout_ms >= 0)
			fprintf(out, ", stall reports after %" PRId64 " ms", dbg->timeout_ms);
		if (dbg->stall_reports >= 0)
			fprintf(out, ", %" PRId64 " so far", dbg->stall_reports);
		fputc('\n', out);
		for (size_t i = 0; i < dbg->nrunning; i++)
			fprintf(out, "  cpu %d is running csd 0x%" PRIx64 " %s\n",
				dbg->running[i].cpu, dbg->running[i].csd,
				dbg->running[i].func_name);
	}
	lc_render_text_problems(out, r->problems);
}

void lc_render_ipi(const struct lc_ipi_report *r, enum lc_render_format fmt, FILE *out)
{
	if (fmt == LC_RENDER_JSON)
		render_json(r, out);
	else
		render_text(r, out);
}
