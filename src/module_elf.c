// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel module files: section headers, symbols, .modinfo, build-id.
 *
 * Only what placing the module's symbols and checking that the file is the
 * loaded module need; debug sections are never read, so even a .ko with
 * hundreds of MiB of DWARF costs a few page faults.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <gelf.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "module_elf.h"
#include "util.h"

/* A module's section count and symbol count fit far below these. */
enum { MAX_SECTIONS = 1 << 16, MAX_SYMBOLS = 1 << 22, MAX_BUILD_ID = 64 };
/* The largest in-tree modules (amdgpu with debug info) stay below this. */
#define MAX_MODULE_FILE (1ull << 30)

static struct lc_error *elf_err(const char *what, const char *path)
{
	return lc_error_create(LC_ERR_FORMAT, "%s '%s': %s", what, path, elf_errmsg(-1));
}

void lc_ko_destroy(struct lc_ko *ko)
{
	if (!ko)
		return;
	if (ko->elf)
		elf_end(ko->elf);
	if (ko->fd >= 0)
		close(ko->fd);
	free(ko->image);
	free(ko->sections);
	free(ko->symbols);
	free(ko->path);
	free(ko);
}

size_t lc_ko_find_section(const struct lc_ko *ko, const char *name, uint64_t flags)
{
	for (size_t i = 1; i < ko->nsections; i++) {
		const struct lc_ko_section *s = &ko->sections[i];
		if ((s->flags & flags) == flags && !strcmp(s->name, name))
			return i;
	}
	return 0;
}

/* Copy the value of "key=value" from .modinfo's NUL-separated strings. */
static void modinfo_get(const struct lc_ko_section *s, const char *key, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!s->data)
		return;
	size_t klen = strlen(key);
	const char *p = (const char *)s->data, *end = p + s->data_size;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p);
		if (len > klen && !memcmp(p, key, klen) && p[klen] == '=') {
			size_t vlen = len - klen - 1;
			if (vlen >= size)
				vlen = size - 1;
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			return;
		}
		p += len + 1;
	}
}

static void read_build_id(struct lc_ko *ko)
{
	for (size_t i = 1; i < ko->nsections; i++) {
		const struct lc_ko_section *s = &ko->sections[i];
		if (s->type != SHT_NOTE || !s->data)
			continue;
		/* Elf_Nhdr (the same in both classes): namesz, descsz, type; 4-byte padding. */
		for (size_t off = 0; off + 12 <= s->data_size;) {
			uint64_t namesz = lc_load_uint(s->data + off, 4, ko->big_endian);
			uint64_t descsz = lc_load_uint(s->data + off + 4, 4, ko->big_endian);
			uint64_t type = lc_load_uint(s->data + off + 8, 4, ko->big_endian);
			size_t name_off = off + 12;
			if (namesz > s->data_size || descsz > s->data_size)
				break;
			size_t desc_off = name_off + ((namesz + 3) & ~(uint64_t)3);
			if (desc_off + descsz > s->data_size)
				break;
			if (type == NT_GNU_BUILD_ID && namesz == 4 &&
			    !memcmp(s->data + name_off, "GNU", 4) && descsz > 0 &&
			    descsz <= MAX_BUILD_ID) {
				for (size_t k = 0; k < descsz; k++)
					snprintf(ko->build_id + 2 * k, 3, "%02x",
						 s->data[desc_off + k]);
				ko->build_id_section = i;
				return;
			}
			off = desc_off + ((descsz + 3) & ~(uint64_t)3);
		}
	}
}

static struct lc_error *read_sections(struct lc_ko *ko, Elf *elf)
{
	size_t shnum, shstrndx;
	if (elf_getshdrnum(elf, &shnum) < 0 || elf_getshdrstrndx(elf, &shstrndx) < 0)
		return elf_err("no section headers in", ko->path);
	if (shnum < 2 || shnum > MAX_SECTIONS)
		return lc_error_create(LC_ERR_FORMAT, "'%s' has %zu sections%s", ko->path, shnum,
				       shnum < 2 ? " (truncated?)" : "");
	ko->sections = calloc(shnum, sizeof(*ko->sections));
	if (!ko->sections)
		return lc_error_nomem;
	ko->nsections = shnum;
	ko->sections[0].name = "";
	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr shdr;
		if (!scn || !gelf_getshdr(scn, &shdr))
			return elf_err("bad section header in", ko->path);
		struct lc_ko_section *s = &ko->sections[i];
		const char *name = elf_strptr(elf, shstrndx, shdr.sh_name);
		s->name = name ? name : "";
		s->flags = shdr.sh_flags;
		s->size = shdr.sh_size;
		s->align = shdr.sh_addralign;
		s->type = shdr.sh_type;
		/* Bytes only of the small sections that are compared or parsed. */
		if (shdr.sh_type == SHT_NOBITS || (shdr.sh_flags & SHF_COMPRESSED) ||
		    (shdr.sh_type != SHT_NOTE && strcmp(s->name, ".modinfo") != 0))
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (data && data->d_buf) {
			s->data = data->d_buf;
			s->data_size = data->d_size;
		}
	}
	return NULL;
}

static struct lc_error *read_symbols(struct lc_ko *ko, Elf *elf)
{
	size_t symtab = 0, xindex = 0;
	for (size_t i = 1; i < ko->nsections; i++) {
		if (ko->sections[i].type == SHT_SYMTAB && !symtab)
			symtab = i;
		else if (ko->sections[i].type == SHT_SYMTAB_SHNDX && !xindex)
			xindex = i;
	}
	if (!symtab)
		return lc_error_create(LC_ERR_FORMAT, "'%s' has no symbol table (stripped?)",
				       ko->path);
	Elf_Scn *scn = elf_getscn(elf, symtab);
	GElf_Shdr shdr;
	Elf_Data *data = scn && gelf_getshdr(scn, &shdr) ? elf_getdata(scn, NULL) : NULL;
	if (!data || !shdr.sh_entsize)
		return elf_err("cannot read the symbol table of", ko->path);
	Elf_Data *xdata = NULL;
	if (xindex) {
		Elf_Scn *xscn = elf_getscn(elf, xindex);
		xdata = xscn ? elf_getdata(xscn, NULL) : NULL;
	}
	size_t n = data->d_size / shdr.sh_entsize;
	if (n > MAX_SYMBOLS)
		return lc_error_create(LC_ERR_FORMAT, "'%s' claims %zu symbols", ko->path, n);
	ko->symbols = calloc(n ? n : 1, sizeof(*ko->symbols));
	if (!ko->symbols)
		return lc_error_nomem;
	for (size_t i = 1; i < n && i <= INT_MAX; i++) {
		GElf_Sym sym;
		Elf32_Word xshndx = 0;
		if (!gelf_getsymshndx(data, xdata, (int)i, &sym, &xshndx))
			return elf_err("bad symbol in", ko->path);
		const char *name = elf_strptr(elf, shdr.sh_link, sym.st_name);
		ko->symbols[ko->nsymbols++] = (struct lc_ko_symbol){
			.name = name ? name : "",
			.value = sym.st_value,
			.size = sym.st_size,
			.shndx = sym.st_shndx == SHN_XINDEX ? xshndx : sym.st_shndx,
			.type = (uint8_t)GELF_ST_TYPE(sym.st_info),
			.bind = (uint8_t)GELF_ST_BIND(sym.st_info),
		};
	}
	return NULL;
}

static struct lc_error *parse(struct lc_ko *ko)
{
	Elf *elf = ko->elf;
	GElf_Ehdr ehdr;
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr))
		return lc_error_create(LC_ERR_FORMAT, "'%s' is not an ELF file", ko->path);
	if (ehdr.e_type != ET_REL)
		return lc_error_create(LC_ERR_FORMAT,
				       "'%s' is not a kernel module (ELF type %u, not relocatable)",
				       ko->path, (unsigned)ehdr.e_type);
	ko->machine = ehdr.e_machine;
	ko->big_endian = ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
	ko->ptr_size = ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	struct lc_error *err = read_sections(ko, elf);
	if (!err)
		err = read_symbols(ko, elf);
	if (err)
		return err;
	size_t mi = lc_ko_find_section(ko, ".modinfo", 0);
	if (mi) {
		modinfo_get(&ko->sections[mi], "name", ko->name, sizeof(ko->name));
		modinfo_get(&ko->sections[mi], "srcversion", ko->srcversion,
			    sizeof(ko->srcversion));
		modinfo_get(&ko->sections[mi], "vermagic", ko->vermagic, sizeof(ko->vermagic));
	}
	read_build_id(ko);
	return NULL;
}

static struct lc_error *ko_new(const char *path, struct lc_ko **ret)
{
	struct lc_ko *ko = calloc(1, sizeof(*ko));
	if (!ko)
		return lc_error_nomem;
	ko->fd = -1;
	struct lc_error *err = lc_strdup(path, &ko->path);
	if (err) {
		free(ko);
		return err;
	}
	elf_version(EV_CURRENT);
	*ret = ko;
	return NULL;
}

/* The whole file (a compressed module is inflated whole anyway). */
static struct lc_error *read_all(int fd, const char *path, uint8_t **ret, size_t *ret_size)
{
	size_t cap = 0, len = 0;
	uint8_t *buf = NULL;
	for (;;) {
		if (!lc_grow((void **)&buf, &cap, len + 65536, 1)) {
			free(buf);
			return lc_error_nomem;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return lc_error_create(LC_ERR_OS, "reading '%s': %s", path, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > MAX_MODULE_FILE) {
			free(buf);
			return lc_error_create(LC_ERR_FORMAT, "'%s' is too large for a module",
					       path);
		}
	}
	*ret = buf;
	*ret_size = len;
	return NULL;
}

/* Grow the output of an inflater; false past the bound. */
static bool more_room(uint8_t **out, size_t *cap, size_t len)
{
	return len < MAX_MODULE_FILE && lc_grow((void **)out, cap, len + (1u << 20), 1);
}

static struct lc_error *inflate_xz(const uint8_t *in, size_t in_size, uint8_t **out,
				   size_t *out_size)
{
	lzma_stream st = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&st, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return lc_error_create(LC_ERR_FORMAT, "cannot start the xz decoder");
	size_t cap = 0, len = 0;
	st.next_in = in;
	st.avail_in = in_size;
	lzma_ret r = LZMA_OK;
	while (r == LZMA_OK) {
		if (!more_room(out, &cap, len)) {
			r = LZMA_MEM_ERROR;
			break;
		}
		st.next_out = *out + len;
		st.avail_out = cap - len;
		r = lzma_code(&st, LZMA_FINISH);
		len = cap - st.avail_out;
	}
	lzma_end(&st);
	if (r != LZMA_STREAM_END)
		return lc_error_create(LC_ERR_FORMAT, "xz data does not decompress (error %d)",
				       (int)r);
	*out_size = len;
	return NULL;
}

static struct lc_error *inflate_gz(const uint8_t *in, size_t in_size, uint8_t **out,
				   size_t *out_size)
{
	z_stream st = {0};
	if (inflateInit2(&st, 16 + MAX_WBITS) != Z_OK)
		return lc_error_create(LC_ERR_FORMAT, "cannot start the gzip decoder");
	size_t cap = 0, len = 0;
	st.next_in = (Bytef *)(uintptr_t)in;
	st.avail_in = in_size > UINT_MAX ? UINT_MAX : (uInt)in_size;
	int r = Z_OK;
	while (r == Z_OK) {
		if (!more_room(out, &cap, len)) {
			r = Z_MEM_ERROR;
			break;
		}
		st.next_out = *out + len;
		st.avail_out = (uInt)(cap - len > UINT_MAX ? UINT_MAX : cap - len);
		size_t before = st.avail_out;
		r = inflate(&st, Z_NO_FLUSH);
		len += before - st.avail_out;
		if (r == Z_BUF_ERROR && st.avail_out)
			break;
		if (r == Z_BUF_ERROR)
			r = Z_OK;
	}
	inflateEnd(&st);
	if (r != Z_STREAM_END)
		return lc_error_create(LC_ERR_FORMAT, "gzip data does not decompress (error %d)",
				       r);
	*out_size = len;
	return NULL;
}

static struct lc_error *inflate_zstd(const uint8_t *in, size_t in_size, uint8_t **out,
				     size_t *out_size)
{
	ZSTD_DStream *st = ZSTD_createDStream();
	if (!st)
		return lc_error_nomem;
	ZSTD_inBuffer ib = {in, in_size, 0};
	size_t cap = 0, len = 0, r = 1;
	while (r != 0) {
		if (!more_room(out, &cap, len)) {
			ZSTD_freeDStream(st);
			return lc_error_create(LC_ERR_FORMAT,
					       "zstd data is too large for a module");
		}
		ZSTD_outBuffer ob = {*out, cap, len};
		r = ZSTD_decompressStream(st, &ob, &ib);
		len = ob.pos;
		if (ZSTD_isError(r) || (r && ib.pos == ib.size && ob.pos < ob.size)) {
			ZSTD_freeDStream(st);
			return lc_error_create(LC_ERR_FORMAT, "zstd data does not decompress%s%s",
					       ZSTD_isError(r) ? ": " : " (truncated)",
					       ZSTD_isError(r) ? ZSTD_getErrorName(r) : "");
		}
	}
	ZSTD_freeDStream(st);
	*out_size = len;
	return NULL;
}

/* Modules installed compressed (Debian 6.12: .ko.xz) are read inflated. */
static struct lc_error *open_compressed(int fd, const char *path, const uint8_t *magic,
					struct lc_ko **ret)
{
	static const uint8_t xz[6] = {0xfd, '7', 'z', 'X', 'Z', 0};
	static const uint8_t zst[4] = {0x28, 0xb5, 0x2f, 0xfd};
	static const uint8_t gz[2] = {0x1f, 0x8b};
	struct lc_error *(*inflater)(const uint8_t *, size_t, uint8_t **, size_t *) =
		!memcmp(magic, xz, 6)	 ? inflate_xz
		: !memcmp(magic, zst, 4) ? inflate_zstd
		: !memcmp(magic, gz, 2)	 ? inflate_gz
					 : NULL;
	if (!inflater)
		return lc_error_create(LC_ERR_FORMAT, "'%s' is not an ELF file", path);
	uint8_t *raw = NULL, *image = NULL;
	size_t raw_size = 0, size = 0;
	struct lc_error *err = read_all(fd, path, &raw, &raw_size);
	if (err)
		return err;
	err = inflater(raw, raw_size, &image, &size);
	free(raw);
	if (err) {
		free(image);
		return lc_error_prefix(err, "'%s'", path);
	}
	err = lc_ko_open_memory(image, size, path, ret);
	free(image);
	return err;
}

/* The ELF of a file or image just opened (NULL: not ELF), parsed; ko is freed on failure. */
static struct lc_error *finish_open(struct lc_ko *ko, Elf *elf, const char *path,
				    struct lc_ko **ret)
{
	ko->elf = elf;
	struct lc_error *err =
		elf ? parse(ko) : lc_error_create(LC_ERR_FORMAT, "'%s' is not an ELF file", path);
	if (err) {
		lc_ko_destroy(ko);
		return err;
	}
	*ret = ko;
	return NULL;
}

struct lc_error *lc_ko_open(const char *path, struct lc_ko **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lc_error_create(LC_ERR_OS, "cannot open '%s': %s", path, strerror(errno));
	uint8_t magic[8] = {0};
	ssize_t got = pread(fd, magic, sizeof(magic), 0);
	if (got >= 4 && memcmp(magic, ELFMAG, SELFMAG) != 0) {
		struct lc_error *err = open_compressed(fd, path, magic, ret);
		close(fd);
		return err;
	}
	struct lc_ko *ko;
	struct lc_error *err = ko_new(path, &ko);
	if (err) {
		close(fd);
		return err;
	}
	ko->fd = fd;
	return finish_open(ko, elf_begin(ko->fd, ELF_C_READ_MMAP, NULL), path, ret);
}

struct lc_error *lc_ko_open_memory(const void *data, size_t size, const char *path,
				   struct lc_ko **ret)
{
	struct lc_ko *ko;
	struct lc_error *err = ko_new(path, &ko);
	if (err)
		return err;
	ko->image = malloc(size ? size : 1);
	if (!ko->image) {
		lc_ko_destroy(ko);
		return lc_error_nomem;
	}
	memcpy(ko->image, data, size);
	return finish_open(ko, elf_memory(ko->image, size), path, ret);
}
