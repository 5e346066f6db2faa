// SPDX-License-Identifier: GPL-2.0-or-later
/* Saved original state: record, atomic save, ordered restore. */
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "log.h"
#include "parse.h"
#include "state.h"
#include "sysfs_io.h"
#include "uclamp.h"

int eg_state_init(struct eg_state *st, const char *file)
{
	memset(st, 0, sizeof(*st));
	return eg_strlcpy(st->file, file ? file : EG_STATE_DEFAULT_PATH, sizeof(st->file));
}

void eg_state_free(struct eg_state *st)
{
	free(st->e);
	st->e = NULL;
	st->nr = st->cap = 0;
}

const char *eg_state_get(const struct eg_state *st, const char *path)
{
	for (int i = 0; i < st->nr; i++)
		if (strcmp(st->e[i].path, path) == 0)
			return st->e[i].value;
	return NULL;
}

int eg_state_remove(struct eg_state *st, const char *path)
{
	for (int i = 0; i < st->nr; i++) {
		if (strcmp(st->e[i].path, path) != 0)
			continue;
		memmove(&st->e[i], &st->e[i + 1], (size_t)(st->nr - i - 1) * sizeof(st->e[0]));
		st->nr--;
		return 0;
	}
	return -ENOENT;
}

int eg_state_add(struct eg_state *st, const char *path, const char *value)
{
	struct eg_state_entry *e;

	if (!path[0] || strpbrk(path, "=\n") || strchr(value, '\n'))
		return -EINVAL;
	if (strlen(path) >= EG_PATH_MAX || strlen(value) >= EG_STATE_VALUE_MAX)
		return -ENAMETOOLONG;
	if (eg_state_get(st, path))
		return 0;
	if (st->nr == st->cap) {
		int cap = st->cap ? st->cap * 2 : 32;

		e = realloc(st->e, (size_t)cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		st->e = e;
		st->cap = cap;
	}
	e = &st->e[st->nr++];
	eg_strlcpy(e->path, path, sizeof(e->path));
	eg_strlcpy(e->value, value, sizeof(e->value));
	return 0;
}

int eg_state_record(struct eg_state *st, const char *path)
{
	char buf[EG_STATE_VALUE_MAX];
	int r;

	if (eg_state_get(st, path))
		return 0;
	r = eg_sysfs_read(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	return eg_state_add(st, path, buf);
}

static int fsync_dir(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		return -errno;
	return 0;
}

static int write_entries(const char *file, const struct eg_state_entry *e, int nr)
{
	char tmp[EG_PATH_MAX + 8], dir[EG_PATH_MAX];
	FILE *f;
	int fd, r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	eg_strlcpy(dir, file, sizeof(dir));
	dirname(dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	fprintf(f, "# eagov state v1: path=original value\n");
	for (int i = 0; i < nr; i++)
		fprintf(f, "%s=%s\n", e[i].path, e[i].value);
	if (fflush(f) != 0 || fsync(fd) < 0)
		r = -errno;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, file) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	/* The rename is durable only once the folder is synced. */
	return fsync_dir(dir);
}

int eg_state_save(const struct eg_state *st)
{
	int r = write_entries(st->file, st->e, st->nr);

	if (r < 0)
		return eg_log_errno(r, "cannot save original state to %s", st->file);
	return 0;
}

bool eg_state_file_exists(const char *file)
{
	return access(file, F_OK) == 0;
}

static int load_file(const char *file, struct eg_state *st)
{
	char line[EG_PATH_MAX + EG_STATE_VALUE_MAX + 4];
	FILE *f;
	int r = 0, n = 0;

	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		char *eq;

		n++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			eg_warn("%s:%d: no '=' in state line, skipped", file, n);
			continue;
		}
		*eq = '\0';
		r = eg_state_add(st, line, eq + 1);
		if (r < 0) {
			eg_warn_errno(r, "%s:%d: bad state line, skipped", file, n);
			r = 0;
		}
	}
	if (ferror(f))
		r = -EIO;
	fclose(f);
	return r;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

enum {
	RANK_EPP,
	RANK_GOVERNOR,
	RANK_LIMITS,
	RANK_OTHER,
	RANK__MAX
};

static int rank(const char *path)
{
	const char *b = base(path);

	if (eg_streq(b, "energy_performance_preference"))
		return RANK_EPP;
	if (eg_streq(b, "scaling_governor"))
		return RANK_GOVERNOR;
	if (eg_streq(b, "scaling_min_freq") || eg_streq(b, "scaling_max_freq"))
		return RANK_LIMITS;
	return RANK_OTHER;
}

/* Index of the entry in the same folder as e[i] named `name`, or -1. */
static int sibling(const struct eg_state *st, int i, const char *name)
{
	size_t dlen = (size_t)(base(st->e[i].path) - st->e[i].path);

	for (int j = 0; j < st->nr; j++) {
		const char *p = st->e[j].path;

		if (strncmp(p, st->e[i].path, dlen) == 0 && eg_streq(p + dlen, name))
			return j;
	}
	return -1;
}

struct restore_ctx {
	int first_err;
	bool *keep;
};

static void restore_one(const struct eg_state *st, int i, struct restore_ctx *c)
{
	int r;

	if (eg_uclamp_is_state_key(st->e[i].path)) {
		r = eg_uclamp_restore_entry(st->e[i].path, st->e[i].value);
		eg_debug("restore %s=%s: %s", st->e[i].path, st->e[i].value,
			 r < 0 ? strerror(-r) : "ok");
		/* A task that exited (or whose pid was reused) has nothing
		 * to restore; a record that does not parse never will. */
		if (r == 0 || r == -ESRCH)
			return;
		eg_warn_errno(r, "cannot restore %s to '%s'", st->e[i].path, st->e[i].value);
		if (!c->first_err)
			c->first_err = r;
		if (r != -EINVAL)
			c->keep[i] = true;
		return;
	}
	r = eg_sysfs_write(st->e[i].path, st->e[i].value);

	eg_debug("restore %s=%s: %s", st->e[i].path, st->e[i].value, r < 0 ? strerror(-r) : "ok");
	if (r == 0)
		return;
	eg_warn_errno(r, "cannot restore %s to '%s'", st->e[i].path, st->e[i].value);
	if (!c->first_err)
		c->first_err = r;
	/* A vanished path cannot be restored later either; anything else
	 * (permissions, a busy driver) may work on a later attempt. */
	if (r != -ENOENT && r != -ENODEV)
		c->keep[i] = true;
}

static void restore_limits(const struct eg_state *st, int i, bool *done, struct restore_ctx *c)
{
	int mn = sibling(st, i, "scaling_min_freq");
	int mx = sibling(st, i, "scaling_max_freq");
	bool max_first = false;
	uint32_t tmin, cur_max;

	if (mn >= 0 && mx >= 0) {
		char path[EG_PATH_MAX];

		eg_strlcpy(path, st->e[mx].path, sizeof(path));
		/* If the saved min is above the max currently in force, a min
		 * written first would exceed max: raise max first. */
		if (eg_parse_u32(st->e[mn].value, 0, UINT32_MAX, &tmin) == 0 &&
		    eg_sysfs_read_u32(path, &cur_max) == 0 && tmin > cur_max)
			max_first = true;
	}
	if (max_first) {
		restore_one(st, mx, c);
		restore_one(st, mn, c);
	} else {
		if (mn >= 0)
			restore_one(st, mn, c);
		if (mx >= 0)
			restore_one(st, mx, c);
	}
	if (mn >= 0)
		done[mn] = true;
	if (mx >= 0)
		done[mx] = true;
}

int eg_state_restore_file(const char *file)
{
	struct eg_state st;
	struct restore_ctx c = { 0 };
	_cleanup_free_ bool *done = NULL;
	_cleanup_free_ bool *keep = NULL;
	struct eg_state_entry *left;
	int r, nr_left = 0;

	eg_state_init(&st, file);
	r = load_file(file, &st);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		eg_state_free(&st);
		return eg_log_errno(r, "cannot read state file %s", file);
	}
	done = calloc((size_t)st.nr + 1, sizeof(*done));
	keep = calloc((size_t)st.nr + 1, sizeof(*keep));
	if (!done || !keep) {
		eg_state_free(&st);
		return -ENOMEM;
	}
	c.keep = keep;
	for (int rk = 0; rk < RANK__MAX; rk++) {
		for (int i = 0; i < st.nr; i++) {
			if (done[i] || rank(st.e[i].path) != rk)
				continue;
			if (rk == RANK_LIMITS) {
				restore_limits(&st, i, done, &c);
				continue;
			}
			restore_one(&st, i, &c);
			done[i] = true;
		}
	}

	/* Compact the entries to keep, in place, and persist them. */
	left = st.e;
	for (int i = 0; i < st.nr; i++)
		if (keep[i])
			left[nr_left++] = st.e[i];
	if (nr_left) {
		r = write_entries(file, left, nr_left);
		if (r < 0)
			eg_log_errno(r, "cannot rewrite state file %s", file);
		eg_warn("%d saved value(s) could not be restored; kept in %s", nr_left, file);
	} else if (unlink(file) < 0 && errno != ENOENT) {
		r = -errno;
		eg_log_errno(r, "cannot remove state file %s", file);
		if (!c.first_err)
			c.first_err = r;
	}
	if (!nr_left)
		eg_info("restored original state from %s", file);
	eg_state_free(&st);
	return c.first_err;
}
