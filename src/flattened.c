// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The flattened format of `makedumpfile -F` exists so a dump can be written
 * to a pipe (ssh, a raw disk): instead of seeking, makedumpfile emits each
 * write as a record {offset, size, data}. Reassembly replays those writes in
 * order, so a later record overwrites an earlier one exactly as the seeks
 * would have. The input is treated as a stream: it may come from a pipe or a
 * decompressor, so nothing here seeks or assumes the total size.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_file.h"
#include "util.h"

/* The stream header is one page, whatever the dumped machine's page size. */
#define FLAT_HEADER_SIZE 4096
#define FLAT_SIGNATURE_SIZE 16
#define FLAT_TYPE 1
#define FLAT_RECORD_HEADER_SIZE 16
/* Both offset and size are -1 in the record that ends the stream. */
#define FLAT_END_MARKER (-1)

/*
 * makedumpfile writes at most a few MiB per record; a bigger one is damage,
 * and rejecting it early gives a better message than a short read later.
 */
#define FLAT_MAX_RECORD_SIZE (1ull << 30)
/*
 * Offsets are positions in the reassembled file, so they stay near the size
 * of the dumped RAM; 1 PiB is far beyond any machine and keeps offset + size
 * clear of overflow and of file size limits.
 */
#define FLAT_MAX_FILE_SIZE (1ull << 50)

#define FLAT_PROGRESS_STEP (4ull << 20)
#define FLAT_READ_SIZE (1u << 20)

static const char flat_signature[FLAT_SIGNATURE_SIZE] = "makedumpfile";
static const char flat_progress_what[] = "reassembling flattened dump";

enum flat_state {
	FLAT_IN_HEADER,
	FLAT_IN_RECORD_HEADER,
	FLAT_IN_DATA,
	FLAT_AT_END,
};

struct lc_flattened {
	int out_fd;
	lc_progress_fn *progress;
	void *progress_arg;
	uint64_t total;
	uint64_t next_progress;

	enum flat_state state;
	uint64_t pos;	  /* bytes of the stream consumed so far */
	uint64_t records; /* data records seen completely, for messages */

	/* Partial stream or record header, since pieces may split anywhere. */
	uint8_t head[32];
	size_t head_len;

	/* The record whose data is being copied. */
	uint64_t record_pos; /* stream position of its header */
	uint64_t offset;     /* where the next data byte goes */
	uint64_t size;
	uint64_t remaining;
};

int lc_flattened_probe(const void *head, size_t size)
{
	return size >= FLAT_SIGNATURE_SIZE &&
	       memcmp(head, flat_signature, FLAT_SIGNATURE_SIZE) == 0;
}

struct lc_error *lc_flattened_create(int out_fd, lc_progress_fn *progress, void *progress_arg,
				     uint64_t total, struct lc_flattened **ret)
{
	if (out_fd < 0)
		return lc_error_create(LC_ERR_INVALID, "no output file for the reassembled dump");
	struct lc_flattened *flat = calloc(1, sizeof(*flat));
	if (!flat)
		return lc_error_nomem;
	flat->out_fd = out_fd;
	flat->progress = progress;
	flat->progress_arg = progress_arg;
	flat->total = total;
	flat->next_progress = FLAT_PROGRESS_STEP;
	flat->state = FLAT_IN_HEADER;
	*ret = flat;
	return NULL;
}

void lc_flattened_destroy(struct lc_flattened *flat)
{
	free(flat);
}

static struct lc_error *flat_write(struct lc_flattened *flat, const uint8_t *data, size_t size)
{
	while (size) {
		ssize_t n = pwrite(flat->out_fd, data, size, (off_t)flat->offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* A zero-byte write would loop forever; it means the same as ENOSPC. */
			int e = n < 0 ? errno : ENOSPC;
			return lc_error_create(LC_ERR_OS,
					       "cannot write %zu bytes at offset %" PRIu64
					       " of the reassembled dump: %s",
					       size, flat->offset, strerror(e));
		}
		data += n;
		size -= (size_t)n;
		flat->offset += (uint64_t)n;
		flat->remaining -= (uint64_t)n;
	}
	return NULL;
}

static bool flat_signature_prefix_ok(const struct lc_flattened *flat)
{
	size_t n = flat->head_len < FLAT_SIGNATURE_SIZE ? flat->head_len : FLAT_SIGNATURE_SIZE;
	return memcmp(flat->head, flat_signature, n) == 0;
}

static struct lc_error *flat_no_signature(void)
{
	return lc_error_create(LC_ERR_FORMAT,
			       "no flattened dump signature at byte 0 (expected \"makedumpfile\")");
}

static struct lc_error *flat_check_header(struct lc_flattened *flat)
{
	if (!lc_flattened_probe(flat->head, flat->head_len))
		return flat_no_signature();
	/* The header is big-endian like the records, whatever the dumping machine was. */
	int64_t type = (int64_t)lc_load_uint(flat->head + FLAT_SIGNATURE_SIZE, 8, true);
	if (type != FLAT_TYPE)
		return lc_error_create(LC_ERR_FORMAT,
				       "flattened dump header at byte %d has type %" PRId64
				       ", expected %d%s",
				       FLAT_SIGNATURE_SIZE, type, FLAT_TYPE,
				       lc_bswap64((uint64_t)type) == FLAT_TYPE
					       ? " (written little-endian, not by makedumpfile?)"
					       : "");
	/*
	 * The version (next 8 bytes) is not checked: there has only ever been
	 * version 1, and makedumpfile -R ignores it too.
	 */
	return NULL;
}

static struct lc_error *flat_start_record(struct lc_flattened *flat)
{
	int64_t offset = (int64_t)lc_load_uint(flat->head, 8, true);
	int64_t size = (int64_t)lc_load_uint(flat->head + 8, 8, true);
	uint64_t number = flat->records + 1;

	if (offset == FLAT_END_MARKER && size == FLAT_END_MARKER) {
		if (!flat->records)
			return lc_error_create(
				LC_ERR_FORMAT,
				"flattened dump holds no records (end marker at byte %" PRIu64 ")",
				flat->record_pos);
		flat->state = FLAT_AT_END;
		return NULL;
	}
	if (offset < 0)
		return lc_error_create(LC_ERR_FORMAT,
				       "flattened dump record %" PRIu64 " at byte %" PRIu64
				       " has a negative offset (%" PRId64 ")",
				       number, flat->record_pos, offset);
	if (size < 0)
		return lc_error_create(LC_ERR_FORMAT,
				       "flattened dump record %" PRIu64 " at byte %" PRIu64
				       " has a negative size (%" PRId64 ")",
				       number, flat->record_pos, size);
	if ((uint64_t)size > FLAT_MAX_RECORD_SIZE)
		return lc_error_create(LC_ERR_FORMAT,
				       "flattened dump record %" PRIu64 " at byte %" PRIu64
				       " has an absurd size (%" PRId64 " bytes, limit %llu)",
				       number, flat->record_pos, size, FLAT_MAX_RECORD_SIZE);
	/* Both are below 2^63, so the sum cannot wrap. */
	if ((uint64_t)offset + (uint64_t)size > FLAT_MAX_FILE_SIZE)
		return lc_error_create(LC_ERR_FORMAT,
				       "flattened dump record %" PRIu64 " at byte %" PRIu64
				       " has an absurd offset (0x%" PRIx64 " + %" PRId64
				       " bytes ends beyond 1 PiB)",
				       number, flat->record_pos, (uint64_t)offset, size);
	flat->offset = (uint64_t)offset;
	flat->size = (uint64_t)size;
	flat->remaining = (uint64_t)size;
	flat->state = FLAT_IN_DATA;
	/* An empty record writes nothing, as a zero-length write would. */
	if (!size) {
		flat->records++;
		flat->state = FLAT_IN_RECORD_HEADER;
	}
	return NULL;
}

static void flat_report_progress(struct lc_flattened *flat)
{
	if (!flat->progress || flat->pos < flat->next_progress)
		return;
	flat->progress(flat->progress_arg, flat_progress_what, flat->pos, flat->total);
	flat->next_progress = flat->pos + FLAT_PROGRESS_STEP;
}

struct lc_error *lc_flattened_feed(struct lc_flattened *flat, const void *data, size_t size)
{
	const uint8_t *p = data;
	struct lc_error *err;

	while (size) {
		size_t take;
		switch (flat->state) {
		case FLAT_IN_HEADER: {
			/* Keep the signature, type and version; the rest of the page is padding. */
			uint64_t left = FLAT_HEADER_SIZE - flat->pos;
			take = size < left ? size : (size_t)left;
			if (flat->head_len < sizeof(flat->head)) {
				size_t keep = sizeof(flat->head) - flat->head_len;
				if (keep > take)
					keep = take;
				memcpy(flat->head + flat->head_len, p, keep);
				flat->head_len += keep;
				/* Fail on a bad signature now, not after a page of it. */
				if (!flat_signature_prefix_ok(flat))
					return flat_no_signature();
				if (flat->head_len == sizeof(flat->head)) {
					err = flat_check_header(flat);
					if (err)
						return err;
				}
			}
			if (flat->pos + take == FLAT_HEADER_SIZE) {
				flat->state = FLAT_IN_RECORD_HEADER;
				flat->head_len = 0;
				flat->record_pos = FLAT_HEADER_SIZE;
			}
			break;
		}
		case FLAT_IN_RECORD_HEADER:
			take = FLAT_RECORD_HEADER_SIZE - flat->head_len;
			if (take > size)
				take = size;
			memcpy(flat->head + flat->head_len, p, take);
			flat->head_len += take;
			if (flat->head_len == FLAT_RECORD_HEADER_SIZE) {
				flat->head_len = 0;
				err = flat_start_record(flat);
				if (err)
					return err;
			}
			break;
		case FLAT_IN_DATA:
			take = size < flat->remaining ? size : (size_t)flat->remaining;
			err = flat_write(flat, p, take);
			if (err)
				return err;
			if (!flat->remaining) {
				flat->records++;
				flat->state = FLAT_IN_RECORD_HEADER;
			}
			break;
		case FLAT_AT_END:
		default:
			/* makedumpfile -R stops reading at the end marker; so do we. */
			take = size;
			break;
		}
		p += take;
		size -= take;
		flat->pos += take;
		if (flat->state == FLAT_IN_RECORD_HEADER && !flat->head_len)
			flat->record_pos = flat->pos;
	}
	flat_report_progress(flat);
	return NULL;
}

struct lc_error *lc_flattened_finish(struct lc_flattened *flat)
{
	switch (flat->state) {
	case FLAT_IN_HEADER:
		if (!flat->pos)
			return lc_error_create(LC_ERR_FORMAT, "flattened dump is empty");
		return lc_error_create(LC_ERR_FORMAT,
				       "flattened dump header is truncated at byte %" PRIu64
				       " (expected %d bytes)",
				       flat->pos, FLAT_HEADER_SIZE);
	case FLAT_IN_RECORD_HEADER:
		if (flat->head_len)
			return lc_error_create(LC_ERR_FORMAT,
					       "flattened dump record %" PRIu64
					       " header at byte %" PRIu64
					       " is truncated (%zu of %d bytes)",
					       flat->records + 1, flat->record_pos, flat->head_len,
					       FLAT_RECORD_HEADER_SIZE);
		return lc_error_create(LC_ERR_FORMAT,
				       "flattened dump ends without its end marker after %" PRIu64
				       " records (truncated?)",
				       flat->records);
	case FLAT_IN_DATA:
		return lc_error_create(LC_ERR_FORMAT,
				       "flattened dump record %" PRIu64 " at byte %" PRIu64
				       " is truncated (%" PRIu64 " of %" PRIu64 " data bytes)",
				       flat->records + 1, flat->record_pos,
				       flat->size - flat->remaining, flat->size);
	case FLAT_AT_END:
		break;
	}
	if (flat->progress)
		flat->progress(flat->progress_arg, flat_progress_what, flat->pos,
			       flat->total ? flat->total : flat->pos);
	return NULL;
}

struct lc_error *lc_flattened_reassemble(int in_fd, int out_fd, lc_progress_fn *progress,
					 void *progress_arg)
{
	if (in_fd < 0)
		return lc_error_create(LC_ERR_INVALID, "no input file for the flattened dump");

	/* Only for progress: a pipe has no size, and the stream is never trusted to match it. */
	uint64_t total = 0;
	struct stat st;
	if (fstat(in_fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		off_t at = lseek(in_fd, 0, SEEK_CUR);
		if (at >= 0 && at <= st.st_size)
			total = (uint64_t)(st.st_size - at);
	}

	struct lc_flattened *flat;
	struct lc_error *err = lc_flattened_create(out_fd, progress, progress_arg, total, &flat);
	if (err)
		return err;
	uint8_t *buf = malloc(FLAT_READ_SIZE);
	if (!buf) {
		lc_flattened_destroy(flat);
		return lc_error_nomem;
	}
	for (;;) {
		ssize_t n = read(in_fd, buf, FLAT_READ_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = lc_error_create(LC_ERR_OS,
					      "cannot read flattened dump at byte %" PRIu64 ": %s",
					      flat->pos, strerror(errno));
			break;
		}
		if (n == 0) {
			err = lc_flattened_finish(flat);
			break;
		}
		err = lc_flattened_feed(flat, buf, (size_t)n);
		if (err)
			break;
		/* Trailing bytes after the end marker are not part of the dump. */
		if (flat->state == FLAT_AT_END) {
			err = lc_flattened_finish(flat);
			break;
		}
	}
	free(buf);
	lc_flattened_destroy(flat);
	return err;
}

bool lc_flattened_ended(const struct lc_flattened *flat)
{
	return flat->state == FLAT_AT_END;
}
