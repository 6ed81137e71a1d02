// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_validate.h"
#include "util.h"

enum {
	KDUMP_HEADER_SIZE = 464,
	MAX_PHNUM = 1 << 20,
	MAX_CPUS = 1 << 16,
};

static struct lc_error *read_at(int fd, void *buf, size_t len, uint64_t off, uint64_t file_size,
				const char *what)
{
	if (off > file_size || len > file_size - off)
		return lc_error_create(LC_ERR_FORMAT,
				       "%s at offset %" PRIu64 " lies past the end of the file "
				       "(%" PRIu64 " bytes): truncated or corrupt dump",
				       what, off, file_size);
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lc_error_create(LC_ERR_OS, "reading %s: %s", what,
					       n < 0 ? strerror(errno) : "unexpected end of file");
		done += (size_t)n;
	}
	return NULL;
}

static struct lc_error *validate_elf(int fd, const uint8_t *eh, uint64_t size)
{
	if (eh[4] != 2)
		return lc_error_create(LC_ERR_UNSUPPORTED,
				       "only 64-bit ELF dumps are supported (ELF class %u)", eh[4]);
	if (eh[5] != 1 && eh[5] != 2)
		return lc_error_create(LC_ERR_FORMAT, "ELF byte order %u is invalid", eh[5]);
	bool be = eh[5] == 2;
	if (lc_load_uint(eh + 16, 2, be) != 4)
		return lc_error_create(LC_ERR_FORMAT, "ELF file is not a core dump (e_type %u)",
				       (unsigned)lc_load_uint(eh + 16, 2, be));
	uint64_t phoff = lc_load_uint(eh + 32, 8, be);
	uint64_t phentsize = lc_load_uint(eh + 54, 2, be);
	uint64_t phnum = lc_load_uint(eh + 56, 2, be);
	if (phnum == 0xffff) {
		uint8_t sh[64];
		struct lc_error *err =
			read_at(fd, sh, sizeof(sh), lc_load_uint(eh + 40, 8, be), size,
				"ELF section header 0");
		if (err)
			return err;
		phnum = lc_load_uint(sh + 44, 4, be);
	}
	if (phentsize < 56 || phnum == 0 || phnum > MAX_PHNUM)
		return lc_error_create(LC_ERR_FORMAT,
				       "ELF program headers are corrupt (%" PRIu64 " of %" PRIu64
				       " bytes)",
				       phnum, phentsize);
	/* QEMU >= 7.2 puts section headers first: follow e_phoff, never assume 64. */
	if (phoff > size || phnum * phentsize > size - phoff)
		return lc_error_create(LC_ERR_FORMAT,
				       "ELF program headers (%" PRIu64 " at offset %" PRIu64
				       ") lie past the end of the file (%" PRIu64
				       " bytes): truncated dump",
				       phnum, phoff, size);
	for (uint64_t i = 0; i < phnum; i++) {
		uint8_t ph[56];
		struct lc_error *err =
			read_at(fd, ph, sizeof(ph), phoff + i * phentsize, size, "program header");
		if (err)
			return err;
		uint32_t type = (uint32_t)lc_load_uint(ph, 4, be);
		uint64_t off = lc_load_uint(ph + 8, 8, be);
		uint64_t filesz = lc_load_uint(ph + 32, 8, be);
		if (type == 4 /* PT_NOTE */ && (off > size || filesz > size - off))
			return lc_error_create(LC_ERR_FORMAT,
					       "ELF notes at offset %" PRIu64 " (%" PRIu64
					       " bytes) lie past the end of the file: truncated dump",
					       off, filesz);
		/* A PT_LOAD past the end is a truncated dump: readable in part, so
		 * let the reads report exactly which pages are missing. */
	}
	return NULL;
}

static struct lc_error *validate_kdump(int fd, const uint8_t *h, uint64_t size,
				       struct lc_dump_part *part)
{
	/* The header is in the dumped machine's byte order; the version tells which. */
	uint32_t v = (uint32_t)lc_load_uint(h + 8, 4, false);
	bool be = v > 0xffff;
	uint32_t version = (uint32_t)lc_load_uint(h + 8, 4, be);
	uint32_t block_size = (uint32_t)lc_load_uint(h + 428, 4, be);
	int32_t sub_hdr_size = (int32_t)lc_load_uint(h + 432, 4, be);
	uint32_t bitmap_blocks = (uint32_t)lc_load_uint(h + 436, 4, be);
	uint32_t max_mapnr = (uint32_t)lc_load_uint(h + 440, 4, be);
	int32_t nr_cpus = (int32_t)lc_load_uint(h + 460, 4, be);
	if (version == 0 || version > 64)
		return lc_error_create(LC_ERR_FORMAT, "kdump header version %u is invalid",
				       version);
	if (block_size < 512 || block_size > (1u << 20) || (block_size & (block_size - 1)))
		return lc_error_create(LC_ERR_FORMAT, "kdump block size %u is invalid", block_size);
	if (sub_hdr_size < 0 || (uint64_t)sub_hdr_size > 1024)
		return lc_error_create(LC_ERR_FORMAT, "kdump sub-header of %d blocks is invalid",
				       sub_hdr_size);
	if (nr_cpus < 0 || nr_cpus > MAX_CPUS)
		return lc_error_create(LC_ERR_FORMAT, "kdump header claims %d CPUs", nr_cpus);
	uint64_t bitmap_off = (uint64_t)block_size * (1 + (uint64_t)sub_hdr_size);
	uint64_t bitmap_len = (uint64_t)bitmap_blocks * block_size;
	if (bitmap_blocks == 0 || bitmap_off > size || bitmap_len > size - bitmap_off)
		return lc_error_create(LC_ERR_FORMAT,
				       "kdump bitmaps (%u blocks at offset %" PRIu64
				       ") lie past the end of the file (%" PRIu64
				       " bytes): truncated or corrupt dump",
				       bitmap_blocks, bitmap_off, size);
	uint64_t mapnr = max_mapnr;
	/*
	 * kdump_sub_header (makedumpfile's diskdump_mng.h, 64-bit): phys_base,
	 * dump_level, split at 12, start_pfn/end_pfn at 16/24 (version >= 2),
	 * their 64-bit forms at 80/88 and max_mapnr_64 at 96 (version >= 6).
	 */
	bool split = false;
	uint64_t start_pfn = 0, end_pfn = 0;
	if (version >= 2 && sub_hdr_size > 0) {
		uint8_t sub[104];
		size_t want = version >= 6 ? sizeof(sub) : 32;
		struct lc_error *err = read_at(fd, sub, want, block_size, size, "kdump sub-header");
		if (err)
			return err;
		split = lc_load_uint(sub + 12, 4, be) != 0;
		start_pfn = lc_load_uint(sub + 16, 8, be);
		end_pfn = lc_load_uint(sub + 24, 8, be);
		if (version >= 6) {
			uint64_t mapnr64 = lc_load_uint(sub + 96, 8, be);
			if (mapnr64)
				mapnr = mapnr64;
			if (split) {
				start_pfn = lc_load_uint(sub + 80, 8, be);
				end_pfn = lc_load_uint(sub + 88, 8, be);
			}
		}
	}
	/* A part may be empty: makedumpfile splits by dumpable pages, none may be left. */
	if (split && (start_pfn > end_pfn || end_pfn > mapnr))
		return lc_error_create(LC_ERR_FORMAT,
				       "kdump split part claims page frames 0x%" PRIx64
				       "-0x%" PRIx64 " of 0x%" PRIx64,
				       start_pfn, end_pfn, mapnr);
	if (part) {
		part->kdump = true;
		part->split = split;
		part->start_pfn = split ? start_pfn : 0;
		part->end_pfn = split ? end_pfn : mapnr;
		part->max_mapnr = mapnr;
		memcpy(part->id, h + 12, sizeof(part->id));
	}
	/* Two bitmaps of one bit per page frame. */
	if (mapnr == 0 || mapnr / 8 > bitmap_len / 2 + block_size)
		return lc_error_create(LC_ERR_FORMAT,
				       "kdump header describes %" PRIu64
				       " page frames but its bitmaps hold %" PRIu64,
				       mapnr, bitmap_len / 2 * 8);
	return NULL;
}

struct lc_error *lc_dump_validate(int fd, struct lc_dump_part *part)
{
	if (part)
		memset(part, 0, sizeof(*part));
	struct stat st;
	if (fstat(fd, &st) < 0)
		return lc_error_create(LC_ERR_OS, "cannot stat the dump: %s", strerror(errno));
	uint64_t size = (uint64_t)st.st_size;
	uint8_t head[KDUMP_HEADER_SIZE];
	if (size < 64)
		return lc_error_create(LC_ERR_FORMAT, "the dump is too short (%" PRIu64 " bytes)",
				       size);
	struct lc_error *err = read_at(fd, head, size < sizeof(head) ? 64 : sizeof(head), 0, size,
				       "dump header");
	if (err)
		return err;
	if (memcmp(head, "\x7f" "ELF", 4) == 0)
		return validate_elf(fd, head, size);
	if (memcmp(head, "KDUMP   ", 8) == 0 || memcmp(head, "DISKDUMP", 8) == 0) {
		if (size < sizeof(head))
			return lc_error_create(LC_ERR_FORMAT,
					       "kdump header is truncated (%" PRIu64 " bytes)", size);
		return validate_kdump(fd, head, size, part);
	}
	return NULL; /* other formats: libkdumpfile's own checks */
}

static int cmp_range(const void *a, const void *b)
{
	const struct lc_phys_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

struct lc_error *lc_dump_elf_ranges(int fd, struct lc_phys_range **ret, size_t *n)
{
	*ret = NULL;
	*n = 0;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return lc_error_create(LC_ERR_OS, "cannot stat the dump: %s", strerror(errno));
	uint64_t size = (uint64_t)st.st_size;
	uint8_t eh[64];
	if (size < sizeof(eh) || read_at(fd, eh, sizeof(eh), 0, size, "ELF header") ||
	    memcmp(eh, "\x7f" "ELF", 4) != 0)
		return NULL;
	/* lc_dump_validate has checked the program headers' place and count. */
	bool be = eh[5] == 2;
	uint64_t phoff = lc_load_uint(eh + 32, 8, be);
	uint64_t phentsize = lc_load_uint(eh + 54, 2, be);
	uint64_t phnum = lc_load_uint(eh + 56, 2, be);
	if (phnum == 0xffff) {
		uint8_t sh[64];
		struct lc_error *err = read_at(fd, sh, sizeof(sh), lc_load_uint(eh + 40, 8, be),
					       size, "ELF section header 0");
		if (err)
			return err;
		phnum = lc_load_uint(sh + 44, 4, be);
	}
	struct lc_phys_range *r = calloc(phnum ? phnum : 1, sizeof(*r));
	if (!r)
		return lc_error_nomem;
	size_t count = 0;
	for (uint64_t i = 0; i < phnum; i++) {
		uint8_t ph[56];
		struct lc_error *err =
			read_at(fd, ph, sizeof(ph), phoff + i * phentsize, size, "program header");
		if (err) {
			free(r);
			return err;
		}
		uint64_t start = lc_load_uint(ph + 24, 8, be), len = lc_load_uint(ph + 32, 8, be);
		if (lc_load_uint(ph, 4, be) != 1 /* PT_LOAD */ || !len || start + len < start)
			continue;
		r[count++] = (struct lc_phys_range){start, start + len};
	}
	qsort(r, count, sizeof(*r), cmp_range);
	size_t merged = 0;
	for (size_t i = 0; i < count; i++) {
		if (merged && r[i].start <= r[merged - 1].end) {
			if (r[i].end > r[merged - 1].end)
				r[merged - 1].end = r[i].end;
		} else {
			r[merged++] = r[i];
		}
	}
	*ret = r;
	*n = merged;
	return NULL;
}

static bool path_check(const char *path, bool need_split)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	uint8_t sig[8];
	struct lc_dump_part part;
	bool yes = pread(fd, sig, sizeof(sig), 0) == (ssize_t)sizeof(sig) &&
		   (!memcmp(sig, "KDUMP   ", 8) || !memcmp(sig, "DISKDUMP", 8));
	if (yes && need_split) {
		struct lc_error *err = lc_dump_validate(fd, &part);
		yes = !err && part.split;
		lc_error_destroy(err);
	}
	close(fd);
	return yes;
}

bool lc_dump_path_is_split_part(const char *path)
{
	return path_check(path, true);
}

bool lc_dump_path_is_kdump(const char *path)
{
	return path_check(path, false);
}
