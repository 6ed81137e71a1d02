// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's spinning-lock encoding and its MCS queue nodes, from types. The
 * generic qspinlock keeps per CPU `struct qnode qnodes[MAX_NODES]`, the
 * nesting count in node 0's mcs_spinlock; powerpc's keeps `struct qnodes {
 * count; nodes[MAX_NODES] }` whose nodes name their lock and CPU.
 */
#include <stdio.h>

#include "linux/kernel.h"
#include "linux/spinlock.h"
#include "program.h"
#include "read.h"

enum {
	MAX_QNODES = 4, /* MAX_NODES in both kernel/locking/qspinlock.c and powerpc's */
	/* Only when the types lack struct mcs_spinlock: its layout since 4.2 */
	MCS_NEXT_FALLBACK = 0,
	MCS_COUNT_FALLBACK = 12,
	/* struct optimistic_spin_node { next, prev; int locked; int cpu; } since 4.3 */
	OSQ_NEXT_FALLBACK = 0,
	OSQ_PREV_FALLBACK = 8,
	OSQ_LOCKED_FALLBACK = 16,
	OSQ_CPU_FALLBACK = 20,
};

static bool byte_offset(const struct lc_type *t, const char *path, uint64_t *off)
{
	struct lc_member_info mi;
	struct lc_error *err = lc_type_member(t, path, &mi);
	if (err || mi.bit_size || mi.bit_offset % 8) {
		lc_error_destroy(err);
		return false;
	}
	*off = mi.bit_offset / 8;
	return true;
}

struct lc_error *lc_spinlock_layout_probe(struct lc_types *types, struct lc_spinlock_layout *ret)
{
	const struct lc_type *t;
	struct lc_member_info mi;
	*ret = (struct lc_spinlock_layout){.flavor = LC_SPIN_QSPINLOCK};
	/* The u16 tail member exists only when pending is a whole byte (NR_CPUS < 16K). */
	lc_qspinlock_layout_init(&ret->q, lc_types_has_member(types, "struct qspinlock", "tail"));
	if (lc_types_has_member(types, "arch_spinlock_t", "slock")) {
		ret->flavor = LC_SPIN_PPC_TOKEN;
		return NULL;
	}
	if (lc_failed(lc_types_find_variable(types, "qnodes", &t)) ||
	    lc_failed(lc_type_member(t, "nodes", &mi)))
		return NULL;
	ret->flavor = LC_SPIN_PPC_QSPINLOCK;
	/* Its u16 `locked` spans locked, owner and sleepy, which unlock clears at once. */
	struct lc_error *err = lc_types_member_info(types, "struct qspinlock", "locked", &mi);
	if (err)
		return lc_error_prefix(err, "powerpc qspinlock");
	uint64_t size = lc_type_unqualified(mi.type)->size;
	if (size != 2 || mi.bit_offset % 16)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "powerpc qspinlock: `locked` is %" PRIu64
				       " bytes at bit %" PRIu64
				       ", not the u16 of the known layout; owner CPUs may be wrong",
				       size, mi.bit_offset);
	return NULL;
}

struct lc_error *lc_ppc_qnode_layout_init(struct lc_types *types, struct lc_ppc_qnode_layout *ret)
{
	const struct lc_type *t;
	struct lc_member_info nodes;
	struct lc_error *err = lc_types_find_variable(types, "qnodes", &t);
	if (!err)
		err = lc_type_member(t, "nodes", &nodes);
	if (err)
		return lc_error_prefix(err, "powerpc qspinlock nodes");
	const struct lc_type *arr = lc_type_unqualified(nodes.type);
	const struct lc_type *node = arr->kind == LC_TYPE_ARRAY ? arr->target : NULL;
	*ret = (struct lc_ppc_qnode_layout){.nodes_off = nodes.bit_offset / 8};
	if (node) {
		ret->node_size = lc_type_unqualified(node)->size;
		ret->max_nodes = arr->length < MAX_QNODES ? (unsigned)arr->length : MAX_QNODES;
	}
	if (!node || !ret->node_size || !ret->max_nodes ||
	    !byte_offset(t, "count", &ret->count_off) ||
	    !byte_offset(node, "next", &ret->next_off) ||
	    !byte_offset(node, "lock", &ret->lock_off) || !byte_offset(node, "cpu", &ret->cpu_off))
		return lc_error_create(
			LC_ERR_LOOKUP,
			"powerpc struct qnodes lacks count or nodes[].next/lock/cpu");
	ret->has_sleepy = byte_offset(node, "sleepy", &ret->sleepy_off);
	ret->has_yield_cpu = byte_offset(node, "yield_cpu", &ret->yield_cpu_off);
	return NULL;
}

static void add_node(struct lc_mcs_nodes *ret, const struct lc_mcs_node *q)
{
	if (lc_grow((void **)&ret->nodes, &ret->capacity, ret->count + 1, sizeof(*ret->nodes)))
		ret->nodes[ret->count++] = *q;
}

/*
 * With paravirt spinlocks each generic node is a struct pv_node whose state
 * says whether the waiter's vCPU halted or hashed the lock; the enumerators
 * come from the dump (enum vcpu_state). False when the kernel has no pv_node.
 */
static bool pv_state_layout(struct lc_types *types, uint64_t *off, struct lc_pv_state_values *v)
{
	return !lc_failed(lc_types_offsetof(types, "struct pv_node", "state", off)) &&
	       !lc_failed(lc_types_enum_value(types, "enum vcpu_state", "vcpu_running",
					      &v->running)) &&
	       !lc_failed(
		       lc_types_enum_value(types, "enum vcpu_state", "vcpu_halted", &v->halted)) &&
	       !lc_failed(lc_types_enum_value(types, "enum vcpu_state", "vcpu_hashed", &v->hashed));
}

static struct lc_error *read_generic(struct lc_program *prog, struct lc_types *types,
				     const struct lc_kernel *k, struct lc_mcs_nodes *ret)
{
	uint64_t qnodes, next_off = MCS_NEXT_FALLBACK, count_off = MCS_COUNT_FALLBACK, qsize;
	struct lc_error *err = lc_symbol_address(prog, "qnodes", &qnodes);
	if (err)
		return err;
	/* struct qnode grows by two longs with CONFIG_PARAVIRT_SPINLOCKS. */
	if (lc_failed(lc_types_sizeof(types, "struct qnode", &qsize))) {
		bool pv = lc_symbols_find(&prog->symbols, "__pv_queued_spin_lock_slowpath");
		qsize = pv ? 32 : 16;
	}
	lc_error_destroy(lc_types_offsetof(types, "struct mcs_spinlock", "next", &next_off));
	lc_error_destroy(lc_types_offsetof(types, "struct mcs_spinlock", "count", &count_off));
	uint64_t pv_off = 0;
	struct lc_pv_state_values pv;
	bool has_pv = pv_state_layout(types, &pv_off, &pv);
	for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		if (!k->cpus[cpu].possible)
			continue;
		uint64_t base, count;
		err = lc_percpu_address(prog, qnodes, cpu, &base);
		if (!err)
			err = lc_read_uint(prog, base + count_off, 4, &count);
		if (err) {
			lc_error_destroy(err);
			continue;
		}
		/* The nesting count lives in node 0 and numbers the nodes in use. */
		for (unsigned idx = 0; idx < count && idx < MAX_QNODES; idx++) {
			struct lc_mcs_node q = {
				.addr = base + idx * qsize, .cpu = (int)cpu, .idx = idx};
			uint64_t state;
			if (lc_failed(lc_read_ulong(prog, q.addr + next_off, &q.next)))
				continue;
			if (has_pv && !lc_failed(lc_read_uint(prog, q.addr + pv_off, 1, &state))) {
				enum lc_pv_state ps = lc_pv_state_decode(state, &pv);
				if (ps != LC_PV_RUNNING)
					snprintf(q.note, sizeof(q.note), "pv_node state %s",
						 lc_pv_state_name(ps));
			}
			add_node(ret, &q);
		}
	}
	return NULL;
}

static struct lc_error *read_ppc(struct lc_program *prog, struct lc_types *types,
				 const struct lc_kernel *k, struct lc_mcs_nodes *ret)
{
	uint64_t qnodes;
	struct lc_ppc_qnode_layout ql;
	struct lc_error *err = lc_symbol_address(prog, "qnodes", &qnodes);
	if (!err)
		err = lc_ppc_qnode_layout_init(types, &ql);
	if (err)
		return err;
	for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		uint64_t base, count;
		if (!k->cpus[cpu].possible)
			continue;
		err = lc_percpu_address(prog, qnodes, cpu, &base);
		if (!err)
			err = lc_read_uint(prog, base + ql.count_off, 4, &count);
		if (err) {
			lc_error_destroy(err);
			continue;
		}
		for (unsigned idx = 0; idx < count && idx < ql.max_nodes; idx++) {
			struct lc_mcs_node q = {.addr = base + ql.nodes_off + idx * ql.node_size,
						.idx = idx};
			uint64_t ncpu, sleepy = 0, yield = 0;
			err = lc_read_ulong(prog, q.addr + ql.next_off, &q.next);
			if (!err)
				err = lc_read_ulong(prog, q.addr + ql.lock_off, &q.lock);
			if (!err)
				err = lc_read_uint(prog, q.addr + ql.cpu_off, 4, &ncpu);
			if (!err && ql.has_sleepy)
				err = lc_read_uint(prog, q.addr + ql.sleepy_off, 1, &sleepy);
			if (!err && ql.has_yield_cpu)
				err = lc_read_uint(prog, q.addr + ql.yield_cpu_off, 4, &yield);
			if (lc_failed(err))
				continue;
			/* A node being set up or torn down: no lock yet, or cleared on release. */
			if (!q.lock || ncpu != cpu)
				continue;
			q.cpu = (int)cpu;
			/* sleepy: a vCPU ahead of it was seen preempted */
			snprintf(q.note, sizeof(q.note), "%s", sleepy ? "sleepy" : "");
			/* 6.2 only: the CPU this waiter yields its vCPU to (-1: none) */
			if (ql.has_yield_cpu && (int32_t)yield >= 0) {
				size_t len = strlen(q.note);
				snprintf(q.note + len, sizeof(q.note) - len, "%syields to cpu %d",
					 len ? ", " : "", (int32_t)yield);
			}
			add_node(ret, &q);
		}
	}
	return NULL;
}

struct lc_error *lc_mcs_nodes_read(struct lc_program *prog, const struct lc_kernel *k,
				   const struct lc_spinlock_layout *layout,
				   struct lc_mcs_nodes *ret)
{
	struct lc_types *types;
	struct lc_error *err = lc_program_types(prog, &types);
	*ret = (struct lc_mcs_nodes){0};
	if (err)
		return err;
	switch (layout->flavor) {
	case LC_SPIN_QSPINLOCK:
		return read_generic(prog, types, k, ret);
	case LC_SPIN_PPC_QSPINLOCK:
		return read_ppc(prog, types, k, ret);
	case LC_SPIN_PPC_TOKEN:
		break;
	}
	return NULL;
}

void lc_mcs_nodes_deinit(struct lc_mcs_nodes *nodes)
{
	free(nodes->nodes);
	*nodes = (struct lc_mcs_nodes){0};
}

struct lc_error *lc_osq_nodes_read(struct lc_program *prog, const struct lc_kernel *k,
				   struct lc_osq_nodes *ret)
{
	struct lc_types *types;
	uint64_t base, addr;
	*ret = (struct lc_osq_nodes){0};
	struct lc_error *err = lc_program_types(prog, &types);
	if (!err)
		err = lc_symbol_address(prog, "osq_node", &base);
	if (err)
		return err;
	const char *t = "struct optimistic_spin_node";
	uint64_t next_off = OSQ_NEXT_FALLBACK, prev_off = OSQ_PREV_FALLBACK,
		 locked_off = OSQ_LOCKED_FALLBACK, cpu_off = OSQ_CPU_FALLBACK;
	lc_error_destroy(lc_types_offsetof(types, t, "next", &next_off));
	lc_error_destroy(lc_types_offsetof(types, t, "prev", &prev_off));
	lc_error_destroy(lc_types_offsetof(types, t, "locked", &locked_off));
	lc_error_destroy(lc_types_offsetof(types, t, "cpu", &cpu_off));
	for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		if (!k->cpus[cpu].possible)
			continue;
		struct lc_osq_node q = {.cpu = (int)cpu};
		uint64_t locked, enc;
		err = lc_percpu_address(prog, base, cpu, &addr);
		q.addr = addr;
		if (!err)
			err = lc_read_ulong(prog, addr + next_off, &q.next);
		if (!err)
			err = lc_read_ulong(prog, addr + prev_off, &q.prev);
		if (!err)
			err = lc_read_uint(prog, addr + locked_off, 4, &locked);
		if (!err)
			err = lc_read_uint(prog, addr + cpu_off, 4, &enc);
		if (lc_failed(err))
			continue;
		q.locked = (uint32_t)locked;
		q.encoded_cpu = (uint32_t)enc;
		if (lc_grow((void **)&ret->nodes, &ret->capacity, ret->count + 1,
			    sizeof(*ret->nodes)))
			ret->nodes[ret->count++] = q;
	}
	return NULL;
}

void lc_osq_nodes_deinit(struct lc_osq_nodes *nodes)
{
	free(nodes->nodes);
	*nodes = (struct lc_osq_nodes){0};
}
