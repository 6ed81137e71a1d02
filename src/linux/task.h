/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tasks: every thread of the dumped kernel, plus each CPU's idle task. */
#ifndef LC_LINUX_TASK_H
#define LC_LINUX_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "lockcore/error.h"

struct lc_program;

struct lc_task {
	uint64_t address;
	int32_t pid, tgid;
	char comm[17];
	char state;         /* ps letter: R S D T t X Z P I */
	uint64_t state_raw; /* __state (or state) | exit_state */
	int cpu;            /* the CPU it last ran on */
	int current_on;     /* CPU where it is rq->curr, or -1 */
	bool idle;          /* a per-CPU idle (swapper) task */
};

struct lc_task_list {
	struct lc_task *tasks;
	size_t count;
	/* Why the walk stopped early (corrupt list, unreadable page), or NULL. */
	char *incomplete;
};

/* All tasks, read once per program (borrowed). Partial results come with ->incomplete. */
struct lc_error *lc_tasks_get(struct lc_program *prog, const struct lc_task_list **ret);
void lc_task_list_destroy(struct lc_task_list *list);
/* Read one task at addr. */
struct lc_error *lc_task_read(struct lc_program *prog, uint64_t addr, struct lc_task *ret);
/* The full word for a state letter ("running", "sleeping", ...). */
const char *lc_task_state_name(char state);

#endif
