/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel basics every reader needs: release, CPU masks, per-CPU offsets,
 * the current task of each CPU, the panic CPU. Read once per program.
 */
#ifndef LC_LINUX_KERNEL_H
#define LC_LINUX_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "lockcore/error.h"

struct lc_program;

struct lc_cpu {
	bool possible, present, online;
	uint64_t percpu_offset;
	uint64_t runqueue; /* address of this CPU's struct rq, 0 if unknown */
	uint64_t curr;     /* rq->curr, 0 if unknown */
	uint64_t idle;     /* rq->idle */
};

struct lc_kernel {
	char release[65];
	char version[65];
	char machine[65];
	unsigned nr_cpu_ids; /* CPUs described in cpus[] */
	struct lc_cpu *cpus;
	unsigned possible_count, present_count, online_count;
	int panic_cpu;   /* -1 when the kernel did not panic (or we cannot tell) */
	int crashed_cpu; /* panic CPU, else the arch's crashing CPU, else -1 */
	const char *crashed_cpu_source;
	uint64_t hz;          /* 0 when unknown */
	uint64_t uptime_ns;   /* 0 when unknown */
	/* Readable problems met while reading the basics; the rest is still valid. */
	char *warnings;
};

/* Read (once) and return the kernel basics; borrowed for the program's life. */
struct lc_error *lc_kernel_get(struct lc_program *prog, const struct lc_kernel **ret);
void lc_kernel_destroy(struct lc_kernel *kernel);

/* Address of a per-CPU variable (symbol address) for one CPU. */
struct lc_error *lc_percpu_address(struct lc_program *prog, uint64_t var, unsigned cpu,
				   uint64_t *ret);

/* Internals of kernel_info.c, shared with percpu.c and cpumask.c */
struct lc_error *lc_kernel_read_cpumasks(struct lc_program *prog, struct lc_kernel *k);
struct lc_error *lc_kernel_read_percpu_offsets(struct lc_program *prog, struct lc_kernel *k);
void lc_kernel_warn(struct lc_kernel *k, struct lc_error *err);
/*
 * The kernel command line (caller frees), and where it was found; *ret is NULL
 * when the dump holds it nowhere readable (not an error).
 */
struct lc_error *lc_kernel_cmdline(struct lc_program *prog, char **ret, const char **source);
/* Does the command line hold param ("name=value" or a bare flag) as a whole word? */
bool lc_cmdline_has(const char *cmdline, const char *param);

#endif
