/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Spinning locks as the kernel built them: which of the lock-word encodings it
 * uses (probed from its types) and the MCS queue nodes of every CPU, so that a
 * lock's queue can be listed in order. The words themselves are decoded in
 * lockword.c.
 */
#ifndef LC_LINUX_SPINLOCK_H
#define LC_LINUX_SPINLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux/lockword.h"
#include "lockcore/error.h"

struct lc_program;
struct lc_types;
struct lc_kernel;

/*
 * The encoding, from the types: ppc64's simple spinlock is arch_spinlock_t
 * { slock }; powerpc's own qspinlock (6.2+) keeps per-CPU struct qnodes with a
 * nodes[] array, where the generic one's qnodes is a bare array of struct
 * qnode; the generic layout depends on NR_CPUS through its u16 tail member.
 * Returns a warning (the layout is still set) when the types disagree with
 * the decoder's idea of the chosen encoding, else NULL.
 */
struct lc_error *lc_spinlock_layout_probe(struct lc_types *types, struct lc_spinlock_layout *ret);

/* Where powerpc's struct qnodes { count; nodes[] } and struct qnode fields are. */
struct lc_ppc_qnode_layout {
	uint64_t count_off, nodes_off, node_size;
	unsigned max_nodes; /* nodes[] length, MAX_NODES */
	uint64_t next_off, lock_off, cpu_off;
	/* members that came and went across releases: 6.2's yield_cpu, sleepy after it */
	bool has_sleepy, has_yield_cpu;
	uint64_t sleepy_off, yield_cpu_off;
};
/* From the type of the per-CPU variable `qnodes`; a lookup error names what is missing. */
struct lc_error *lc_ppc_qnode_layout_init(struct lc_types *types, struct lc_ppc_qnode_layout *ret);

/* Every MCS node in use on every possible CPU. */
struct lc_mcs_nodes {
	struct lc_mcs_node *nodes;
	size_t count, capacity;
};
/*
 * Read them for the given encoding (nothing for the token lock). Nodes of a
 * CPU whose per-CPU area cannot be read are left out; an error means no node
 * could be read at all (symbol or types missing).
 */
struct lc_error *lc_mcs_nodes_read(struct lc_program *prog, const struct lc_kernel *k,
				   const struct lc_spinlock_layout *layout,
				   struct lc_mcs_nodes *ret);
void lc_mcs_nodes_deinit(struct lc_mcs_nodes *nodes);

/* Every possible CPU's optimistic-spin queue node (per-CPU osq_node). */
struct lc_osq_nodes {
	struct lc_osq_node *nodes;
	size_t count, capacity;
};
/*
 * Nodes of CPUs whose per-CPU area cannot be read are left out; an error
 * means none could be (no osq_node symbol: CONFIG_*_SPIN_ON_OWNER off).
 */
struct lc_error *lc_osq_nodes_read(struct lc_program *prog, const struct lc_kernel *k,
				   struct lc_osq_nodes *ret);
void lc_osq_nodes_deinit(struct lc_osq_nodes *nodes);

#endif
