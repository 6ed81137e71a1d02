// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dump_validate.h"
#include "linux/modules.h"
#include "program.h"

static const struct lc_cli_command commands[] = {
	{"info", "describe the dump: format, architecture, kernel, CPUs, crash", "", lc_cmd_info},
	{"ps", "list every task with pid, state and CPU", "", lc_cmd_ps},
	{"log", "the kernel log, with what never reached a console or left a CPU",
	 "[-l LEVELS] [--cpu N] [--caller] [--unflushed] [--events] [-T]", lc_cmd_log},
	{"bt", "stack traces of every CPU (or CPUs, or tasks by pid)", "[-a | CPU... | -p PID...]",
	 lc_cmd_bt},
	{"locks", "locks someone waits for: holder, waiters, spinners and their IRQ state", "",
	 lc_cmd_locks},
	{"ipi", "CPUs waiting for cross-CPU function calls, and the targets that do not answer", "",
	 lc_cmd_ipi},
	{"rtas", "ppc64: the RTAS lock, the call in its argument buffer, the CPUs calling RTAS", "",
	 lc_cmd_rtas},
	{"cache", "write the symbol and type caches of a -dbg vmlinux (the argument is it)", "",
	 lc_cmd_cache},
	{"extract", "write a minimal dump holding only the pages the analyses read",
	 "--minimal [--zstd] OUTPUT", lc_cmd_extract},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: lockcore [options] COMMAND DUMP [MORE SPLIT PARTS...] [ARGS...]\n\n"
		     "Post-mortem analysis of Linux kernel crash dumps.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\noptions:\n"
		"  -k, --vmlinux FILE     DWARF vmlinux of the dumped kernel\n"
		"      --system-map FILE  System.map of the dumped kernel\n"
		"      --btf FILE         detached BTF of the dumped kernel\n"
		"  -m, --module FILE.ko   a loaded module's own file: all its symbols, data\n"
		"                         too (repeat for more; a directory is searched)\n"
		"  -j, --json             machine-readable output\n"
		"  -q, --quiet            no progress messages\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n\n"
		"With nothing but the dump, lockcore reads the kernel's own BTF and kallsyms.\n"
		"See lockcore(1).\n");
}

static void progress(void *arg, const char *what, uint64_t done, uint64_t total)
{
	(void)arg;
	if (total)
		fprintf(stderr, "\r%s: %3u%%", what, (unsigned)(done * 100 / total));
	else
		fprintf(stderr, "\r%s: %llu MiB", what, (unsigned long long)(done >> 20));
	if (total && done >= total)
		fputc('\n', stderr);
}

int lc_cli_fail(struct lc_error *err)
{
	fprintf(stderr, "lockcore: %s\n", lc_error_message(err));
	lc_error_destroy(err);
	return 1;
}

struct lc_error *lc_cli_open(struct lc_cli *cli, struct lc_program **ret)
{
	if (!cli->quiet && isatty(STDERR_FILENO))
		cli->popts.progress = progress;
	struct lc_error *err = lc_program_open_set(cli->dumps, cli->ndumps, &cli->popts, ret);
	if (err || !(*ret)->modules)
		return err;
	/* Module files that were not used: say so on every command, not only in info. */
	const struct lc_modules *mods = (*ret)->modules;
	for (size_t i = 0; i < mods->nfiles; i++) {
		if (mods->files[i].status != LC_MODULE_FILE_USED)
			fprintf(stderr, "lockcore: warning: '%s': %s\n", mods->files[i].path,
				mods->files[i].note);
	}
	return NULL;
}

int lc_cli_run_report(struct lc_cli *cli, const struct lc_cli_report_command *cmd)
{
	if (cli->argc > 0) {
		fprintf(stderr, "usage: lockcore %s DUMP\n", cmd->name);
		return 2;
	}
	struct lc_program *prog;
	struct lc_error *err = lc_cli_open(cli, &prog);
	if (err)
		return lc_cli_fail(err);
	void *report;
	err = cmd->analyze(prog, &report);
	if (err) {
		lc_program_destroy(prog);
		return lc_cli_fail(err);
	}
	cmd->render(report, cli->json ? LC_RENDER_JSON : LC_RENDER_TEXT, stdout);
	cmd->destroy(report);
	lc_program_destroy(prog);
	return 0;
}

/* Global options may appear anywhere; returns how many argv entries were used, 0 if none. */
static int global_option(struct lc_cli *cli, int argc, char **argv, int i, int *status)
{
	const char *a = argv[i];
	const char *value = i + 1 < argc ? argv[i + 1] : NULL;
	const char **target = NULL;
	if (!strcmp(a, "-k") || !strcmp(a, "--vmlinux"))
		target = &cli->popts.vmlinux;
	else if (!strcmp(a, "--system-map"))
		target = &cli->popts.system_map;
	else if (!strcmp(a, "--btf"))
		target = &cli->popts.btf;
	if (target) {
		if (!value) {
			fprintf(stderr, "lockcore: %s needs a file name\n", a);
			*status = 2;
			return 1;
		}
		*target = value;
		return 2;
	}
	if (!strcmp(a, "-m") || !strcmp(a, "--module") || !strncmp(a, "--module=", 9)) {
		const char *file = a[1] == 'm' || !a[8] ? value : a + 9;
		if (!file) {
			fprintf(stderr, "lockcore: %s needs a module file or directory\n", a);
			*status = 2;
			return 1;
		}
		cli->modules[cli->nmodules++] = file;
		cli->popts.modules = cli->modules;
		cli->popts.nmodules = cli->nmodules;
		return file == value ? 2 : 1;
	}
	if (!strncmp(a, "--vmlinux=", 10)) {
		cli->popts.vmlinux = a + 10;
		return 1;
	}
	if (!strncmp(a, "--system-map=", 13)) {
		cli->popts.system_map = a + 13;
		return 1;
	}
	if (!strncmp(a, "--btf=", 6)) {
		cli->popts.btf = a + 6;
		return 1;
	}
	if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
		cli->json = true;
		return 1;
	}
	if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
		cli->quiet = true;
		return 1;
	}
	if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
		usage(stdout);
		*status = 0;
		return 1;
	}
	if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
		printf("lockcore %s\n", LOCKCORE_VERSION);
		*status = 0;
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct lc_cli cli = {0};
	/*
	 * Command arguments are gathered behind a slot holding the command name,
	 * so a command can run getopt_long(cli.argc + 1, cli.argv - 1, ...).
	 */
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	const char **dumps = calloc((size_t)argc + 1, sizeof(char *));
	cli.modules = calloc((size_t)argc + 1, sizeof(char *));
	if (!rest || !dumps || !cli.modules) {
		fprintf(stderr, "lockcore: out of memory\n");
		free(rest);
		free(dumps);
		free(cli.modules);
		return 1;
	}
	cli.dumps = dumps;
	int nrest = 0, status = -1;
	const char *name = NULL;
	/* After a split dump's first file, the files that follow it are its other parts. */
	bool more_parts = false;
	for (int i = 1; i < argc && status < 0; i++) {
		int used = global_option(&cli, argc, argv, i, &status);
		if (used) {
			i += used - 1;
			continue;
		}
		if (!name) {
			if (argv[i][0] == '-') {
				fprintf(stderr, "lockcore: unknown option '%s' (try --help)\n", argv[i]);
				status = 2;
				break;
			}
			name = argv[i];
			rest[nrest++] = argv[i];
			continue;
		}
		if (!cli.dump && argv[i][0] != '-') {
			cli.dump = argv[i];
			dumps[cli.ndumps++] = argv[i];
			more_parts = lc_dump_path_is_split_part(argv[i]);
			continue;
		}
		if (more_parts && argv[i][0] != '-') {
			if (lc_dump_path_is_kdump(argv[i])) {
				dumps[cli.ndumps++] = argv[i];
				continue;
			}
			more_parts = false;
		}
		rest[nrest++] = argv[i];
	}
	if (status >= 0) {
		free(rest);
		free(dumps);
		free(cli.modules);
		return status;
	}
	if (!name) {
		usage(stderr);
		free(rest);
		free(dumps);
		free(cli.modules);
		return 2;
	}
	const struct lc_cli_command *cmd = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0)
			cmd = &commands[i];
	}
	if (!cmd) {
		fprintf(stderr, "lockcore: unknown command '%s' (try --help)\n", name);
		free(rest);
		free(dumps);
		free(cli.modules);
		return 2;
	}
	if (!cli.dump) {
		fprintf(stderr, "usage: lockcore %s DUMP%s%s\n", cmd->name, *cmd->usage ? " " : "",
			cmd->usage);
		free(rest);
		free(dumps);
		free(cli.modules);
		return 2;
	}
	cli.argc = nrest - 1;
	cli.argv = rest + 1;
	int ret = cmd->run(&cli);
	free(rest);
	free(dumps);
	free(cli.modules);
	return ret;
}
