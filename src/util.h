/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by every layer: cleanup guards, byte order, growth. */
#ifndef LC_UTIL_H
#define LC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lockcore/error.h"

/* For probes whose failure only selects a fallback: true when err is set (freed here). */
static inline bool lc_failed(struct lc_error *err)
{
	bool failed = err != NULL;
	lc_error_destroy(err);
	return failed;
}

#define LC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LC_UNUSED __attribute__((unused))

static inline void lc_freep(void *p)
{
	free(*(void **)p);
}
/* Scope guard: the pointer is freed when the variable goes out of scope. */
#define lc_autofree __attribute__((cleanup(lc_freep)))

static inline void lc_error_destroyp(struct lc_error **p)
{
	lc_error_destroy(*p);
}
#define lc_autoerror __attribute__((cleanup(lc_error_destroyp)))

static inline uint16_t lc_bswap16(uint16_t v)
{
	return __builtin_bswap16(v);
}
static inline uint32_t lc_bswap32(uint32_t v)
{
	return __builtin_bswap32(v);
}
static inline uint64_t lc_bswap64(uint64_t v)
{
	return __builtin_bswap64(v);
}

/* Load an unaligned integer of the given byte order from a buffer. */
static inline uint64_t lc_load_uint(const void *p, size_t size, bool big_endian)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (size_t i = 0; i < size; i++) {
		size_t shift = big_endian ? (size - 1 - i) * 8 : i * 8;
		v |= (uint64_t)b[i] << shift;
	}
	return v;
}

static inline void lc_store_uint(void *p, size_t size, bool big_endian, uint64_t v)
{
	uint8_t *b = p;
	for (size_t i = 0; i < size; i++) {
		size_t shift = big_endian ? (size - 1 - i) * 8 : i * 8;
		b[i] = (uint8_t)(v >> shift);
	}
}

/*
 * Grow *array (of elem_size elements, *capacity of them) so it holds at least
 * need elements. Returns false on overflow or out of memory.
 */
bool lc_grow(void **array, size_t *capacity, size_t need, size_t elem_size);

/* strdup that reports failure through the error type. */
struct lc_error *lc_strdup(const char *s, char **ret);

/* A string -> value hash map with owned keys; open addressing. */
struct lc_strmap {
	struct lc_strmap_entry *entries;
	size_t capacity; /* power of two, or 0 */
	size_t count;
	bool borrowed_keys; /* keys are the caller's and outlive the map: no copies */
};
struct lc_strmap_entry {
	char *key; /* NULL = empty slot */
	uint64_t hash;
	uintptr_t value;
};
/*
 * Human-readable text into a fixed buffer, cut where it does not fit:
 * evidence and notes are bounded on purpose. (GCC's -Wformat-truncation
 * judges snprintf calls by worst-case lengths; these say truncation is meant.)
 */
void lc_text_printf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, appended after the text already in buf. */
void lc_text_appendf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * One more line for a heap string of newline-separated remarks (warnings,
 * problems); *text may be NULL. Out of memory, the line is dropped.
 */
void lc_lines_appendf(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void lc_strmap_init(struct lc_strmap *map);
/* For large maps whose keys already live elsewhere (symbol names): saves a copy per key. */
void lc_strmap_init_borrowed(struct lc_strmap *map);
void lc_strmap_deinit(struct lc_strmap *map);
bool lc_strmap_get(const struct lc_strmap *map, const char *key, uintptr_t *ret);
/* Make room for count entries in all without rehashing. */
struct lc_error *lc_strmap_reserve(struct lc_strmap *map, size_t count);
/* Insert or replace. */
struct lc_error *lc_strmap_set(struct lc_strmap *map, const char *key, uintptr_t value);
uint64_t lc_hash_string(const char *s);



/* A set of 64-bit values (addresses), for cycle detection in dump-controlled lists. */
struct lc_u64set {
	uint64_t *slots; /* 0 = empty; the value 0 itself is tracked by has_zero */
	size_t capacity, count;
	bool has_zero;
};
void lc_u64set_init(struct lc_u64set *set);
void lc_u64set_deinit(struct lc_u64set *set);
/* Insert; *was_present tells whether it was already there. */
struct lc_error *lc_u64set_add(struct lc_u64set *set, uint64_t value, bool *was_present);
#endif
