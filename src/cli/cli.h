/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the CLI's command files: parsed options and helpers. */
#ifndef LC_CLI_H
#define LC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "lockcore/error.h"
#include "lockcore/program.h"

struct lc_lock_report;
struct lc_ipi_report;

struct lc_cli {
	const char *dump;
	struct lc_program_options popts;
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

/* Print "lockcore: message" to stderr and return the exit status for it. */
int lc_cli_fail(struct lc_error *err);
/* Open the program named by the options, reporting failures. */
struct lc_error *lc_cli_open(struct lc_cli *cli, struct lc_program **ret);

int lc_cmd_info(struct lc_cli *cli);
int lc_cmd_ps(struct lc_cli *cli);
int lc_cmd_extract(struct lc_cli *cli);
int lc_cmd_cache(struct lc_cli *cli);

/* JSON renderings, shared by the commands and by extract's same-answer check. */
void lc_render_locks_json(const struct lc_lock_report *r, FILE *out);
void lc_render_ipi_json(const struct lc_ipi_report *r, FILE *out);
int lc_cmd_log(struct lc_cli *cli);
int lc_cmd_bt(struct lc_cli *cli);
int lc_cmd_locks(struct lc_cli *cli);
int lc_cmd_ipi(struct lc_cli *cli);

#endif
