// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "dump_notes.h"
#include "util.h"

enum { MAX_NOTES_SIZE = 64 * 1024 * 1024 };

static struct lc_error *pread_all(int fd, void *buf, size_t len, uint64_t off, const char *what)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lc_error_create(n < 0 ? LC_ERR_OS : LC_ERR_FORMAT,
					       "reading %s at offset %" PRIu64 ": %s", what,
					       off + done, n < 0 ? strerror(errno) : "file ends early");
		done += (size_t)n;
	}
	return NULL;
}

static struct lc_error *append(uint8_t **buf, size_t *size, size_t *cap, int fd, uint64_t off,
			       uint64_t len)
{
	if (len > MAX_NOTES_SIZE || *size + len > MAX_NOTES_SIZE)
		return lc_error_create(LC_ERR_FORMAT, "notes of %" PRIu64 " bytes are implausible",
				       len);
	if (!lc_grow((void **)buf, cap, *size + (size_t)len, 1))
		return lc_error_nomem;
	struct lc_error *err = pread_all(fd, *buf + *size, (size_t)len, off, "notes");
	if (!err)
		*size += (size_t)len;
	return err;
}

static struct lc_error *elf_notes(int fd, const uint8_t *eh, uint8_t **buf, size_t *size,
				  size_t *cap)
{
	if (eh[4] != 2)
		return lc_error_create(LC_ERR_UNSUPPORTED, "32-bit ELF dumps are not supported");
	bool be = eh[5] == 2;
	uint64_t phoff = lc_load_uint(eh + 32, 8, be);
	uint16_t phentsize = (uint16_t)lc_load_uint(eh + 54, 2, be);
	uint32_t phnum = (uint32_t)lc_load_uint(eh + 56, 2, be);
	if (phentsize < 56)
		return lc_error_create(LC_ERR_FORMAT, "ELF program header size %u is too small",
				       phentsize);
	if (phnum == 0xffff) {
		/* PN_XNUM: the real count is in section header 0's sh_info. */
		uint64_t shoff = lc_load_uint(eh + 40, 8, be);
		uint8_t sh[64];
		struct lc_error *err = pread_all(fd, sh, sizeof(sh), shoff, "section header 0");
		if (err)
			return err;
		phnum = (uint32_t)lc_load_uint(sh + 44, 4, be);
	}
	for (uint32_t i = 0; i < phnum; i++) {
		uint8_t ph[56];
		struct lc_error *err = pread_all(fd, ph, sizeof(ph),
						 phoff + (uint64_t)i * phentsize, "program header");
		if (err)
			return err;
		if (lc_load_uint(ph, 4, be) != 4 /* PT_NOTE */)
			continue;
		err = append(buf, size, cap, fd, lc_load_uint(ph + 8, 8, be),
			     lc_load_uint(ph + 32, 8, be));
		if (err)
			return err;
	}
	return NULL;
}

/*
 * kdump-compressed: the disk_dump_header is followed, one block later, by
 * kdump_sub_header whose offset_note/size_note (header version 4+) locate the notes.
 * Both are in the dumped machine's byte order; header_version tells which.
 */
static struct lc_error *kdump_notes(int fd, const uint8_t *hdr, uint8_t **buf, size_t *size,
				    size_t *cap)
{
	uint32_t ver_le = (uint32_t)lc_load_uint(hdr + 8, 4, false);
	bool be = ver_le > 0xffff;
	uint32_t version = (uint32_t)lc_load_uint(hdr + 8, 4, be);
	uint32_t block_size = (uint32_t)lc_load_uint(hdr + 428, 4, be);
	if (version < 4)
		return lc_error_create(LC_ERR_UNSUPPORTED,
				       "kdump header version %u stores no notes", version);
	if (block_size < 512 || block_size > (1u << 20) || (block_size & (block_size - 1)))
		return lc_error_create(LC_ERR_FORMAT, "kdump block size %u is implausible",
				       block_size);
	uint8_t sub[64];
	struct lc_error *err = pread_all(fd, sub, sizeof(sub), block_size, "kdump sub-header");
	if (err)
		return err;
	return append(buf, size, cap, fd, lc_load_uint(sub + 48, 8, be),
		      lc_load_uint(sub + 56, 8, be));
}

struct lc_error *lc_dump_read_notes(int fd, void **ret, size_t *ret_size)
{
	uint8_t head[464];
	struct lc_error *err = pread_all(fd, head, sizeof(head), 0, "dump header");
	if (err)
		return err;
	uint8_t *buf = NULL;
	size_t size = 0, cap = 0;
	if (memcmp(head, "\x7f" "ELF", 4) == 0)
		err = elf_notes(fd, head, &buf, &size, &cap);
	else if (memcmp(head, "KDUMP   ", 8) == 0 || memcmp(head, "DISKDUMP", 8) == 0)
		err = kdump_notes(fd, head, &buf, &size, &cap);
	else
		err = lc_error_create(LC_ERR_FORMAT, "cannot find notes: unknown dump format");
	if (err) {
		free(buf);
		return err;
	}
	*ret = buf;
	*ret_size = size;
	return NULL;
}

bool lc_note_next(const uint8_t *buf, size_t size, bool big_endian, size_t *pos,
		  struct lc_note *ret)
{
	size_t p = *pos;
	if (p > size || size - p < 12)
		return false;
	uint32_t namesz = (uint32_t)lc_load_uint(buf + p, 4, big_endian);
	uint32_t descsz = (uint32_t)lc_load_uint(buf + p + 4, 4, big_endian);
	uint32_t type = (uint32_t)lc_load_uint(buf + p + 8, 4, big_endian);
	size_t name_pad = ((size_t)namesz + 3) & ~(size_t)3;
	size_t desc_pad = ((size_t)descsz + 3) & ~(size_t)3;
	if (name_pad > size - p - 12 || desc_pad > size - p - 12 - name_pad)
		return false;
	ret->name = (const char *)buf + p + 12;
	ret->name_size = namesz;
	ret->type = type;
	ret->desc = buf + p + 12 + name_pad;
	ret->desc_size = descsz;
	*pos = p + 12 + name_pad + desc_pad;
	return true;
}
