// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The only file that talks to libkdumpfile: it opens the dump (after
 * dump_file.c has unwrapped any container), sets up address translation
 * from VMCOREINFO, and turns libkdumpfile's status codes into lc_error.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include "dump.h"
#include "dump_notes.h"
#include "dump_validate.h"
#include <inttypes.h>
#include "util.h"

struct lc_dump {
	struct lc_dump_file file;  /* the first (or only) file: its notes are the dump's */
	struct lc_dump_file *more; /* the other parts of a split set */
	size_t nmore;
	kdump_ctx_t *ctx;
	struct lc_dump_desc desc;
	char *vmcoreinfo;
	uint8_t *notes;
	size_t notes_size;
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	addrxlat_cb_t *record_cb; /* chained in front of libkdumpfile's page reader */
	lc_page_recorder_fn *recorder;
	void *recorder_arg;
	/*
	 * Why kernel virtual addresses cannot be translated (NULL when they
	 * can): without VMCOREINFO libkdumpfile may not know the kernel's
	 * layout until lockcore has found it and installs it with
	 * lc_dump_set_vmcoreinfo. Physical reads work meanwhile.
	 */
	char *xlat_error;
	bool in_recorder; /* translating inside the page callback */
	bool recording_paused;
	/*
	 * Page-table pages libaddrxlat read by kernel virtual address during a walk
	 * (arm64 6.12 with LPA2: the root is swapper_pg_dir's kvaddr): translated and
	 * recorded once the walk is over, since the context is not reentrant.
	 */
	uint64_t pending_kv[32];
	unsigned npending;
	/* An ELF dump's physical memory (dump_validate.h: why reads are checked). */
	struct lc_phys_range *elf_ranges;
	size_t n_elf_ranges;
};

static struct lc_error *kdump_error(struct lc_dump *dump, kdump_status status, const char *what)
{
	const char *detail = kdump_get_err(dump->ctx);
	enum lc_error_code code;
	switch (status) {
	case KDUMP_ERR_NODATA:
	case KDUMP_ERR_ADDRXLAT:
		code = LC_ERR_FAULT;
		break;
	case KDUMP_ERR_NOTIMPL:
		code = LC_ERR_UNSUPPORTED;
		break;
	case KDUMP_ERR_NOKEY:
		code = LC_ERR_LOOKUP;
		break;
	case KDUMP_ERR_SYSTEM:
		code = LC_ERR_OS;
		break;
	case KDUMP_ERR_CORRUPT:
		code = LC_ERR_BAD_DATA;
		break;
	default:
		code = LC_ERR_FORMAT;
		break;
	}
	return lc_error_create(code, "%s: %s", what, detail ? detail : kdump_strerror(status));
}

static const char *get_string_attr(kdump_ctx_t *ctx, const char *key)
{
	const char *s = NULL;
	if (kdump_get_string_attr(ctx, key, &s) != KDUMP_OK)
		return NULL;
	return s;
}

static uint64_t get_number_attr(kdump_ctx_t *ctx, const char *key, uint64_t fallback)
{
	kdump_num_t n;
	if (kdump_get_number_attr(ctx, key, &n) != KDUMP_OK)
		return fallback;
	return n;
}

static void install_record_cb(struct lc_dump *dump);

/* (Re)build the translation from libkdumpfile's current view of the dump. */
static struct lc_error *refresh_addrxlat(struct lc_dump *dump)
{
	if (dump->axctx) {
		if (dump->record_cb)
			addrxlat_ctx_del_cb(dump->axctx, dump->record_cb);
		addrxlat_ctx_decref(dump->axctx);
		addrxlat_sys_decref(dump->axsys);
		dump->axctx = NULL;
		dump->axsys = NULL;
		dump->record_cb = NULL;
	}
	kdump_status st = kdump_get_addrxlat(dump->ctx, &dump->axctx, &dump->axsys);
	if (st != KDUMP_OK) {
		dump->axctx = NULL;
		dump->axsys = NULL;
		return kdump_error(dump, st, "setting up address translation");
	}
	/* A recorder set before the translation existed must see page-table reads too. */
	install_record_cb(dump);
	return NULL;
}

static int cmp_part(const void *a, const void *b)
{
	const struct lc_dump_part *x = a, *y = b;
	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

/*
 * A split set must be whole: every file a part of the same dump, the parts
 * tiling all page frames. libkdumpfile would serve a partial set, and the
 * missing frames would read as pages the filter excluded.
 */
static struct lc_error *check_parts(const char *const *paths, struct lc_dump_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (n > 1 && (!parts[i].kdump || !parts[i].split))
			return lc_error_create(LC_ERR_INVALID,
					       "'%s' is not part of a split dump (makedumpfile "
					       "--split): give several files only for one",
					       paths[i]);
		if (i && (parts[i].max_mapnr != parts[0].max_mapnr ||
			  memcmp(parts[i].id, parts[0].id, sizeof(parts[0].id)) != 0))
			return lc_error_create(LC_ERR_MISMATCH,
					       "'%s' is part of another dump than '%s' (their "
					       "headers' machine or time differ)",
					       paths[i], paths[0]);
	}
	if (!parts[0].split)
		return NULL;
	/* Sorted copies: the paths stay in the order given, which messages use. */
	struct lc_dump_part *sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return lc_error_nomem;
	memcpy(sorted, parts, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_part);
	uint64_t next = 0;
	struct lc_error *err = NULL;
	for (size_t i = 0; i < n && !err; i++) {
		if (sorted[i].start_pfn > next)
			err = lc_error_create(LC_ERR_INVALID,
					      "'%s' is one of several files of a split dump, and "
					      "no file given holds page frames 0x%" PRIx64
					      "-0x%" PRIx64 ": give all the files",
					      paths[0], next, sorted[i].start_pfn);
		else if (sorted[i].start_pfn < next)
			err = lc_error_create(
				LC_ERR_INVALID,
				"two files of the split dump hold page frame 0x%" PRIx64
				" (the same file given twice?)",
				sorted[i].start_pfn);
		next = sorted[i].end_pfn;
	}
	if (!err && next < sorted[0].max_mapnr)
		err = lc_error_create(LC_ERR_INVALID,
				      "'%s' is one of several files of a split dump, and no file "
				      "given holds page frames 0x%" PRIx64 "-0x%" PRIx64
				      ": give all the files",
				      paths[0], next, sorted[0].max_mapnr);
	free(sorted);
	return err;
}

/*
 * QEMU's dump-guest-memory -z/-l/-s (kdump-compressed) fills only
 * utsname.machine of the header. libkdumpfile 0.5.1 takes the header's utsname
 * only when it looks like a real one (sysname and the rest set), so it knows
 * no architecture, reads no register notes and translates nothing. Its
 * architecture, as libkdumpfile names it, set before the open; NULL when the
 * header is complete (libkdumpfile reads it) or names no known machine.
 */
static const char *kdump_header_arch(const struct lc_dump_part *part)
{
	enum { UTS_FIELD = 65, UTS_MACHINE = 4 };
	static const struct {
		const char *machine, *arch;
	} names[] = {
		{"x86_64", "x86_64"},
		{"aarch64", "aarch64"},
		{"ppc64", "ppc64"},
		{"ppc64le", "ppc64"},
	};
	if (!part->kdump || part->id[0])
		return NULL;
	char machine[UTS_FIELD + 1] = "";
	memcpy(machine, part->id + UTS_FIELD * UTS_MACHINE, UTS_FIELD);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(machine, names[i].machine))
			return names[i].arch;
	}
	return NULL;
}

struct lc_error *lc_dump_open(const char *const *paths, size_t npaths, lc_progress_fn *progress,
			      void *progress_arg, struct lc_dump **ret)
{
	if (npaths == 0 || npaths > 1024)
		return lc_error_create(LC_ERR_INVALID, "%zu dump files", npaths);
	const char *path = paths[0];
	struct lc_dump *dump = calloc(1, sizeof(*dump));
	if (!dump)
		return lc_error_nomem;
	dump->file.fd = -1;
	struct lc_dump_part *parts = calloc(npaths, sizeof(*parts));
	int *fds = calloc(npaths, sizeof(*fds));
	dump->more = npaths > 1 ? calloc(npaths - 1, sizeof(*dump->more)) : NULL;
	if (!parts || !fds || (npaths > 1 && !dump->more)) {
		free(parts);
		free(fds);
		lc_dump_destroy(dump);
		return lc_error_nomem;
	}
	struct lc_error *err = NULL;
	for (size_t i = 0; i < npaths && !err; i++) {
		struct lc_dump_file *f = i ? &dump->more[i - 1] : &dump->file;
		f->fd = -1;
		err = lc_dump_file_open(paths[i], progress, progress_arg, f);
		if (err)
			break;
		if (i)
			dump->nmore++;
		fds[i] = f->fd;
		err = lc_error_prefix(lc_dump_validate(f->fd, &parts[i]), "'%s'", paths[i]);
	}
	if (!err)
		err = check_parts(paths, parts, npaths);
	if (!err && npaths == 1)
		err = lc_error_prefix(
			lc_dump_elf_ranges(dump->file.fd, &dump->elf_ranges, &dump->n_elf_ranges),
			"'%s'", path);
	const char *header_arch = err ? NULL : kdump_header_arch(&parts[0]);
	free(parts);
	if (err) {
		free(fds);
		lc_dump_destroy(dump);
		return err;
	}
	dump->ctx = kdump_new();
	if (!dump->ctx) {
		free(fds);
		lc_dump_destroy(dump);
		return lc_error_nomem;
	}
	/* Linux is the only OS we read; saying so lets libkdumpfile use VMCOREINFO. */
	kdump_set_string_attr(dump->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (header_arch)
		kdump_set_string_attr(dump->ctx, KDUMP_ATTR_ARCH_NAME, header_arch);
	kdump_status st = kdump_open_fdset(dump->ctx, (unsigned)npaths, fds);
	free(fds);
	if (st != KDUMP_OK) {
		const char *detail = kdump_get_err(dump->ctx);
		err = lc_error_create(LC_ERR_FORMAT, "cannot open the dump: %s",
				      detail ? detail : kdump_strerror(st));
		lc_dump_destroy(dump);
		return lc_error_prefix(err, "'%s'", path);
	}

	struct lc_dump_desc *d = &dump->desc;
	d->format = get_string_attr(dump->ctx, KDUMP_ATTR_FILE_FORMAT);
	d->wrapper = dump->file.wrapper;
	d->arch = get_string_attr(dump->ctx, KDUMP_ATTR_ARCH_NAME);
	d->big_endian = get_number_attr(dump->ctx, KDUMP_ATTR_BYTE_ORDER, KDUMP_LITTLE_ENDIAN) ==
			KDUMP_BIG_ENDIAN;
	d->ptr_size = (unsigned)get_number_attr(dump->ctx, KDUMP_ATTR_PTR_SIZE, 8);
	d->page_size = get_number_attr(dump->ctx, KDUMP_ATTR_PAGE_SIZE, 0);
	if (!d->page_size) {
		/*
		 * ELF dumps do not record it, and without VMCOREINFO libkdumpfile
		 * cannot tell (arm64): nothing is readable until it is set. ELF
		 * data is readable at any granularity, so take the smallest until
		 * the kernel's own is known (lc_dump_set_vmcoreinfo).
		 */
		kdump_set_number_attr(dump->ctx, KDUMP_ATTR_PAGE_SIZE, 4096);
		d->page_size = get_number_attr(dump->ctx, KDUMP_ATTR_PAGE_SIZE, 4096);
	}
	d->note_cpus = (unsigned)get_number_attr(dump->ctx, KDUMP_ATTR_NUM_CPUS, 0);
	d->files = (unsigned)npaths;
	if (!d->arch) {
		lc_dump_destroy(dump);
		return lc_error_create(LC_ERR_FORMAT, "'%s': cannot tell the architecture of the dump",
				       path);
	}

	char *raw = NULL;
	if (kdump_vmcoreinfo_raw(dump->ctx, &raw) == KDUMP_OK)
		dump->vmcoreinfo = raw;

	/*
	 * Without a translation from libkdumpfile (no VMCOREINFO yet, or a layout
	 * it does not support: 0.5.1 has no ppc64 with 4K pages), physical reads
	 * still work, and an architecture with its own page-table walk
	 * (arch.h: translate) reads kernel addresses through them.
	 */
	err = refresh_addrxlat(dump);
	if (err) {
		dump->xlat_error = strdup(lc_error_message(err));
		lc_error_destroy(err);
		if (!dump->xlat_error) {
			lc_dump_destroy(dump);
			return lc_error_nomem;
		}
		err = NULL;
	}
	if (err) {
		lc_dump_destroy(dump);
		return lc_error_prefix(err, "'%s'", path);
	}
	*ret = dump;
	return NULL;
}

/*
 * libkdumpfile up to 0.5.1 (Debian 12's) frees a kdump-compressed dump's
 * page_size attribute and then removes an override from it in kdump_free():
 * a use after free that crashes (drgn issue #280). Leaking the context is the
 * only safe choice there; the process usually ends right after anyway.
 */
static bool libkdumpfile_frees_diskdump_twice(const struct lc_dump *dump)
{
#if KDUMPFILE_VER_MAJOR == 0 && KDUMPFILE_VER_MINOR < 5 ||                                       \
	(KDUMPFILE_VER_MAJOR == 0 && KDUMPFILE_VER_MINOR == 5 && KDUMPFILE_VER_MICRO <= 1)
	return dump->desc.format && strcmp(dump->desc.format, "diskdump") == 0;
#else
	(void)dump;
	return false;
#endif
}

void lc_dump_destroy(struct lc_dump *dump)
{
	if (!dump)
		return;
	if (dump->axctx) {
		if (dump->record_cb)
			addrxlat_ctx_del_cb(dump->axctx, dump->record_cb);
		addrxlat_ctx_decref(dump->axctx);
	}
	if (dump->axsys)
		addrxlat_sys_decref(dump->axsys);
	if (dump->ctx && !libkdumpfile_frees_diskdump_twice(dump))
		kdump_free(dump->ctx);
	free(dump->vmcoreinfo);
	free(dump->xlat_error);
	free(dump->elf_ranges);
	free(dump->notes);
	lc_dump_file_close(&dump->file);
	for (size_t i = 0; i < dump->nmore; i++)
		lc_dump_file_close(&dump->more[i]);
	free(dump->more);
	free(dump);
}

const struct lc_dump_desc *lc_dump_describe(const struct lc_dump *dump)
{
	return &dump->desc;
}

const char *lc_dump_vmcoreinfo(const struct lc_dump *dump)
{
	return dump->vmcoreinfo;
}

struct lc_error *lc_dump_set_vmcoreinfo(struct lc_dump *dump, const char *text)
{
	kdump_blob_t *blob = kdump_blob_new_dup(text, strlen(text));
	if (!blob)
		return lc_error_nomem;
	kdump_attr_t attr = {.type = KDUMP_BLOB, .val.blob = blob};
	kdump_status st = kdump_set_attr(dump->ctx, "linux.vmcoreinfo.raw", &attr);
	if (st != KDUMP_OK)
		return kdump_error(dump, st, "installing VMCOREINFO");
	char *copy = strdup(text);
	if (!copy)
		return lc_error_nomem;
	free(dump->vmcoreinfo);
	dump->vmcoreinfo = copy;
	dump->desc.page_size =
		get_number_attr(dump->ctx, KDUMP_ATTR_PAGE_SIZE, dump->desc.page_size);
	struct lc_error *err = refresh_addrxlat(dump);
	if (!err) {
		free(dump->xlat_error);
		dump->xlat_error = NULL;
	}
	return err;
}

static uint64_t page_of(const struct lc_dump *dump, uint64_t addr)
{
	return addr & ~(dump->desc.page_size - 1);
}

/* Translation with the recording callback in place sees every page-table page. */
static struct lc_error *translate(struct lc_dump *dump, uint64_t kvaddr, uint64_t *phys_ret)
{
	if (!dump->axctx)
		return lc_error_fault(kvaddr, "cannot translate address 0x%" PRIx64 ": %s", kvaddr,
				      dump->xlat_error ? dump->xlat_error
						       : "no address translation");
	addrxlat_fulladdr_t fa = {.addr = kvaddr, .as = ADDRXLAT_KVADDR};
	addrxlat_status st =
		addrxlat_fulladdr_conv(&fa, ADDRXLAT_MACHPHYSADDR, dump->axctx, dump->axsys);
	if (st != ADDRXLAT_OK)
		return lc_error_fault(kvaddr, "cannot translate address 0x%" PRIx64 ": %s", kvaddr,
				      addrxlat_ctx_get_err(dump->axctx));
	*phys_ret = fa.addr;
	return NULL;
}

static void drain_pending(struct lc_dump *dump);

struct lc_error *lc_dump_translate(struct lc_dump *dump, uint64_t kvaddr, uint64_t *phys_ret)
{
	struct lc_error *err = translate(dump, kvaddr, phys_ret);
	drain_pending(dump);
	return err;
}

/*
 * The minimal dump that `extract` writes may later be translated through the
 * kernel page tables even where this dump used a linear shortcut (the kernel
 * text mapping is found differently once most memory is gone), so walk the
 * page tables explicitly: the recording callback then sees every table page.
 */
static void record_fulladdr(struct lc_dump *dump, addrxlat_fulladdr_t a)
{
	uint64_t phys = a.addr;
	if (a.as == ADDRXLAT_KVADDR) {
		struct lc_error *err = translate(dump, a.addr, &phys);
		if (err) {
			lc_error_destroy(err);
			return;
		}
	} else if (a.as != ADDRXLAT_MACHPHYSADDR && a.as != ADDRXLAT_KPHYSADDR) {
		return;
	}
	dump->recorder(dump->recorder_arg, page_of(dump, phys));
}

static void walk_page_tables(struct lc_dump *dump, uint64_t kvaddr)
{
	addrxlat_step_t step = {
		.ctx = dump->axctx,
		.sys = dump->axsys,
		.meth = addrxlat_sys_get_meth(dump->axsys, ADDRXLAT_SYS_METH_PGT),
	};
	if (!step.meth || step.meth->kind != ADDRXLAT_PGT ||
	    addrxlat_launch(&step, kvaddr) != ADDRXLAT_OK)
		return;
	/* Record each level's table by its address rather than by watching reads:
	 * libaddrxlat serves recently used tables without asking for the page. */
	for (int level = 0; step.remain > 1 && level < 8; level++) {
		addrxlat_fulladdr_t entry = step.base;
		entry.addr += step.idx[step.remain - 1] * step.elemsz;
		record_fulladdr(dump, entry);
		if (addrxlat_step(&step) != ADDRXLAT_OK)
			return;
	}
}

/* The page-table root was read while the dump was opened, before any recorder could see it. */
static void record_page_table_root(struct lc_dump *dump)
{
	const addrxlat_meth_t *pgt = addrxlat_sys_get_meth(dump->axsys, ADDRXLAT_SYS_METH_PGT);
	if (pgt && pgt->kind == ADDRXLAT_PGT)
		record_fulladdr(dump, pgt->param.pgt.root);
	drain_pending(dump);
}

static void record_range(struct lc_dump *dump, enum lc_addr_space space, uint64_t addr, size_t len)
{
	uint64_t ps = dump->desc.page_size;
	for (uint64_t p = page_of(dump, addr); p < addr + len; p += ps) {
		uint64_t phys = p;
		if (space == LC_KVADDR) {
			walk_page_tables(dump, p);
			struct lc_error *err = translate(dump, p, &phys);
			if (err) {
				lc_error_destroy(err);
				continue;
			}
		}
		dump->recorder(dump->recorder_arg, page_of(dump, phys));
	}
}

/* The first byte of physical [addr, addr + len) that the ELF dump does not hold. */
static bool elf_hole(const struct lc_dump *dump, uint64_t addr, uint64_t len, uint64_t *hole)
{
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
	while (addr < end) {
		size_t lo = 0, hi = dump->n_elf_ranges;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (dump->elf_ranges[mid].end <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == dump->n_elf_ranges || dump->elf_ranges[lo].start > addr) {
			*hole = addr;
			return true;
		}
		addr = dump->elf_ranges[lo].end;
	}
	return false;
}

static struct lc_error *elf_absent(uint64_t addr, size_t len, enum lc_addr_space space,
				   uint64_t bad)
{
	return lc_error_fault(bad, "cannot read %zu bytes at %s 0x%" PRIx64
			      ": page not in the dump (excluded or not saved)",
			      len, space == LC_KVADDR ? "address" : "physical address", bad);
}

/* Refuse reads of memory an ELF dump does not hold, page by page for kernel addresses. */
static struct lc_error *elf_check(struct lc_dump *dump, enum lc_addr_space space, uint64_t addr,
				  size_t len)
{
	uint64_t hole;
	if (space == LC_PHYSADDR)
		return elf_hole(dump, addr, len, &hole) ? elf_absent(addr, len, space, hole)
							 : NULL;
	for (uint64_t va = addr, left = len; left;) {
		uint64_t chunk = dump->desc.page_size - (va & (dump->desc.page_size - 1));
		if (chunk > left)
			chunk = left;
		uint64_t phys;
		struct lc_error *err = translate(dump, va, &phys);
		if (err) {
			/* kdump_read says why, in its own words. */
			lc_error_destroy(err);
			return NULL;
		}
		if (elf_hole(dump, phys, chunk, &hole))
			return elf_absent(addr, len, space, va + (hole - phys));
		va += chunk;
		left -= chunk;
	}
	return NULL;
}

struct lc_error *lc_dump_read(struct lc_dump *dump, enum lc_addr_space space, uint64_t addr,
			      void *buf, size_t len)
{
	if (space == LC_KVADDR && !dump->axctx) {
		uint64_t phys;
		return translate(dump, addr, &phys);
	}
	if (dump->recorder && !dump->recording_paused)
		record_range(dump, space, addr, len);
	if (dump->n_elf_ranges) {
		struct lc_error *err = elf_check(dump, space, addr, len);
		drain_pending(dump);
		if (err)
			return err;
	}
	size_t got = len;
	kdump_addrspace_t as = space == LC_KVADDR ? KDUMP_KVADDR : KDUMP_MACHPHYSADDR;
	kdump_status st = kdump_read(dump->ctx, as, addr, buf, &got);
	drain_pending(dump);
	if (st == KDUMP_OK && got == len)
		return NULL;
	uint64_t bad = addr + got;
	const char *why = st == KDUMP_ERR_NODATA ? "page not in the dump (excluded or not saved)"
						: kdump_get_err(dump->ctx);
	return lc_error_fault(bad, "cannot read %zu bytes at %s 0x%" PRIx64 ": %s", len - got,
			      space == LC_KVADDR ? "address" : "physical address", bad,
			      why ? why : kdump_strerror(st));
}

struct lc_error *lc_dump_register(struct lc_dump *dump, unsigned note_cpu, const char *name,
				  uint64_t *ret)
{
	char key[64];
	snprintf(key, sizeof(key), "cpu.%u.reg.%s", note_cpu, name);
	kdump_num_t v;
	kdump_status st = kdump_get_number_attr(dump->ctx, key, &v);
	if (st != KDUMP_OK)
		return lc_error_create(LC_ERR_LOOKUP, "no register '%s' in CPU note %u", name,
				       note_cpu);
	*ret = v;
	return NULL;
}

struct lc_error *lc_dump_note_pid(struct lc_dump *dump, unsigned note_cpu, uint64_t *ret)
{
	char key[64];
	snprintf(key, sizeof(key), "cpu.%u.pid", note_cpu);
	kdump_num_t v;
	if (kdump_get_number_attr(dump->ctx, key, &v) != KDUMP_OK)
		v = 0;
	*ret = v;
	return NULL;
}

static addrxlat_status recording_get_page(const addrxlat_cb_t *cb, addrxlat_buffer_t *buf)
{
	struct lc_dump *dump = cb->priv;
	addrxlat_fulladdr_t want = buf->addr;
	addrxlat_status st = cb->next->get_page(cb->next, buf);
	if (st != ADDRXLAT_OK || !dump->recorder || dump->in_recorder || dump->recording_paused)
		return st;
	if (want.as == ADDRXLAT_MACHPHYSADDR || want.as == ADDRXLAT_KPHYSADDR) {
		dump->recorder(dump->recorder_arg, page_of(dump, want.addr));
	} else if (want.as == ADDRXLAT_KVADDR) {
		/*
		 * Page tables are often read through the kernel's direct map. Translating
		 * here would re-enter the context mid-walk (it crashed libaddrxlat 0.5.1):
		 * note the page, drain_pending() translates it after the walk.
		 */
		uint64_t page = page_of(dump, want.addr);
		for (unsigned i = 0; i < dump->npending; i++) {
			if (dump->pending_kv[i] == page)
				return st;
		}
		if (dump->npending < LC_ARRAY_SIZE(dump->pending_kv))
			dump->pending_kv[dump->npending++] = page;
	}
	return st;
}

/* Record the page-table pages read by kernel virtual address during the last walks. */
static void drain_pending(struct lc_dump *dump)
{
	if (dump->in_recorder)
		return;
	dump->in_recorder = true;
	while (dump->npending) {
		uint64_t kv = dump->pending_kv[--dump->npending], phys;
		struct lc_error *err = translate(dump, kv, &phys);
		if (!err && dump->recorder)
			dump->recorder(dump->recorder_arg, page_of(dump, phys));
		lc_error_destroy(err);
	}
	dump->in_recorder = false;
}

static void install_record_cb(struct lc_dump *dump)
{
	if (dump->recorder && !dump->record_cb && dump->axctx) {
		addrxlat_cb_t *cb = addrxlat_ctx_add_cb(dump->axctx);
		if (cb) {
			cb->priv = dump;
			cb->get_page = recording_get_page;
			dump->record_cb = cb;
		}
		record_page_table_root(dump);
	}
}

void lc_dump_set_recorder(struct lc_dump *dump, lc_page_recorder_fn *recorder, void *arg)
{
	dump->recorder = recorder;
	dump->recorder_arg = arg;
	install_record_cb(dump);
}

struct lc_error *lc_dump_notes(struct lc_dump *dump, const uint8_t **ret, size_t *ret_size)
{
	if (!dump->notes) {
		void *notes;
		size_t size;
		struct lc_error *err = lc_dump_read_notes(dump->file.fd, &notes, &size);
		if (err)
			return err;
		dump->notes = notes;
		dump->notes_size = size;
	}
	*ret = dump->notes;
	*ret_size = dump->notes_size;
	return NULL;
}

bool lc_dump_next_page(struct lc_dump *dump, uint64_t phys, uint64_t *ret)
{
	kdump_attr_t attr = {.type = KDUMP_BITMAP};
	uint64_t shift = 0;
	while ((1ull << shift) < dump->desc.page_size && shift < 63)
		shift++;
	if (kdump_get_typed_attr(dump->ctx, KDUMP_ATTR_FILE_PAGEMAP, &attr) != KDUMP_OK ||
	    attr.type != KDUMP_BITMAP) {
		/*
		 * The format cannot say (libkdumpfile has the map for ELF and
		 * kdump-compressed files): every page may be there, up to a bound
		 * that keeps a search from probing the whole 52-bit space.
		 */
		*ret = phys;
		return phys < (64ull << 30);
	}
	kdump_addr_t pfn = phys >> shift;
	if (kdump_bmp_find_set(attr.val.bitmap, &pfn) != KDUMP_OK)
		return false;
	uint64_t page = (uint64_t)pfn << shift;
	*ret = page > phys ? page : phys;
	return true;
}

void lc_dump_pause_recording(struct lc_dump *dump, bool paused)
{
	dump->recording_paused = paused;
}
