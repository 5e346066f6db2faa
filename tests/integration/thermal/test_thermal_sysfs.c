// SPDX-License-Identifier: GPL-2.0-or-later
/* thermal-sysfs on a fake /sys/class/thermal in a temp dir: which zones are
 * read, polling vs passive intervals around the first passive trip, the
 * max/-EAGAIN contract, negative and malformed readings. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "source.h"
#include "thermal_sysfs.h"

#define MS NSEC_PER_MSEC
/* Any start time: the source only compares against the times it is given. */
#define T0 (5000 * MS)

struct fx {
	char root[64];
	struct eg_sysfs fs;
	struct eg_model m;
	struct eg_source_opts o;
	int nr_logs;
};

static void count_log(void *user, enum eg_log_level level, const char *msg)
{
	(void)level;
	(void)msg;
	((struct fx *)user)->nr_logs++;
}

static void put_temp(struct fx *f, int id, const char *val)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sys/class/thermal/thermal_zone%d", f->root, id);
	mkdir(path, 0755);
	strcat(path, "/temp");
	/* "w" truncates the same inode: the source's kept-open fd sees it. */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(val, fp);
	assert_int_equal(fclose(fp), 0);
}

static void add_trip(struct eg_zone *z, int mc, enum eg_trip_type type)
{
	z->trips[z->nr_trips].temp_mc = mc;
	z->trips[z->nr_trips].type = type;
	z->nr_trips++;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char dir[128];

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/eg-thermal-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(dir, sizeof(dir), "%s/sys", f->root);
	assert_int_equal(mkdir(dir, 0755), 0);
	strcat(dir, "/class");
	assert_int_equal(mkdir(dir, 0755), 0);
	strcat(dir, "/thermal");
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(eg_sysfs_init(&f->fs, f->root), 0);
	eg_model_init(&f->m);
	/* Zone 0: thermal_zone3, polling 1000 ms, passive 100 ms, an active
	 * trip (fan) below the first passive one, which is 65 C. */
	f->m.nr_zones = 3;
	snprintf(f->m.zones[0].name, EG_NAME_MAX, "cpu");
	snprintf(f->m.zones[0].sensor, EG_PATH_MAX, "thermal_zone3");
	f->m.zones[0].polling_ms = 1000;
	f->m.zones[0].passive_ms = 100;
	add_trip(&f->m.zones[0], 50000, EG_TRIP_ACTIVE);
	add_trip(&f->m.zones[0], 65000, EG_TRIP_PASSIVE);
	add_trip(&f->m.zones[0], 75000, EG_TRIP_PASSIVE);
	add_trip(&f->m.zones[0], 105000, EG_TRIP_CRITICAL);
	/* Zone 1: an hwmon sensor, not this source's. */
	snprintf(f->m.zones[1].name, EG_NAME_MAX, "pkg");
	snprintf(f->m.zones[1].sensor, EG_PATH_MAX, "hwmon:coretemp/temp1");
	/* Zone 2: thermal_zone7, polling 0 (the default applies), passive
	 * 250 ms but no passive trip: never the passive interval. */
	snprintf(f->m.zones[2].name, EG_NAME_MAX, "soc");
	snprintf(f->m.zones[2].sensor, EG_PATH_MAX, "thermal_zone7");
	f->m.zones[2].passive_ms = 250;
	add_trip(&f->m.zones[2], 90000, EG_TRIP_CRITICAL);
	f->o.model = &f->m;
	f->o.fs = &f->fs;
	eg_log_set_sink(count_log, f);
	*state = f;
	return 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	eg_log_set_sink(NULL, NULL);
	nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void test_zone_id(void **state)
{
	(void)state;
	assert_int_equal(eg_thermal_zone_id("thermal_zone0"), 0);
	assert_int_equal(eg_thermal_zone_id("thermal_zone12"), 12);
	assert_int_equal(eg_thermal_zone_id("thermal_zone"), -1);
	assert_int_equal(eg_thermal_zone_id("thermal_zone1x"), -1);
	assert_int_equal(eg_thermal_zone_id("hwmon:coretemp/temp1"), -1);
	assert_int_equal(eg_thermal_zone_id(""), -1);
}

static void test_probe(void **state)
{
	struct fx *f = *state;
	const struct eg_source_ops *ops = eg_source_find("thermal-sysfs");
	struct eg_source *s;
	char why[256] = "";

	assert_ptr_equal(ops, &eg_source_thermal_sysfs);
	assert_int_equal(ops->kind, EG_SOURCE_THERMAL);
	assert_int_equal(ops->probe(&f->o, why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "2 thermal_zone sensors"));
	assert_int_equal(ops->open(&s, &f->o), -ENODEV);
	put_temp(f, 7, "40000\n");
	assert_int_equal(ops->probe(&f->o, why, sizeof(why)), 0);
	/* A model with no thermal_zoneN zone at all. */
	f->m.nr_zones = 2;
	f->m.zones[0].sensor[0] = '\0';
	assert_int_equal(ops->probe(&f->o, why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "no model zone"));
}

static void test_intervals(void **state)
{
	struct fx *f = *state;
	const struct eg_source_ops *ops = &eg_source_thermal_sysfs;
	struct eg_source *s;
	struct eg_event ev[4];

	put_temp(f, 3, "45000\n");
	put_temp(f, 7, "-5000\n");
	assert_int_equal(ops->open(&s, &f->o), 0);
	assert_int_equal(ops->fd(s), -1);
	/* Nothing read yet: due at once. */
	assert_int_equal(ops->next_timeout(s), 0);
	assert_int_equal(ops->read(s, T0, ev, 4), 2);
	assert_int_equal(ev[0].type, EG_EV_TEMP);
	assert_int_equal(ev[0].ts, T0);
	assert_int_equal(ev[0].temp.zone, 0); /* model index, not the kernel id 3 */
	assert_int_equal(ev[0].temp.temp_mc, 45000);
	assert_int_equal(ev[1].temp.zone, 2);
	assert_int_equal(ev[1].temp.temp_mc, -5000);
	/* Both next at T0 + 1000 ms: zone 0 below 65 C polls at 1000 ms;
	 * zone 2's polling_ms 0 means the 1000 ms default. */
	assert_int_equal(ops->next_timeout(s), T0 + 1000 * MS);
	assert_int_equal(ops->read(s, T0 + 999 * MS, ev, 4), 0);

	/* 65 C is at the first passive trip (the active 50 C one does not
	 * count): zone 0 goes to 100 ms. Zone 2 at 95 C has no passive trip
	 * and stays at 1000 ms. */
	put_temp(f, 3, "65000\n");
	put_temp(f, 7, "95000\n");
	assert_int_equal(ops->read(s, T0 + 1000 * MS, ev, 4), 2);
	assert_int_equal(ev[0].temp.temp_mc, 65000);
	assert_int_equal(ev[1].temp.temp_mc, 95000);
	assert_int_equal(ops->next_timeout(s), T0 + 1100 * MS);
	assert_int_equal(ops->read(s, T0 + 1100 * MS, ev, 4), 1);
	assert_int_equal(ev[0].temp.zone, 0);
	/* Back below the trip (64.999 C): 1000 ms again, from 1200 ms. */
	put_temp(f, 3, "64999\n");
	assert_int_equal(ops->read(s, T0 + 1200 * MS, ev, 4), 1);
	assert_int_equal(ev[0].temp.temp_mc, 64999);
	/* Zone 2 due at 2000, zone 0 at 1200 + 1000 = 2200. */
	assert_int_equal(ops->next_timeout(s), T0 + 2000 * MS);
	assert_int_equal(ops->read(s, T0 + 2000 * MS, ev, 4), 1);
	assert_int_equal(ev[0].temp.zone, 2);
	assert_int_equal(ops->next_timeout(s), T0 + 2200 * MS);
	ops->close(s);
}

static void test_max_and_bad_values(void **state)
{
	struct fx *f = *state;
	const struct eg_source_ops *ops = &eg_source_thermal_sysfs;
	struct eg_source *s;
	struct eg_event ev[2];

	put_temp(f, 3, "45000\n");
	put_temp(f, 7, "30000\n");
	assert_int_equal(ops->open(&s, &f->o), 0);
	/* Two zones due, room for one: one event and -EAGAIN, then the other. */
	assert_int_equal(ops->read(s, T0, ev, 1), -EAGAIN);
	assert_int_equal(ev[0].temp.zone, 0);
	assert_int_equal(ops->read(s, T0, ev, 1), 1);
	assert_int_equal(ev[0].temp.zone, 2);
	/* A malformed value: no event, logged once, retried on the polling
	 * interval; fine again once the file is. */
	put_temp(f, 3, "hot\n");
	f->nr_logs = 0;
	assert_int_equal(ops->read(s, T0 + 1000 * MS, ev, 2), 1);
	assert_int_equal(ev[0].temp.zone, 2);
	assert_int_equal(ops->read(s, T0 + 2000 * MS, ev, 2), 1);
	assert_int_equal(f->nr_logs, 1);
	put_temp(f, 3, "47000\n");
	assert_int_equal(ops->read(s, T0 + 3000 * MS, ev, 2), 2);
	assert_int_equal(ev[0].temp.temp_mc, 47000);
	ops->close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_id),
		cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intervals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_and_bad_values, setup, teardown),
	};

	return cmocka_run_group_tests_name("thermal_sysfs", tests, NULL, NULL);
}
