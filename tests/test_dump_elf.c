// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reads of an ELF dump's physical memory: a page the dump does not hold must
 * fail, also right before a segment, where libkdumpfile zero-fills it (the
 * gaps of every `extract --minimal` dump are such pages).
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "dump.h"
#include "util.h"

enum { PAGE = 4096, PHDRS = 3 };

static void put(uint8_t *p, unsigned size, uint64_t v)
{
	lc_store_uint(p, size, false, v);
}

/* Segments: [0x1000, +1 page), [0x3000, +1 page), [0x5000, filesz 1 page, memsz 2 pages). */
static size_t build(uint8_t *img)
{
	static const uint64_t phys[PHDRS] = {0x1000, 0x3000, 0x5000};
	static const uint64_t memsz[PHDRS] = {PAGE, PAGE, 2 * PAGE};
	uint8_t *eh = img;
	memcpy(eh,
	       "\x7f"
	       "ELF",
	       4);
	eh[4] = 2;
	eh[5] = 1;
	eh[6] = 1;
	put(eh + 16, 2, 4);  /* ET_CORE */
	put(eh + 18, 2, 62); /* EM_X86_64 */
	put(eh + 20, 4, 1);
	put(eh + 32, 8, 64);
	put(eh + 52, 2, 64);
	put(eh + 54, 2, 56);
	put(eh + 56, 2, PHDRS);
	uint64_t off = PAGE;
	for (unsigned i = 0; i < PHDRS; i++) {
		uint8_t *ph = img + 64 + 56 * i;
		put(ph, 4, 1); /* PT_LOAD */
		put(ph + 4, 4, 7);
		put(ph + 8, 8, off);
		put(ph + 24, 8, phys[i]);
		put(ph + 32, 8, PAGE);
		put(ph + 40, 8, memsz[i]);
		put(ph + 48, 8, PAGE);
		memset(img + off, 0xa0 + i, PAGE);
		off += PAGE;
	}
	return off;
}

static struct lc_error *read_phys(struct lc_dump *d, uint64_t addr, size_t len, uint8_t *buf)
{
	return lc_dump_read(d, LC_PHYSADDR, addr, buf, len);
}

int main(void)
{
	static uint8_t img[PAGE * (1 + PHDRS)];
	size_t size = build(img);
	char path[] = "/tmp/lc-test-elf-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return 1;
	CHECK(write(fd, img, size) == (ssize_t)size);
	close(fd);

	const char *paths[] = {path};
	struct lc_dump *d = NULL;
	struct lc_error *err = lc_dump_open(paths, 1, NULL, NULL, &d);
	unlink(path);
	CHECK(!err);
	if (err) {
		fprintf(stderr, "%s\n", lc_error_message(err));
		return 1;
	}
	uint8_t buf[32];
	CHECK(!read_phys(d, 0x1000, 16, buf) && buf[0] == 0xa0);
	CHECK(!read_phys(d, 0x3ff0, 16, buf) && buf[15] == 0xa1);

	/* 0x6000: past p_filesz, within p_memsz: absent for libkdumpfile too */
	static const uint64_t absent[] = {0x0, 0x2000, 0x2ff8, 0x1ff8, 0x4000, 0x6000, 0x7000};
	for (size_t i = 0; i < LC_ARRAY_SIZE(absent); i++) {
		err = read_phys(d, absent[i], 16, buf);
		CHECK(err && lc_error_code(err) == LC_ERR_FAULT);
		if (!err)
			fprintf(stderr, "0x%" PRIx64 " read as present\n", absent[i]);
		lc_error_destroy(err);
	}
	lc_dump_destroy(d);
	return check_failures;
}
