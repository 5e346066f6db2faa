// SPDX-License-Identifier: GPL-2.0-or-later
/* sysfs I/O helpers and the retrying attribute writer. */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "log.h"
#include "fileio.h"
#include "parse.h"
#include "sysfs_io.h"

int eg_sysfs_init(struct eg_sysfs *fs, const char *root)
{
	size_t n;
	int r;

	r = eg_strlcpy(fs->root, root ? root : "", sizeof(fs->root));
	if (r < 0)
		return r;
	n = strlen(fs->root);
	while (n > 0 && fs->root[n - 1] == '/')
		fs->root[--n] = '\0';
	return 0;
}

int eg_sysfs_path(const struct eg_sysfs *fs, char *buf, size_t len, const char *fmt, ...)
{
	char rel[EG_PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	n = snprintf(buf, len, "%s%s", fs->root, rel);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int eg_sysfs_read(const char *path, char *buf, size_t len)
{
	return eg_read_small(path, buf, len, 1);
}

int eg_sysfs_read_u64(const char *path, uint64_t *out)
{
	char buf[32];
	int r = eg_read_small(path, buf, sizeof(buf), 1);

	return r < 0 ? r : eg_parse_u64(buf, 0, UINT64_MAX, out);
}

int eg_sysfs_read_u32(const char *path, uint32_t *out)
{
	char buf[32];
	int r = eg_read_small(path, buf, sizeof(buf), 1);

	return r < 0 ? r : eg_parse_u32(buf, 0, UINT32_MAX, out);
}

int eg_sysfs_write(const char *path, const char *val)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(val);
	ssize_t n;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

bool eg_sysfs_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int eg_attr_init(struct eg_attr *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	return eg_strlcpy(a->path, path, sizeof(a->path));
}

int eg_attr_open(struct eg_attr *a)
{
	struct statfs sfs;

	if (a->fd >= 0)
		return 0;
	a->fd = open(a->path, O_WRONLY | O_CLOEXEC);
	if (a->fd < 0)
		return -errno;
	/* sysfs attributes are S_IFREG too, so the file type cannot tell a
	 * fixture from the kernel's file; the file system can. */
	a->truncate = !(fstatfs(a->fd, &sfs) == 0 && sfs.f_type == SYSFS_MAGIC);
	return 0;
}

void eg_attr_close(struct eg_attr *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
}

static int attr_write_once(struct eg_attr *a, const char *val)
{
	size_t len = strlen(val);
	struct stat st;
	ssize_t n;
	int r;

	r = eg_attr_open(a);
	if (r < 0)
		return r;
	if (a->truncate) {
		if (fstat(a->fd, &st) < 0)
			return -errno;
		if (st.st_nlink == 0)
			return -ENODEV;
	}
	n = pwrite(a->fd, val, len, 0);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	/* Cut what a longer value left after this one. Truncating to 0
	 * first would free the file's page and have the write allocate it
	 * again: three times the cost of a sysfs store, on the path the
	 * fast-ramp figures time. */
	if (a->truncate && ftruncate(a->fd, (off_t)len) < 0)
		return -errno;
	return 0;
}

static bool attr_logged(struct eg_attr *a, int err)
{
	for (int i = 0; i < a->nr_logged; i++)
		if (a->logged[i] == err)
			return true;
	/* When the table is full, stay quiet: a path cycling through more
	 * than a handful of errnos would otherwise flood the journal. */
	if (a->nr_logged == EG_ATTR_MAX_LOGGED)
		return true;
	a->logged[a->nr_logged++] = err;
	return false;
}

static int attr_attempt(struct eg_attr *a, uint64_t now_ns)
{
	char val[EG_ATTR_VAL_MAX];
	int r;

	memcpy(val, a->pending, sizeof(val));
	r = attr_write_once(a, val);
	if (r == 0) {
		if (a->nr_failures)
			eg_info("%s: written again after %u failed attempts", a->path,
				a->nr_failures);
		memcpy(a->last, val, sizeof(a->last));
		a->have_last = true;
		a->have_pending = false;
		a->err = 0;
		a->backoff_ns = 0;
		a->retry_ns = 0;
		a->nr_failures = 0;
		a->nr_writes++;
		return 0;
	}
	/* After a failure the file's content is unknown (a re-plugged CPU
	 * comes back with the kernel's default): forget the cached value. */
	eg_attr_close(a);
	a->have_last = false;
	a->err = r;
	a->nr_failures++;
	a->backoff_ns = a->backoff_ns ? EG_MIN(a->backoff_ns * 2, EG_ATTR_BACKOFF_MAX_NS) :
					EG_ATTR_BACKOFF_MIN_NS;
	a->retry_ns = now_ns + a->backoff_ns;
	if (!attr_logged(a, r)) {
		int len = (int)strcspn(val, "\n");

		eg_warn_errno(r, "write '%.*s' to %s failed (retrying with back-off, logged once)",
			      len, val, a->path);
	}
	return r;
}

int eg_attr_set(struct eg_attr *a, const char *val, uint64_t now_ns)
{
	if (strlen(val) >= EG_ATTR_VAL_MAX)
		return -EINVAL;
	/* have_last: nothing failed since the last write, so a value still
	 * pending can only be a held one, which val replaces. */
	if (a->have_last && strcmp(a->last, val) == 0) {
		a->have_pending = false;
		return 0;
	}
	eg_strlcpy(a->pending, val, sizeof(a->pending));
	a->have_pending = true;
	if (a->backoff_ns && now_ns < a->retry_ns)
		return -EAGAIN;
	return attr_attempt(a, now_ns);
}

int eg_attr_hold(struct eg_attr *a, const char *val, uint64_t now_ns)
{
	if (strlen(val) >= EG_ATTR_VAL_MAX)
		return -EINVAL;
	if (a->have_last && strcmp(a->last, val) == 0) {
		a->have_pending = false;
		return 0;
	}
	eg_strlcpy(a->pending, val, sizeof(a->pending));
	a->have_pending = true;
	return a->backoff_ns && now_ns < a->retry_ns ? -EAGAIN : 0;
}

int eg_attr_retry(struct eg_attr *a, uint64_t now_ns)
{
	if (!a->have_pending)
		return 0;
	if (now_ns < a->retry_ns)
		return -EAGAIN;
	return attr_attempt(a, now_ns);
}
