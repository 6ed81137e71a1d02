/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Structured events found in the kernel log: panics, oopses, lockups, RCU
 * stalls, hung tasks. Each names the CPUs and tasks the kernel blamed, so
 * analyzers can start from what the kernel itself reported.
 */
#ifndef LC_LINUX_LOG_EVENTS_H
#define LC_LINUX_LOG_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"

struct lc_printk_record;

enum lc_log_event_kind {
	LC_LOG_EVENT_PANIC,
	LC_LOG_EVENT_OOPS, /* "Oops: ...", "general protection fault", "Internal error" */
	LC_LOG_EVENT_BUG,  /* "BUG: ...", "kernel BUG at ...", "Unable to handle kernel ..." */
	LC_LOG_EVENT_SOFT_LOCKUP, /* watchdog: BUG: soft lockup - CPU#N stuck for Ns! [comm:pid] */
	LC_LOG_EVENT_HARD_LOCKUP, /* Watchdog detected hard LOCKUP on cpu N */
	LC_LOG_EVENT_RCU_STALL,	  /* rcu: INFO: X detected stalls on CPUs/tasks */
	LC_LOG_EVENT_RCU_EXPEDITED_STALL,
	LC_LOG_EVENT_HUNG_TASK, /* INFO: task COMM:PID blocked for more than N seconds. */
};
/* kebab-case name: "panic", "oops", "soft-lockup", ... */
const char *lc_log_event_kind_name(enum lc_log_event_kind kind);

struct lc_log_event {
	enum lc_log_event_kind kind;
	size_t record; /* index in the log's records */
	bool has_seq;
	uint64_t seq;
	char *message; /* the record's text (first line), or the panic reason */
	/* CPUs named: stalled CPUs, the locked-up CPU, the CPU of an oops. */
	unsigned *cpus;
	size_t ncpus;
	/* Tasks named: a hung task, a stalled RCU reader, the task of an oops. */
	int32_t *pids;
	size_t npids;
	char comm[17];	  /* of the first task named, "" when none */
	int detector_cpu; /* the CPU that reported the stall, -1 when unknown */
	uint64_t seconds; /* stuck / blocked for; 0 when not given */
	uint64_t jiffies; /* RCU stall duration (t= or "N jiffies"); 0 when not given */
	char flavor[32];  /* RCU flavor: rcu_sched, rcu_preempt, ...; "" otherwise */
};

struct lc_log_events {
	struct lc_log_event *events;
	size_t count, capacity;
};

void lc_log_events_init(struct lc_log_events *events);
void lc_log_events_deinit(struct lc_log_events *events);

/* Find the events in records (appended to events). Only fails when out of memory. */
struct lc_error *lc_log_events_parse(const struct lc_printk_record *records, size_t count,
				     struct lc_log_events *events);

#endif
