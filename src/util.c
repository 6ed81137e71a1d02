// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util.h"

#include <stdarg.h>
#include <stdio.h>

bool lc_grow(void **array, size_t *capacity, size_t need, size_t elem_size)
{
	if (need <= *capacity)
		return true;
	size_t cap = *capacity ? *capacity : 8;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	if (cap > SIZE_MAX / elem_size)
		return false;
	void *p = realloc(*array, cap * elem_size);
	if (!p)
		return false;
	*array = p;
	*capacity = cap;
	return true;
}

struct lc_error *lc_strdup(const char *s, char **ret)
{
	char *d = strdup(s);
	if (!d)
		return lc_error_nomem;
	*ret = d;
	return NULL;
}

uint64_t lc_hash_string(const char *s)
{
	/* FNV-1a: short keys, good enough spread, no dependencies. */
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ull;
	}
	/* FNV's low bits mix poorly for similar keys; tables index by the low bits. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

void lc_strmap_init(struct lc_strmap *map)
{
	map->entries = NULL;
	map->capacity = 0;
	map->count = 0;
	map->borrowed_keys = false;
}

void lc_strmap_init_borrowed(struct lc_strmap *map)
{
	lc_strmap_init(map);
	map->borrowed_keys = true;
}

void lc_strmap_deinit(struct lc_strmap *map)
{
	bool borrowed = map->borrowed_keys;
	if (!borrowed) {
		for (size_t i = 0; i < map->capacity; i++)
			free(map->entries[i].key);
	}
	free(map->entries);
	lc_strmap_init(map);
	map->borrowed_keys = borrowed;
}

static struct lc_strmap_entry *strmap_slot(struct lc_strmap_entry *entries, size_t capacity,
					   const char *key, uint64_t hash)
{
	size_t mask = capacity - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		if (!entries[i].key ||
		    (entries[i].hash == hash && strcmp(entries[i].key, key) == 0))
			return &entries[i];
	}
}

bool lc_strmap_get(const struct lc_strmap *map, const char *key, uintptr_t *ret)
{
	if (!map->capacity)
		return false;
	struct lc_strmap_entry *e =
		strmap_slot(map->entries, map->capacity, key, lc_hash_string(key));
	if (!e->key)
		return false;
	*ret = e->value;
	return true;
}

static bool strmap_rehash(struct lc_strmap *map, size_t capacity)
{
	struct lc_strmap_entry *entries = calloc(capacity, sizeof(*entries));
	if (!entries)
		return false;
	for (size_t i = 0; i < map->capacity; i++) {
		if (map->entries[i].key)
			*strmap_slot(entries, capacity, map->entries[i].key,
				     map->entries[i].hash) = map->entries[i];
	}
	free(map->entries);
	map->entries = entries;
	map->capacity = capacity;
	return true;
}

struct lc_error *lc_strmap_reserve(struct lc_strmap *map, size_t count)
{
	size_t cap = map->capacity ? map->capacity : 64;
	while (cap < count * 2) {
		if (cap > SIZE_MAX / 4)
			return lc_error_nomem;
		cap *= 2;
	}
	if (cap != map->capacity && !strmap_rehash(map, cap))
		return lc_error_nomem;
	return NULL;
}

struct lc_error *lc_strmap_set(struct lc_strmap *map, const char *key, uintptr_t value)
{
	/* Keep the load factor under 1/2 so probe chains stay short. */
	if ((map->count + 1) * 2 > map->capacity &&
	    !strmap_rehash(map, map->capacity ? map->capacity * 2 : 64))
		return lc_error_nomem;
	uint64_t hash = lc_hash_string(key);
	struct lc_strmap_entry *e = strmap_slot(map->entries, map->capacity, key, hash);
	if (!e->key) {
		e->key = map->borrowed_keys ? (char *)key : strdup(key);
		if (!e->key)
			return lc_error_nomem;
		e->hash = hash;
		map->count++;
	}
	e->value = value;
	return NULL;
}

void lc_u64set_init(struct lc_u64set *set)
{
	memset(set, 0, sizeof(*set));
}

void lc_u64set_deinit(struct lc_u64set *set)
{
	free(set->slots);
	lc_u64set_init(set);
}

static uint64_t mix64(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return v;
}

static uint64_t *u64set_slot(uint64_t *slots, size_t capacity, uint64_t value)
{
	size_t mask = capacity - 1;
	for (size_t i = mix64(value) & mask;; i = (i + 1) & mask) {
		if (slots[i] == 0 || slots[i] == value)
			return &slots[i];
	}
}

struct lc_error *lc_u64set_add(struct lc_u64set *set, uint64_t value, bool *was_present)
{
	if (value == 0) {
		*was_present = set->has_zero;
		set->has_zero = true;
		return NULL;
	}
	if ((set->count + 1) * 2 > set->capacity) {
		size_t cap = set->capacity ? set->capacity * 2 : 256;
		uint64_t *slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return lc_error_nomem;
		for (size_t i = 0; i < set->capacity; i++) {
			if (set->slots[i])
				*u64set_slot(slots, cap, set->slots[i]) = set->slots[i];
		}
		free(set->slots);
		set->slots = slots;
		set->capacity = cap;
	}
	uint64_t *slot = u64set_slot(set->slots, set->capacity, value);
	*was_present = *slot != 0;
	if (!*was_present) {
		*slot = value;
		set->count++;
	}
	return NULL;
}

void lc_text_printf(char *buf, size_t size, const char *fmt, ...)
{
	if (!size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

void lc_lines_appendf(char **text, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line;
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	char *joined;
	if (asprintf(&joined, "%s%s%s", *text ? *text : "", *text ? "\n" : "", line) >= 0) {
		free(*text);
		*text = joined;
	}
	free(line);
}

void lc_text_appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	if (len + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}
