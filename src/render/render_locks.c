// SPDX-License-Identifier: LGPL-2.1-or-later
/* The lock report: every lock someone waits for, its holder and its waiters. */
#include <inttypes.h>

#include "linux/lockdep.h"
#include "linux/locks.h"
#include "render/render.h"

static const char *mode_name(char mode)
{
	return mode == 'r' ? "read" : mode == 'w' ? "write" : NULL;
}

static void json_owner(struct lc_json *j, const struct lc_lock_owner *o)
{
	lc_json_begin_object(j);
	lc_json_key(j, "cpu");
	if (o->confidence == LC_CONFIDENCE_NONE) {
		/* nothing else is known about a holder nobody could name */
		lc_json_null(j);
		lc_json_key(j, "pid");
		lc_json_null(j);
	} else {
		lc_render_json_cpu(j, o->cpu);
		lc_json_key(j, "on_cpu");
		lc_json_bool(j, o->on_cpu);
		lc_json_key(j, "pid");
		lc_render_json_pid(j, o->pid);
		lc_json_key(j, "comm");
		lc_json_string(j, o->comm[0] ? o->comm : NULL);
		lc_json_key(j, "task");
		lc_json_address(j, o->task);
		lc_json_key(j, "mode");
		lc_json_string(j, mode_name(o->mode));
	}
	lc_json_key(j, "confidence");
	lc_json_string(j, lc_confidence_name(o->confidence));
	lc_json_key(j, "evidence");
	bool named = o->confidence != LC_CONFIDENCE_NONE;
	lc_json_string(j, named || o->evidence[0] ? o->evidence : NULL);
	lc_json_end_object(j);
}

static void json_waiter(struct lc_json *j, const struct lc_lock_waiter *w)
{
	lc_json_begin_object(j);
	lc_json_key(j, "cpu");
	lc_render_json_cpu(j, w->cpu);
	lc_json_key(j, "pid");
	lc_render_json_pid(j, w->pid);
	lc_json_key(j, "comm");
	lc_json_string(j, w->comm[0] ? w->comm : NULL);
	lc_json_key(j, "spinning");
	lc_json_bool(j, w->spinning);
	lc_json_key(j, "irqs_disabled");
	lc_render_json_irqs_disabled(j, w->irqs);
	lc_json_key(j, "mode");
	lc_json_string(j, mode_name(w->mode));
	lc_json_key(j, "evidence");
	lc_json_string(j, w->evidence);
	lc_json_end_object(j);
}

static void json_held(struct lc_json *j, const struct lc_held_entry *e)
{
	lc_json_begin_object(j);
	lc_json_key(j, "instance");
	lc_json_address(j, e->instance);
	lc_json_key(j, "symbol");
	lc_json_string(j, e->symbol[0] ? e->symbol : NULL);
	lc_json_key(j, "name");
	lc_json_string(j, e->name[0] ? e->name : NULL);
	lc_json_key(j, "lock");
	if (e->lock)
		lc_json_address(j, e->lock);
	else
		lc_json_null(j);
	lc_json_key(j, "acquire_ip");
	lc_json_address(j, e->acquire_ip);
	lc_json_key(j, "acquired_at");
	lc_json_string(j, e->acquired_at);
	lc_json_key(j, "mode");
	lc_json_string(j, lc_held_lock_mode(e->read));
	lc_json_key(j, "read");
	lc_json_uint(j, e->read);
	lc_json_key(j, "trylock");
	lc_json_bool(j, e->trylock);
	lc_json_key(j, "context");
	lc_json_string(j, e->irq_context & 2 ? "hardirq" : e->irq_context ? "softirq" : "task");
	lc_json_key(j, "waiting");
	lc_json_bool(j, e->waiting);
	lc_json_key(j, "stale");
	lc_json_bool(j, e->stale);
	lc_json_end_object(j);
}

/* lockdep's held_locks of every task holding any: null without CONFIG_LOCKDEP. */
static void json_lockdep(struct lc_json *j, const struct lc_lockdep_report *ld)
{
	if (!ld->present) {
		lc_json_null(j);
		return;
	}
	lc_json_begin_object(j);
	lc_json_key(j, "recording");
	lc_json_bool(j, ld->tracking);
	lc_json_key(j, "tasks");
	lc_json_begin_array(j);
	for (size_t i = 0; i < ld->count; i++) {
		const struct lc_task_held *t = &ld->tasks[i];
		lc_json_begin_object(j);
		lc_json_key(j, "pid");
		lc_render_json_pid(j, t->pid);
		lc_json_key(j, "comm");
		lc_json_string(j, t->comm);
		lc_json_key(j, "task");
		lc_json_address(j, t->task);
		lc_json_key(j, "cpu");
		lc_render_json_cpu(j, t->cpu);
		lc_json_key(j, "depth");
		lc_json_uint(j, t->depth);
		lc_json_key(j, "held_locks");
		lc_json_begin_array(j);
		for (size_t k = 0; k < t->count; k++)
			json_held(j, &t->locks[k]);
		lc_json_end_array(j);
		lc_json_end_object(j);
	}
	lc_json_end_array(j);
	lc_json_end_object(j);
}

static void render_json(const struct lc_lock_report *r, FILE *out)
{
	struct lc_json j;
	lc_json_init(&j, out, true);
	lc_json_begin_object(&j);
	lc_json_key(&j, "locks");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < r->count; i++) {
		const struct lc_lock *l = &r->locks[i];
		lc_json_begin_object(&j);
		lc_json_key(&j, "symbol");
		lc_json_string(&j, l->symbol[0] ? l->symbol : NULL);
		lc_json_key(&j, "module");
		lc_json_string(&j, l->module);
		lc_json_key(&j, "address");
		lc_json_address(&j, l->address);
		lc_json_key(&j, "kind");
		lc_json_string(&j, lc_lock_kind_name(l->kind));
		lc_json_key(&j, "word");
		lc_json_address(&j, l->word);
		if (l->kind == LC_LOCK_RWSEM) {
			lc_json_key(&j, "owner_word");
			lc_json_address(&j, l->word2);
		}
		lc_json_key(&j, "state");
		lc_json_string(&j, l->state);
		lc_json_key(&j, "held");
		lc_json_bool(&j, l->held);
		lc_json_key(&j, "owner");
		json_owner(&j, &l->owner);
		/* CONFIG_DEBUG_SPINLOCK's record, null where the lock has none */
		lc_json_key(&j, "debug_owner");
		if (l->debug_owner.present) {
			lc_json_begin_object(&j);
			lc_json_key(&j, "cpu");
			lc_render_json_cpu(&j, l->debug_owner.cpu);
			lc_json_key(&j, "task");
			if (l->debug_owner.task)
				lc_json_address(&j, l->debug_owner.task);
			else
				lc_json_null(&j);
			lc_json_key(&j, "pid");
			lc_render_json_pid(&j, l->debug_owner.pid);
			lc_json_end_object(&j);
		} else {
			lc_json_null(&j);
		}
		lc_json_key(&j, "waiters");
		lc_json_begin_array(&j);
		for (size_t k = 0; k < l->nwaiters; k++)
			json_waiter(&j, &l->waiters[k]);
		lc_json_end_array(&j);
		lc_json_end_object(&j);
	}
	lc_json_end_array(&j);
	lc_json_key(&j, "lockdep");
	json_lockdep(&j, &r->lockdep);
	lc_render_json_problems(&j, r->problems);
	lc_json_end_object(&j);
	lc_json_finish(&j);
}

static void render_text(const struct lc_lock_report *r, FILE *out)
{
	if (!r->count)
		fprintf(out, "no lock has a waiter: nothing is stuck on a lock\n");
	for (size_t i = 0; i < r->count; i++) {
		const struct lc_lock *l = &r->locks[i];
		const struct lc_lock_owner *o = &l->owner;
		fprintf(out, "%s %s at 0x%" PRIx64 "%s%s%s: %s (word 0x%" PRIx64 ")\n",
			lc_lock_kind_name(l->kind), l->symbol[0] ? l->symbol : "(no symbol)",
			l->address, l->module ? " [" : "", l->module ? l->module : "",
			l->module ? "]" : "", l->state, l->word);
		if (o->confidence != LC_CONFIDENCE_NONE) {
			fprintf(out, "  held by pid %d (%s) %s cpu %d%s%s, %s confidence\n    %s\n",
				o->pid, o->comm, o->on_cpu ? "on" : "last on", o->cpu,
				o->mode ? " for " : "", o->mode ? mode_name(o->mode) : "",
				lc_confidence_name(o->confidence), o->evidence);
		} else {
			fprintf(out, "  holder unknown%s%s\n", o->evidence[0] ? ": " : "",
				o->evidence);
		}
		if (l->debug_owner.present && l->debug_owner.task)
			fprintf(out,
				"  CONFIG_DEBUG_SPINLOCK owner: task 0x%" PRIx64
				" (pid %d), cpu %d\n",
				l->debug_owner.task, l->debug_owner.pid, l->debug_owner.cpu);
		for (size_t k = 0; k < l->nwaiters; k++) {
			const struct lc_lock_waiter *w = &l->waiters[k];
			fprintf(out, "  waiter pid %d (%s) cpu %d: %s%s%s%s\n    %s\n", w->pid,
				w->comm, w->cpu, w->spinning ? "spinning" : "sleeping",
				w->spinning && w->irqs == LC_IRQS_OFF  ? " with IRQs off"
				: w->spinning && w->irqs == LC_IRQS_ON ? " with IRQs on"
								       : "",
				w->mode ? " for " : "", w->mode ? mode_name(w->mode) : "",
				w->evidence);
		}
	}
	const struct lc_lockdep_report *ld = &r->lockdep;
	if (ld->present)
		fprintf(out, "\nlockdep held locks (%s):%s\n",
			ld->tracking ? "recording"
				     : "stopped, debug_locks 0: as of when it stopped",
			ld->count ? "" : " none");
	for (size_t i = 0; i < ld->count; i++) {
		const struct lc_task_held *t = &ld->tasks[i];
		char where[24] = "";
		if (t->cpu >= 0)
			snprintf(where, sizeof(where), " on cpu %d", t->cpu);
		fprintf(out, "  pid %d (%s)%s: %u lock%s\n", t->pid, t->comm, where, t->depth,
			t->depth == 1 ? "" : "s");
		for (size_t k = 0; k < t->count; k++) {
			const struct lc_held_entry *e = &t->locks[k];
			fprintf(out, "    #%zu %s%s%s%s 0x%" PRIx64 " %s%s%s, taken at %s%s\n", k,
				e->name[0] ? e->name : "(no name)", e->symbol[0] ? " (" : "",
				e->symbol, e->symbol[0] ? ")" : "", e->instance,
				lc_held_lock_mode(e->read), e->trylock ? " trylock" : "",
				e->irq_context & 2 ? " in hardirq"
				: e->irq_context   ? " in softirq"
						   : "",
				e->acquired_at,
				e->waiting ? " [waiting for it]"
				: e->stale ? " [released: taken in hardirq, the task is off CPU]"
					   : "");
		}
	}
	lc_render_text_problems(out, r->problems);
}

void lc_render_locks(const struct lc_lock_report *r, enum lc_render_format fmt, FILE *out)
{
	if (fmt == LC_RENDER_JSON)
		render_json(r, out);
	else
		render_text(r, out);
}
