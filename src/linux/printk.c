// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdarg.h>
#include <stdio.h>

#include "linux/kernel.h"
#include "linux/printk.h"
#include "read.h"
#include "util.h"

/* Bounds on dump-controlled sizes, far above any real kernel's. */
enum {
	MAX_DESC_COUNT_BITS = 24, /* 16 Mi descriptors */
	MAX_DATA_SIZE_BITS = 30,  /* 1 GiB of text */
	MAX_LOG_BUF_SIZE = 1 << 30,
	MAX_CONSOLES = 64,
	MAX_PERCPU_BUF = 1 << 20,
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
	if (!lc_grow((void **)&log->records, &log->capacity, log->count + 1,
		     sizeof(*log->records)))
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
						 "%s: skipped %" PRIu64 " record%s: %s (first: id %" PRIu64
						 ", seq %" PRIu64 ")",
						 where, s->count, s->count == 1 ? "" : "s", s->why,
						 s->first_id, s->first_seq);
		else
			err = lc_printk_log_note(log,
						 "%s: skipped %" PRIu64 " record%s: %s (first: id %" PRIu64
						 ")",
						 where, s->count, s->count == 1 ? "" : "s", s->why,
						 s->first_id);
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
	const struct lc_printk_field *fields[] = {&l->seq,   &l->ts_nsec, &l->text_len,
						  &l->facility, &l->flags,  &l->level,
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
		return lc_error_create(LC_ERR_BAD_DATA,
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
		r->facility = l->facility.size ? (int)lc_printk_field_get(&l->facility, info,
									  l->big_endian)
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
	    !field_ok(&l->dict_len, h) || !field_ok(&l->ts_nsec, h) ||
	    !field_ok(&l->facility, h) || !field_ok(&l->flags, h) || !field_ok(&l->level, h) ||
	    !field_ok(&l->caller_id, h) || !l->len.size || !l->text_len.size)
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
			set_caller(r, (uint32_t)lc_printk_field_get(&l->caller_id, p,
								    l->big_endian));
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

/* Reading from the dump. */

static struct lc_error *member_field(struct lc_types *types, const char *type, const char *path,
				     struct lc_printk_field *ret)
{
	struct lc_member_info mi;
	struct lc_error *err = lc_types_member_info(types, type, path, &mi);
	if (err)
		return err;
	const struct lc_type *t = lc_type_unqualified(mi.type);
	/* atomic_long_t and friends: a struct around one integer. */
	while ((t->kind == LC_TYPE_STRUCT || t->kind == LC_TYPE_UNION) && t->nmembers >= 1 &&
	       t->members[0].bit_offset == 0)
		t = lc_type_unqualified(t->members[0].type);
	uint64_t size = t->size;
	if (t->kind == LC_TYPE_POINTER)
		size = 8;
	if ((t->kind != LC_TYPE_INT && t->kind != LC_TYPE_ENUM && t->kind != LC_TYPE_POINTER) ||
	    size == 0 || size > 8 || mi.bit_offset > UINT32_MAX)
		return lc_error_create(LC_ERR_UNSUPPORTED, "'%s.%s' is not an integer", type,
				       path);
	ret->bit_offset = (uint32_t)mi.bit_offset;
	ret->bit_size = (uint8_t)mi.bit_size;
	ret->size = (uint8_t)size;
	return NULL;
}

/* A char array member: its offset and length. */
static bool char_array(struct lc_types *types, const char *type, const char *path,
		       uint32_t *offset, uint32_t *size)
{
	struct lc_member_info mi;
	struct lc_error *err = lc_types_member_info(types, type, path, &mi);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	const struct lc_type *t = lc_type_unqualified(mi.type);
	if (t->kind != LC_TYPE_ARRAY || t->size == 0 || t->size > 4096 || mi.bit_offset % 8)
		return false;
	*offset = (uint32_t)(mi.bit_offset / 8);
	*size = (uint32_t)t->size;
	return true;
}

static struct lc_error *read_alloc(struct lc_program *prog, uint64_t addr, uint64_t size,
				   uint8_t **ret)
{
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return lc_error_nomem;
	struct lc_error *err = lc_read(prog, addr, buf, size);
	if (err) {
		free(buf);
		return err;
	}
	*ret = buf;
	return NULL;
}

static struct lc_error *prb_info_layout(struct lc_types *types, const char *it,
					struct lc_prb_layout *l)
{
	struct lc_error *err;
	if ((err = member_field(types, it, "seq", &l->seq)) ||
	    (err = member_field(types, it, "ts_nsec", &l->ts_nsec)) ||
	    (err = member_field(types, it, "text_len", &l->text_len)) ||
	    (err = member_field(types, it, "facility", &l->facility)) ||
	    (err = member_field(types, it, "flags", &l->flags)) ||
	    (err = member_field(types, it, "level", &l->level)))
		return err;
	err = member_field(types, it, "caller_id", &l->caller_id);
	if (err) {
		/* Only present with CONFIG_PRINTK_CALLER before 5.10. */
		lc_error_destroy(err);
		memset(&l->caller_id, 0, sizeof(l->caller_id));
	}
	/* struct dev_printk_info replaced the dictionary in 5.10. */
	if (!char_array(types, it, "dev_info.subsystem", &l->subsystem_offset,
			&l->subsystem_size))
		l->subsystem_size = 0;
	if (!char_array(types, it, "dev_info.device", &l->device_offset, &l->device_size))
		l->device_size = 0;
	return NULL;
}

static struct lc_error *read_prb(struct lc_program *prog, struct lc_types *types, uint64_t prb,
				 struct lc_printk_log *log)
{
	const char *rt = "struct printk_ringbuffer";
	uint64_t rb_size;
	struct lc_error *err = lc_types_sizeof(types, rt, &rb_size);
	if (err)
		return err;
	if (rb_size > 4096)
		return lc_error_create(LC_ERR_BAD_DATA, "'%s' is implausibly large", rt);
	lc_autofree uint8_t *rb = NULL;
	err = read_alloc(prog, prb, rb_size, &rb);
	if (err)
		return lc_error_prefix(err, "reading the printk ring at 0x%" PRIx64, prb);

	struct lc_prb_layout l = {.big_endian = prog->big_endian, .long_size = prog->ptr_size};
	struct lc_printk_field f_count, f_descs, f_infos, f_head, f_tail, f_size, f_data,
		f_hlpos, f_tlpos, f_fail;
	bool has_infos = lc_types_has_member(types, rt, "desc_ring.infos");
	if ((err = member_field(types, rt, "desc_ring.count_bits", &f_count)) ||
	    (err = member_field(types, rt, "desc_ring.descs", &f_descs)) ||
	    (err = member_field(types, rt, "desc_ring.head_id", &f_head)) ||
	    (err = member_field(types, rt, "desc_ring.tail_id", &f_tail)) ||
	    (err = member_field(types, rt, "text_data_ring.size_bits", &f_size)) ||
	    (err = member_field(types, rt, "text_data_ring.data", &f_data)) ||
	    (err = member_field(types, rt, "text_data_ring.head_lpos", &f_hlpos)) ||
	    (err = member_field(types, rt, "text_data_ring.tail_lpos", &f_tlpos)) ||
	    (has_infos && (err = member_field(types, rt, "desc_ring.infos", &f_infos))))
		return err;
	f_descs.size = f_infos.size = f_data.size = (uint8_t)prog->ptr_size;
	l.count_bits = (unsigned)lc_printk_field_get(&f_count, rb, l.big_endian);
	l.size_bits = (unsigned)lc_printk_field_get(&f_size, rb, l.big_endian);
	l.head_id = lc_printk_field_get(&f_head, rb, l.big_endian);
	l.tail_id = lc_printk_field_get(&f_tail, rb, l.big_endian);
	l.head_lpos = lc_printk_field_get(&f_hlpos, rb, l.big_endian);
	l.tail_lpos = lc_printk_field_get(&f_tlpos, rb, l.big_endian);
	uint64_t descs = lc_printk_field_get(&f_descs, rb, l.big_endian);
	uint64_t infos = has_infos ? lc_printk_field_get(&f_infos, rb, l.big_endian) : 0;
	uint64_t data = lc_printk_field_get(&f_data, rb, l.big_endian);
	if (!member_field(types, rt, "fail", &f_fail))
		log->dropped = lc_printk_field_get(&f_fail, rb, l.big_endian);
	if (l.count_bits > MAX_DESC_COUNT_BITS || l.size_bits > MAX_DATA_SIZE_BITS ||
	    l.size_bits < 4)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "printk ring has implausible sizes (count_bits %u, size_bits "
				       "%u)",
				       l.count_bits, l.size_bits);

	const char *dt = "struct prb_desc";
	uint64_t desc_size;
	if ((err = lc_types_sizeof(types, dt, &desc_size)) ||
	    (err = member_field(types, dt, "state_var", &l.state_var)) ||
	    (err = member_field(types, dt, "text_blk_lpos.begin", &l.lpos_begin)) ||
	    (err = member_field(types, dt, "text_blk_lpos.next", &l.lpos_next)))
		return err;
	l.desc_size = desc_size;
	if (has_infos) {
		uint64_t info_size;
		if ((err = lc_types_sizeof(types, "struct printk_info", &info_size)) ||
		    (err = prb_info_layout(types, "struct printk_info", &l)))
			return err;
		l.info_stride = info_size;
		l.info_offset = 0;
	} else {
		/*
		 * The ring as first merged for 5.10 (commit 896fbe20b4e2) kept
		 * struct printk_info inside each descriptor; cfe2847ba8 moved
		 * it to its own array before 5.10 was released.
		 */
		uint64_t off;
		if ((err = lc_types_offsetof(types, dt, "info", &off)) ||
		    (err = prb_info_layout(types, "struct printk_info", &l)))
			return err;
		l.info_stride = desc_size;
		l.info_offset = off;
	}
	uint64_t count = 1ull << l.count_bits, text_size = 1ull << l.size_bits;
	if (count * l.desc_size > (64u << 20) || count * l.info_stride > (256u << 20))
		return lc_error_create(LC_ERR_BAD_DATA, "printk ring has %" PRIu64
				       " descriptors: implausible",
				       count);
	lc_autofree uint8_t *dbuf = NULL;
	lc_autofree uint8_t *ibuf = NULL;
	lc_autofree uint8_t *tbuf = NULL;
	if ((err = read_alloc(prog, descs, count * l.desc_size, &dbuf)))
		return lc_error_prefix(err, "reading %" PRIu64 " printk descriptors", count);
	if (has_infos && (err = read_alloc(prog, infos, count * l.info_stride, &ibuf)))
		return lc_error_prefix(err, "reading %" PRIu64 " printk infos", count);
	if ((err = read_alloc(prog, data, text_size, &tbuf)))
		return lc_error_prefix(err, "reading the %" PRIu64 "-byte printk text ring",
				       text_size);
	struct lc_prb_buffers b = {
		.descs = dbuf,
		.descs_size = count * l.desc_size,
		.infos = has_infos ? ibuf : dbuf,
		.infos_size = count * l.info_stride,
		.text = tbuf,
		.text_size = text_size,
	};
	return lc_prb_parse(&l, &b, log);
}

static struct lc_error *read_sym_uint(struct lc_program *prog, const char *name, size_t size,
				      uint64_t *ret)
{
	uint64_t addr;
	struct lc_error *err = lc_symbol_address(prog, name, &addr);
	if (!err)
		err = lc_read_uint(prog, addr, size, ret);
	return err ? lc_error_prefix(err, "reading '%s'", name) : NULL;
}

static struct lc_error *read_log_buf(struct lc_program *prog, struct lc_types *types,
				     struct lc_printk_log *log)
{
	const char *t = "struct printk_log";
	struct lc_log_buf_layout l = {.big_endian = prog->big_endian};
	uint64_t hsize, log_buf, len, first_idx, next_idx, first_seq;
	struct lc_error *err;
	if ((err = lc_types_sizeof(types, t, &hsize)) ||
	    (err = member_field(types, t, "ts_nsec", &l.ts_nsec)) ||
	    (err = member_field(types, t, "len", &l.len)) ||
	    (err = member_field(types, t, "text_len", &l.text_len)) ||
	    (err = member_field(types, t, "dict_len", &l.dict_len)) ||
	    (err = member_field(types, t, "facility", &l.facility)) ||
	    (err = member_field(types, t, "flags", &l.flags)) ||
	    (err = member_field(types, t, "level", &l.level)))
		return err;
	l.header_size = hsize;
	/* caller_id exists with CONFIG_PRINTK_CALLER (5.1 to 5.9). */
	if (lc_types_has_member(types, t, "caller_id") &&
	    (err = member_field(types, t, "caller_id", &l.caller_id)))
		return err;
	if ((err = read_sym_uint(prog, "log_buf", prog->ptr_size, &log_buf)) ||
	    (err = read_sym_uint(prog, "log_buf_len", 4, &len)) ||
	    (err = read_sym_uint(prog, "log_first_idx", 4, &first_idx)) ||
	    (err = read_sym_uint(prog, "log_next_idx", 4, &next_idx)) ||
	    (err = read_sym_uint(prog, "log_first_seq", 8, &first_seq)))
		return err;
	if (!len || len > MAX_LOG_BUF_SIZE)
		return lc_error_create(LC_ERR_BAD_DATA, "log_buf_len %" PRIu64 " is implausible",
				       len);
	lc_autofree uint8_t *buf = NULL;
	err = read_alloc(prog, log_buf, len, &buf);
	if (err)
		return lc_error_prefix(err, "reading the %" PRIu64 "-byte log_buf", len);
	return lc_log_buf_parse(&l, buf, len, first_idx, next_idx, first_seq, log);
}

/* Text that printk_safe/NMI context printed into per-CPU buffers and never flushed. */
static struct lc_error *read_percpu_buffers(struct lc_program *prog, struct lc_types *types,
					    struct lc_printk_log *log)
{
	static const struct {
		const char *sym;
		enum lc_printk_ring ring;
	} bufs[] = {
		{"nmi_print_seq", LC_PRINTK_RING_NMI},
		{"safe_print_seq", LC_PRINTK_RING_SAFE},
	};
	const struct lc_kernel *k = NULL;
	for (size_t i = 0; i < LC_ARRAY_SIZE(bufs); i++) {
		uint64_t var;
		struct lc_error *err = lc_symbol_address(prog, bufs[i].sym, &var);
		if (err) {
			/* Removed in 5.15 with printk_safe's buffers (commit 93d102f094be). */
			lc_error_destroy(err);
			continue;
		}
		const struct lc_type *type;
		if ((err = lc_types_find_variable(types, bufs[i].sym, &type)))
			return err;
		const char *tname = lc_type_unqualified(type)->name;
		char spec[64];
		snprintf(spec, sizeof(spec), "struct %s", tname ? tname : "printk_safe_seq_buf");
		uint64_t len_off, lost_off, buf_off;
		struct lc_member_info bi;
		if ((err = lc_types_offsetof(types, spec, "len", &len_off)) ||
		    (err = lc_types_offsetof(types, spec, "message_lost", &lost_off)) ||
		    (err = lc_types_member_info(types, spec, "buffer", &bi)))
			return err;
		buf_off = bi.bit_offset / 8;
		uint64_t buf_size = lc_type_unqualified(bi.type)->size;
		if (!buf_size || buf_size > MAX_PERCPU_BUF)
			return lc_error_create(LC_ERR_BAD_DATA, "'%s.buffer' has implausible size",
					       spec);
		if (!k && (err = lc_kernel_get(prog, &k)))
			return err;
		for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
			if (!k->cpus[cpu].possible)
				continue;
			uint64_t addr, len, lost;
			err = lc_percpu_address(prog, var, cpu, &addr);
			if (!err)
				err = lc_read_uint(prog, addr + len_off, 4, &len);
			if (!err)
				err = lc_read_uint(prog, addr + lost_off, 4, &lost);
			if (err) {
				struct lc_error *e2 = lc_printk_log_note(
					log, "%s of CPU %u: unreadable: %s", bufs[i].sym, cpu,
					lc_error_message(err));
				lc_error_destroy(err);
				if (e2)
					return e2;
				continue;
			}
			if ((uint32_t)lost) {
				err = lc_printk_log_note(log,
							 "%s of CPU %u: %u message%s lost before "
							 "the dump",
							 bufs[i].sym, cpu, (unsigned)lost,
							 lost == 1 ? "" : "s");
				if (err)
					return err;
			}
			if (!(uint32_t)len)
				continue;
			if ((uint32_t)len > buf_size) {
				err = lc_printk_log_note(log,
							 "%s of CPU %u: length %u exceeds the %" PRIu64
							 "-byte buffer: reading all of it",
							 bufs[i].sym, cpu, (unsigned)len, buf_size);
				if (err)
					return err;
				len = buf_size;
			}
			lc_autofree uint8_t *text = NULL;
			err = read_alloc(prog, addr + buf_off, len, &text);
			if (!err)
				err = lc_printk_percpu_parse(text, len, cpu, bufs[i].ring, log);
			if (err && err != lc_error_nomem) {
				struct lc_error *e2 = lc_printk_log_note(
					log, "%s of CPU %u: %s", bufs[i].sym, cpu,
					lc_error_message(err));
				lc_error_destroy(err);
				err = e2;
			}
			if (err)
				return err;
		}
	}
	return NULL;
}

/*
 * Which records no console printed. 5.19 (commit a699449bb13b) gave each
 * console its own seq; before, one console_seq served all of them. 6.2
 * (commit 6c4afa79147e) moved the consoles from console_drivers to the
 * console_list hlist.
 */
static struct lc_error *read_consoles(struct lc_program *prog, struct lc_types *types,
				      struct lc_printk_log *log)
{
	const char *ct = "struct console";
	struct lc_error *err;
	uint64_t v;
	if (!lc_types_has_member(types, ct, "seq")) {
		err = read_sym_uint(prog, "console_seq", 8, &v);
		if (err)
			return err;
		log->console_seq_known = true;
		log->console_seq = v;
		return NULL;
	}
	bool hlist = lc_types_has_member(types, ct, "node");
	uint64_t link_off = 0, con = 0;
	if ((err = lc_types_offsetof(types, ct, hlist ? "node" : "next", &link_off)) ||
	    (err = read_sym_uint(prog, hlist ? "console_list" : "console_drivers", prog->ptr_size,
				 &con)))
		return err;
	/* CON_ENABLED: a #define until 6.2 made it enum cons_flags. */
	int64_t enabled_flag = 4, nbcon_flag = 0;
	err = lc_types_enum_value(types, "enum cons_flags", "CON_ENABLED", &enabled_flag);
	lc_error_destroy(err);
	/* 6.6+ nbcon consoles keep their position in nbcon_seq. */
	bool has_nbcon = lc_types_has_member(types, ct, "nbcon_seq") &&
			 !(err = lc_types_enum_value(types, "enum cons_flags", "CON_NBCON",
						     &nbcon_flag));
	lc_error_destroy(err);
	struct lc_u64set seen;
	lc_u64set_init(&seen);
	uint64_t max_seq = 0;
	size_t capacity = 0;
	bool any = false;
	while (con) {
		if (hlist)
			con -= link_off;
		bool dup;
		if ((err = lc_u64set_add(&seen, con, &dup)))
			break;
		if (dup || seen.count > MAX_CONSOLES) {
			err = lc_printk_log_note(log, "console list: cycle or too many consoles");
			break;
		}
		struct lc_printk_console c = {0};
		uint64_t name, flags, index, seq, next;
		if ((err = lc_member_address(prog, con, ct, "name", &name)) ||
		    (err = lc_read(prog, name, c.name, 16)) ||
		    (err = lc_read_member(prog, con, ct, "flags", &flags)) ||
		    (err = lc_read_member(prog, con, ct, "index", &index)) ||
		    (err = lc_read_member(prog, con, ct, "seq", &seq)) ||
		    (err = lc_read_ulong(prog, con + link_off, &next))) {
			err = lc_error_prefix(err, "reading console 0x%" PRIx64, con);
			break;
		}
		c.flags = (unsigned)flags;
		c.index = (int)(int16_t)index;
		c.enabled = (flags & (uint64_t)enabled_flag) != 0;
		if (has_nbcon && (flags & (uint64_t)nbcon_flag)) {
			if ((err = lc_read_member(prog, con, ct, "nbcon_seq", &seq)))
				break;
		}
		c.seq = seq;
		if (!lc_grow((void **)&log->consoles, &capacity, log->nconsoles + 1, sizeof(c))) {
			err = lc_error_nomem;
			break;
		}
		log->consoles[log->nconsoles++] = c;
		if (c.enabled) {
			if (!any || seq > max_seq)
				max_seq = seq;
			any = true;
		}
		con = next;
	}
	lc_u64set_deinit(&seen);
	if (err)
		return err;
	if (any) {
		log->console_seq_known = true;
		log->console_seq = max_seq;
	}
	return NULL;
}

static void read_console_sem(struct lc_program *prog, struct lc_printk_log *log)
{
	uint64_t sem, count, owner;
	struct lc_error *err = lc_symbol_address(prog, "console_sem", &sem);
	if (!err)
		err = lc_read_member(prog, sem, "struct semaphore", "count", &count);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	log->console_sem_known = true;
	log->console_sem_count = (int64_t)(int32_t)count;
	/* console_owner: the task printing with the waiter hand-off (4.16+). */
	uint64_t addr;
	err = lc_symbol_address(prog, "console_owner", &addr);
	if (!err)
		err = lc_read_ulong(prog, addr, &owner);
	if (!err)
		log->console_owner = owner;
	lc_error_destroy(err);
}

static struct lc_error *note_error(struct lc_printk_log *log, const char *what,
				   struct lc_error *err)
{
	if (!err || err == lc_error_nomem)
		return err;
	struct lc_error *e2 = lc_printk_log_note(log, "%s: %s", what, lc_error_message(err));
	lc_error_destroy(err);
	return e2;
}

static struct lc_error *read_log(struct lc_program *prog, struct lc_printk_log *log)
{
	struct lc_types *types;
	struct lc_error *err = lc_program_types(prog, &types);
	if (err)
		return err;
	uint64_t prb_sym, prb;
	err = lc_symbol_address(prog, "prb", &prb_sym);
	if (!err) {
		err = lc_read_ulong(prog, prb_sym, &prb);
		if (!err)
			err = read_prb(prog, types, prb, log);
		if (err)
			return lc_error_prefix(err, "reading the printk ring buffer");
	} else if (lc_error_code(err) == LC_ERR_LOOKUP) {
		/* No lockless ring: the structured log_buf of 3.5 to 5.9. */
		lc_error_destroy(err);
		err = read_log_buf(prog, types, log);
		if (err)
			return lc_error_prefix(err, "reading the printk log_buf");
	} else {
		return err;
	}
	size_t main_count = log->count;
	if ((err = note_error(log, "per-CPU printk buffers", read_percpu_buffers(prog, types, log))))
		return err;
	if ((err = note_error(log, "console positions", read_consoles(prog, types, log))))
		return err;
	read_console_sem(prog, log);
	if (log->console_seq_known) {
		for (size_t i = 0; i < main_count; i++) {
			struct lc_printk_record *r = &log->records[i];
			if (r->has_seq && r->seq >= log->console_seq)
				r->not_on_console = true;
		}
	}
	if (log->dropped) {
		err = lc_printk_log_note(log,
					 "the ring refused %" PRIu64 " record%s (no room even for "
					 "a data-less record)",
					 log->dropped, log->dropped == 1 ? "" : "s");
		if (err)
			return err;
	}
	return lc_log_events_parse(log->records, log->count, &log->events);
}

struct lc_error *lc_printk_get(struct lc_program *prog, const struct lc_printk_log **ret)
{
	if (!prog->printk) {
		struct lc_printk_log *log = malloc(sizeof(*log));
		if (!log)
			return lc_error_nomem;
		lc_printk_log_init(log);
		struct lc_error *err = read_log(prog, log);
		if (err) {
			lc_printk_log_destroy(log);
			return err;
		}
		prog->printk = log;
	}
	*ret = prog->printk;
	return NULL;
}

struct lc_error *lc_printk_panic_message(struct lc_program *prog, char **ret)
{
	const struct lc_printk_log *log;
	struct lc_error *err = lc_printk_get(prog, &log);
	if (err)
		return err;
	for (size_t i = 0; i < log->events.count; i++) {
		const struct lc_log_event *e = &log->events.events[i];
		if (e->kind != LC_LOG_EVENT_PANIC)
			continue;
		return lc_strdup(e->message ? e->message : "", ret);
	}
	*ret = NULL;
	return NULL;
}
