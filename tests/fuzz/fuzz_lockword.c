// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the lock-word decoders: every decoder over words taken
 * from the input, with invariants that must hold for any value a dump holds.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Isrc \
 *     src/linux/lockword.c tests/fuzz/fuzz_lockword.c -o fuzz_lockword
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/lockword.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t take(const uint8_t **p, size_t *left, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n && *left; i++, (*left)--)
		v |= (uint64_t) * (*p)++ << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t left = size;
	uint32_t w = (uint32_t)take(&p, &left, 4);
	uint64_t a = take(&p, &left, 8), b = take(&p, &left, 8);
	char buf[128];

	for (int small = 0; small < 2; small++) {
		struct lc_qspinlock_layout l;
		struct lc_qspinlock_state s;
		lc_qspinlock_layout_init(&l, small);
		lc_qspinlock_decode(&l, w, &s);
		if (s.queued) {
			/* the tail round-trips through the encoder */
			uint32_t tail = lc_qspinlock_tail(&l, (unsigned)s.tail_cpu, s.tail_idx);
			uint32_t mask = ~0u << (8 + l.pending_bits);
			if ((w & mask) != tail)
				abort();
		}
		if (lc_qspinlock_describe(&s, buf, sizeof(buf)) < strlen(buf))
			abort();
	}
	struct lc_qrwlock_state rw;
	lc_qrwlock_decode(w, &rw);
	lc_qrwlock_describe(&rw, buf, sizeof(buf));
	struct lc_mutex_state m;
	lc_mutex_decode(a, &m);
	if ((m.owner & 7) || (m.owner | m.waiters | m.handoff << 1 | m.pickup << 2) != a)
		abort();
	struct lc_rwsem_state rs;
	lc_rwsem_decode(a, b, 8, &rs);
	if (rs.locked != (rs.writer_locked || rs.readers))
		abort();
	lc_rwsem_decode(a, b, 4, &rs);
	struct lc_debug_spinlock_state d;
	lc_debug_spinlock_decode(w, (uint32_t)a, b, 8, &d);
	struct lc_ppc64_token_state t;
	lc_ppc64_token_decode(w, &t);
	if (t.cpu > 0xffff)
		abort();
	struct lc_ppc_qspinlock_state pq;
	lc_ppc_qspinlock_decode(w, &pq);
	/* the owner field holds 14 bits, the tail 15; the tail round-trips */
	if (pq.owner_cpu >= 1 << 14 || (pq.owner_cpu >= 0) != pq.locked || pq.tail_cpu >= 1 << 15 ||
	    (pq.queued && (w & 0xfffe0000u) != lc_ppc_qspinlock_tail((unsigned)pq.tail_cpu)))
		abort();
	if (lc_ppc_qspinlock_describe(&pq, buf, sizeof(buf)) < strlen(buf))
		abort();
	/* the flavor-independent view agrees with each decoder */
	for (int f = LC_SPIN_QSPINLOCK; f <= LC_SPIN_PPC_QSPINLOCK; f++) {
		struct lc_spinlock_layout sl = {.flavor = (enum lc_spinlock_flavor)f};
		struct lc_spinlock_state ss;
		lc_qspinlock_layout_init(&sl.q, a & 1);
		lc_spinlock_decode(&sl, w, &ss);
		if (ss.word != w || strlen(ss.desc) >= sizeof(ss.desc) ||
		    (ss.owner_cpu >= 0 && !ss.locked) || (ss.tail_cpu >= 0) != ss.queued ||
		    (ss.tail_idx >= 0 && f != LC_SPIN_QSPINLOCK))
			abort();
	}
	struct lc_pv_state_values pv = {
		.running = (int8_t)b, .halted = (int8_t)(b >> 8), .hashed = (int8_t)(b >> 16)};
	if (!lc_pv_state_name(lc_pv_state_decode(w & 0xff, &pv)))
		abort();
	/* The rest of the input as MCS nodes with small addresses, so the links meet. */
	struct lc_mcs_node nodes[16];
	size_t n = 0;
	for (; n < 16 && left >= 4; n++) {
		const uint8_t *q = p;
		p += 4;
		left -= 4;
		nodes[n] = (struct lc_mcs_node){.addr = (q[0] & 15) * 16u,
						.next = (q[1] & 31) * 16u,
						.cpu = q[2] & 7,
						.idx = q[3] & 3,
						.lock = (q[3] >> 2) & 1};
	}
	const struct lc_mcs_node *out[8];
	size_t len = lc_mcs_queue(nodes, n, w & 1, (int)((w >> 1) & 7), (int)((w >> 4) & 7) - 4,
				  out, (size_t)(a % 9));
	if (len > a % 9 || len > n + 1)
		abort();
	for (size_t i = 0; i < len; i++) {
		for (size_t j = 0; j < i; j++) {
			if (out[i] == out[j])
				abort();
		}
		/* head first: each node's successor is the next one out */
		if (i + 1 < len &&
		    (out[i]->next != out[i + 1]->addr || out[i]->lock != out[i + 1]->lock))
			abort();
	}
	/* The same bytes as osq nodes: each CPU's node at a small address, links that meet. */
	struct lc_osq_node on[16];
	size_t on_n = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = nodes[i].addr ^ nodes[i].next << 8 ^ (uint64_t)nodes[i].idx << 16;
		on[on_n++] = (struct lc_osq_node){.addr = 0x100 + (uint64_t)nodes[i].cpu * 16,
						  .next = 0x100 + (x & 7) * 16,
						  .prev = 0x100 + ((x >> 3) & 7) * 16,
						  .cpu = nodes[i].cpu,
						  .encoded_cpu = (uint32_t)((x >> 6) & 7),
						  .locked = (uint32_t)((x >> 9) & 1)};
	}
	const struct lc_osq_node *oq[8];
	size_t olen = lc_osq_queue(on, on_n, (uint32_t)(b & 15), oq, (size_t)(b >> 4) % 9);
	if (olen > (b >> 4) % 9 || olen > on_n || (olen && oq[olen - 1]->encoded_cpu != (b & 15)))
		abort();
	for (size_t i = 0; i < olen; i++) {
		for (size_t j = 0; j < i; j++) {
			if (oq[i] == oq[j])
				abort();
		}
		/* head first: each links to the next both ways, and only the head was handed it */
		if (i + 1 < olen && (oq[i]->next != oq[i + 1]->addr ||
				     oq[i + 1]->prev != oq[i]->addr || oq[i + 1]->locked))
			abort();
	}
	struct lc_semaphore_state sem;
	lc_semaphore_decode(w, a, b, &sem);
	if (sem.held != (w == 0) || sem.waiters != (a != b))
		abort();
	return 0;
}
