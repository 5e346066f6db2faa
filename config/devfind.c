// SPDX-License-Identifier: GPL-2.0-or-later
/* Finding device files: a --device name to a path, and the machine's
 * device-tree compatible list and DMI strings to the file that claims it,
 * across the device directories. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "devfind.h"
#include "fileio.h"
#include "ini_reader.h"
#include "model.h"
#include "util.h"

int eg_conf_device_dirs(const char *dirs[EG_CONF_MAX_DIRS])
{
	const char *env = getenv("EAGOV_DEVICE_DIR");
	int n = 0;

	if (env && env[0])
		dirs[n++] = env;
	dirs[n++] = EAGOV_SYSCONFDIR "/devices";
	dirs[n++] = EAGOV_DATADIR "/devices";
#if EAGOV_DEVELOPMENT
	/* Lets a build run from its tree; never compiled into a packaged build. */
	dirs[n++] = EAGOV_SOURCE_ROOT "/conf/devices";
#endif
	return n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

int eg_conf_find_device_in(const char *const *dirs, int nr_dirs, const char *name_or_path,
			   char *path, size_t len)
{
	if (!name_or_path || !name_or_path[0])
		return -EINVAL;
	if (strchr(name_or_path, '/') || ends_with(name_or_path, ".ini")) {
		if (access(name_or_path, R_OK) < 0)
			return -errno;
		return eg_strlcpy(path, name_or_path, len);
	}
	for (int i = 0; i < nr_dirs; i++) {
		char p[PATH_MAX];

		if ((size_t)snprintf(p, sizeof(p), "%s/%s.ini", dirs[i], name_or_path) >= sizeof(p))
			continue;
		if (access(p, R_OK) == 0)
			return eg_strlcpy(path, p, len);
	}
	return -ENOENT;
}

int eg_conf_find_device(const char *name_or_path, char *path, size_t len)
{
	const char *dirs[EG_CONF_MAX_DIRS];
	int n = eg_conf_device_dirs(dirs);

	return eg_conf_find_device_in(dirs, n, name_or_path, path, len);
}

/* Only the identity keys of [device]; everything else is skipped so a file
 * with a mistake elsewhere still identifies its machine. */
struct ident {
	char path[PATH_MAX];
	char file[NAME_MAX + 1];
	bool in_device;
	int nr_compatible, nr_dmi;
	char compatible[EG_MAX_IDS][EG_NAME_MAX];
	char dmi[EG_MAX_IDS][EG_NAME_MAX];
	char dmi_vendor[EG_NAME_MAX];
	char dmi_board[EG_NAME_MAX];
};

static int ident_section(struct eg_ini *ini, const char *kind, const char *arg)
{
	struct ident *id = eg_ini_user(ini);

	id->in_device = eg_streq(kind, "device") && !arg[0];
	return 0;
}

static int ident_key(struct eg_ini *ini, const char *key, const char *value)
{
	struct ident *id = eg_ini_user(ini);
	char v[EG_INI_LINE_MAX + 1];
	char *rest = v, *tok;

	if (!id->in_device)
		return 0;
	eg_strlcpy(v, value, sizeof(v));
	if (eg_streq(key, "compatible")) {
		while ((tok = eg_ini_token(&rest)) && id->nr_compatible < EG_MAX_IDS)
			eg_strlcpy(id->compatible[id->nr_compatible++], tok, EG_NAME_MAX);
	} else if (eg_streq(key, "dmi") && id->nr_dmi < EG_MAX_IDS) {
		eg_strlcpy(id->dmi[id->nr_dmi++], value, EG_NAME_MAX);
	} else if (eg_streq(key, "dmi_vendor")) {
		eg_strlcpy(id->dmi_vendor, value, EG_NAME_MAX);
	} else if (eg_streq(key, "dmi_board")) {
		eg_strlcpy(id->dmi_board, value, EG_NAME_MAX);
	}
	return 0;
}

static int read_ident(struct ident *id)
{
	return eg_ini_run(id->path, ident_section, ident_key, id, NULL);
}

/* A pattern with no fnmatch(3) special character matches only itself. */
static bool is_wildcard(const char *pattern)
{
	return strpbrk(pattern, "*?[") != NULL;
}

/* 2: pattern is the value itself, 1: a wildcard matching it, 0: no match. */
static int match_one(const char *pattern, const char *value)
{
	if (!value || !value[0])
		return 0;
	if (!is_wildcard(pattern))
		return eg_streq(pattern, value) ? 2 : 0;
	return fnmatch(pattern, value, 0) == 0 ? 1 : 0;
}

#define RANK_NONE INT_MAX

/* The rank of one file for this machine (lower is better, RANK_NONE when it
 * does not match); the order is documented at eg_conf_match_machine_in(). */
static int rank(const struct ident *f, const struct eg_machine_ident *m)
{
	int n = m->nr_compatible, best = RANK_NONE, keys = 0;
	bool wild = false;

	for (int c = 0; c < n; c++) {
		for (int j = 0; j < f->nr_compatible; j++) {
			int r = match_one(f->compatible[j], m->compatible[c]);

			if (r == 2)
				return c;
			if (r == 1 && best == RANK_NONE)
				best = n + c;
		}
	}
	if (best != RANK_NONE)
		return best;
	/* DMI: every key the file gives must match; dmi lines are alternatives. */
	if (f->nr_dmi) {
		int r = 0;

		for (int j = 0; j < f->nr_dmi && r < 2; j++) {
			int k = match_one(f->dmi[j], m->dmi_product);

			r = k > r ? k : r;
		}
		if (!r)
			return RANK_NONE;
		wild = wild || r == 1;
		keys++;
	}
	if (f->dmi_vendor[0]) {
		int r = match_one(f->dmi_vendor, m->dmi_vendor);

		if (!r)
			return RANK_NONE;
		wild = wild || r == 1;
		keys++;
	}
	if (f->dmi_board[0]) {
		int r = match_one(f->dmi_board, m->dmi_board);

		if (!r)
			return RANK_NONE;
		wild = wild || r == 1;
		keys++;
	}
	if (!keys)
		return RANK_NONE;
	/* 2n + 0..2 exact (3 keys first), 2n + 3..5 wildcard. */
	return 2 * n + (wild ? 3 : 0) + (3 - keys);
}

/* Read the identity of the device files in dirs into ids, an earlier
 * directory's file hiding a later one of the same name. */
static int scan_dirs(const char *const *dirs, int nr_dirs, struct ident *ids)
{
	int nr_ids = 0;

	for (int i = 0; i < nr_dirs; i++) {
		struct dirent **names = NULL;
		int k = scandir(dirs[i], &names, NULL, alphasort);

		for (int j = 0; j < k; j++) {
			const char *f = names[j]->d_name;
			bool dup = false;

			for (int q = 0; q < nr_ids; q++)
				dup = dup || eg_streq(ids[q].file, f);
			if (!dup && ends_with(f, ".ini") && f[0] != '.' &&
			    nr_ids < EG_CONF_MAX_CANDIDATES) {
				struct ident *id = &ids[nr_ids];
				int w;

				memset(id, 0, sizeof(*id));
				eg_strlcpy(id->file, f, sizeof(id->file));
				w = snprintf(id->path, sizeof(id->path), "%s/%s", dirs[i], f);
				if (w >= 0 && (size_t)w < sizeof(id->path) && read_ident(id) == 0)
					nr_ids++;
			}
			free(names[j]);
		}
		free(names);
	}
	return nr_ids;
}

int eg_conf_match_machine_in(const char *const *dirs, int nr_dirs,
			     const struct eg_machine_ident *id, char *path, size_t len)
{
	_cleanup_free_ struct ident *ids = NULL;
	int nr_ids, best = -1, best_rank = RANK_NONE;

	ids = calloc(EG_CONF_MAX_CANDIDATES, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	nr_ids = scan_dirs(dirs, nr_dirs, ids);
	for (int i = 0; i < nr_ids; i++) {
		int r = rank(&ids[i], id);

		if (r < best_rank) {
			best_rank = r;
			best = i;
		}
	}
	if (best < 0)
		return -ENOENT;
	return eg_strlcpy(path, ids[best].path, len);
}

int eg_conf_match_machine(const struct eg_machine_ident *id, char *path, size_t len)
{
	const char *dirs[EG_CONF_MAX_DIRS];
	int n = eg_conf_device_dirs(dirs);

	return eg_conf_match_machine_in(dirs, n, id, path, len);
}

int eg_conf_match_device(const char *const *compatible, int n, const char *dmi, char *path,
			 size_t len)
{
	const struct eg_machine_ident id = {
		.compatible = compatible,
		.nr_compatible = n,
		.dmi_product = dmi,
	};

	return eg_conf_match_machine(&id, path, len);
}

static int read_dmi_file(const char *root, const char *name, char *buf, size_t len)
{
	char p[PATH_MAX];
	int r;

	buf[0] = '\0';
	if ((size_t)snprintf(p, sizeof(p), "%s/sys/class/dmi/id/%s", root, name) >= sizeof(p))
		return -ENAMETOOLONG;
	r = eg_read_small(p, buf, len, 1);
	/* No DMI (device-tree machines), or a string longer than any device
	 * file may name: nothing to match, not an error. */
	if (r == -ENOENT || r == -EFBIG) {
		buf[0] = '\0';
		return 0;
	}
	return r < 0 ? r : 0;
}

int eg_conf_read_dmi(const char *root, struct eg_dmi *dmi)
{
	int r;

	r = read_dmi_file(root, "product_name", dmi->product, sizeof(dmi->product));
	if (!r)
		r = read_dmi_file(root, "sys_vendor", dmi->vendor, sizeof(dmi->vendor));
	if (!r)
		r = read_dmi_file(root, "board_name", dmi->board, sizeof(dmi->board));
	return r;
}

int eg_conf_first_section(const char *path, char *out, size_t len)
{
	_cleanup_free_ char *buf = NULL;
	char *p;
	int rc;

	rc = eg_read_file(path, EG_INI_FILE_MAX, &buf, NULL);
	if (rc < 0)
		return rc;
	if (len)
		out[0] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			size_t k = strcspn(p + 1, "]\n");

			if (p[1 + k] != ']')
				return 0;
			if (k >= len)
				return -ENAMETOOLONG;
			memcpy(out, p + 1, k);
			out[k] = '\0';
			return 0;
		}
	}
	return 0;
}
