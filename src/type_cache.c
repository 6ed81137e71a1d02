// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-build-id type cache. A cache file is only ever created complete
 * (written to a temporary name in the same directory, then renamed), so a
 * crash or a concurrent run never leaves a truncated file under the final
 * name; a corrupt file is still possible (disk, hand edits) and is rejected
 * by the BTF parser like any untrusted BTF.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

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

struct lc_error *lc_type_cache_path(const char *build_id, char **ret)
{
	if (!lc_build_id_valid(build_id))
		return lc_error_create(LC_ERR_INVALID, "'%.140s' is not a build-id", build_id);
	char *dir = NULL;
	struct lc_error *err = cache_dir(&dir);
	if (err)
		return err;
	char *path;
	int n = asprintf(&path, "%s/%s.btf", dir, build_id);
	free(dir);
	if (n < 0)
		return lc_error_nomem;
	/* Build-ids are case-insensitive hex: one file per build whatever the spelling. */
	for (char *p = path + strlen(path) - strlen(build_id) - 4; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	*ret = path;
	return NULL;
}

struct lc_error *lc_type_cache_load(const char *build_id, struct lc_type_source **ret)
{
	lc_autofree char *path = NULL;
	struct lc_error *err = lc_type_cache_path(build_id, &path);
	if (err)
		return err;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return lc_error_create(LC_ERR_LOOKUP, "no cached types for build-id %s",
					       build_id);
		return lc_error_create(LC_ERR_OS, "cannot open '%s': %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > MAX_CACHE_FILE) {
		close(fd);
		return lc_error_create(LC_ERR_FORMAT, "'%s' is not a plausible type cache", path);
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
	err = lc_btf_create(buf, done, NULL, ret);
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

	char *slash = strrchr(path, '/');
	*slash = '\0';
	err = make_dirs(path);
	*slash = '/';
	if (err)
		return err;
	lc_autofree char *tmp = NULL;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		return lc_error_nomem;
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return lc_error_create(LC_ERR_OS, "cannot create '%s': %s", tmp, strerror(errno));
	err = write_all(fd, data, size, tmp);
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
		*size_ret = size;
	return NULL;
}
