// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for flattened-dump reassembly. The bytes are a flattened
 * stream read through lc_flattened_reassemble from a memfd; the same stream
 * is then fed to the incremental parser in uneven pieces, and both runs must
 * agree on the error message and on every byte of the output. The last input
 * byte chooses the piece sizes, so the fuzzer explores splits too. Finally
 * the bytes go through lc_dump_file_open, covering format sniffing and zstd.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Isrc \
 *     src/error.c src/util.c src/flattened.c src/dump_file.c tests/fuzz/fuzz_flattened.c \
 *     -lzstd -o fuzz_flattened
 *   ./fuzz_flattened -max_total_time=120 -max_len=65536 corpus/
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd(void)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	return fd;
}

/*
 * Records may place data anywhere below 1 PiB, so compare only the extents
 * that hold data (holes read as zeros in both files anyway).
 */
static void compare_outputs(int a, int b)
{
	struct stat sa, sb;
	if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0 || sa.st_size != sb.st_size)
		abort();
	static uint8_t ba[1 << 16], bb[1 << 16];
	off_t pos = 0;
	while (pos < sa.st_size) {
		off_t start = lseek(a, pos, SEEK_DATA);
		off_t start_b = lseek(b, pos, SEEK_DATA);
		if (start < 0)
			start = sa.st_size;
		if (start_b < 0)
			start_b = sb.st_size;
		if (start_b < start)
			start = start_b;
		if (start >= sa.st_size)
			break;
		off_t end = lseek(a, start, SEEK_HOLE);
		off_t end_b = lseek(b, start, SEEK_HOLE);
		if (end_b > end)
			end = end_b;
		for (off_t at = start; at < end;) {
			size_t n = end - at < (off_t)sizeof(ba) ? (size_t)(end - at) : sizeof(ba);
			if (pread(a, ba, n, at) != (ssize_t)n ||
			    pread(b, bb, n, at) != (ssize_t)n || memcmp(ba, bb, n) != 0)
				abort();
			at += (off_t)n;
		}
		pos = end;
	}
}

/*
 * The same bytes through lc_dump_file_open, which also sniffs the format and
 * runs the zstd path; a memfd has a path in /proc.
 */
static void open_as_file(const uint8_t *data, size_t size)
{
	int fd = memfd();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct lc_dump_file file = {.fd = -1};
	struct lc_error *err = lc_dump_file_open(path, NULL, NULL, &file);
	if (err)
		lc_error_destroy(err);
	else
		lc_dump_file_close(&file);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)lc_flattened_probe(data, size);

	int in_fd = memfd();
	if (size && write(in_fd, data, size) != (ssize_t)size)
		abort();
	lseek(in_fd, 0, SEEK_SET);
	int whole_fd = memfd();
	struct lc_error *whole = lc_flattened_reassemble(in_fd, whole_fd, NULL, NULL);
	close(in_fd);

	int split_fd = memfd();
	struct lc_flattened *flat;
	struct lc_error *split = lc_flattened_create(split_fd, NULL, NULL, 0, &flat);
	if (split)
		abort();
	unsigned step = size ? data[size - 1] % 37 + 1 : 1;
	for (size_t at = 0; !split && at < size && !lc_flattened_ended(flat);) {
		size_t n = size - at < step ? size - at : step;
		split = lc_flattened_feed(flat, data + at, n);
		at += n;
		step = step * 7 % 37 + 1;
	}
	if (!split)
		split = lc_flattened_finish(flat);
	lc_flattened_destroy(flat);

	if (!whole != !split)
		abort();
	if (whole && strcmp(lc_error_message(whole), lc_error_message(split)) != 0) {
		fprintf(stderr, "whole: %s\nsplit: %s\n", lc_error_message(whole),
			lc_error_message(split));
		abort();
	}
	if (!whole)
		compare_outputs(whole_fd, split_fd);
	lc_error_destroy(whole);
	lc_error_destroy(split);
	close(whole_fd);
	close(split_fd);

	open_as_file(data, size);
	return 0;
}
