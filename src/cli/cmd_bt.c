// SPDX-License-Identifier: LGPL-2.1-or-later
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "debuginfo.h"
#include "json.h"
#include "linux/task.h"
#include "program.h"
#include "unwind.h"

enum { MAX_SELECTED = 4096 };

/* What to show, gathered before anything is printed. */
struct bt_report {
	const struct lc_stack **stacks;
	size_t count;
	const char *notes_mapping;
	int *missing; /* CPUs asked for that have no stack */
	const char **missing_reasons;
	size_t nmissing;
	char *warnings;
	const struct lc_stacks *cpus; /* NULL when only tasks were asked for */
};

/* Why a CPU has no registers (a scanned stack's header says it). */
static const char *missing_reason(const struct bt_report *r, int cpu)
{
	for (unsigned i = 0; r->cpus && i < r->cpus->nmissing; i++) {
		if (r->cpus->missing_cpus[i] == cpu)
			return r->cpus->missing_reasons[i];
	}
	return "none in the dump";
}

static bool has_stack(const struct bt_report *r, int cpu)
{
	for (size_t i = 0; i < r->count; i++) {
		if (r->stacks[i]->cpu == cpu)
			return true;
	}
	return false;
}

static const char *reg_name(const struct lc_arch_ops *arch, unsigned i)
{
	return i < arch->ngregs && arch->gregs[i] ? arch->gregs[i] : "?";
}

/*
 * Source lines and inlined calls of a frame from -k's DWARF; count 0 without
 * DWARF or for code it does not describe (modules, BPF).
 */
static void frame_source(struct lc_debuginfo *di, const struct lc_frame *fr, struct lc_source *src)
{
	src->frames = NULL;
	src->count = 0;
	if (!di || !fr->function || fr->module)
		return;
	struct lc_error *err = lc_debuginfo_source(di, fr->pc, fr->interrupted, src);
	if (err) {
		/* A unit we cannot index is shown without lines, not fatal for the trace. */
		lc_error_destroy(err);
		src->count = 0;
	}
}

static void print_location(const struct lc_source_frame *sf)
{
	if (!sf->file)
		return;
	printf(" %s", sf->file);
	if (sf->line)
		printf(":%u", sf->line);
}

static void render_text(struct lc_program *prog, const struct bt_report *r)
{
	const struct lc_arch_ops *arch = prog->arch;
	struct lc_debuginfo *di = prog->vmlinux ? lc_program_debuginfo(prog, NULL) : NULL;
	for (size_t i = 0; i < r->count; i++) {
		const struct lc_stack *st = r->stacks[i];
		if (i)
			putchar('\n');
		if (st->cpu >= 0)
			printf("CPU: %d  ", st->cpu);
		printf("PID: %d  TASK: 0x%016" PRIx64 "  COMM: \"%s\"  (registers: %s)\n", st->pid,
		       st->task, st->comm, st->regs_source ? st->regs_source : "?");
		if (st->scanned)
			printf("no registers: %s\n", missing_reason(r, st->cpu));
		if (st->cpu >= 0)
			printf("IRQs %s (%s)\n",
			       st->irqs.state == LC_IRQS_OFF  ? "off"
			       : st->irqs.state == LC_IRQS_ON ? "on"
							      : "unknown",
			       st->irqs.reason);
		enum lc_stack_kind prev = LC_STACK_UNKNOWN;
		for (size_t f = 0; f < st->count; f++) {
			const struct lc_frame *fr = &st->frames[f];
			if (f == 0 || fr->stack != prev)
				printf(" --- %s stack ---\n", lc_stack_kind_name(fr->stack));
			prev = fr->stack;
			if (fr->exception) {
				const char *irqs = fr->irqs.state == LC_IRQS_OFF  ? "off"
						   : fr->irqs.state == LC_IRQS_ON ? "on"
										  : "unknown";
				/* regs_address 0: an exception entry that saved nothing yet */
				if (fr->regs_address)
					printf("    [exception frame: pt_regs at 0x%016" PRIx64
					       "; IRQs %s: %s]\n",
					       fr->regs_address, irqs, fr->irqs.reason);
				else
					printf("    [interrupted context: the live registers, pc and "
					       "flags not saved; IRQs %s: %s]\n",
					       irqs, fr->irqs.reason);
				if (fr->call_target)
					printf("    [the call before this return address goes to "
					       "%s at 0x%016" PRIx64 "]\n",
					       fr->call_function ? fr->call_function : "?",
					       fr->call_target);
				if (fr->regs) {
					unsigned col = 0;
					for (unsigned k = 0; k < arch->ptregs_words; k++) {
						uint64_t v;
						if (!lc_regset_get(fr->regs, k, &v))
							continue;
						printf("%s%8s: %016" PRIx64, col ? "  " : "    ",
						       reg_name(arch, k), v);
						if (++col == 3) {
							putchar('\n');
							col = 0;
						}
					}
					if (col)
						putchar('\n');
				}
			}
			/* Without registers the innermost function is only the callee of #0. */
			if (st->scanned && f == 0 && fr->call_target)
				printf("    [innermost function unknown; the call before #0's return "
				       "address goes to %s at 0x%016" PRIx64 "]\n",
				       fr->call_function ? fr->call_function : "?",
				       fr->call_target);
			else if (st->scanned && f == 0)
				printf("    [innermost function unknown: no direct call before #0's return address]\n");
			/*
			 * With DWARF, the calls inlined at this frame's pc come
			 * first, innermost first, as drgn and gdb list them.
			 */
			struct lc_source src;
			frame_source(di, fr, &src);
			for (size_t k = 0; k + 1 < src.count; k++) {
				printf("     %-18s %s", "[inlined]",
				       src.frames[k].function ? src.frames[k].function : "?");
				print_location(&src.frames[k]);
				putchar('\n');
			}
			printf(" #%-2zu [%016" PRIx64 "] ", f, fr->sp);
			if (fr->function)
				printf("%s+0x%" PRIx64, fr->function, fr->offset);
			else
				printf("?");
			if (fr->module)
				printf(" [%s]", fr->module);
			printf(" at %016" PRIx64 "%s", fr->pc,
			       fr->guessed ? " (found by scanning the stack)" : "");
			/* How each frame was found matters once there are several methods. */
			if (di)
				printf(" (%s)", lc_unwind_method_name(fr->method));
			if (src.count)
				print_location(&src.frames[src.count - 1]);
			putchar('\n');
		}
		printf(" %s: %s\n", st->complete ? "end" : "unwind stopped",
		       st->stopped ? st->stopped : "?");
	}
	for (size_t i = 0, shown = 0; i < r->nmissing; i++) {
		if (has_stack(r, r->missing[i]))
			continue; /* said in its scanned stack's header */
		printf("%sCPU: %d  no registers: %s\n", r->count || shown++ ? "\n" : "",
		       r->missing[i], r->missing_reasons[i]);
	}
	if (r->warnings)
		printf("\nwarning: %s\n", r->warnings);
}

static void json_irqs(struct lc_json *j, const struct lc_irq_info *irq)
{
	lc_json_key(j, "irqs_disabled");
	if (irq->state == LC_IRQS_UNKNOWN)
		lc_json_null(j);
	else
		lc_json_bool(j, irq->state == LC_IRQS_OFF);
	lc_json_key(j, "irqs_reason");
	lc_json_string(j, irq->reason);
}

static void json_source(struct lc_json *j, const struct lc_source_frame *sf)
{
	lc_json_key(j, "file");
	lc_json_string(j, sf ? sf->file : NULL);
	lc_json_key(j, "line");
	if (sf && sf->line)
		lc_json_uint(j, sf->line);
	else
		lc_json_null(j);
	lc_json_key(j, "column");
	if (sf && sf->column)
		lc_json_uint(j, sf->column);
	else
		lc_json_null(j);
}

/* An inlined call at fr's pc: a frame of its own, as drgn lists it. */
static void json_inline_frame(struct lc_json *j, const struct lc_frame *fr,
			      const struct lc_source_frame *sf)
{
	lc_json_begin_object(j);
	lc_json_key(j, "function");
	lc_json_string(j, sf->function);
	lc_json_key(j, "offset");
	lc_json_null(j);
	lc_json_key(j, "address");
	lc_json_address(j, fr->pc);
	lc_json_key(j, "module");
	lc_json_null(j);
	lc_json_key(j, "stack");
	lc_json_string(j, lc_stack_kind_name(fr->stack));
	lc_json_key(j, "sp");
	lc_json_address(j, fr->sp);
	lc_json_key(j, "exception");
	lc_json_bool(j, false);
	lc_json_key(j, "guessed");
	lc_json_bool(j, fr->guessed);
	lc_json_key(j, "method");
	lc_json_null(j);
	lc_json_key(j, "inlined");
	lc_json_bool(j, true);
	json_source(j, sf);
	lc_json_end_object(j);
}

static void render_json(struct lc_program *prog, const struct bt_report *r)
{
	const struct lc_arch_ops *arch = prog->arch;
	struct lc_debuginfo *di = prog->vmlinux ? lc_program_debuginfo(prog, NULL) : NULL;
	struct lc_json j;
	lc_json_init(&j, stdout, true);
	lc_json_begin_object(&j);
	lc_json_key(&j, "stacks");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < r->count; i++) {
		const struct lc_stack *st = r->stacks[i];
		lc_json_begin_object(&j);
		lc_json_key(&j, "cpu");
		if (st->cpu >= 0)
			lc_json_int(&j, st->cpu);
		else
			lc_json_null(&j);
		lc_json_key(&j, "pid");
		lc_json_int(&j, st->pid);
		lc_json_key(&j, "comm");
		lc_json_string(&j, st->comm);
		lc_json_key(&j, "task");
		lc_json_address(&j, st->task);
		lc_json_key(&j, "registers_from");
		lc_json_string(&j, st->regs_source);
		lc_json_key(&j, "scanned");
		lc_json_bool(&j, st->scanned);
		if (st->cpu >= 0) {
			json_irqs(&j, &st->irqs);
		} else {
			lc_json_key(&j, "irqs_disabled");
			lc_json_null(&j);
			lc_json_key(&j, "irqs_reason");
			lc_json_string(&j, "not running on a CPU");
		}
		lc_json_key(&j, "frames");
		lc_json_begin_array(&j);
		for (size_t f = 0; f < st->count; f++) {
			const struct lc_frame *fr = &st->frames[f];
			struct lc_source src;
			frame_source(di, fr, &src);
			for (size_t k = 0; k + 1 < src.count; k++)
				json_inline_frame(&j, fr, &src.frames[k]);
			lc_json_begin_object(&j);
			lc_json_key(&j, "function");
			lc_json_string(&j, fr->function);
			lc_json_key(&j, "offset");
			if (fr->function)
				lc_json_uint(&j, fr->offset);
			else
				lc_json_null(&j);
			lc_json_key(&j, "address");
			lc_json_address(&j, fr->pc);
			lc_json_key(&j, "module");
			lc_json_string(&j, fr->module);
			lc_json_key(&j, "stack");
			lc_json_string(&j, lc_stack_kind_name(fr->stack));
			lc_json_key(&j, "sp");
			lc_json_address(&j, fr->sp);
			lc_json_key(&j, "exception");
			lc_json_bool(&j, fr->exception);
			lc_json_key(&j, "guessed");
			lc_json_bool(&j, fr->guessed);
			lc_json_key(&j, "method");
			lc_json_string(&j, lc_unwind_method_name(fr->method));
			if (fr->call_target) {
				lc_json_key(&j, "call_target");
				lc_json_address(&j, fr->call_target);
				lc_json_key(&j, "call_function");
				lc_json_string(&j, fr->call_function);
			}
			lc_json_key(&j, "inlined");
			lc_json_bool(&j, false);
			json_source(&j, src.count ? &src.frames[src.count - 1] : NULL);
			if (fr->exception) {
				lc_json_key(&j, "regs_address");
				if (fr->regs_address)
					lc_json_address(&j, fr->regs_address);
				else
					lc_json_null(&j);
				json_irqs(&j, &fr->irqs);
				lc_json_key(&j, "registers");
				lc_json_begin_object(&j);
				for (unsigned k = 0; fr->regs && k < arch->ptregs_words; k++) {
					uint64_t v;
					if (!lc_regset_get(fr->regs, k, &v) || !arch->gregs[k])
						continue;
					lc_json_key(&j, arch->gregs[k]);
					lc_json_address(&j, v);
				}
				lc_json_end_object(&j);
			}
			lc_json_end_object(&j);
		}
		lc_json_end_array(&j);
		lc_json_key(&j, "stopped");
		lc_json_string(&j, st->stopped);
		lc_json_key(&j, "complete");
		lc_json_bool(&j, st->complete);
		lc_json_end_object(&j);
	}
	lc_json_end_array(&j);
	lc_json_key(&j, "missing_cpus");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < r->nmissing; i++)
		lc_json_int(&j, r->missing[i]);
	lc_json_end_array(&j);
	lc_json_key(&j, "missing_reasons");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < r->nmissing; i++)
		lc_json_string(&j, r->missing_reasons[i]);
	lc_json_end_array(&j);
	lc_json_key(&j, "notes_mapping");
	lc_json_string(&j, r->notes_mapping);
	lc_json_key(&j, "warnings");
	lc_json_string(&j, r->warnings);
	lc_json_end_object(&j);
	lc_json_finish(&j);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: lockcore bt DUMP [-a | CPU... | -p PID...]\n"
		     "  -a, --all        every CPU (the default)\n"
		     "  -p, --pid PID    the task(s) with this pid (repeatable)\n"
		     "  CPU              only these CPUs\n");
}

static bool add_stack(struct bt_report *r, const struct lc_stack *st)
{
	for (size_t i = 0; i < r->count; i++) {
		if (r->stacks[i] == st)
			return true;
	}
	if (r->count >= MAX_SELECTED)
		return false;
	r->stacks[r->count++] = st;
	return true;
}

static void add_missing(struct bt_report *r, const struct lc_stacks *s, int cpu)
{
	for (unsigned i = 0; i < s->nmissing; i++) {
		if (s->missing_cpus[i] == cpu && r->nmissing < MAX_SELECTED) {
			r->missing[r->nmissing] = cpu;
			r->missing_reasons[r->nmissing++] = s->missing_reasons[i];
			return;
		}
	}
	if (r->nmissing < MAX_SELECTED) {
		r->missing[r->nmissing] = cpu;
		r->missing_reasons[r->nmissing++] = "no registers for this CPU (not present?)";
	}
}

static int parse_int(const char *s, long max, long *ret)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 0 || v > max)
		return -1;
	*ret = v;
	return 0;
}

int lc_cmd_bt(struct lc_cli *cli)
{
	static const struct option longopts[] = {
		{"all", no_argument, NULL, 'a'},
		{"pid", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static long pids[MAX_SELECTED];
	size_t npids = 0;
	bool all = false;
	int c;
	optind = 0;
	while ((c = getopt_long(cli->argc + 1, cli->argv - 1, "ap:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'p':
			if (npids >= LC_ARRAY_SIZE(pids) ||
			    parse_int(optarg, INT32_MAX, &pids[npids])) {
				fprintf(stderr, "lockcore: bad pid '%s'\n", optarg);
				return 2;
			}
			npids++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	long cpus_asked[256];
	size_t ncpus_asked = 0;
	for (int i = optind - 1; i < cli->argc; i++) {
		if (ncpus_asked >= LC_ARRAY_SIZE(cpus_asked) ||
		    parse_int(cli->argv[i], 65535, &cpus_asked[ncpus_asked])) {
			fprintf(stderr, "lockcore: bad CPU number '%s'\n", cli->argv[i]);
			return 2;
		}
		ncpus_asked++;
	}
	if (!npids && !ncpus_asked)
		all = true;

	struct lc_program *prog;
	struct lc_error *err = lc_cli_open(cli, &prog);
	if (err)
		return lc_cli_fail(err);
	struct bt_report r = {0};
	r.stacks = calloc(MAX_SELECTED, sizeof(*r.stacks));
	r.missing = calloc(MAX_SELECTED, sizeof(*r.missing));
	r.missing_reasons = calloc(MAX_SELECTED, sizeof(*r.missing_reasons));
	int status = 0;
	if (!r.stacks || !r.missing || !r.missing_reasons) {
		status = lc_cli_fail(lc_error_nomem);
		goto out;
	}
	const struct lc_stacks *cs = NULL;
	if (all || ncpus_asked) {
		err = lc_stacks_cpus(prog, &cs);
		if (err) {
			status = lc_cli_fail(lc_error_prefix(err, "unwinding the CPUs"));
			goto out;
		}
		if (cs->warnings)
			r.warnings = strdup(cs->warnings);
		r.notes_mapping = cs->notes_mapping;
		r.cpus = cs;
	}
	if (all) {
		for (unsigned i = 0; i < cs->nr_cpus; i++) {
			if (cs->cpu_has_stack[i])
				add_stack(&r, &cs->cpus[i]);
		}
		for (unsigned i = 0; i < cs->nmissing; i++)
			add_missing(&r, cs, cs->missing_cpus[i]);
	}
	for (size_t i = 0; i < ncpus_asked; i++) {
		long cpu = cpus_asked[i];
		if ((unsigned long)cpu < cs->nr_cpus && cs->cpu_has_stack[cpu])
			add_stack(&r, &cs->cpus[cpu]);
		else if (!all)
			add_missing(&r, cs, (int)cpu);
	}
	if (npids) {
		const struct lc_task_list *tl;
		err = lc_tasks_get(prog, &tl);
		if (err) {
			status = lc_cli_fail(lc_error_prefix(err, "listing tasks"));
			goto out;
		}
		for (size_t p = 0; p < npids; p++) {
			bool found = false;
			for (size_t t = 0; t < tl->count; t++) {
				if (tl->tasks[t].pid != pids[p])
					continue;
				const struct lc_stack *st;
				err = lc_stacks_task(prog, tl->tasks[t].address, &st);
				if (err) {
					status = lc_cli_fail(
						lc_error_prefix(err, "unwinding pid %ld", pids[p]));
					goto out;
				}
				add_stack(&r, st);
				found = true;
			}
			if (!found) {
				status = lc_cli_fail(lc_error_create(
					LC_ERR_LOOKUP, "no task with pid %ld", pids[p]));
				goto out;
			}
		}
	}
	if (cli->json)
		render_json(prog, &r);
	else
		render_text(prog, &r);
out:
	free(r.stacks);
	free(r.missing);
	free(r.missing_reasons);
	free(r.warnings);
	lc_program_destroy(prog);
	return status;
}
