// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>

#include "linux/kernel.h"
#include "linux/task.h"
#include "read.h"

enum { MAX_TASKS = 1 << 22 };

/* Mirrors the kernel's task_state_array order: index = fls(state & TASK_REPORT). */
static const char state_letters[] = "RSDTtXZPI";
enum {
	TASK_REPORT = 0x7f,
	TASK_UNINTERRUPTIBLE = 0x2,
	TASK_NOLOAD = 0x400,
};

const char *lc_task_state_name(char state)
{
	switch (state) {
	case 'R':
		return "running";
	case 'S':
		return "sleeping";
	case 'D':
		return "disk sleep";
	case 'T':
		return "stopped";
	case 't':
		return "tracing stop";
	case 'X':
		return "dead";
	case 'Z':
		return "zombie";
	case 'P':
		return "parked";
	case 'I':
		return "idle";
	}
	return "unknown";
}

static char state_letter(uint64_t state, uint64_t exit_state)
{
	/* TASK_IDLE (uninterruptible but not counted in load) reads as 'I', like the kernel. */
	if (state == (TASK_UNINTERRUPTIBLE | TASK_NOLOAD))
		return 'I';
	uint64_t report = (state | exit_state) & TASK_REPORT;
	int idx = report ? 64 - __builtin_clzll(report) : 0;
	return idx < (int)sizeof(state_letters) - 1 ? state_letters[idx] : '?';
}

struct lc_error *lc_task_read(struct lc_program *prog, uint64_t addr, struct lc_task *t)
{
	struct lc_types *types;
	struct lc_error *err = lc_program_types(prog, &types);
	if (err)
		return err;
	/* 5.14 renamed task_struct.state to __state (commit 2f064a59a11f). */
	const char *state_member =
		lc_types_has_member(types, "struct task_struct", "__state") ? "__state" : "state";
	/* task->cpu exists with THREAD_INFO_IN_TASK; older layouts keep it in thread_info. */
	const char *cpu_member =
		lc_types_has_member(types, "struct task_struct", "cpu") ? "cpu" : "thread_info.cpu";

	memset(t, 0, sizeof(*t));
	t->address = addr;
	t->current_on = -1;
	uint64_t pid, tgid, state, exit_state, cpu, comm;
	if ((err = lc_read_member(prog, addr, "struct task_struct", "pid", &pid)) ||
	    (err = lc_read_member(prog, addr, "struct task_struct", "tgid", &tgid)) ||
	    (err = lc_read_member(prog, addr, "struct task_struct", state_member, &state)) ||
	    (err = lc_read_member(prog, addr, "struct task_struct", "exit_state", &exit_state)) ||
	    (err = lc_read_member(prog, addr, "struct task_struct", cpu_member, &cpu)) ||
	    (err = lc_member_address(prog, addr, "struct task_struct", "comm", &comm)) ||
	    (err = lc_read(prog, comm, t->comm, 16)))
		return lc_error_prefix(err, "reading task 0x%" PRIx64, addr);
	t->comm[16] = '\0';
	t->pid = (int32_t)pid;
	t->tgid = (int32_t)tgid;
	t->state_raw = (uint32_t)state | (uint32_t)exit_state;
	t->state = state_letter((uint32_t)state, (uint32_t)exit_state);
	t->cpu = (int)(int32_t)cpu;
	return NULL;
}

struct walk {
	struct lc_program *prog;
	struct lc_task_list *list;
	size_t capacity;
	struct lc_u64set seen;
};

static struct lc_error *add_task(struct walk *w, uint64_t addr, bool *was_present)
{
	struct lc_error *err = lc_u64set_add(&w->seen, addr, was_present);
	if (err || *was_present)
		return err;
	if (w->list->count >= MAX_TASKS)
		return lc_error_create(LC_ERR_BAD_DATA, "more than %d tasks: list is corrupt",
				       MAX_TASKS);
	if (!lc_grow((void **)&w->list->tasks, &w->capacity, w->list->count + 1,
		     sizeof(struct lc_task)))
		return lc_error_nomem;
	err = lc_task_read(w->prog, addr, &w->list->tasks[w->list->count]);
	if (err)
		return err;
	w->list->count++;
	return NULL;
}

/*
 * Walk a circular list of tasks linked through member "link" starting at
 * head (a list_head address). Stops on a node seen twice that is not the head.
 */
static struct lc_error *walk_list(struct walk *w, uint64_t head, const char *link,
				  uint64_t link_offset, uint64_t skip)
{
	uint64_t node;
	struct lc_error *err = lc_read_ulong(w->prog, head, &node);
	if (err)
		return lc_error_prefix(err, "reading list head 0x%" PRIx64, head);
	for (size_t steps = 0; node != head; steps++) {
		if (steps >= MAX_TASKS || !node)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "task list through '%s' is corrupt at 0x%" PRIx64,
					       link, node);
		uint64_t task = node - link_offset;
		if (task != skip) {
			bool seen;
			err = add_task(w, task, &seen);
			if (err)
				return err;
			if (seen && strcmp(link, "tasks") == 0)
				return lc_error_create(LC_ERR_BAD_DATA,
						       "task list loops back to 0x%" PRIx64
						       " without reaching its head",
						       task);
		}
		err = lc_read_ulong(w->prog, node, &node);
		if (err)
			return lc_error_prefix(err, "following '%s'", link);
	}
	return NULL;
}

static struct lc_error *walk_threads(struct walk *w, uint64_t leader)
{
	uint64_t signal, head, node_off;
	struct lc_error *err;
	if ((err = lc_read_member(w->prog, leader, "struct task_struct", "signal", &signal)) ||
	    (err = lc_member_address(w->prog, signal, "struct signal_struct", "thread_head",
				     &head)))
		return err;
	if (!signal)
		return NULL; /* an exiting task */
	struct lc_types *types;
	if ((err = lc_program_types(w->prog, &types)) ||
	    (err = lc_types_offsetof(types, "struct task_struct", "thread_node", &node_off)))
		return err;
	return walk_list(w, head, "thread_node", node_off, 0);
}

static void note_incomplete(struct lc_task_list *list, struct lc_error *err)
{
	if (!list->incomplete)
		list->incomplete = strdup(lc_error_message(err));
	lc_error_destroy(err);
}

static struct lc_error *collect(struct lc_program *prog, struct lc_task_list *list)
{
	struct walk w = {.prog = prog, .list = list};
	lc_u64set_init(&w.seen);
	struct lc_types *types;
	uint64_t init_task, tasks_off, head;
	bool seen;
	struct lc_error *err;
	if ((err = lc_program_types(prog, &types)) ||
	    (err = lc_symbol_address(prog, "init_task", &init_task)) ||
	    (err = lc_types_offsetof(types, "struct task_struct", "tasks", &tasks_off)) ||
	    (err = add_task(&w, init_task, &seen))) {
		lc_u64set_deinit(&w.seen);
		return err;
	}
	head = init_task + tasks_off;
	size_t leaders_start = list->count;
	err = walk_list(&w, head, "tasks", tasks_off, init_task);
	if (err)
		note_incomplete(list, err);
	size_t leaders_end = list->count;
	for (size_t i = leaders_start; i < leaders_end; i++) {
		err = walk_threads(&w, list->tasks[i].address);
		if (err)
			note_incomplete(list, lc_error_prefix(err, "threads of pid %d",
							      list->tasks[i].pid));
	}
	/* Idle tasks of CPUs other than 0 are on no list; the runqueues know them. */
	const struct lc_kernel *k;
	err = lc_kernel_get(prog, &k);
	if (!err) {
		for (unsigned c = 0; c < k->nr_cpu_ids; c++) {
			if (!k->cpus[c].idle)
				continue;
			struct lc_error *e = add_task(&w, k->cpus[c].idle, &seen);
			if (e)
				note_incomplete(list, e);
		}
		for (size_t i = 0; i < list->count; i++) {
			struct lc_task *t = &list->tasks[i];
			for (unsigned c = 0; c < k->nr_cpu_ids; c++) {
				if (k->cpus[c].idle == t->address)
					t->idle = true;
				if (k->cpus[c].curr == t->address)
					t->current_on = (int)c;
			}
		}
	} else {
		note_incomplete(list, err);
	}
	lc_u64set_deinit(&w.seen);
	return NULL;
}

struct lc_error *lc_tasks_get(struct lc_program *prog, const struct lc_task_list **ret)
{
	if (!prog->tasks) {
		struct lc_task_list *list = calloc(1, sizeof(*list));
		if (!list)
			return lc_error_nomem;
		struct lc_error *err = collect(prog, list);
		if (err) {
			lc_task_list_destroy(list);
			return err;
		}
		prog->tasks = list;
	}
	*ret = prog->tasks;
	return NULL;
}

void lc_task_list_destroy(struct lc_task_list *list)
{
	if (!list)
		return;
	free(list->tasks);
	free(list->incomplete);
	free(list);
}
