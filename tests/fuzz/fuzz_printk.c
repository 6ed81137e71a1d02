// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the printk parsers: the bytes become a lockless ring
 * (header, descriptors, infos, text), a structured log_buf and a per-CPU
 * buffer, and the records found are scanned for events. Buffers are copied
 * to exact-size allocations so ASan sees any read past them.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Isrc \
 *     src/error.c src/util.c src/linux/printk_ring.c src/linux/log_events.c \
 *     tests/fuzz/fuzz_printk.c -o fuzz_printk
 *   ./fuzz_printk -max_total_time=120 -max_len=8192
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/printk.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		v = v << 8 | (in->left ? *in->p : 0);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

/* An exact-size copy of the next n input bytes, zero-padded. */
static uint8_t *take_buf(struct input *in, size_t n)
{
	uint8_t *b = calloc(1, n ? n : 1);
	if (!b)
		abort();
	size_t k = n < in->left ? n : in->left;
	if (k)
		memcpy(b, in->p, k);
	in->p += k;
	in->left -= k;
	return b;
}

static void field(struct input *in, struct lc_printk_field *f)
{
	f->bit_offset = (uint32_t)take(in, 2);
	f->size = (uint8_t)take(in, 1) % 10;
	f->bit_size = (uint8_t)take(in, 1) % 70;
}

static void check_log(struct lc_printk_log *log)
{
	/* Touch every string the renderers touch. */
	for (size_t i = 0; i < log->count; i++) {
		const struct lc_printk_record *r = &log->records[i];
		if (r->text[r->text_len] != '\0')
			abort();
		if (r->subsystem)
			(void)strlen(r->subsystem);
		if (r->device)
			(void)strlen(r->device);
	}
	struct lc_error *err = lc_log_events_parse(log->records, log->count, &log->events);
	if (err)
		lc_error_destroy(err);
	for (size_t i = 0; i < log->events.count; i++) {
		if (log->events.events[i].record >= log->count)
			abort();
	}
}

static void fuzz_prb(struct input *in)
{
	unsigned mode = (unsigned)take(in, 1);
	bool be = mode & 1;
	unsigned count_bits = (unsigned)take(in, 1) % 7;
	unsigned size_bits = 4 + (unsigned)take(in, 1) % 9;
	struct lc_prb_layout l = {
		.big_endian = be,
		.long_size = mode & 2 ? 4 : 8,
		.count_bits = count_bits,
		.size_bits = size_bits,
		.desc_size = 24,
		.state_var = {0, 8, 0},
		.lpos_begin = {64, 8, 0},
		.lpos_next = {128, 8, 0},
		.info_stride = 88,
		.seq = {0, 8, 0},
		.ts_nsec = {64, 8, 0},
		.text_len = {128, 2, 0},
		.facility = {144, 1, 0},
		.flags = {152, 1, 5},
		.level = {157, 1, 3},
		.caller_id = {160, 4, 0},
		.subsystem_offset = 24,
		.subsystem_size = 16,
		.device_offset = 40,
		.device_size = 48,
	};
	if (l.long_size == 4) {
		l.desc_size = 12;
		l.state_var = (struct lc_printk_field){0, 4, 0};
		l.lpos_begin = (struct lc_printk_field){32, 4, 0};
		l.lpos_next = (struct lc_printk_field){64, 4, 0};
	}
	if (mode & 4) {
		/* Arbitrary layouts: only the validation stands between them and the buffers. */
		l.desc_size = (size_t)take(in, 1);
		field(in, &l.state_var);
		field(in, &l.lpos_begin);
		field(in, &l.lpos_next);
		l.info_stride = (size_t)take(in, 1);
		l.info_offset = (size_t)take(in, 1);
		field(in, &l.seq);
		field(in, &l.ts_nsec);
		field(in, &l.text_len);
		field(in, &l.level);
		field(in, &l.flags);
		field(in, &l.caller_id);
		l.subsystem_offset = (uint32_t)take(in, 1);
		l.subsystem_size = (uint32_t)take(in, 1);
	}
	l.head_id = take(in, 8);
	l.tail_id = mode & 8 ? l.head_id - take(in, 1) : take(in, 8);
	l.head_lpos = take(in, 8);
	l.tail_lpos = take(in, 8);
	size_t count = (size_t)1 << count_bits;
	size_t dsize = count * l.desc_size, isize = count * l.info_stride;
	size_t tsize = (size_t)1 << size_bits;
	uint8_t *descs = take_buf(in, dsize);
	uint8_t *infos = mode & 16 ? descs : take_buf(in, isize);
	uint8_t *text = take_buf(in, tsize);
	struct lc_prb_buffers b = {descs, dsize, infos, mode & 16 ? dsize : isize, text, tsize};
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	struct lc_error *err = lc_prb_parse(&l, &b, &log);
	if (err)
		lc_error_destroy(err);
	else
		check_log(&log);
	lc_printk_log_deinit(&log);
	free(descs);
	if (infos != descs)
		free(infos);
	free(text);
}

static void fuzz_log_buf(struct input *in)
{
	static const struct lc_log_buf_layout l = {
		.header_size = 20,
		.ts_nsec = {0, 8, 0},
		.len = {64, 2, 0},
		.text_len = {80, 2, 0},
		.dict_len = {96, 2, 0},
		.facility = {112, 1, 0},
		.flags = {120, 1, 5},
		.level = {125, 1, 3},
		.caller_id = {128, 4, 0},
	};
	size_t size = (size_t)take(in, 2) % 4096;
	uint64_t first = take(in, 2), next = take(in, 2), seq = take(in, 8);
	uint8_t *buf = take_buf(in, size);
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	struct lc_error *err = lc_log_buf_parse(&l, buf, size, first, next, seq, &log);
	if (err)
		lc_error_destroy(err);
	else
		check_log(&log);
	lc_printk_log_deinit(&log);
	free(buf);
}

static void fuzz_percpu(struct input *in)
{
	size_t n = in->left;
	uint8_t *buf = take_buf(in, n);
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	struct lc_error *err = lc_printk_percpu_parse(buf, n, 3, LC_PRINTK_RING_NMI, &log);
	if (err)
		lc_error_destroy(err);
	else
		check_log(&log);
	lc_printk_log_deinit(&log);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	switch (take(&in, 1) % 3) {
	case 0:
		fuzz_prb(&in);
		break;
	case 1:
		fuzz_log_buf(&in);
		break;
	default:
		fuzz_percpu(&in);
		break;
	}
	return 0;
}
