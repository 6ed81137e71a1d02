// SPDX-License-Identifier: LGPL-2.1-or-later
/* The lock and IPI renderers on hand-built reports: no dump, only formatting. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "linux/csd.h"
#include "linux/locks.h"
#include "render/render.h"

static char *render_locks(const struct lc_lock_report *r, enum lc_render_format fmt)
{
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);
	lc_render_locks(r, fmt, f);
	fclose(f);
	return buf;
}

static char *render_ipi(const struct lc_ipi_report *r, enum lc_render_format fmt)
{
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);
	lc_render_ipi(r, fmt, f);
	fclose(f);
	return buf;
}

static void test_locks(void)
{
	struct lc_lock_waiter w = {.cpu = 2,
				   .pid = 42,
				   .comm = "spinner",
				   .spinning = true,
				   .irqs = LC_IRQS_OFF,
				   .evidence = "MCS node 0 of cpu 2 is #1 in the queue"};
	struct lc_lock locks[2] = {
		{.address = 0xffffffffc0001000ull,
		 .symbol = "lcscen_spin_a",
		 .module = "lcscen",
		 .kind = LC_LOCK_SPINLOCK,
		 .word = 0x000c0101,
		 .state = "locked, pending",
		 .held = true,
		 .owner = {.confidence = LC_CONFIDENCE_HIGH,
			   .cpu = 1,
			   .on_cpu = true,
			   .pid = 7,
			   .comm = "holder",
			   .task = 0xffff888000001000ull,
			   .evidence = "lock token names cpu 1"},
		 .waiters = &w,
		 .nwaiters = 1},
		{.address = 0xffff888000002000ull,
		 .kind = LC_LOCK_RWSEM,
		 .state = "2 readers",
		 .owner = {.confidence = LC_CONFIDENCE_NONE, .cpu = -1, .pid = -1}},
	};
	char problems[] = "first problem\nsecond problem\n";
	struct lc_lock_report r = {.locks = locks, .count = 2, .problems = problems};

	char *text = render_locks(&r, LC_RENDER_TEXT);
	CHECK(strstr(text, "spinlock lcscen_spin_a at 0xffffffffc0001000 [lcscen]: locked, "
			   "pending (word 0xc0101)\n") != NULL);
	CHECK(strstr(text, "  held by pid 7 (holder) on cpu 1, high confidence\n") != NULL);
	CHECK(strstr(text, "  waiter pid 42 (spinner) cpu 2: spinning with IRQs off\n") != NULL);
	CHECK(strstr(text, "rwsem (no symbol) at 0xffff888000002000: 2 readers") != NULL);
	CHECK(strstr(text, "  holder unknown\n") != NULL);
	CHECK(strstr(text, "\nnot decided:\nfirst problem\nsecond problem\n") != NULL);
	free(text);

	char *json = render_locks(&r, LC_RENDER_JSON);
	CHECK(strstr(json, "\"symbol\": \"lcscen_spin_a\"") != NULL);
	CHECK(strstr(json, "\"irqs_disabled\": true") != NULL);
	CHECK(strstr(json, "\"owner_word\": \"0x0\"") != NULL);
	/* an unknown holder: null cpu and pid, no evidence */
	const char *none = strstr(json, "\"confidence\": \"none\"");
	CHECK(none && strstr(none, "\"evidence\": null") != NULL);
	CHECK(none && strstr(json, "\"pid\": null") < none);
	CHECK(strstr(json, "\"problems\": [\n    \"first problem\",\n    \"second problem\"\n  ]"));
	free(json);

	/* lockdep's record of the acquire is the one exact source */
	locks[1].owner = (struct lc_lock_owner){.confidence = LC_CONFIDENCE_EXACT,
						.cpu = 3,
						.pid = 12,
						.comm = "reader",
						.mode = 'r',
						.evidence = "lockdep: held_locks[0] of pid 12"};
	text = render_locks(&r, LC_RENDER_TEXT);
	CHECK(strstr(text, "  held by pid 12 (reader) last on cpu 3 for read, exact confidence\n"
			   "    lockdep: held_locks[0] of pid 12\n"));
	free(text);
	json = render_locks(&r, LC_RENDER_JSON);
	CHECK(strstr(json, "\"confidence\": \"exact\""));
	free(json);

	struct lc_lock_report empty = {0};
	text = render_locks(&empty, LC_RENDER_TEXT);
	CHECK_STR(text, "no lock has a waiter: nothing is stuck on a lock\n");
	free(text);
}

static void test_ipi(void)
{
	struct lc_ipi_target t[2] = {{.cpu = 2, .irqs = LC_IRQS_OFF, .csd = 0x1000, .queued = true},
				     {.cpu = 3, .irqs = LC_IRQS_UNKNOWN, .csd = 0x2000}};
	struct lc_ipi_wait w = {.waiter_cpu = 1,
				.pid = 99,
				.comm = "caller",
				.function = "smp_call_function_many_cond",
				.callback = "do_nothing",
				.targets = t,
				.ntargets = 2};
	struct lc_csd q = {.address = 0x1000,
			   .queued_on = 2,
			   .locked = true,
			   .func_name = "do_nothing",
			   .type = "sync"};
	struct lc_ipi_report r = {.waits = &w, .count = 1, .queued = &q, .nqueued = 1};

	char *text = render_ipi(&r, LC_RENDER_TEXT);
	CHECK(strstr(text, "cpu 1 pid 99 (caller) waits in smp_call_function_many_cond for "
			   "do_nothing on:\n"));
	CHECK(strstr(text, "  cpu 2: csd 0x1000 still queued, IRQs off: it cannot take the IPI\n"));
	CHECK(strstr(text, "  cpu 3: csd 0x2000 taken, not finished, IRQs unknown\n"));
	CHECK(strstr(text, "\nqueued calls:\n  cpu 2: sync csd 0x1000 (locked) do_nothing\n"));
	CHECK(!strstr(text, "not decided"));
	free(text);

	char *json = render_ipi(&r, LC_RENDER_JSON);
	CHECK(strstr(json, "\"targets_irqs_disabled\": [\n        2\n      ]"));
	CHECK(strstr(json, "\"irqs_disabled\": null"));
	CHECK(strstr(json, "\"problems\": []"));
	free(json);
}

int main(void)
{
	test_locks();
	test_ipi();
	if (check_failures)
		fprintf(stderr, "%d check(s) failed\n", check_failures);
	return check_failures != 0;
}
