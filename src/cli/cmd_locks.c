// SPDX-License-Identifier: LGPL-2.1-or-later
/* lockcore locks: every lock someone waits for, its holder and its waiters. */
#include "cli/cli.h"
#include "linux/locks.h"

static struct lc_error *analyze(struct lc_program *prog, void **ret)
{
	struct lc_lock_report *r;
	struct lc_error *err = lc_locks_analyze(prog, &r);
	if (!err)
		*ret = r;
	return err;
}

static void render(const void *r, enum lc_render_format fmt, FILE *out)
{
	lc_render_locks(r, fmt, out);
}

static void destroy(void *r)
{
	lc_lock_report_destroy(r);
}

const struct lc_cli_report_command lc_cli_locks_report = {"locks", "locks", analyze, render,
							  destroy};

int lc_cmd_locks(struct lc_cli *cli)
{
	return lc_cli_run_report(cli, &lc_cli_locks_report);
}
