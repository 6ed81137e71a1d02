// SPDX-License-Identifier: LGPL-2.1-or-later
/* The lock report: every lock someone waits for, its holder and its waiters. */
#include <inttypes.h>

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
		lc_json_key(&j, "waiters");
		lc_json_begin_array(&j);
		for (size_t k = 0; k < l->nwaiters; k++)
			json_waiter(&j, &l->waiters[k]);
		lc_json_end_array(&j);
		lc_json_end_object(&j);
	}
	lc_json_end_array(&j);
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
	lc_render_text_problems(out, r->problems);
}

void lc_render_locks(const struct lc_lock_report *r, enum lc_render_format fmt, FILE *out)
{
	if (fmt == LC_RENDER_JSON)
		render_json(r, out);
	else
		render_text(r, out);
}
