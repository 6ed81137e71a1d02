/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A streaming JSON writer for the renderers. Addresses are written as
 * "0x..." strings: JSON numbers lose precision above 2^53.
 */
#ifndef LC_JSON_H
#define LC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum { LC_JSON_MAX_DEPTH = 64 };

struct lc_json {
	FILE *out;
	bool pretty;
	int depth;
	bool first[LC_JSON_MAX_DEPTH]; /* no element written yet at this depth */
	bool after_key;
};

void lc_json_init(struct lc_json *j, FILE *out, bool pretty);
void lc_json_begin_object(struct lc_json *j);
void lc_json_end_object(struct lc_json *j);
void lc_json_begin_array(struct lc_json *j);
void lc_json_end_array(struct lc_json *j);
void lc_json_key(struct lc_json *j, const char *key);
void lc_json_string(struct lc_json *j, const char *s); /* NULL writes null */
void lc_json_string_len(struct lc_json *j, const char *s, size_t len);
void lc_json_int(struct lc_json *j, int64_t v);
void lc_json_uint(struct lc_json *j, uint64_t v);
void lc_json_double(struct lc_json *j, double v);
void lc_json_bool(struct lc_json *j, bool v);
void lc_json_null(struct lc_json *j);
void lc_json_address(struct lc_json *j, uint64_t addr);
/* Finish the document with a newline. */
void lc_json_finish(struct lc_json *j);

/* Escape s into out (for tests): returns the bytes written, excluding the NUL. */
size_t lc_json_escape(const char *s, size_t len, char *out, size_t out_size);

#endif
