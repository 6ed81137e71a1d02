// SPDX-License-Identifier: LGPL-2.1-or-later
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "json.h"

void lc_json_init(struct lc_json *j, FILE *out, bool pretty)
{
	j->out = out;
	j->pretty = pretty;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

static void newline(struct lc_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Separator and indentation before any value or key. */
static void before_value(struct lc_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->out);
		newline(j);
	}
	j->first[j->depth] = false;
}

static void open(struct lc_json *j, char c)
{
	before_value(j);
	fputc(c, j->out);
	if (j->depth < LC_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct lc_json *j, char c)
{
	bool empty = j->first[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (!empty)
		newline(j);
	fputc(c, j->out);
}

void lc_json_begin_object(struct lc_json *j)
{
	open(j, '{');
}
void lc_json_end_object(struct lc_json *j)
{
	close_(j, '}');
}
void lc_json_begin_array(struct lc_json *j)
{
	open(j, '[');
}
void lc_json_end_array(struct lc_json *j)
{
	close_(j, ']');
}

size_t lc_json_escape(const char *s, size_t len, char *out, size_t out_size)
{
	size_t n = 0;
#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (n + 1 < out_size)                                                              \
			out[n] = (c);                                                              \
		n++;                                                                               \
	} while (0)
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		}
		if (esc) {
			for (; *esc; esc++)
				PUT(*esc);
		} else if (c < 0x20 || c == 0x7f || c >= 0x80) {
			/* Dump bytes are not guaranteed UTF-8: escape anything not plain ASCII. */
			char hex[8];
			snprintf(hex, sizeof(hex), "\\u%04x", c);
			for (char *h = hex; *h; h++)
				PUT(*h);
		} else {
			PUT((char)c);
		}
	}
#undef PUT
	if (out_size)
		out[n < out_size ? n : out_size - 1] = '\0';
	return n;
}

static void write_escaped(FILE *out, const char *s, size_t len)
{
	char buf[512];
	fputc('"', out);
	while (len) {
		size_t chunk = len > 64 ? 64 : len;
		size_t n = lc_json_escape(s, chunk, buf, sizeof(buf));
		fwrite(buf, 1, n, out);
		s += chunk;
		len -= chunk;
	}
	fputc('"', out);
}

void lc_json_key(struct lc_json *j, const char *key)
{
	before_value(j);
	write_escaped(j->out, key, strlen(key));
	fputs(j->pretty ? ": " : ":", j->out);
	j->after_key = true;
}

void lc_json_string_len(struct lc_json *j, const char *s, size_t len)
{
	before_value(j);
	write_escaped(j->out, s, len);
}

void lc_json_string(struct lc_json *j, const char *s)
{
	if (!s) {
		lc_json_null(j);
		return;
	}
	lc_json_string_len(j, s, strlen(s));
}

void lc_json_int(struct lc_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->out, "%" PRId64, v);
}

void lc_json_uint(struct lc_json *j, uint64_t v)
{
	before_value(j);
	fprintf(j->out, "%" PRIu64, v);
}

void lc_json_double(struct lc_json *j, double v)
{
	before_value(j);
	if (isfinite(v))
		fprintf(j->out, "%.17g", v);
	else
		fputs("null", j->out);
}

void lc_json_bool(struct lc_json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->out);
}

void lc_json_null(struct lc_json *j)
{
	before_value(j);
	fputs("null", j->out);
}

void lc_json_address(struct lc_json *j, uint64_t addr)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
	lc_json_string(j, buf);
}

void lc_json_finish(struct lc_json *j)
{
	fputc('\n', j->out);
}
