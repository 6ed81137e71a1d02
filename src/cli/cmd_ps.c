// SPDX-License-Identifier: LGPL-2.1-or-later
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"
#include "json.h"
#include "linux/task.h"
#include "program.h"

static void render_json(const struct lc_task_list *list)
{
	struct lc_json j;
	lc_json_init(&j, stdout, true);
	lc_json_begin_object(&j);
	lc_json_key(&j, "tasks");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < list->count; i++) {
		const struct lc_task *t = &list->tasks[i];
		lc_json_begin_object(&j);
		lc_json_key(&j, "pid");
		lc_json_int(&j, t->pid);
		lc_json_key(&j, "tgid");
		lc_json_int(&j, t->tgid);
		lc_json_key(&j, "comm");
		lc_json_string(&j, t->comm);
		lc_json_key(&j, "state");
		char st[2] = {t->state, 0};
		lc_json_string(&j, st);
		lc_json_key(&j, "cpu");
		lc_json_int(&j, t->cpu);
		lc_json_key(&j, "current_on");
		if (t->current_on >= 0)
			lc_json_int(&j, t->current_on);
		else
			lc_json_null(&j);
		lc_json_key(&j, "idle");
		lc_json_bool(&j, t->idle);
		lc_json_key(&j, "address");
		lc_json_address(&j, t->address);
		lc_json_end_object(&j);
	}
	lc_json_end_array(&j);
	lc_json_key(&j, "incomplete");
	lc_json_string(&j, list->incomplete);
	lc_json_end_object(&j);
	lc_json_finish(&j);
}

static void render_text(const struct lc_task_list *list)
{
	printf("%7s %7s %3s %2s %-18s %s\n", "PID", "TGID", "CPU", "ST", "TASK", "COMM");
	for (size_t i = 0; i < list->count; i++) {
		const struct lc_task *t = &list->tasks[i];
		printf("%c%6d %7d %3d %2c 0x%016" PRIx64 " %s%s%s\n", t->current_on >= 0 ? '>' : ' ',
		       t->pid, t->tgid, t->cpu, t->state, t->address, t->idle ? "[" : "", t->comm,
		       t->idle ? "]" : "");
	}
	if (list->incomplete)
		printf("warning: task list incomplete: %s\n", list->incomplete);
}

int lc_cmd_ps(struct lc_cli *cli)
{
	if (cli->argc > 0) {
		fprintf(stderr,
			"lockcore: ps: unexpected argument '%s' (usage: lockcore ps "
			"DUMP [MORE SPLIT PARTS])\n",
			cli->argv[0]);
		return 2;
	}
	struct lc_program *prog;
	struct lc_error *err = lc_cli_open(cli, &prog);
	if (err)
		return lc_cli_fail(err);
	const struct lc_task_list *list;
	err = lc_tasks_get(prog, &list);
	if (err) {
		lc_program_destroy(prog);
		return lc_cli_fail(lc_error_prefix(err, "listing tasks"));
	}
	if (cli->json)
		render_json(list);
	else
		render_text(list);
	lc_program_destroy(prog);
	return 0;
}
