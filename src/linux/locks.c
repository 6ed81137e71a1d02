// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Locks found from their waiters. With -k, the lock is first the value DWARF
 * gives for the wait function's lock parameter at the waiter's frame (its
 * location evaluated with the registers the unwinder recovered there).
 * Without (or where DWARF has no value: entry values, optimized out), the
 * lock a CPU spins on is recovered from values the spinning code still has
 * (registers, stack slots of the lock frames). Either way it is kept only
 * when the lock word agrees with the waiter: the CPU's MCS node is in the
 * lock's queue, or the lock is held with the pending bit set and the CPU
 * queued nowhere. A sleeper is matched through its waiter structure linked
 * into the lock's wait_list: the one DWARF's lock holds, else one on its own
 * stack. A mutex or rwsem waiter that spins optimistically (running, while
 * the owner runs) is found from the lock's optimistic-spin queue (osq), whose
 * tail names the last queued CPU and whose per-CPU nodes link the rest.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

#include "arch/arch.h"
#include "debuginfo.h"
#include "linux/kernel.h"
#include "linux/lockdep.h"
#include "linux/locks.h"
#include "linux/modules.h"
#include "linux/spinlock.h"
#include "linux/task.h"
#include "read.h"
#include "unwind.h"

enum {
	MAX_LIST = 4096,	  /* wait_list entries walked per lock */
	THREAD_SIZE = 16384,	  /* x86_64, arm64 and ppc64 without KASAN */
	MAX_SCAN = 2048,	  /* bytes of a spinner's lock frames scanned */
	MAX_OWNER_SCAN = 16384,	  /* bytes of a candidate owner's stack scanned */
	WAITER_LIST_FALLBACK = 0, /* list_head first in every waiter struct (6.1) */
	WAITER_TASK_FALLBACK = 16,
};

const char *lc_confidence_name(enum lc_confidence c)
{
	switch (c) {
	case LC_CONFIDENCE_EXACT:
		return "exact";
	case LC_CONFIDENCE_HIGH:
		return "high";
	case LC_CONFIDENCE_MEDIUM:
		return "medium";
	case LC_CONFIDENCE_LOW:
		return "low";
	case LC_CONFIDENCE_NONE:
		break;
	}
	return "none";
}

/* ---- module symbols: data objects are not in the unwinder's function tables ---- */

/*
 * A lock inside a global structure reads better as its member path
 * ("rtas.lock") than as "rtas+0x18": follow the variable's type down to the
 * member holding the offset. False when the type is unknown or the offset
 * falls in padding.
 */
/* A lock type by any name in its typedef chain (spinlock_t, struct mutex, ...). */
static bool is_lock_type(const struct lc_type *t)
{
	static const char *const names[] = {
		"spinlock_t",
		"raw_spinlock_t",
		"arch_spinlock_t",
		"rwlock_t",
		"arch_rwlock_t",
		"spinlock",
		"raw_spinlock",
		"qspinlock",
		"qrwlock",
		"mutex",
		"rw_semaphore",
		"semaphore",
		"percpu_rw_semaphore",
		/* a lockdep held_locks entry names the lock's dep_map: stop there too */
		"lockdep_map",
	};
	for (int depth = 0; t && depth < 8; depth++) {
		for (size_t i = 0; t->name && i < LC_ARRAY_SIZE(names); i++) {
			if (!strcmp(t->name, names[i]))
				return true;
		}
		if (t->kind != LC_TYPE_TYPEDEF && t->kind != LC_TYPE_QUALIFIED)
			break;
		t = t->target;
	}
	return false;
}

static bool member_name(struct lc_program *prog, const struct lc_symbol *sym, uint64_t offset,
			char *buf, size_t size)
{
	struct lc_types *types;
	const struct lc_type *t;
	struct lc_error *err = lc_program_types(prog, &types);
	if (!err)
		err = lc_types_find_variable(types, sym->name, &t);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	size_t len = (size_t)snprintf(buf, size, "%s", sym->name);
	/* At offset 0 keep descending until the lock itself (rcu_state.node[0].lock). */
	for (int depth = 0; depth < 16 && (offset || !is_lock_type(t)); depth++) {
		t = lc_type_unqualified(t);
		if (t->kind == LC_TYPE_ARRAY && t->target) {
			const struct lc_type *elem = lc_type_unqualified(t->target);
			if (!elem->size)
				return false;
			uint64_t idx = offset / elem->size;
			/* past a known length the address is not in this variable */
			if (t->length && idx >= t->length)
				return false;
			len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
						"[%" PRIu64 "]", idx);
			offset -= idx * elem->size;
			t = elem;
			continue;
		}
		if (t->kind != LC_TYPE_STRUCT && t->kind != LC_TYPE_UNION)
			break;
		const struct lc_member *hit = NULL;
		for (uint32_t i = 0; i < t->nmembers; i++) {
			const struct lc_member *m = &t->members[i];
			uint64_t start = m->bit_offset / 8;
			uint64_t msize = lc_type_unqualified(m->type)->size;
			if (!m->bit_size && offset >= start && offset < start + msize) {
				hit = m;
				break;
			}
		}
		if (!hit)
			return false;
		if (hit->name)
			len += (size_t)snprintf(buf + len, len < size ? size - len : 0, ".%s",
						hit->name);
		offset -= hit->bit_offset / 8;
		t = hit->type;
	}
	if (offset)
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "+0x%" PRIx64,
					offset);
	return len < size;
}

/*
 * A CPU's copy of a per-CPU variable: *cpu and the variable's own address
 * (inside [__per_cpu_start, __per_cpu_end)) for addr, false when it is none.
 */
static bool percpu_var(struct lc_program *prog, uint64_t addr, int *cpu, uint64_t *var)
{
	const struct lc_kernel *k;
	uint64_t start, end;
	if (lc_failed(lc_kernel_get(prog, &k)) ||
	    lc_failed(lc_symbol_address(prog, "__per_cpu_start", &start)) ||
	    lc_failed(lc_symbol_address(prog, "__per_cpu_end", &end)))
		return false;
	for (unsigned c = 0; c < k->nr_cpu_ids; c++) {
		uint64_t v = addr - k->cpus[c].percpu_offset;
		if (k->cpus[c].possible && k->cpus[c].percpu_offset && v >= start && v < end) {
			*cpu = (int)c;
			*var = v;
			return true;
		}
	}
	return false;
}

const char *lc_locks_symbolize(struct lc_program *prog, uint64_t addr, char *buf, size_t size,
			       const char **module)
{
	/* Modules first: their symtab knows the module, and symbol sizes are exact. */
	const struct lc_module *mod = lc_module_by_address(prog, addr);
	const struct lc_symbol *s = mod ? lc_module_symbol(prog, mod, addr) : NULL;
	if (!s && !mod)
		s = lc_symbols_lookup(&prog->symbols, addr);
	int cpu = -1;
	if (!s && !mod && percpu_var(prog, addr, &cpu, &addr))
		s = lc_symbols_lookup(&prog->symbols, addr);
	/* Without data symbols (no KALLSYMS_ALL) the allocation still names the module. */
	if (module)
		*module = mod ? mod->name : s ? s->module : NULL;
	if (!s) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	if (!member_name(prog, s, addr - s->address, buf, size)) {
		if (addr == s->address)
			snprintf(buf, size, "%s", s->name);
		else
			snprintf(buf, size, "%s+0x%" PRIx64, s->name, addr - s->address);
	}
	size_t len = strlen(buf);
	if (cpu >= 0 && len < size)
		snprintf(buf + len, size - len, " [cpu %d]", cpu);
	return buf;
}

/* ---- what a frame tells about waiting ---- */

enum wait_class {
	W_NONE,
	W_QSPIN,       /* qspinlock slow path */
	W_SPIN_ENTRY,  /* a spin_lock entry point (the slow path may be inlined) */
	W_READ_SLOW,   /* queued_read_lock_slowpath */
	W_WRITE_SLOW,  /* queued_write_lock_slowpath */
	W_READ_ENTRY,  /* _raw_read_lock* */
	W_WRITE_ENTRY, /* _raw_write_lock* */
	W_MUTEX,
	W_RWSEM_READ,
	W_RWSEM_WRITE,
	W_SEM,
};

static const struct {
	const char *name;
	bool prefix;
	enum wait_class cls;
} wait_functions[] = {
	{"queued_spin_lock_slowpath", false, W_QSPIN},
	{"native_queued_spin_lock_slowpath", false, W_QSPIN},
	{"__pv_queued_spin_lock_slowpath", false, W_QSPIN},
	{"pv_queued_spin_lock_slowpath", false, W_QSPIN},
	{"queued_read_lock_slowpath", false, W_READ_SLOW},
	{"queued_write_lock_slowpath", false, W_WRITE_SLOW},
	{"do_raw_spin_lock", false, W_SPIN_ENTRY},
	{"_raw_spin_lock", true, W_SPIN_ENTRY},
	/* ppc64 before queued spinlocks, and RTAS which takes its arch lock directly */
	{"arch_spin_lock", false, W_SPIN_ENTRY},
	{"__arch_spin_lock", false, W_SPIN_ENTRY},
	{"lock_rtas", false, W_SPIN_ENTRY},
	{"do_raw_read_lock", false, W_READ_ENTRY},
	{"_raw_read_lock", true, W_READ_ENTRY},
	{"do_raw_write_lock", false, W_WRITE_ENTRY},
	{"_raw_write_lock", true, W_WRITE_ENTRY},
	{"__mutex_lock", true, W_MUTEX},
	{"mutex_lock", true, W_MUTEX},
	{"__ww_mutex_lock", true, W_MUTEX},
	{"rwsem_down_read_slowpath", false, W_RWSEM_READ},
	{"rwsem_down_write_slowpath", false, W_RWSEM_WRITE},
	{"__down_read", true, W_RWSEM_READ},
	{"__down_write", true, W_RWSEM_WRITE},
	{"down_read", true, W_RWSEM_READ},
	{"down_write", true, W_RWSEM_WRITE},
	{"__down", true, W_SEM},
	{"down", false, W_SEM},
	{"down_interruptible", false, W_SEM},
	{"down_killable", false, W_SEM},
	{"down_timeout", false, W_SEM},
};

static enum wait_class classify(const char *function)
{
	if (!function)
		return W_NONE;
	/* ".constprop.0", ".isra.0", ".cold": same function for our purpose */
	size_t len = strcspn(function, ".");
	for (size_t i = 0; i < LC_ARRAY_SIZE(wait_functions); i++) {
		size_t n = strlen(wait_functions[i].name);
		if (len < n || memcmp(function, wait_functions[i].name, n))
			continue;
		if (len == n || wait_functions[i].prefix)
			return wait_functions[i].cls;
	}
	return W_NONE;
}

static bool class_spins(enum wait_class c)
{
	return c >= W_QSPIN && c <= W_WRITE_ENTRY;
}

/* ---- the analysis context ---- */

struct ctx {
	struct lc_program *prog;
	struct lc_types *types;
	const struct lc_kernel *k;
	const struct lc_stacks *stacks;
	const struct lc_task_list *tasks;
	struct lc_lock_report *r;
	size_t problems_len, problems_cap;
	struct lc_spinlock_layout sl; /* which of the spinning-lock encodings the kernel uses */
	bool debug_spinlock;	      /* CONFIG_DEBUG_SPINLOCK: raw_spinlock owner_cpu/owner */
	bool have_rq_lock;
	uint64_t rq_lock_off; /* offsetof(struct rq, __lock): 0 since 5.14, it comes first */
	/* x86 under a hypervisor: waiters spin test-and-set on the locked byte, unqueued */
	bool virt_spin_lock;
	uint64_t rw_wait_lock_off;
	struct lc_mcs_nodes qn;	 /* in-use MCS nodes of every CPU */
	struct lc_osq_nodes osq; /* every CPU's optimistic-spin queue node */
	/* per CPU: the sleeping lock its stack shows it spinning on optimistically, and how */
	struct opt_spin {
		uint64_t lock;
		enum lc_irq_state irqs;
		char how[160];
	} * opt;
	/* per CPU: the lock it spins on (0 = none), to keep waiters from being owners */
	uint64_t *spins_on;
	/* preempt_disable() counts (CONFIG_PREEMPT_COUNT): spin locks raise preempt_count */
	bool preempt_counted;
	/* -k: the vmlinux's DWARF for parameter locations; NULL without */
	struct lc_debuginfo *debuginfo;
	/* sleepers whose lock came from DWARF: how, for their waiter's evidence */
	struct {
		uint64_t task;
		char how[200];
	} * dwarf_sleepers;
	size_t ndwarf_sleepers, dwarf_sleepers_cap;
};

static void problem(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct ctx *c, const char *fmt, ...)
{
	char line[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	size_t len = strlen(line) + 2;
	if (!lc_grow((void **)&c->r->problems, &c->problems_cap, c->problems_len + len, 1))
		return;
	memcpy(c->r->problems + c->problems_len, line, len - 2);
	c->problems_len += len - 2;
	c->r->problems[c->problems_len++] = '\n';
	c->r->problems[c->problems_len] = '\0';
}

static void problem_err(struct ctx *c, struct lc_error *err, const char *what)
{
	problem(c, "%s: %s", what, lc_error_message(err));
	lc_error_destroy(err);
}

static void problem_cb(void *arg, const char *msg)
{
	problem(arg, "%s", msg);
}

static bool kernel_pointer(const struct ctx *c, uint64_t v)
{
	/* Kernel addresses have the top bit set on x86_64, arm64 and ppc64. */
	return c->prog->ptr_size == 8 ? (v >> 63) != 0 : v >= 0xc0000000u;
}

static const struct lc_task *task_by_address(struct ctx *c, uint64_t task)
{
	for (size_t i = 0; c->tasks && i < c->tasks->count; i++) {
		if (c->tasks->tasks[i].address == task)
			return &c->tasks->tasks[i];
	}
	return NULL;
}

static struct lc_lock *lock_get(struct ctx *c, uint64_t addr, enum lc_lock_kind kind)
{
	struct lc_lock_report *r = c->r;
	for (size_t i = 0; i < r->count; i++) {
		if (r->locks[i].address == addr) {
			/* a raw spinlock is still a spinlock; prefer the more specific kind */
			if (r->locks[i].kind == LC_LOCK_UNKNOWN || kind == LC_LOCK_RAW_SPINLOCK)
				r->locks[i].kind = kind;
			return &r->locks[i];
		}
	}
	if (!lc_grow((void **)&r->locks, &r->capacity, r->count + 1, sizeof(*r->locks)))
		return NULL;
	struct lc_lock *l = &r->locks[r->count++];
	memset(l, 0, sizeof(*l));
	l->address = addr;
	l->kind = kind;
	l->owner.cpu = -1;
	l->owner.pid = -1;
	lc_locks_symbolize(c->prog, addr, l->symbol, sizeof(l->symbol), &l->module);
	return l;
}

static struct lc_lock_waiter *waiter_add(struct lc_lock *l, uint64_t task, int32_t pid)
{
	for (size_t i = 0; i < l->nwaiters; i++) {
		if (l->waiters[i].task == task && l->waiters[i].pid == pid)
			return &l->waiters[i];
	}
	if (!lc_grow((void **)&l->waiters, &l->waiters_capacity, l->nwaiters + 1,
		     sizeof(*l->waiters)))
		return NULL;
	struct lc_lock_waiter *w = &l->waiters[l->nwaiters++];
	memset(w, 0, sizeof(*w));
	w->task = task;
	w->pid = pid;
	w->cpu = -1;
	return w;
}

/* ---- qspinlock MCS queue ---- */

/* The queue of a lock in order, head first (0 when the word names no tail). */
static size_t mcs_queue(const struct ctx *c, uint64_t lock, const struct lc_spinlock_state *s,
			const struct lc_mcs_node **out, size_t max)
{
	if (!s->queued)
		return 0;
	return lc_mcs_queue(c->qn.nodes, c->qn.count, lock, s->tail_cpu, s->tail_idx, out, max);
}

static const struct lc_mcs_node *cpu_in_queue(const struct ctx *c, uint64_t lock,
					      const struct lc_spinlock_state *s, int cpu,
					      size_t *pos)
{
	const struct lc_mcs_node *q[64];
	size_t n = mcs_queue(c, lock, s, q, LC_ARRAY_SIZE(q));
	for (size_t i = 0; i < n; i++) {
		if (q[i]->cpu == cpu) {
			*pos = i;
			return q[i];
		}
	}
	return NULL;
}

static bool cpu_queued_anywhere(const struct ctx *c, int cpu)
{
	for (size_t i = 0; i < c->qn.count; i++) {
		if (c->qn.nodes[i].cpu == cpu)
			return true;
	}
	return false;
}

/* ---- spinners ---- */

struct candidate {
	uint64_t value;
	/* 4 DWARF's lock parameter, 3 arg register, 2 callee-saved, 1 other register, 0 stack */
	int source;
	char where[200];
};

enum { SOURCE_DWARF = 4 };

enum { MAX_CANDIDATES = 512 };

static void cand_add(struct candidate *cs, size_t *n, uint64_t v, int source, const char *where)
{
	if (*n >= MAX_CANDIDATES)
		return;
	for (size_t i = 0; i < *n; i++) {
		if (cs[i].value == v) {
			if (source > cs[i].source) {
				cs[i].source = source;
				snprintf(cs[i].where, sizeof(cs[i].where), "%s", where);
			}
			return;
		}
	}
	cs[*n].value = v;
	cs[*n].source = source;
	snprintf(cs[*n].where, sizeof(cs[*n].where), "%s", where);
	(*n)++;
}

/*
 * With -k: the value DWARF gives for parameter param (the lock) of the wait
 * function at frame i, else of the lock functions right above it that called
 * it (_raw_spin_lock, ...): its location at each frame's pc, evaluated with
 * the registers the unwinder recovered for that frame. why says why none had
 * a value (entry values, optimized out) when false is returned.
 */
static bool dwarf_lock(struct ctx *c, const struct lc_stack *st, size_t i, const char *param,
		       uint64_t *value, char *where, size_t wsize, char *why, size_t whysize)
{
	snprintf(why, whysize, "no frame with DWARF");
	bool have_why = false;
	for (size_t j = i; j < st->count && j <= i + 3; j++) {
		const struct lc_frame *f = &st->frames[j];
		if (j > i && classify(f->function) == W_NONE)
			break;
		if (!f->function || f->module)
			continue; /* modules' DWARF is not read */
		struct lc_debuginfo_value v;
		struct lc_error *err =
			lc_debuginfo_frame_param(c->debuginfo, f, f->function, param, &v);
		if (!err && !kernel_pointer(c, v.value))
			err = lc_error_create(LC_ERR_BAD_DATA,
					      "'%s' is 0x%" PRIx64 ", not a pointer", param,
					      v.value);
		if (!err) {
			snprintf(where, wsize, "DWARF location of '%s' in %s (%s)", param,
				 f->function, v.how);
			*value = v.value;
			return true;
		}
		if (!have_why) {
			snprintf(why, whysize, "%s: %s", f->function, lc_error_message(err));
			have_why = true;
		}
		lc_error_destroy(err);
	}
	return false;
}

/* The registers of the context frame i runs in: the nearest exception frame at or below it. */
static const struct lc_regset *context_regs(const struct lc_stack *st, size_t i, bool *exact,
					    const struct lc_irq_info **irqs)
{
	for (size_t j = i + 1; j-- > 0;) {
		if (st->frames[j].exception && st->frames[j].regs) {
			*exact = j == i;
			*irqs = &st->frames[j].irqs;
			return st->frames[j].regs;
		}
	}
	*exact = i == 0 && !st->start_is_return;
	*irqs = &st->irqs;
	return &st->initial;
}

static bool is_callee_saved(const struct lc_arch_ops *arch, unsigned r)
{
	for (unsigned i = 0; i < arch->ncallee_saved; i++) {
		if (arch->callee_saved[i] == r)
			return true;
	}
	return false;
}

static void gather_candidates(struct ctx *c, const struct lc_stack *st, size_t i,
			      struct candidate *cs, size_t *n)
{
	const struct lc_arch_ops *arch = c->prog->arch;
	bool exact;
	const struct lc_irq_info *irqs;
	const struct lc_regset *regs = context_regs(st, i, &exact, &irqs);
	for (unsigned r = 0; r < arch->ptregs_words && r < LC_REGS_MAX; r++) {
		uint64_t v;
		if (r == arch->pc_index || r == arch->sp_index || !lc_regset_get(regs, r, &v) ||
		    !kernel_pointer(c, v))
			continue;
		char where[40];
		snprintf(where, sizeof(where), "register %s",
			 r < arch->ngregs ? arch->gregs[r] : "?");
		/* The argument register holds the lock only while the function has it live. */
		int source = r == arch->arg0_index && exact ? 3 : is_callee_saved(arch, r) ? 2 : 1;
		cand_add(cs, n, v, source, where);
	}
	/* Stack slots of the lock frames: callers saved the lock before calling down. */
	uint64_t lo = st->frames[i].sp;
	size_t top = i + 3 < st->count ? i + 3 : st->count - 1;
	uint64_t hi = st->frames[top].sp + 64;
	if (hi <= lo || hi - lo > MAX_SCAN)
		hi = lo + MAX_SCAN;
	uint8_t buf[MAX_SCAN];
	size_t len = (size_t)(hi - lo) & ~(size_t)7;
	struct lc_error *err = lc_read(c->prog, lo, buf, len);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	for (size_t off = 0; off + 8 <= len; off += 8) {
		uint64_t v = lc_decode_uint(c->prog, buf + off, 8);
		if (!kernel_pointer(c, v))
			continue;
		char where[40];
		snprintf(where, sizeof(where), "stack slot 0x%" PRIx64, lo + off);
		cand_add(cs, n, v, 0, where);
	}
}

/*
 * How well a spinning lock at addr fits a waiter on cpu: 0 no, 2 consistent
 * (held by another CPU the word names, or the pending waiter), 3 queued on it.
 */
static int qspin_fit(struct ctx *c, uint64_t addr, int cpu, uint32_t *word, char *why, size_t size)
{
	uint64_t v;
	if (addr & 3)
		return 0;
	struct lc_error *err = lc_read_uint(c->prog, addr, 4, &v);
	if (err) {
		lc_error_destroy(err);
		return 0;
	}
	*word = (uint32_t)v;
	struct lc_spinlock_state s;
	lc_spinlock_decode(&c->sl, *word, &s);
	if (s.bad || !(s.locked || s.pending))
		return 0;
	/* A word naming a holder must name another, existing CPU. */
	if (s.owner_cpu == cpu || (s.owner_cpu >= 0 && (unsigned)s.owner_cpu >= c->k->nr_cpu_ids))
		return 0;
	size_t pos;
	const struct lc_mcs_node *q = s.queued ? cpu_in_queue(c, addr, &s, cpu, &pos) : NULL;
	if (q) {
		snprintf(why, size, "its MCS node is #%zu in the lock's queue%s%s%s", pos + 1,
			 q->note[0] ? " (" : "", q->note, q->note[0] ? ")" : "");
		return 3;
	}
	if (c->sl.flavor == LC_SPIN_PPC_TOKEN && s.owner_cpu >= 0) {
		snprintf(why, size, "held by token of cpu %d", s.owner_cpu);
		return 2;
	}
	/* powerpc's slow path first spins to steal the lock, unqueued. */
	if (c->sl.flavor == LC_SPIN_PPC_QSPINLOCK && !cpu_queued_anywhere(c, cpu)) {
		snprintf(why, size, "lock word names holder cpu %d, cpu queued nowhere",
			 s.owner_cpu);
		return 2;
	}
	if (s.locked && s.pending && !cpu_queued_anywhere(c, cpu)) {
		snprintf(why, size, "lock held with the pending bit set, cpu queued nowhere");
		return 2;
	}
	/*
	 * With virt_spin_lock_key enabled (x86 guest that sees the hypervisor
	 * CPUID bit, no paravirt spinlocks) the slow path never queues: every
	 * waiter spins on a word that reads just "locked". Weaker evidence than
	 * a queue position, so the caller's register/stack ranking decides.
	 */
	if (c->virt_spin_lock && s.locked && !s.pending && !s.queued &&
	    !cpu_queued_anywhere(c, cpu)) {
		snprintf(why, size, "lock held, test-and-set waiter (virt_spin_lock_key enabled)");
		return 2;
	}
	return 0;
}

/* virt_spin_lock_key is a static_key_true whose first word is the enabled count. */
static bool virt_spin_lock_enabled(struct lc_program *prog)
{
	uint64_t addr, enabled;
	struct lc_error *err = lc_symbol_address(prog, "virt_spin_lock_key", &addr);
	if (!err)
		err = lc_read_uint(prog, addr, 4, &enabled);
	lc_error_destroy(err);
	return !err && (int32_t)enabled > 0;
}

/* An rwlock at addr for a reader (mode 'r') or writer: 0 no, 2 consistent, 3 strong. */
static int rwlock_fit(struct ctx *c, uint64_t addr, char mode, uint32_t *word)
{
	uint64_t v, wl;
	if (addr & 3)
		return 0;
	struct lc_error *err = lc_read_uint(c->prog, addr, 4, &v);
	if (!err)
		err = lc_read_uint(c->prog, addr + c->rw_wait_lock_off, 4, &wl);
	if (err) {
		lc_error_destroy(err);
		return 0;
	}
	*word = (uint32_t)v;
	struct lc_qrwlock_state s;
	struct lc_spinlock_state q;
	lc_qrwlock_decode(*word, &s);
	lc_spinlock_decode(&c->sl, (uint32_t)wl, &q);
	if (s.bad || q.bad)
		return 0;
	/* A waiter holds or queues on wait_lock while it waits in the slow path. */
	if (mode == 'r' && s.write_locked && s.readers)
		return q.locked ? 3 : 2;
	if (mode == 'w' && (s.writer_waiting || s.write_locked) && (s.readers || s.write_locked))
		return q.locked ? 3 : 2;
	return 0;
}

static void find_spinner(struct ctx *c, const struct lc_stack *st)
{
	size_t i;
	enum wait_class cls = W_NONE;
	/* set when the lock function is only the callee a frame was calling (see below) */
	const char *callee = NULL;
	for (i = 0; i < st->count; i++) {
		/*
		 * A context interrupted at an exception entry (arm64 IRQ vector) lost its pc:
		 * a lock slow path is a leaf with no frame record, so only the call before
		 * the return address names it. Deeper than the frame itself: look first.
		 */
		cls = classify(st->frames[i].call_function);
		if (cls != W_NONE) {
			callee = st->frames[i].call_function;
			break;
		}
		cls = classify(st->frames[i].function);
		if (cls != W_NONE)
			break;
	}
	if (i == st->count || !class_spins(cls))
		return;
	const struct lc_frame *f = &st->frames[i];
	/* A qspinlock slow path under an rwlock slow path queues on the rwlock's wait_lock. */
	enum wait_class outer = W_NONE;
	for (size_t j = i + 1; j < st->count && j <= i + 3; j++) {
		enum wait_class o = classify(st->frames[j].function);
		if (o == W_READ_SLOW || o == W_WRITE_SLOW || o == W_READ_ENTRY ||
		    o == W_WRITE_ENTRY) {
			outer = o;
			break;
		}
	}
	bool rw = cls == W_READ_SLOW || cls == W_WRITE_SLOW || cls == W_READ_ENTRY ||
		  cls == W_WRITE_ENTRY || outer != W_NONE;
	enum wait_class rwcls = outer != W_NONE ? outer : cls;
	char mode = !rw ? 0 : (rwcls == W_READ_SLOW || rwcls == W_READ_ENTRY) ? 'r' : 'w';

	struct candidate *cs = calloc(MAX_CANDIDATES, sizeof(*cs));
	if (!cs)
		return;
	size_t n = 0;
	/* The DWARF value first: primary evidence, the heuristic's values the fallback. */
	char dwarf_why[160] = "";
	uint64_t dwarf_value = 0;
	if (c->debuginfo && !callee) {
		char where[sizeof(cs->where)];
		if (dwarf_lock(c, st, i, "lock", &dwarf_value, where, sizeof(where), dwarf_why,
			       sizeof(dwarf_why)))
			cand_add(cs, &n, dwarf_value, SOURCE_DWARF, where);
	} else if (c->debuginfo) {
		/* Its caller's registers are not the lock function's: no location to evaluate. */
		snprintf(dwarf_why, sizeof(dwarf_why), "the frame of %s was lost at the IRQ entry",
			 callee);
	}
	gather_candidates(c, st, i, cs, &n);
	int best = 0, best_score = -1;
	uint64_t best_lock = 0;
	uint32_t best_word = 0;
	char best_why[120] = "";
	for (size_t k = 0; k < n; k++) {
		uint32_t word = 0;
		char why[120] = "";
		uint64_t lock = cs[k].value;
		int fit;
		if (rw) {
			/* the value is the rwlock, or its wait_lock when queued behind it */
			fit = rwlock_fit(c, lock, mode, &word);
			if (!fit && lock >= c->rw_wait_lock_off &&
			    qspin_fit(c, lock, st->cpu, &word, why, sizeof(why)) &&
			    (fit = rwlock_fit(c, lock - c->rw_wait_lock_off, mode, &word)))
				lock -= c->rw_wait_lock_off;
			if (fit && !why[0])
				snprintf(why, sizeof(why), "rwlock word agrees with a %s waiter",
					 mode == 'r' ? "read" : "write");
		} else {
			fit = qspin_fit(c, lock, st->cpu, &word, why, sizeof(why));
		}
		if (!fit)
			continue;
		char sym[8];
		int named = lc_locks_symbolize(c->prog, lock, sym, sizeof(sym), NULL)[0] != 0;
		/* DWARF names the lock the function works on: it wins whenever the word agrees. */
		int score = cs[k].source == SOURCE_DWARF ? 1000 + fit
							 : fit * 10 + cs[k].source * 2 + named;
		if (score > best_score) {
			best_score = score;
			best = (int)k;
			best_lock = lock;
			best_word = word;
			snprintf(best_why, sizeof(best_why), "%s", why);
		}
	}
	if (best_score < 0) {
		problem(c,
			"cpu %d spins in %s but no value in its registers or lock frames is a lock "
			"consistent with that",
			st->cpu, callee ? callee : f->function);
		free(cs);
		return;
	}
	struct lc_lock *l = lock_get(c, best_lock, rw ? LC_LOCK_RWLOCK : LC_LOCK_SPINLOCK);
	if (!l) {
		free(cs);
		return;
	}
	l->word = best_word;
	if (st->cpu >= 0 && (unsigned)st->cpu < c->k->nr_cpu_ids)
		c->spins_on[st->cpu] = best_lock;
	struct lc_lock_waiter *w = waiter_add(l, st->task, st->pid);
	if (w) {
		bool exact;
		const struct lc_irq_info *irqs;
		context_regs(st, i, &exact, &irqs);
		w->cpu = st->cpu;
		snprintf(w->comm, sizeof(w->comm), "%s", st->comm);
		w->spinning = true;
		w->irqs = irqs->state;
		w->mode = mode;
		/* With -k, say why the heuristic's value was used instead of DWARF's. */
		char note[200] = "";
		if (c->debuginfo && cs[best].source != SOURCE_DWARF) {
			if (dwarf_value)
				snprintf(note, sizeof(note),
					 "; DWARF's lock 0x%" PRIx64 " does not fit the lock word",
					 dwarf_value);
			else if (dwarf_why[0])
				snprintf(note, sizeof(note), "; no DWARF value (%s)", dwarf_why);
		}
		if (callee && st->scanned)
			lc_text_printf(
				w->evidence, sizeof(w->evidence),
				"no registers; its task stack's frame records show %s+0x%" PRIx64
				" calling %s; lock in %.60s; %s",
				f->function, f->offset, callee, cs[best].where, best_why);
		else if (callee)
			lc_text_printf(w->evidence, sizeof(w->evidence),
				       "spins in %s (called from %s+0x%" PRIx64
				       ", interrupted as it took an IRQ); lock in %.60s; %s",
				       callee, f->function, f->offset, cs[best].where, best_why);
		else if (st->scanned)
			lc_text_printf(w->evidence, sizeof(w->evidence),
				       "no registers; its task stack's frame records show it in "
				       "%s+0x%" PRIx64 "; lock in %.120s; %s",
				       f->function, f->offset, cs[best].where, best_why);
		else
			lc_text_printf(w->evidence, sizeof(w->evidence),
				       "spins in %s+0x%" PRIx64 "; lock in %.150s; %s", f->function,
				       f->offset, cs[best].where, best_why);
		lc_text_appendf(w->evidence, sizeof(w->evidence), "%s", note);
	}
	free(cs);
}

/* ---- sleepers ---- */

struct waiter_layout {
	uint64_t list_off, task_off, type_off;
	bool has_type;
	const char *lock_type;
	uint64_t wait_list_off;
	enum lc_lock_kind kind;
};

static struct lc_error *waiter_layout(struct ctx *c, enum wait_class cls, struct waiter_layout *wl)
{
	const char *wtype = cls == W_MUTEX ? "struct mutex_waiter"
			    : cls == W_SEM ? "struct semaphore_waiter"
					   : "struct rwsem_waiter";
	wl->lock_type = cls == W_MUTEX ? "struct mutex"
			: cls == W_SEM ? "struct semaphore"
				       : "struct rw_semaphore";
	wl->kind = cls == W_MUTEX ? LC_LOCK_MUTEX
		   : cls == W_SEM ? LC_LOCK_SEMAPHORE
				  : LC_LOCK_RWSEM;
	/* Waiter structs live on stacks only; BTF may lack them. Their heads are stable since 4.x.
	 */
	if (lc_failed(lc_types_offsetof(c->types, wtype, "list", &wl->list_off)))
		wl->list_off = WAITER_LIST_FALLBACK;
	if (lc_failed(lc_types_offsetof(c->types, wtype, "task", &wl->task_off)))
		wl->task_off = WAITER_TASK_FALLBACK;
	wl->has_type = !lc_failed(lc_types_offsetof(c->types, wtype, "type", &wl->type_off));
	if (!wl->has_type && wl->kind == LC_LOCK_RWSEM) {
		wl->type_off = wl->task_off + c->prog->ptr_size;
		wl->has_type = true;
	}
	return lc_types_offsetof(c->types, wl->lock_type, "wait_list", &wl->wait_list_off);
}

static bool task_stack_range(struct ctx *c, uint64_t task, uint64_t *lo)
{
	struct lc_error *err = lc_read_member(c->prog, task, "struct task_struct", "stack", lo);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	return *lo != 0;
}

/* Is node a waiter struct on the stack of the task it names? */
static bool node_is_waiter(struct ctx *c, uint64_t node, const struct waiter_layout *wl)
{
	uint64_t task, stack;
	struct lc_error *err = lc_read_ulong(c->prog, node - wl->list_off + wl->task_off, &task);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	if (!task_by_address(c, task))
		return false;
	return task_stack_range(c, task, &stack) && node >= stack && node < stack + THREAD_SIZE;
}

/* From one waiter node, the wait_list head: the one node of the ring not on a waiter's stack. */
static bool find_head(struct ctx *c, uint64_t node, const struct waiter_layout *wl, uint64_t *head)
{
	struct lc_u64set seen;
	lc_u64set_init(&seen);
	uint64_t pos = node, found = 0;
	unsigned heads = 0;
	bool ok = false;
	for (unsigned n = 0; n < MAX_LIST; n++) {
		uint64_t next;
		struct lc_error *err = lc_read_ulong(c->prog, pos, &next);
		if (err) {
			lc_error_destroy(err);
			goto out;
		}
		bool dup = false;
		if ((err = lc_u64set_add(&seen, next, &dup))) {
			lc_error_destroy(err);
			goto out;
		}
		if (next == node) {
			ok = heads == 1;
			break;
		}
		if (dup || !kernel_pointer(c, next))
			goto out;
		if (!node_is_waiter(c, next, wl)) {
			heads++;
			found = next;
		}
		pos = next;
	}
out:
	lc_u64set_deinit(&seen);
	if (ok)
		*head = found;
	return ok;
}

/* Is task on the wait_list of the lock at lock (bounded walk)? */
static bool on_wait_list(struct ctx *c, uint64_t lock, const struct waiter_layout *wl,
			 uint64_t task)
{
	uint64_t head = lock + wl->wait_list_off, pos = head;
	for (unsigned n = 0; n < MAX_LIST; n++) {
		uint64_t who;
		struct lc_error *err = lc_read_ulong(c->prog, pos, &pos);
		if (!err && pos != head)
			err = lc_read_ulong(c->prog, pos - wl->list_off + wl->task_off, &who);
		if (err) {
			lc_error_destroy(err);
			return false;
		}
		if (pos == head || !kernel_pointer(c, pos))
			return false;
		if (who == task)
			return true;
	}
	return false;
}

/*
 * With -k: the lock from DWARF's lock (mutex) or sem (rwsem, semaphore)
 * parameter of the wait function, kept if the task is on its wait_list.
 */
static bool dwarf_sleeper(struct ctx *c, const struct lc_task *t, const struct lc_stack *st,
			  size_t i, enum wait_class cls, const struct waiter_layout *wl)
{
	char where[200], why[160];
	uint64_t lock;
	if (!dwarf_lock(c, st, i, cls == W_MUTEX ? "lock" : "sem", &lock, where, sizeof(where), why,
			sizeof(why)) ||
	    !on_wait_list(c, lock, wl, t->address) || !lock_get(c, lock, wl->kind))
		return false;
	if (lc_grow((void **)&c->dwarf_sleepers, &c->dwarf_sleepers_cap, c->ndwarf_sleepers + 1,
		    sizeof(*c->dwarf_sleepers))) {
		c->dwarf_sleepers[c->ndwarf_sleepers].task = t->address;
		snprintf(c->dwarf_sleepers[c->ndwarf_sleepers].how, sizeof(c->dwarf_sleepers->how),
			 "%s", where);
		c->ndwarf_sleepers++;
	}
	return true;
}

static void find_sleeper(struct ctx *c, const struct lc_task *t)
{
	const struct lc_stack *st;
	struct lc_error *err = lc_stacks_task(c->prog, t->address, &st);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	enum wait_class cls = W_NONE;
	size_t i;
	for (i = 0; i < st->count; i++) {
		cls = classify(st->frames[i].function);
		if (cls != W_NONE)
			break;
	}
	if (cls < W_MUTEX)
		return;
	struct waiter_layout wl;
	if ((err = waiter_layout(c, cls, &wl))) {
		problem_err(c, err, "waiter layout");
		return;
	}
	if (c->debuginfo && dwarf_sleeper(c, t, st, i, cls, &wl))
		return;
	uint64_t stack;
	if (!task_stack_range(c, t->address, &stack)) {
		problem(c, "pid %d waits in %s but its stack is unknown", t->pid,
			st->frames[i].function);
		return;
	}
	uint64_t lo = st->count ? st->frames[0].sp & ~(uint64_t)7 : stack;
	if (lo < stack || lo >= stack + THREAD_SIZE)
		lo = stack;
	uint64_t hi = stack + THREAD_SIZE;
	uint8_t *buf = malloc(THREAD_SIZE);
	if (!buf)
		return;
	bool matched = false;
	/* page by page: a stack page may be missing from a filtered dump */
	for (uint64_t page = lo & ~(uint64_t)4095; page < hi && !matched; page += 4096) {
		uint64_t from = page < lo ? lo : page;
		size_t len = (size_t)(page + 4096 - from);
		if ((err = lc_read(c->prog, from, buf, len))) {
			lc_error_destroy(err);
			continue;
		}
		for (size_t off = 0; off + 8 <= len && !matched; off += 8) {
			if (lc_decode_uint(c->prog, buf + off, 8) != t->address)
				continue;
			uint64_t slot = from + off;
			if (slot < wl.task_off)
				continue;
			uint64_t node = slot - wl.task_off + wl.list_off, head;
			if (!find_head(c, node, &wl, &head) || head < wl.wait_list_off)
				continue;
			struct lc_lock *l = lock_get(c, head - wl.wait_list_off, wl.kind);
			if (l)
				matched = true;
		}
	}
	free(buf);
	if (!matched)
		problem(c, "pid %d (%s) waits in %s but no waiter on its stack links to a lock",
			t->pid, t->comm, st->frames[i].function);
}

/* ---- optimistic spinners of sleeping locks (mutex, rwsem) ---- */

/*
 * Functions a task is in only while it spins on a sleeping lock's owner, with
 * the parameter naming the lock: osq_lock() gets the lock's osq, the others
 * the lock. LC_LOCK_UNKNOWN: the callers say which kind.
 */
static const struct {
	const char *name;
	enum lc_lock_kind kind;
	const char *param;
	bool osq_param;
} opt_functions[] = {
	{"osq_lock", LC_LOCK_UNKNOWN, "lock", true},
	{"mutex_spin_on_owner", LC_LOCK_MUTEX, "lock", false},
	{"mutex_optimistic_spin", LC_LOCK_MUTEX, "lock", false},
	{"rwsem_spin_on_owner", LC_LOCK_RWSEM, "sem", false},
	{"rwsem_optimistic_spin", LC_LOCK_RWSEM, "sem", false},
};

static int opt_function(const char *function)
{
	for (size_t i = 0; i < LC_ARRAY_SIZE(opt_functions); i++) {
		if (lc_symbol_base_is(function, opt_functions[i].name))
			return (int)i;
	}
	return -1;
}

static const char *lock_type_name(enum lc_lock_kind kind)
{
	return kind == LC_LOCK_MUTEX ? "struct mutex" : "struct rw_semaphore";
}

/*
 * The osq of the lock at addr, head first (0 when empty, unreadable, or the
 * kernel has no osq). *tail gets osq.tail as read.
 */
static size_t osq_of(struct ctx *c, uint64_t addr, enum lc_lock_kind kind, uint32_t *tail,
		     const struct lc_osq_node **out, size_t max)
{
	uint64_t v;
	*tail = 0;
	if (!c->osq.count ||
	    lc_failed(lc_read_member(c->prog, addr, lock_type_name(kind), "osq.tail.counter", &v)))
		return 0;
	*tail = (uint32_t)v;
	return lc_osq_queue(c->osq.nodes, c->osq.count, *tail, out, max);
}

/* A mutex or rwsem a spinner on cpu can be waiting for: held by a task that is not cpu's. */
static bool opt_owner_fits(struct ctx *c, uint64_t addr, enum lc_lock_kind kind, int cpu)
{
	uint64_t a, b, owner = 0;
	if (kind == LC_LOCK_MUTEX) {
		struct lc_mutex_state m;
		if (lc_failed(lc_read_member(c->prog, addr, "struct mutex", "owner.counter", &a)))
			return false;
		lc_mutex_decode(a, &m);
		owner = m.owner;
	} else {
		struct lc_rwsem_state r;
		if (lc_failed(lc_read_member(c->prog, addr, "struct rw_semaphore", "count.counter",
					     &a)) ||
		    lc_failed(lc_read_member(c->prog, addr, "struct rw_semaphore", "owner.counter",
					     &b)))
			return false;
		lc_rwsem_decode(a, b, c->prog->ptr_size, &r);
		if (!r.locked)
			return false;
		owner = r.owner;
	}
	const struct lc_task *t = owner ? task_by_address(c, owner) : NULL;
	return t && (cpu < 0 || (unsigned)cpu >= c->k->nr_cpu_ids || c->k->cpus[cpu].curr != owner);
}

/*
 * How a lock at addr of the given kind fits the spinner on st's CPU: 3 its node
 * is in the lock's osq, 2 it is on the lock's wait_list (the first waiter
 * spins on the owner without the osq), 0 no.
 */
static int opt_fit(struct ctx *c, const struct lc_stack *st, uint64_t addr, enum lc_lock_kind kind,
		   bool osq_param, char *why, size_t size)
{
	if (addr & 7 || !opt_owner_fits(c, addr, kind, st->cpu))
		return 0;
	const struct lc_osq_node *q[64];
	uint32_t tail;
	size_t n = osq_of(c, addr, kind, &tail, q, LC_ARRAY_SIZE(q));
	for (size_t k = 0; k < n; k++) {
		if (q[k]->cpu == st->cpu) {
			snprintf(why, size, "its osq node is #%zu of %zu in the lock's osq", k + 1,
				 n);
			return 3;
		}
	}
	struct waiter_layout wl;
	if (osq_param ||
	    lc_failed(waiter_layout(c, kind == LC_LOCK_MUTEX ? W_MUTEX : W_RWSEM_WRITE, &wl)) ||
	    !on_wait_list(c, addr, &wl, st->task))
		return 0;
	snprintf(why, size, "it is on the lock's wait_list and spins on the owner outside the osq");
	return 2;
}

/*
 * A CPU spinning on a mutex's or rwsem's owner: the lock from DWARF (-k) or
 * the values its lock frames hold, kept when the lock's osq (or wait_list)
 * has this CPU. Only records the lock and how it was found: the waiters come
 * from the osq walk when the lock is filled in.
 */
static void find_opt_spinner(struct ctx *c, const struct lc_stack *st)
{
	size_t i;
	int fi = -1;
	if (st->cpu < 0 || (unsigned)st->cpu >= c->k->nr_cpu_ids)
		return;
	/* arm64 stopped at an IRQ vector: the callee of the frame's last call (see find_spinner) */
	bool callee = false;
	for (i = 0; i < st->count && i < 8 && fi < 0; i++) {
		fi = opt_function(st->frames[i].call_function);
		callee = fi >= 0;
		if (fi < 0)
			fi = opt_function(st->frames[i].function);
	}
	if (fi < 0)
		return;
	i--;
	enum lc_lock_kind kinds[2] = {opt_functions[fi].kind, LC_LOCK_UNKNOWN};
	if (kinds[0] == LC_LOCK_UNKNOWN) {
		/* osq_lock: its callers say whose osq, else try both */
		kinds[0] = LC_LOCK_MUTEX;
		kinds[1] = LC_LOCK_RWSEM;
		for (size_t j = i + 1; j < st->count && j <= i + 3; j++) {
			enum wait_class o = classify(st->frames[j].function);
			const char *fn = st->frames[j].function;
			if (o == W_MUTEX || (fn && !strncmp(fn, "mutex_", 6))) {
				kinds[1] = LC_LOCK_UNKNOWN;
				break;
			}
			if (o == W_RWSEM_READ || o == W_RWSEM_WRITE ||
			    (fn && !strncmp(fn, "rwsem_", 6))) {
				kinds[0] = LC_LOCK_RWSEM;
				kinds[1] = LC_LOCK_UNKNOWN;
				break;
			}
		}
	}
	struct candidate *cs = calloc(MAX_CANDIDATES, sizeof(*cs));
	if (!cs)
		return;
	size_t n = 0;
	char dwarf_why[160] = "";
	/* a lost callee frame has no registers of its own to evaluate DWARF's location with */
	if (c->debuginfo && !callee) {
		char where[sizeof(cs->where)];
		uint64_t v;
		if (dwarf_lock(c, st, i, opt_functions[fi].param, &v, where, sizeof(where),
			       dwarf_why, sizeof(dwarf_why)))
			cand_add(cs, &n, v, SOURCE_DWARF, where);
	}
	gather_candidates(c, st, i, cs, &n);
	int best = -1, best_score = -1;
	uint64_t best_lock = 0;
	enum lc_lock_kind best_kind = LC_LOCK_UNKNOWN;
	char best_why[120] = "";
	for (size_t k = 0; k < n; k++) {
		for (int kk = 0; kk < 2 && kinds[kk] != LC_LOCK_UNKNOWN; kk++) {
			uint64_t lock = cs[k].value, osq_off = 0;
			if (opt_functions[fi].osq_param) {
				if (lc_failed(lc_types_offsetof(c->types, lock_type_name(kinds[kk]),
								"osq", &osq_off)) ||
				    lock < osq_off)
					continue;
				lock -= osq_off;
			}
			char why[120];
			int fit = opt_fit(c, st, lock, kinds[kk], opt_functions[fi].osq_param, why,
					  sizeof(why));
			if (!fit)
				continue;
			char sym[8];
			int named =
				lc_locks_symbolize(c->prog, lock, sym, sizeof(sym), NULL)[0] != 0;
			int score = cs[k].source == SOURCE_DWARF
					    ? 1000 + fit
					    : fit * 10 + cs[k].source * 2 + named;
			if (score > best_score) {
				best_score = score;
				best = (int)k;
				best_lock = lock;
				best_kind = kinds[kk];
				snprintf(best_why, sizeof(best_why), "%s", why);
			}
		}
	}
	const struct lc_frame *f = &st->frames[i];
	const char *fn = callee ? f->call_function : f->function;
	if (best < 0) {
		problem(c,
			"cpu %d spins in %s (optimistic spinning on a sleeping lock's owner) but no "
			"value in its registers or lock frames is a lock whose osq or wait_list has it",
			st->cpu, fn);
		free(cs);
		return;
	}
	if (lock_get(c, best_lock, best_kind)) {
		bool exact;
		const struct lc_irq_info *irqs;
		context_regs(st, i, &exact, &irqs);
		struct opt_spin *o = &c->opt[st->cpu];
		o->lock = best_lock;
		o->irqs = irqs->state;
		if (callee)
			lc_text_printf(o->how, sizeof(o->how),
				       "in %s (called from %s+0x%" PRIx64
				       ", interrupted as it took an "
				       "IRQ), lock in %.60s",
				       fn, f->function, f->offset, cs[best].where);
		else
			lc_text_printf(o->how, sizeof(o->how),
				       "%sin %s+0x%" PRIx64 ", lock in %.100s",
				       st->scanned ? "no registers, frame records show it " : "",
				       fn, f->offset, cs[best].where);
	}
	free(cs);
}

/* The optimistic-spin function on cpu's stack, for a spinner found by the osq walk alone. */
static const char *opt_frame(struct ctx *c, int cpu, uint64_t *offset)
{
	if (cpu < 0 || (unsigned)cpu >= c->stacks->nr_cpus || !c->stacks->cpu_has_stack[cpu])
		return NULL;
	const struct lc_stack *st = &c->stacks->cpus[cpu];
	for (size_t i = 0; i < st->count && i < 8; i++) {
		if (opt_function(st->frames[i].call_function) >= 0) {
			*offset = 0;
			return st->frames[i].call_function;
		}
		if (opt_function(st->frames[i].function) >= 0) {
			*offset = st->frames[i].offset;
			return st->frames[i].function;
		}
	}
	return NULL;
}

/* An rwsem spinner's mode from its CPU's slow path frame ('r', 'w'; 0 when none shows). */
static char rwsem_mode_on_stack(struct ctx *c, int cpu)
{
	if (cpu < 0 || (unsigned)cpu >= c->stacks->nr_cpus || !c->stacks->cpu_has_stack[cpu])
		return 0;
	const struct lc_stack *st = &c->stacks->cpus[cpu];
	for (size_t i = 0; i < st->count && i < 12; i++) {
		enum wait_class cls = classify(st->frames[i].function);
		if (cls == W_RWSEM_READ || cls == W_RWSEM_WRITE)
			return cls == W_RWSEM_READ ? 'r' : 'w';
	}
	return 0;
}

/*
 * The CPUs in a mutex's or rwsem's osq, head first, as spinning waiters: the
 * head holds the osq and spins on the owner, the others spin on their own
 * node until their predecessor hands the osq on.
 */
static void osq_waiters(struct ctx *c, struct lc_lock *l)
{
	const struct lc_osq_node *q[64];
	uint32_t tail;
	size_t n = osq_of(c, l->address, l->kind, &tail, q, LC_ARRAY_SIZE(q));
	if (!tail)
		return;
	if (!n) {
		problem(c,
			"%s 0x%" PRIx64 ": osq tail 0x%" PRIx32 " names no CPU whose osq node is "
			"queued",
			lc_lock_kind_name(l->kind), l->address, tail);
		return;
	}
	size_t len = strlen(l->state);
	snprintf(l->state + len, sizeof(l->state) - len, ", %zu optimistic spinner%s (osq)", n,
		 n == 1 ? "" : "s");
	for (size_t k = 0; k < n; k++) {
		int cpu = q[k]->cpu;
		uint64_t task = c->k->cpus[cpu].curr;
		const struct lc_task *t = task_by_address(c, task);
		struct lc_lock_waiter *w = waiter_add(l, task, t ? t->pid : -1);
		if (!w)
			return;
		w->cpu = cpu;
		w->spinning = true;
		if (t)
			snprintf(w->comm, sizeof(w->comm), "%s", t->comm);
		if (l->kind == LC_LOCK_RWSEM)
			w->mode = rwsem_mode_on_stack(c, cpu);
		const struct opt_spin *o = &c->opt[cpu];
		if (o->lock == l->address)
			w->irqs = o->irqs;
		else if ((unsigned)cpu < c->stacks->nr_cpus && c->stacks->cpu_has_stack[cpu])
			w->irqs = c->stacks->cpus[cpu].irqs.state;
		char role[64];
		if (k == 0)
			snprintf(role, sizeof(role), "holds the osq and spins on the owner");
		else
			snprintf(role, sizeof(role), "queued behind cpu %d", q[k - 1]->cpu);
		lc_text_printf(
			w->evidence, sizeof(w->evidence),
			"optimistic spinner, #%zu of %zu in the lock's osq (tail cpu %d), %s",
			k + 1, n, (int)tail - 1, role);
		uint64_t off = 0;
		const char *fn;
		if (o->lock == l->address)
			lc_text_appendf(w->evidence, sizeof(w->evidence), "; %s", o->how);
		else if ((fn = opt_frame(c, cpu, &off)))
			lc_text_appendf(w->evidence, sizeof(w->evidence), "; in %s+0x%" PRIx64, fn,
					off);
		else
			lc_text_appendf(w->evidence, sizeof(w->evidence),
					"; its stack shows no optimistic-spin function");
	}
}

/* ---- filling in each lock ---- */

static void owner_from_task(struct ctx *c, struct lc_lock_owner *o, uint64_t task,
			    enum lc_confidence conf)
{
	const struct lc_task *t = task_by_address(c, task);
	o->task = task;
	o->confidence = conf;
	if (t) {
		o->pid = t->pid;
		snprintf(o->comm, sizeof(o->comm), "%s", t->comm);
		o->on_cpu = t->current_on >= 0;
		o->cpu = t->current_on >= 0 ? t->current_on : t->cpu;
	}
}

static void wait_list_waiters(struct ctx *c, struct lc_lock *l, const struct waiter_layout *wl)
{
	uint64_t head = l->address + wl->wait_list_off, pos = head;
	struct lc_u64set seen;
	lc_u64set_init(&seen);
	for (unsigned n = 0; n < MAX_LIST; n++) {
		struct lc_error *err = lc_read_ulong(c->prog, pos, &pos);
		bool dup = false;
		if (!err)
			err = lc_u64set_add(&seen, pos, &dup);
		if (err) {
			problem_err(c, err, "walking a wait_list");
			break;
		}
		if (pos == head)
			break;
		if (dup) {
			problem(c, "wait_list of %s 0x%" PRIx64 " loops",
				lc_lock_kind_name(l->kind), l->address);
			break;
		}
		uint64_t w = pos - wl->list_off, task, type = 0;
		err = lc_read_ulong(c->prog, w + wl->task_off, &task);
		if (!err && wl->has_type)
			err = lc_read_uint(c->prog, w + wl->type_off, 4, &type);
		if (err) {
			problem_err(c, err, "reading a lock waiter");
			break;
		}
		const struct lc_task *t = task_by_address(c, task);
		struct lc_lock_waiter *lw = waiter_add(l, task, t ? t->pid : -1);
		if (!lw)
			break;
		if (lw->evidence[0])
			continue; /* in the osq too: a torn read; its osq record stands */
		/*
		 * The first waiter of a mutex spins on the owner outside the osq (in task
		 * state D): on a CPU whose stack shows it spinning for this lock.
		 */
		bool opt = t && t->current_on >= 0 && (unsigned)t->current_on < c->k->nr_cpu_ids &&
			   c->opt[t->current_on].lock == l->address;
		if (t) {
			snprintf(lw->comm, sizeof(lw->comm), "%s", t->comm);
			lw->cpu = t->current_on >= 0 ? t->current_on : t->cpu;
			lw->spinning = t->current_on >= 0 && (t->state == 'R' || opt);
		}
		lw->irqs = opt ? c->opt[t->current_on].irqs : LC_IRQS_ON;
		/* enum rwsem_waiter_type: RWSEM_WAITING_FOR_WRITE 0, RWSEM_WAITING_FOR_READ 1 */
		if (l->kind == LC_LOCK_RWSEM)
			lw->mode = type ? 'r' : 'w';
		const char *dwarf = NULL;
		for (size_t k = 0; k < c->ndwarf_sleepers && !dwarf; k++) {
			if (c->dwarf_sleepers[k].task == task)
				dwarf = c->dwarf_sleepers[k].how;
		}
		snprintf(lw->evidence, sizeof(lw->evidence),
			 "in the lock's wait_list (waiter at 0x%" PRIx64 "%s)%s%.120s", w,
			 t ? "" : ", task not in the task list", dwarf ? "; lock from " : "",
			 dwarf ? dwarf : "");
		if (opt)
			lc_text_appendf(lw->evidence, sizeof(lw->evidence),
					"; spins on the owner %s", c->opt[t->current_on].how);
	}
	lc_u64set_deinit(&seen);
}

static void fill_sleeping_lock(struct ctx *c, struct lc_lock *l)
{
	enum wait_class cls = l->kind == LC_LOCK_MUTEX	     ? W_MUTEX
			      : l->kind == LC_LOCK_SEMAPHORE ? W_SEM
							     : W_RWSEM_WRITE;
	struct waiter_layout wl;
	struct lc_error *err = waiter_layout(c, cls, &wl);
	if (err) {
		problem_err(c, err, "lock layout");
		return;
	}
	uint64_t a = 0, b = 0;
	if (l->kind == LC_LOCK_MUTEX) {
		err = lc_read_member(c->prog, l->address, "struct mutex", "owner.counter", &a);
		if (err)
			goto fail;
		struct lc_mutex_state s;
		lc_mutex_decode(a, &s);
		l->word = a;
		l->held = s.owner != 0;
		snprintf(l->state, sizeof(l->state), "%s%s%s%s", s.owner ? "locked" : "unlocked",
			 s.waiters ? ", waiters" : "", s.handoff ? ", handoff" : "",
			 s.pickup ? ", pickup" : "");
		if (s.owner) {
			owner_from_task(c, &l->owner, s.owner, LC_CONFIDENCE_HIGH);
			snprintf(l->owner.evidence, sizeof(l->owner.evidence),
				 "mutex owner word 0x%" PRIx64 " names task 0x%" PRIx64, a,
				 s.owner);
		}
	} else if (l->kind == LC_LOCK_RWSEM) {
		err = lc_read_member(c->prog, l->address, "struct rw_semaphore", "count.counter",
				     &a);
		if (!err)
			err = lc_read_member(c->prog, l->address, "struct rw_semaphore",
					     "owner.counter", &b);
		if (err)
			goto fail;
		struct lc_rwsem_state s;
		lc_rwsem_decode(a, b, c->prog->ptr_size, &s);
		l->word = a;
		l->word2 = b;
		l->held = s.locked;
		snprintf(l->state, sizeof(l->state), "%s%s%s",
			 s.writer_locked ? "write-locked" : "", s.waiters ? ", waiters" : "",
			 s.handoff ? ", handoff" : "");
		if (!s.writer_locked) {
			char tmp[40];
			snprintf(tmp, sizeof(tmp), "%" PRIu64 " reader%s", s.readers,
				 s.readers == 1 ? "" : "s");
			memmove(l->state + strlen(tmp), l->state, strlen(l->state) + 1);
			memcpy(l->state, tmp, strlen(tmp));
		}
		if (s.writer_locked && s.owner) {
			owner_from_task(c, &l->owner, s.owner, LC_CONFIDENCE_HIGH);
			l->owner.mode = 'w';
			snprintf(l->owner.evidence, sizeof(l->owner.evidence),
				 "write-locked; rwsem owner word 0x%" PRIx64
				 " names task 0x%" PRIx64,
				 b, s.owner);
		} else if (s.readers && s.reader_owned && s.owner) {
			/* Readers are not tracked: owner keeps only the last one to get in. */
			owner_from_task(c, &l->owner, s.owner,
					s.readers == 1 ? LC_CONFIDENCE_MEDIUM : LC_CONFIDENCE_LOW);
			l->owner.mode = 'r';
			snprintf(l->owner.evidence, sizeof(l->owner.evidence),
				 "%" PRIu64 " reader(s); the owner word 0x%" PRIx64
				 " names the last reader to take it, which may have left",
				 s.readers, b);
		}
	} else {
		err = lc_read_member(c->prog, l->address, "struct semaphore", "count", &a);
		if (err)
			goto fail;
		l->word = a;
		l->held = a == 0;
		snprintf(l->state, sizeof(l->state), "count %" PRIu64, a);
		snprintf(l->owner.evidence, sizeof(l->owner.evidence),
			 "semaphores record no owner%s",
			 a == 0 ? " (count 0: every unit is taken)" : "");
	}
	if (l->kind != LC_LOCK_SEMAPHORE)
		osq_waiters(c, l);
	wait_list_waiters(c, l, &wl);
	return;
fail:
	problem_err(c, err, "reading a sleeping lock");
}

/*
 * Without CONFIG_PREEMPT_COUNT (e.g. Debian's arm64 and ppc64el kernels, PREEMPT_VOLUNTARY)
 * preempt_disable() is a compiler barrier: preempt_count stays 0 under spin locks, so a 0
 * says nothing. PREEMPT_COUNT comes with PREEMPTION (preempt_schedule exists) or
 * DEBUG_ATOMIC_SLEEP (__cant_sleep exists).
 */
static bool preempt_counted(struct lc_program *prog)
{
	uint64_t addr;
	return !lc_failed(lc_symbol_address(prog, "preempt_schedule", &addr)) ||
	       !lc_failed(lc_symbol_address(prog, "__cant_sleep", &addr));
}

static unsigned preempt_depth(struct ctx *c, unsigned cpu, uint64_t task, bool *known)
{
	uint64_t v, addr;
	struct lc_error *err;
	*known = false;
	if (!c->preempt_counted)
		return 0;
	/* x86 keeps the count per CPU: __preempt_count until 6.2, then pcpu_hot.preempt_count. */
	if (!lc_failed(lc_symbol_address(c->prog, "__preempt_count", &addr)) ||
	    (!lc_failed(lc_symbol_address(c->prog, "pcpu_hot", &addr)) &&
	     !lc_failed(lc_types_offsetof(c->types, "struct pcpu_hot", "preempt_count", &v)) &&
	     (addr += v, true))) {
		err = lc_percpu_address(c->prog, addr, cpu, &addr);
		if (!err)
			err = lc_read_uint(c->prog, addr, 4, &v);
	} else {
		err = lc_read_member(c->prog, task, "struct task_struct",
				     "thread_info.preempt_count", &v);
	}
	if (err) {
		lc_error_destroy(err);
		return 0;
	}
	*known = true;
	/* PREEMPT_MASK: the low byte counts preempt_disable() levels, spin locks included. */
	return (unsigned)(v & 0xff);
}

static bool value_in_cpu(struct ctx *c, const struct lc_stack *st, uint64_t lock, char *where,
			 size_t size)
{
	const struct lc_arch_ops *arch = c->prog->arch;
	for (size_t i = 0; i <= st->count; i++) {
		const struct lc_regset *regs = i == st->count ? &st->initial : st->frames[i].regs;
		if (i < st->count && !st->frames[i].exception)
			continue;
		for (unsigned r = 0; regs && r < arch->ptregs_words && r < LC_REGS_MAX; r++) {
			uint64_t v;
			if (lc_regset_get(regs, r, &v) && v == lock) {
				snprintf(where, size, "register %s",
					 r < arch->ngregs ? arch->gregs[r] : "?");
				return true;
			}
		}
	}
	if (!st->count)
		return false;
	uint64_t lo = st->frames[0].sp, hi = st->frames[st->count - 1].sp + 128;
	if (hi <= lo || hi - lo > MAX_OWNER_SCAN)
		hi = lo + MAX_OWNER_SCAN;
	for (uint64_t page = lo; page < hi;) {
		uint8_t buf[512];
		size_t len = hi - page < sizeof(buf) ? (size_t)(hi - page) : sizeof(buf);
		len &= ~(size_t)7;
		if (!len)
			break;
		struct lc_error *err = lc_read(c->prog, page, buf, len);
		if (err) {
			lc_error_destroy(err);
			page += len;
			continue;
		}
		for (size_t off = 0; off + 8 <= len; off += 8) {
			if (lc_decode_uint(c->prog, buf + off, 8) == lock) {
				snprintf(where, size, "stack slot 0x%" PRIx64, page + off);
				return true;
			}
		}
		page += len;
	}
	return false;
}

static bool runs_module(const struct lc_stack *st, const char *module)
{
	for (size_t i = 0; module && i < st->count; i++) {
		if (st->frames[i].module && !strcmp(st->frames[i].module, module))
			return true;
	}
	return false;
}

static bool in_function(const struct lc_stack *st, const char *name)
{
	for (size_t i = 0; i < st->count; i++) {
		if (st->frames[i].function && !strcmp(st->frames[i].function, name))
			return true;
	}
	return false;
}

/* Spinning locks do not name their holder: weigh what each other CPU shows. */
static void attribute_spin_owner(struct ctx *c, struct lc_lock *l)
{
	enum { TIERS = 6 };
	/*
	 * tier: 0 address+preempt, 1 address, 2 module+preempt, 3 module and spinning on no
	 * lock, 4 module, 5 preempt only. Tier 3 matters where preempt_count says nothing: a
	 * CPU spinning on another lock can hold this one (lock chains), but one that runs the
	 * lock's module and waits for nothing is the likelier holder.
	 */
	static const enum lc_confidence conf[TIERS] = {LC_CONFIDENCE_HIGH,   LC_CONFIDENCE_MEDIUM,
						       LC_CONFIDENCE_MEDIUM, LC_CONFIDENCE_LOW,
						       LC_CONFIDENCE_LOW,    LC_CONFIDENCE_LOW};
	int first[TIERS], count[TIERS] = {0};
	char why[TIERS][200];
	for (unsigned cpu = 0; cpu < c->stacks->nr_cpus; cpu++) {
		if (!c->stacks->cpu_has_stack[cpu] || c->spins_on[cpu] == l->address)
			continue;
		const struct lc_stack *st = &c->stacks->cpus[cpu];
		bool idle = cpu < c->k->nr_cpu_ids && c->k->cpus[cpu].idle == st->task;
		char where[64] = "";
		bool addr = value_in_cpu(c, st, l->address, where, sizeof(where));
		bool mod = l->module && runs_module(st, l->module);
		bool pknown;
		unsigned depth = preempt_depth(c, cpu, st->task, &pknown);
		/* a spinner disabled preemption for the lock it is still trying to take */
		if (depth && c->spins_on[cpu])
			depth--;
		/* panic() disables preemption itself before it stops the other CPUs */
		if (depth && in_function(st, "panic"))
			depth--;
		bool preempt = pknown && depth > 0;
		int tier = addr && preempt	      ? 0
			   : addr		      ? 1
			   : mod && preempt	      ? 2
			   : mod && !c->spins_on[cpu] ? 3
			   : mod		      ? 4
			   : preempt && !idle	      ? 5
						      : -1;
		if (tier < 0)
			continue;
		if (!count[tier]++) {
			first[tier] = (int)cpu;
			char p[96] = "";
			if (pknown)
				snprintf(p, sizeof(p),
					 "%u preempt-disable level(s) beyond any lock it waits for",
					 depth);
			snprintf(why[tier], sizeof(why[tier]), "cpu %u: %s%s%s%s%s%s%s%s", cpu,
				 addr ? "lock address in " : "", addr ? where : "",
				 addr && (mod || pknown) ? "; " : "",
				 mod ? "runs code of module " : "", mod ? l->module : "",
				 tier == 3 ? " and spins on no lock" : "",
				 mod && pknown ? "; " : "", p);
		}
	}
	for (int t = 0; t < TIERS; t++) {
		if (!count[t])
			continue;
		if (count[t] > 1) {
			snprintf(l->owner.evidence, sizeof(l->owner.evidence),
				 "%d CPUs fit equally (first %s); holder not decided", count[t],
				 why[t]);
			return;
		}
		const struct lc_stack *st = &c->stacks->cpus[first[t]];
		l->owner.confidence = conf[t];
		l->owner.cpu = first[t];
		l->owner.on_cpu = true;
		l->owner.pid = st->pid;
		l->owner.task = st->task;
		snprintf(l->owner.comm, sizeof(l->owner.comm), "%s", st->comm);
		snprintf(l->owner.evidence, sizeof(l->owner.evidence),
			 "the lock word names no holder; %s; not waiting on it", why[t]);
		return;
	}
	snprintf(l->owner.evidence, sizeof(l->owner.evidence),
		 "the lock word names no holder and no CPU shows holding it");
}

/* The ppc64 lock token and powerpc's qspinlock name the CPU that took the lock. */
static void owner_from_word(struct ctx *c, struct lc_lock *l, const struct lc_spinlock_state *s)
{
	int cpu = s->owner_cpu;
	const char *what = c->sl.flavor == LC_SPIN_PPC_TOKEN ? "lock token" : "lock word";
	if ((unsigned)cpu >= c->k->nr_cpu_ids) {
		snprintf(l->owner.evidence, sizeof(l->owner.evidence),
			 "%s 0x%08" PRIx32 " names cpu %d, beyond the %u CPU ids", what, s->word,
			 cpu, c->k->nr_cpu_ids);
		return;
	}
	/* Spin locks disable preemption: the task that took it still runs on that CPU. */
	l->owner = (struct lc_lock_owner){
		.confidence = LC_CONFIDENCE_HIGH, .cpu = cpu, .on_cpu = true, .pid = -1};
	if ((unsigned)cpu < c->stacks->nr_cpus && c->stacks->cpu_has_stack[cpu]) {
		const struct lc_stack *st = &c->stacks->cpus[cpu];
		l->owner.pid = st->pid;
		l->owner.task = st->task;
		snprintf(l->owner.comm, sizeof(l->owner.comm), "%s", st->comm);
	} else {
		const struct lc_task *t = task_by_address(c, c->k->cpus[cpu].curr);
		l->owner.task = c->k->cpus[cpu].curr;
		if (t) {
			l->owner.pid = t->pid;
			snprintf(l->owner.comm, sizeof(l->owner.comm), "%s", t->comm);
		}
	}
	snprintf(l->owner.evidence, sizeof(l->owner.evidence), "%s 0x%08" PRIx32 " names cpu %d",
		 what, s->word, cpu);
}

/*
 * CONFIG_DEBUG_SPINLOCK records the holder's task and CPU right after the
 * acquire and clears them before the release (kernel/locking/spinlock_debug.c):
 * in raw_spinlock_t, and in rwlock_t for write locks. Read into
 * l->debug_owner whenever the lock has them; true when they name a task,
 * which then becomes the holder unless use is false.
 */
static bool debug_spin_owner(struct ctx *c, struct lc_lock *l, bool use)
{
	bool rw = l->kind == LC_LOCK_RWLOCK;
	const char *t = rw ? "rwlock_t" : "struct raw_spinlock";
	uint64_t magic, cpu, owner;
	if (!c->debug_spinlock ||
	    (l->kind != LC_LOCK_SPINLOCK && l->kind != LC_LOCK_RAW_SPINLOCK && !rw))
		return false;
	if (lc_failed(lc_read_member(c->prog, l->address, t, "magic", &magic)) ||
	    lc_failed(lc_read_member(c->prog, l->address, t, "owner_cpu", &cpu)) ||
	    lc_failed(lc_read_member(c->prog, l->address, t, "owner", &owner)))
		return false;
	struct lc_debug_spinlock_state d;
	lc_debug_spinlock_decode((uint32_t)magic, (uint32_t)cpu, owner, c->prog->ptr_size, &d);
	if (!(rw ? d.rwlock_magic : d.magic_ok))
		return false;
	const struct lc_task *task = d.owner ? task_by_address(c, d.owner) : NULL;
	l->debug_owner.present = true;
	l->debug_owner.cpu = d.owner_cpu;
	l->debug_owner.task = d.owner;
	l->debug_owner.pid = task ? task->pid : -1;
	if (!task || !use)
		return task != NULL;
	owner_from_task(c, &l->owner, d.owner, LC_CONFIDENCE_HIGH);
	if (d.owner_cpu >= 0 && (unsigned)d.owner_cpu < c->k->nr_cpu_ids)
		l->owner.cpu = d.owner_cpu;
	snprintf(l->owner.evidence, sizeof(l->owner.evidence),
		 "CONFIG_DEBUG_SPINLOCK: owner task 0x%" PRIx64 ", owner_cpu %d", d.owner,
		 d.owner_cpu);
	return true;
}

static void fill_spinning_lock(struct ctx *c, struct lc_lock *l)
{
	uint64_t v;
	struct lc_error *err = lc_read_uint(c->prog, l->address, 4, &v);
	if (err) {
		problem_err(c, err, "reading a lock word");
		return;
	}
	l->word = v;
	if (l->kind == LC_LOCK_RWLOCK) {
		struct lc_qrwlock_state s;
		lc_qrwlock_decode((uint32_t)v, &s);
		lc_qrwlock_describe(&s, l->state, sizeof(l->state));
		/* spinning readers add their bias while they wait for the writer */
		l->held = s.write_locked || s.readers > 0;
		bool dbg = debug_spin_owner(c, l, s.write_locked);
		if (s.write_locked) {
			if (!dbg)
				attribute_spin_owner(c, l);
			l->owner.mode = l->owner.confidence ? 'w' : 0;
		} else if (s.readers) {
			snprintf(l->owner.evidence, sizeof(l->owner.evidence),
				 "read-locked by %u reader(s); rwlocks do not record readers",
				 s.readers);
		}
		return;
	}
	struct lc_spinlock_state s;
	lc_spinlock_decode(&c->sl, (uint32_t)v, &s);
	snprintf(l->state, sizeof(l->state), "%s", s.desc);
	l->held = s.locked;
	/* Queued CPUs whose stacks did not show the lock (no registers, odd frames). */
	const struct lc_mcs_node *q[64];
	size_t n = mcs_queue(c, l->address, &s, q, LC_ARRAY_SIZE(q));
	for (size_t i = 0; i < n; i++) {
		int cpu = q[i]->cpu;
		if ((unsigned)cpu < c->k->nr_cpu_ids && c->spins_on[cpu] == l->address)
			continue;
		const struct lc_task *t = task_by_address(c, c->k->cpus[cpu].curr);
		struct lc_lock_waiter *w = waiter_add(l, c->k->cpus[cpu].curr, t ? t->pid : -1);
		if (!w)
			break;
		w->cpu = cpu;
		w->spinning = true;
		if (t)
			snprintf(w->comm, sizeof(w->comm), "%s", t->comm);
		if ((unsigned)cpu < c->stacks->nr_cpus && c->stacks->cpu_has_stack[cpu])
			w->irqs = c->stacks->cpus[cpu].irqs.state;
		snprintf(w->evidence, sizeof(w->evidence),
			 "MCS node %u of cpu %d is #%zu in the queue%s%s%s", q[i]->idx, cpu, i + 1,
			 q[i]->note[0] ? " (" : "", q[i]->note, q[i]->note[0] ? ")" : "");
		c->spins_on[cpu] = l->address;
	}
	/* the lock word's CPU (ppc) is the stronger record: the debug fields then only show */
	bool word_names = s.locked && s.owner_cpu >= 0;
	bool dbg = debug_spin_owner(c, l, s.locked && !word_names);
	if (word_names)
		owner_from_word(c, l, &s);
	else if (s.locked && !dbg)
		attribute_spin_owner(c, l);
}

static bool lockish_name(const char *name)
{
	static const char *const parts[] = {"lock", "spin", "mutex", "sem", "rw"};
	for (size_t i = 0; i < LC_ARRAY_SIZE(parts); i++) {
		if (strstr(name, parts[i]))
			return true;
	}
	return false;
}

/*
 * Held module locks nobody waits for (yet): module data objects named like a
 * lock, of the size of a lock type, whose word says held. Both the size and
 * the decoded word must fit, so an integer that happens to be 1 is not taken.
 */
static void module_lock(struct ctx *c, const struct lc_symbol *s, uint64_t spin, uint64_t rw,
			uint64_t mutex, uint64_t rwsem);

static void module_locks(struct ctx *c)
{
	const struct lc_modules *mods = lc_modules_get(c->prog);
	uint64_t spin = 4, rw = 8, mutex = 0, rwsem = 0;
	lc_error_destroy(lc_types_sizeof(c->types, "spinlock_t", &spin));
	lc_error_destroy(lc_types_sizeof(c->types, "rwlock_t", &rw));
	lc_error_destroy(lc_types_sizeof(c->types, "struct mutex", &mutex));
	lc_error_destroy(lc_types_sizeof(c->types, "struct rw_semaphore", &rwsem));
	for (size_t mi = 0; mi < mods->count; mi++) {
		const struct lc_module *mod = &mods->mods[mi];
		/* A lookup loads the module's symtab on first use. */
		lc_module_symbol(c->prog, mod, mod->text_start);
		for (size_t i = 0; i < mod->nsyms; i++)
			module_lock(c, &mod->syms[i], spin, rw, mutex, rwsem);
	}
}

/* One module symbol: a lock if its name, size and decoded word all say so. */
static void module_lock(struct ctx *c, const struct lc_symbol *s, uint64_t spin, uint64_t rw,
			uint64_t mutex, uint64_t rwsem)
{
	/* Writable data: 'd' from memory; 'd'/'D'/'b'/'B' from a module file (-m). */
	char t = (char)tolower((unsigned char)s->type);
	if ((t != 'd' && t != 'b') || !s->size || !lockish_name(s->name))
		return;
	uint64_t v = 0, w = 0;
	enum lc_lock_kind kind = LC_LOCK_UNKNOWN;
	/* A token lock reads "locked" for any non-zero word: too weak a test here. */
	if (s->size == spin && c->sl.flavor != LC_SPIN_PPC_TOKEN &&
	    !lc_failed(lc_read_uint(c->prog, s->address, 4, &v))) {
		struct lc_spinlock_state q;
		lc_spinlock_decode(&c->sl, (uint32_t)v, &q);
		if (!q.bad && q.locked && q.owner_cpu < (int)c->k->nr_cpu_ids)
			kind = LC_LOCK_SPINLOCK;
	} else if (s->size == rw && !lc_failed(lc_read_uint(c->prog, s->address, 4, &v))) {
		struct lc_qrwlock_state q;
		lc_qrwlock_decode((uint32_t)v, &q);
		if (!q.bad && q.write_locked)
			kind = LC_LOCK_RWLOCK;
	} else if (s->size == mutex &&
		   !lc_failed(lc_read_member(c->prog, s->address, "struct mutex", "owner.counter",
					     &v))) {
		struct lc_mutex_state m;
		lc_mutex_decode(v, &m);
		if (m.owner && task_by_address(c, m.owner))
			kind = LC_LOCK_MUTEX;
	} else if (s->size == rwsem &&
		   !lc_failed(lc_read_member(c->prog, s->address, "struct rw_semaphore",
					     "count.counter", &v)) &&
		   !lc_failed(lc_read_member(c->prog, s->address, "struct rw_semaphore",
					     "owner.counter", &w))) {
		struct lc_rwsem_state r;
		lc_rwsem_decode(v, w, c->prog->ptr_size, &r);
		if (r.locked && r.owner && task_by_address(c, r.owner))
			kind = LC_LOCK_RWSEM;
	}
	if (kind != LC_LOCK_UNKNOWN)
		lock_get(c, s->address, kind);
}

/* Locks inside structures that every kernel has: each CPU's runqueue lock. */
static bool is_rq_lock(const struct ctx *c, uint64_t addr)
{
	for (unsigned cpu = 0; c->have_rq_lock && cpu < c->k->nr_cpu_ids; cpu++) {
		if (c->k->cpus[cpu].runqueue && c->k->cpus[cpu].runqueue + c->rq_lock_off == addr)
			return true;
	}
	return false;
}

static void known_locks(struct ctx *c)
{
	uint64_t off;
	const char *member = "__lock";
	/* 5.14 renamed rq->lock to rq->__lock (core scheduling, commit 5cb9eaa3d274) */
	if (lc_failed(lc_types_offsetof(c->types, "struct rq", member, &off)) &&
	    lc_failed(lc_types_offsetof(c->types, "struct rq", member = "lock", &off)))
		return;
	c->rq_lock_off = off;
	c->have_rq_lock = true;
	for (unsigned cpu = 0; cpu < c->k->nr_cpu_ids; cpu++) {
		uint64_t rq = c->k->cpus[cpu].runqueue, v;
		struct lc_spinlock_state s;
		if (!rq || lc_failed(lc_read_uint(c->prog, rq + off, 4, &v)))
			continue;
		lc_spinlock_decode(&c->sl, (uint32_t)v, &s);
		if (!s.locked)
			continue;
		struct lc_lock *l = lock_get(c, rq + off, LC_LOCK_RAW_SPINLOCK);
		/* what it is, whatever symbol happens to precede the per-CPU area */
		if (l)
			snprintf(l->symbol, sizeof(l->symbol), "runqueues[%u].%s", cpu, member);
	}
}

struct lc_error *lc_locks_analyze(struct lc_program *prog, struct lc_lock_report **ret)
{
	struct ctx c = {.prog = prog};
	struct lc_error *err = lc_program_types(prog, &c.types);
	if (!err)
		err = lc_kernel_get(prog, &c.k);
	if (!err)
		err = lc_stacks_cpus(prog, &c.stacks);
	if (err)
		return lc_error_prefix(err, "finding locks");
	c.r = calloc(1, sizeof(*c.r));
	c.spins_on = calloc(c.k->nr_cpu_ids + 1, sizeof(*c.spins_on));
	c.opt = calloc(c.k->nr_cpu_ids + 1, sizeof(*c.opt));
	if (!c.r || !c.spins_on || !c.opt) {
		free(c.r);
		free(c.spins_on);
		free(c.opt);
		return lc_error_nomem;
	}
	if ((err = lc_tasks_get(prog, &c.tasks))) {
		problem_err(&c, err, "task list");
		c.tasks = NULL;
	}
	if ((err = lc_spinlock_layout_probe(c.types, &c.sl)))
		problem_err(&c, err, "spinlock layout");
	c.debug_spinlock = lc_types_has_member(c.types, "struct raw_spinlock", "owner_cpu");
	c.virt_spin_lock = c.sl.flavor == LC_SPIN_QSPINLOCK && virt_spin_lock_enabled(prog);
	c.preempt_counted = preempt_counted(prog);
	if (prog->vmlinux)
		c.debuginfo = lc_program_debuginfo(prog, NULL);
	if (lc_failed(lc_types_offsetof(c.types, "struct qrwlock", "wait_lock", &c.rw_wait_lock_off)))
		c.rw_wait_lock_off = 4;
	if ((err = lc_mcs_nodes_read(prog, c.k, &c.sl, &c.qn)))
		problem_err(&c, err, "MCS queue nodes");
	/* No osq_node: no optimistic spinning (CONFIG_*_SPIN_ON_OWNER off), nothing to say. */
	lc_error_destroy(lc_osq_nodes_read(prog, c.k, &c.osq));

	for (unsigned cpu = 0; cpu < c.stacks->nr_cpus; cpu++) {
		if (c.stacks->cpu_has_stack[cpu] && c.stacks->cpus[cpu].count) {
			find_spinner(&c, &c.stacks->cpus[cpu]);
			find_opt_spinner(&c, &c.stacks->cpus[cpu]);
		}
	}
	for (size_t i = 0; c.tasks && i < c.tasks->count; i++) {
		const struct lc_task *t = &c.tasks->tasks[i];
		/* Sleeping lock waiters are D (or S when killable/interruptible) and off CPU. */
		if (!t->idle && t->current_on < 0 && (t->state == 'D' || t->state == 'S'))
			find_sleeper(&c, t);
	}
	known_locks(&c);
	module_locks(&c);
	for (size_t i = 0; i < c.r->count; i++) {
		struct lc_lock *l = &c.r->locks[i];
		if (lc_lock_kind_spins(l->kind))
			fill_spinning_lock(&c, l);
		else
			fill_sleeping_lock(&c, l);
	}
	/* After the waiters are known: lockdep lists a waiter's lock among its held ones. */
	lc_lockdep_attribute(prog, c.r, problem_cb, &c);
	/* A runqueue lock nobody waits for is a CPU mid-schedule: transient, not news. */
	size_t keep = 0;
	for (size_t i = 0; i < c.r->count; i++) {
		struct lc_lock *l = &c.r->locks[i];
		if (l->kind == LC_LOCK_RAW_SPINLOCK && !l->nwaiters && is_rq_lock(&c, l->address)) {
			free(l->waiters);
			continue;
		}
		c.r->locks[keep++] = *l;
	}
	c.r->count = keep;
	lc_mcs_nodes_deinit(&c.qn);
	lc_osq_nodes_deinit(&c.osq);
	free(c.spins_on);
	free(c.opt);
	free(c.dwarf_sleepers);
	*ret = c.r;
	return NULL;
}

void lc_lock_report_destroy(struct lc_lock_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++)
		free(r->locks[i].waiters);
	for (size_t i = 0; i < r->lockdep.count; i++)
		free(r->lockdep.tasks[i].locks);
	free(r->lockdep.tasks);
	free(r->locks);
	free(r->problems);
	free(r);
}
