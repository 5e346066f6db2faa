// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers of the tests that run the real eagovd (run_util.h). */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "parse.h"
#include "run_util.h"

double run_stats_field(const char *path, const char *name)
{
	char line[1024], key[64];
	FILE *f = fopen(path, "r");
	double v = -1;

	snprintf(key, sizeof(key), " %s=", name);
	while (f && fgets(line, sizeof(line), f)) {
		char *p, num[32];

		if (strncmp(line, "stats: wall_s=", 14) || !(p = strstr(line, key)))
			continue;
		p += strlen(key);
		snprintf(num, sizeof(num), "%.*s", (int)strcspn(p, " \n"), p);
		assert_int_equal(eg_parse_double(num, 0, 1e12, &v), 0);
	}
	if (f)
		fclose(f);
	return v;
}

bool run_file_has(const char *path, const char *text)
{
	char line[1024];
	bool found = false;
	FILE *f = fopen(path, "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return found;
}

void run_show(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		print_message("  | %s", line);
	if (f)
		fclose(f);
}

void run_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int run_rm_tree(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
