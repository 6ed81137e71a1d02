// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding kallsyms in memory when VMCOREINFO does not locate it (kernels
 * before 6.0). scripts/kallsyms.c emits, each label 8-byte aligned on 64-bit:
 *
 *   kallsyms_offsets (s32 x N) | kallsyms_relative_base (u64) |
 *   kallsyms_num_syms (u32) | kallsyms_names | kallsyms_markers (u32 x M) |
 *   kallsyms_token_table (256 strings) | kallsyms_token_index (u16 x 256)
 *
 * (5.10's layout; kallsyms_addresses (unsigned long x N) replaces the first
 * two without CONFIG_KALLSYMS_BASE_RELATIVE). The token index has a shape
 * nothing else has: 256 offsets starting at 0 and growing by each token's
 * length + 1. From it the other tables are found walking backwards, and the
 * result is checked against VMCOREINFO's own symbol addresses.
 */
#include <stdio.h>

#include "kallsyms.h"
#include "read.h"

enum {
	CHUNK = 1 << 20,
	MAX_SCAN = 256 << 20,
	MAX_NAMES = 32 << 20,
	MAX_TOKEN = 128,
};

bool lc_kallsyms_is_token_index(const uint8_t *p, bool big_endian)
{
	if (lc_load_uint(p, 2, big_endian) != 0)
		return false;
	uint64_t prev = 0;
	for (unsigned i = 1; i < 256; i++) {
		uint64_t v = lc_load_uint(p + 2 * i, 2, big_endian);
		/* Every token is at least one character plus its NUL. */
		if (v < prev + 2 || v > prev + MAX_TOKEN)
			return false;
		prev = v;
	}
	return true;
}

/* Read [addr, addr+len) page by page; pages missing from the dump read as zeros. */
static void read_lenient(struct lc_program *prog, uint64_t addr, uint8_t *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		size_t n = 4096 - ((addr + done) & 4095);
		if (n > len - done)
			n = len - done;
		struct lc_error *err = lc_read(prog, addr + done, buf + done, n);
		if (err) {
			memset(buf + done, 0, n);
			lc_error_destroy(err);
		}
		done += n;
	}
}

/* A read whose failure only means "not here". */
static bool read_ok(struct lc_program *prog, uint64_t addr, void *buf, size_t len)
{
	struct lc_error *err = lc_read(prog, addr, buf, len);
	lc_error_destroy(err);
	return err == NULL;
}

static struct lc_error *find_token_index(struct lc_program *prog, uint64_t start, uint64_t end,
					 uint64_t *ret)
{
	lc_autofree uint8_t *buf = malloc(CHUNK + 512);
	if (!buf)
		return lc_error_nomem;
	for (uint64_t a = start & ~7ull; a < end; a += CHUNK) {
		size_t len = (size_t)(end - a < CHUNK + 512 ? end - a : CHUNK + 512);
		if (len < 512)
			break;
		read_lenient(prog, a, buf, len);
		for (size_t off = 0; off + 512 <= len && off < CHUNK; off += 8) {
			if (buf[off] == 0 && buf[off + 1] == 0 &&
			    lc_kallsyms_is_token_index(buf + off, prog->big_endian)) {
				*ret = a + off;
				return NULL;
			}
		}
	}
	return lc_error_create(LC_ERR_LOOKUP, "no kallsyms token index between 0x%" PRIx64
			       " and 0x%" PRIx64, start, end);
}

/* Walk n compressed names from p; false if they do not fit in [p, limit). */
static bool walk_names(const uint8_t *names, size_t size, uint32_t n, const uint32_t *markers,
		       uint32_t nmarkers, size_t *end)
{
	size_t pos = 0;
	for (uint32_t i = 0; i < n; i++) {
		if ((i & 0xff) == 0 && (i >> 8) < nmarkers && markers[i >> 8] != pos)
			return false;
		if (pos >= size)
			return false;
		size_t len = names[pos];
		size_t hdr = 1;
		if (len & 0x80) {
			if (pos + 1 >= size)
				return false;
			len = (len & 0x7f) | ((size_t)names[pos + 1] << 7);
			hdr = 2;
		}
		if (len == 0 || len > size - pos - hdr)
			return false;
		pos += hdr + len;
	}
	*end = pos;
	return true;
}

static struct lc_error *locate_from_token_index(struct lc_program *prog, uint64_t range_start,
						uint64_t ti, struct lc_kallsyms_location *loc)
{
	bool be = prog->big_endian;
	uint8_t index[512];
	struct lc_error *err = lc_read(prog, ti, index, sizeof(index));
	if (err)
		return err;
	uint64_t last = lc_load_uint(index + 510, 2, be);
	/*
	 * The table holds last + strlen(last token) + 1 bytes and ends, padded to
	 * 8, where the index begins: try each possible length of the last token.
	 */
	uint64_t tt = 0;
	char tok[MAX_TOKEN + 8];
	for (uint64_t size = last + 2; size <= last + MAX_TOKEN + 1 && !tt; size++) {
		uint64_t cand = ti - ((size + 7) & ~7ull);
		size_t toklen = (size_t)(size - last);
		if (!read_ok(prog, cand + last, tok, toklen))
			continue;
		if (tok[toklen - 1] != '\0' || memchr(tok, '\0', toklen - 1))
			continue;
		/* The first token must also end where the index says the second begins. */
		uint64_t second = lc_load_uint(index + 2, 2, be);
		char first[MAX_TOKEN + 1];
		if (second > MAX_TOKEN || !read_ok(prog, cand, first, (size_t)second))
			continue;
		if (first[second - 1] == '\0' && !memchr(first, '\0', (size_t)second - 1))
			tt = cand;
	}
	if (!tt)
		return lc_error_create(LC_ERR_BAD_DATA, "kallsyms token table before 0x%" PRIx64
				       " is not where its index says", ti);

	/* Markers: u32, strictly increasing from 0, ending (plus padding) at tt. */
	enum { MARKER_WINDOW = 64 * 1024 };
	uint64_t mstart = tt > range_start + MARKER_WINDOW ? tt - MARKER_WINDOW : range_start;
	size_t mlen = (size_t)(tt - mstart);
	lc_autofree uint8_t *mbuf = malloc(mlen ? mlen : 1);
	if (!mbuf)
		return lc_error_nomem;
	lc_dump_pause_recording(prog->dump, true);
	read_lenient(prog, mstart, mbuf, mlen);
	lc_dump_pause_recording(prog->dump, false);
	size_t w = mlen / 4;
	if (w && lc_load_uint(mbuf + (w - 1) * 4, 4, be) == 0 && w >= 2 &&
	    lc_load_uint(mbuf + (w - 2) * 4, 4, be) != 0)
		w--; /* alignment padding */
	size_t top = w;
	while (w > 0) {
		uint64_t v = lc_load_uint(mbuf + (w - 1) * 4, 4, be);
		if (v == 0)
			break;
		if (w < top && v >= lc_load_uint(mbuf + w * 4, 4, be))
			return lc_error_create(LC_ERR_BAD_DATA, "kallsyms markers are not increasing");
		w--;
	}
	if (w == 0)
		return lc_error_create(LC_ERR_BAD_DATA, "kallsyms markers have no start");
	uint64_t km = mstart + (w - 1) * 4;
	uint32_t nmarkers = (uint32_t)(top - (w - 1));
	if (km & 7)
		return lc_error_create(LC_ERR_BAD_DATA, "kallsyms markers misaligned at 0x%" PRIx64,
				       km);
	lc_autofree uint32_t *markers = malloc(nmarkers * sizeof(uint32_t));
	if (!markers)
		return lc_error_nomem;
	for (uint32_t i = 0; i < nmarkers; i++)
		markers[i] = (uint32_t)lc_load_uint(mbuf + (w - 1 + i) * 4, 4, be);

	/* Names end before the markers; num_syms sits 8 bytes before the names. */
	uint64_t nstart = km > range_start + MAX_NAMES ? km - MAX_NAMES : range_start;
	size_t nlen = (size_t)(km - nstart);
	lc_autofree uint8_t *nbuf = malloc(nlen ? nlen : 1);
	if (!nbuf)
		return lc_error_nomem;
	lc_dump_pause_recording(prog->dump, true);
	read_lenient(prog, nstart, nbuf, nlen);
	lc_dump_pause_recording(prog->dump, false);
	uint32_t min_n = (nmarkers - 1) * 256 + 1, max_n = nmarkers * 256;
	uint64_t last_marker = markers[nmarkers - 1];
	for (uint64_t kn = (km - last_marker) & ~7ull; kn >= nstart + 16; kn -= 8) {
		uint32_t n = (uint32_t)lc_load_uint(nbuf + (kn - 8 - nstart), 4, be);
		if (n < min_n || n > max_n)
			continue;
		size_t end;
		if (!walk_names(nbuf + (kn - nstart), (size_t)(km - kn), n, markers, nmarkers,
				&end) ||
		    km - (kn + end) >= 8)
			continue;
		/* The markers were read unrecorded with the search: keep their pages too. */
		uint8_t *keep = malloc((size_t)(tt - km));
		if (keep) {
			lc_error_destroy(lc_read(prog, km, keep, (size_t)(tt - km)));
			free(keep);
		}
		*loc = (struct lc_kallsyms_location){
			.names = kn,
			.num_syms = kn - 8,
			.token_table = tt,
			.token_index = ti,
			.relative = true,
			.relative_base = kn - 16,
			.values = kn - 16 - (((uint64_t)n * 4 + 7) & ~7ull),
		};
		return NULL;
	}
	return lc_error_create(LC_ERR_BAD_DATA,
			       "kallsyms names before 0x%" PRIx64 " do not match their markers", km);
}

/*
 * The decoded table must agree with VMCOREINFO's own symbols. Without
 * CONFIG_KALLSYMS_ALL (Debian's arm64 5.10) kallsyms has no data symbols:
 * init_uts_ns is then absent, not wrong, and _stext alone must match.
 */
static bool agrees(struct lc_program *prog, const struct lc_symbols *syms)
{
	static const char *const check[] = {"_stext", "init_uts_ns"};
	unsigned matched = 0;
	for (size_t i = 0; i < LC_ARRAY_SIZE(check); i++) {
		uint64_t want;
		const struct lc_symbol *s = lc_symbols_find(syms, check[i]);
		if (!lc_vmcoreinfo_symbol(&prog->vmcoreinfo, check[i], &want) || !s)
			continue;
		if (s->address != want)
			return false;
		matched++;
	}
	return matched > 0;
}

struct lc_error *lc_kallsyms_load_search(struct lc_program *prog, struct lc_symbols *syms)
{
	uint64_t start, end;
	if (!prog->has_vmcoreinfo || !lc_vmcoreinfo_symbol(&prog->vmcoreinfo, "_stext", &start) ||
	    !lc_vmcoreinfo_symbol(&prog->vmcoreinfo, "init_uts_ns", &end))
		return lc_error_create(LC_ERR_LOOKUP,
				       "cannot search for kallsyms: VMCOREINFO lacks _stext or "
				       "init_uts_ns");
	/* kallsyms is read-only data: after the text, before init_uts_ns's .data. */
	if (end <= start || end - start > MAX_SCAN)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "kernel image bounds 0x%" PRIx64 "-0x%" PRIx64
				       " are implausible",
				       start, end);
	uint64_t from = start;
	for (int attempt = 0; attempt < 4; attempt++) {
		uint64_t ti = 0;
		lc_dump_pause_recording(prog->dump, true);
		struct lc_error *err = find_token_index(prog, from, end, &ti);
		lc_dump_pause_recording(prog->dump, false);
		if (err)
			return lc_error_prefix(err, "searching memory for kallsyms");
		struct lc_kallsyms_location loc;
		err = locate_from_token_index(prog, start, ti, &loc);
		if (!err) {
			struct lc_symbols trial;
			lc_symbols_init(&trial);
			err = lc_kallsyms_load_at(prog, &loc, &trial);
			if (!err)
				err = lc_symbols_finalize(&trial);
			if (!err && agrees(prog, &trial)) {
				/* Hand the table over whole; the caller finalizes it again. */
				lc_symbols_deinit(syms);
				*syms = trial;
				return NULL;
			}
			lc_symbols_deinit(&trial);
		}
		lc_error_destroy(err);
		from = ti + 8; /* a look-alike: keep searching after it */
	}
	return lc_error_create(LC_ERR_LOOKUP, "no kallsyms tables found in kernel memory");
}
