// SPDX-License-Identifier: LGPL-2.1-or-later
/* lockcore rtas: the ppc64 RTAS lock, its argument buffer and the CPUs calling RTAS. */
#include "cli/cli.h"
#include "linux/rtas.h"

static struct lc_error *analyze(struct lc_program *prog, void **ret)
{
	struct lc_rtas_report *r;
	struct lc_error *err = lc_rtas_analyze(prog, &r);
	if (!err)
		*ret = r;
	return err;
}

static void render(const void *r, enum lc_render_format fmt, FILE *out)
{
	lc_render_rtas(r, fmt, out);
}

static void destroy(void *r)
{
	lc_rtas_report_destroy(r);
}

const struct lc_cli_report_command lc_cli_rtas_report = {"rtas", "RTAS", analyze, render, destroy};

int lc_cmd_rtas(struct lc_cli *cli)
{
	return lc_cli_run_report(cli, &lc_cli_rtas_report);
}
