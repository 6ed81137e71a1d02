/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Types of a kernel build, kept as BTF by build-id after one run with its
 * DWARF vmlinux: later dumps of the same build need no vmlinux at all. This
 * is how kernels built without BTF (Debian's ppc64el 6.1) get zero-debuginfo
 * analysis.
 *
 * Files: ${LOCKCORE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lockcore}/<build-id>.btf
 */
#ifndef LC_TYPE_CACHE_H
#define LC_TYPE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "types.h"

/* A build-id fit for a file name: 8 to 128 hex digits. */
bool lc_build_id_valid(const char *build_id);

/* The cache file of a build-id (malloc'd). */
struct lc_error *lc_type_cache_path(const char *build_id, char **ret);

/* The cached types as a BTF source; LC_ERR_LOOKUP when there is no cache file. */
struct lc_error *lc_type_cache_load(const char *build_id, struct lc_type_source **ret);

/*
 * Encode every named type, distinct anonymous enum and global variable of a
 * DWARF source as BTF and store it for build_id, atomically (a temporary
 * file renamed into place). *size_ret (if not NULL) gets the file's size.
 */
struct lc_error *lc_type_cache_store(const char *build_id, struct lc_type_source *dwarf,
				     size_t *size_ret);

#endif
