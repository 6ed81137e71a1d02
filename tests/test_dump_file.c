// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Containers around dumps: flattened streams, zstd, both, and every class of
 * bad input. All inputs are synthesized here in a temporary directory; the
 * expected reassembly is computed by replaying the records on a buffer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "check.h"
#include "dump_file.h"
#include "lockcore/error.h"

static char tmpdir[4096];
static char *created[64];
static size_t ncreated;

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

static void buf_reserve(struct buf *b, size_t need)
{
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < need)
		cap *= 2;
	b->data = realloc(b->data, cap);
	if (!b->data)
		abort();
	/* Zero so that replayed holes read as the sparse output does. */
	memset(b->data + b->cap, 0, cap - b->cap);
	b->cap = cap;
}

static void buf_append(struct buf *b, const void *data, size_t size)
{
	buf_reserve(b, b->len + size);
	memcpy(b->data + b->len, data, size);
	b->len += size;
}

static void buf_put_be64(struct buf *b, int64_t v)
{
	uint8_t bytes[8];
	for (int i = 0; i < 8; i++)
		bytes[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	buf_append(b, bytes, 8);
}

static void buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* A flattened stream and, next to it, the file it should reassemble to. */
struct flat {
	struct buf stream;
	struct buf expect;
	size_t expect_len;
};

static void flat_header_typed(struct flat *f, int64_t type)
{
	uint8_t header[4096] = "makedumpfile";
	for (int i = 0; i < 8; i++) {
		header[16 + i] = (uint8_t)((uint64_t)type >> (56 - 8 * i));
		header[24 + i] = (uint8_t)(1ull >> (56 - 8 * i));
	}
	buf_append(&f->stream, header, sizeof(header));
}

static void flat_header(struct flat *f)
{
	flat_header_typed(f, 1);
}

static void flat_record(struct flat *f, uint64_t offset, const void *data, size_t size)
{
	buf_put_be64(&f->stream, (int64_t)offset);
	buf_put_be64(&f->stream, (int64_t)size);
	buf_append(&f->stream, data, size);
	buf_reserve(&f->expect, offset + size);
	memcpy(f->expect.data + offset, data, size);
	if (size && offset + size > f->expect_len)
		f->expect_len = offset + size;
}

/* A record header with arbitrary fields and no data, for bad input. */
static void flat_raw_record_header(struct flat *f, int64_t offset, int64_t size)
{
	buf_put_be64(&f->stream, offset);
	buf_put_be64(&f->stream, size);
}

static void flat_end(struct flat *f)
{
	flat_raw_record_header(f, -1, -1);
}

static void flat_free(struct flat *f)
{
	buf_free(&f->stream);
	buf_free(&f->expect);
}

/* Deterministic filler that never produces an all-zero 4 KiB block. */
static void fill_pattern(uint8_t *p, size_t size, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < size; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)((x >> 16) | 1);
	}
}

static const char *write_file(const char *name, const void *data, size_t size)
{
	char *path;
	if (asprintf(&path, "%s/%s", tmpdir, name) < 0)
		abort();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size)) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		abort();
	}
	close(fd);
	if (ncreated < sizeof(created) / sizeof(created[0]))
		created[ncreated++] = path;
	return path;
}

static int memfd(void)
{
	int fd = memfd_create("test", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	return fd;
}

static int memfd_with(const void *data, size_t size)
{
	int fd = memfd();
	if (size && pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	return fd;
}

/* The fd's whole content equals data; reports the first difference. */
static bool fd_equals(int fd, const void *data, size_t size, const char *what)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != size) {
		fprintf(stderr, "%s: size %lld, expected %zu\n", what, (long long)st.st_size, size);
		return false;
	}
	uint8_t *got = malloc(size ? size : 1);
	size_t have = 0;
	while (have < size) {
		ssize_t n = pread(fd, got + have, size - have, (off_t)have);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	bool ok = have == size;
	for (size_t i = 0; ok && i < size; i++) {
		if (got[i] != ((const uint8_t *)data)[i]) {
			fprintf(stderr, "%s: differs at byte %zu\n", what, i);
			ok = false;
		}
	}
	free(got);
	return ok;
}

static struct lc_error *reassemble_bytes(const void *data, size_t size, int out_fd)
{
	int in_fd = memfd_with(data, size);
	struct lc_error *err = lc_flattened_reassemble(in_fd, out_fd, NULL, NULL);
	close(in_fd);
	return err;
}

static struct lc_error *reassemble_prefix(const void *data, size_t size)
{
	int out_fd = memfd();
	struct lc_error *err = reassemble_bytes(data, size, out_fd);
	close(out_fd);
	return err;
}

static struct lc_error *reassemble_flat(struct flat *f)
{
	return reassemble_prefix(f->stream.data, f->stream.len);
}

static void build_good(struct flat *f)
{
	uint8_t a[10000], b[3000], c[5];
	fill_pattern(a, sizeof(a), 1);
	fill_pattern(b, sizeof(b), 2);
	memcpy(c, "hello", 5);
	flat_header(f);
	/* Out of order, overlapping (later wins), a hole, an empty record. */
	flat_record(f, 20000, a, sizeof(a));
	flat_record(f, 0, b, sizeof(b));
	flat_record(f, 21000, b, sizeof(b));
	flat_record(f, 2990, c, sizeof(c));
	flat_record(f, 99999999, c, 0);
	flat_record(f, 50000, a, 1);
	flat_end(f);
}

static void test_flattened_good(void)
{
	struct flat f = {0};
	build_good(&f);

	int out_fd = memfd();
	CHECK_OK(reassemble_bytes(f.stream.data, f.stream.len, out_fd));
	CHECK(fd_equals(out_fd, f.expect.data, f.expect_len, "reassembled from a file"));
	close(out_fd);

	/* Any split of the stream gives the same result: feed it byte by byte. */
	out_fd = memfd();
	struct lc_flattened *flat;
	CHECK_OK(lc_flattened_create(out_fd, NULL, NULL, 0, &flat));
	bool ended_early = false;
	for (size_t i = 0; i < f.stream.len; i++) {
		ended_early |= lc_flattened_ended(flat) && i < f.stream.len;
		CHECK_OK(lc_flattened_feed(flat, f.stream.data + i, 1));
	}
	CHECK(!ended_early);
	CHECK(lc_flattened_ended(flat));
	CHECK_OK(lc_flattened_finish(flat));
	lc_flattened_destroy(flat);
	CHECK(fd_equals(out_fd, f.expect.data, f.expect_len, "reassembled byte by byte"));
	close(out_fd);

	/* A pipe cannot seek; reassembly must not need to. */
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		size_t done = 0;
		while (done < f.stream.len) {
			ssize_t n = write(p[1], f.stream.data + done, f.stream.len - done);
			if (n <= 0)
				_exit(1);
			done += (size_t)n;
		}
		_exit(0);
	}
	close(p[1]);
	out_fd = memfd();
	CHECK_OK(lc_flattened_reassemble(p[0], out_fd, NULL, NULL));
	CHECK(fd_equals(out_fd, f.expect.data, f.expect_len, "reassembled from a pipe"));
	close(out_fd);
	close(p[0]);
	waitpid(pid, NULL, 0);

	/* Whatever follows the end marker (old data on a raw disk) is ignored. */
	struct buf trailing = {0};
	buf_append(&trailing, f.stream.data, f.stream.len);
	buf_append(&trailing, "garbage after the end", 21);
	out_fd = memfd();
	CHECK_OK(reassemble_bytes(trailing.data, trailing.len, out_fd));
	CHECK(fd_equals(out_fd, f.expect.data, f.expect_len, "reassembled with trailing bytes"));
	close(out_fd);
	buf_free(&trailing);

	/* Through the front door: detected by content, not name. */
	const char *path = write_file("vmcore.elf", f.stream.data, f.stream.len);
	struct lc_dump_file file = {.fd = -1};
	CHECK_OK(lc_dump_file_open(path, NULL, NULL, &file));
	CHECK_STR(file.wrapper, "flattened");
	CHECK(fd_equals(file.fd, f.expect.data, f.expect_len, "opened flattened"));
	lc_dump_file_close(&file);
	CHECK(file.fd == -1 && file.wrapper == NULL);
	lc_dump_file_close(&file);
	lc_dump_file_close(NULL);

	flat_free(&f);
}

static void test_flattened_fifo(void)
{
	struct flat f = {0};
	build_good(&f);
	char *path;
	if (asprintf(&path, "%s/fifo", tmpdir) < 0)
		abort();
	CHECK(mkfifo(path, 0600) == 0);
	created[ncreated++] = path;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(path, O_WRONLY);
		if (fd < 0)
			_exit(1);
		size_t done = 0;
		while (done < f.stream.len) {
			/* Odd pieces, so the head read has to gather them. */
			size_t piece = f.stream.len - done < 777 ? f.stream.len - done : 777;
			ssize_t n = write(fd, f.stream.data + done, piece);
			if (n <= 0)
				_exit(1);
			done += (size_t)n;
		}
		_exit(0);
	}
	struct lc_dump_file file = {.fd = -1};
	CHECK_OK(lc_dump_file_open(path, NULL, NULL, &file));
	CHECK_STR(file.wrapper, "flattened");
	CHECK(fd_equals(file.fd, f.expect.data, f.expect_len, "flattened from a fifo"));
	lc_dump_file_close(&file);
	waitpid(pid, NULL, 0);
	flat_free(&f);
}

struct progress_log {
	unsigned calls;
	uint64_t last_done;
	uint64_t last_total;
	bool went_back;
};

static void progress_cb(void *arg, const char *what, uint64_t done, uint64_t total)
{
	struct progress_log *log = arg;
	(void)what;
	if (done < log->last_done)
		log->went_back = true;
	log->calls++;
	log->last_done = done;
	log->last_total = total;
}

static void test_flattened_big_sparse(void)
{
	/* 10 MiB of data spread over 4 GiB: progress fires, and holes cost nothing. */
	struct flat f = {0};
	flat_header(&f);
	uint8_t *chunk = malloc(1 << 20);
	fill_pattern(chunk, 1 << 20, 7);
	for (uint64_t i = 0; i < 10; i++) {
		buf_put_be64(&f.stream, (int64_t)(i * 400 * (1ull << 20)));
		buf_put_be64(&f.stream, 1 << 20);
		buf_append(&f.stream, chunk, 1 << 20);
	}
	flat_end(&f);
	const char *path = write_file("sparse.flat", f.stream.data, f.stream.len);

	struct progress_log log = {0};
	struct lc_dump_file file = {.fd = -1};
	CHECK_OK(lc_dump_file_open(path, progress_cb, &log, &file));
	CHECK(log.calls >= 3);
	CHECK(!log.went_back);
	CHECK_EQ_U64(log.last_done, f.stream.len);
	CHECK_EQ_U64(log.last_total, f.stream.len);
	struct stat st;
	CHECK(fstat(file.fd, &st) == 0);
	CHECK_EQ_U64((uint64_t)st.st_size, 9 * 400 * (1ull << 20) + (1 << 20));
	CHECK((uint64_t)st.st_blocks * 512 < 16 * (1ull << 20));
	uint8_t got[4096];
	CHECK(pread(file.fd, got, sizeof(got), 3 * 400 * (1 << 20)) == (ssize_t)sizeof(got));
	CHECK(memcmp(got, chunk, sizeof(got)) == 0);
	CHECK(pread(file.fd, got, sizeof(got), 3 * 400 * (1 << 20) + (2 << 20)) ==
	      (ssize_t)sizeof(got));
	CHECK(got[0] == 0 && memcmp(got, got + 1, sizeof(got) - 1) == 0);
	lc_dump_file_close(&file);
	free(chunk);
	flat_free(&f);
}

static void test_flattened_bad(void)
{
	uint8_t data[64];
	fill_pattern(data, sizeof(data), 3);

	struct flat f = {0};
	flat_header(&f);
	memcpy(f.stream.data, "makedumpfilx", 12);
	flat_record(&f, 0, data, 8);
	flat_end(&f);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT, "no flattened dump signature at byte 0");
	flat_free(&f);

	flat_header_typed(&f, 2);
	flat_record(&f, 0, data, 8);
	flat_end(&f);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump header at byte 16 has type 2, expected 1");
	flat_free(&f);

	flat_header_typed(&f, (int64_t)0x0100000000000000ll);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "(written little-endian, not by makedumpfile?)");
	flat_free(&f);

	/* The header cut short. */
	flat_header(&f);
	CHECK_ERR(reassemble_prefix(f.stream.data, 100), LC_ERR_FORMAT,
		  "flattened dump header is truncated at byte 100 (expected 4096 bytes)");
	flat_free(&f);

	flat_header(&f);
	flat_record(&f, 0, data, 8);
	flat_raw_record_header(&f, 16, 8);
	f.stream.len -= 7;
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump record 2 header at byte 4120 is truncated (9 of 16 bytes)");
	flat_free(&f);

	flat_header(&f);
	flat_record(&f, 0, data, 8);
	flat_raw_record_header(&f, -4096, 8);
	buf_append(&f.stream, data, 8);
	flat_end(&f);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump record 2 at byte 4120 has a negative offset (-4096)");
	flat_free(&f);

	/* -1 is the end marker only when both fields are -1. */
	flat_header(&f);
	flat_raw_record_header(&f, -1, 8);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump record 1 at byte 4096 has a negative offset (-1)");
	flat_free(&f);

	flat_header(&f);
	flat_raw_record_header(&f, 0, -1);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump record 1 at byte 4096 has a negative size (-1)");
	flat_free(&f);

	flat_header(&f);
	flat_raw_record_header(&f, 0, (1ll << 30) + 1);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump record 1 at byte 4096 has an absurd size (1073741825 bytes");
	flat_free(&f);

	/* offset + size would wrap a signed 64-bit offset. */
	flat_header(&f);
	flat_raw_record_header(&f, INT64_MAX, 8);
	buf_append(&f.stream, data, 8);
	flat_end(&f);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump record 1 at byte 4096 has an absurd offset");
	flat_free(&f);

	flat_header(&f);
	flat_raw_record_header(&f, (1ll << 50) - 4, 8);
	buf_append(&f.stream, data, 8);
	flat_end(&f);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT, "ends beyond 1 PiB");
	flat_free(&f);

	/* Data cut short: the record promises more than the stream holds. */
	flat_header(&f);
	flat_record(&f, 0, data, 8);
	flat_record(&f, 100, data, 64);
	f.stream.len -= 24;
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump record 2 at byte 4120 is truncated (40 of 64 data bytes)");
	flat_free(&f);

	flat_header(&f);
	flat_record(&f, 0, data, 8);
	flat_record(&f, 100, data, 64);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump ends without its end marker after 2 records (truncated?)");
	flat_free(&f);

	flat_header(&f);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump ends without its end marker after 0 records (truncated?)");
	flat_free(&f);

	flat_header(&f);
	flat_end(&f);
	CHECK_ERR(reassemble_flat(&f), LC_ERR_FORMAT,
		  "flattened dump holds no records (end marker at byte 4096)");
	flat_free(&f);

	CHECK_ERR(reassemble_prefix("", 0), LC_ERR_FORMAT, "flattened dump is empty");
	CHECK_ERR(lc_flattened_reassemble(-1, 1, NULL, NULL), LC_ERR_INVALID, "no input file");
	struct lc_flattened *unused;
	CHECK_ERR(lc_flattened_create(-1, NULL, NULL, 0, &unused), LC_ERR_INVALID,
		  "no output file");

	/* System call failures are LC_ERR_OS and say where they happened. */
	flat_header(&f);
	flat_record(&f, 0, data, 8);
	flat_end(&f);
	const char *good = write_file("good.flat", f.stream.data, f.stream.len);
	int ro_fd = open(good, O_RDONLY | O_CLOEXEC);
	int in_fd = memfd_with(f.stream.data, f.stream.len);
	CHECK_ERR(lc_flattened_reassemble(in_fd, ro_fd, NULL, NULL), LC_ERR_OS,
		  "cannot write 8 bytes at offset 0 of the reassembled dump: Bad file descriptor");
	close(in_fd);
	close(ro_fd);
	int wo_fd = open(good, O_WRONLY | O_CLOEXEC);
	int out_fd = memfd();
	CHECK_ERR(lc_flattened_reassemble(wo_fd, out_fd, NULL, NULL), LC_ERR_OS,
		  "cannot read flattened dump at byte 0: Bad file descriptor");
	close(wo_fd);
	close(out_fd);
	flat_free(&f);

	/* Through lc_dump_file_open the message names the file. */
	flat_header(&f);
	flat_record(&f, 0, data, 8);
	const char *path = write_file("truncated.flat", f.stream.data, f.stream.len);
	struct lc_dump_file file = {.fd = -1};
	char *expect;
	if (asprintf(&expect,
		     "reading '%s': flattened dump ends without its end marker after 1 records "
		     "(truncated?)",
		     path) < 0)
		abort();
	struct lc_error *err = lc_dump_file_open(path, NULL, NULL, &file);
	CHECK(err && lc_error_code(err) == LC_ERR_FORMAT);
	CHECK_STR(lc_error_message(err), expect);
	lc_error_destroy(err);
	CHECK(file.fd == -1);
	free(expect);
	flat_free(&f);

	CHECK(!lc_flattened_probe("makedumpfile", 12));
	CHECK(!lc_flattened_probe("makedumpfile\0\0\0x", 16));
	CHECK(lc_flattened_probe("makedumpfile\0\0\0\0", 16));
}

static void *zstd_compress(const void *data, size_t size, size_t *ret_size, int checksum)
{
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(size);
	void *out = malloc(cap);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum);
	size_t n = ZSTD_compress2(cctx, out, cap, data, size);
	if (ZSTD_isError(n))
		abort();
	ZSTD_freeCCtx(cctx);
	*ret_size = n;
	return out;
}

/* An ELF-looking plain dump: mostly zero pages, like a filtered vmcore. */
static void build_plain(struct buf *b, size_t size)
{
	buf_reserve(b, size);
	b->len = size;
	memset(b->data, 0, size);
	memcpy(b->data, "\177ELF\002\001\001", 7);
	b->data[16] = 4; /* ET_CORE */
	for (size_t off = 4096; off + 4096 <= size; off += 4096 * 37)
		fill_pattern(b->data + off, 4096, (uint32_t)off);
	/* A data block ending in a partial one at the end. */
	fill_pattern(b->data + size - 100, 50, 9);
}

static void test_zstd(void)
{
	struct buf plain = {0};
	/* Not a multiple of 4 KiB, ends in zeros, spans several 1 MiB buffers. */
	build_plain(&plain, 5 * (1 << 20) + 12345);
	size_t zsize;
	uint8_t *z = zstd_compress(plain.data, plain.len, &zsize, 1);

	const char *path = write_file("vmcore.zst", z, zsize);
	struct progress_log log = {0};
	struct lc_dump_file file = {.fd = -1};
	CHECK_OK(lc_dump_file_open(path, progress_cb, &log, &file));
	CHECK_STR(file.wrapper, "zstd");
	CHECK(fd_equals(file.fd, plain.data, plain.len, "zstd decompressed"));
	CHECK(log.calls >= 1);
	CHECK_EQ_U64(log.last_done, zsize);
	struct stat st;
	CHECK(fstat(file.fd, &st) == 0);
	/* Zero pages were skipped: about 1 in 37 pages holds data. */
	CHECK((uint64_t)st.st_blocks * 512 < plain.len / 8);
	lc_dump_file_close(&file);

	/* Several frames one after the other (pzstd, or zstd of concatenated files). */
	size_t half = plain.len / 2, z1size, z2size;
	uint8_t *z1 = zstd_compress(plain.data, half, &z1size, 0);
	uint8_t *z2 = zstd_compress(plain.data + half, plain.len - half, &z2size, 0);
	struct buf frames = {0};
	buf_append(&frames, z1, z1size);
	buf_append(&frames, z2, z2size);
	path = write_file("frames.zst", frames.data, frames.len);
	CHECK_OK(lc_dump_file_open(path, NULL, NULL, &file));
	CHECK_STR(file.wrapper, "zstd");
	CHECK(fd_equals(file.fd, plain.data, plain.len, "zstd multi-frame"));
	lc_dump_file_close(&file);
	free(z1);
	free(z2);
	buf_free(&frames);

	/* Truncated: cut inside the frame, and right after the magic. */
	path = write_file("cut.zst", z, zsize / 2);
	char *expect;
	if (asprintf(&expect, "zstd stream in '%s' ends early after %zu bytes", path, zsize / 2) <
	    0)
		abort();
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT, expect);
	free(expect);
	path = write_file("magic.zst", z, 4);
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT,
		  "ends early after 4 bytes (0 bytes decompressed; truncated?)");

	/* Corrupt: the checksum or the block structure gives it away. */
	uint8_t *bad = malloc(zsize);
	memcpy(bad, z, zsize);
	for (size_t i = zsize / 3; i < zsize / 3 + 64; i++)
		bad[i] ^= 0x5a;
	path = write_file("corrupt.zst", bad, zsize);
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT,
		  "is corrupt near byte");
	/* Garbage after the last frame is not silently ignored. */
	memcpy(bad, z, zsize);
	struct buf tail = {0};
	buf_append(&tail, z, zsize);
	buf_append(&tail, "trailing garbage", 16);
	path = write_file("tail.zst", tail.data, tail.len);
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT, "zstd stream in");
	buf_free(&tail);
	free(bad);

	/* A zstd file that holds no dump. */
	static const char text[] = "just some text, compressed; not a dump at all\n";
	free(z);
	z = zstd_compress(text, sizeof(text), &zsize, 0);
	path = write_file("text.zst", z, zsize);
	if (asprintf(&expect,
		     "zstd-compressed '%s' is not a crash dump (no ELF, kdump or flattened "
		     "signature)",
		     path) < 0)
		abort();
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT, expect);
	free(expect);
	free(z);
	buf_free(&plain);
}

static void test_zstd_flattened(void)
{
	struct flat f = {0};
	build_good(&f);
	/* Make the stream span several decompression buffers. */
	f.stream.len -= 16;
	uint8_t *chunk = malloc(3 << 20);
	fill_pattern(chunk, 3 << 20, 11);
	flat_record(&f, 1 << 20, chunk, 3 << 20);
	flat_end(&f);
	free(chunk);

	size_t zsize;
	uint8_t *z = zstd_compress(f.stream.data, f.stream.len, &zsize, 1);
	const char *path = write_file("vmcore.flat.zst", z, zsize);
	struct lc_dump_file file = {.fd = -1};
	CHECK_OK(lc_dump_file_open(path, NULL, NULL, &file));
	CHECK_STR(file.wrapper, "zstd+flattened");
	CHECK(fd_equals(file.fd, f.expect.data, f.expect_len, "zstd+flattened"));
	lc_dump_file_close(&file);

	/* Bad data deep inside a decompressed flattened stream. */
	struct flat bad = {0};
	buf_append(&bad.stream, f.stream.data, f.stream.len - 16);
	flat_raw_record_header(&bad, 4096, -2);
	flat_end(&bad);
	free(z);
	z = zstd_compress(bad.stream.data, bad.stream.len, &zsize, 0);
	path = write_file("bad.flat.zst", z, zsize);
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT,
		  "after zstd decompression: flattened dump record 8 at byte");
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT,
		  "has a negative size (-2)");
	flat_free(&bad);
	free(z);
	z = zstd_compress(f.stream.data, f.stream.len, &zsize, 1);

	/* A cut zstd file is blamed on zstd, not on the flattened stream inside. */
	path = write_file("cut.flat.zst", z, zsize - 10);
	struct lc_error *cut = lc_dump_file_open(path, NULL, NULL, &file);
	CHECK(cut && lc_error_code(cut) == LC_ERR_FORMAT &&
	      strncmp(lc_error_message(cut), "zstd stream in '", 16) == 0 &&
	      strstr(lc_error_message(cut), "ends early"));
	lc_error_destroy(cut);
	free(z);

	/* A complete zstd stream holding a truncated flattened one. */
	z = zstd_compress(f.stream.data, f.stream.len - 16, &zsize, 0);
	path = write_file("noend.flat.zst", z, zsize);
	char *expect;
	if (asprintf(&expect,
		     "reading '%s' after zstd decompression: flattened dump ends without its end "
		     "marker after 7 records (truncated?)",
		     path) < 0)
		abort();
	struct lc_error *err = lc_dump_file_open(path, NULL, NULL, &file);
	CHECK(err && lc_error_code(err) == LC_ERR_FORMAT);
	CHECK_STR(lc_error_message(err), expect);
	lc_error_destroy(err);
	free(expect);
	free(z);
	flat_free(&f);
}

static void test_plain(void)
{
	struct lc_dump_file file = {.fd = -1};
	char *expect;

	struct buf elf = {0};
	build_plain(&elf, 20000);
	const char *path = write_file("vmcore", elf.data, elf.len);
	CHECK_OK(lc_dump_file_open(path, NULL, NULL, &file));
	CHECK(file.wrapper == NULL);
	CHECK(fd_equals(file.fd, elf.data, elf.len, "plain elf"));
	CHECK(lseek(file.fd, 0, SEEK_CUR) == 0);
	int flags = fcntl(file.fd, F_GETFD);
	CHECK(flags >= 0 && (flags & FD_CLOEXEC));
	lc_dump_file_close(&file);

	/* A plain dump from a fifo is copied, since libkdumpfile must seek. */
	char *fifo;
	if (asprintf(&fifo, "%s/elf-fifo", tmpdir) < 0)
		abort();
	CHECK(mkfifo(fifo, 0600) == 0);
	created[ncreated++] = fifo;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(fifo, O_WRONLY);
		_exit(fd >= 0 && write(fd, elf.data, elf.len) == (ssize_t)elf.len ? 0 : 1);
	}
	CHECK_OK(lc_dump_file_open(fifo, NULL, NULL, &file));
	CHECK(file.wrapper == NULL);
	CHECK(fd_equals(file.fd, elf.data, elf.len, "plain elf from a fifo"));
	lc_dump_file_close(&file);
	waitpid(pid, NULL, 0);

	/* vmlinux given in place of the dump. */
	elf.data[16] = 2;
	path = write_file("vmlinux", elf.data, elf.len);
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT,
		  "is an ELF file but not a core dump (e_type 2, an executable: vmlinux?)");
	elf.data[16] = 4;
	/* Big-endian (ppc64, s390x) cores keep e_type in their own byte order. */
	elf.data[5] = 2;
	elf.data[16] = 0;
	elf.data[17] = 4;
	path = write_file("vmcore.be", elf.data, elf.len);
	CHECK_OK(lc_dump_file_open(path, NULL, NULL, &file));
	lc_dump_file_close(&file);

	/* A pipe that closes at once is as empty as an empty file. */
	char *empty_fifo;
	if (asprintf(&empty_fifo, "%s/empty-fifo", tmpdir) < 0)
		abort();
	CHECK(mkfifo(empty_fifo, 0600) == 0);
	created[ncreated++] = empty_fifo;
	pid = fork();
	if (pid == 0) {
		int fd = open(empty_fifo, O_WRONLY);
		_exit(fd >= 0 ? 0 : 1);
	}
	CHECK_ERR(lc_dump_file_open(empty_fifo, NULL, NULL, &file), LC_ERR_FORMAT, "is empty");
	waitpid(pid, NULL, 0);

	/* A short plain stream from a pipe. */
	char *short_fifo;
	if (asprintf(&short_fifo, "%s/short-fifo", tmpdir) < 0)
		abort();
	CHECK(mkfifo(short_fifo, 0600) == 0);
	created[ncreated++] = short_fifo;
	pid = fork();
	if (pid == 0) {
		int fd = open(short_fifo, O_WRONLY);
		_exit(fd >= 0 && write(fd, "\177ELF", 4) == 4 ? 0 : 1);
	}
	CHECK_ERR(lc_dump_file_open(short_fifo, NULL, NULL, &file), LC_ERR_FORMAT,
		  "is too short to be a crash dump (4 bytes)");
	waitpid(pid, NULL, 0);

	uint8_t kdump[4096] = "KDUMP   ";
	path = write_file("dump.kdump", kdump, sizeof(kdump));
	CHECK_OK(lc_dump_file_open(path, NULL, NULL, &file));
	CHECK(file.wrapper == NULL);
	lc_dump_file_close(&file);
	memcpy(kdump, "DISKDUMP", 8);
	path = write_file("dump.diskdump", kdump, sizeof(kdump));
	CHECK_OK(lc_dump_file_open(path, NULL, NULL, &file));
	lc_dump_file_close(&file);

	path = write_file("short.kdump", kdump, 100);
	if (asprintf(&expect, "'%s' is too short to be a crash dump (100 bytes)", path) < 0)
		abort();
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT, expect);
	free(expect);

	path = write_file("short.elf", elf.data, 40);
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT,
		  "is too short to be a crash dump (40 bytes)");

	path = write_file("tiny", "abc", 3);
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT,
		  "is too short to be a crash dump (3 bytes)");

	path = write_file("empty", "", 0);
	if (asprintf(&expect, "'%s' is empty", path) < 0)
		abort();
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT, expect);
	free(expect);

	static const char text[] = "#!/bin/sh\necho this is a shell script, not a crash dump\n";
	path = write_file("script.sh", text, sizeof(text) - 1);
	if (asprintf(&expect, "'%s' is not a crash dump (no ELF, kdump or flattened signature)",
		     path) < 0)
		abort();
	CHECK_ERR(lc_dump_file_open(path, NULL, NULL, &file), LC_ERR_FORMAT, expect);
	free(expect);

	if (asprintf(&expect, "%s/does-not-exist", tmpdir) < 0)
		abort();
	CHECK_ERR(lc_dump_file_open(expect, NULL, NULL, &file), LC_ERR_OS,
		  "No such file or directory");
	CHECK_ERR(lc_dump_file_open(expect, NULL, NULL, &file), LC_ERR_OS, "cannot open '");
	free(expect);

	CHECK_ERR(lc_dump_file_open(tmpdir, NULL, NULL, &file), LC_ERR_INVALID, "is a directory");
	CHECK(file.fd == -1);
	buf_free(&elf);
}

static unsigned count_open_fds(void)
{
	unsigned n = 0;
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return 0;
	while (readdir(dir))
		n++;
	closedir(dir);
	return n;
}

int main(void)
{
	unsigned fds_before = count_open_fds();
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/lc-test-dump-file-XXXXXX", base);
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "cannot create a directory in %s: %s\n", base, strerror(errno));
		return 1;
	}

	test_flattened_good();
	test_flattened_fifo();
	test_flattened_big_sparse();
	test_flattened_bad();
	test_zstd();
	test_zstd_flattened();
	test_plain();

	for (size_t i = 0; i < ncreated; i++) {
		unlink(created[i]);
		free(created[i]);
	}
	rmdir(tmpdir);
	/* Every error path closes what it opened. */
	CHECK_EQ_U64(count_open_fds(), fds_before);
	CHECK_DONE();
}
