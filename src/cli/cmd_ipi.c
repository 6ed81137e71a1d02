// SPDX-License-Identifier: LGPL-2.1-or-later
/* lockcore ipi: CPUs waiting for cross-CPU calls and the targets that have not run them. */
#include "cli/cli.h"
#include "linux/csd.h"

static struct lc_error *analyze(struct lc_program *prog, void **ret)
{
	struct lc_ipi_report *r;
	struct lc_error *err = lc_ipi_analyze(prog, &r);
	if (!err)
		*ret = r;
	return err;
}

static void render(const void *r, enum lc_render_format fmt, FILE *out)
{
	lc_render_ipi(r, fmt, out);
}

static void destroy(void *r)
{
	lc_ipi_report_destroy(r);
}

const struct lc_cli_report_command lc_cli_ipi_report = {"ipi", "IPIs", analyze, render, destroy};

int lc_cmd_ipi(struct lc_cli *cli)
{
	return lc_cli_run_report(cli, &lc_cli_ipi_report);
}
