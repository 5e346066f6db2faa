// SPDX-License-Identifier: GPL-2.0-or-later
/* Fake HiKey960 sysfs tree for the actuation tests. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

static void mkdir_p(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	mkdir(path, 0755);
}

void fx_mkdir(const struct fx *f, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", f->root, rel);
	mkdir_p(path);
}

void fx_write(const struct fx *f, const char *rel, const char *val)
{
	char path[512], dir[512];
	char *slash;
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", f->root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdir_p(dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(val, fp);
	assert_int_equal(fclose(fp), 0);
}

char *fx_read(const struct fx *f, const char *rel, char *buf, size_t len)
{
	char path[512];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s%s", f->root, rel);
	buf[0] = '\0';
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, len - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

bool fx_exists(const struct fx *f, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", f->root, rel);
	return access(path, F_OK) == 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fx_rm(const struct fx *f, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", f->root, rel);
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#define CPUFREQ "/sys/devices/system/cpu/cpufreq"

static void policy(const struct fx *f, int n, const char *cpus, const char *minf, const char *maxf,
		   bool hwp)
{
	char rel[128];

#define P(name, val)                                                      \
	do {                                                              \
		snprintf(rel, sizeof(rel), CPUFREQ "/policy%d/" name, n); \
		fx_write(f, rel, val);                                    \
	} while (0)
	P("related_cpus", cpus);
	P("affected_cpus", cpus);
	P("cpuinfo_min_freq", minf);
	P("cpuinfo_max_freq", maxf);
	P("scaling_min_freq", minf);
	P("scaling_max_freq", maxf);
	P("scaling_cur_freq", minf);
	if (hwp) {
		P("scaling_driver", "intel_pstate\n");
		P("scaling_available_governors", "performance powersave\n");
		P("scaling_governor", "performance\n");
		P("energy_performance_available_preferences",
		  "default performance balance_performance balance_power power \n");
		P("energy_performance_preference", "balance_performance\n");
	} else {
		P("scaling_driver", "cpufreq-dt\n");
		P("scaling_available_governors",
		  "conservative ondemand userspace powersave performance schedutil \n");
		P("scaling_governor", "schedutil\n");
		P("scaling_setspeed", "<unsupported>\n");
	}
#undef P
}

void fx_create(struct fx *f, bool hwp)
{
	char rel[128];

	snprintf(f->root, sizeof(f->root), "/tmp/eagov-actuate-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->state, sizeof(f->state), "%s/run/eagov/state", f->root);
	fx_mkdir(f, "/run");
	policy(f, 0, "0 1 2 3\n", "533000\n", "1844000\n", hwp);
	policy(f, 4, "4 5 6 7\n", "903000\n", "2362000\n", hwp);
	for (int cpu = 0; cpu < FX_NR_CPUS; cpu++) {
		static const char *const names[] = { "WFI\n", "cpu-sleep\n", "cluster-sleep\n" };
		char dir[96];

		snprintf(dir, sizeof(dir), "/sys/devices/system/cpu/cpu%d", cpu);
		snprintf(rel, sizeof(rel), "%s/power/pm_qos_resume_latency_us", dir);
		fx_write(f, rel, "0\n");
		for (int k = 0; k < FX_NR_STATES; k++) {
			snprintf(rel, sizeof(rel), "%s/cpuidle/state%d/name", dir, k);
			fx_write(f, rel, names[k]);
			snprintf(rel, sizeof(rel), "%s/cpuidle/state%d/time", dir, k);
			fx_write(f, rel, "0\n");
			snprintf(rel, sizeof(rel), "%s/cpuidle/state%d/disable", dir, k);
			fx_write(f, rel, "0\n");
		}
	}
	fx_write(f, "/dev/cpu_dma_latency", "");
}

void fx_destroy(struct fx *f)
{
	fx_rm(f, "");
}

void fx_model(struct eg_model *m)
{
	eg_model_init(m);
	m->nr_cpus = FX_NR_CPUS;
	m->nr_pds = 2;
	for (int i = 0; i < 2; i++) {
		struct eg_pd *pd = &m->pds[i];

		pd->id = i;
		snprintf(pd->name, sizeof(pd->name), "%s", i ? "big" : "little");
		snprintf(pd->sysfs_policy, sizeof(pd->sysfs_policy), "policy%d", i * 4);
		for (int cpu = i * 4; cpu < i * 4 + 4; cpu++) {
			eg_cpumask_set(&pd->cpus, cpu);
			eg_cpumask_set(&m->possible, cpu);
		}
		pd->nr_cpus = 4;
		pd->first_cpu = i * 4;
	}
}

static void sink(void *user, enum eg_log_level level, const char *msg)
{
	struct fx_log *l = user;

	if (l->nr == 256)
		return;
	snprintf(l->msg[l->nr], sizeof(l->msg[0]), "%s", msg);
	l->level[l->nr++] = (int)level;
}

void fx_log_capture(struct fx_log *l, enum eg_log_level level)
{
	memset(l, 0, sizeof(*l));
	eg_log_set_level(level);
	eg_log_set_sink(sink, l);
}

void fx_log_release(void)
{
	eg_log_set_sink(NULL, NULL);
	eg_log_set_level(EG_LOG_NOTICE);
}

int fx_log_count(const struct fx_log *l, const char *a, const char *b)
{
	int n = 0;

	for (int i = 0; i < l->nr; i++)
		if (strstr(l->msg[i], a) && (!b || strstr(l->msg[i], b)))
			n++;
	return n;
}
