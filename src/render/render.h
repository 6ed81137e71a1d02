/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Renderers: they only format a report the readers built, so the CLI, a REPL
 * and batch triage print the same thing from the same model. Each report type
 * has one entry point taking the format; nothing here reads the dump.
 */
#ifndef LC_RENDER_H
#define LC_RENDER_H

#include <stdio.h>

#include "json.h"
#include "unwind.h"

struct lc_lock_report;
struct lc_ipi_report;
struct lc_rtas_report;

enum lc_render_format {
	LC_RENDER_TEXT,
	LC_RENDER_JSON,
};

void lc_render_locks(const struct lc_lock_report *r, enum lc_render_format fmt, FILE *out);
void lc_render_ipi(const struct lc_ipi_report *r, enum lc_render_format fmt, FILE *out);
void lc_render_rtas(const struct lc_rtas_report *r, enum lc_render_format fmt, FILE *out);

/* ---- pieces shared by the renderers (render_common.c) ---- */

/* A count or size that cannot be negative, or null when negative (unknown). */
void lc_render_json_known(struct lc_json *j, int64_t v);
/* A CPU number, or null when negative (unknown). */
void lc_render_json_cpu(struct lc_json *j, int cpu);
/* A pid, or null when negative (not in the task list). */
void lc_render_json_pid(struct lc_json *j, int32_t pid);
/* IRQs disabled as a boolean, null when unknown. */
void lc_render_json_irqs_disabled(struct lc_json *j, enum lc_irq_state irqs);
/* A report's newline-separated problems as a "problems" array of strings. */
void lc_render_json_problems(struct lc_json *j, const char *problems);
/* The same as a trailing "not decided:" section of a text report. */
void lc_render_text_problems(FILE *out, const char *problems);

#endif
