/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The dump layer: memory, notes and registers of the dumped machine.
 * dump_kdump.c is the only file that includes libkdumpfile.
 */
#ifndef LC_DUMP_H
#define LC_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dump_file.h"
#include "lockcore/error.h"

enum lc_addr_space {
	LC_KVADDR,   /* kernel virtual */
	LC_PHYSADDR, /* (machine) physical */
};

struct lc_dump_desc {
	const char *format;  /* "elf", "kdump-compressed", ... as libkdumpfile names it */
	const char *wrapper; /* NULL, "flattened", "zstd", "zstd+flattened" */
	const char *arch;    /* libkdumpfile's name: "x86_64", "aarch64", "ppc64" */
	bool big_endian;
	unsigned ptr_size;
	uint64_t page_size;
	unsigned note_cpus; /* CPUs with a PRSTATUS note */
	unsigned files;	    /* 1, or the number of files of a split set */
};

/* Called for every physical page the dump layer reads while recording. */
typedef void lc_page_recorder_fn(void *arg, uint64_t phys_page);

struct lc_dump;
/*
 * Open a dump: one file, or every file of a split set (makedumpfile
 * --split, any order); each may be wrapped (flattened, zstd).
 */
struct lc_error *lc_dump_open(const char *const *paths, size_t npaths, lc_progress_fn *progress,
			      void *progress_arg, struct lc_dump **ret);
void lc_dump_destroy(struct lc_dump *dump);
const struct lc_dump_desc *lc_dump_describe(const struct lc_dump *dump);

/* Raw VMCOREINFO text, or NULL when the dump has none. Owned by the dump. */
const char *lc_dump_vmcoreinfo(const struct lc_dump *dump);

/*
 * Install VMCOREINFO text for a dump that lacks it (built from a System.map or
 * vmlinux), so that address translation can be set up.
 */
struct lc_error *lc_dump_set_vmcoreinfo(struct lc_dump *dump, const char *text);

struct lc_error *lc_dump_read(struct lc_dump *dump, enum lc_addr_space space, uint64_t addr,
			      void *buf, size_t len);
struct lc_error *lc_dump_translate(struct lc_dump *dump, uint64_t kvaddr, uint64_t *phys_ret);

/* A register from the i-th CPU note by libkdumpfile's name ("rip", "pc", "nip" ...). */
struct lc_error *lc_dump_register(struct lc_dump *dump, unsigned note_cpu, const char *name,
				  uint64_t *ret);
/* The pid recorded in the i-th PRSTATUS note (0 when unknown). */
struct lc_error *lc_dump_note_pid(struct lc_dump *dump, unsigned note_cpu, uint64_t *ret);

/* The dump's raw ELF notes (PRSTATUS, VMCOREINFO, ...), read on first use; owned by the dump. */
struct lc_error *lc_dump_notes(struct lc_dump *dump, const uint8_t **ret, size_t *ret_size);

/*
 * The lowest physical address >= phys in a page the dump holds (phys itself
 * when its page is there, or when the format cannot tell); false when no
 * later page is in the dump. For searches that must not read every absent page.
 */
bool lc_dump_next_page(struct lc_dump *dump, uint64_t phys, uint64_t *ret);

/* Start or stop recording physical pages read (recorder NULL stops). */
void lc_dump_set_recorder(struct lc_dump *dump, lc_page_recorder_fn *recorder, void *arg);
/*
 * Reads that only search (scanning kernel text for a table) need not be kept:
 * pages missing from a minimal dump read as zeros there and the search still
 * lands on the same, recorded, table.
 */
void lc_dump_pause_recording(struct lc_dump *dump, bool paused);

#endif
