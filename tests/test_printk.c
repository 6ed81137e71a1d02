// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The printk parsers on synthetic bytes: a small writer below lays out rings
 * the way the kernel's allocator does (ids and positions starting just below
 * their wrap, blocks that wrap stored at the start), then the tests corrupt
 * them in the ways a crashed machine does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "linux/log_events.h"
#include "linux/printk.h"
#include "util.h"

enum { DESC_RESERVED, DESC_COMMITTED, DESC_FINALIZED, DESC_REUSABLE };

/* 6.1 x86_64 layout: struct prb_desc (24 bytes), struct printk_info (88 bytes). */
static struct lc_prb_layout layout_61(bool big_endian, unsigned count_bits, unsigned size_bits)
{
	struct lc_prb_layout l = {
		.big_endian = big_endian,
		.long_size = 8,
		.count_bits = count_bits,
		.size_bits = size_bits,
		.desc_size = 24,
		.state_var = {0, 8, 0},
		.lpos_begin = {64, 8, 0},
		.lpos_next = {128, 8, 0},
		.info_stride = 88,
		.info_offset = 0,
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
	return l;
}

static void field_put(const struct lc_printk_field *f, uint8_t *base, bool be, uint64_t v)
{
	if (!f->bit_size) {
		lc_store_uint(base + f->bit_offset / 8, f->size, be, v);
		return;
	}
	size_t first = f->bit_offset / 8, n = (f->bit_offset + f->bit_size - 1) / 8 - first + 1;
	unsigned shift =
		be ? (unsigned)(n * 8 - f->bit_offset % 8 - f->bit_size) : f->bit_offset % 8;
	uint64_t mask = ((1ull << f->bit_size) - 1) << shift;
	uint64_t raw = lc_load_uint(base + first, n, be);
	raw = (raw & ~mask) | ((v << shift) & mask);
	lc_store_uint(base + first, n, be, raw);
}

struct ring {
	struct lc_prb_layout l;
	uint8_t *descs, *infos, *text;
	uint64_t count, size, id_mask, next_seq;
	unsigned ls;	/* sizeof(unsigned long) */
	uint64_t lmask; /* unsigned long arithmetic wraps here */
};

static uint8_t *desc_at(struct ring *r, uint64_t id)
{
	return r->descs + (id & (r->count - 1)) * r->l.desc_size;
}

static uint8_t *info_at(struct ring *r, uint64_t id)
{
	return r->infos + (id & (r->count - 1)) * r->l.info_stride;
}

static void set_state(struct ring *r, uint64_t id, unsigned state)
{
	field_put(&r->l.state_var, desc_at(r, id), r->l.big_endian,
		  ((uint64_t)state << (r->ls * 8 - 2)) | (id & r->id_mask));
}

/* The kernel's bootstrap: one reusable data-less descriptor, positions at -size. */
static void ring_init_long(struct ring *r, bool be, unsigned count_bits, unsigned size_bits,
			   unsigned ls)
{
	memset(r, 0, sizeof(*r));
	r->l = layout_61(be, count_bits, size_bits);
	if (ls == 4) {
		/* A 32-bit kernel: unsigned long state_var and positions. */
		r->l.long_size = 4;
		r->l.desc_size = 12;
		r->l.state_var = (struct lc_printk_field){0, 4, 0};
		r->l.lpos_begin = (struct lc_printk_field){32, 4, 0};
		r->l.lpos_next = (struct lc_printk_field){64, 4, 0};
	}
	r->ls = ls;
	r->lmask = ls == 8 ? UINT64_MAX : UINT32_MAX;
	r->count = 1ull << count_bits;
	r->size = 1ull << size_bits;
	r->id_mask = (1ull << (ls * 8 - 2)) - 1;
	r->descs = calloc(r->count, r->l.desc_size);
	r->infos = calloc(r->count, r->l.info_stride);
	r->text = calloc(1, r->size);
	uint64_t id0 = (0 - (r->count + 1)) & r->id_mask;
	r->l.head_id = r->l.tail_id = id0;
	r->l.head_lpos = r->l.tail_lpos = (0 - r->size) & r->lmask;
	set_state(r, id0, DESC_REUSABLE);
	field_put(&r->l.lpos_begin, desc_at(r, id0), be, 1);
	field_put(&r->l.lpos_next, desc_at(r, id0), be, 1);
}

static void ring_init(struct ring *r, bool be, unsigned count_bits, unsigned size_bits)
{
	ring_init_long(r, be, count_bits, size_bits, 8);
}

static void ring_free(struct ring *r)
{
	free(r->descs);
	free(r->infos);
	free(r->text);
}

static struct lc_prb_buffers ring_bufs(struct ring *r)
{
	struct lc_prb_buffers b = {r->descs, r->count * r->l.desc_size,
				   r->infos, r->count * r->l.info_stride,
				   r->text,  r->size};
	return b;
}

static uint64_t get_next_lpos(struct ring *r, uint64_t begin, uint64_t size)
{
	uint64_t next = (begin + size) & r->lmask;
	if (begin >> r->l.size_bits == next >> r->l.size_bits)
		return next;
	return ((next & ~(r->size - 1)) + size) & r->lmask;
}

/* Free the oldest data until [.., next) fits: the descriptors become reusable. */
static void push_data_tail(struct ring *r, uint64_t next)
{
	uint64_t id = r->l.tail_id;
	while (((next - r->l.tail_lpos) & r->lmask) > r->size) {
		uint8_t *d = desc_at(r, id);
		uint64_t b = lc_printk_field_get(&r->l.lpos_begin, d, r->l.big_endian);
		uint64_t n = lc_printk_field_get(&r->l.lpos_next, d, r->l.big_endian);
		set_state(r, id, DESC_REUSABLE);
		if (!(b & 1))
			r->l.tail_lpos = n;
		id = (id + 1) & r->id_mask;
	}
}

struct rec {
	const char *text;
	unsigned state;
	uint32_t caller;
	unsigned level, flags;
	const char *subsystem;
};

static uint64_t push(struct ring *r, const struct rec *rec)
{
	bool be = r->l.big_endian;
	uint64_t id = (r->l.head_id + 1) & r->id_mask;
	/* The descriptor ring is full: the oldest slot is reused. */
	if (((id - r->l.tail_id) & r->id_mask) >= r->count) {
		push_data_tail(r, (r->l.tail_lpos + r->size + 1) & r->lmask);
		r->l.tail_id = (r->l.tail_id + 1) & r->id_mask;
	}
	size_t len = strlen(rec->text);
	uint64_t begin = 1, next = 1;
	if (len == 0) {
		begin = next = 3;
	} else {
		uint64_t size = (r->ls + len + r->ls - 1) & ~(uint64_t)(r->ls - 1);
		begin = r->l.head_lpos;
		next = get_next_lpos(r, begin, size);
		push_data_tail(r, next);
		uint64_t off = ((next - begin) & r->lmask) == size ? begin & (r->size - 1) : 0;
		lc_store_uint(r->text + off, r->ls, be, id);
		memcpy(r->text + off + r->ls, rec->text, len);
		r->l.head_lpos = next;
	}
	uint8_t *d = desc_at(r, id), *info = info_at(r, id);
	memset(info, 0, r->l.info_stride);
	set_state(r, id, rec->state);
	field_put(&r->l.lpos_begin, d, be, begin);
	field_put(&r->l.lpos_next, d, be, next);
	field_put(&r->l.seq, info, be, r->next_seq++);
	field_put(&r->l.ts_nsec, info, be, 1000000000ull * r->next_seq + 123456789);
	field_put(&r->l.text_len, info, be, len);
	field_put(&r->l.facility, info, be, 0);
	field_put(&r->l.flags, info, be, rec->flags);
	field_put(&r->l.level, info, be, rec->level);
	field_put(&r->l.caller_id, info, be, rec->caller);
	if (rec->subsystem)
		memcpy(info + r->l.subsystem_offset, rec->subsystem, strlen(rec->subsystem));
	r->l.head_id = id;
	return id;
}

static bool has_note(const struct lc_printk_log *log, const char *fragment)
{
	for (size_t i = 0; i < log->nnotes; i++) {
		if (strstr(log->notes[i], fragment))
			return true;
	}
	return false;
}

static void dump_notes(const struct lc_printk_log *log)
{
	for (size_t i = 0; i < log->nnotes; i++)
		fprintf(stderr, "  note: %s\n", log->notes[i]);
}

static void test_basic(bool be)
{
	struct ring r;
	ring_init(&r, be, 4, 10);
	push(&r, &(struct rec){"Linux version 6.1.0", DESC_FINALIZED, 1, 5, 2, NULL});
	push(&r, &(struct rec){"irq text", DESC_FINALIZED, 0x80000002u, 4, 2, "pci"});
	push(&r, &(struct rec){"", DESC_FINALIZED, 77, 6, 2, NULL});
	push(&r, &(struct rec){"cont", DESC_FINALIZED, 77, 6, 8, NULL});
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	struct lc_prb_buffers b = ring_bufs(&r);
	CHECK_OK(lc_prb_parse(&r.l, &b, &log));
	CHECK_EQ_U64(log.count, 4);
	if (log.count == 4) {
		CHECK_STR(log.records[0].text, "Linux version 6.1.0");
		CHECK_EQ_U64(log.records[0].seq, 0);
		CHECK_EQ_U64(log.records[0].level, 5);
		CHECK_EQ_U64(log.records[0].caller_kind, LC_PRINTK_CALLER_TASK);
		CHECK_EQ_U64(log.records[0].caller, 1);
		CHECK_EQ_U64(log.records[0].ts_nsec, 1123456789);
		CHECK_EQ_U64(log.records[1].caller_kind, LC_PRINTK_CALLER_CPU);
		CHECK_EQ_U64(log.records[1].caller, 2);
		CHECK_EQ_U64(log.records[1].level, 4);
		CHECK_STR(log.records[1].subsystem, "pci");
		CHECK(log.records[1].device == NULL);
		CHECK_STR(log.records[2].text, "");
		CHECK_EQ_U64(log.records[2].text_len, 0);
		CHECK_EQ_U64(log.records[3].flags, LC_PRINTK_LOG_CONT);
		CHECK_EQ_U64(log.records[3].seq, 3);
		CHECK(!log.records[3].pending);
	}
	/* Nothing was skipped: the bootstrap descriptor is not a record. */
	CHECK(!has_note(&log, "descriptor recycled"));
	lc_printk_log_deinit(&log);
	ring_free(&r);
}

/* Many more records than the ring holds: ids and positions wrap, old data is freed. */
static void test_wrap(unsigned long_size)
{
	struct ring r;
	ring_init_long(&r, false, 3, 7, long_size); /* 8 descriptors, 128 bytes of text */
	char text[64];
	for (int i = 0; i < 40; i++) {
		snprintf(text, sizeof(text), "message %d %.*s", i, i % 23,
			 "abcdefghijklmnopqrstuvw");
		push(&r, &(struct rec){text, DESC_FINALIZED, (uint32_t)i, 6, 2, NULL});
	}
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	struct lc_prb_buffers b = ring_bufs(&r);
	CHECK_OK(lc_prb_parse(&r.l, &b, &log));
	CHECK(log.count >= 2);
	/* The newest records are intact, in order, ending with the last one written. */
	bool wrapped_seen = false;
	for (size_t i = 0; i < log.count; i++) {
		uint64_t seq = log.records[i].seq;
		snprintf(text, sizeof(text), "message %d %.*s", (int)seq, (int)seq % 23,
			 "abcdefghijklmnopqrstuvw");
		CHECK_STR(log.records[i].text, text);
		CHECK_EQ_U64(log.records[i].caller, seq);
		if (i)
			CHECK_EQ_U64(seq, log.records[i - 1].seq + 1);
	}
	CHECK_EQ_U64(log.records[log.count - 1].seq, 39);
	/* At least one record that was read had its block wrapped to the start. */
	for (uint64_t id = r.l.tail_id;; id = (id + 1) & r.id_mask) {
		uint8_t *d = desc_at(&r, id);
		uint64_t bg = lc_printk_field_get(&r.l.lpos_begin, d, false);
		uint64_t nx = lc_printk_field_get(&r.l.lpos_next, d, false);
		uint64_t sv = lc_printk_field_get(&r.l.state_var, d, false);
		bool live = (sv >> (r.ls * 8 - 2)) != DESC_REUSABLE;
		if (live && !(bg & 1) && (bg >> 7) != (((nx - 1) & r.lmask) >> 7))
			wrapped_seen = true;
		if (id == r.l.head_id)
			break;
	}
	CHECK(wrapped_seen);
	if (!wrapped_seen)
		dump_notes(&log);
	lc_printk_log_deinit(&log);
	ring_free(&r);
}

static void test_states(void)
{
	struct ring r;
	ring_init(&r, false, 4, 10);
	uint64_t a = push(&r, &(struct rec){"freed at the tail", DESC_FINALIZED, 1, 6, 2, NULL});
	push(&r, &(struct rec){"final", DESC_FINALIZED, 1, 6, 2, NULL});
	uint64_t c = push(&r, &(struct rec){"freed later", DESC_FINALIZED, 1, 6, 2, NULL});
	push(&r, &(struct rec){"committed", DESC_COMMITTED, 1, 6, 0, NULL});
	push(&r, &(struct rec){"being writ", DESC_RESERVED, 0x80000001u, 0, 0, NULL});
	set_state(&r, a, DESC_REUSABLE);
	set_state(&r, c, DESC_REUSABLE);
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	struct lc_prb_buffers b = ring_bufs(&r);
	CHECK_OK(lc_prb_parse(&r.l, &b, &log));
	CHECK_EQ_U64(log.count, 3);
	if (log.count == 3) {
		CHECK_STR(log.records[0].text, "final");
		CHECK(!log.records[0].pending);
		CHECK_STR(log.records[1].text, "committed");
		CHECK(log.records[1].pending);
		CHECK_STR(log.records[2].text, "being writ");
		CHECK(log.records[2].pending);
	}
	CHECK(has_note(&log, "skipped 1 record: descriptor reusable"));
	lc_printk_log_deinit(&log);
	ring_free(&r);
}

static void test_corrupt(void)
{
	struct ring r;
	ring_init(&r, false, 4, 10);
	push(&r, &(struct rec){"ok 0", DESC_FINALIZED, 1, 6, 2, NULL});
	uint64_t b1 = push(&r, &(struct rec){"long text_len", DESC_FINALIZED, 1, 6, 2, NULL});
	uint64_t b2 = push(&r, &(struct rec){"past the ring", DESC_FINALIZED, 1, 6, 2, NULL});
	uint64_t b3 = push(&r, &(struct rec){"misaligned", DESC_FINALIZED, 1, 6, 2, NULL});
	uint64_t b4 = push(&r, &(struct rec){"wrong seq", DESC_FINALIZED, 1, 6, 2, NULL});
	uint64_t b5 = push(&r, &(struct rec){"overwritten", DESC_FINALIZED, 1, 6, 2, NULL});
	uint64_t b6 = push(&r, &(struct rec){"lost", DESC_FINALIZED, 1, 6, 2, NULL});
	uint64_t b7 = push(&r, &(struct rec){"stale id", DESC_FINALIZED, 1, 6, 2, NULL});
	push(&r, &(struct rec){"ok 8", DESC_FINALIZED, 1, 6, 2, NULL});
	/* text_len beyond its block: kept, truncated. */
	field_put(&r.l.text_len, info_at(&r, b1), false, 60000);
	/* A block spanning more than the ring. */
	field_put(&r.l.lpos_next, desc_at(&r, b2), false,
		  lc_printk_field_get(&r.l.lpos_begin, desc_at(&r, b2), false) + 4096);
	field_put(&r.l.lpos_begin, desc_at(&r, b3), false,
		  lc_printk_field_get(&r.l.lpos_begin, desc_at(&r, b3), false) + 4);
	field_put(&r.l.seq, info_at(&r, b4), false, 12345);
	/* The writer that followed reused the block: its id no longer matches. */
	uint64_t begin5 = lc_printk_field_get(&r.l.lpos_begin, desc_at(&r, b5), false);
	lc_store_uint(r.text + (begin5 & 1023), 8, false, 999);
	field_put(&r.l.lpos_begin, desc_at(&r, b6), false, 1);
	field_put(&r.l.lpos_next, desc_at(&r, b6), false, 1);
	field_put(&r.l.state_var, desc_at(&r, b7), false, ((uint64_t)DESC_FINALIZED << 62) | 5);

	struct lc_printk_log log;
	lc_printk_log_init(&log);
	struct lc_prb_buffers b = ring_bufs(&r);
	CHECK_OK(lc_prb_parse(&r.l, &b, &log));
	CHECK_EQ_U64(log.count, 3);
	if (log.count == 3) {
		CHECK_STR(log.records[0].text, "ok 0");
		CHECK_STR(log.records[1].text, "long text_len");
		CHECK_STR(log.records[2].text, "ok 8");
	}
	CHECK(has_note(&log, "text longer than its data block"));
	CHECK(has_note(&log, "skipped 2 records: illegal data block"));
	CHECK(has_note(&log, "sequence number does not belong"));
	CHECK(has_note(&log, "data block overwritten"));
	CHECK(has_note(&log, "data lost"));
	CHECK(has_note(&log, "descriptor recycled or corrupt"));
	if (check_failures)
		dump_notes(&log);
	lc_printk_log_deinit(&log);
	ring_free(&r);
}

/* The head ran more than a ring ahead of the tail (a stale or corrupt tail id). */
static void test_overtaken(void)
{
	struct ring r;
	ring_init(&r, false, 3, 10);
	for (int i = 0; i < 12; i++)
		push(&r, &(struct rec){"x", DESC_FINALIZED, 1, 6, 2, NULL});
	r.l.tail_id = (r.l.head_id - 20) & r.id_mask;
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	struct lc_prb_buffers b = ring_bufs(&r);
	CHECK_OK(lc_prb_parse(&r.l, &b, &log));
	CHECK(has_note(&log, "reading the newest only"));
	CHECK(log.count >= 1 && log.count <= 8);
	if (log.count)
		CHECK_EQ_U64(log.records[log.count - 1].seq, 11);
	lc_printk_log_deinit(&log);

	/* An unusable layout is an error, not a crash. */
	lc_printk_log_init(&log);
	r.l.size_bits = 20;
	CHECK_ERR(lc_prb_parse(&r.l, &b, &log), LC_ERR_BAD_DATA, "implausible");
	r.l.size_bits = 10;
	r.l.level.bit_offset = 90 * 8;
	CHECK_ERR(lc_prb_parse(&r.l, &b, &log), LC_ERR_BAD_DATA, "implausible");
	lc_printk_log_deinit(&log);
	ring_free(&r);
}

/* struct printk_log as in 5.9 x86_64 with CONFIG_PRINTK_CALLER: 20 bytes. */
static const struct lc_log_buf_layout log_buf_layout = {
	.big_endian = false,
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

static size_t put_log(uint8_t *buf, size_t idx, const char *text, const char *dict, size_t dlen,
		      unsigned level, uint32_t caller)
{
	const struct lc_log_buf_layout *l = &log_buf_layout;
	size_t tlen = strlen(text), len = (20 + tlen + dlen + 3) & ~3u;
	uint8_t *p = buf + idx;
	memset(p, 0, len);
	field_put(&l->ts_nsec, p, false, 5000000 * (idx + 1));
	field_put(&l->len, p, false, len);
	field_put(&l->text_len, p, false, tlen);
	field_put(&l->dict_len, p, false, dlen);
	field_put(&l->level, p, false, level);
	field_put(&l->caller_id, p, false, caller);
	memcpy(p + 20, text, tlen);
	if (dlen)
		memcpy(p + 20 + tlen, dict, dlen);
	return idx + len;
}

static void test_log_buf(void)
{
	uint8_t buf[256] = {0};
	/* Oldest at 160, then the wrap marker at 208, newer records from 0. */
	size_t i = put_log(buf, 160, "old record", NULL, 0, 6, 1);
	CHECK_EQ_U64(i, 192);
	memset(buf + i, 0, 20); /* len 0: wrap */
	size_t n = put_log(buf, 0, "usb 1-1: new device", "SUBSYSTEM=usb\0DEVICE=c189:1", 27, 6,
			   0x80000003u);
	n = put_log(buf, n, "newest", NULL, 0, 3, 42);
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	CHECK_OK(lc_log_buf_parse(&log_buf_layout, buf, sizeof(buf), 160, n, 100, &log));
	CHECK_EQ_U64(log.count, 3);
	if (log.count == 3) {
		CHECK_STR(log.records[0].text, "old record");
		CHECK_EQ_U64(log.records[0].seq, 100);
		CHECK_STR(log.records[1].text, "usb 1-1: new device");
		CHECK_STR(log.records[1].subsystem, "usb");
		CHECK_STR(log.records[1].device, "c189:1");
		CHECK_EQ_U64(log.records[1].caller_kind, LC_PRINTK_CALLER_CPU);
		CHECK_EQ_U64(log.records[1].caller, 3);
		CHECK_STR(log.records[2].text, "newest");
		CHECK_EQ_U64(log.records[2].level, 3);
		CHECK_EQ_U64(log.records[2].seq, 102);
	}
	CHECK_EQ_U64(log.nnotes, 0);
	lc_printk_log_deinit(&log);

	/* A record whose length runs past the buffer: the earlier ones survive. */
	lc_printk_log_init(&log);
	field_put(&log_buf_layout.len, buf + 0, false, 300);
	CHECK_OK(lc_log_buf_parse(&log_buf_layout, buf, sizeof(buf), 160, n, 100, &log));
	CHECK_EQ_U64(log.count, 1);
	CHECK(has_note(&log, "runs past"));
	lc_printk_log_deinit(&log);

	/* A cycle of zero lengths cannot loop forever. */
	lc_printk_log_init(&log);
	memset(buf, 0, sizeof(buf));
	CHECK_OK(lc_log_buf_parse(&log_buf_layout, buf, sizeof(buf), 40, 8, 0, &log));
	CHECK(has_note(&log, "wrap marker"));
	lc_printk_log_deinit(&log);
}

static void test_percpu(void)
{
	static const char text[] =
		"\0014NMI backtrace for cpu 1\n\001cmore\nplain line\n\0016partial";
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	CHECK_OK(lc_printk_percpu_parse((const uint8_t *)text, sizeof(text) - 1, 1,
					LC_PRINTK_RING_NMI, &log));
	CHECK_EQ_U64(log.count, 4);
	if (log.count == 4) {
		CHECK_STR(log.records[0].text, "NMI backtrace for cpu 1");
		CHECK_EQ_U64(log.records[0].level, 4);
		CHECK(log.records[0].unflushed);
		CHECK_EQ_U64(log.records[0].cpu, 1);
		CHECK(!log.records[0].has_seq);
		CHECK_EQ_U64(log.records[1].flags, LC_PRINTK_LOG_CONT);
		CHECK_EQ_U64((uint64_t)(int64_t)log.records[2].level, (uint64_t)-1);
		CHECK_STR(log.records[3].text, "partial");
	}
	lc_printk_log_deinit(&log);
}

static void add_text(struct lc_printk_log *log, const char *text, uint32_t caller_cpu,
		     unsigned flags)
{
	if (!lc_grow((void **)&log->records, &log->capacity, log->count + 1, sizeof(*log->records)))
		abort();
	struct lc_printk_record *r = &log->records[log->count];
	memset(r, 0, sizeof(*r));
	r->seq = 1000 + log->count;
	r->has_seq = true;
	r->text = strdup(text);
	r->text_len = strlen(text);
	r->caller_kind = LC_PRINTK_CALLER_CPU;
	r->caller = caller_cpu;
	r->flags = flags;
	log->count++;
}

static const struct lc_log_event *find_event(const struct lc_log_events *ev,
					     enum lc_log_event_kind kind)
{
	for (size_t i = 0; i < ev->count; i++) {
		if (ev->events[i].kind == kind)
			return &ev->events[i];
	}
	return NULL;
}

static void test_events(void)
{
	struct lc_printk_log log;
	lc_printk_log_init(&log);
	add_text(&log, "INFO: task kworker/0:1:123 blocked for more than 120 seconds.", 0, 0);
	add_text(&log, "      Not tainted 6.1.0-13-amd64 #1 Debian 6.1.55-1", 0, 0);
	add_text(&log, "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:", 0, 0);
	add_text(&log, "rcu: \t1-...!: (0 ticks this GP) idle=1234/0/0x1 softirq=0/0 fqs=0", 0, 0);
	add_text(&log, "rcu: \t3-...0: (1 GPs behind) idle=99/1/0x4000000000000000", 0, 0);
	add_text(&log, "rcu: \tTasks blocked on level-0 rcu_node (CPUs 0-3): P4321 P77", 0, 0);
	add_text(&log, "rcu: \t(detected by 0, t=5252 jiffies, g=1001, q=12 ncpus=4)", 0, 0);
	add_text(&log, "Sending NMI from CPU 0 to CPUs 1:", 0, 0);
	add_text(&log, "rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: {", 2, 0);
	add_text(&log, " 2-... P99", 2, LC_PRINTK_LOG_CONT);
	add_text(&log, " } 21017 jiffies s: 149 root: 0x4/.", 2, LC_PRINTK_LOG_CONT);
	add_text(&log, "watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [my:task:1234]", 3, 0);
	add_text(&log, "NMI watchdog: Watchdog detected hard LOCKUP on cpu 2", 2, 0);
	add_text(&log, "BUG: kernel NULL pointer dereference, address: 0000000000000000", 1, 0);
	add_text(&log, "#PF: supervisor write access in kernel mode", 1, 0);
	add_text(&log, "Oops: 0002 [#1] PREEMPT SMP NOPTI", 1, 0);
	add_text(&log, "CPU: 1 PID: 555 Comm: insmod Tainted: G           O       6.1.0 #1", 1, 0);
	add_text(&log, "Kernel panic - not syncing: Fatal exception", 1, 0);
	add_text(&log, "CPU: 1 UID: 0 PID: 555 Comm: insmod Tainted: G D", 1, 0);
	add_text(&log, "---[ end Kernel panic - not syncing: Fatal exception ]---", 1, 0);
	CHECK_OK(lc_log_events_parse(log.records, log.count, &log.events));
	const struct lc_log_events *ev = &log.events;
	CHECK_EQ_U64(ev->count, 8);
	const struct lc_log_event *e;
	if ((e = find_event(ev, LC_LOG_EVENT_HUNG_TASK))) {
		CHECK_STR(e->comm, "kworker/0:1");
		CHECK(e->npids == 1 && e->pids[0] == 123);
		CHECK_EQ_U64(e->seconds, 120);
		CHECK_EQ_U64(e->seq, 1000);
		CHECK_EQ_U64(e->record, 0);
	} else {
		CHECK(!"hung task");
	}
	if ((e = find_event(ev, LC_LOG_EVENT_RCU_STALL))) {
		CHECK_STR(e->flavor, "rcu_sched");
		CHECK(e->ncpus == 2 && e->cpus[0] == 1 && e->cpus[1] == 3);
		CHECK(e->npids == 2 && e->pids[0] == 4321 && e->pids[1] == 77);
		CHECK_EQ_U64(e->detector_cpu, 0);
		CHECK_EQ_U64(e->jiffies, 5252);
	} else {
		CHECK(!"rcu stall");
	}
	if ((e = find_event(ev, LC_LOG_EVENT_RCU_EXPEDITED_STALL))) {
		CHECK_STR(e->flavor, "rcu_preempt");
		CHECK(e->ncpus == 1 && e->cpus[0] == 2);
		CHECK(e->npids == 1 && e->pids[0] == 99);
		CHECK_EQ_U64(e->jiffies, 21017);
	} else {
		CHECK(!"expedited stall");
	}
	if ((e = find_event(ev, LC_LOG_EVENT_SOFT_LOCKUP))) {
		CHECK(e->ncpus == 1 && e->cpus[0] == 3);
		CHECK(e->npids == 1 && e->pids[0] == 1234);
		CHECK_STR(e->comm, "my:task");
		CHECK_EQ_U64(e->seconds, 22);
	} else {
		CHECK(!"soft lockup");
	}
	if ((e = find_event(ev, LC_LOG_EVENT_HARD_LOCKUP)))
		CHECK(e->ncpus == 1 && e->cpus[0] == 2);
	else
		CHECK(!"hard lockup");
	if ((e = find_event(ev, LC_LOG_EVENT_BUG))) {
		CHECK(e->ncpus == 1 && e->cpus[0] == 1);
		CHECK(e->npids == 1 && e->pids[0] == 555);
		CHECK_STR(e->comm, "insmod");
	} else {
		CHECK(!"bug");
	}
	if ((e = find_event(ev, LC_LOG_EVENT_PANIC))) {
		CHECK_STR(e->message, "Fatal exception");
		CHECK(e->ncpus == 1 && e->cpus[0] == 1);
		CHECK(e->npids == 1 && e->pids[0] == 555);
	} else {
		CHECK(!"panic");
	}
	lc_printk_log_deinit(&log);
}

int main(void)
{
	test_basic(false);
	test_basic(true);
	test_wrap(8);
	test_wrap(4);
	test_states();
	test_corrupt();
	test_overtaken();
	test_log_buf();
	test_percpu();
	test_events();
	CHECK_DONE();
}
