// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <zstd.h>

#include "extract.h"

enum {
	EHDR_SIZE = 64,
	PHDR_SIZE = 56,
	PT_LOAD = 1,
	PT_NOTE = 4,
	/* Gaps up to this many pages are filled (with the real pages) to keep
	 * the program header count well under ELF's 16-bit limit. */
	MAX_SEGMENTS = 60000,
};

struct writer {
	int fd;
	bool be;
	uint64_t off;
	const char *path;
};

static struct lc_error *put(struct writer *w, const void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pwrite(w->fd, (const char *)buf + done, len - done,
				   (off_t)(w->off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lc_error_create(LC_ERR_OS, "writing '%s': %s", w->path,
					       strerror(errno));
		done += (size_t)n;
	}
	w->off += len;
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct segment {
	uint64_t phys;
	uint64_t npages;
};

struct lc_error *lc_extract_write_elf(struct lc_program *prog, const uint64_t *pages_in,
				      size_t npages, const char *path,
				      struct lc_extract_stats *stats)
{
	const uint64_t ps = prog->desc->page_size;
	memset(stats, 0, sizeof(*stats));
	stats->pages_requested = npages;

	const uint8_t *notes;
	size_t notes_size;
	struct lc_error *err = lc_dump_notes(prog->dump, &notes, &notes_size);
	if (err)
		return lc_error_prefix(err, "copying the notes");

	/* Keep only pages the source really has; a recorded read may have failed. */
	lc_autofree uint64_t *pages = malloc(npages * sizeof(*pages) + 1);
	lc_autofree uint8_t *page = malloc(ps);
	if (!pages || !page)
		return lc_error_nomem;
	memcpy(pages, pages_in, npages * sizeof(*pages));
	qsort(pages, npages, sizeof(*pages), cmp_u64);
	size_t n = 0;
	for (size_t i = 0; i < npages; i++) {
		if (n && pages[n - 1] == pages[i])
			continue;
		struct lc_error *e = lc_dump_read(prog->dump, LC_PHYSADDR, pages[i], page, ps);
		if (e) {
			lc_error_destroy(e);
			stats->pages_unreadable++;
			continue;
		}
		pages[n++] = pages[i];
	}

	lc_autofree struct segment *segs = NULL;
	size_t nsegs = 0, cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (nsegs && segs[nsegs - 1].phys + segs[nsegs - 1].npages * ps == pages[i]) {
			segs[nsegs - 1].npages++;
			continue;
		}
		if (!lc_grow((void **)&segs, &cap, nsegs + 1, sizeof(*segs)))
			return lc_error_nomem;
		segs[nsegs++] = (struct segment){.phys = pages[i], .npages = 1};
	}
	if (nsegs > MAX_SEGMENTS)
		return lc_error_create(LC_ERR_UNSUPPORTED,
				       "%zu separate page runs exceed what one ELF dump can describe",
				       nsegs);

	struct writer w = {.be = prog->big_endian, .path = path};
	w.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w.fd < 0)
		return lc_error_create(LC_ERR_OS, "cannot create '%s': %s", path, strerror(errno));

	uint64_t phnum = 1 + nsegs;
	uint64_t notes_off = EHDR_SIZE + phnum * PHDR_SIZE;
	uint64_t data_off = (notes_off + notes_size + ps - 1) & ~(ps - 1);

	uint8_t eh[EHDR_SIZE] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, w.be ? 2 : 1, 1 /* EV_CURRENT */};
	lc_store_uint(eh + 16, 2, w.be, 4 /* ET_CORE */);
	lc_store_uint(eh + 18, 2, w.be, prog->arch->elf_machine);
	lc_store_uint(eh + 20, 4, w.be, 1);
	lc_store_uint(eh + 32, 8, w.be, EHDR_SIZE);
	lc_store_uint(eh + 52, 2, w.be, EHDR_SIZE);
	lc_store_uint(eh + 54, 2, w.be, PHDR_SIZE);
	lc_store_uint(eh + 56, 2, w.be, phnum);
	err = put(&w, eh, sizeof(eh));

	uint8_t ph[PHDR_SIZE] = {0};
	lc_store_uint(ph, 4, w.be, PT_NOTE);
	lc_store_uint(ph + 8, 8, w.be, notes_off);
	lc_store_uint(ph + 32, 8, w.be, notes_size);
	lc_store_uint(ph + 40, 8, w.be, notes_size);
	if (!err)
		err = put(&w, ph, sizeof(ph));
	uint64_t seg_off = data_off;
	for (size_t i = 0; !err && i < nsegs; i++) {
		uint64_t len = segs[i].npages * ps;
		memset(ph, 0, sizeof(ph));
		lc_store_uint(ph, 4, w.be, PT_LOAD);
		lc_store_uint(ph + 4, 4, w.be, 7 /* RWX, as /proc/vmcore */);
		lc_store_uint(ph + 8, 8, w.be, seg_off);
		/* No virtual address: translation must come from the kernel's page
		 * tables (kept in the dump), exactly as for the source dump. */
		lc_store_uint(ph + 16, 8, w.be, 0);
		lc_store_uint(ph + 24, 8, w.be, segs[i].phys);
		lc_store_uint(ph + 32, 8, w.be, len);
		lc_store_uint(ph + 40, 8, w.be, len);
		lc_store_uint(ph + 48, 8, w.be, ps);
		err = put(&w, ph, sizeof(ph));
		seg_off += len;
	}
	if (!err)
		err = put(&w, notes, notes_size);
	w.off = data_off;
	for (size_t i = 0; !err && i < nsegs; i++) {
		for (uint64_t p = 0; !err && p < segs[i].npages; p++) {
			err = lc_dump_read(prog->dump, LC_PHYSADDR, segs[i].phys + p * ps, page, ps);
			if (!err)
				err = put(&w, page, ps);
		}
	}
	if (close(w.fd) < 0 && !err)
		err = lc_error_create(LC_ERR_OS, "closing '%s': %s", path, strerror(errno));
	if (err) {
		unlink(path);
		return err;
	}
	stats->pages_written = n;
	stats->segments = nsegs;
	stats->bytes = seg_off;
	return NULL;
}

struct lc_error *lc_compress_file_zstd(const char *in_path, const char *out_path, int level)
{
	FILE *in = fopen(in_path, "rbe");
	if (!in)
		return lc_error_create(LC_ERR_OS, "cannot open '%s': %s", in_path, strerror(errno));
	FILE *out = fopen(out_path, "wbe");
	if (!out) {
		fclose(in);
		return lc_error_create(LC_ERR_OS, "cannot create '%s': %s", out_path,
				       strerror(errno));
	}
	struct lc_error *err = NULL;
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	size_t in_cap = ZSTD_CStreamInSize(), out_cap = ZSTD_CStreamOutSize();
	lc_autofree char *ibuf = malloc(in_cap);
	lc_autofree char *obuf = malloc(out_cap);
	if (!cctx || !ibuf || !obuf) {
		err = lc_error_nomem;
		goto done;
	}
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	for (;;) {
		size_t got = fread(ibuf, 1, in_cap, in);
		if (ferror(in)) {
			err = lc_error_create(LC_ERR_OS, "reading '%s'", in_path);
			goto done;
		}
		bool last = got < in_cap;
		ZSTD_inBuffer ib = {ibuf, got, 0};
		bool finished;
		do {
			ZSTD_outBuffer ob = {obuf, out_cap, 0};
			size_t rem = ZSTD_compressStream2(cctx, &ob, &ib,
							  last ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(rem)) {
				err = lc_error_create(LC_ERR_OS, "zstd: %s", ZSTD_getErrorName(rem));
				goto done;
			}
			if (fwrite(obuf, 1, ob.pos, out) != ob.pos) {
				err = lc_error_create(LC_ERR_OS, "writing '%s': %s", out_path,
						      strerror(errno));
				goto done;
			}
			finished = last ? rem == 0 : ib.pos == ib.size;
		} while (!finished);
		if (last)
			break;
	}
done:
	ZSTD_freeCCtx(cctx);
	fclose(in);
	if (fclose(out) != 0 && !err)
		err = lc_error_create(LC_ERR_OS, "closing '%s': %s", out_path, strerror(errno));
	if (err)
		unlink(out_path);
	return err;
}
