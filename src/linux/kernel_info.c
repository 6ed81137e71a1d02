// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>

#include "linux/kernel.h"
#include "read.h"
#include "util.h"

enum { MAX_CPUS = 16384 };

void lc_kernel_warn(struct lc_kernel *k, struct lc_error *err)
{
	if (!err)
		return;
	lc_lines_appendf(&k->warnings, "%s", lc_error_message(err));
	lc_error_destroy(err);
}

static struct lc_error *read_utsname(struct lc_program *prog, struct lc_kernel *k)
{
	uint64_t uts;
	struct lc_error *err = lc_symbol_address(prog, "init_uts_ns", &uts);
	static const struct {
		const char *member;
		size_t field;
	} fields[] = {
		{"name.release", offsetof(struct lc_kernel, release)},
		{"name.version", offsetof(struct lc_kernel, version)},
		{"name.machine", offsetof(struct lc_kernel, machine)},
	};
	for (size_t i = 0; !err && i < LC_ARRAY_SIZE(fields); i++) {
		uint64_t addr;
		err = lc_member_address(prog, uts, "struct uts_namespace", fields[i].member, &addr);
		if (!err)
			err = lc_read_cstr(prog, addr, (char *)k + fields[i].field, 65);
	}
	if (err) {
		/* Without types, VMCOREINFO still names the release. */
		const char *rel = lc_vmcoreinfo_get(&prog->vmcoreinfo, "OSRELEASE");
		if (rel && !k->release[0])
			snprintf(k->release, sizeof(k->release), "%s", rel);
		return lc_error_prefix(err, "reading init_uts_ns");
	}
	return NULL;
}

static struct lc_error *read_runqueues(struct lc_program *prog, struct lc_kernel *k)
{
	uint64_t rq;
	struct lc_error *err = lc_symbol_address(prog, "runqueues", &rq);
	if (err)
		return err;
	for (unsigned c = 0; c < k->nr_cpu_ids; c++) {
		struct lc_cpu *cpu = &k->cpus[c];
		if (!cpu->possible)
			continue;
		cpu->runqueue = rq + cpu->percpu_offset;
		err = lc_read_member(prog, cpu->runqueue, "struct rq", "curr", &cpu->curr);
		if (!err)
			err = lc_read_member(prog, cpu->runqueue, "struct rq", "idle", &cpu->idle);
		if (err)
			return lc_error_prefix(err, "reading the runqueue of CPU %u", c);
	}
	return NULL;
}

static int read_int_symbol(struct lc_program *prog, const char *name, bool *found)
{
	uint64_t addr, v;
	*found = false;
	struct lc_error *err = lc_symbol_address(prog, name, &addr);
	if (!err)
		err = lc_read_uint(prog, addr, 4, &v);
	if (err) {
		lc_error_destroy(err);
		return -1;
	}
	*found = true;
	return (int32_t)(uint32_t)v;
}

static void read_crash_cpu(struct lc_program *prog, struct lc_kernel *k)
{
	bool found;
	k->panic_cpu = read_int_symbol(prog, "panic_cpu", &found);
	if (k->panic_cpu >= (int)k->nr_cpu_ids)
		k->panic_cpu = -1;
	k->crashed_cpu = -1;
	if (k->panic_cpu >= 0) {
		k->crashed_cpu = k->panic_cpu;
		k->crashed_cpu_source = "panic_cpu";
		return;
	}
	/*
	 * An oops that goes straight to kdump never sets panic_cpu; x86 and
	 * ppc64 remember the CPU that ran the crash kernel entry in crashing_cpu.
	 */
	int c = read_int_symbol(prog, "crashing_cpu", &found);
	if (found && c >= 0 && c < (int)k->nr_cpu_ids) {
		k->crashed_cpu = c;
		k->crashed_cpu_source = "crashing_cpu";
	}
}

static void read_time(struct lc_program *prog, struct lc_kernel *k)
{
	uint64_t addr, tick_nsec, jiffies;
	/* HZ is not in BTF; tick_nsec = (NSEC_PER_SEC + HZ/2) / HZ gives it back. */
	struct lc_error *err = lc_symbol_address(prog, "tick_nsec", &addr);
	if (!err)
		err = lc_read_ulong(prog, addr, &tick_nsec);
	if (!err && tick_nsec)
		k->hz = (1000000000ull + tick_nsec / 2) / tick_nsec;
	lc_error_destroy(err);
	err = lc_symbol_address(prog, "jiffies_64", &addr);
	if (!err)
		err = lc_read_u64(prog, addr, &jiffies);
	if (!err && k->hz) {
		/* INITIAL_JIFFIES starts the counter 5 minutes before wrapping 32 bits. */
		uint64_t initial = (uint64_t)(uint32_t)(-300 * (int64_t)k->hz);
		k->uptime_ns = (jiffies - initial) * (1000000000ull / k->hz);
	}
	lc_error_destroy(err);
}

struct lc_error *lc_kernel_get(struct lc_program *prog, const struct lc_kernel **ret)
{
	if (prog->kernel) {
		*ret = prog->kernel;
		return NULL;
	}
	struct lc_kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return lc_error_nomem;
	k->panic_cpu = k->crashed_cpu = -1;

	bool found;
	int n = read_int_symbol(prog, "nr_cpu_ids", &found);
	if (!found || n <= 0 || n > MAX_CPUS) {
		free(k);
		return lc_error_create(LC_ERR_BAD_DATA, "nr_cpu_ids is %s",
				       found ? "implausible" : "unreadable");
	}
	k->nr_cpu_ids = (unsigned)n;
	k->cpus = calloc(k->nr_cpu_ids, sizeof(*k->cpus));
	if (!k->cpus) {
		free(k);
		return lc_error_nomem;
	}
	struct lc_error *err = lc_kernel_read_cpumasks(prog, k);
	if (err) {
		lc_kernel_destroy(k);
		return lc_error_prefix(err, "reading CPU masks");
	}
	err = lc_kernel_read_percpu_offsets(prog, k);
	if (err) {
		lc_kernel_destroy(k);
		return err;
	}
	lc_kernel_warn(k, read_utsname(prog, k));
	lc_kernel_warn(k, read_runqueues(prog, k));
	read_crash_cpu(prog, k);
	read_time(prog, k);
	prog->kernel = k;
	*ret = k;
	return NULL;
}

void lc_kernel_destroy(struct lc_kernel *kernel)
{
	if (!kernel)
		return;
	free(kernel->cpus);
	free(kernel->warnings);
	free(kernel);
}
