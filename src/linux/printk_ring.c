// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The printk parsers proper: pure functions over copied bytes and a layout,
 * kept apart from the dump readers in printk.c so the unit tests and the
 * fuzzer link them alone.
 */
#include <stdarg.h>
#include <stdio.h>

#include "linux/printk.h"
#include "util.h"

/* Bounds on dump-controlled sizes, far above any real kernel's. */
enum {
	MAX_DESC_COUNT_BITS = 24, /* 16 Mi descriptors */
	MAX_DATA_SIZE_BITS = 30,  /* 1 GiB of text */
	/* Lockless ring: blocks with no data (kernel/printk/printk_ringbuffer.h). */
	PRB_FAILED_LPOS = 0x1,
	PRB_NO_LPOS = 0x3,
	/* The top two bits of state_var. */
	DESC_RESERVED = 0,
	DESC_COMMITTED = 1,
	DESC_FINALIZED = 2,
	DESC_REUSABLE = 3,
};

const char *lc_printk_ring_name(enum lc_printk_ring ring)
{
	switch (ring) {
	case LC_PRINTK_RING_PRB:
		return "prb";
	case LC_PRINTK_RING_LOG_BUF:
		return "log_buf";
	case LC_PRINTK_RING_NMI:
		return "nmi";
	case LC_PRINTK_RING_SAFE:
		return "safe";
	}
	return "unknown";
}

void lc_printk_log_init(struct lc_printk_log *log)
{
	memset(log, 0, sizeof(*log));
	log->console_loglevel = -1;
	lc_log_events_init(&log->events);
}

void lc_printk_log_deinit(struct lc_printk_log *log)
{
	for (size_t i = 0; i < log->count; i++) {
		free(log->records[i].text);
		free(log->records[i].subsystem);
		free(log->records[i].device);
	}
	free(log->records);
	for (size_t i = 0; i < log->nnotes; i++)
		free(log->notes[i]);
	free(log->notes);
	free(log->consoles);
	lc_log_events_deinit(&log->events);
	memset(log, 0, sizeof(*log));
}

void lc_printk_log_destroy(struct lc_printk_log *log)
{
	if (!log)
		return;
	lc_printk_log_deinit(log);
	free(log);
}

struct lc_error *lc_printk_log_note(struct lc_printk_log *log, const char *fmt, ...)
{
	if (!lc_grow((void **)&log->notes, &log->notes_capacity, log->nnotes + 1,
		     sizeof(*log->notes)))
		return lc_error_nomem;
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return lc_error_nomem;
	log->notes[log->nnotes++] = s;
	return NULL;
}

/* A new zeroed record at the end of the log, with "unknown" defaults. */
static struct lc_error *add_record(struct lc_printk_log *log, struct lc_printk_record **ret)
{
	if (!lc_grow((void **)&log->records, &log->capacity, log->count + 1, sizeof(*log->records)))
		return lc_error_nomem;
	struct lc_printk_record *r = &log->records[log->count++];
	memset(r, 0, sizeof(*r));
	r->level = -1;
	r->facility = -1;
	r->cpu = -1;
	*ret = r;
	return NULL;
}

static struct lc_error *set_text(struct lc_printk_record *r, const uint8_t *p, size_t len)
{
	r->text = malloc(len + 1);
	if (!r->text)
		return lc_error_nomem;
	if (len)
		memcpy(r->text, p, len);
	r->text[len] = '\0';
	r->text_len = len;
	return NULL;
}

/* A copy of a fixed-size char array up to its NUL; NULL result when empty. */
static struct lc_error *dup_cstr(const uint8_t *p, size_t max, char **ret)
{
	size_t n = strnlen((const char *)p, max);
	*ret = NULL;
	if (!n)
		return NULL;
	char *s = malloc(n + 1);
	if (!s)
		return lc_error_nomem;
	memcpy(s, p, n);
	s[n] = '\0';
	*ret = s;
	return NULL;
}

uint64_t lc_printk_field_get(const struct lc_printk_field *f, const uint8_t *base, bool big_endian)
{
	if (!f->size)
		return 0;
	if (!f->bit_size)
		return lc_load_uint(base + f->bit_offset / 8, f->size, big_endian);
	/* Load the bytes covering the bit field, then shift by the dump's bit order. */
	size_t first = f->bit_offset / 8;
	size_t last = (f->bit_offset + f->bit_size - 1) / 8;
	size_t n = last - first + 1;
	uint64_t raw = lc_load_uint(base + first, n, big_endian);
	unsigned shift = big_endian ? (unsigned)(n * 8 - f->bit_offset % 8 - f->bit_size)
				    : f->bit_offset % 8;
	uint64_t v = raw >> shift;
	if (f->bit_size < 64)
		v &= (1ull << f->bit_size) - 1;
	return v;
}

/* The last byte (exclusive) a field touches, to check it fits its structure. */
static uint64_t field_end(const struct lc_printk_field *f)
{
	if (!f->size)
		return 0;
	if (f->bit_size)
		return (f->bit_offset + f->bit_size + 7) / 8;
	return f->bit_offset / 8 + f->size;
}

static bool field_ok(const struct lc_printk_field *f, size_t struct_size)
{
	if (f->size > 8 || (f->bit_size && f->bit_size > 64))
		return false;
	if (f->bit_size && (f->bit_offset + f->bit_size - 1) / 8 - f->bit_offset / 8 >= 8)
		return false;
	return field_end(f) <= struct_size;
}

static void set_caller(struct lc_printk_record *r, uint32_t caller_id)
{
	/* Bit 31 marks a CPU number (printk_caller_id(), 5.1+); otherwise a pid. */
	if (caller_id & 0x80000000u) {
		r->caller_kind = LC_PRINTK_CALLER_CPU;
		r->caller = caller_id & 0x7fffffffu;
	} else {
		r->caller_kind = LC_PRINTK_CALLER_TASK;
		r->caller = caller_id;
	}
}

static void skip(struct lc_printk_skip *s, uint64_t id, bool has_seq, uint64_t seq)
{
	if (!s->count++) {
		s->first_id = id;
		s->has_seq = has_seq;
		s->first_seq = seq;
	}
}

static struct lc_error *note_skips(struct lc_printk_log *log, const char *where,
				   const struct lc_printk_skip *skips, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct lc_printk_skip *s = &skips[i];
		if (!s->count)
			continue;
		struct lc_error *err;
		if (s->has_seq)
			err = lc_printk_log_note(log,
						 "%s: skipped %" PRIu64
						 " record%s: %s (first: id %" PRIu64
						 ", seq %" PRIu64 ")",
						 where, s->count, s->count == 1 ? "" : "s", s->why,
						 s->first_id, s->first_seq);
		else
			err = lc_printk_log_note(
				log, "%s: skipped %" PRIu64 " record%s: %s (first: id %" PRIu64 ")",
				where, s->count, s->count == 1 ? "" : "s", s->why, s->first_id);
		if (err)
			return err;
	}
	return NULL;
}

enum prb_skip {
	SKIP_MISS,
	SKIP_REUSABLE,
	SKIP_LOST,
	SKIP_BAD_SEQ,
	SKIP_BAD_LPOS,
	SKIP_OVERWRITTEN,
	SKIP_TRUNCATED,
	SKIP_COUNT,
};

/*
 * Where a descriptor's text lives, following the kernel's get_data(): a block
 * is an unsigned long id followed by the text; a block that would cross the
 * end of the ring is stored whole at its start, described by a begin one
 * wrap behind next. Returns false for an illegal description.
 */
static bool prb_block(const struct lc_prb_layout *l, uint64_t begin, uint64_t next,
		      uint64_t *offset, uint64_t *size)
{
	uint64_t data_size = 1ull << l->size_bits;
	uint64_t lmask = l->long_size == 8 ? UINT64_MAX : UINT32_MAX;
	/*
	 * Regular block: begin and the last byte (next - 1) in one wrap. Up to
	 * 6.1 at least, a block ending exactly at the end of the ring was
	 * stored wrapped; later kernels ("printk: ringbuffer: don't needlessly
	 * wrap data blocks around") keep it in place, which this test accepts
	 * without ambiguity: a wrapped block's next - 1 is always past the wrap.
	 */
	if (begin < next && (begin >> l->size_bits) == ((next - 1) >> l->size_bits)) {
		*offset = begin & (data_size - 1);
		*size = next - begin;
	} else if ((((begin + data_size) & lmask) >> l->size_bits) == (next >> l->size_bits)) {
		*offset = 0;
		*size = next & (data_size - 1);
	} else {
		return false;
	}
	if ((begin | next) & (l->long_size - 1))
		return false;
	return *size >= l->long_size && *offset + *size <= data_size;
}

static bool prb_layout_ok(const struct lc_prb_layout *l, const struct lc_prb_buffers *b)
{
	if (l->long_size != 4 && l->long_size != 8)
		return false;
	if (l->count_bits > MAX_DESC_COUNT_BITS || l->size_bits > MAX_DATA_SIZE_BITS ||
	    l->size_bits < 4)
		return false;
	uint64_t count = 1ull << l->count_bits;
	if (!l->desc_size || !l->info_stride || l->info_offset >= l->info_stride)
		return false;
	if (b->descs_size / l->desc_size < count || b->infos_size / l->info_stride < count ||
	    b->text_size < (1ull << l->size_bits))
		return false;
	if (!field_ok(&l->state_var, l->desc_size) || !field_ok(&l->lpos_begin, l->desc_size) ||
	    !field_ok(&l->lpos_next, l->desc_size) || l->state_var.size != l->long_size ||
	    l->lpos_begin.size != l->long_size || l->lpos_next.size != l->long_size)
		return false;
	size_t isize = l->info_stride - l->info_offset;
	const struct lc_printk_field *fields[] = {&l->seq,	&l->ts_nsec, &l->text_len,
						  &l->facility, &l->flags,   &l->level,
						  &l->caller_id};
	for (size_t i = 0; i < LC_ARRAY_SIZE(fields); i++) {
		if (!field_ok(fields[i], isize))
			return false;
	}
	if (!l->seq.size || !l->text_len.size)
		return false;
	if ((l->subsystem_size && (uint64_t)l->subsystem_offset + l->subsystem_size > isize) ||
	    (l->device_size && (uint64_t)l->device_offset + l->device_size > isize))
		return false;
	return true;
}

struct lc_error *lc_prb_parse(const struct lc_prb_layout *l, const struct lc_prb_buffers *b,
			      struct lc_printk_log *log)
{
	if (!prb_layout_ok(l, b))
		return lc_error_create(
			LC_ERR_BAD_DATA,
			"printk ring layout is implausible (count_bits %u, size_bits "
			"%u)",
			l->count_bits, l->size_bits);
	unsigned sv_bits = l->long_size * 8;
	uint64_t id_mask = (1ull << (sv_bits - 2)) - 1;
	uint64_t count = 1ull << l->count_bits;
	uint64_t data_size = 1ull << l->size_bits;
	uint64_t lmask = l->long_size == 8 ? UINT64_MAX : UINT32_MAX;
	struct lc_printk_skip skips[SKIP_COUNT] = {
		[SKIP_MISS] = {.why = "descriptor recycled or corrupt (id mismatch)"},
		[SKIP_REUSABLE] = {.why = "descriptor reusable (data already freed)"},
		[SKIP_LOST] = {.why = "data lost (the ring had no room)"},
		[SKIP_BAD_SEQ] = {.why = "sequence number does not belong to its descriptor slot"},
		[SKIP_BAD_LPOS] = {.why = "illegal data block position or length"},
		[SKIP_OVERWRITTEN] = {.why = "data block overwritten (block id mismatch)"},
		[SKIP_TRUNCATED] = {.why = "text longer than its data block (kept truncated)"},
	};
	struct lc_error *err;

	uint64_t head = l->head_id & id_mask, tail = l->tail_id & id_mask;
	uint64_t span = (head - tail) & id_mask;
	if (span >= count) {
		err = lc_printk_log_note(log,
					 "printk ring: tail id %" PRIu64 " is %" PRIu64
					 " descriptors behind head id %" PRIu64
					 " but the ring holds %" PRIu64 ": reading the newest only",
					 tail, span, head, count);
		if (err)
			return err;
		span = count - 1;
		tail = (head - span) & id_mask;
	}
	uint64_t head_lpos = l->head_lpos & lmask;
	size_t first_record = log->count;
	for (uint64_t i = 0; i <= span; i++) {
		uint64_t id = (tail + i) & id_mask;
		uint64_t idx = id & (count - 1);
		const uint8_t *desc = b->descs + idx * l->desc_size;
		const uint8_t *info = b->infos + idx * l->info_stride + l->info_offset;
		uint64_t sv = lc_printk_field_get(&l->state_var, desc, l->big_endian);
		unsigned state = (unsigned)(sv >> (sv_bits - 2)) & 3;
		uint64_t seq = lc_printk_field_get(&l->seq, info, l->big_endian);
		if ((sv & id_mask) != id) {
			skip(&skips[SKIP_MISS], id, false, 0);
			continue;
		}
		if (state == DESC_REUSABLE) {
			/*
			 * The writers free the oldest data first and move tail_id
			 * lazily, so reusable descriptors at the tail (and the
			 * bootstrap one) are normal; only later ones lost a record.
			 */
			if (log->count > first_record)
				skip(&skips[SKIP_REUSABLE], id, true, seq);
			continue;
		}
		/*
		 * A slot's sequence numbers advance by the ring's size on each
		 * reuse, starting at the slot's index, so they share its low bits.
		 */
		if ((seq & (count - 1)) != idx) {
			skip(&skips[SKIP_BAD_SEQ], id, true, seq);
			continue;
		}
		uint64_t begin = lc_printk_field_get(&l->lpos_begin, desc, l->big_endian);
		uint64_t next = lc_printk_field_get(&l->lpos_next, desc, l->big_endian);
		const uint8_t *text = NULL;
		uint64_t text_size = 0;
		if ((begin & 1) || (next & 1)) {
			/* Data-less: an empty record (NO_LPOS) or one whose text was lost. */
			if (!(begin == PRB_NO_LPOS && next == PRB_NO_LPOS)) {
				skip(&skips[SKIP_LOST], id, true, seq);
				continue;
			}
		} else {
			uint64_t off, size;
			if (!prb_block(l, begin, next, &off, &size) ||
			    ((head_lpos - begin) & lmask) > data_size) {
				skip(&skips[SKIP_BAD_LPOS], id, true, seq);
				continue;
			}
			const uint8_t *blk = b->text + off;
			uint64_t blk_id = lc_load_uint(blk, l->long_size, l->big_endian);
			if ((blk_id & id_mask) != id) {
				skip(&skips[SKIP_OVERWRITTEN], id, true, seq);
				continue;
			}
			text = blk + l->long_size;
			text_size = size - l->long_size;
		}
		uint64_t text_len = lc_printk_field_get(&l->text_len, info, l->big_endian);
		if (text_len > text_size) {
			skip(&skips[SKIP_TRUNCATED], id, true, seq);
			text_len = text_size;
		}
		struct lc_printk_record *r;
		err = add_record(log, &r);
		if (err)
			return err;
		r->ring = LC_PRINTK_RING_PRB;
		r->seq = seq;
		r->has_seq = true;
		r->ts_nsec = lc_printk_field_get(&l->ts_nsec, info, l->big_endian);
		r->has_timestamp = l->ts_nsec.size != 0;
		r->level = l->level.size ? (int)lc_printk_field_get(&l->level, info, l->big_endian)
					 : -1;
		r->facility = l->facility.size
				      ? (int)lc_printk_field_get(&l->facility, info, l->big_endian)
				      : -1;
		r->flags = (unsigned)lc_printk_field_get(&l->flags, info, l->big_endian);
		if (l->caller_id.size)
			set_caller(r, (uint32_t)lc_printk_field_get(&l->caller_id, info,
								    l->big_endian));
		r->pending = state == DESC_RESERVED || state == DESC_COMMITTED;
		err = set_text(r, text, (size_t)text_len);
		if (!err && l->subsystem_size)
			err = dup_cstr(info + l->subsystem_offset, l->subsystem_size,
				       &r->subsystem);
		if (!err && l->device_size)
			err = dup_cstr(info + l->device_offset, l->device_size, &r->device);
		if (err)
			return err;
	}
	return note_skips(log, "printk ring", skips, SKIP_COUNT);
}

struct lc_error *lc_log_buf_parse(const struct lc_log_buf_layout *l, const uint8_t *buf,
				  size_t size, uint64_t first_idx, uint64_t next_idx,
				  uint64_t first_seq, struct lc_printk_log *log)
{
	size_t h = l->header_size;
	if (!h || h > 256 || !field_ok(&l->len, h) || !field_ok(&l->text_len, h) ||
	    !field_ok(&l->dict_len, h) || !field_ok(&l->ts_nsec, h) || !field_ok(&l->facility, h) ||
	    !field_ok(&l->flags, h) || !field_ok(&l->level, h) || !field_ok(&l->caller_id, h) ||
	    !l->len.size || !l->text_len.size)
		return lc_error_create(LC_ERR_BAD_DATA, "printk_log layout is implausible");
	uint64_t idx = first_idx, seq = first_seq;
	bool wrapped = false;
	/* Each record takes at least a header: that bounds the walk. */
	uint64_t max_records = size / h + 2;
	const char *problem = NULL;
	for (uint64_t walked = 0; idx != next_idx; walked++) {
		if (walked > max_records) {
			problem = "the walk does not reach log_next_idx";
			break;
		}
		if (idx > size || size - idx < h) {
			problem = "a record header lies past the end of log_buf";
			break;
		}
		const uint8_t *p = buf + idx;
		uint64_t len = lc_printk_field_get(&l->len, p, l->big_endian);
		if (!len) {
			/* A zero length marks the wrap to the start of the buffer. */
			if (wrapped || idx < next_idx) {
				problem = "a second wrap marker";
				break;
			}
			wrapped = true;
			idx = 0;
			continue;
		}
		uint64_t text_len = lc_printk_field_get(&l->text_len, p, l->big_endian);
		uint64_t dict_len = lc_printk_field_get(&l->dict_len, p, l->big_endian);
		if (len < h + text_len + dict_len || len > size - idx) {
			problem = "a record length runs past its record or the buffer";
			break;
		}
		struct lc_printk_record *r;
		struct lc_error *err = add_record(log, &r);
		if (err)
			return err;
		r->ring = LC_PRINTK_RING_LOG_BUF;
		r->seq = seq++;
		r->has_seq = true;
		r->ts_nsec = lc_printk_field_get(&l->ts_nsec, p, l->big_endian);
		r->has_timestamp = l->ts_nsec.size != 0;
		r->level = (int)lc_printk_field_get(&l->level, p, l->big_endian);
		r->facility = (int)lc_printk_field_get(&l->facility, p, l->big_endian);
		r->flags = (unsigned)lc_printk_field_get(&l->flags, p, l->big_endian);
		if (l->caller_id.size)
			set_caller(r,
				   (uint32_t)lc_printk_field_get(&l->caller_id, p, l->big_endian));
		err = set_text(r, p + h, (size_t)text_len);
		if (err)
			return err;
		/* The dictionary: "KEY=value\0KEY=value", with the device context. */
		const char *d = (const char *)p + h + text_len, *end = d + dict_len;
		while (d < end && !err) {
			size_t n = strnlen(d, (size_t)(end - d));
			if (n > 10 && !memcmp(d, "SUBSYSTEM=", 10) && !r->subsystem)
				err = dup_cstr((const uint8_t *)d + 10, n - 10, &r->subsystem);
			else if (n > 7 && !memcmp(d, "DEVICE=", 7) && !r->device)
				err = dup_cstr((const uint8_t *)d + 7, n - 7, &r->device);
			d += n + 1;
		}
		if (err)
			return err;
		idx += len;
	}
	if (problem)
		return lc_printk_log_note(log,
					  "log_buf: stopped at index %" PRIu64 " (seq %" PRIu64
					  "): %s; the records after it are lost",
					  idx, seq, problem);
	return NULL;
}

struct lc_error *lc_printk_percpu_parse(const uint8_t *buf, size_t len, unsigned cpu,
					enum lc_printk_ring ring, struct lc_printk_log *log)
{
	size_t pos = 0;
	while (pos < len) {
		const uint8_t *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t start = pos;
		int level = -1;
		bool cont = false;
		/* KERN_SOH + level ('0'..'7', 'c' for continuation, 'd' default). */
		while (end - start >= 2 && buf[start] == '\001') {
			uint8_t c = buf[start + 1];
			if (c >= '0' && c <= '7')
				level = c - '0';
			else if (c == 'c')
				cont = true;
			start += 2;
		}
		pos = end + 1;
		if (end == start && !cont)
			continue;
		struct lc_printk_record *r;
		struct lc_error *err = add_record(log, &r);
		if (err)
			return err;
		r->ring = ring;
		r->cpu = (int)cpu;
		r->level = level;
		r->caller_kind = LC_PRINTK_CALLER_CPU;
		r->caller = cpu;
		r->unflushed = true;
		r->flags = cont ? LC_PRINTK_LOG_CONT : 0;
		err = set_text(r, buf + start, end - start);
		if (err)
			return err;
	}
	return NULL;
}
