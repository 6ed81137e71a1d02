// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Spinning-lock layouts probed from synthetic kernel types (generic qspinlock
 * in both NR_CPUS layouts, ppc64 token lock, powerpc qspinlock of 6.2 and of
 * 6.12), and MCS queues put in order from synthetic per-CPU nodes.
 */
#include <stdio.h>

#include "check.h"
#include "linux/spinlock.h"
#include "synth_types.h"
#include "util.h"

static const struct lc_type t_u8 = {.kind = LC_TYPE_INT, .name = "unsigned char", .size = 1};
static const struct lc_type t_u16 = {.kind = LC_TYPE_INT, .name = "short unsigned int", .size = 2};
static const struct lc_type t_u32 = {.kind = LC_TYPE_INT, .name = "unsigned int", .size = 4};
static const struct lc_type t_int = {
	.kind = LC_TYPE_INT, .name = "int", .size = 4, .is_signed = true};
static const struct lc_type t_u8x2 = {
	.kind = LC_TYPE_ARRAY, .size = 2, .length = 2, .target = &t_u8};

/* ---- powerpc qspinlock (arch/powerpc/include/asm/qspinlock_types.h, little-endian) ---- */

static const struct lc_member ppc_lock_halves[] = {
	{.name = "locked", .bit_offset = 0, .type = &t_u16},
	{.name = "reserved", .bit_offset = 16, .type = &t_u8x2},
};
static const struct lc_type t_ppc_halves = {
	.kind = LC_TYPE_STRUCT, .size = 4, .nmembers = 2, .members = ppc_lock_halves};
static const struct lc_member ppc_lock_union[] = {
	{.name = "val", .bit_offset = 0, .type = &t_u32},
	{.name = NULL, .bit_offset = 0, .type = &t_ppc_halves},
};
static const struct lc_type t_ppc_union = {
	.kind = LC_TYPE_UNION, .size = 4, .nmembers = 2, .members = ppc_lock_union};
static const struct lc_member ppc_lock_members[] = {{.name = NULL, .type = &t_ppc_union}};
static const struct lc_type t_ppc_qspinlock = {.kind = LC_TYPE_STRUCT,
					       .name = "qspinlock",
					       .size = 4,
					       .nmembers = 1,
					       .members = ppc_lock_members};
static const struct lc_type t_ppc_lock_ptr = {
	.kind = LC_TYPE_POINTER, .size = 8, .target = &t_ppc_qspinlock};

/* 6.12: struct qnode { next; lock; int cpu; u8 sleepy; u8 locked; } */
static struct lc_type t_ppc_qnode;
static const struct lc_type t_ppc_qnode_ptr = {
	.kind = LC_TYPE_POINTER, .size = 8, .target = &t_ppc_qnode};
static const struct lc_member ppc_qnode_members[] = {
	{.name = "next", .bit_offset = 0, .type = &t_ppc_qnode_ptr},
	{.name = "lock", .bit_offset = 64, .type = &t_ppc_lock_ptr},
	{.name = "cpu", .bit_offset = 128, .type = &t_int},
	{.name = "sleepy", .bit_offset = 160, .type = &t_u8},
	{.name = "locked", .bit_offset = 168, .type = &t_u8},
};
static const struct lc_type t_ppc_qnodes_arr = {
	.kind = LC_TYPE_ARRAY, .size = 96, .length = 4, .target = &t_ppc_qnode};
static const struct lc_member ppc_qnodes_members[] = {
	{.name = "count", .bit_offset = 0, .type = &t_int},
	{.name = "nodes", .bit_offset = 64, .type = &t_ppc_qnodes_arr},
};
static const struct lc_type t_ppc_qnodes = {.kind = LC_TYPE_STRUCT,
					    .name = "qnodes",
					    .size = 104,
					    .nmembers = 2,
					    .members = ppc_qnodes_members};

/* 6.2: struct qnode { next; lock; int cpu; int yield_cpu; u8 locked; } */
static struct lc_type t_ppc62_qnode;
static const struct lc_type t_ppc62_qnode_ptr = {
	.kind = LC_TYPE_POINTER, .size = 8, .target = &t_ppc62_qnode};
static const struct lc_member ppc62_qnode_members[] = {
	{.name = "next", .bit_offset = 0, .type = &t_ppc62_qnode_ptr},
	{.name = "lock", .bit_offset = 64, .type = &t_ppc_lock_ptr},
	{.name = "cpu", .bit_offset = 128, .type = &t_int},
	{.name = "yield_cpu", .bit_offset = 160, .type = &t_int},
	{.name = "locked", .bit_offset = 192, .type = &t_u8},
};
static const struct lc_type t_ppc62_qnodes_arr = {
	.kind = LC_TYPE_ARRAY, .size = 128, .length = 4, .target = &t_ppc62_qnode};
static const struct lc_member ppc62_qnodes_members[] = {
	{.name = "count", .bit_offset = 0, .type = &t_int},
	{.name = "nodes", .bit_offset = 64, .type = &t_ppc62_qnodes_arr},
};
static const struct lc_type t_ppc62_qnodes = {.kind = LC_TYPE_STRUCT,
					      .name = "qnodes",
					      .size = 136,
					      .nmembers = 2,
					      .members = ppc62_qnodes_members};

/* A qspinlock whose `locked` is a byte: not the layout the decoder knows. */
static const struct lc_member odd_lock_members[] = {
	{.name = "val", .bit_offset = 0, .type = &t_u32},
	{.name = "locked", .bit_offset = 0, .type = &t_u8},
};
static const struct lc_type t_odd_qspinlock = {.kind = LC_TYPE_STRUCT,
					       .name = "qspinlock",
					       .size = 4,
					       .nmembers = 2,
					       .members = odd_lock_members};

/* ---- generic qspinlock (asm-generic/qspinlock_types.h) ---- */

static struct lc_type t_mcs;
static const struct lc_type t_mcs_ptr = {.kind = LC_TYPE_POINTER, .size = 8, .target = &t_mcs};
static const struct lc_member mcs_members[] = {
	{.name = "next", .bit_offset = 0, .type = &t_mcs_ptr},
	{.name = "locked", .bit_offset = 64, .type = &t_int},
	{.name = "count", .bit_offset = 96, .type = &t_int},
};
static const struct lc_member qnode_members[] = {{.name = "mcs", .type = &t_mcs}};
static const struct lc_type t_qnode = {.kind = LC_TYPE_STRUCT,
				       .name = "qnode",
				       .size = 16,
				       .nmembers = 1,
				       .members = qnode_members};
static const struct lc_type t_qnode_arr = {
	.kind = LC_TYPE_ARRAY, .size = 64, .length = 4, .target = &t_qnode};
/* NR_CPUS < 16K: { locked, pending } and { locked_pending, tail } halves */
static const struct lc_member small_halves[] = {
	{.name = "locked_pending", .bit_offset = 0, .type = &t_u16},
	{.name = "tail", .bit_offset = 16, .type = &t_u16},
};
static const struct lc_type t_small_halves = {
	.kind = LC_TYPE_STRUCT, .size = 4, .nmembers = 2, .members = small_halves};
static const struct lc_member small_union[] = {
	{.name = "val", .bit_offset = 0, .type = &t_u32},
	{.name = NULL, .bit_offset = 0, .type = &t_small_halves},
};
static const struct lc_type t_small_union = {
	.kind = LC_TYPE_UNION, .size = 4, .nmembers = 2, .members = small_union};
static const struct lc_member small_members[] = {{.name = NULL, .type = &t_small_union}};
static const struct lc_type t_small_qspinlock = {.kind = LC_TYPE_STRUCT,
						 .name = "qspinlock",
						 .size = 4,
						 .nmembers = 1,
						 .members = small_members};
/* NR_CPUS >= 16K: only val and the locked byte */
static const struct lc_member large_members[] = {
	{.name = "val", .bit_offset = 0, .type = &t_u32},
	{.name = "locked", .bit_offset = 0, .type = &t_u8},
};
static const struct lc_type t_large_qspinlock = {.kind = LC_TYPE_STRUCT,
						 .name = "qspinlock",
						 .size = 4,
						 .nmembers = 2,
						 .members = large_members};

/* ---- ppc64 simple spinlock ---- */
static const struct lc_member token_members[] = {{.name = "slock", .type = &t_u32}};
static const struct lc_type t_token_struct = {
	.kind = LC_TYPE_STRUCT, .size = 4, .nmembers = 1, .members = token_members};
static const struct lc_type t_token = {
	.kind = LC_TYPE_TYPEDEF, .name = "arch_spinlock_t", .size = 4, .target = &t_token_struct};

static void init_cycles(void)
{
	t_ppc_qnode = (struct lc_type){.kind = LC_TYPE_STRUCT,
				       .name = "qnode",
				       .size = 24,
				       .nmembers = LC_ARRAY_SIZE(ppc_qnode_members),
				       .members = ppc_qnode_members};
	t_ppc62_qnode = (struct lc_type){.kind = LC_TYPE_STRUCT,
					 .name = "qnode",
					 .size = 32,
					 .nmembers = LC_ARRAY_SIZE(ppc62_qnode_members),
					 .members = ppc62_qnode_members};
	t_mcs = (struct lc_type){.kind = LC_TYPE_STRUCT,
				 .name = "mcs_spinlock",
				 .size = 16,
				 .nmembers = LC_ARRAY_SIZE(mcs_members),
				 .members = mcs_members};
}

static void test_ppc_612(void)
{
	const struct lc_type *types[] = {&t_ppc_qspinlock};
	struct synth_var vars[] = {{"qnodes", &t_ppc_qnodes}};
	struct lc_types *ty = synth_types(types, 1, vars, 1);
	struct lc_spinlock_layout l;
	CHECK_OK(lc_spinlock_layout_probe(ty, &l));
	CHECK(l.flavor == LC_SPIN_PPC_QSPINLOCK);
	struct lc_ppc_qnode_layout ql;
	CHECK_OK(lc_ppc_qnode_layout_init(ty, &ql));
	CHECK_EQ_U64(ql.count_off, 0);
	CHECK_EQ_U64(ql.nodes_off, 8);
	CHECK_EQ_U64(ql.node_size, 24);
	CHECK_EQ_U64(ql.max_nodes, 4);
	CHECK_EQ_U64(ql.next_off, 0);
	CHECK_EQ_U64(ql.lock_off, 8);
	CHECK_EQ_U64(ql.cpu_off, 16);
	CHECK(ql.has_sleepy && ql.sleepy_off == 20 && !ql.has_yield_cpu);
	lc_types_destroy(ty);
}

static void test_ppc_62(void)
{
	const struct lc_type *types[] = {&t_ppc_qspinlock};
	struct synth_var vars[] = {{"qnodes", &t_ppc62_qnodes}};
	struct lc_types *ty = synth_types(types, 1, vars, 1);
	struct lc_spinlock_layout l;
	CHECK_OK(lc_spinlock_layout_probe(ty, &l));
	CHECK(l.flavor == LC_SPIN_PPC_QSPINLOCK);
	struct lc_ppc_qnode_layout ql;
	CHECK_OK(lc_ppc_qnode_layout_init(ty, &ql));
	CHECK_EQ_U64(ql.node_size, 32);
	CHECK(!ql.has_sleepy && ql.has_yield_cpu && ql.yield_cpu_off == 20);
	lc_types_destroy(ty);
}

static void test_ppc_unknown_layout(void)
{
	/* the decoder's bits need a u16 `locked`: say so, keep the flavor */
	const struct lc_type *types[] = {&t_odd_qspinlock};
	struct synth_var vars[] = {{"qnodes", &t_ppc_qnodes}};
	struct lc_types *ty = synth_types(types, 1, vars, 1);
	struct lc_spinlock_layout l;
	CHECK_ERR(lc_spinlock_layout_probe(ty, &l), LC_ERR_BAD_DATA, "not the u16");
	CHECK(l.flavor == LC_SPIN_PPC_QSPINLOCK);
	lc_types_destroy(ty);
}

static void test_generic(void)
{
	const struct lc_type *small[] = {&t_small_qspinlock, &t_mcs};
	struct synth_var vars[] = {{"qnodes", &t_qnode_arr}};
	struct lc_types *ty = synth_types(small, 2, vars, 1);
	struct lc_spinlock_layout l;
	CHECK_OK(lc_spinlock_layout_probe(ty, &l));
	CHECK(l.flavor == LC_SPIN_QSPINLOCK && l.q.pending_bits == 8);
	/* generic nodes have no powerpc layout */
	struct lc_ppc_qnode_layout ql;
	CHECK_ERR(lc_ppc_qnode_layout_init(ty, &ql), LC_ERR_LOOKUP, "nodes");
	lc_types_destroy(ty);

	const struct lc_type *large[] = {&t_large_qspinlock};
	ty = synth_types(large, 1, vars, 1);
	CHECK_OK(lc_spinlock_layout_probe(ty, &l));
	CHECK(l.flavor == LC_SPIN_QSPINLOCK && l.q.pending_bits == 1);
	lc_types_destroy(ty);
}

static void test_token(void)
{
	const struct lc_type *types[] = {&t_token};
	struct lc_types *ty = synth_types(types, 1, NULL, 0);
	struct lc_spinlock_layout l;
	CHECK_OK(lc_spinlock_layout_probe(ty, &l));
	CHECK(l.flavor == LC_SPIN_PPC_TOKEN);
	lc_types_destroy(ty);
}

/* Node address for (cpu, idx) in the synthetic per-CPU areas. */
static uint64_t node_addr(int cpu, unsigned idx)
{
	return 0xc000000001000000ull + (uint64_t)cpu * 0x10000 + 8 + idx * 24;
}

static void test_ppc_queue(void)
{
	const uint64_t a = 0xc000000002000000ull, b = 0xc000000002000100ull;
	/*
	 * Lock a: cpu 3 (head) -> cpu 1 -> cpu 2 (tail, its second node: an
	 * interrupt on cpu 2 queued on a while its first node waits on lock b,
	 * whose only waiter it is).
	 */
	struct lc_mcs_node nodes[] = {
		{.addr = node_addr(2, 0), .next = 0, .cpu = 2, .idx = 0, .lock = b},
		{.addr = node_addr(1, 0), .next = node_addr(2, 1), .cpu = 1, .idx = 0, .lock = a},
		{.addr = node_addr(2, 1), .next = 0, .cpu = 2, .idx = 1, .lock = a},
		{.addr = node_addr(3, 0), .next = node_addr(1, 0), .cpu = 3, .idx = 0, .lock = a},
	};
	const struct lc_mcs_node *q[8];
	size_t n = lc_mcs_queue(nodes, 4, a, 2, -1, q, 8);
	CHECK_EQ_U64(n, 3);
	CHECK(n == 3 && q[0] == &nodes[3] && q[1] == &nodes[1] && q[2] == &nodes[2]);
	n = lc_mcs_queue(nodes, 4, b, 2, -1, q, 8);
	CHECK(n == 1 && q[0] == &nodes[0]);
	/* a tail CPU with no node on that lock, and max bounds the walk */
	CHECK_EQ_U64(lc_mcs_queue(nodes, 4, a, 5, -1, q, 8), 0);
	CHECK_EQ_U64(lc_mcs_queue(nodes, 4, b, 3, -1, q, 8), 0);
	n = lc_mcs_queue(nodes, 4, a, 2, -1, q, 2);
	CHECK(n == 2 && q[0] == &nodes[1] && q[1] == &nodes[2]);
	CHECK_EQ_U64(lc_mcs_queue(nodes, 4, a, 2, -1, q, 0), 0);
}

static void test_generic_queue(void)
{
	/* tail names (cpu, idx); nodes carry no lock; a stale loop in the links ends the walk */
	struct lc_mcs_node nodes[] = {
		{.addr = 0x1000, .next = 0x2040, .cpu = 0, .idx = 0},
		{.addr = 0x2040, .next = 0, .cpu = 1, .idx = 1},
		{.addr = 0x3000, .next = 0x1000, .cpu = 2, .idx = 0},
		{.addr = 0x4000, .next = 0x4000, .cpu = 3, .idx = 0},
	};
	const struct lc_mcs_node *q[8];
	size_t n = lc_mcs_queue(nodes, 4, 0xdead0000, 1, 1, q, 8);
	CHECK(n == 3 && q[0] == &nodes[2] && q[1] == &nodes[0] && q[2] == &nodes[1]);
	CHECK_EQ_U64(lc_mcs_queue(nodes, 4, 0xdead0000, 1, 0, q, 8), 0);
	n = lc_mcs_queue(nodes, 4, 0xdead0000, 3, 0, q, 8);
	CHECK(n == 1 && q[0] == &nodes[3]);
}

static void test_osq_queue(void)
{
	/*
	 * Per-CPU osq nodes at 0x1000 + cpu * 0x100. Lock A: cpu 2 holds the osq (fast
	 * path: its prev is stale, naming cpu 4's node, which no longer links to it), cpu 0
	 * queued behind it, cpu 3 the tail. cpu 1 was handed lock B's osq by cpu 4 (locked,
	 * prev still cpu 4, whose next was cleared on the hand-over). cpu 5 never queued.
	 */
	struct lc_osq_node nodes[] = {
		{.addr = 0x1000, .next = 0x1300, .prev = 0x1200, .cpu = 0, .encoded_cpu = 1},
		{.addr = 0x1100,
		 .next = 0,
		 .prev = 0x1400,
		 .cpu = 1,
		 .encoded_cpu = 2,
		 .locked = 1},
		{.addr = 0x1200, .next = 0x1000, .prev = 0x1400, .cpu = 2, .encoded_cpu = 3},
		{.addr = 0x1300, .next = 0, .prev = 0x1000, .cpu = 3, .encoded_cpu = 4},
		{.addr = 0x1400, .next = 0x1100, .prev = 0, .cpu = 4, .encoded_cpu = 5},
		{.addr = 0x1500, .next = 0, .prev = 0, .cpu = 5, .encoded_cpu = 0},
	};
	const size_t nn = LC_ARRAY_SIZE(nodes);
	const struct lc_osq_node *q[8];
	size_t n = lc_osq_queue(nodes, nn, 4, q, 8);
	CHECK_EQ_U64(n, 3);
	CHECK(n == 3 && q[0] == &nodes[2] && q[1] == &nodes[0] && q[2] == &nodes[3]);
	/* the handed-over head stops the walk although cpu 4's node still links to it */
	n = lc_osq_queue(nodes, nn, 2, q, 8);
	CHECK(n == 1 && q[0] == &nodes[1]);
	/* empty, a CPU that never queued, a CPU with no node, max */
	CHECK_EQ_U64(lc_osq_queue(nodes, nn, 0, q, 8), 0);
	CHECK_EQ_U64(lc_osq_queue(nodes, nn, 6, q, 8), 0);
	CHECK_EQ_U64(lc_osq_queue(nodes, nn, 9, q, 8), 0);
	n = lc_osq_queue(nodes, nn, 4, q, 2);
	CHECK(n == 2 && q[0] == &nodes[0] && q[1] == &nodes[3]);
	CHECK_EQ_U64(lc_osq_queue(nodes, nn, 4, q, 0), 0);
	/* a loop in the links (torn or corrupt nodes) ends the walk */
	struct lc_osq_node loop[] = {
		{.addr = 0x2000, .next = 0x2100, .prev = 0x2100, .cpu = 0, .encoded_cpu = 1},
		{.addr = 0x2100, .next = 0x2000, .prev = 0x2000, .cpu = 1, .encoded_cpu = 2},
	};
	n = lc_osq_queue(loop, 2, 2, q, 8);
	CHECK(n == 2 && q[0] == &loop[0] && q[1] == &loop[1]);
}

int main(void)
{
	init_cycles();
	test_ppc_612();
	test_ppc_62();
	test_ppc_unknown_layout();
	test_generic();
	test_token();
	test_ppc_queue();
	test_generic_queue();
	test_osq_queue();
	CHECK_DONE();
}
