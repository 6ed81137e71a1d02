// SPDX-License-Identifier: LGPL-2.1-or-later
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const struct lc_cli_command commands[] = {
	{"info", "describe the dump: format, architecture, kernel, CPUs, crash", "", lc_cmd_info},
	{"ps", "list every task with pid, state and CPU", "", lc_cmd_ps},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: lockcore [options] COMMAND DUMP [ARGS...]\n\n"
		     "Post-mortem analysis of Linux kernel crash dumps.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\noptions:\n"
		     "  -k, --vmlinux FILE     DWARF vmlinux of the dumped kernel\n"
		     "      --system-map FILE  System.map of the dumped kernel\n"
		     "      --btf FILE         detached BTF of the dumped kernel\n"
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
	return lc_program_open(cli->dump, &cli->popts, ret);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"vmlinux", required_argument, NULL, 'k'},
		{"system-map", required_argument, NULL, 'm'},
		{"btf", required_argument, NULL, 'b'},
		{"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	struct lc_cli cli = {0};
	int c;
	while ((c = getopt_long(argc, argv, "k:jqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			cli.popts.vmlinux = optarg;
			break;
		case 'm':
			cli.popts.system_map = optarg;
			break;
		case 'b':
			cli.popts.btf = optarg;
			break;
		case 'j':
			cli.json = true;
			break;
		case 'q':
			cli.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("lockcore %s\n", LOCKCORE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[optind++];
	const struct lc_cli_command *cmd = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0)
			cmd = &commands[i];
	}
	if (!cmd) {
		fprintf(stderr, "lockcore: unknown command '%s' (try --help)\n", name);
		return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: lockcore %s DUMP%s%s\n", cmd->name, *cmd->usage ? " " : "",
			cmd->usage);
		return 2;
	}
	cli.dump = argv[optind++];
	cli.argc = argc - optind;
	cli.argv = argv + optind;
	return cmd->run(&cli);
}
