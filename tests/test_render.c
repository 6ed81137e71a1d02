// SPDX-License-Identifier: LGPL-2.1-or-later
/* The lock, IPI and RTAS renderers on hand-built reports: no dump, only formatting. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "linux/csd.h"
#include "linux/locks.h"
#include "linux/rtas.h"
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

	/* CONFIG_DEBUG_SPINLOCK's owner record and lockdep's per-task held locks */
	locks[0].debug_owner.present = true;
	locks[0].debug_owner.cpu = 1;
	locks[0].debug_owner.task = 0xffff888000001000ull;
	locks[0].debug_owner.pid = 7;
	struct lc_held_entry held[2] = {
		{.instance = 0xffffffffc0001018ull,
		 .lock = 0xffffffffc0001000ull,
		 .name = "lcscen_spin_a",
		 .symbol = "lcscen_spin_a+0x18",
		 .acquire_ip = 0xffffffffc0000123ull,
		 .acquired_at = "spin_hold+0x23",
		 .irq_context = 2,
		 .stale = true},
		{.instance = 0xffffffff82000000ull,
		 .name = "rcu_read_lock",
		 .acquire_ip = 0xffffffff81000010ull,
		 .acquired_at = "f+0x10",
		 .read = 2,
		 .trylock = true,
		 .waiting = true},
	};
	struct lc_task_held th = {.pid = 7,
				  .task = 0xffff888000001000ull,
				  .comm = "holder",
				  .cpu = 0,
				  .depth = 2,
				  .locks = held,
				  .count = 2};
	r.lockdep = (struct lc_lockdep_report){.present = true, .tasks = &th, .count = 1};
	text = render_locks(&r, LC_RENDER_TEXT);
	CHECK(strstr(text,
		     "  CONFIG_DEBUG_SPINLOCK owner: task 0xffff888000001000 (pid 7), cpu 1\n"));
	CHECK(strstr(text,
		     "\nlockdep held locks (stopped, debug_locks 0: as of when it stopped):\n"
		     "  pid 7 (holder) on cpu 0: 2 locks\n"
		     "    #0 lcscen_spin_a (lcscen_spin_a+0x18) 0xffffffffc0001018 write in "
		     "hardirq, taken at spin_hold+0x23 [released: taken in hardirq, the task "
		     "is off CPU]\n"
		     "    #1 rcu_read_lock 0xffffffff82000000 recursive read trylock, taken at "
		     "f+0x10 [waiting for it]\n"));
	free(text);
	json = render_locks(&r, LC_RENDER_JSON);
	CHECK(strstr(json, "\"debug_owner\": {\n        \"cpu\": 1,\n        \"task\": "
			   "\"0xffff888000001000\",\n        \"pid\": 7\n      }"));
	CHECK(strstr(json, "\"recording\": false"));
	CHECK(strstr(json, "\"lock\": \"0xffffffffc0001000\""));
	CHECK(strstr(json, "\"lock\": null"));
	CHECK(strstr(json, "\"mode\": \"recursive read\""));
	CHECK(strstr(json, "\"waiting\": true"));
	CHECK(strstr(json, "\"context\": \"hardirq\",\n            \"waiting\": false,\n"
			   "            \"stale\": true"));
	free(json);

	struct lc_lock_report empty = {0};
	text = render_locks(&empty, LC_RENDER_TEXT);
	CHECK_STR(text, "no lock has a waiter: nothing is stuck on a lock\n");
	free(text);
	json = render_locks(&empty, LC_RENDER_JSON);
	CHECK(strstr(json, "\"lockdep\": null"));
	free(json);
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
			   .type = "sync",
			   .src = -1,
			   .dst = -1};
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
	CHECK(strstr(json, "\"csd_debug\": null"));
	free(json);

	/* CONFIG_CSD_LOCK_WAIT_DEBUG recording: the sender, and the call a CPU runs now */
	struct lc_csd_running run = {.cpu = 3, .csd = 0x3000, .func = 1, .func_name = "flush_tlb"};
	q.src = 1;
	q.dst = 2;
	r.debug = (struct lc_csd_debug){.present = true,
					.enabled = 1,
					.timeout_ms = 5000,
					.stall_reports = 2,
					.running = &run,
					.nrunning = 1};
	text = render_ipi(&r, LC_RENDER_TEXT);
	CHECK(strstr(text, "  cpu 2: sync csd 0x1000 (locked) do_nothing (sent by cpu 1)\n"));
	CHECK(strstr(text,
		     "CSD lock debugging (CONFIG_CSD_LOCK_WAIT_DEBUG): recording, stall "
		     "reports after 5000 ms, 2 so far\n  cpu 3 is running csd 0x3000 flush_tlb\n"));
	free(text);
	json = render_ipi(&r, LC_RENDER_JSON);
	CHECK(strstr(json, "\"src\": 1,"));
	CHECK(strstr(json, "\"enabled\": true"));
	free(json);
}

static char *render_rtas(const struct lc_rtas_report *r, enum lc_render_format fmt)
{
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);
	lc_render_rtas(r, fmt, f);
	fclose(f);
	return buf;
}

/* The buffer is the call in flight only when RTAS runs through rtas_call. */
static void test_rtas(void)
{
	struct lc_rtas_cpu cpus[2] = {
		{.cpu = 0,
		 .pid = 1,
		 .comm = "init",
		 .innermost = "do_enter_rtas",
		 .entry = "rtas_os_term",
		 .caller = "pseries_panic",
		 .in_firmware = true},
		{.cpu = 2,
		 .pid = 7,
		 .comm = "waiter",
		 .innermost = "lock_rtas",
		 .entry = "rtas_call",
		 .caller = "ics_rtas_mask_real_irq",
		 .shared_buffer = true},
	};
	struct lc_rtas_report r = {.present = true,
				   .lock = 0xc000000002781888ull,
				   .lock_name = "rtas_lock",
				   .lock_word = 0x78003,
				   .lock_read = true,
				   .args = 0xc000000002781830ull,
				   .args_name = "rtas_args",
				   .args_read = true,
				   .token = 0x200f,
				   .nargs = 2,
				   .nret = 1,
				   .values = {0xffffffff, 0x800, 1},
				   .ninputs = 2,
				   .noutputs = 1,
				   .function = "event-scan",
				   .function_source = "rtas_function_table",
				   .cpus = cpus,
				   .ncpus = 2};
	char *text = render_rtas(&r, LC_RENDER_TEXT);
	CHECK(strstr(text, "token 0x200f (event-scan, from the rtas_function_table), 2 input(s) "
			   "[0xffffffff 0x800], 1 output(s) [0x1]\n  the last call's"));
	CHECK(strstr(text, "  cpu 0 pid 1 (init): in do_enter_rtas under rtas_os_term, called from "
			   "pseries_panic; RTAS runs on this CPU, with the caller's own buffer\n"));
	CHECK(strstr(text, "  cpu 2 pid 7 (waiter): in lock_rtas under rtas_call, called from "
			   "ics_rtas_mask_real_irq\n"));
	free(text);
	cpus[1].innermost = "do_enter_rtas";
	cpus[1].in_firmware = true;
	r.in_flight = true;
	text = render_rtas(&r, LC_RENDER_TEXT);
	CHECK(strstr(text, "the call in flight: a CPU is inside RTAS through rtas_call"));
	free(text);
	char *json = render_rtas(&r, LC_RENDER_JSON);
	CHECK(strstr(json, "\"outputs\": [\n      1\n    ]"));
	CHECK(strstr(json, "\"in_flight\": true"));
	free(json);
	struct lc_rtas_report none = {0};
	text = render_rtas(&none, LC_RENDER_TEXT);
	CHECK(strstr(text, "no RTAS in this kernel"));
	free(text);
}

int main(void)
{
	test_locks();
	test_ipi();
	test_rtas();
	if (check_failures)
		fprintf(stderr, "%d check(s) failed\n", check_failures);
	return check_failures != 0;
}
