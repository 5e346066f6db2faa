/* Finding device files: a --device name to a path, and the machine's
 * device-tree compatible list or DMI product name to the file that claims
 * it, across the device directories. */
#include <dirent.h>
#include <errno.h>
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

static int device_dirs(const char *dirs[3])
{
	const char *env = getenv("EAGOV_DEVICE_DIR");
	int n = 0;

	if (env && env[0])
		dirs[n++] = env;
	dirs[n++] = EAGOV_DATADIR "/devices";
	dirs[n++] = EAGOV_SOURCE_ROOT "/conf/devices";
	return n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

int eg_conf_find_device(const char *name_or_path, char *path, size_t len)
{
	const char *dirs[3];
	int n;

	if (!name_or_path || !name_or_path[0])
		return -EINVAL;
	if (strchr(name_or_path, '/') || ends_with(name_or_path, ".ini")) {
		if (access(name_or_path, R_OK) < 0)
			return -errno;
		return eg_strlcpy(path, name_or_path, len);
	}
	n = device_dirs(dirs);
	for (int i = 0; i < n; i++) {
		char p[PATH_MAX];

		if ((size_t)snprintf(p, sizeof(p), "%s/%s.ini", dirs[i], name_or_path) >= sizeof(p))
			continue;
		if (access(p, R_OK) == 0)
			return eg_strlcpy(path, p, len);
	}
	return -ENOENT;
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
	}
	return 0;
}

static int read_ident(struct ident *id)
{
	return eg_ini_run(id->path, ident_section, ident_key, id, NULL);
}

int eg_conf_match_device(const char *const *compatible, int n, const char *dmi, char *path,
			 size_t len)
{
	_cleanup_free_ struct ident *ids = NULL;
	const char *dirs[3];
	int nr_ids = 0, nd;

	ids = calloc(EG_CONF_MAX_CANDIDATES, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	nd = device_dirs(dirs);
	for (int i = 0; i < nd; i++) {
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
	/* Device-tree order is most to least specific: the first string any
	 * file claims is the best match. */
	for (int c = 0; c < n; c++) {
		for (int i = 0; i < nr_ids; i++)
			for (int j = 0; j < ids[i].nr_compatible; j++)
				if (eg_streq(ids[i].compatible[j], compatible[c]))
					return eg_strlcpy(path, ids[i].path, len);
	}
	if (dmi && dmi[0]) {
		for (int i = 0; i < nr_ids; i++)
			for (int j = 0; j < ids[i].nr_dmi; j++)
				if (eg_streq(ids[i].dmi[j], dmi))
					return eg_strlcpy(path, ids[i].path, len);
	}
	return -ENOENT;
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
