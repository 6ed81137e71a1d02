/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the CLI's command files: parsed options and helpers. */
#ifndef LC_CLI_H
#define LC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "lockcore/error.h"
#include "lockcore/program.h"
#include "render/render.h"

struct lc_cli {
	const char *dump;
	/* Every file of the dump: dump alone, or the parts of a split set (dump first). */
	const char **dumps;
	size_t ndumps;
	struct lc_program_options popts;
	const char **modules; /* -m, in order; popts points at it */
	size_t nmodules;
	bool json;
	bool quiet;
	/*
	 * Command arguments other than the dump path and global options; argv[-1]
	 * is the command name, so getopt_long(argc + 1, argv - 1, ...) parses them.
	 */
	int argc;
	char **argv;
};

struct lc_cli_command {
	const char *name;
	const char *summary;
	const char *usage; /* argument synopsis after the dump */
	int (*run)(struct lc_cli *cli);
};

/*
 * A command that analyzes the dump into one report and renders it, taking no
 * arguments beyond the dump and the global options (locks, ipi). The report
 * is opaque here: each command adapts its reader and renderer to these.
 */
struct lc_cli_report_command {
	const char *name;
	const char *what; /* for errors: "analyzing <what>" */
	struct lc_error *(*analyze)(struct lc_program *prog, void **ret);
	void (*render)(const void *report, enum lc_render_format fmt, FILE *out);
	void (*destroy)(void *report);
};
/* Open the dump, analyze, render to stdout in the format the options ask, free. */
int lc_cli_run_report(struct lc_cli *cli, const struct lc_cli_report_command *cmd);
/* The report commands, also run by extract to compare a small dump's answers. */
extern const struct lc_cli_report_command lc_cli_locks_report, lc_cli_ipi_report, lc_cli_rtas_report;

/* Print "lockcore: message" to stderr and return the exit status for it. */
int lc_cli_fail(struct lc_error *err);
/* Open the program named by the options, reporting failures. */
struct lc_error *lc_cli_open(struct lc_cli *cli, struct lc_program **ret);

int lc_cmd_info(struct lc_cli *cli);
int lc_cmd_ps(struct lc_cli *cli);
int lc_cmd_extract(struct lc_cli *cli);
int lc_cmd_cache(struct lc_cli *cli);

int lc_cmd_log(struct lc_cli *cli);
int lc_cmd_bt(struct lc_cli *cli);
int lc_cmd_locks(struct lc_cli *cli);
int lc_cmd_ipi(struct lc_cli *cli);
int lc_cmd_rtas(struct lc_cli *cli);

#endif
