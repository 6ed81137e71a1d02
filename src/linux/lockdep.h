/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lockdep's own record of the locks each task holds (CONFIG_LOCKDEP:
 * task_struct.held_locks[] and lockdep_depth, struct held_lock in
 * include/linux/lockdep_types.h): the lock instance, its class, where it was
 * taken and how (read, trylock). Exact holder evidence where a lock word names
 * nobody.
 *
 * Proven on dumps of Debian's 6.1 source built with PROVE_LOCKING
 * (fixtures/x86_64/6.1-lockdep: every entry equal to drgn's reading, lockdep
 * on and after it turned itself off); the bit-field decoding in both byte
 * orders is also unit-tested on synthetic types (tests/test_lockdep.c).
 */
#ifndef LC_LINUX_LOCKDEP_H
#define LC_LINUX_LOCKDEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"

struct lc_program;
struct lc_types;
struct lc_lock_report;

/* A member of struct held_lock, bit field or not. */
struct lc_lockdep_field {
	bool present;
	uint64_t bit_offset;
	uint32_t bit_size; /* 0 unless a bit field */
	uint32_t size;	   /* bytes of the member's type */
};

struct lc_lockdep_layout {
	uint64_t depth_off; /* task_struct.lockdep_depth */
	uint64_t held_off;  /* task_struct.held_locks */
	uint64_t hlock_size;
	unsigned max_depth; /* held_locks[] length, MAX_LOCK_DEPTH */
	struct lc_lockdep_field instance, acquire_ip, nest_lock, class_idx, read, trylock,
		irq_context, hardirqs_off;
	bool has_map_name; /* struct lockdep_map.name */
	uint64_t map_name_off;
};

/*
 * The layout from the types. Without lockdep (no task_struct.held_locks: one
 * probe) *present is false and nothing else is looked up. A kernel that has
 * held_locks but lacks a member decoding needs is an LC_ERR_LOOKUP error.
 */
struct lc_error *lc_lockdep_layout_init(struct lc_types *types, unsigned ptr_size,
					struct lc_lockdep_layout *ret, bool *present);

struct lc_held_lock {
	uint64_t instance;   /* the struct lockdep_map inside the lock (its dep_map) */
	uint64_t acquire_ip; /* where lock_acquire() was called from */
	uint64_t nest_lock;  /* the outer lock's lockdep_map for nested acquires, or 0 */
	unsigned class_idx;
	unsigned read; /* 0 exclusive, 1 shared, 2 shared recursive (lock_acquire's read) */
	bool trylock;
	unsigned irq_context; /* bit 0 softirq, bit 1 hardirq */
	bool hardirqs_off;
};

/* One struct held_lock from its bytes (hlock_size of them) in the dump's byte order. */
void lc_held_lock_decode(const struct lc_lockdep_layout *l, const uint8_t *hlock, bool big_endian,
			 struct lc_held_lock *ret);
/* "write", "read" or "recursive read" for held_lock.read 0, 1, 2. */
const char *lc_held_lock_mode(unsigned read);

/*
 * A task's held locks, outermost first: at most max of them, *count set to
 * how many were stored. A depth beyond held_locks[] is bad data.
 */
struct lc_error *lc_lockdep_held_locks(struct lc_program *prog, const struct lc_lockdep_layout *l,
				       uint64_t task, struct lc_held_lock *out, size_t max,
				       size_t *count);

/*
 * Whether lockdep still tracks: the first lockdep report clears debug_locks,
 * after which lock_acquire()/lock_release() stop updating held_locks and the
 * arrays go stale.
 */
struct lc_error *lc_lockdep_tracking(struct lc_program *prog, bool *ret);

/*
 * Every task's held_locks into r->lockdep, and exact holders for the locks of
 * the report: every task whose held_locks name a lock's dep_map and that is
 * not one of its waiters (lock_acquire() records a lock before it spins or
 * sleeps for it). Overrides weaker owner evidence; where a lock word names
 * another holder, the word stands and the conflict goes to problem(). Once
 * lockdep stopped (debug_locks 0) entries may be stale: they only name
 * holders nothing else names, with low confidence. Costs one type probe
 * when the kernel has no lockdep.
 */
void lc_lockdep_attribute(struct lc_program *prog, struct lc_lock_report *r,
			  void (*problem)(void *arg, const char *msg), void *arg);

#endif
