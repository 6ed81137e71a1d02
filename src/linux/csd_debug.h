/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CONFIG_CSD_LOCK_WAIT_DEBUG (kernel/smp.c): with it, and with the
 * csdlock_debug=1 boot parameter that turns the recording on, every csd
 * names the CPU that sent it and the one it is for, and each CPU records the
 * call it is running now. Debian's kernels leave the option off.
 */
#ifndef LC_LINUX_CSD_DEBUG_H
#define LC_LINUX_CSD_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"

struct lc_program;
struct lc_kernel;

/* The cross-CPU call a CPU is running (per-CPU cur_csd, cur_csd_func, cur_csd_info). */
struct lc_csd_running {
	int cpu;
	uint64_t csd;
	uint64_t func;
	uint64_t info;
	char func_name[96];
};

struct lc_csd_debug {
	bool present;	       /* the kernel is built with it (per-CPU cur_csd exists) */
	int enabled;	       /* csdlock_debug_enabled: 1 on, 0 off, -1 unreadable */
	int64_t timeout_ms;    /* csd_lock_timeout, -1 unreadable */
	int64_t stall_reports; /* csd_bug_count: "non-responsive CSD lock" reports, -1 unreadable */
	bool src_dst;	       /* csds carry node.src/node.dst */
	uint64_t src_off, dst_off;
	struct lc_csd_running *running; /* CPUs inside a call now */
	size_t nrunning;
};

/* Fill *ret (absent when the kernel lacks the option); problems go to *problems. */
void lc_csd_debug_read(struct lc_program *prog, const struct lc_kernel *k, struct lc_csd_debug *ret,
		       char **problems);
/* A csd's sender and target CPU (-1 each when not recorded). */
void lc_csd_debug_src_dst(struct lc_program *prog, const struct lc_csd_debug *d, uint64_t csd,
			  int *src, int *dst);
void lc_csd_debug_deinit(struct lc_csd_debug *d);

#endif
