/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The symbols of a kernel build, kept by build-id after one run with its
 * vmlinux (-k), next to the type cache (type_cache.h):
 * <cache dir>/<build-id>.syms.
 *
 * Why: kernels built without CONFIG_KALLSYMS_ALL (Debian's arm64 and ppc64el
 * 6.1) have only text symbols in kallsyms, so a dump alone does not say where
 * nr_cpu_ids, runqueues or __start_BTF are, and their System.map is a stub.
 * With this cache later dumps of the same build need no vmlinux.
 *
 * Format (version 1; all integers little-endian), stored as one zstd frame
 * (a plain file is read too):
 *
 *   "lcsyms\n\0"   magic, 8 bytes
 *   u32 version    1
 *   u32 count      number of symbols, at most LC_SYMBOL_CACHE_MAX_SYMS
 *   u32 names_size bytes of the name block
 *   u16 id_len     hex digits of the build-id (8..128)
 *   u16 reserved   0
 *   id_len bytes   the build-id, lowercase hex
 *   count x u64    link-time addresses in ascending order, each stored as the
 *                  difference to the previous one (from 0): small numbers
 *                  that compress well
 *   count x u8     nm-style type letter ('T', 't', 'D', 'b', ...)
 *   count x u8     flags: bit 0 = fixed (not moved by KASLR: x86_64's
 *                  per-CPU offsets)
 *   names          count NUL-terminated names, in the same order
 *
 * Columns rather than records, for the same reason as the deltas. The file
 * is untrusted: every count and length is checked, and the whole file must
 * be consumed exactly.
 */
#ifndef LC_SYMBOL_CACHE_H
#define LC_SYMBOL_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

struct lc_vmlinux;

#define LC_SYMBOL_CACHE_VERSION 1
#define LC_SYMBOL_CACHE_MAX_SYMS (4u << 20)
#define LC_SYMBOL_CACHE_MAX_NAME 511 /* KSYM_NAME_LEN - 1 */

/* One symbol to encode: its link-time address. */
struct lc_symbol_cache_entry {
	uint64_t address;
	const char *name;
	char type;
	bool fixed; /* KASLR does not move it */
};

/*
 * Encode entries (any order; they are sorted, so the output does not depend
 * on it) for build_id, uncompressed. Names longer than
 * LC_SYMBOL_CACHE_MAX_NAME or holding control characters are left out, and
 * so are absolute symbols, as kallsyms does.
 */
struct lc_error *lc_symbol_cache_encode(const char *build_id,
					const struct lc_symbol_cache_entry *entries, size_t count,
					void **ret, size_t *ret_size);

/*
 * Validate an encoded table made for build_id and add its symbols to syms,
 * every one not fixed moved by offset (the KASLR offset). Nothing is added
 * on failure: LC_ERR_FORMAT for a damaged file, LC_ERR_UNSUPPORTED for
 * another version, LC_ERR_MISMATCH for another build-id.
 */
struct lc_error *lc_symbol_cache_decode(const void *data, size_t size, const char *build_id,
					uint64_t offset, struct lc_symbols *syms);

/* Encode, compress and write <cache dir>/<build-id>.syms; *size_ret gets the size on disk. */
struct lc_error *lc_symbol_cache_store(const char *build_id,
				       const struct lc_symbol_cache_entry *entries, size_t count,
				       size_t *size_ret);

/* The symbols of a vmlinux's symbol table, stored for build_id. */
struct lc_error *lc_symbol_cache_store_vmlinux(const char *build_id, const struct lc_vmlinux *vm,
					       size_t *size_ret);

/*
 * Read <cache dir>/<build-id>.syms into syms (see decode); LC_ERR_LOOKUP when
 * there is none. The caller finalizes syms.
 */
struct lc_error *lc_symbol_cache_load(const char *build_id, uint64_t offset,
				      struct lc_symbols *syms);

#endif
