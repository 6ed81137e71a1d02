/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Cross-CPU function calls (kernel/smp.c): the call_single_data queued on each
 * CPU, and the CPUs that wait for their calls to finish, with the targets that
 * have not run them yet and whether those targets can take an interrupt.
 */
#ifndef LC_LINUX_CSD_H
#define LC_LINUX_CSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux/csd_debug.h"
#include "lockcore/error.h"
#include "unwind.h"

struct lc_program;

struct lc_csd {
	uint64_t address;
	int queued_on; /* CPU whose call_single_queue holds it, -1 if not queued */
	uint32_t flags;
	bool locked; /* CSD_FLAG_LOCK: the call has not completed */
	uint64_t func;
	char func_name[96];
	const char *type; /* "async", "sync", "irq_work", "ttwu" */
	int src, dst;	  /* sender and target CPU (CSD_LOCK_WAIT_DEBUG), -1 when not recorded */
};

struct lc_ipi_target {
	int cpu;
	enum lc_irq_state irqs;
	uint64_t csd;
	bool queued; /* the csd is still in the target's call_single_queue (not picked up) */
};

struct lc_ipi_wait {
	int waiter_cpu;
	int32_t pid;
	char comm[17];
	char function[64]; /* the waiting frame: smp_call_function_many_cond, ... */
	char callback[96]; /* the function the targets must run */
	struct lc_ipi_target *targets;
	size_t ntargets;
	char evidence[200];
};

struct lc_ipi_report {
	struct lc_ipi_wait *waits;
	size_t count, capacity;
	struct lc_csd *queued; /* every csd in every call_single_queue */
	size_t nqueued, queued_capacity;
	struct lc_csd_debug debug;
	char *problems;
};

struct lc_error *lc_ipi_analyze(struct lc_program *prog, struct lc_ipi_report **ret);
void lc_ipi_report_destroy(struct lc_ipi_report *r);

#endif
