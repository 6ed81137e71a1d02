// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Lock-word decoders. The bit layouts follow the 6.1 kernel headers named in
 * lockword.h; each decoder also flags words no kernel would write, so that a
 * stack scan can reject a random integer that merely looks like a lock.
 */
#include <stdio.h>

#include "linux/lockword.h"

enum {
	Q_LOCKED_MASK = 0xff,
	Q_PENDING_OFFSET = 8,
	Q_TAIL_IDX_BITS = 2,
	/* x86 paravirt: the lock holder's vCPU was told to halt (pvqspinlock's _Q_SLOW_VAL) */
	Q_SLOW_VAL = 3,
	QW_LOCKED = 0xff,
	QW_WAITING = 0x100,
	QR_SHIFT = 9,
	MUTEX_FLAG_WAITERS = 1,
	MUTEX_FLAG_HANDOFF = 2,
	MUTEX_FLAG_PICKUP = 4,
	MUTEX_FLAGS = 7,
	RWSEM_WRITER_LOCKED = 1,
	RWSEM_FLAG_WAITERS = 2,
	RWSEM_FLAG_HANDOFF = 4,
	RWSEM_READER_SHIFT = 8,
	RWSEM_READER_OWNED = 1,
	RWSEM_NONSPINNABLE = 2,
	RWSEM_OWNER_FLAGS = 3,
	PPC_LOCK_TOKEN = 0x8000,
	PPCQ_LOCKED = 1u << 0,
	PPCQ_OWNER_OFFSET = 1,
	PPCQ_OWNER_MASK = 0x7ffe,
	PPCQ_SLEEPY = 1u << 15,
	PPCQ_MUST_Q = 1u << 16,
	PPCQ_TAIL_OFFSET = 17,
};
#define SPINLOCK_MAGIC 0xdead4eadu
#define RWLOCK_MAGIC 0xdeaf1eedu

const char *lc_lock_kind_name(enum lc_lock_kind kind)
{
	switch (kind) {
	case LC_LOCK_SPINLOCK:
		return "spinlock";
	case LC_LOCK_RAW_SPINLOCK:
		return "raw_spinlock";
	case LC_LOCK_RWLOCK:
		return "rwlock";
	case LC_LOCK_MUTEX:
		return "mutex";
	case LC_LOCK_RWSEM:
		return "rwsem";
	case LC_LOCK_SEMAPHORE:
		return "semaphore";
	case LC_LOCK_ARCH_SPINLOCK:
		return "arch_spinlock";
	case LC_LOCK_UNKNOWN:
		break;
	}
	return "unknown";
}

bool lc_lock_kind_spins(enum lc_lock_kind kind)
{
	return kind == LC_LOCK_SPINLOCK || kind == LC_LOCK_RAW_SPINLOCK || kind == LC_LOCK_RWLOCK ||
	       kind == LC_LOCK_ARCH_SPINLOCK;
}

void lc_qspinlock_layout_init(struct lc_qspinlock_layout *ret, bool has_u16_tail)
{
	ret->pending_bits = has_u16_tail ? 8 : 1;
}

static unsigned tail_idx_offset(const struct lc_qspinlock_layout *l)
{
	return Q_PENDING_OFFSET + l->pending_bits;
}

void lc_qspinlock_decode(const struct lc_qspinlock_layout *l, uint32_t word,
			 struct lc_qspinlock_state *ret)
{
	unsigned idx_off = tail_idx_offset(l);
	unsigned cpu_off = idx_off + Q_TAIL_IDX_BITS;
	uint32_t pending_mask = ((1u << l->pending_bits) - 1) << Q_PENDING_OFFSET;
	uint32_t pending = (word & pending_mask) >> Q_PENDING_OFFSET;
	uint32_t cpu_field = word >> cpu_off;
	*ret = (struct lc_qspinlock_state){.word = word, .tail_cpu = -1};
	ret->locked_byte = (uint8_t)(word & Q_LOCKED_MASK);
	ret->locked = ret->locked_byte != 0;
	ret->pending = pending != 0;
	ret->tail_idx = (word >> idx_off) & ((1u << Q_TAIL_IDX_BITS) - 1);
	if (cpu_field) {
		ret->queued = true;
		ret->tail_cpu = (int)(cpu_field - 1);
	}
	/* Only 0/1 (and paravirt's slow value) are stored in the locked byte, 0/1 in pending. */
	ret->bad = (ret->locked_byte != 0 && ret->locked_byte != 1 &&
		    ret->locked_byte != Q_SLOW_VAL) ||
		   pending > 1 || (!cpu_field && ret->tail_idx);
}

uint32_t lc_qspinlock_tail(const struct lc_qspinlock_layout *l, unsigned cpu, unsigned idx)
{
	unsigned idx_off = tail_idx_offset(l);
	return ((uint32_t)(cpu + 1) << (idx_off + Q_TAIL_IDX_BITS)) |
	       ((idx & ((1u << Q_TAIL_IDX_BITS) - 1)) << idx_off);
}

void lc_qrwlock_decode(uint32_t cnts, struct lc_qrwlock_state *ret)
{
	uint32_t wbyte = cnts & 0xff;
	*ret = (struct lc_qrwlock_state){.cnts = cnts};
	ret->write_locked = wbyte == QW_LOCKED;
	ret->writer_waiting = (cnts & QW_WAITING) != 0;
	ret->readers = cnts >> QR_SHIFT;
	/* The writer byte is either free or fully set: a writer stores _QW_LOCKED at once. */
	ret->bad = wbyte != 0 && wbyte != QW_LOCKED;
}

void lc_mutex_decode(uint64_t owner_word, struct lc_mutex_state *ret)
{
	*ret = (struct lc_mutex_state){
		.owner = owner_word & ~(uint64_t)MUTEX_FLAGS,
		.waiters = owner_word & MUTEX_FLAG_WAITERS,
		.handoff = owner_word & MUTEX_FLAG_HANDOFF,
		.pickup = owner_word & MUTEX_FLAG_PICKUP,
	};
}

void lc_rwsem_decode(uint64_t count, uint64_t owner_word, unsigned ptr_size,
		     struct lc_rwsem_state *ret)
{
	unsigned bits = ptr_size == 4 ? 32 : 64;
	uint64_t read_fail = 1ull << (bits - 1);
	*ret = (struct lc_rwsem_state){.count = count, .owner_word = owner_word};
	ret->writer_locked = count & RWSEM_WRITER_LOCKED;
	ret->waiters = count & RWSEM_FLAG_WAITERS;
	ret->handoff = count & RWSEM_FLAG_HANDOFF;
	ret->read_fail = count & read_fail;
	ret->readers = (count & ~read_fail) >> RWSEM_READER_SHIFT;
	if (bits == 32)
		ret->readers &= 0xffffffu >> 1;
	ret->reader_owned = owner_word & RWSEM_READER_OWNED;
	ret->nonspinnable = owner_word & RWSEM_NONSPINNABLE;
	ret->owner = owner_word & ~(uint64_t)RWSEM_OWNER_FLAGS;
	ret->locked = ret->writer_locked || ret->readers > 0;
}

void lc_debug_spinlock_decode(uint32_t magic, uint32_t owner_cpu, uint64_t owner, unsigned ptr_size,
			      struct lc_debug_spinlock_state *ret)
{
	uint64_t init = ptr_size == 4 ? 0xffffffffull : ~0ull;
	*ret = (struct lc_debug_spinlock_state){.magic_ok = magic == SPINLOCK_MAGIC,
						.rwlock_magic = magic == RWLOCK_MAGIC};
	ret->owner_cpu = owner_cpu == 0xffffffffu || owner_cpu > (1u << 24) ? -1 : (int)owner_cpu;
	ret->owner = owner == init ? 0 : owner;
}

void lc_ppc64_token_decode(uint32_t word, struct lc_ppc64_token_state *ret)
{
	ret->locked = word != 0;
	ret->cpu = (word >> 16) == PPC_LOCK_TOKEN ? (int)(word & 0xffff) : -1;
}

void lc_ppc_qspinlock_decode(uint32_t word, struct lc_ppc_qspinlock_state *ret)
{
	uint32_t tail = word >> PPCQ_TAIL_OFFSET;
	*ret = (struct lc_ppc_qspinlock_state){.word = word, .owner_cpu = -1, .tail_cpu = -1};
	ret->locked = word & PPCQ_LOCKED;
	ret->sleepy = word & PPCQ_SLEEPY;
	ret->must_queue = word & PPCQ_MUST_Q;
	if (ret->locked)
		ret->owner_cpu = (int)((word & PPCQ_OWNER_MASK) >> PPCQ_OWNER_OFFSET);
	if (tail) {
		ret->queued = true;
		ret->tail_cpu = (int)tail - 1;
	}
	/* The holder sets owner with the locked bit and the unlock store clears the low half. */
	ret->bad = !ret->locked && (word & (PPCQ_OWNER_MASK | PPCQ_SLEEPY));
}

uint32_t lc_ppc_qspinlock_tail(unsigned cpu)
{
	return (uint32_t)(cpu + 1) << PPCQ_TAIL_OFFSET;
}

enum lc_pv_state lc_pv_state_decode(uint64_t state, const struct lc_pv_state_values *v)
{
	int64_t s = (int64_t)state;
	return s == v->running	? LC_PV_RUNNING
	       : s == v->halted ? LC_PV_HALTED
	       : s == v->hashed ? LC_PV_HASHED
				: LC_PV_UNKNOWN;
}

const char *lc_pv_state_name(enum lc_pv_state s)
{
	switch (s) {
	case LC_PV_RUNNING:
		return "running";
	case LC_PV_HALTED:
		return "halted";
	case LC_PV_HASHED:
		return "hashed";
	case LC_PV_UNKNOWN:
		break;
	}
	return "unknown";
}

void lc_spinlock_decode(const struct lc_spinlock_layout *l, uint32_t word,
			struct lc_spinlock_state *ret)
{
	*ret = (struct lc_spinlock_state){
		.word = word, .owner_cpu = -1, .tail_cpu = -1, .tail_idx = -1};
	switch (l->flavor) {
	case LC_SPIN_QSPINLOCK: {
		struct lc_qspinlock_state q;
		lc_qspinlock_decode(&l->q, word, &q);
		ret->locked = q.locked;
		ret->bad = q.bad;
		ret->pending = q.pending;
		ret->queued = q.queued;
		ret->tail_cpu = q.tail_cpu;
		if (q.queued)
			ret->tail_idx = (int)q.tail_idx;
		ret->pv_hashed = q.locked_byte == Q_SLOW_VAL;
		lc_qspinlock_describe(&q, ret->desc, sizeof(ret->desc));
		break;
	}
	case LC_SPIN_PPC_TOKEN: {
		struct lc_ppc64_token_state t;
		lc_ppc64_token_decode(word, &t);
		ret->locked = t.locked;
		ret->owner_cpu = t.cpu;
		snprintf(ret->desc, sizeof(ret->desc), "%s", t.locked ? "locked" : "unlocked");
		break;
	}
	case LC_SPIN_PPC_QSPINLOCK: {
		struct lc_ppc_qspinlock_state p;
		lc_ppc_qspinlock_decode(word, &p);
		ret->locked = p.locked;
		ret->bad = p.bad;
		ret->owner_cpu = p.owner_cpu;
		ret->queued = p.queued;
		ret->tail_cpu = p.tail_cpu;
		ret->sleepy = p.sleepy;
		ret->must_queue = p.must_queue;
		lc_ppc_qspinlock_describe(&p, ret->desc, sizeof(ret->desc));
		break;
	}
	}
}

static const struct lc_mcs_node *mcs_tail(const struct lc_mcs_node *nodes, size_t n, uint64_t lock,
					  int tail_cpu, int tail_idx)
{
	for (size_t i = 0; i < n; i++) {
		const struct lc_mcs_node *q = &nodes[i];
		if (q->cpu == tail_cpu &&
		    (tail_idx >= 0 ? q->idx == (unsigned)tail_idx : q->lock == lock))
			return q;
	}
	return NULL;
}

size_t lc_mcs_queue(const struct lc_mcs_node *nodes, size_t n, uint64_t lock, int tail_cpu,
		    int tail_idx, const struct lc_mcs_node **out, size_t max)
{
	const struct lc_mcs_node *q = mcs_tail(nodes, n, lock, tail_cpu, tail_idx);
	if (!q || !max)
		return 0;
	size_t len = 0;
	out[len++] = q;
	while (len < max) {
		const struct lc_mcs_node *pred = NULL;
		/* generic nodes carry no lock (0 == 0); powerpc's predecessor queues on ours */
		for (size_t i = 0; i < n && !pred; i++) {
			if (nodes[i].next == q->addr && nodes[i].lock == q->lock)
				pred = &nodes[i];
		}
		bool cycle = false;
		for (size_t i = 0; pred && i < len; i++)
			cycle |= out[i] == pred;
		if (!pred || cycle)
			break;
		out[len++] = q = pred;
	}
	for (size_t i = 0; i < len / 2; i++) {
		const struct lc_mcs_node *t = out[i];
		out[i] = out[len - 1 - i];
		out[len - 1 - i] = t;
	}
	return len;
}

static const struct lc_osq_node *osq_by_addr(const struct lc_osq_node *nodes, size_t n,
					     uint64_t addr)
{
	for (size_t i = 0; addr && i < n; i++) {
		if (nodes[i].addr == addr)
			return &nodes[i];
	}
	return NULL;
}

size_t lc_osq_queue(const struct lc_osq_node *nodes, size_t n, uint32_t tail,
		    const struct lc_osq_node **out, size_t max)
{
	const struct lc_osq_node *q = NULL;
	for (size_t i = 0; tail && i < n && !q; i++) {
		/* the queuer wrote node->cpu before it swapped itself into the tail */
		if (nodes[i].cpu >= 0 && (uint64_t)nodes[i].cpu + 1 == tail &&
		    nodes[i].encoded_cpu == tail)
			q = &nodes[i];
	}
	if (!q || !max)
		return 0;
	size_t len = 0;
	out[len++] = q;
	while (len < max && !q->locked) {
		const struct lc_osq_node *pred = osq_by_addr(nodes, n, q->prev);
		if (!pred || pred->next != q->addr || pred->encoded_cpu != (uint32_t)pred->cpu + 1)
			break;
		bool cycle = false;
		for (size_t i = 0; i < len; i++)
			cycle |= out[i] == pred;
		if (cycle)
			break;
		out[len++] = q = pred;
	}
	for (size_t i = 0; i < len / 2; i++) {
		const struct lc_osq_node *t = out[i];
		out[i] = out[len - 1 - i];
		out[len - 1 - i] = t;
	}
	return len;
}

void lc_semaphore_decode(uint32_t count, uint64_t wait_list_head, uint64_t wait_list_next,
			 struct lc_semaphore_state *ret)
{
	ret->count = count;
	ret->waiters = wait_list_next != wait_list_head;
	ret->held = count == 0;
}

static size_t append(char *buf, size_t size, size_t len, const char *s)
{
	int n = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, "%s%s",
			 len ? ", " : "", s);
	return n > 0 ? len + (size_t)n : len;
}

size_t lc_qspinlock_describe(const struct lc_qspinlock_state *s, char *buf, size_t size)
{
	size_t len = 0;
	char tmp[48];
	if (size)
		buf[0] = '\0';
	if (s->bad)
		len = append(buf, size, len, "not a qspinlock value");
	len = append(buf, size, len,
		     s->locked_byte == Q_SLOW_VAL ? "locked (paravirt slow)"
		     : s->locked		  ? "locked"
						  : "unlocked");
	if (s->pending)
		len = append(buf, size, len, "pending");
	if (s->queued) {
		snprintf(tmp, sizeof(tmp), "queue tail cpu %d node %u", s->tail_cpu, s->tail_idx);
		len = append(buf, size, len, tmp);
	}
	return len;
}

size_t lc_qrwlock_describe(const struct lc_qrwlock_state *s, char *buf, size_t size)
{
	size_t len = 0;
	char tmp[32];
	if (size)
		buf[0] = '\0';
	if (s->bad)
		len = append(buf, size, len, "not a qrwlock value");
	if (s->write_locked)
		len = append(buf, size, len, "write-locked");
	if (s->writer_waiting)
		len = append(buf, size, len, "writer waiting");
	if (s->readers) {
		snprintf(tmp, sizeof(tmp), "%u reader%s", s->readers, s->readers == 1 ? "" : "s");
		len = append(buf, size, len, tmp);
	}
	if (!len)
		len = append(buf, size, len, "unlocked");
	return len;
}

size_t lc_ppc_qspinlock_describe(const struct lc_ppc_qspinlock_state *s, char *buf, size_t size)
{
	size_t len = 0;
	char tmp[48];
	if (size)
		buf[0] = '\0';
	if (s->bad)
		len = append(buf, size, len, "not a powerpc qspinlock value");
	if (s->locked) {
		snprintf(tmp, sizeof(tmp), "locked by cpu %d", s->owner_cpu);
		len = append(buf, size, len, tmp);
	} else {
		len = append(buf, size, len, "unlocked");
	}
	if (s->sleepy)
		len = append(buf, size, len, "sleepy");
	if (s->must_queue)
		len = append(buf, size, len, "must queue");
	if (s->queued) {
		snprintf(tmp, sizeof(tmp), "queue tail cpu %d", s->tail_cpu);
		len = append(buf, size, len, tmp);
	}
	return len;
}
