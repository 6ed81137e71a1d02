/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lock words decoded: pure functions over integers read from the dump and a
 * layout chosen from the dump's types, so the unit tests and the fuzzer run
 * them without a dump. Nothing here reads memory.
 */
#ifndef LC_LINUX_LOCKWORD_H
#define LC_LINUX_LOCKWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lc_lock_kind {
	LC_LOCK_UNKNOWN,
	LC_LOCK_SPINLOCK, /* spinlock_t or raw_spinlock_t: identical in memory unless PREEMPT_RT */
	LC_LOCK_RAW_SPINLOCK, /* known to be raw (rq->__lock, rcu_node->lock) */
	LC_LOCK_RWLOCK,
	LC_LOCK_MUTEX,
	LC_LOCK_RWSEM,
	LC_LOCK_SEMAPHORE,
	LC_LOCK_ARCH_SPINLOCK, /* a bare arch_spinlock_t (ppc64 rtas.lock) */
};
const char *lc_lock_kind_name(enum lc_lock_kind kind);
/* Spinning locks: a waiter burns its CPU (and may have IRQs off). */
bool lc_lock_kind_spins(enum lc_lock_kind kind);

/*
 * Generic qspinlock (asm-generic/qspinlock_types.h): locked byte, pending
 * (a byte when NR_CPUS < 16K, else one bit), then the MCS tail: the queue's
 * last waiter as (cpu + 1, per-CPU node index).
 */
struct lc_qspinlock_layout {
	unsigned pending_bits; /* 8 or 1 */
};
/* pending_bits from the struct: a u16 `tail` member exists only in the 8-bit layout. */
void lc_qspinlock_layout_init(struct lc_qspinlock_layout *ret, bool has_u16_tail);

struct lc_qspinlock_state {
	uint32_t word;
	uint8_t locked_byte; /* 1 = locked; x86 paravirt also uses 3 (_Q_SLOW_VAL) */
	bool locked;
	bool pending;
	bool queued;  /* the tail names a waiter */
	int tail_cpu; /* -1 when not queued */
	unsigned tail_idx;
	bool bad; /* bits that no kernel sets: not a qspinlock word */
};
void lc_qspinlock_decode(const struct lc_qspinlock_layout *l, uint32_t word,
			 struct lc_qspinlock_state *ret);
/* The tail bits naming (cpu, idx), for matching an MCS node with a lock. */
uint32_t lc_qspinlock_tail(const struct lc_qspinlock_layout *l, unsigned cpu, unsigned idx);

/* Queued rwlock (asm-generic/qrwlock.h): writer byte 0xff, _QW_WAITING, readers << 9. */
struct lc_qrwlock_state {
	uint32_t cnts;
	bool write_locked;
	bool writer_waiting;
	unsigned readers; /* includes readers that incremented and are backing off */
	bool bad;
};
void lc_qrwlock_decode(uint32_t cnts, struct lc_qrwlock_state *ret);

/* struct mutex owner (kernel/locking/mutex.c since 4.10): task | WAITERS 1 | HANDOFF 2 | PICKUP 4.
 */
struct lc_mutex_state {
	uint64_t owner; /* task_struct address, 0 when unlocked */
	bool waiters, handoff, pickup;
};
void lc_mutex_decode(uint64_t owner_word, struct lc_mutex_state *ret);

/*
 * struct rw_semaphore (kernel/locking/rwsem.c, layout since 5.3): count has
 * WRITER_LOCKED bit 0, WAITERS bit 1, HANDOFF bit 2, READFAIL the top bit and
 * readers from bit 8; owner is a task | READER_OWNED 1 | NONSPINNABLE 2.
 */
struct lc_rwsem_state {
	uint64_t count, owner_word;
	bool writer_locked, waiters, handoff, read_fail;
	uint64_t readers;
	uint64_t owner; /* task named by owner (for readers: the last one, maybe gone) */
	bool reader_owned, nonspinnable;
	bool locked; /* writer_locked or readers > 0 */
};
/* ptr_size 4 or 8 places the READFAIL bit. */
void lc_rwsem_decode(uint64_t count, uint64_t owner_word, unsigned ptr_size,
		     struct lc_rwsem_state *ret);

/* CONFIG_DEBUG_SPINLOCK's magic/owner_cpu/owner (kernel/locking/spinlock_debug.c). */
struct lc_debug_spinlock_state {
	bool magic_ok;	/* SPINLOCK_MAGIC 0xdead4ead */
	int owner_cpu;	/* -1 when none */
	uint64_t owner; /* task, 0 when SPINLOCK_OWNER_INIT (-1) */
};
void lc_debug_spinlock_decode(uint32_t magic, uint32_t owner_cpu, uint64_t owner, unsigned ptr_size,
			      struct lc_debug_spinlock_state *ret);

/*
 * ppc64 simple spinlock (arch/powerpc/include/asm/simple_spinlock.h, before
 * 6.2 and without PPC_QUEUED_SPINLOCKS): the holder stores its paca's
 * lock_token/paca_index pair, 0x8000 << 16 | cpu.
 */
struct lc_ppc64_token_state {
	bool locked;
	int cpu; /* -1 unless the word is a well-formed token */
};
void lc_ppc64_token_decode(uint32_t word, struct lc_ppc64_token_state *ret);

/* struct semaphore: count and whether wait_list is empty. */
struct lc_semaphore_state {
	uint32_t count;
	bool waiters;
	bool held; /* count 0: every unit taken */
};
void lc_semaphore_decode(uint32_t count, uint64_t wait_list_head, uint64_t wait_list_next,
			 struct lc_semaphore_state *ret);

/* A one-line human description of a decoded word, for reports ("locked, pending, tail cpu 3"). */
size_t lc_qspinlock_describe(const struct lc_qspinlock_state *s, char *buf, size_t size);
size_t lc_qrwlock_describe(const struct lc_qrwlock_state *s, char *buf, size_t size);

#endif
