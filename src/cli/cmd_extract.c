// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * extract --minimal: run the analyses while recording every physical page
 * they read, write a dump holding only those pages plus the notes, then open
 * the new dump, run the same analyses and check the answers are the same.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "extract.h"
#include "linux/kernel.h"
#include "linux/printk.h"
#include "linux/task.h"
#include "program.h"
#include "unwind.h"

/* The reports whose answers a minimal dump must give unchanged. */
static const struct lc_cli_report_command *const compared[] = {
	&lc_cli_locks_report,
	&lc_cli_ipi_report,
	&lc_cli_rtas_report,
};
enum { NREPORTS = sizeof(compared) / sizeof(compared[0]) };

/* Their answers (JSON) on the source dump, kept from the recorded run. */
struct reports {
	char *json[NREPORTS];
};

static struct lc_error *render_reports(struct lc_program *prog, struct reports *ret);
static void reports_free(struct reports *r);

/*
 * The analyses whose pages a minimal dump keeps. Each reads through the
 * program's caches, so running them once is enough; the lock and IPI reports
 * are not cached, so their renderings are kept for the comparison.
 */
static struct lc_error *run_analyses(struct lc_program *prog, struct reports *ret)
{
	const struct lc_kernel *k;
	struct lc_error *err = lc_kernel_get(prog, &k);
	if (err)
		return err;
	const struct lc_task_list *tasks;
	err = lc_tasks_get(prog, &tasks);
	if (err)
		return err;
	/* Log and stacks: a reader that cannot finish still reports its partial answer,
	 * which the comparison below then demands of the small dump too. */
	const struct lc_printk_log *log;
	lc_error_destroy(lc_printk_get(prog, &log));
	const struct lc_stacks *stacks;
	lc_error_destroy(lc_stacks_cpus(prog, &stacks));
	for (size_t i = 0; i < tasks->count; i++) {
		const struct lc_stack *st;
		if (tasks->tasks[i].state == 'D')
			lc_error_destroy(lc_stacks_task(prog, tasks->tasks[i].address, &st));
	}
	return render_reports(prog, ret);
}

/* One report as its JSON, the form in which two dumps' answers compare. */
static struct lc_error *render_json(struct lc_program *prog,
				    const struct lc_cli_report_command *cmd, char **ret)
{
	void *report;
	size_t size;
	struct lc_error *err = cmd->analyze(prog, &report);
	if (err)
		return lc_error_prefix(err, "analyzing %s", cmd->what);
	FILE *f = open_memstream(ret, &size);
	if (f) {
		cmd->render(report, LC_RENDER_JSON, f);
		fclose(f);
	}
	cmd->destroy(report);
	return f ? NULL : lc_error_nomem;
}

static struct lc_error *render_reports(struct lc_program *prog, struct reports *ret)
{
	struct lc_error *err = NULL;
	for (size_t i = 0; !err && i < NREPORTS; i++)
		err = render_json(prog, compared[i], &ret->json[i]);
	return err;
}

static void reports_free(struct reports *r)
{
	for (size_t i = 0; i < NREPORTS; i++)
		free(r->json[i]);
}

static struct lc_error *compare_reports(const struct reports *a, struct lc_program *b)
{
	struct reports rb = {0};
	struct lc_error *err = render_reports(b, &rb);
	for (size_t i = 0; !err && i < NREPORTS; i++) {
		if (strcmp(a->json[i], rb.json[i]) != 0)
			err = lc_error_create(LC_ERR_BAD_DATA, "the %s reports differ",
					      compared[i]->what);
	}
	reports_free(&rb);
	return err;
}

static struct lc_error *compare_logs(struct lc_program *a, struct lc_program *b)
{
	const struct lc_printk_log *la, *lb;
	struct lc_error *ea = lc_printk_get(a, &la), *eb = lc_printk_get(b, &lb);
	bool same_failure = (ea == NULL) == (eb == NULL);
	lc_error_destroy(ea);
	lc_error_destroy(eb);
	if (!same_failure)
		return lc_error_create(LC_ERR_BAD_DATA, "the kernel log reads in one dump only");
	if (!la || !lb)
		return NULL;
	if (la->count != lb->count)
		return lc_error_create(LC_ERR_BAD_DATA, "log records differ: %zu vs %zu", la->count,
				       lb->count);
	for (size_t i = 0; i < la->count; i++) {
		const struct lc_printk_record *x = &la->records[i], *y = &lb->records[i];
		if (x->seq != y->seq || x->ts_nsec != y->ts_nsec || x->text_len != y->text_len ||
		    memcmp(x->text, y->text, x->text_len))
			return lc_error_create(LC_ERR_BAD_DATA, "log record %zu differs", i);
	}
	return NULL;
}

static bool same_stack(const struct lc_stack *x, const struct lc_stack *y)
{
	if (x->count != y->count)
		return false;
	for (size_t f = 0; f < x->count; f++) {
		if (x->frames[f].pc != y->frames[f].pc || x->frames[f].sp != y->frames[f].sp)
			return false;
	}
	return true;
}

static struct lc_error *compare_stacks(struct lc_program *a, struct lc_program *b)
{
	const struct lc_stacks *sa, *sb;
	struct lc_error *ea = lc_stacks_cpus(a, &sa), *eb = lc_stacks_cpus(b, &sb);
	bool same_failure = (ea == NULL) == (eb == NULL);
	lc_error_destroy(ea);
	lc_error_destroy(eb);
	if (!same_failure)
		return lc_error_create(LC_ERR_BAD_DATA, "CPU stacks read in one dump only");
	if (!sa || !sb)
		return NULL;
	if (sa->nr_cpus != sb->nr_cpus)
		return lc_error_create(LC_ERR_BAD_DATA, "CPU stack count differs");
	for (unsigned c = 0; c < sa->nr_cpus; c++) {
		if (sa->cpu_has_stack[c] != sb->cpu_has_stack[c] ||
		    (sa->cpu_has_stack[c] && !same_stack(&sa->cpus[c], &sb->cpus[c])))
			return lc_error_create(LC_ERR_BAD_DATA, "the stack of CPU %u differs", c);
	}
	return NULL;
}

/* What must come out the same from both dumps. */
static struct lc_error *compare(struct lc_program *a, const struct reports *ra,
			       struct lc_program *b)
{
	const struct lc_kernel *ka, *kb;
	const struct lc_task_list *ta, *tb;
	struct lc_error *err;
	if ((err = lc_kernel_get(a, &ka)) || (err = lc_kernel_get(b, &kb)) ||
	    (err = lc_tasks_get(a, &ta)) || (err = lc_tasks_get(b, &tb)))
		return err;
	if (strcmp(ka->release, kb->release) || ka->possible_count != kb->possible_count ||
	    ka->online_count != kb->online_count || ka->crashed_cpu != kb->crashed_cpu ||
	    ka->uptime_ns != kb->uptime_ns)
		return lc_error_create(LC_ERR_BAD_DATA, "kernel basics differ");
	if (ta->count != tb->count)
		return lc_error_create(LC_ERR_BAD_DATA, "task count differs: %zu vs %zu",
				       ta->count, tb->count);
	for (size_t i = 0; i < ta->count; i++) {
		const struct lc_task *x = &ta->tasks[i], *y = &tb->tasks[i];
		if (x->address != y->address || x->pid != y->pid || x->state != y->state ||
		    x->cpu != y->cpu || strcmp(x->comm, y->comm))
			return lc_error_create(LC_ERR_BAD_DATA, "task %zu (pid %d) differs", i,
					       x->pid);
	}
	if (!!ta->incomplete != !!tb->incomplete)
		return lc_error_create(LC_ERR_BAD_DATA, "task list completeness differs");
	for (size_t i = 0; i < ta->count; i++) {
		if (ta->tasks[i].state != 'D')
			continue;
		const struct lc_stack *x = NULL, *y = NULL;
		lc_error_destroy(lc_stacks_task(a, ta->tasks[i].address, &x));
		lc_error_destroy(lc_stacks_task(b, tb->tasks[i].address, &y));
		if (!x != !y || (x && !same_stack(x, y)))
			return lc_error_create(LC_ERR_BAD_DATA, "the stack of pid %d differs",
					       ta->tasks[i].pid);
	}
	if ((err = compare_logs(a, b)) || (err = compare_stacks(a, b)))
		return err;
	return compare_reports(ra, b);
}

static void record(void *arg, uint64_t page)
{
	struct lc_u64set *set = arg;
	bool present;
	lc_error_destroy(lc_u64set_add(set, page, &present));
}

static void usage(void)
{
	fprintf(stderr, "usage: lockcore extract DUMP --minimal [--zstd] OUTPUT\n");
}

int lc_cmd_extract(struct lc_cli *cli)
{
	static const struct option opts[] = {
		{"minimal", no_argument, NULL, 'm'},
		{"zstd", no_argument, NULL, 'z'},
		{0},
	};
	bool minimal = false, zstd = false;
	int c;
	optind = 0;
	/* No short -m: the global -m (--module) is taken before the command sees it. */
	while ((c = getopt_long(cli->argc + 1, cli->argv - 1, "z", opts, NULL)) != -1) {
		if (c == 'm')
			minimal = true;
		else if (c == 'z')
			zstd = true;
		else {
			usage();
			return 2;
		}
	}
	if (!minimal || optind != cli->argc) {
		usage();
		return 2;
	}
	const char *out = cli->argv[optind - 1];

	struct lc_u64set pages;
	lc_u64set_init(&pages);
	cli->popts.page_recorder = record;
	cli->popts.page_recorder_arg = &pages;
	struct lc_program *prog;
	struct lc_error *err = lc_cli_open(cli, &prog);
	cli->popts.page_recorder = NULL;
	if (err) {
		lc_u64set_deinit(&pages);
		return lc_cli_fail(err);
	}
	struct reports reports = {0};
	err = run_analyses(prog, &reports);
	lc_dump_set_recorder(prog->dump, NULL, NULL);

	/* The set's slots hold the pages (0 is tracked on the side). */
	uint64_t *list = NULL;
	size_t n = 0;
	if (!err) {
		list = malloc((pages.count + 1) * sizeof(*list));
		if (!list)
			err = lc_error_nomem;
	}
	if (!err) {
		for (size_t i = 0; i < pages.capacity; i++) {
			if (pages.slots[i])
				list[n++] = pages.slots[i];
		}
		if (pages.has_zero)
			list[n++] = 0;
	}
	lc_u64set_deinit(&pages);

	char *elf_path = NULL;
	struct lc_extract_stats st;
	if (!err && asprintf(&elf_path, "%s%s", out, zstd ? ".elf.tmp" : "") < 0)
		err = lc_error_nomem;
	if (!err)
		err = lc_extract_write_elf(prog, list, n, elf_path, &st);
	free(list);
	if (!err && zstd) {
		err = lc_compress_file_zstd(elf_path, out, 19);
		unlink(elf_path);
	}
	free(elf_path);
	if (err) {
		reports_free(&reports);
		lc_program_destroy(prog);
		return lc_cli_fail(lc_error_prefix(err, "extracting"));
	}

	struct lc_program *small;
	struct lc_program_options small_opts = cli->popts;
	small_opts.progress = NULL;
	err = lc_program_open(out, &small_opts, &small);
	if (!err) {
		err = compare(prog, &reports, small);
		lc_program_destroy(small);
	}
	reports_free(&reports);
	lc_program_destroy(prog);
	if (err)
		return lc_cli_fail(lc_error_prefix(err, "the minimal dump '%s' does not give the "
							"same answer", out));
	fprintf(stderr,
		"wrote '%s': %zu pages in %zu segments (%zu recorded, %zu absent from the source); "
		"same answer verified\n",
		out, st.pages_written, st.segments, st.pages_requested, st.pages_unreadable);
	return 0;
}
