/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Types of a kernel build, kept as BTF by build-id after one run with its
 * DWARF vmlinux: later dumps of the same build need no vmlinux at all. This
 * is how kernels built without BTF (Debian's ppc64el 6.1) get zero-debuginfo
 * analysis.
 *
 * Files: ${LOCKCORE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lockcore}/<build-id>.btf
 * (zstd-compressed; plain BTF is read too). The symbol cache (symbol_cache.h)
 * shares the directory and the file helpers below.
 */
#ifndef LC_TYPE_CACHE_H
#define LC_TYPE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "types.h"

/* A build-id fit for a file name: 8 to 128 hex digits. */
bool lc_build_id_valid(const char *build_id);

/* The cache file of a build-id with a suffix such as ".syms" (malloc'd). */
struct lc_error *lc_cache_path(const char *build_id, const char *suffix, char **ret);

/*
 * A whole cache file (malloc'd), inflated when it is a zstd frame; files and
 * contents above max_size bytes are refused. LC_ERR_LOOKUP when it does not exist.
 */
struct lc_error *lc_cache_read(const char *path, size_t max_size, void **ret, size_t *ret_size);

/*
 * Compress data with zstd and store it at path atomically (a temporary file
 * renamed into place), creating the directory. *size_ret (if not NULL) gets
 * the size on disk.
 */
struct lc_error *lc_cache_write(const char *path, const void *data, size_t size, size_t *size_ret);

/* The type cache file of a build-id (malloc'd). */
struct lc_error *lc_type_cache_path(const char *build_id, char **ret);

/* The cached types as a BTF source; LC_ERR_LOOKUP when there is no cache file. */
struct lc_error *lc_type_cache_load(const char *build_id, struct lc_type_source **ret);

/*
 * Encode every named type, distinct anonymous enum and global variable of a
 * DWARF source as BTF and store it for build_id, compressed, atomically (a
 * temporary file renamed into place). *size_ret (if not NULL) gets the file's size.
 */
struct lc_error *lc_type_cache_store(const char *build_id, struct lc_type_source *dwarf,
				     size_t *size_ret);

#endif
