// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IPI waits. A CPU in smp_call_function_many_cond() waits, target by target,
 * for the csd in its per-CPU cfd_data to lose CSD_FLAG_LOCK; the targets still
 * holding a locked csd are the ones that have not run the call. A CPU in
 * smp_call_function_single() waits on one csd (on its stack or in csd_data),
 * found by looking for it in the targets' call_single_queue.
 */
#include <stdarg.h>
#include <stdio.h>

#include "linux/csd.h"
#include "linux/kernel.h"
#include "linux/locks.h"
#include "read.h"

enum {
	CSD_FLAG_LOCK = 0x01,
	CSD_TYPE_MASK = 0xf0,
	MAX_QUEUE = 4096, /* csds walked per call_single_queue */
	MAX_WAIT_SCAN = 16384,
};

struct ctx {
	struct lc_program *prog;
	struct lc_types *types;
	const struct lc_kernel *k;
	const struct lc_stacks *stacks;
	struct lc_ipi_report *r;
	size_t problems_len, problems_cap;
	uint64_t flags_off, func_off;
};

static void problem(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct ctx *c, const char *fmt, ...)
{
	char line[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	size_t len = strlen(line);
	if (!lc_grow((void **)&c->r->problems, &c->problems_cap, c->problems_len + len + 2, 1))
		return;
	memcpy(c->r->problems + c->problems_len, line, len);
	c->problems_len += len;
	c->r->problems[c->problems_len++] = '\n';
	c->r->problems[c->problems_len] = '\0';
}

static const char *csd_type(uint32_t flags)
{
	switch (flags & CSD_TYPE_MASK) {
	case 0x00:
		return "async";
	case 0x10:
		return "sync";
	case 0x20:
		return "irq_work";
	case 0x30:
		return "ttwu";
	}
	return "unknown";
}

static struct lc_error *read_csd(struct ctx *c, uint64_t addr, struct lc_csd *ret)
{
	uint64_t flags, func = 0;
	struct lc_error *err = lc_read_uint(c->prog, addr + c->flags_off, 4, &flags);
	if (err)
		return err;
	memset(ret, 0, sizeof(*ret));
	ret->address = addr;
	ret->queued_on = -1;
	ret->flags = (uint32_t)flags;
	ret->locked = flags & CSD_FLAG_LOCK;
	ret->type = csd_type(ret->flags);
	/* only smp.c's own calls record them: irq_work and ttwu entries leave them zero */
	if ((flags & CSD_TYPE_MASK) <= 0x10)
		lc_csd_debug_src_dst(c->prog, &c->r->debug, addr, &ret->src, &ret->dst);
	else
		ret->src = ret->dst = -1;
	/* irq_work and ttwu entries share only the node: no function pointer there */
	if ((flags & CSD_TYPE_MASK) <= 0x10) {
		lc_error_destroy(lc_read_ulong(c->prog, addr + c->func_off, &func));
		ret->func = func;
		lc_locks_symbolize(c->prog, func, ret->func_name, sizeof(ret->func_name), NULL);
	}
	return NULL;
}

static void read_queues(struct ctx *c)
{
	uint64_t q;
	struct lc_error *err = lc_symbol_address(c->prog, "call_single_queue", &q);
	if (err) {
		problem(c, "call_single_queue: %s", lc_error_message(err));
		lc_error_destroy(err);
		return;
	}
	for (unsigned cpu = 0; cpu < c->k->nr_cpu_ids; cpu++) {
		if (!c->k->cpus[cpu].possible)
			continue;
		uint64_t head, node;
		err = lc_percpu_address(c->prog, q, cpu, &head);
		if (!err)
			err = lc_read_ulong(c->prog, head, &node);
		struct lc_u64set seen;
		lc_u64set_init(&seen);
		for (unsigned n = 0; !err && node && n < MAX_QUEUE; n++) {
			bool dup = false;
			if ((err = lc_u64set_add(&seen, node, &dup)))
				break;
			if (dup) {
				problem(c, "call_single_queue of cpu %u loops", cpu);
				break;
			}
			struct lc_csd csd;
			/* the llist node is the first member of every csd-like entry */
			if ((err = read_csd(c, node, &csd)))
				break;
			csd.queued_on = (int)cpu;
			if (lc_grow((void **)&c->r->queued, &c->r->queued_capacity,
				    c->r->nqueued + 1, sizeof(*c->r->queued)))
				c->r->queued[c->r->nqueued++] = csd;
			err = lc_read_ulong(c->prog, node, &node);
		}
		lc_u64set_deinit(&seen);
		if (err) {
			problem(c, "call_single_queue of cpu %u: %s", cpu, lc_error_message(err));
			lc_error_destroy(err);
			err = NULL;
		}
	}
}

static const char *const many_waits[] = {
	"smp_call_function_many_cond", "smp_call_function_many", "on_each_cpu_cond_mask",
	"kick_all_cpus_sync",	       "smp_call_function",
};
static const char *const single_waits[] = {
	"smp_call_function_single",
	"smp_call_function_any",
	"smp_call_function_single_async",
};

static bool name_is(const char *function, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (lc_symbol_base_is(function, names[i]))
			return true;
	}
	return false;
}

static bool add_target(struct ctx *c, struct lc_ipi_wait *w, int cpu, uint64_t csd, bool queued)
{
	struct lc_ipi_target *t = realloc(w->targets, (w->ntargets + 1) * sizeof(*t));
	if (!t)
		return false;
	w->targets = t;
	t += w->ntargets++;
	t->cpu = cpu;
	t->csd = csd;
	t->queued = queued;
	t->irqs = (unsigned)cpu < c->stacks->nr_cpus && c->stacks->cpu_has_stack[cpu]
			  ? c->stacks->cpus[cpu].irqs.state
			  : LC_IRQS_UNKNOWN;
	return true;
}

static bool csd_queued(const struct ctx *c, uint64_t csd)
{
	for (size_t i = 0; i < c->r->nqueued; i++) {
		if (c->r->queued[i].address == csd)
			return true;
	}
	return false;
}

/* smp_call_function_many_cond's targets: this CPU's cfd_data csds that are still locked. */
static void many_targets(struct ctx *c, unsigned cpu, struct lc_ipi_wait *w)
{
	uint64_t cfd, pcpu, mask, csd_off = 0;
	struct lc_error *err = lc_symbol_address(c->prog, "cfd_data", &cfd);
	if (!err)
		err = lc_percpu_address(c->prog, cfd, cpu, &cfd);
	/*
	 * The per-CPU csds hang off cfd_data->pcpu (struct cfd_percpu, which
	 * wraps the csd) since the CSD lock-wait debugging rework; 5.10 points at
	 * the call_single_data_t array directly through ->csd.
	 */
	bool wrapped = lc_types_has_member(c->types, "struct call_function_data", "pcpu");
	if (!err)
		err = lc_read_member(c->prog, cfd, "struct call_function_data",
				     wrapped ? "pcpu" : "csd", &pcpu);
	if (!err)
		err = lc_member_address(c->prog, cfd, "struct call_function_data", "cpumask",
					&mask);
	if (err) {
		problem(c, "cfd_data of cpu %u: %s", cpu, lc_error_message(err));
		lc_error_destroy(err);
		return;
	}
	if (wrapped)
		lc_error_destroy(lc_types_offsetof(c->types, "struct cfd_percpu", "csd", &csd_off));
	/* cpumask_var_t is a pointer with CONFIG_CPUMASK_OFFSTACK, else the mask itself. */
	struct lc_member_info mi;
	if (!lc_failed(
		    lc_types_member_info(c->types, "struct call_function_data", "cpumask", &mi)) &&
	    lc_type_unqualified(mi.type)->kind == LC_TYPE_POINTER) {
		if ((err = lc_read_ulong(c->prog, mask, &mask))) {
			problem(c, "cfd_data cpumask of cpu %u: %s", cpu, lc_error_message(err));
			lc_error_destroy(err);
			return;
		}
	}
	for (unsigned t = 0; t < c->k->nr_cpu_ids; t++) {
		uint64_t word;
		err = lc_read_ulong(c->prog, mask + (t / 64) * 8, &word);
		if (err) {
			problem(c, "cfd_data cpumask of cpu %u: %s", cpu, lc_error_message(err));
			lc_error_destroy(err);
			return;
		}
		if (!(word & (1ull << (t % 64))) || t == cpu || !c->k->cpus[t].possible)
			continue;
		uint64_t csd;
		struct lc_csd d;
		err = lc_percpu_address(c->prog, pcpu, t, &csd);
		if (!err)
			err = read_csd(c, csd + csd_off, &d);
		if (err) {
			problem(c, "csd of cpu %u for cpu %u: %s", cpu, t, lc_error_message(err));
			lc_error_destroy(err);
			continue;
		}
		if (!d.locked)
			continue;
		if (!w->callback[0])
			snprintf(w->callback, sizeof(w->callback), "%s", d.func_name);
		if (!add_target(c, w, (int)t, d.address, csd_queued(c, d.address)))
			return;
	}
}

/* smp_call_function_single: its csd is on the waiter's stack or its csd_data. */
static void single_targets(struct ctx *c, const struct lc_stack *st, struct lc_ipi_wait *w)
{
	uint64_t own = 0, var;
	if (!lc_failed(lc_symbol_address(c->prog, "csd_data", &var)))
		lc_error_destroy(lc_percpu_address(c->prog, var, (unsigned)st->cpu, &own));
	uint64_t lo = st->count ? st->frames[0].sp : 0;
	uint64_t hi = st->count ? st->frames[st->count - 1].sp : 0;
	if (hi < lo || hi - lo > MAX_WAIT_SCAN)
		hi = lo + MAX_WAIT_SCAN;
	for (size_t i = 0; i < c->r->nqueued; i++) {
		const struct lc_csd *d = &c->r->queued[i];
		if (!d->locked || (d->address != own && (d->address < lo || d->address >= hi)))
			continue;
		if (!w->callback[0])
			snprintf(w->callback, sizeof(w->callback), "%s", d->func_name);
		add_target(c, w, d->queued_on, d->address, true);
	}
}

static void find_waiter(struct ctx *c, const struct lc_stack *st)
{
	size_t i;
	bool many = false, single = false;
	for (i = 0; i < st->count; i++) {
		const char *fn = st->frames[i].function;
		many = name_is(fn, many_waits, LC_ARRAY_SIZE(many_waits));
		single = name_is(fn, single_waits, LC_ARRAY_SIZE(single_waits));
		/* also below an exception frame: an interrupted wait still waits */
		if (many || single)
			break;
	}
	if (!many && !single)
		return;
	struct lc_ipi_wait w = {.waiter_cpu = st->cpu, .pid = st->pid};
	snprintf(w.comm, sizeof(w.comm), "%s", st->comm);
	snprintf(w.function, sizeof(w.function), "%s", st->frames[i].function);
	if (many)
		many_targets(c, (unsigned)st->cpu, &w);
	else
		single_targets(c, st, &w);
	if (!w.ntargets) {
		/* the calls completed: the CPU was about to return, or interrupted elsewhere */
		free(w.targets);
		return;
	}
	snprintf(w.evidence, sizeof(w.evidence),
		 "%s+0x%" PRIx64 " on the stack; %zu csd(s) still "
		 "locked (%s)",
		 st->frames[i].function, st->frames[i].offset, w.ntargets,
		 many ? "cfd_data of the waiter" : "queued csd on the waiter's stack or csd_data");
	if (!lc_grow((void **)&c->r->waits, &c->r->capacity, c->r->count + 1, sizeof(w))) {
		free(w.targets);
		return;
	}
	c->r->waits[c->r->count++] = w;
}

struct lc_error *lc_ipi_analyze(struct lc_program *prog, struct lc_ipi_report **ret)
{
	struct ctx c = {.prog = prog};
	struct lc_error *err = lc_program_types(prog, &c.types);
	if (!err)
		err = lc_kernel_get(prog, &c.k);
	if (!err)
		err = lc_stacks_cpus(prog, &c.stacks);
	if (!err)
		err = lc_types_offsetof(c.types, "struct __call_single_node", "u_flags",
					&c.flags_off);
	if (!err)
		err = lc_types_offsetof(c.types, "struct __call_single_data", "func", &c.func_off);
	if (err)
		return lc_error_prefix(err, "finding IPI waits");
	c.r = calloc(1, sizeof(*c.r));
	if (!c.r)
		return lc_error_nomem;
	char *debug_problems = NULL;
	lc_csd_debug_read(prog, c.k, &c.r->debug, &debug_problems);
	if (debug_problems)
		problem(&c, "%s", debug_problems);
	free(debug_problems);
	read_queues(&c);
	for (unsigned cpu = 0; cpu < c.stacks->nr_cpus; cpu++) {
		if (c.stacks->cpu_has_stack[cpu] && c.stacks->cpus[cpu].count)
			find_waiter(&c, &c.stacks->cpus[cpu]);
	}
	*ret = c.r;
	return NULL;
}

void lc_ipi_report_destroy(struct lc_ipi_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++)
		free(r->waits[i].targets);
	free(r->waits);
	free(r->queued);
	lc_csd_debug_deinit(&r->debug);
	free(r->problems);
	free(r);
}
