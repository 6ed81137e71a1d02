// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lock-word decoders on synthetic words: every state of every encoding. */
#include <stdio.h>

#include "check.h"
#include "linux/lockword.h"

static void test_qspinlock_small(void)
{
	struct lc_qspinlock_layout l;
	struct lc_qspinlock_state s;
	lc_qspinlock_layout_init(&l, true);
	CHECK(l.pending_bits == 8);

	lc_qspinlock_decode(&l, 0, &s);
	CHECK(!s.locked && !s.pending && !s.queued && !s.bad && s.tail_cpu == -1);

	lc_qspinlock_decode(&l, 1, &s);
	CHECK(s.locked && !s.pending && !s.queued && !s.bad);

	lc_qspinlock_decode(&l, 0x101, &s); /* held, one waiter on the pending byte */
	CHECK(s.locked && s.pending && !s.queued && !s.bad);

	lc_qspinlock_decode(&l, 0x100, &s); /* pending owner about to take it */
	CHECK(!s.locked && s.pending && !s.bad);

	/* tail = (cpu + 1) << 18 | idx << 16 */
	uint32_t t = lc_qspinlock_tail(&l, 3, 0);
	CHECK_EQ_U64(t, 4u << 18);
	lc_qspinlock_decode(&l, t | 0x101, &s);
	CHECK(s.locked && s.pending && s.queued && s.tail_cpu == 3 && s.tail_idx == 0 && !s.bad);

	t = lc_qspinlock_tail(&l, 8191, 3);
	CHECK_EQ_U64(t, (8192u << 18) | (3u << 16));
	lc_qspinlock_decode(&l, t | 1, &s);
	CHECK(s.tail_cpu == 8191 && s.tail_idx == 3 && !s.pending && !s.bad);

	lc_qspinlock_decode(&l, 3, &s); /* paravirt _Q_SLOW_VAL */
	CHECK(s.locked && s.locked_byte == 3 && !s.bad);

	lc_qspinlock_decode(&l, 0x7, &s);
	CHECK(s.bad);
	lc_qspinlock_decode(&l, 0x201, &s); /* pending byte 2 */
	CHECK(s.bad);
	lc_qspinlock_decode(&l, 1u << 16, &s); /* index without a CPU */
	CHECK(s.bad);

	char buf[96];
	lc_qspinlock_decode(&l, lc_qspinlock_tail(&l, 2, 1) | 0x101, &s);
	lc_qspinlock_describe(&s, buf, sizeof(buf));
	CHECK_STR(buf, "locked, pending, queue tail cpu 2 node 1");
	/* truncation never overflows and still terminates */
	char small[8];
	lc_qspinlock_describe(&s, small, sizeof(small));
	CHECK(strlen(small) == 7);
}

static void test_qspinlock_large(void)
{
	/* NR_CPUS >= 16K: pending is bit 8, idx bits 9-10, cpu from bit 11 */
	struct lc_qspinlock_layout l;
	struct lc_qspinlock_state s;
	lc_qspinlock_layout_init(&l, false);
	CHECK(l.pending_bits == 1);
	uint32_t t = lc_qspinlock_tail(&l, 20000, 2);
	CHECK_EQ_U64(t, (20001u << 11) | (2u << 9));
	lc_qspinlock_decode(&l, t | 0x101, &s);
	CHECK(s.locked && s.pending && s.tail_cpu == 20000 && s.tail_idx == 2 && !s.bad);
	lc_qspinlock_decode(&l, 0x100, &s);
	CHECK(s.pending && !s.locked && !s.queued);
	lc_qspinlock_decode(&l, 1u << 9, &s);
	CHECK(s.bad);
}

static void test_qrwlock(void)
{
	struct lc_qrwlock_state s;
	char buf[64];
	lc_qrwlock_decode(0, &s);
	CHECK(!s.write_locked && !s.writer_waiting && !s.readers && !s.bad);
	lc_qrwlock_describe(&s, buf, sizeof(buf));
	CHECK_STR(buf, "unlocked");
	lc_qrwlock_decode(0xff, &s);
	CHECK(s.write_locked && !s.readers);
	/* a reader backing off while a writer holds it keeps its bias */
	lc_qrwlock_decode(0xff | (1u << 9), &s);
	CHECK(s.write_locked && s.readers == 1);
	lc_qrwlock_describe(&s, buf, sizeof(buf));
	CHECK_STR(buf, "write-locked, 1 reader");
	lc_qrwlock_decode(0x100 | (3u << 9), &s);
	CHECK(!s.write_locked && s.writer_waiting && s.readers == 3 && !s.bad);
	lc_qrwlock_decode(0x1ff, &s);
	CHECK(s.write_locked && s.writer_waiting);
	lc_qrwlock_decode(0x12, &s);
	CHECK(s.bad);
}

static void test_mutex(void)
{
	struct lc_mutex_state s;
	lc_mutex_decode(0, &s);
	CHECK(!s.owner && !s.waiters && !s.handoff && !s.pickup);
	lc_mutex_decode(0xffff888012345600ull | 1, &s);
	CHECK_EQ_U64(s.owner, 0xffff888012345600ull);
	CHECK(s.waiters && !s.handoff && !s.pickup);
	lc_mutex_decode(0xffff888012345600ull | 6, &s);
	CHECK(!s.waiters && s.handoff && s.pickup);
	/* handoff to nobody yet: flags without an owner */
	lc_mutex_decode(2, &s);
	CHECK(!s.owner && s.handoff);
}

static void test_rwsem(void)
{
	struct lc_rwsem_state s;
	lc_rwsem_decode(0, 0, 8, &s);
	CHECK(!s.locked && !s.waiters);
	/* write-locked with waiters */
	lc_rwsem_decode(3, 0xffff888000001000ull, 8, &s);
	CHECK(s.locked && s.writer_locked && s.waiters && !s.handoff && !s.readers);
	CHECK_EQ_U64(s.owner, 0xffff888000001000ull);
	CHECK(!s.reader_owned);
	/* two readers, waiters, handoff; owner word names the last reader */
	lc_rwsem_decode((2u << 8) | 6, 0xffff888000002000ull | 3, 8, &s);
	CHECK(s.locked && !s.writer_locked && s.readers == 2 && s.waiters && s.handoff);
	CHECK(s.reader_owned && s.nonspinnable);
	CHECK_EQ_U64(s.owner, 0xffff888000002000ull);
	/* the read-fail guard bit is not a reader */
	lc_rwsem_decode(1ull << 63, 0, 8, &s);
	CHECK(s.read_fail && !s.readers && !s.locked);
	lc_rwsem_decode(0x80000100u, 0, 4, &s);
	CHECK(s.read_fail && s.readers == 1);
	/* 32-bit: readers in bits 8-30, READFAIL bit 31 */
	lc_rwsem_decode((5u << 8) | 1, 0xc1000000u, 4, &s);
	CHECK(s.writer_locked && s.readers == 5 && !s.read_fail && s.locked);
	/* a writer holding it with handoff set by a starved waiter */
	lc_rwsem_decode(1 | 2 | 4, 0xffff888000003000ull | 2, 8, &s);
	CHECK(s.writer_locked && s.waiters && s.handoff && s.nonspinnable && !s.reader_owned);
	/* reader-owned but all readers gone: owner word is stale */
	lc_rwsem_decode(0, 0xffff888000002000ull | 1, 8, &s);
	CHECK(!s.locked && s.reader_owned);
}

static void test_debug_spinlock(void)
{
	struct lc_debug_spinlock_state s;
	lc_debug_spinlock_decode(0xdead4ead, 0xffffffffu, ~0ull, 8, &s);
	CHECK(s.magic_ok && s.owner_cpu == -1 && !s.owner);
	lc_debug_spinlock_decode(0xdead4ead, 5, 0xffff888000003000ull, 8, &s);
	CHECK(s.magic_ok && s.owner_cpu == 5);
	CHECK_EQ_U64(s.owner, 0xffff888000003000ull);
	lc_debug_spinlock_decode(0, 5, 0xffffffffull, 4, &s);
	CHECK(!s.magic_ok && !s.owner);
	/* a 32-bit kernel's owner word is a full task pointer unless it is -1 */
	lc_debug_spinlock_decode(0xdead4ead, 1, 0xc1234000ull, 4, &s);
	CHECK(s.magic_ok && s.owner_cpu == 1 && s.owner == 0xc1234000ull);
	/* garbage in owner_cpu is no CPU: the lock was never taken through the debug path */
	lc_debug_spinlock_decode(0xdead4ead, 0x7fffffff, ~0ull, 8, &s);
	CHECK(s.owner_cpu == -1 && !s.owner);
	/* released: owner_cpu and owner back to -1 while magic stays */
	lc_debug_spinlock_decode(0xdead4ead, 0xffffffffu, 0xffffffffffffffffull, 8, &s);
	CHECK(s.magic_ok && s.owner_cpu == -1 && !s.owner);
	/* an rwlock_t's magic is its own */
	lc_debug_spinlock_decode(0xdeaf1eed, 3, 0xffff888000004000ull, 8, &s);
	CHECK(!s.magic_ok && s.rwlock_magic && s.owner_cpu == 3);
}

static void test_ppc64_token(void)
{
	struct lc_ppc64_token_state s;
	lc_ppc64_token_decode(0, &s);
	CHECK(!s.locked && s.cpu == -1);
	lc_ppc64_token_decode(0x80000007u, &s);
	CHECK(s.locked && s.cpu == 7);
	lc_ppc64_token_decode(0x80000000u, &s);
	CHECK(s.locked && s.cpu == 0);
	/* 32-bit ppc and oddities: locked, holder unknown */
	lc_ppc64_token_decode(1, &s);
	CHECK(s.locked && s.cpu == -1);
}

static void test_ppc_qspinlock(void)
{
	struct lc_ppc_qspinlock_state s;
	char buf[96];
	lc_ppc_qspinlock_decode(0, &s);
	CHECK(!s.locked && s.owner_cpu == -1 && !s.sleepy && !s.must_queue && !s.queued && !s.bad);
	lc_ppc_qspinlock_describe(&s, buf, sizeof(buf));
	CHECK_STR(buf, "unlocked");

	/* taken uncontended by cpu 0: only the locked bit */
	lc_ppc_qspinlock_decode(1, &s);
	CHECK(s.locked && s.owner_cpu == 0 && !s.queued && !s.bad);
	/* by cpu 5: owner in bits 1-14 */
	lc_ppc_qspinlock_decode(1 | 5 << 1, &s);
	CHECK(s.locked && s.owner_cpu == 5 && !s.bad);
	lc_ppc_qspinlock_describe(&s, buf, sizeof(buf));
	CHECK_STR(buf, "locked by cpu 5");
	/* the highest owner the field holds (NR_CPUS may be 16K) */
	lc_ppc_qspinlock_decode(1 | 16383u << 1, &s);
	CHECK(s.owner_cpu == 16383 && !s.sleepy && !s.bad);

	/* held by cpu 3, a preempted vCPU seen, the head set must-queue, tail cpu 7 */
	uint32_t t = lc_ppc_qspinlock_tail(7);
	CHECK_EQ_U64(t, 8u << 17);
	lc_ppc_qspinlock_decode(t | 1u << 16 | 1u << 15 | 3 << 1 | 1, &s);
	CHECK(s.locked && s.owner_cpu == 3 && s.sleepy && s.must_queue && s.queued &&
	      s.tail_cpu == 7 && !s.bad);
	lc_ppc_qspinlock_describe(&s, buf, sizeof(buf));
	CHECK_STR(buf, "locked by cpu 3, sleepy, must queue, queue tail cpu 7");

	/* released with waiters queued: the head has not taken it yet */
	lc_ppc_qspinlock_decode(lc_ppc_qspinlock_tail(0) | 1u << 16, &s);
	CHECK(!s.locked && s.owner_cpu == -1 && s.must_queue && s.queued && s.tail_cpu == 0 &&
	      !s.bad);
	/* the largest tail: cpu 32766 */
	lc_ppc_qspinlock_decode(lc_ppc_qspinlock_tail(32766), &s);
	CHECK(s.queued && s.tail_cpu == 32766);

	/* owner or sleepy without locked: unlock clears the whole low half */
	lc_ppc_qspinlock_decode(4 << 1, &s);
	CHECK(s.bad && !s.locked && s.owner_cpu == -1);
	lc_ppc_qspinlock_decode(1u << 15, &s);
	CHECK(s.bad);
	lc_ppc_qspinlock_describe(&s, buf, sizeof(buf));
	CHECK_STR(buf, "not a powerpc qspinlock value, unlocked, sleepy");
}

static void test_pv_state(void)
{
	/* enum vcpu_state as the kernel numbers it; the decoder takes whatever the dump says */
	struct lc_pv_state_values v = {.running = 0, .halted = 1, .hashed = 2};
	CHECK(lc_pv_state_decode(0, &v) == LC_PV_RUNNING);
	CHECK(lc_pv_state_decode(1, &v) == LC_PV_HALTED);
	CHECK(lc_pv_state_decode(2, &v) == LC_PV_HASHED);
	CHECK(lc_pv_state_decode(3, &v) == LC_PV_UNKNOWN);
	struct lc_pv_state_values other = {.running = 5, .halted = 6, .hashed = 7};
	CHECK(lc_pv_state_decode(6, &other) == LC_PV_HALTED);
	CHECK(lc_pv_state_decode(0, &other) == LC_PV_UNKNOWN);
	CHECK_STR(lc_pv_state_name(LC_PV_HASHED), "hashed");
	CHECK_STR(lc_pv_state_name(LC_PV_HALTED), "halted");
	CHECK_STR(lc_pv_state_name(LC_PV_RUNNING), "running");
	CHECK_STR(lc_pv_state_name((enum lc_pv_state)42), "unknown");
}

/* The flavor-independent view the lock finder uses. */
static void test_spinlock_flavors(void)
{
	struct lc_spinlock_layout l = {.flavor = LC_SPIN_QSPINLOCK};
	struct lc_spinlock_state s;
	lc_qspinlock_layout_init(&l.q, true);
	lc_spinlock_decode(&l, lc_qspinlock_tail(&l.q, 2, 1) | 0x103, &s);
	CHECK(s.locked && s.pending && s.queued && s.tail_cpu == 2 && s.tail_idx == 1 &&
	      s.pv_hashed && s.owner_cpu == -1 && !s.bad);
	CHECK_STR(s.desc, "locked (paravirt slow), pending, queue tail cpu 2 node 1");
	lc_spinlock_decode(&l, 0x100, &s);
	CHECK(!s.locked && s.pending && !s.queued && s.tail_idx == -1 && !s.pv_hashed);
	lc_spinlock_decode(&l, 0x5, &s);
	CHECK(s.bad);

	l.flavor = LC_SPIN_PPC_TOKEN;
	lc_spinlock_decode(&l, 0x80000003u, &s);
	CHECK(s.locked && s.owner_cpu == 3 && !s.queued && s.tail_idx == -1 && !s.bad);
	CHECK_STR(s.desc, "locked");
	lc_spinlock_decode(&l, 0, &s);
	CHECK(!s.locked && s.owner_cpu == -1);
	CHECK_STR(s.desc, "unlocked");

	l.flavor = LC_SPIN_PPC_QSPINLOCK;
	lc_spinlock_decode(&l, lc_ppc_qspinlock_tail(1) | 2 << 1 | 1, &s);
	CHECK(s.locked && s.owner_cpu == 2 && s.queued && s.tail_cpu == 1 && s.tail_idx == -1 &&
	      !s.pending && !s.sleepy && !s.must_queue && !s.bad);
	CHECK_STR(s.desc, "locked by cpu 2, queue tail cpu 1");
	lc_spinlock_decode(&l, 1u << 15 | 1u << 16 | 1, &s);
	CHECK(s.sleepy && s.must_queue && s.owner_cpu == 0);
	/* a generic qspinlock value held by cpu 0 with pending: bit 8 is owner bit 7 here */
	lc_spinlock_decode(&l, 0x101, &s);
	CHECK(s.locked && s.owner_cpu == 128 && !s.pending);
}

static void test_semaphore(void)
{
	struct lc_semaphore_state s;
	lc_semaphore_decode(0, 0x1000, 0x2000, &s);
	CHECK(s.held && s.waiters);
	lc_semaphore_decode(1, 0x1000, 0x1000, &s);
	CHECK(!s.held && !s.waiters && s.count == 1);
}

static void test_kinds(void)
{
	CHECK_STR(lc_lock_kind_name(LC_LOCK_MUTEX), "mutex");
	CHECK_STR(lc_lock_kind_name(LC_LOCK_RWLOCK), "rwlock");
	CHECK_STR(lc_lock_kind_name((enum lc_lock_kind)99), "unknown");
	CHECK(lc_lock_kind_spins(LC_LOCK_SPINLOCK) && lc_lock_kind_spins(LC_LOCK_RWLOCK));
	CHECK(!lc_lock_kind_spins(LC_LOCK_MUTEX) && !lc_lock_kind_spins(LC_LOCK_RWSEM));
}

int main(void)
{
	test_qspinlock_small();
	test_qspinlock_large();
	test_qrwlock();
	test_mutex();
	test_rwsem();
	test_debug_spinlock();
	test_ppc64_token();
	test_ppc_qspinlock();
	test_pv_state();
	test_spinlock_flavors();
	test_semaphore();
	test_kinds();
	if (check_failures)
		fprintf(stderr, "%d check(s) failed\n", check_failures);
	return check_failures != 0;
}
