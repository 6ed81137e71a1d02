/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ppc64 RTAS state: its lock (6.1 rtas.lock in struct rtas_t, 6.2+ the
 * static rtas_lock), the shared argument buffer that lock guards (rtas.args,
 * rtas_args) with the function its token names, and the CPUs whose stacks are
 * inside an RTAS call. The lock's holder and waiters are in the locks report;
 * this says what the holder is doing with RTAS and what the waiters want.
 */
#ifndef LC_LINUX_RTAS_H
#define LC_LINUX_RTAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"

struct lc_program;

enum { LC_RTAS_MAX_ARGS = 16 };

/* A CPU whose stack is in the RTAS call path. */
struct lc_rtas_cpu {
	int cpu;
	int32_t pid;
	char comm[17];
	const char *innermost; /* deepest RTAS frame: enter_rtas, rtas_call, ... */
	const char *entry;     /* outermost RTAS frame (the call's entry point) */
	const char *caller;    /* the function that called it, NULL if none */
	bool in_firmware;      /* at or past enter_rtas: RTAS itself runs on this CPU */
	/* through rtas_call, which uses the shared buffer under the lock (callers of
	 * rtas_call_unlocked, such as 6.12's rtas_os_term, bring their own) */
	bool shared_buffer;
};

struct lc_rtas_report {
	bool present; /* the kernel has RTAS (ppc64 pseries) */
	uint64_t lock;
	const char *lock_name; /* "rtas.lock" or "rtas_lock" */
	uint64_t lock_word;
	bool lock_read;
	uint64_t args; /* the argument buffer guarded by the lock */
	const char *args_name;
	bool args_read;
	uint32_t token, nargs, nret;
	uint32_t values[LC_RTAS_MAX_ARGS]; /* ninputs inputs, then noutputs outputs */
	uint32_t ninputs, noutputs;	   /* nargs and nret, cut to the buffer's 16 slots */
	/* The buffer is the call in flight: some CPU runs RTAS through rtas_call. */
	bool in_flight;
	char function[64];		   /* the token's name, "" when unknown */
	const char *function_source;	   /* "rtas_function_table", "device tree", NULL */
	struct lc_rtas_cpu *cpus;
	size_t ncpus;
	/* What could not be read; the rest stands. Newline-separated. */
	char *problems;
};

struct lc_error *lc_rtas_analyze(struct lc_program *prog, struct lc_rtas_report **ret);
void lc_rtas_report_destroy(struct lc_rtas_report *r);

#endif
