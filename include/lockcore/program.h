/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef LOCKCORE_PROGRAM_H
#define LOCKCORE_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A program: one dump with its symbols, types and architecture. Everything
 * it hands out is borrowed for its lifetime. Several may be open at once.
 */
struct lc_program;

typedef void lc_program_progress_fn(void *arg, const char *what, uint64_t done, uint64_t total);

struct lc_program_options {
	const char *vmlinux;    /* DWARF vmlinux (optional) */
	const char *system_map; /* System.map (optional) */
	const char *btf;        /* detached BTF file (optional) */
	/* Module files (FILE.ko) or directories holding them, whose full symbol
	 * tables replace the loaded modules' in-memory ones once verified. */
	const char *const *modules;
	size_t nmodules;
	lc_program_progress_fn *progress;
	void *progress_arg;
	/* Called with every physical page read from the dump, from the first read on
	 * (page tables included): what `extract --minimal` keeps. */
	void (*page_recorder)(void *arg, uint64_t phys_page);
	void *page_recorder_arg;
};

struct lc_error *lc_program_open(const char *dump_path, const struct lc_program_options *opts,
				 struct lc_program **ret);
/* A dump split over several files (makedumpfile --split): all of them, in any order. */
struct lc_error *lc_program_open_set(const char *const *dump_paths, size_t npaths,
				     const struct lc_program_options *opts,
				     struct lc_program **ret);
void lc_program_destroy(struct lc_program *prog);

/* Read kernel virtual memory of the dumped machine. */
struct lc_error *lc_program_read(struct lc_program *prog, uint64_t address, void *buf, size_t len);
/* Address of a kernel symbol (KASLR applied). */
struct lc_error *lc_program_symbol(struct lc_program *prog, const char *name, uint64_t *ret);

#ifdef __cplusplus
}
#endif
#endif
