// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdarg.h>
#include <stdio.h>

#include "arch/arch_unwind.h"
#include "debuginfo.h"
#include "linux/cpuregs.h"
#include "linux/kernel.h"
#include "linux/task.h"
#include "program.h"
#include "read.h"
#include "unwind.h"

enum {
	DEFAULT_MAX_FRAMES = 256,
	/* THREAD_SIZE of x86_64, arm64 and ppc64 without KASAN, when BTF cannot tell. */
	DEFAULT_THREAD_SIZE = 16384,
};

const char *lc_stack_kind_name(enum lc_stack_kind kind)
{
	switch (kind) {
	case LC_STACK_TASK:
		return "task";
	case LC_STACK_IRQ:
		return "irq";
	case LC_STACK_SOFTIRQ:
		return "softirq";
	case LC_STACK_NMI:
		return "nmi";
	case LC_STACK_EXCEPTION:
		return "exception";
	case LC_STACK_EMERGENCY:
		return "emergency";
	case LC_STACK_OVERFLOW:
		return "overflow";
	case LC_STACK_SDEI:
		return "sdei";
	case LC_STACK_UNKNOWN:
		break;
	}
	return "unknown";
}

void lc_stack_ranges_add(struct lc_stack_ranges *sr, uint64_t start, uint64_t end,
			 enum lc_stack_kind kind, const char *name)
{
	if (sr->count >= LC_STACK_RANGES_MAX || start >= end || !start)
		return;
	sr->r[sr->count++] = (struct lc_stack_range){start, end, kind, name};
}

const struct lc_stack_range *lc_stack_ranges_find(const struct lc_stack_ranges *sr, uint64_t addr)
{
	for (unsigned i = 0; i < sr->count; i++) {
		if (addr >= sr->r[i].start && addr < sr->r[i].end)
			return &sr->r[i];
	}
	return NULL;
}

const char *lc_unwind_method_name(enum lc_unwind_method m)
{
	switch (m) {
	case LC_UNWIND_INITIAL:
		return "registers";
	case LC_UNWIND_ORC:
		return "orc";
	case LC_UNWIND_CFI:
		return "cfi";
	case LC_UNWIND_FP:
		return "fp";
	case LC_UNWIND_BACKCHAIN:
		return "backchain";
	case LC_UNWIND_LR:
		return "lr";
	case LC_UNWIND_PT_REGS:
		return "pt_regs";
	case LC_UNWIND_SCAN:
		return "scan";
	}
	return "?";
}

void lc_frame_set_known(struct lc_unwinder *uw, struct lc_frame *f, const struct lc_regset *regs)
{
	if (!uw->debuginfo)
		return;
	if (!f->known)
		f->known = malloc(sizeof(*f->known));
	if (f->known)
		*f->known = *regs;
}

bool lc_unwind_cfi_caller(struct lc_unwinder *uw, const struct lc_frame *cur,
			  const struct lc_regset *known, uint64_t *pc_ret, uint64_t *sp_ret,
			  struct lc_regset *caller_known)
{
	if (!uw->debuginfo || !known || cur->module || !cur->function)
		return false;
	bool found;
	struct lc_cfi_step s;
	struct lc_error *err = lc_debuginfo_cfi_step(uw->debuginfo, uw, cur->pc, cur->interrupted,
						     known, &found, &s);
	if (err || !found || s.signal) {
		lc_error_destroy(err);
		return false;
	}
	uint64_t pc = s.pc;
	if (uw->arch->id == LC_ARCH_ARM64) {
		/* Saved return addresses carry a pointer signature (CONFIG_ARM64_PTR_AUTH). */
		pc = lc_arm64_strip_pac(pc, uw->pac_mask);
		lc_regset_set(&s.caller, uw->arch->pc_index, pc);
	}
	*pc_ret = pc;
	*sp_ret = s.cfa;
	*caller_known = s.caller;
	return true;
}

bool lc_unwind_cfi_agrees(struct lc_unwinder *uw, struct lc_frame *cur,
			  const struct lc_regset *known, uint64_t caller_pc, uint64_t caller_sp,
			  struct lc_regset *caller_known)
{
	uint64_t pc, sp;
	if (!lc_unwind_cfi_caller(uw, cur, known, &pc, &sp, caller_known) || pc != caller_pc ||
	    (caller_sp && sp != caller_sp))
		return false;
	cur->dwarf_cfa = sp;
	return true;
}

struct lc_error *lc_unwind_read_u64(struct lc_unwinder *uw, uint64_t addr, uint64_t *ret)
{
	uint8_t b[8];
	struct lc_error *err = uw->read(uw->read_arg, addr, b, sizeof(b));
	if (err)
		return err;
	*ret = lc_load_uint(b, 8, uw->big_endian);
	return NULL;
}

const struct lc_symbol *lc_unwind_symbol(struct lc_unwinder *uw, uint64_t pc, bool interrupted)
{
	uint64_t at = interrupted ? pc : pc - 1;
	const struct lc_module *mod = lc_unwind_module_at(uw, at);
	if (mod)
		return lc_module_symbol(uw->prog, mod, at);
	return uw->symbols ? lc_symbols_lookup(uw->symbols, at) : NULL;
}

void lc_frame_set_exception(struct lc_unwinder *uw, struct lc_frame *f, uint64_t regs_address,
			    const struct lc_regset *regs)
{
	f->exception = true;
	f->regs_address = regs_address;
	f->regs = malloc(sizeof(*f->regs));
	if (f->regs)
		*f->regs = *regs;
	uw->arch->irq_state(NULL, -1, regs, &f->irqs);
	lc_frame_set_known(uw, f, regs);
}

struct lc_error *lc_stack_push(struct lc_unwinder *uw, struct lc_stack *st, uint64_t pc,
			       uint64_t sp, uint64_t cfa, bool interrupted, struct lc_frame **ret)
{
	if (!lc_grow((void **)&st->frames, &st->capacity, st->count + 1, sizeof(*st->frames)))
		return lc_error_nomem;
	struct lc_frame *f = &st->frames[st->count++];
	memset(f, 0, sizeof(*f));
	f->pc = pc;
	f->sp = sp;
	f->cfa = cfa;
	f->interrupted = interrupted;
	/* A return address may be the first byte after a call to a noreturn function. */
	uint64_t at = interrupted ? pc : pc - 1;
	const struct lc_module *mod = lc_unwind_module_at(uw, at);
	const struct lc_symbol *sym = lc_unwind_symbol(uw, pc, interrupted);
	if (sym) {
		f->function = sym->name;
		f->offset = pc - sym->address;
		f->module = sym->module;
	}
	if (mod)
		f->module = mod->name;
	const struct lc_stack_range *r = lc_stack_ranges_find(&uw->ranges, sp);
	f->stack = r ? r->kind : LC_STACK_UNKNOWN;
	if (ret)
		*ret = f;
	return NULL;
}

void lc_stack_stop(struct lc_stack *st, bool complete, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(st->stopped);
	st->stopped = msg;
	st->complete = complete;
}

void lc_stack_stop_error(struct lc_stack *st, struct lc_error *err, const char *what)
{
	lc_stack_stop(st, false, "%s: %s", what, lc_error_message(err));
	lc_error_destroy(err);
}

void lc_stack_deinit(struct lc_stack *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->count; i++) {
		free(st->frames[i].regs);
		free(st->frames[i].known);
	}
	free(st->frames);
	free(st->stopped);
	memset(st, 0, sizeof(*st));
}

/* Task stacks by task address: open addressing, never shrinks. */
struct task_slot {
	uint64_t task; /* 0 = empty */
	struct lc_stack *stack;
};

struct lc_unwind_cache {
	bool cpuregs_done;
	struct lc_cpuregs *cpuregs;
	struct lc_error *cpuregs_error;
	bool prepared;
	const struct lc_arch_ops *arch;
	void *arch_data;
	char *arch_error; /* why arch data is missing: unwinders fall back */
	uint64_t thread_size;
	uint64_t pac_mask;
	struct lc_debuginfo *debuginfo; /* the program's, when -k has DWARF */
	bool prefer_cfi;
	struct lc_stacks *stacks;
	struct lc_error *stacks_error;
	struct task_slot *slots;
	size_t nslots, nused;
};

static void stacks_destroy(struct lc_stacks *s)
{
	if (!s)
		return;
	for (unsigned c = 0; c < s->nr_cpus; c++)
		lc_stack_deinit(&s->cpus[c]);
	for (unsigned i = 0; i < s->nmissing; i++)
		free(s->missing_reasons[i]);
	free(s->missing_reasons);
	free(s->missing_cpus);
	free(s->cpus);
	free(s->cpu_has_stack);
	free(s->warnings);
	free(s);
}

void lc_unwind_cache_destroy(struct lc_unwind_cache *cache)
{
	if (!cache)
		return;
	lc_cpuregs_destroy(cache->cpuregs);
	lc_error_destroy(cache->cpuregs_error);
	lc_error_destroy(cache->stacks_error);
	free(cache->arch_error);
	if (cache->arch_data && cache->arch->unwind_free)
		cache->arch->unwind_free(cache->arch_data);
	stacks_destroy(cache->stacks);
	for (size_t i = 0; i < cache->nslots; i++) {
		if (cache->slots[i].task) {
			lc_stack_deinit(cache->slots[i].stack);
			free(cache->slots[i].stack);
		}
	}
	free(cache->slots);
	free(cache);
}

static struct lc_error *copy_error(const struct lc_error *err)
{
	return lc_error_create(lc_error_code(err), "%s", lc_error_message(err));
}

static struct lc_error *cache_get(struct lc_program *prog, struct lc_unwind_cache **ret)
{
	if (!prog->unwind) {
		prog->unwind = calloc(1, sizeof(*prog->unwind));
		if (!prog->unwind)
			return lc_error_nomem;
	}
	*ret = prog->unwind;
	return NULL;
}

struct lc_error *lc_cpuregs_get(struct lc_program *prog, const struct lc_cpuregs **ret)
{
	struct lc_unwind_cache *cache = NULL;
	struct lc_error *err = cache_get(prog, &cache);
	if (err)
		return err;
	if (!cache->cpuregs_done) {
		cache->cpuregs_error = lc_cpuregs_build(prog, &cache->cpuregs);
		cache->cpuregs_done = true;
	}
	if (cache->cpuregs_error)
		return copy_error(cache->cpuregs_error);
	*ret = cache->cpuregs;
	return NULL;
}

static struct lc_error *read_memory(void *arg, uint64_t addr, void *buf, size_t len)
{
	return lc_read(arg, addr, buf, len);
}

static void prepare(struct lc_program *prog, struct lc_unwind_cache *cache)
{
	if (cache->prepared)
		return;
	cache->prepared = true;
	cache->arch = prog->arch;
	if (prog->arch->unwind_prepare) {
		struct lc_error *err = prog->arch->unwind_prepare(prog, &cache->arch_data);
		if (err) {
			cache->arch_error = strdup(lc_error_message(err));
			lc_error_destroy(err);
			cache->arch_data = NULL;
		}
	}
	/* With -k, DWARF CFI fills the gaps of the arch's own method (debuginfo.h). */
	if (prog->vmlinux)
		cache->debuginfo = lc_program_debuginfo(prog, NULL);
	const char *pc = getenv("LOCKCORE_PREFER_CFI");
	cache->prefer_cfi = pc && *pc && strcmp(pc, "0") != 0;
	cache->thread_size = DEFAULT_THREAD_SIZE;
	struct lc_types *types;
	struct lc_error *err = lc_program_types(prog, &types);
	if (!err) {
		uint64_t size;
		/* THREAD_SIZE is not in BTF, but the union of a stack and a task is. */
		err = lc_types_sizeof(types, "union thread_union", &size);
		if (!err && size >= 4096 && size <= (1u << 20) && !(size & (size - 1)))
			cache->thread_size = size;
	}
	lc_error_destroy(err);
	/*
	 * arm64 return addresses may carry a pointer authentication code above
	 * the VA bits; the kernel publishes the mask (5.10+) for us to strip it.
	 */
	const char *v = lc_vmcoreinfo_get(&prog->vmcoreinfo, "NUMBER(KERNELPACMASK)");
	uint64_t mask = v ? strtoull(v, NULL, 0) : 0;
	if (mask) {
		cache->pac_mask = mask;
	} else {
		/* No signatures (or no VMCOREINFO): everything above VA_BITS is sign bits. */
		v = lc_vmcoreinfo_get(&prog->vmcoreinfo, "NUMBER(VA_BITS)");
		uint64_t va_bits = v ? strtoull(v, NULL, 10) : 48;
		if (va_bits < 36 || va_bits > 52)
			va_bits = 48;
		cache->pac_mask = ~0ull << va_bits;
	}
}

static void unwinder_init(struct lc_program *prog, struct lc_unwind_cache *cache,
			  struct lc_unwinder *uw)
{
	memset(uw, 0, sizeof(*uw));
	uw->prog = prog;
	uw->arch = prog->arch;
	uw->big_endian = prog->big_endian;
	uw->read = read_memory;
	uw->read_arg = prog;
	uw->symbols = &prog->symbols;
	uw->max_frames = DEFAULT_MAX_FRAMES;
	uw->arch_data = cache->arch_data;
	uw->pac_mask = cache->pac_mask;
	uw->cache = cache;
	uw->debuginfo = cache->debuginfo;
	uw->prefer_cfi = cache->prefer_cfi;
}

static void add_task_stack(struct lc_program *prog, struct lc_unwind_cache *cache,
			   struct lc_unwinder *uw, uint64_t task)
{
	uint64_t stack;
	struct lc_error *err = lc_read_member(prog, task, "struct task_struct", "stack", &stack);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	lc_stack_ranges_add(&uw->ranges, stack, stack + cache->thread_size, LC_STACK_TASK, "task");
}

/*
 * An unwinder for CPU c: its own stacks (an unknown one still unwinds, labelled
 * "unknown"), then the stack of the task running on it (curr, 0 if unknown).
 */
static void cpu_unwinder(struct lc_program *prog, struct lc_unwind_cache *cache, unsigned c,
			 uint64_t curr, struct lc_unwinder *uw)
{
	unwinder_init(prog, cache, uw);
	if (prog->arch->cpu_stacks)
		lc_error_destroy(prog->arch->cpu_stacks(prog, c, &uw->ranges));
	if (curr)
		add_task_stack(prog, cache, uw, curr);
}

static void fill_task_identity(struct lc_program *prog, struct lc_stack *st, uint64_t task)
{
	st->task = task;
	st->pid = -1;
	struct lc_task t;
	struct lc_error *err = task ? lc_task_read(prog, task, &t) : NULL;
	if (task && !err) {
		st->pid = t.pid;
		memcpy(st->comm, t.comm, sizeof(st->comm));
	}
	lc_error_destroy(err);
}

static void run_unwinder(struct lc_unwinder *uw, struct lc_unwind_cache *cache, struct lc_stack *st,
			 const struct lc_regset *regs)
{
	st->initial = *regs;
	uw->arch->unwind(uw, st, regs);
	if (!st->stopped)
		lc_stack_stop(st, false, "unwinder gave no reason");
	if (cache->arch_error && !st->complete) {
		char *with;
		if (asprintf(&with, "%s (unwind tables unavailable: %s)", st->stopped,
			     cache->arch_error) >= 0) {
			free(st->stopped);
			st->stopped = with;
		}
	}
}

static void add_missing(struct lc_stacks *s, unsigned cpu, const char *reason)
{
	s->missing_cpus[s->nmissing] = (int)cpu;
	s->missing_reasons[s->nmissing] = strdup(reason);
	s->nmissing++;
}

/*
 * What a CPU's silence says of its IRQ state: where the crash-stop IPI is a
 * maskable interrupt, a CPU that never took it had IRQs masked all along.
 */
static void missed_ipi_irqs(struct lc_program *prog, struct lc_irq_info *irqs)
{
	const struct lc_arch_ops *arch = prog->arch;
	irqs->state = LC_IRQS_UNKNOWN;
	snprintf(irqs->reason, sizeof(irqs->reason), "no registers");
	if (!arch->crash_ipi_maskable)
		return;
	char *cmdline;
	const char *source;
	struct lc_error *err = lc_kernel_cmdline(prog, &cmdline, &source);
	if (err || !cmdline) {
		lc_error_destroy(err);
		snprintf(irqs->reason, sizeof(irqs->reason),
			 "no registers, and no command line in the dump to tell whether the "
			 "crash IPI was an NMI (%s)",
			 arch->crash_ipi_nmi_param);
		return;
	}
	if (arch->crash_ipi_nmi_param && lc_cmdline_has(cmdline, arch->crash_ipi_nmi_param)) {
		snprintf(irqs->reason, sizeof(irqs->reason),
			 "no registers; the crash IPI was an NMI (%s)", arch->crash_ipi_nmi_param);
	} else {
		irqs->state = LC_IRQS_OFF;
		snprintf(irqs->reason, sizeof(irqs->reason),
			 "inferred: it never took the crash-stop IPI, a maskable interrupt here "
			 "(no %s in %s)",
			 arch->crash_ipi_nmi_param, source);
	}
	free(cmdline);
}

/* A CPU without registers: the frames of its running task, from that task's stack. */
static void scan_cpu_stack(struct lc_program *prog, struct lc_unwind_cache *cache,
			   struct lc_stacks *s, unsigned c, uint64_t curr, bool missed_crash_ipi)
{
	struct lc_stack *st = &s->cpus[c];
	fill_task_identity(prog, st, curr);
	st->regs_source = "none: frames found by scanning the running task's stack";
	st->scanned = true;
	struct lc_unwinder uw;
	cpu_unwinder(prog, cache, c, curr, &uw);
	const struct lc_stack_range *task =
		uw.ranges.count ? &uw.ranges.r[uw.ranges.count - 1] : NULL;
	if (!task || task->kind != LC_STACK_TASK)
		return;
	prog->arch->scan_running(&uw, st, task->start, task->end);
	if (!st->stopped)
		lc_stack_stop(st, false, "scanner gave no reason");
	if (missed_crash_ipi)
		missed_ipi_irqs(prog, &st->irqs);
	else
		snprintf(st->irqs.reason, sizeof(st->irqs.reason), "no registers");
	s->cpu_has_stack[c] = st->count > 0;
	/* Say why the scan gave nothing where the CPU is listed (add_missing came first). */
	if (!st->count && st->stopped && s->nmissing &&
	    s->missing_cpus[s->nmissing - 1] == (int)c) {
		char *with;
		if (asprintf(&with, "%s; its running task's stack gave no frames: %s",
			     s->missing_reasons[s->nmissing - 1], st->stopped) >= 0) {
			free(s->missing_reasons[s->nmissing - 1]);
			s->missing_reasons[s->nmissing - 1] = with;
		}
	}
}

static struct lc_error *build_cpu_stacks(struct lc_program *prog, struct lc_unwind_cache *cache,
					 struct lc_stacks **ret)
{
	const struct lc_kernel *k;
	const struct lc_cpuregs *cr;
	struct lc_error *err = lc_kernel_get(prog, &k);
	if (!err)
		err = lc_cpuregs_get(prog, &cr);
	if (err)
		return err;
	prepare(prog, cache);
	struct lc_stacks *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_error_nomem;
	unsigned n = k->nr_cpu_ids;
	s->nr_cpus = n;
	s->cpus = calloc(n, sizeof(*s->cpus));
	s->cpu_has_stack = calloc(n, sizeof(*s->cpu_has_stack));
	s->missing_cpus = calloc(n, sizeof(*s->missing_cpus));
	s->missing_reasons = calloc(n, sizeof(*s->missing_reasons));
	if (!s->cpus || !s->cpu_has_stack || !s->missing_cpus || !s->missing_reasons) {
		stacks_destroy(s);
		return lc_error_nomem;
	}
	if (cr->warnings)
		s->warnings = strdup(cr->warnings);
	s->notes_mapping = cr->mapping;
	bool kdump_style = false;
	for (unsigned c = 0; c < n; c++)
		kdump_style |= cr->cpus[c].crash_notes_saved;
	for (unsigned c = 0; c < n; c++) {
		const struct lc_cpu_regs *cpu = &cr->cpus[c];
		struct lc_stack *st = &s->cpus[c];
		st->cpu = (int)c;
		st->pid = -1;
		if (!cpu->have) {
			if (cpu->late_note)
				add_missing(
					s, c,
					    "no PRSTATUS note, though its crash_notes buffer is filled: "
					    "the CPU did not answer the crash NMI/IPI in time (it saved "
					    "its registers after the capture kernel read them)");
			else if (k->cpus[c].present || k->cpus[c].online)
				add_missing(
					s, c,
					    kdump_style
						    ? "no PRSTATUS note and an empty crash_notes "
						      "buffer: the CPU did not answer the crash NMI/IPI"
						    : "no register note for this CPU in the dump");
			if (prog->arch->scan_running && k->cpus[c].curr)
				scan_cpu_stack(prog, cache, s, c, k->cpus[c].curr,
					       kdump_style && !cpu->late_note);
			continue;
		}
		s->cpu_has_stack[c] = true;
		fill_task_identity(prog, st, k->cpus[c].curr);
		st->regs_source = cpu->source;
		struct lc_unwinder uw;
		cpu_unwinder(prog, cache, c, k->cpus[c].curr, &uw);
		prog->arch->irq_state(prog, (int)c, &cpu->regs, &st->irqs);
		run_unwinder(&uw, cache, st, &cpu->regs);
	}
	*ret = s;
	return NULL;
}

struct lc_error *lc_stacks_cpus(struct lc_program *prog, const struct lc_stacks **ret)
{
	struct lc_unwind_cache *cache = NULL;
	struct lc_error *err = cache_get(prog, &cache);
	if (err)
		return err;
	if (!cache->stacks && !cache->stacks_error)
		cache->stacks_error = build_cpu_stacks(prog, cache, &cache->stacks);
	if (cache->stacks_error)
		return copy_error(cache->stacks_error);
	*ret = cache->stacks;
	return NULL;
}

static struct task_slot *slot_find(struct lc_unwind_cache *cache, uint64_t task)
{
	if (!cache->nslots)
		return NULL;
	size_t mask = cache->nslots - 1;
	for (size_t i = (task >> 6) * 0x9e3779b97f4a7c15ull & mask;; i = (i + 1) & mask) {
		if (cache->slots[i].task == task || !cache->slots[i].task)
			return &cache->slots[i];
	}
}

static struct lc_error *slot_insert(struct lc_unwind_cache *cache, uint64_t task,
				    struct lc_stack *stack)
{
	if ((cache->nused + 1) * 2 > cache->nslots) {
		size_t n = cache->nslots ? cache->nslots * 2 : 64;
		struct task_slot *old = cache->slots;
		size_t oldn = cache->nslots;
		cache->slots = calloc(n, sizeof(*cache->slots));
		if (!cache->slots) {
			cache->slots = old;
			return lc_error_nomem;
		}
		cache->nslots = n;
		for (size_t i = 0; i < oldn; i++) {
			if (old[i].task)
				*slot_find(cache, old[i].task) = old[i];
		}
		free(old);
	}
	struct task_slot *s = slot_find(cache, task);
	s->task = task;
	s->stack = stack;
	cache->nused++;
	return NULL;
}

struct lc_error *lc_stacks_task(struct lc_program *prog, uint64_t task, const struct lc_stack **ret)
{
	struct lc_unwind_cache *cache = NULL;
	struct lc_error *err = cache_get(prog, &cache);
	if (err)
		return err;
	if (!task)
		return lc_error_create(LC_ERR_INVALID, "no task at address 0");
	struct task_slot *slot = slot_find(cache, task);
	if (slot && slot->task == task) {
		*ret = slot->stack;
		return NULL;
	}
	/* A task running on a CPU has no saved context: its registers are the CPU's. */
	const struct lc_stacks *cpus;
	err = lc_stacks_cpus(prog, &cpus);
	if (!err) {
		for (unsigned c = 0; c < cpus->nr_cpus; c++) {
			if (cpus->cpu_has_stack[c] && cpus->cpus[c].task == task) {
				*ret = &cpus->cpus[c];
				return NULL;
			}
		}
	}
	lc_error_destroy(err);
	prepare(prog, cache);
	struct lc_stack *st = calloc(1, sizeof(*st));
	if (!st)
		return lc_error_nomem;
	st->cpu = -1;
	fill_task_identity(prog, st, task);
	st->regs_source = "saved context";
	st->start_is_return = true;
	struct lc_unwinder uw;
	unwinder_init(prog, cache, &uw);
	add_task_stack(prog, cache, &uw, task);
	struct lc_regset regs;
	memset(&regs, 0, sizeof(regs));
	err = prog->arch->task_regs(prog, task, &regs);
	if (err) {
		lc_stack_stop_error(st, err, "reading the saved context");
	} else {
		run_unwinder(&uw, cache, st, &regs);
	}
	err = slot_insert(cache, task, st);
	if (err) {
		lc_stack_deinit(st);
		free(st);
		return err;
	}
	*ret = st;
	return NULL;
}

struct lc_types *lc_unwind_types(struct lc_program *prog)
{
	struct lc_types *types = NULL;
	struct lc_error *err = lc_program_types(prog, &types);
	if (err) {
		lc_error_destroy(err);
		return NULL;
	}
	return types;
}

struct lc_error *lc_unwind_percpu_ulong(struct lc_program *prog, const char *name, unsigned cpu,
					uint64_t *ret)
{
	uint64_t var, addr;
	struct lc_error *err = lc_symbol_address(prog, name, &var);
	if (!err)
		err = lc_percpu_address(prog, var, cpu, &addr);
	if (!err)
		err = lc_read_ulong(prog, addr, ret);
	return err;
}

struct lc_error *lc_unwind_read_regs(struct lc_unwinder *uw, uint64_t addr, unsigned n,
				     struct lc_regset *ret)
{
	uint8_t buf[LC_REGS_MAX * 8];
	if (n > LC_REGS_MAX)
		return lc_error_create(LC_ERR_INVALID, "%u registers are too many", n);
	struct lc_error *err = uw->read(uw->read_arg, addr, buf, (size_t)n * 8);
	if (err)
		return err;
	memset(ret, 0, sizeof(*ret));
	for (unsigned i = 0; i < n; i++)
		lc_regset_set(ret, i, lc_load_uint(buf + i * 8, 8, uw->big_endian));
	return NULL;
}

const struct lc_module *lc_unwind_module_at(struct lc_unwinder *uw, uint64_t addr)
{
	return uw->prog ? lc_module_by_text(uw->prog, addr) : NULL;
}
