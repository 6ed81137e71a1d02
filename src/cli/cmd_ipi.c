// SPDX-License-Identifier: LGPL-2.1-or-later
/* lockcore ipi: CPUs waiting for cross-CPU calls and the targets that have not run them. */
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"
#include "json.h"
#include "linux/csd.h"
#include "program.h"

void lc_render_ipi_json(const struct lc_ipi_report *r, FILE *out)
{
	struct lc_json j;
	lc_json_init(&j, out, true);
	lc_json_begin_object(&j);
	lc_json_key(&j, "ipi_waits");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < r->count; i++) {
		const struct lc_ipi_wait *w = &r->waits[i];
		lc_json_begin_object(&j);
		lc_json_key(&j, "waiter_cpu");
		lc_json_int(&j, w->waiter_cpu);
		lc_json_key(&j, "pid");
		lc_json_int(&j, w->pid);
		lc_json_key(&j, "comm");
		lc_json_string(&j, w->comm);
		lc_json_key(&j, "function");
		lc_json_string(&j, w->function);
		lc_json_key(&j, "callback");
		lc_json_string(&j, w->callback[0] ? w->callback : NULL);
		lc_json_key(&j, "targets");
		lc_json_begin_array(&j);
		for (size_t k = 0; k < w->ntargets; k++)
			lc_json_int(&j, w->targets[k].cpu);
		lc_json_end_array(&j);
		/* the targets (a subset of the above) that cannot take the IPI now */
		lc_json_key(&j, "targets_irqs_disabled");
		lc_json_begin_array(&j);
		for (size_t k = 0; k < w->ntargets; k++) {
			if (w->targets[k].irqs == LC_IRQS_OFF)
				lc_json_int(&j, w->targets[k].cpu);
		}
		lc_json_end_array(&j);
		lc_json_key(&j, "target_csds");
		lc_json_begin_array(&j);
		for (size_t k = 0; k < w->ntargets; k++) {
			const struct lc_ipi_target *t = &w->targets[k];
			lc_json_begin_object(&j);
			lc_json_key(&j, "cpu");
			lc_json_int(&j, t->cpu);
			lc_json_key(&j, "csd");
			lc_json_address(&j, t->csd);
			lc_json_key(&j, "queued");
			lc_json_bool(&j, t->queued);
			lc_json_key(&j, "irqs_disabled");
			if (t->irqs == LC_IRQS_UNKNOWN)
				lc_json_null(&j);
			else
				lc_json_bool(&j, t->irqs == LC_IRQS_OFF);
			lc_json_end_object(&j);
		}
		lc_json_end_array(&j);
		lc_json_key(&j, "evidence");
		lc_json_string(&j, w->evidence);
		lc_json_end_object(&j);
	}
	lc_json_end_array(&j);
	lc_json_key(&j, "queued_csds");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < r->nqueued; i++) {
		const struct lc_csd *d = &r->queued[i];
		lc_json_begin_object(&j);
		lc_json_key(&j, "cpu");
		lc_json_int(&j, d->queued_on);
		lc_json_key(&j, "address");
		lc_json_address(&j, d->address);
		lc_json_key(&j, "type");
		lc_json_string(&j, d->type);
		lc_json_key(&j, "locked");
		lc_json_bool(&j, d->locked);
		lc_json_key(&j, "function");
		lc_json_string(&j, d->func_name[0] ? d->func_name : NULL);
		lc_json_end_object(&j);
	}
	lc_json_end_array(&j);
	lc_json_key(&j, "problems");
	lc_json_begin_array(&j);
	for (const char *p = r->problems; p && *p;) {
		size_t len = strcspn(p, "\n");
		lc_json_string_len(&j, p, len);
		p += len + (p[len] == '\n');
	}
	lc_json_end_array(&j);
	lc_json_end_object(&j);
	lc_json_finish(&j);
}

static void render_text(const struct lc_ipi_report *r)
{
	if (!r->count)
		printf("no CPU waits for a cross-CPU call\n");
	for (size_t i = 0; i < r->count; i++) {
		const struct lc_ipi_wait *w = &r->waits[i];
		printf("cpu %d pid %d (%s) waits in %s for %s on:\n", w->waiter_cpu, w->pid,
		       w->comm, w->function, w->callback[0] ? w->callback : "a call");
		for (size_t k = 0; k < w->ntargets; k++) {
			const struct lc_ipi_target *t = &w->targets[k];
			printf("  cpu %d: csd 0x%" PRIx64 " %s, IRQs %s\n", t->cpu, t->csd,
			       t->queued ? "still queued" : "taken, not finished",
			       t->irqs == LC_IRQS_OFF  ? "off: it cannot take the IPI"
			       : t->irqs == LC_IRQS_ON ? "on"
						       : "unknown");
		}
	}
	if (r->nqueued) {
		printf("\nqueued calls:\n");
		for (size_t i = 0; i < r->nqueued; i++) {
			const struct lc_csd *d = &r->queued[i];
			printf("  cpu %d: %s csd 0x%" PRIx64 "%s %s\n", d->queued_on, d->type,
			       d->address, d->locked ? " (locked)" : "", d->func_name);
		}
	}
	if (r->problems)
		printf("\nnot decided:\n%s", r->problems);
}

int lc_cmd_ipi(struct lc_cli *cli)
{
	if (cli->argc > 0) {
		fprintf(stderr, "usage: lockcore ipi DUMP\n");
		return 2;
	}
	struct lc_program *prog;
	struct lc_error *err = lc_cli_open(cli, &prog);
	if (err)
		return lc_cli_fail(err);
	struct lc_ipi_report *r;
	err = lc_ipi_analyze(prog, &r);
	if (err) {
		lc_program_destroy(prog);
		return lc_cli_fail(err);
	}
	if (cli->json)
		lc_render_ipi_json(r, stdout);
	else
		render_text(r);
	lc_ipi_report_destroy(r);
	lc_program_destroy(prog);
	return 0;
}
