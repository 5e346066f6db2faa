// SPDX-License-Identifier: GPL-2.0-or-later
/* Whole-file reads with read(2), not stdio: sysfs attributes must be read in
 * as few calls as possible, and a bounded loop handles files whose stat size
 * is 0 or a page (procfs, sysfs). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"

/* Read until EOF or until buf holds cap bytes; returns the count or -errno. */
static ssize_t read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

static int open_regular(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	return fd;
}

int eg_read_file(const char *path, size_t max, char **out, size_t *len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, n = 0;

	fd = open_regular(path);
	if (fd < 0)
		return fd;
	for (;;) {
		char *grown;
		ssize_t r;

		if (cap > max + 1)
			cap = max + 1;
		grown = realloc(buf, cap + 1);
		if (!grown)
			return -ENOMEM;
		buf = grown;
		r = read_all(fd, buf + n, cap - n);
		if (r < 0)
			return (int)r;
		n += (size_t)r;
		if (n > max)
			return -EFBIG;
		if (n < cap)
			break;
		cap *= 2;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = buf;
	buf = NULL;
	return 0;
}

int eg_read_small(const char *path, char *buf, size_t len, int strip)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char extra;

	if (len == 0)
		return -EINVAL;
	fd = open_regular(path);
	if (fd < 0)
		return fd;
	n = read_all(fd, buf, len - 1);
	if (n < 0)
		return (int)n;
	/* A full buffer may hide more: one more byte tells. */
	if ((size_t)n == len - 1 && read_all(fd, &extra, 1) == 1) {
		buf[len - 1] = '\0';
		return -EFBIG;
	}
	buf[n] = '\0';
	if (strip)
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t' ||
				 buf[n - 1] == '\r'))
			buf[--n] = '\0';
	return (int)n;
}
