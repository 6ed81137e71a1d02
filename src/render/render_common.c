// SPDX-License-Identifier: LGPL-2.1-or-later
/* What every report's renderings share: nullable numbers, IRQ state, the problems list. */
#include <string.h>

#include "render/render.h"

void lc_render_json_known(struct lc_json *j, int64_t v)
{
	if (v >= 0)
		lc_json_int(j, v);
	else
		lc_json_null(j);
}

void lc_render_json_cpu(struct lc_json *j, int cpu)
{
	lc_render_json_known(j, cpu);
}

void lc_render_json_pid(struct lc_json *j, int32_t pid)
{
	if (pid >= 0)
		lc_json_int(j, pid);
	else
		lc_json_null(j);
}

void lc_render_json_irqs_disabled(struct lc_json *j, enum lc_irq_state irqs)
{
	if (irqs == LC_IRQS_UNKNOWN)
		lc_json_null(j);
	else
		lc_json_bool(j, irqs == LC_IRQS_OFF);
}

void lc_render_json_problems(struct lc_json *j, const char *problems)
{
	lc_json_key(j, "problems");
	lc_json_begin_array(j);
	for (const char *p = problems; p && *p;) {
		size_t len = strcspn(p, "\n");
		lc_json_string_len(j, p, len);
		p += len + (p[len] == '\n');
	}
	lc_json_end_array(j);
}

void lc_render_text_problems(FILE *out, const char *problems)
{
	if (problems)
		fprintf(out, "\nnot decided:\n%s", problems);
}
