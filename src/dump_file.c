// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Turn a dump path into a seekable fd for libkdumpfile. Plain ELF and
 * kdump-compressed files are passed through untouched; the containers
 * libkdumpfile 0.5.1 cannot read (makedumpfile's flattened stream, whole-file
 * zstd, or both) are unwrapped into an anonymous memory file. The output is
 * kept sparse, so it costs what the dump holds, not what its offsets span.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "dump_file.h"
#include "util.h"

/* Enough for every signature, and for a flattened header's type field. */
#define HEAD_SIZE 4096
/*
 * Plain output is written in whole blocks so all-zero ones can be skipped;
 * flushing only full buffers keeps every block aligned in the output.
 */
#define SINK_SIZE (1u << 20)
#define ZERO_BLOCK 4096
#define READ_SIZE (1u << 20)
#define PROGRESS_STEP (4ull << 20)

static const uint8_t zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd}; /* 0xfd2fb528, little-endian */

enum dump_kind {
	DUMP_UNKNOWN,
	DUMP_ELF,
	DUMP_KDUMP,
	DUMP_FLATTENED,
	DUMP_ZSTD,
};

static enum dump_kind dump_classify(const uint8_t *head, size_t size)
{
	if (size >= sizeof(zstd_magic) && memcmp(head, zstd_magic, sizeof(zstd_magic)) == 0)
		return DUMP_ZSTD;
	if (lc_flattened_probe(head, size))
		return DUMP_FLATTENED;
	if (size >= 4 && memcmp(head, "\177ELF", 4) == 0)
		return DUMP_ELF;
	/* "KDUMP   " is makedumpfile's kdump-compressed format, "DISKDUMP" the older diskdump. */
	if (size >= 8 && (memcmp(head, "KDUMP   ", 8) == 0 || memcmp(head, "DISKDUMP", 8) == 0))
		return DUMP_KDUMP;
	return DUMP_UNKNOWN;
}

/*
 * The smallest file that could hold the format's fixed header: an ELF header
 * (52 bytes for ELFCLASS32, 64 for ELFCLASS64), or the disk_dump_header
 * (464 bytes on 64-bit before its variable part).
 */
static uint64_t dump_min_size(enum dump_kind kind, const uint8_t *head, size_t size)
{
	switch (kind) {
	case DUMP_ELF:
		return size > 4 && head[4] == 1 ? 52 : 64;
	case DUMP_KDUMP:
		return 464;
	default:
		return 8;
	}
}

/* Checks a plain (or decompressed: adjective "zstd-compressed ") dump. */
static struct lc_error *dump_check_plain(const char *adjective, const char *path,
					 const uint8_t *head, size_t head_len, uint64_t size)
{
	enum dump_kind kind = dump_classify(head, head_len);
	uint64_t min = dump_min_size(kind, head, head_len);
	if (size < min)
		return lc_error_create(LC_ERR_FORMAT,
				       "%s'%s' is too short to be a crash dump (%" PRIu64 " bytes)",
				       adjective, path, size);
	if (kind != DUMP_ELF && kind != DUMP_KDUMP)
		return lc_error_create(
			LC_ERR_FORMAT,
			"%s'%s' is not a crash dump (no ELF, kdump or flattened signature)",
			adjective, path);
	/* Catches the common slip of passing vmlinux or a module where the dump goes. */
	if (kind == DUMP_ELF && head_len >= 18) {
		uint64_t type = lc_load_uint(head + 16, 2, head[5] == 2);
		static const char *const hints[] = {
			[1] = ", a relocatable object: a module?",
			[2] = ", an executable: vmlinux?",
			[3] = ", a shared object or PIE program",
		};
		if (type != 4 /* ET_CORE */)
			return lc_error_create(
				LC_ERR_FORMAT,
				"%s'%s' is an ELF file but not a core dump (e_type %" PRIu64 "%s)",
				adjective, path, type,
				type < LC_ARRAY_SIZE(hints) && hints[type] ? hints[type] : "");
	}
	return NULL;
}

static struct lc_error *memory_file_create(int *ret)
{
	int fd = memfd_create("lockcore-dump", MFD_CLOEXEC);
	if (fd >= 0) {
		*ret = fd;
		return NULL;
	}
	/* Kernels before 3.17 or seccomp policies without memfd: an unlinked file will do. */
	int memfd_errno = errno;
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return lc_error_create(
			LC_ERR_OS,
			"cannot create a memory file (%s) nor a temporary file in '%s': %s",
			strerror(memfd_errno), dir, strerror(errno));
	*ret = fd;
	return NULL;
}

static struct lc_error *write_all(int fd, const uint8_t *data, size_t size, uint64_t offset)
{
	while (size) {
		ssize_t n = pwrite(fd, data, size, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lc_error_create(LC_ERR_OS,
					       "cannot write %zu bytes at offset %" PRIu64
					       " of the unpacked dump: %s",
					       size, offset, strerror(n < 0 ? errno : ENOSPC));
		data += n;
		size -= (size_t)n;
		offset += (uint64_t)n;
	}
	return NULL;
}

static bool block_is_zero(const uint8_t *p, size_t size)
{
	return p[0] == 0 && memcmp(p, p + 1, size - 1) == 0;
}

enum sink_mode {
	SINK_UNDECIDED, /* decided from the first bytes: zstd may hold either */
	SINK_PLAIN,
	SINK_FLATTENED,
};

/* Where unwrapped bytes go, in stream order. */
struct sink {
	int out_fd;
	enum sink_mode mode;
	struct lc_flattened *flat;
	uint8_t *buf;
	size_t len;
	uint64_t consumed; /* bytes that entered the sink */
	uint64_t written;  /* logical size of plain output */
	uint8_t head[64];  /* first bytes, to check what a plain stream was */
	size_t head_len;
};

static struct lc_error *sink_init(struct sink *sink, int out_fd, enum sink_mode mode)
{
	memset(sink, 0, sizeof(*sink));
	sink->out_fd = out_fd;
	sink->buf = malloc(SINK_SIZE);
	if (!sink->buf)
		return lc_error_nomem;
	sink->mode = SINK_UNDECIDED;
	if (mode == SINK_FLATTENED) {
		struct lc_error *err = lc_flattened_create(out_fd, NULL, NULL, 0, &sink->flat);
		if (err)
			return err;
	}
	sink->mode = mode;
	return NULL;
}

static void sink_deinit(struct sink *sink)
{
	lc_flattened_destroy(sink->flat);
	free(sink->buf);
}

static struct lc_error *sink_write_plain(struct sink *sink, const uint8_t *data, size_t size)
{
	size_t i = 0;
	while (i < size) {
		size_t block = size - i < ZERO_BLOCK ? size - i : ZERO_BLOCK;
		if (block_is_zero(data + i, block)) {
			i += block;
			continue;
		}
		/* Coalesce a run of data blocks into one write. */
		size_t j = i + block;
		while (j < size) {
			size_t next = size - j < ZERO_BLOCK ? size - j : ZERO_BLOCK;
			if (block_is_zero(data + j, next))
				break;
			j += next;
		}
		struct lc_error *err = write_all(sink->out_fd, data + i, j - i, sink->written + i);
		if (err)
			return err;
		i = j;
	}
	sink->written += size;
	return NULL;
}

static struct lc_error *sink_flush(struct sink *sink)
{
	if (!sink->len)
		return NULL;
	if (sink->consumed == 0) {
		sink->head_len = sink->len < sizeof(sink->head) ? sink->len : sizeof(sink->head);
		memcpy(sink->head, sink->buf, sink->head_len);
	}
	if (sink->mode == SINK_UNDECIDED) {
		enum sink_mode mode =
			lc_flattened_probe(sink->buf, sink->len) ? SINK_FLATTENED : SINK_PLAIN;
		if (mode == SINK_FLATTENED) {
			struct lc_error *err =
				lc_flattened_create(sink->out_fd, NULL, NULL, 0, &sink->flat);
			if (err)
				return err;
		}
		sink->mode = mode;
	}
	struct lc_error *err = sink->mode == SINK_FLATTENED
				       ? lc_flattened_feed(sink->flat, sink->buf, sink->len)
				       : sink_write_plain(sink, sink->buf, sink->len);
	if (err)
		return err;
	sink->consumed += sink->len;
	sink->len = 0;
	return NULL;
}

static struct lc_error *sink_finish(struct sink *sink)
{
	struct lc_error *err = sink_flush(sink);
	if (err)
		return err;
	if (sink->mode == SINK_FLATTENED)
		return lc_flattened_finish(sink->flat);
	/* Skipped zero blocks at the end still belong to the file. */
	if (ftruncate(sink->out_fd, (off_t)sink->written) < 0)
		return lc_error_create(LC_ERR_OS,
				       "cannot extend the unpacked dump to %" PRIu64 " bytes: %s",
				       sink->written, strerror(errno));
	return NULL;
}

/* The input side: a file or pipe read once from start to end. */
struct input {
	int fd;
	const char *path;
	uint64_t pos;
	uint64_t total; /* 0 if unknown */
	lc_progress_fn *progress;
	void *progress_arg;
	const char *what;
	uint64_t next_progress;
};

static struct lc_error *input_read(struct input *in, void *buf, size_t size, size_t *ret)
{
	ssize_t n;
	do {
		n = read(in->fd, buf, size);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return lc_error_create(LC_ERR_OS, "cannot read '%s' at byte %" PRIu64 ": %s",
				       in->path, in->pos, strerror(errno));
	in->pos += (uint64_t)n;
	if (in->progress && in->pos >= in->next_progress) {
		in->progress(in->progress_arg, in->what, in->pos, in->total);
		in->next_progress = in->pos + PROGRESS_STEP;
	}
	*ret = (size_t)n;
	return NULL;
}

/* The last report says 100%, also when a stream ended before the end of its file. */
static void input_done(struct input *in)
{
	if (in->progress)
		in->progress(in->progress_arg, in->what, in->pos, in->pos);
}

/* Read until size bytes or the end: a pipe may return less than asked. */
static struct lc_error *input_read_full(struct input *in, void *buf, size_t size, size_t *ret)
{
	size_t got = 0;
	while (got < size) {
		size_t n;
		struct lc_error *err = input_read(in, (uint8_t *)buf + got, size - got, &n);
		if (err)
			return err;
		if (!n)
			break;
		got += n;
	}
	*ret = got;
	return NULL;
}

/* Copy the rest of the input through the sink; head was already read. */
static struct lc_error *unwrap_stream(struct input *in, struct sink *sink, const uint8_t *head,
				      size_t head_len)
{
	memcpy(sink->buf, head, head_len);
	sink->len = head_len;
	struct lc_error *err;
	for (;;) {
		if (sink->len == SINK_SIZE || sink->mode == SINK_FLATTENED) {
			err = sink_flush(sink);
			if (err)
				goto sink_failed;
			/* A stream on a raw disk is followed by whatever the disk held before. */
			if (sink->mode == SINK_FLATTENED && lc_flattened_ended(sink->flat))
				break;
		}
		size_t n;
		err = input_read(in, sink->buf + sink->len, SINK_SIZE - sink->len, &n);
		if (err)
			return err;
		if (!n)
			break;
		sink->len += n;
	}
	input_done(in);
	err = sink_finish(sink);
sink_failed:
	/* Errors of the stream's content do not say which file they are in. */
	if (err && sink->mode == SINK_FLATTENED)
		err = lc_error_prefix(err, "reading '%s'", in->path);
	return err;
}

static void zstd_error_text(size_t code, char *buf, size_t size)
{
	/* libzstd capitalizes its messages; ours are lowercase. */
	snprintf(buf, size, "%s", ZSTD_getErrorName(code));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

static struct lc_error *unwrap_zstd(struct input *in, struct sink *sink, const uint8_t *head,
				    size_t head_len)
{
	uint8_t *inbuf = malloc(READ_SIZE);
	ZSTD_DStream *zds = ZSTD_createDStream();
	struct lc_error *err = NULL;
	if (!inbuf || !zds) {
		err = lc_error_nomem;
		goto out;
	}
	/*
	 * Allow the largest window zstd can write (--long=31); the memory is
	 * only taken if a frame asks for it, and the dump is the user's own.
	 */
	ZSTD_DCtx_setParameter(zds, ZSTD_d_windowLogMax, sizeof(size_t) == 4 ? 30 : 31);

	memcpy(inbuf, head, head_len);
	ZSTD_inBuffer zin = {inbuf, head_len, 0};
	uint64_t zin_start = 0; /* input position of inbuf[0] */
	size_t last = 1;	/* 0 once a frame is complete and flushed */
	bool pending = false;	/* the decoder may hold output that did not fit */
	for (;;) {
		/*
		 * Call the decoder without input only to drain it: between frames
		 * it would ask for a new frame header, which is not truncation.
		 */
		if (zin.pos == zin.size && !pending) {
			size_t n;
			zin_start = in->pos;
			err = input_read(in, inbuf, READ_SIZE, &n);
			if (err)
				goto out;
			if (!n)
				break;
			zin.size = n;
			zin.pos = 0;
		}
		ZSTD_outBuffer zout = {sink->buf, SINK_SIZE, sink->len};
		size_t ret = ZSTD_decompressStream(zds, &zout, &zin);
		if (ZSTD_isError(ret)) {
			char text[128];
			zstd_error_text(ret, text, sizeof(text));
			err = lc_error_create(LC_ERR_FORMAT,
					      "zstd stream in '%s' is corrupt near byte %" PRIu64
					      ": %s",
					      in->path, zin_start + zin.pos, text);
			goto out;
		}
		pending = zout.pos == zout.size && ret != 0;
		sink->len = zout.pos;
		last = ret;
		if (sink->len == SINK_SIZE) {
			err = sink_flush(sink);
			if (err)
				goto sink_failed;
		}
	}
	input_done(in);
	if (last != 0) {
		err = lc_error_create(LC_ERR_FORMAT,
				      "zstd stream in '%s' ends early after %" PRIu64
				      " bytes (%" PRIu64 " bytes decompressed; truncated?)",
				      in->path, in->pos, sink->consumed + sink->len);
		goto out;
	}
	err = sink_finish(sink);
sink_failed:
	if (err && sink->mode == SINK_FLATTENED)
		err = lc_error_prefix(err, "reading '%s' after zstd decompression", in->path);
out:
	ZSTD_freeDStream(zds);
	free(inbuf);
	return err;
}

struct lc_error *lc_dump_file_open(const char *path, lc_progress_fn *progress, void *progress_arg,
				   struct lc_dump_file *ret)
{
	if (!path || !ret)
		return lc_error_create(LC_ERR_INVALID, "no dump file given");

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lc_error_create(LC_ERR_OS, "cannot open '%s': %s", path, strerror(errno));

	struct lc_error *err = NULL;
	int out_fd = -1;
	struct sink sink = {.out_fd = -1};
	struct stat st;
	if (fstat(fd, &st) < 0) {
		err = lc_error_create(LC_ERR_OS, "cannot stat '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		err = lc_error_create(LC_ERR_INVALID, "'%s' is a directory, not a dump file", path);
		goto fail;
	}
	bool regular = S_ISREG(st.st_mode);
	if (regular && st.st_size == 0) {
		err = lc_error_create(LC_ERR_FORMAT, "'%s' is empty", path);
		goto fail;
	}

	struct input in = {
		.fd = fd,
		.path = path,
		.total = regular ? (uint64_t)st.st_size : 0,
		.progress = progress,
		.progress_arg = progress_arg,
		.next_progress = PROGRESS_STEP,
	};
	/* The head is read, not peeked, because the input may be a pipe. */
	uint8_t head[HEAD_SIZE];
	size_t head_len;
	err = input_read_full(&in, head, sizeof(head), &head_len);
	if (err)
		goto fail;
	if (!head_len) {
		err = lc_error_create(LC_ERR_FORMAT, "'%s' is empty", path);
		goto fail;
	}

	enum dump_kind kind = dump_classify(head, head_len);
	bool seekable = lseek(fd, 0, SEEK_SET) == 0;
	if (kind != DUMP_ZSTD && kind != DUMP_FLATTENED) {
		/*
		 * Judge a plain stream by its head before copying any of it; when
		 * the head is short, the stream ended there and that is its size.
		 */
		uint64_t size = head_len < sizeof(head) ? head_len : UINT64_MAX;
		if (regular)
			size = (uint64_t)st.st_size;
		err = dump_check_plain("", path, head, head_len, size);
		if (err)
			goto fail;
		if (seekable) {
			ret->fd = fd;
			ret->wrapper = NULL;
			return NULL;
		}
	}
	if (lseek(fd, (off_t)head_len, SEEK_SET) < 0 && seekable) {
		err = lc_error_create(LC_ERR_OS, "cannot seek in '%s': %s", path, strerror(errno));
		goto fail;
	}

	err = memory_file_create(&out_fd);
	if (err)
		goto fail;
	const char *wrapper;
	switch (kind) {
	case DUMP_ZSTD:
		in.what = "decompressing zstd dump";
		err = sink_init(&sink, out_fd, SINK_UNDECIDED);
		if (!err)
			err = unwrap_zstd(&in, &sink, head, head_len);
		if (err)
			goto fail;
		if (sink.mode == SINK_FLATTENED) {
			wrapper = "zstd+flattened";
			break;
		}
		wrapper = "zstd";
		err = dump_check_plain("zstd-compressed ", path, sink.head, sink.head_len,
				       sink.written);
		if (err)
			goto fail;
		break;
	case DUMP_FLATTENED:
		in.what = "reassembling flattened dump";
		err = sink_init(&sink, out_fd, SINK_FLATTENED);
		if (!err)
			err = unwrap_stream(&in, &sink, head, head_len);
		if (err)
			goto fail;
		wrapper = "flattened";
		break;
	default:
		/*
		 * A plain dump from a pipe: libkdumpfile needs to seek, so it is
		 * copied, and it is still a plain dump.
		 */
		in.what = "copying dump";
		err = sink_init(&sink, out_fd, SINK_PLAIN);
		if (!err)
			err = unwrap_stream(&in, &sink, head, head_len);
		if (err)
			goto fail;
		wrapper = NULL;
		break;
	}
	sink_deinit(&sink);
	close(fd);
	ret->fd = out_fd;
	ret->wrapper = wrapper;
	return NULL;

fail:
	sink_deinit(&sink);
	if (out_fd >= 0)
		close(out_fd);
	close(fd);
	return err;
}

void lc_dump_file_close(struct lc_dump_file *file)
{
	if (!file)
		return;
	if (file->fd >= 0)
		close(file->fd);
	file->fd = -1;
	file->wrapper = NULL;
}
