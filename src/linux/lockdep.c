// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lockdep held_locks. struct held_lock packs class_idx, irq_context, trylock,
 * read, check, hardirqs_off, sync and references into bit fields whose
 * positions come from the types; the byte order decides how a bit offset maps
 * to the bytes, as in lc_read_member().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "linux/lockdep.h"
#include "linux/locks.h"
#include "linux/task.h"
#include "program.h"
#include "read.h"
#include "util.h"

enum { MAX_HELD = 64 }; /* held locks read per task: MAX_LOCK_DEPTH is 48 */

static struct lc_error *field(const struct lc_type *t, const char *name, unsigned ptr_size,
			      struct lc_lockdep_field *ret)
{
	struct lc_member_info mi;
	struct lc_error *err = lc_type_member(t, name, &mi);
	if (err)
		return lc_error_prefix(err, "lockdep struct held_lock");
	const struct lc_type *mt = lc_type_unqualified(mi.type);
	uint64_t size = mt->kind == LC_TYPE_POINTER ? ptr_size : mt->size;
	if (!size || size > 8 || (!mi.bit_size && mi.bit_offset % 8))
		return lc_error_create(LC_ERR_UNSUPPORTED,
				       "lockdep struct held_lock: '%s' is not an integer", name);
	*ret = (struct lc_lockdep_field){.present = true,
					 .bit_offset = mi.bit_offset,
					 .bit_size = mi.bit_size,
					 .size = (uint32_t)size};
	return NULL;
}

struct lc_error *lc_lockdep_layout_init(struct lc_types *types, unsigned ptr_size,
					struct lc_lockdep_layout *ret, bool *present)
{
	struct lc_member_info held;
	*present = false;
	/* The one probe a kernel without lockdep pays. */
	if (!lc_types_has_member(types, "struct task_struct", "held_locks"))
		return NULL;
	*present = true;
	*ret = (struct lc_lockdep_layout){0};
	struct lc_error *err =
		lc_types_member_info(types, "struct task_struct", "held_locks", &held);
	if (!err)
		err = lc_types_offsetof(types, "struct task_struct", "lockdep_depth",
					&ret->depth_off);
	if (err)
		return lc_error_prefix(err, "lockdep");
	const struct lc_type *arr = lc_type_unqualified(held.type);
	const struct lc_type *h = arr->kind == LC_TYPE_ARRAY ? arr->target : NULL;
	if (!h || !arr->length || !(ret->hlock_size = lc_type_unqualified(h)->size) ||
	    held.bit_offset % 8)
		return lc_error_create(
			LC_ERR_LOOKUP,
			"lockdep: task_struct.held_locks is not an array of held_lock");
	ret->held_off = held.bit_offset / 8;
	ret->max_depth = arr->length > 1024 ? 1024 : (unsigned)arr->length;
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"instance", offsetof(struct lc_lockdep_layout, instance)},
		{"acquire_ip", offsetof(struct lc_lockdep_layout, acquire_ip)},
		{"class_idx", offsetof(struct lc_lockdep_layout, class_idx)},
		{"read", offsetof(struct lc_lockdep_layout, read)},
		{"trylock", offsetof(struct lc_lockdep_layout, trylock)},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		err = field(h, fields[i].name, ptr_size,
			    (struct lc_lockdep_field *)((char *)ret + fields[i].off));
		if (err)
			return err;
	}
	/* Helpful, not needed: absent in some releases or configurations. */
	lc_error_destroy(field(h, "nest_lock", ptr_size, &ret->nest_lock));
	lc_error_destroy(field(h, "irq_context", ptr_size, &ret->irq_context));
	lc_error_destroy(field(h, "hardirqs_off", ptr_size, &ret->hardirqs_off));
	err = lc_types_offsetof(types, "struct lockdep_map", "name", &ret->map_name_off);
	ret->has_map_name = !err;
	lc_error_destroy(err);
	return NULL;
}

/* A field from a byte buffer: the bytes it covers, then the bit order of the dump. */
static uint64_t get(const struct lc_lockdep_field *f, const uint8_t *buf, uint64_t buf_size,
		    bool big_endian)
{
	if (!f->present)
		return 0;
	uint64_t first = f->bit_offset / 8;
	uint64_t nbits = f->bit_size ? f->bit_size : (uint64_t)f->size * 8;
	uint64_t last = (f->bit_offset + nbits - 1) / 8;
	size_t n = (size_t)(last - first + 1);
	if (n > 8 || last >= buf_size)
		return 0;
	uint64_t raw = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned shift = big_endian ? (unsigned)(8 * (n - 1 - i)) : (unsigned)(8 * i);
		raw |= (uint64_t)buf[first + i] << shift;
	}
	if (!f->bit_size)
		return raw;
	unsigned shift = big_endian ? (unsigned)(n * 8 - (f->bit_offset % 8) - f->bit_size)
				    : (unsigned)(f->bit_offset % 8);
	uint64_t v = raw >> shift;
	return f->bit_size < 64 ? v & ((1ull << f->bit_size) - 1) : v;
}

void lc_held_lock_decode(const struct lc_lockdep_layout *l, const uint8_t *hlock, bool big_endian,
			 struct lc_held_lock *ret)
{
	uint64_t n = l->hlock_size;
	*ret = (struct lc_held_lock){
		.instance = get(&l->instance, hlock, n, big_endian),
		.acquire_ip = get(&l->acquire_ip, hlock, n, big_endian),
		.nest_lock = get(&l->nest_lock, hlock, n, big_endian),
		.class_idx = (unsigned)get(&l->class_idx, hlock, n, big_endian),
		.read = (unsigned)get(&l->read, hlock, n, big_endian),
		.trylock = get(&l->trylock, hlock, n, big_endian) != 0,
		.irq_context = (unsigned)get(&l->irq_context, hlock, n, big_endian),
		.hardirqs_off = get(&l->hardirqs_off, hlock, n, big_endian) != 0,
	};
}

const char *lc_held_lock_mode(unsigned read)
{
	return read == 0 ? "write" : read == 1 ? "read" : "recursive read";
}

struct lc_error *lc_lockdep_held_locks(struct lc_program *prog, const struct lc_lockdep_layout *l,
				       uint64_t task, struct lc_held_lock *out, size_t max,
				       size_t *count)
{
	uint64_t depth;
	*count = 0;
	struct lc_error *err = lc_read_uint(prog, task + l->depth_off, 4, &depth);
	if (err)
		return lc_error_prefix(err, "reading lockdep_depth");
	if ((int32_t)depth < 0 || depth > l->max_depth)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "lockdep_depth %d of task 0x%" PRIx64
				       " beyond held_locks[%u]",
				       (int32_t)depth, task, l->max_depth);
	size_t n = depth < max ? (size_t)depth : max;
	if (!n)
		return NULL;
	uint8_t *buf = malloc(n * l->hlock_size);
	if (!buf)
		return lc_error_nomem;
	err = lc_read(prog, task + l->held_off, buf, n * l->hlock_size);
	for (size_t i = 0; !err && i < n; i++)
		lc_held_lock_decode(l, buf + i * l->hlock_size, prog->big_endian, &out[i]);
	free(buf);
	if (err)
		return lc_error_prefix(err, "reading held_locks");
	*count = n;
	return NULL;
}

struct lc_error *lc_lockdep_tracking(struct lc_program *prog, bool *ret)
{
	uint64_t addr, v;
	/* int debug_locks (lib/debug_locks.c) */
	struct lc_error *err = lc_symbol_address(prog, "debug_locks", &addr);
	if (!err)
		err = lc_read_uint(prog, addr, 4, &v);
	if (err)
		return lc_error_prefix(err, "reading debug_locks");
	*ret = v != 0;
	return NULL;
}

/* ---- exact holders for a lock report ---- */

struct attribution {
	struct lc_program *prog;
	struct lc_lock_report *r;
	const struct lc_lockdep_layout *l;
	uint64_t *dep_maps; /* per lock: the address of its lockdep_map, 0 when it has none */
	void (*problem)(void *arg, const char *msg);
	void *arg;
};

static void say(struct attribution *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct attribution *a, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	a->problem(a->arg, msg);
}

/* Where each kind keeps its struct lockdep_map; semaphores and bare arch locks have none. */
static const char *dep_map_type(enum lc_lock_kind kind)
{
	switch (kind) {
	case LC_LOCK_SPINLOCK: /* spinlock_t's dep_map aliases its raw_spinlock's (non-RT) */
	case LC_LOCK_RAW_SPINLOCK:
		return "struct raw_spinlock";
	case LC_LOCK_RWLOCK:
		return "rwlock_t";
	case LC_LOCK_MUTEX:
		return "struct mutex";
	case LC_LOCK_RWSEM:
		return "struct rw_semaphore";
	case LC_LOCK_SEMAPHORE:
	case LC_LOCK_ARCH_SPINLOCK:
	case LC_LOCK_UNKNOWN:
		break;
	}
	return NULL;
}

static bool waits_for(const struct lc_lock *lock, uint64_t task)
{
	for (size_t i = 0; i < lock->nwaiters; i++) {
		if (lock->waiters[i].task == task)
			return true;
	}
	return false;
}

/* The lock's class name, as lockdep prints it: the lockdep_map's name string. */
static void map_name(struct attribution *a, uint64_t instance, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!a->l->has_map_name)
		return;
	uint64_t p;
	struct lc_error *err = lc_read_ulong(a->prog, instance + a->l->map_name_off, &p);
	if (!err && p)
		err = lc_read_cstr(a->prog, p, buf, size);
	if (err)
		buf[0] = '\0';
	lc_error_destroy(err);
}

/* Task t as a lock's owner, on the CPU it runs on or last ran on. */
static void set_owner(struct lc_lock_owner *o, enum lc_confidence confidence,
		      const struct lc_task *t, char mode)
{
	*o = (struct lc_lock_owner){.confidence = confidence,
				    .cpu = t->current_on >= 0 ? t->current_on : t->cpu,
				    .on_cpu = t->current_on >= 0,
				    .pid = t->pid,
				    .task = t->address,
				    .mode = mode};
	snprintf(o->comm, sizeof(o->comm), "%s", t->comm);
}

static void holder(struct attribution *a, struct lc_lock *lock, const struct lc_task *t,
		   const struct lc_held_entry *e, size_t depth)
{
	struct lc_lock_owner *o = &lock->owner;
	char mode = lock->kind == LC_LOCK_RWLOCK || lock->kind == LC_LOCK_RWSEM
			    ? (e->read ? 'r' : 'w')
			    : 0;
	const char *how = lc_held_lock_mode(e->read);
	if (!a->r->lockdep.tracking) {
		/*
		 * Stopped: the entry says the task held the lock when lockdep stopped;
		 * a release since then went unrecorded. A hint where nothing better is known.
		 */
		if (o->confidence != LC_CONFIDENCE_NONE)
			return;
		set_owner(o, LC_CONFIDENCE_LOW, t, mode);
		snprintf(o->evidence, sizeof(o->evidence),
			 "lockdep held_locks[%zu] of pid %d names its dep_map, but lockdep stopped "
			 "recording (debug_locks 0): held then, maybe released since; taken at %s",
			 depth, t->pid, e->acquired_at);
		return;
	}
	if (o->confidence == LC_CONFIDENCE_EXACT) {
		/* readers share it: keep the first, name the others */
		size_t len = strlen(o->evidence);
		snprintf(o->evidence + len, sizeof(o->evidence) - len, "; also held by pid %d (%s)",
			 t->pid, how);
		return;
	}
	if (o->confidence == LC_CONFIDENCE_HIGH && o->task && o->task != t->address) {
		say(a,
		    "lockdep says pid %d holds %s 0x%" PRIx64 " (taken at %s), its lock word "
		    "names task 0x%" PRIx64 ": kept the lock word's holder",
		    t->pid, lc_lock_kind_name(lock->kind), lock->address, e->acquired_at, o->task);
		return;
	}
	set_owner(o, LC_CONFIDENCE_EXACT, t, mode);
	snprintf(o->evidence, sizeof(o->evidence),
		 "lockdep: held_locks[%zu] of pid %d names its dep_map%s%s%s; taken at %s (%s%s%s)",
		 depth, t->pid, e->name[0] ? " (\"" : "", e->name, e->name[0] ? "\")" : "",
		 e->acquired_at, how, e->trylock ? ", trylock" : "",
		 e->irq_context ? (e->irq_context & 2 ? ", in hardirq" : ", in softirq") : "");
}

/* Keep a task's held locks in the report (every task that holds any). */
static struct lc_task_held *keep_task(struct attribution *a, const struct lc_task *t,
				      const struct lc_held_lock *held, size_t n, unsigned depth)
{
	struct lc_lockdep_report *ld = &a->r->lockdep;
	if (!lc_grow((void **)&ld->tasks, &ld->capacity, ld->count + 1, sizeof(*ld->tasks)))
		return NULL;
	struct lc_task_held *th = &ld->tasks[ld->count];
	*th = (struct lc_task_held){
		.pid = t->pid, .task = t->address, .cpu = t->current_on, .depth = depth};
	snprintf(th->comm, sizeof(th->comm), "%s", t->comm);
	if (!(th->locks = calloc(n, sizeof(*th->locks))))
		return NULL;
	ld->count++;
	th->count = n;
	for (size_t i = 0; i < n; i++) {
		struct lc_held_entry *e = &th->locks[i];
		*e = (struct lc_held_entry){.instance = held[i].instance,
					    .acquire_ip = held[i].acquire_ip,
					    .read = held[i].read,
					    .trylock = held[i].trylock,
					    .irq_context = held[i].irq_context};
		map_name(a, e->instance, e->name, sizeof(e->name));
		lc_locks_symbolize(a->prog, e->instance, e->symbol, sizeof(e->symbol), NULL);
		lc_locks_symbolize(a->prog, e->acquire_ip, e->acquired_at, sizeof(e->acquired_at),
				   NULL);
		if (!e->acquired_at[0])
			snprintf(e->acquired_at, sizeof(e->acquired_at), "0x%" PRIx64,
				 e->acquire_ip);
	}
	return th;
}

static void task_held(struct attribution *a, const struct lc_task *t, struct lc_held_lock *held,
		      size_t *unreadable)
{
	size_t n;
	uint64_t depth = 0;
	struct lc_error *err = lc_lockdep_held_locks(a->prog, a->l, t->address, held, MAX_HELD, &n);
	if (!err && n)
		err = lc_read_uint(a->prog, t->address + a->l->depth_off, 4, &depth);
	if (err) {
		if (!(*unreadable)++)
			say(a, "lockdep held_locks of pid %d: %s", t->pid, lc_error_message(err));
		lc_error_destroy(err);
		return;
	}
	if (!n)
		return;
	struct lc_task_held *th = keep_task(a, t, held, n, (unsigned)depth);
	if (!th) {
		say(a, "lockdep held_locks of pid %d: out of memory", t->pid);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct lc_held_entry *e = &th->locks[i];
		/* While lockdep records, a release removes the entry: only a stopped one keeps it. */
		e->stale = !a->r->lockdep.tracking && (e->irq_context & 2) && t->current_on < 0;
		for (size_t j = 0; j < a->r->count; j++) {
			struct lc_lock *lock = &a->r->locks[j];
			if (!a->dep_maps[j] || a->dep_maps[j] != e->instance)
				continue;
			e->lock = lock->address;
			/* lock_acquire() runs before the wait: a waiter lists what it waits for */
			if (waits_for(lock, t->address))
				e->waiting = true;
			else if (!e->stale)
				holder(a, lock, t, e, i);
		}
	}
}

void lc_lockdep_attribute(struct lc_program *prog, struct lc_lock_report *r,
			  void (*problem)(void *arg, const char *msg), void *arg)
{
	struct lc_types *types;
	struct lc_lockdep_layout l;
	const struct lc_task_list *tasks;
	bool present = false, tracking = false;
	struct attribution a = {.prog = prog, .r = r, .l = &l, .problem = problem, .arg = arg};
	struct lc_error *err = lc_program_types(prog, &types);
	if (!err)
		err = lc_lockdep_layout_init(types, prog->ptr_size, &l, &present);
	if (err || !present)
		goto out;
	if ((err = lc_lockdep_tracking(prog, &tracking)) || (err = lc_tasks_get(prog, &tasks)))
		goto out;
	r->lockdep.present = true;
	r->lockdep.tracking = tracking;
	if (!tracking)
		say(&a, "lockdep stopped recording (debug_locks is 0: after its first report, an "
			"oops or a taint): held_locks show what each task held then; locks taken "
			"or released since are missing or still listed");
	a.dep_maps = calloc(r->count + 1, sizeof(*a.dep_maps));
	struct lc_held_lock *held = calloc(MAX_HELD, sizeof(*held));
	if (!a.dep_maps || !held) {
		free(held);
		err = lc_error_nomem;
		goto out;
	}
	for (size_t i = 0; i < r->count; i++) {
		const char *type = dep_map_type(r->locks[i].kind);
		uint64_t off;
		struct lc_error *e = type ? lc_types_offsetof(types, type, "dep_map", &off) : NULL;
		if (type && !e)
			a.dep_maps[i] = r->locks[i].address + off;
		lc_error_destroy(e);
	}
	size_t unreadable = 0;
	for (size_t i = 0; i < tasks->count; i++)
		task_held(&a, &tasks->tasks[i], held, &unreadable);
	if (unreadable > 1)
		say(&a, "lockdep held_locks of %zu tasks could not be read", unreadable);
	free(held);
out:
	if (err) {
		say(&a, "lockdep held_locks: %s", lc_error_message(err));
		lc_error_destroy(err);
	}
	free(a.dep_maps);
}
