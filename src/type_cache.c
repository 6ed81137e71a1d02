// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-build-id type cache. A cache file is only ever created complete
 * (written to a temporary name in the same directory, then renamed), so a
 * crash or a concurrent run never leaves a truncated file under the final
 * name; a corrupt file is still possible (disk, hand edits) and is rejected
 * by the BTF parser like any untrusted BTF.
 *
 * Files are written as one zstd frame (with its content checksum): BTF
 * shrinks about 4x, small enough to commit the caches of fixture kernels.
 * Readers tell the two apart by the zstd magic, so plain files written by
 * earlier versions (or by hand) still load.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "btf_write.h"
#include "dwarf_types.h"
#include "type_cache.h"
#include "util.h"

#define MAX_CACHE_FILE (512u << 20)

bool lc_build_id_valid(const char *build_id)
{
	size_t n = 0;
	for (; build_id[n]; n++) {
		if (n >= 128 || !isxdigit((unsigned char)build_id[n]))
			return false;
	}
	return n >= 8;
}

static struct lc_error *cache_dir(char **ret)
{
	const char *dir = getenv("LOCKCORE_CACHE_DIR");
	char *path;
	int n;
	if (dir && *dir) {
		n = asprintf(&path, "%s", dir);
	} else {
		const char *xdg = getenv("XDG_CACHE_HOME");
		const char *home = getenv("HOME");
		/* The XDG spec ignores relative paths. */
		if (xdg && xdg[0] == '/')
			n = asprintf(&path, "%s/lockcore", xdg);
		else if (home && *home)
			n = asprintf(&path, "%s/.cache/lockcore", home);
		else
			return lc_error_create(LC_ERR_LOOKUP,
					       "no cache directory: HOME, XDG_CACHE_HOME and "
					       "LOCKCORE_CACHE_DIR are all unset");
	}
	if (n < 0)
		return lc_error_nomem;
	*ret = path;
	return NULL;
}

struct lc_error *lc_cache_path(const char *build_id, const char *suffix, char **ret)
{
	if (!lc_build_id_valid(build_id))
		return lc_error_create(LC_ERR_INVALID, "'%.140s' is not a build-id", build_id);
	char *dir = NULL;
	struct lc_error *err = cache_dir(&dir);
	if (err)
		return err;
	char *path;
	int n = asprintf(&path, "%s/%s%s", dir, build_id, suffix);
	free(dir);
	if (n < 0)
		return lc_error_nomem;
	/* Build-ids are case-insensitive hex: one file per build whatever the spelling. */
	char *p = path + strlen(path) - strlen(build_id) - strlen(suffix);
	for (size_t i = 0; i < strlen(build_id); i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	*ret = path;
	return NULL;
}

struct lc_error *lc_type_cache_path(const char *build_id, char **ret)
{
	return lc_cache_path(build_id, ".btf", ret);
}

static const uint8_t zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};

/*
 * Inflate a file that is exactly one zstd frame. The frame must declare its
 * size (ours always do) so that a hostile file cannot make us guess or grow
 * a buffer without bound.
 */
static struct lc_error *inflate(const void *in, size_t in_size, size_t max_size, void **ret,
				size_t *ret_size)
{
	unsigned long long want = ZSTD_getFrameContentSize(in, in_size);
	if (want == ZSTD_CONTENTSIZE_ERROR)
		return lc_error_create(LC_ERR_FORMAT, "not a valid zstd frame");
	if (want == ZSTD_CONTENTSIZE_UNKNOWN || want == 0 || want > max_size)
		return lc_error_create(LC_ERR_FORMAT,
				       "zstd frame declares no plausible size (at most %zu bytes)",
				       max_size);
	size_t frame = ZSTD_findFrameCompressedSize(in, in_size);
	if (ZSTD_isError(frame) || frame != in_size)
		return lc_error_create(LC_ERR_FORMAT,
				       "zstd frame is truncated or has trailing data");
	void *out = malloc((size_t)want);
	if (!out)
		return lc_error_nomem;
	size_t n = ZSTD_decompress(out, (size_t)want, in, in_size);
	if (ZSTD_isError(n) || n != want) {
		free(out);
		return lc_error_create(LC_ERR_FORMAT, "zstd frame does not inflate: %s",
				       ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short");
	}
	*ret = out;
	*ret_size = n;
	return NULL;
}

struct lc_error *lc_cache_read(const char *path, size_t max_size, void **ret, size_t *ret_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return lc_error_create(LC_ERR_LOOKUP, "no cache file '%s'", path);
		return lc_error_create(LC_ERR_OS, "cannot open '%s': %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > max_size) {
		close(fd);
		return lc_error_create(LC_ERR_FORMAT, "'%s' is not a plausible cache file", path);
	}
	lc_autofree void *buf = malloc((size_t)st.st_size);
	if (!buf) {
		close(fd);
		return lc_error_nomem;
	}
	size_t done = 0;
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, (char *)buf + done, (size_t)st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			close(fd);
			return lc_error_create(LC_ERR_OS, "reading '%s': %s", path,
					       n < 0 ? strerror(e) : "unexpected end of file");
		}
		done += (size_t)n;
	}
	close(fd);
	if (done >= sizeof(zstd_magic) && memcmp(buf, zstd_magic, sizeof(zstd_magic)) == 0) {
		struct lc_error *err = inflate(buf, done, max_size, ret, ret_size);
		return lc_error_prefix(err, "'%s'", path);
	}
	*ret = buf;
	*ret_size = done;
	buf = NULL;
	return NULL;
}

struct lc_error *lc_type_cache_load(const char *build_id, struct lc_type_source **ret)
{
	lc_autofree char *path = NULL;
	struct lc_error *err = lc_type_cache_path(build_id, &path);
	if (err)
		return err;
	lc_autofree void *buf = NULL;
	size_t size = 0;
	err = lc_cache_read(path, MAX_CACHE_FILE, &buf, &size);
	if (err && lc_error_code(err) == LC_ERR_LOOKUP) {
		lc_error_destroy(err);
		return lc_error_create(LC_ERR_LOOKUP, "no cached types for build-id %s", build_id);
	}
	if (err)
		return lc_error_prefix(err, "type cache");
	err = lc_btf_create(buf, size, NULL, ret);
	return lc_error_prefix(err, "type cache '%s'", path);
}

/* mkdir -p, for the cache directory. */
static struct lc_error *make_dirs(const char *dir)
{
	lc_autofree char *p = NULL;
	struct lc_error *err = lc_strdup(dir, &p);
	if (err)
		return err;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return lc_error_create(LC_ERR_OS, "cannot create '%s': %s", p,
					       strerror(errno));
		*s = c;
		if (!c)
			return NULL;
	}
}

static struct lc_error *add_type(void *arg, const struct lc_type *type)
{
	struct lc_error *err = lc_btf_writer_add_type(arg, type, NULL);
	/* A type BTF cannot express (a 2 MiB struct with bit fields) is left out. */
	if (err && lc_error_code(err) == LC_ERR_INVALID) {
		lc_error_destroy(err);
		return NULL;
	}
	return err;
}

static struct lc_error *add_var(void *arg, const char *name, const struct lc_type *type)
{
	struct lc_error *err = lc_btf_writer_add_variable(arg, name, type);
	if (err && lc_error_code(err) == LC_ERR_INVALID) {
		lc_error_destroy(err);
		return NULL;
	}
	return err;
}

static struct lc_error *write_all(int fd, const void *data, size_t size, const char *path)
{
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, (const char *)data + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lc_error_create(LC_ERR_OS, "writing '%s': %s", path,
					       n < 0 ? strerror(errno) : "no progress");
		done += (size_t)n;
	}
	return NULL;
}

struct lc_error *lc_cache_write(const char *path, const void *data, size_t size, size_t *size_ret)
{
	/*
	 * Level 19: written once per kernel build, read on every run; the
	 * checksum catches a damaged file before any parser sees it.
	 */
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	size_t bound = ZSTD_compressBound(size);
	lc_autofree void *packed = malloc(bound ? bound : 1);
	if (!cctx || !packed) {
		ZSTD_freeCCtx(cctx);
		return lc_error_nomem;
	}
	size_t packed_size = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 19);
	if (!ZSTD_isError(packed_size))
		packed_size = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	if (!ZSTD_isError(packed_size))
		packed_size = ZSTD_compress2(cctx, packed, bound, data, size);
	ZSTD_freeCCtx(cctx);
	if (ZSTD_isError(packed_size))
		return lc_error_create(LC_ERR_INVALID, "compressing '%s': %s", path,
				       ZSTD_getErrorName(packed_size));

	lc_autofree char *dir = NULL;
	struct lc_error *err = lc_strdup(path, &dir);
	if (err)
		return err;
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		err = make_dirs(dir);
		if (err)
			return err;
	}
	lc_autofree char *tmp = NULL;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		return lc_error_nomem;
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return lc_error_create(LC_ERR_OS, "cannot create '%s': %s", tmp, strerror(errno));
	err = write_all(fd, packed, packed_size, tmp);
	/* Readable by all like any cache; mkostemp made it 0600. */
	if (!err && fchmod(fd, 0644) < 0)
		err = lc_error_create(LC_ERR_OS, "chmod '%s': %s", tmp, strerror(errno));
	if (close(fd) < 0 && !err)
		err = lc_error_create(LC_ERR_OS, "writing '%s': %s", tmp, strerror(errno));
	if (!err && rename(tmp, path) < 0)
		err = lc_error_create(LC_ERR_OS, "cannot rename '%s' to '%s': %s", tmp, path,
				      strerror(errno));
	if (err) {
		unlink(tmp);
		return err;
	}
	if (size_ret)
		*size_ret = packed_size;
	return NULL;
}

struct lc_error *lc_type_cache_store(const char *build_id, struct lc_type_source *dwarf,
				     size_t *size_ret)
{
	lc_autofree char *path = NULL;
	struct lc_error *err = lc_type_cache_path(build_id, &path);
	if (err)
		return err;
	struct lc_btf_writer *w;
	err = lc_btf_writer_create(&w);
	if (err)
		return err;
	struct lc_dwarf_visitor v = {.type_fn = add_type, .var_fn = add_var, .arg = w};
	lc_autofree void *data = NULL;
	size_t size = 0;
	err = lc_dwarf_for_each(dwarf, &v, NULL);
	if (!err)
		err = lc_btf_writer_finish(w, &data, &size);
	lc_btf_writer_destroy(w);
	if (err)
		return lc_error_prefix(err, "encoding types for the cache");
	return lc_cache_write(path, data, size, size_ret);
}
