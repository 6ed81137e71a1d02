/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Containers around a dump that libkdumpfile cannot read by itself: the
 * flattened stream of `makedumpfile -F` (Debian's kdump-tools default) and a
 * whole dump compressed with zstd (vmcore.zst). Both are turned into an
 * ordinary file descriptor that libkdumpfile then opens.
 */
#ifndef LC_DUMP_FILE_H
#define LC_DUMP_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"

/* Progress for long preparations (decompression, reassembly); may be NULL. */
typedef void lc_progress_fn(void *arg, const char *what, uint64_t done, uint64_t total);

struct lc_dump_file {
	int fd;              /* readable, seekable; owned */
	const char *wrapper; /* NULL for a plain file, else "flattened", "zstd", "zstd+flattened" */
};

/* Open path and unwrap any container. On failure ret is untouched. */
struct lc_error *lc_dump_file_open(const char *path, lc_progress_fn *progress, void *progress_arg,
				   struct lc_dump_file *ret);
void lc_dump_file_close(struct lc_dump_file *file);

/* Exposed for unit tests and fuzzing: reassemble a flattened stream from in_fd into out_fd. */
struct lc_error *lc_flattened_reassemble(int in_fd, int out_fd, lc_progress_fn *progress,
					 void *progress_arg);
/* True if the first bytes are the flattened-format signature. */
int lc_flattened_probe(const void *head, size_t size);

/*
 * Incremental reassembly for a flattened stream that arrives in pieces, such
 * as the output of a zstd decompressor, so it never has to be stored twice.
 * Feed every byte in order, then finish to check the end marker was seen.
 * total (0 if unknown) is only passed through to progress.
 */
struct lc_flattened;
struct lc_error *lc_flattened_create(int out_fd, lc_progress_fn *progress, void *progress_arg,
				     uint64_t total, struct lc_flattened **ret);
struct lc_error *lc_flattened_feed(struct lc_flattened *flat, const void *data, size_t size);
struct lc_error *lc_flattened_finish(struct lc_flattened *flat);
/* True once the end marker was fed: what follows it (a raw disk's old data) is not the dump. */
bool lc_flattened_ended(const struct lc_flattened *flat);
void lc_flattened_destroy(struct lc_flattened *flat);

#endif
