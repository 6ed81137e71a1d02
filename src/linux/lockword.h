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

/*
 * CONFIG_DEBUG_SPINLOCK's magic/owner_cpu/owner (kernel/locking/spinlock_debug.c),
 * in raw_spinlock_t and in rwlock_t (there set by write locks only).
 */
struct lc_debug_spinlock_state {
	bool magic_ok;	   /* SPINLOCK_MAGIC 0xdead4ead */
	bool rwlock_magic; /* RWLOCK_MAGIC 0xdeaf1eed */
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

/*
 * powerpc's own qspinlock (arch/powerpc/include/asm/qspinlock_types.h, 6.2+
 * with PPC_QUEUED_SPINLOCKS; Debian's 6.12 ppc64el has it): bit 0 locked,
 * bits 1-14 the holder's CPU, bit 15 sleepy (a holder or queued vCPU was seen
 * preempted), bit 16 must-queue (the queue head forbids lock stealing), bits
 * 17-31 the tail CPU + 1. Unlike the generic lock the tail has no node index:
 * the tail CPU's node for a lock is the one whose lock pointer names it.
 *
 * The widths do not depend on NR_CPUS: the header has one layout and refuses
 * to build (#error) with NR_CPUS above 16K (owner) or 32K-1 (tail), so every
 * kernel that has this lock uses these bits. The types confirm the layout:
 * struct qspinlock's `locked` is the u16 that covers locked, owner and sleepy,
 * which unlock clears in one store.
 */
struct lc_ppc_qspinlock_state {
	uint32_t word;
	bool locked;
	int owner_cpu; /* -1 when unlocked */
	bool sleepy, must_queue;
	bool queued;
	int tail_cpu; /* -1 when not queued */
	bool bad;     /* owner/sleepy bits without the locked bit: unlock clears all three */
};
void lc_ppc_qspinlock_decode(uint32_t word, struct lc_ppc_qspinlock_state *ret);
/* The tail bits naming cpu, for matching a queued node with a lock. */
uint32_t lc_ppc_qspinlock_tail(unsigned cpu);
size_t lc_ppc_qspinlock_describe(const struct lc_ppc_qspinlock_state *s, char *buf, size_t size);

/*
 * Paravirt qspinlock (kernel/locking/qspinlock_paravirt.h, x86 and ppc64
 * before 6.2): a queued waiter's struct pv_node says whether its vCPU runs,
 * halted in pv_wait(), or hashed the lock (the holder then sees _Q_SLOW_VAL
 * and must kick it). The enumerator values come from the dump's enum
 * vcpu_state; a value matching none is UNKNOWN.
 */
enum lc_pv_state { LC_PV_RUNNING, LC_PV_HALTED, LC_PV_HASHED, LC_PV_UNKNOWN };
struct lc_pv_state_values {
	int64_t running, halted, hashed;
};
enum lc_pv_state lc_pv_state_decode(uint64_t state, const struct lc_pv_state_values *v);
const char *lc_pv_state_name(enum lc_pv_state s);

/*
 * Any spinning lock word, whichever of the three encodings the kernel uses,
 * decoded into what the lock finder needs: held or not, the holder when the
 * word names it, and the queue tail.
 */
enum lc_spinlock_flavor {
	LC_SPIN_QSPINLOCK,     /* asm-generic qspinlock */
	LC_SPIN_PPC_TOKEN,     /* ppc64 simple spinlock with the paca lock token */
	LC_SPIN_PPC_QSPINLOCK, /* powerpc's own qspinlock */
};
struct lc_spinlock_layout {
	enum lc_spinlock_flavor flavor;
	struct lc_qspinlock_layout q; /* LC_SPIN_QSPINLOCK only */
};
struct lc_spinlock_state {
	uint32_t word;
	bool locked;
	bool bad;      /* not a value this encoding produces */
	int owner_cpu; /* the holder named by the word, -1 when it names none */
	bool pending;  /* generic: a waiter spins on the pending bit, unqueued */
	bool queued;
	int tail_cpu;	 /* -1 when not queued */
	int tail_idx;	 /* generic: node index of the tail; -1 for the others */
	bool pv_hashed;	 /* generic: _Q_SLOW_VAL, a waiter hashed the lock and may halt */
	bool sleepy;	 /* ppc qspinlock */
	bool must_queue; /* ppc qspinlock */
	char desc[96];	 /* one line for reports */
};
void lc_spinlock_decode(const struct lc_spinlock_layout *l, uint32_t word,
			struct lc_spinlock_state *ret);

/*
 * One MCS queue node in use, as read from a CPU's per-CPU nodes: the generic
 * qspinlock's struct qnode (kernel/locking/qspinlock.c) or powerpc's (its
 * arch/powerpc/lib/qspinlock.c), up to four per CPU for nested contexts.
 */
struct lc_mcs_node {
	uint64_t addr, next; /* the node and its successor in the queue (0: none yet) */
	int cpu;
	unsigned idx;
	uint64_t lock; /* powerpc: the lock it queues on; 0 for the generic lock */
	char note[64]; /* what the node says about its waiter, "" when nothing */
};
/*
 * A lock's queue, head first: from the node the tail names (by cpu and index,
 * or for powerpc, tail_idx < 0, by cpu and lock) back through the
 * predecessors' next pointers. Stops at max and where the links loop; returns
 * the length (0 when the tail names no node in use).
 */
size_t lc_mcs_queue(const struct lc_mcs_node *nodes, size_t n, uint64_t lock, int tail_cpu,
		    int tail_idx, const struct lc_mcs_node **out, size_t max);

/*
 * One CPU's struct optimistic_spin_node (kernel/locking/osq_lock.c), the
 * per-CPU node of the optimistic-spin queue ("osq") that mutexes and rwsems
 * keep so that only one waiter at a time spins on the owner.
 */
struct lc_osq_node {
	uint64_t addr;	      /* this CPU's node */
	uint64_t next, prev;  /* as read; prev is only meaningful while queued */
	int cpu;	      /* whose node it is */
	uint32_t encoded_cpu; /* node->cpu as read: cpu + 1 once the CPU has queued anywhere */
	uint32_t locked;      /* 1: handed the osq by its predecessor */
};
/*
 * The optimistic-spin queue of a lock whose osq.tail is tail (the last
 * queued CPU + 1, 0 = empty), head first. From the tail's node back through
 * prev while the predecessor's next points back at the node: a node stops
 * the walk (it holds the osq) when it was handed it (locked), when its prev
 * names no node, or when that node does not link to it (prev is left stale
 * by a fast-path acquire). Returns the length, 0 when the tail names no CPU's
 * node or that node does not carry the tail's CPU; stops at max and at loops.
 */
size_t lc_osq_queue(const struct lc_osq_node *nodes, size_t n, uint32_t tail,
		    const struct lc_osq_node **out, size_t max);

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
