/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Locks that someone waits for: found from the waiters' stacks (CPUs spinning
 * in a lock slow path, tasks asleep in a mutex/rwsem/semaphore), validated
 * against the lock words, with every waiter in order and the owner named
 * either by the lock word (mutex, rwsem: high confidence) or by evidence on
 * the CPUs (spinning locks: the confidence says how strong it is).
 */
#ifndef LC_LINUX_LOCKS_H
#define LC_LINUX_LOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux/lockword.h"
#include "lockcore/error.h"
#include "unwind.h"

struct lc_program;

enum lc_confidence {
	LC_CONFIDENCE_NONE,
	LC_CONFIDENCE_LOW,
	LC_CONFIDENCE_MEDIUM,
	LC_CONFIDENCE_HIGH,
	LC_CONFIDENCE_EXACT /* the kernel's own record of the acquire (lockdep held_locks) */
};
const char *lc_confidence_name(enum lc_confidence c);

struct lc_lock_waiter {
	int cpu; /* the CPU it spins on, else the CPU the task last ran on; -1 if unknown */
	int32_t pid;
	uint64_t task;
	char comm[17];
	bool spinning;		/* burning a CPU (spinning locks, optimistic spinners) */
	enum lc_irq_state irqs; /* of the spinning context; sleepers have IRQs on */
	char mode;		/* 'r' or 'w' for rwlocks and rwsems, else 0 */
	char evidence[256];
};

struct lc_lock_owner {
	enum lc_confidence confidence; /* NONE: not known */
	int cpu;		       /* -1 if unknown or not on a CPU */
	bool on_cpu;		       /* running now (cpu is where), else cpu is its last CPU */
	int32_t pid;		       /* -1 if unknown */
	uint64_t task;
	char comm[17];
	char mode; /* 'r' (reader-owned: owner is the last reader) or 'w', else 0 */
	char evidence[320];
};

struct lc_lock {
	uint64_t address;
	char symbol[96];    /* "lcscen_spin_a", "runqueues+0x40 (cpu 2 rq->__lock)", or "" */
	const char *module; /* module defining the symbol, NULL for vmlinux */
	enum lc_lock_kind kind;
	uint64_t word;	 /* qspinlock val / qrwlock cnts / mutex owner / rwsem count */
	uint64_t word2;	 /* rwsem owner word */
	char state[128]; /* the decoded word */
	bool held;
	struct lc_lock_owner owner;
	/* CONFIG_DEBUG_SPINLOCK's owner record of a spinning lock, as read */
	struct {
		bool present;  /* the lock has the fields and its magic is right */
		int cpu;       /* owner_cpu, -1 for none */
		uint64_t task; /* owner, 0 for none */
		int32_t pid;   /* of that task, -1 when none or not in the task list */
	} debug_owner;
	struct lc_lock_waiter *waiters;
	size_t nwaiters, waiters_capacity;
};

/* One entry of a task's lockdep held_locks[] (CONFIG_LOCKDEP). */
struct lc_held_entry {
	uint64_t instance; /* the struct lockdep_map it names (a lock's dep_map) */
	uint64_t lock;	   /* the reported lock that map belongs to, else 0 */
	char name[64];	   /* lockdep_map.name: the lock's class name, "" if unreadable */
	char symbol[96];   /* the instance as symbol+offset, "" if no symbol covers it */
	uint64_t acquire_ip;
	char acquired_at[128]; /* acquire_ip as symbol+offset */
	unsigned read;	       /* 0 exclusive, 1 shared, 2 shared recursive */
	bool trylock;
	unsigned irq_context; /* bit 0 softirq, bit 1 hardirq */
	bool waiting;	      /* the task is one of the lock's waiters: not held yet */
	/*
	 * Certainly released, though lockdep (stopped) still lists it: taken in
	 * hardirq context by a task that is now off CPU (an IRQ handler ends
	 * before its task can sleep or be switched out).
	 */
	bool stale;
};

struct lc_task_held {
	int32_t pid;
	uint64_t task;
	char comm[17];
	int cpu;	/* where it runs now, -1 when off CPU */
	unsigned depth; /* lockdep_depth */
	struct lc_held_entry *locks;
	size_t count; /* entries read: depth, capped */
};

/*
 * lockdep's record of every task's held locks. tracking is debug_locks: once
 * lockdep reported a problem (or an oops/panic turned it off) it stops
 * recording, and the arrays keep what tasks held at that moment.
 */
struct lc_lockdep_report {
	bool present; /* the kernel has task_struct.held_locks */
	bool tracking;
	struct lc_task_held *tasks; /* tasks with lockdep_depth > 0 */
	size_t count, capacity;
};

struct lc_lock_report {
	struct lc_lock *locks;
	size_t count, capacity;
	struct lc_lockdep_report lockdep;
	/* What could not be read or matched; the rest of the report stands. */
	char *problems;
};

/* Find every lock some CPU or task waits for; the report is the caller's. */
struct lc_error *lc_locks_analyze(struct lc_program *prog, struct lc_lock_report **ret);
void lc_lock_report_destroy(struct lc_lock_report *report);

/* Name an address: vmlinux symbol+offset or a module's data symbol. Shared with csd.c. */
const char *lc_locks_symbolize(struct lc_program *prog, uint64_t addr, char *buf, size_t size,
			       const char **module);

#endif
