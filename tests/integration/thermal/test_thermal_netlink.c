// SPDX-License-Identifier: GPL-2.0-or-later
/* thermal-netlink: message -> event conversion on messages built with libnl
 * (no kernel needed), the kernel trip id -> model trip map from sysfs, and a
 * live check that the family resolves and its groups join (skipped when the
 * kernel has no thermal netlink family). */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "source.h"
#include "thermal_netlink.h"

/* Any id: the conversion compares it with the message's type. */
#define FAMILY 0x42
#define NOW 123456789ULL
#define ABSENT UINT32_MAX

struct fx {
	char root[64];
	struct eg_sysfs fs;
	struct eg_model m;
	struct eg_thermal_nl_map map;
};

static void wfile(const char *root, const char *rel, const char *val)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
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

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/eg-tnl-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	assert_int_equal(eg_sysfs_init(&f->fs, f->root), 0);
	eg_model_init(&f->m);
	f->m.nr_zones = 3;
	/* Zone 0 = kernel zone 4, whose sysfs lists its trips hottest first:
	 * kernel trip 0 is 75 C = model trip 1, kernel trip 1 is 65 C = model
	 * trip 0, kernel trip 2 (95 C hot) was not kept by the model. */
	snprintf(f->m.zones[0].sensor, EG_PATH_MAX, "thermal_zone4");
	add_trip(&f->m.zones[0], 65000, EG_TRIP_PASSIVE);
	add_trip(&f->m.zones[0], 75000, EG_TRIP_PASSIVE);
	wfile(f->root, "/sys/class/thermal/thermal_zone4/trip_point_0_temp", "75000\n");
	wfile(f->root, "/sys/class/thermal/thermal_zone4/trip_point_1_temp", "65000\n");
	wfile(f->root, "/sys/class/thermal/thermal_zone4/trip_point_2_temp", "95000\n");
	/* Zone 1: hwmon, not a kernel thermal zone. */
	snprintf(f->m.zones[1].sensor, EG_PATH_MAX, "hwmon:coretemp/temp1");
	/* Zone 2 = kernel zone 0, no sysfs files: trip k is model trip k. */
	snprintf(f->m.zones[2].sensor, EG_PATH_MAX, "thermal_zone0");
	add_trip(&f->m.zones[2], 80000, EG_TRIP_PASSIVE);
	eg_thermal_nl_map_init(&f->map, &f->m, &f->fs);
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

	nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Build a message of family fam, command cmd with the given attributes
 * (ABSENT leaves one out) and convert it. */
static int convert(struct fx *f, int fam, int cmd, uint32_t tz, uint32_t trip, uint32_t temp,
		   struct eg_event *ev)
{
	struct nl_msg *msg = nlmsg_alloc();
	int r;

	assert_non_null(msg);
	/* Version 2, as this kernel reports (the header says 1): ignored. */
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, 0, cmd, 2));
	if (tz != ABSENT)
		assert_int_equal(nla_put_u32(msg, EG_TNL_ATTR_TZ_ID, tz), 0);
	if (trip != ABSENT)
		assert_int_equal(nla_put_u32(msg, EG_TNL_ATTR_TZ_TRIP_ID, trip), 0);
	if (temp != ABSENT)
		assert_int_equal(nla_put_u32(msg, EG_TNL_ATTR_TZ_TEMP, temp), 0);
	/* An attribute from a newer kernel than we know: must be skipped. */
	assert_int_equal(nla_put_u32(msg, 40, 7), 0);
	memset(ev, 0xa5, sizeof(*ev));
	r = eg_thermal_nl_convert(&f->map, FAMILY, nlmsg_hdr(msg), NOW, ev);
	nlmsg_free(msg);
	return r;
}

static void test_map(void **state)
{
	struct fx *f = *state;

	assert_int_equal(f->map.nr, 2);
	assert_int_equal(f->map.z[0].tz_id, 4);
	assert_int_equal(f->map.z[0].zone, 0);
	assert_int_equal(f->map.z[0].trip[0], 1);
	assert_int_equal(f->map.z[0].trip[1], 0);
	assert_int_equal(f->map.z[0].trip[2], -1);
	assert_int_equal(f->map.z[0].trip[3], -1);
	assert_int_equal(f->map.z[1].tz_id, 0);
	assert_int_equal(f->map.z[1].zone, 2);
	assert_int_equal(f->map.z[1].trip[0], 0);
	assert_int_equal(f->map.z[1].trip[1], -1);
}

static void test_sampling(void **state)
{
	struct fx *f = *state;
	struct eg_event ev;

	assert_int_equal(convert(f, FAMILY, EG_TNL_CMD_SAMPLING_TEMP, 4, ABSENT, 48500, &ev), 1);
	assert_int_equal(ev.type, EG_EV_TEMP);
	assert_int_equal(ev.ts, NOW);
	assert_int_equal(ev.cpu, -1);
	assert_int_equal(ev.temp.zone, 0);
	assert_int_equal(ev.temp.temp_mc, 48500);
	/* -12 C travels as the u32 0xffffd120 and comes back signed. */
	assert_int_equal(
		convert(f, FAMILY, EG_TNL_CMD_SAMPLING_TEMP, 0, ABSENT, (uint32_t)-12000, &ev), 1);
	assert_int_equal(ev.temp.zone, 2);
	assert_int_equal(ev.temp.temp_mc, -12000);
	/* Kernel zone 9 is not in the model; another family; another
	 * command (TZ_CREATE = 1): nothing. */
	assert_int_equal(convert(f, FAMILY, EG_TNL_CMD_SAMPLING_TEMP, 9, ABSENT, 1, &ev), 0);
	assert_int_equal(convert(f, FAMILY + 1, EG_TNL_CMD_SAMPLING_TEMP, 4, ABSENT, 1, &ev), 0);
	assert_int_equal(convert(f, FAMILY, 1, 4, ABSENT, 1, &ev), 0);
	/* Ours but malformed: no zone id, no temperature. */
	assert_int_equal(convert(f, FAMILY, EG_TNL_CMD_SAMPLING_TEMP, ABSENT, ABSENT, 1, &ev),
			 -EINVAL);
	assert_int_equal(convert(f, FAMILY, EG_TNL_CMD_SAMPLING_TEMP, 4, ABSENT, ABSENT, &ev),
			 -EINVAL);
}

static void test_trips(void **state)
{
	struct fx *f = *state;
	struct eg_event ev;

	/* Kernel trip 0 of zone 4 is the model's trip 1 (75 C). */
	assert_int_equal(convert(f, FAMILY, EG_TNL_EVENT_TZ_TRIP_UP, 4, 0, 75200, &ev), 1);
	assert_int_equal(ev.type, EG_EV_TRIP);
	assert_int_equal(ev.trip.zone, 0);
	assert_int_equal(ev.trip.trip, 1);
	assert_int_equal(ev.trip.temp_mc, 75200);
	assert_true(ev.trip.up);
	assert_int_equal(convert(f, FAMILY, EG_TNL_EVENT_TZ_TRIP_DOWN, 4, 1, 63000, &ev), 1);
	assert_int_equal(ev.trip.trip, 0);
	assert_int_equal(ev.trip.temp_mc, 63000);
	assert_false(ev.trip.up);
	/* A trip the model dropped still carries the temperature. */
	assert_int_equal(convert(f, FAMILY, EG_TNL_EVENT_TZ_TRIP_UP, 4, 2, 95100, &ev), 1);
	assert_int_equal(ev.trip.trip, -1);
	assert_int_equal(ev.trip.temp_mc, 95100);
	/* No temperature (early kernels): the model trip's own. */
	assert_int_equal(convert(f, FAMILY, EG_TNL_EVENT_TZ_TRIP_UP, 0, 0, ABSENT, &ev), 1);
	assert_int_equal(ev.trip.zone, 2);
	assert_int_equal(ev.trip.trip, 0);
	assert_int_equal(ev.trip.temp_mc, 80000);
	/* No temperature and an unknown trip: nothing to say. */
	assert_int_equal(convert(f, FAMILY, EG_TNL_EVENT_TZ_TRIP_UP, 0, 5, ABSENT, &ev), 0);
	/* A trip event without a trip id is malformed. */
	assert_int_equal(convert(f, FAMILY, EG_TNL_EVENT_TZ_TRIP_DOWN, 4, ABSENT, 1, &ev), -EINVAL);
}

static void test_live(void **state)
{
	struct fx *f = *state;
	const struct eg_source_ops *ops = eg_source_find("thermal-netlink");
	struct eg_source_opts o = { .model = &f->m, .fs = &f->fs };
	struct eg_source *s;
	struct eg_event ev[8];
	char why[256] = "";
	int r;

	assert_ptr_equal(ops, &eg_source_thermal_netlink);
	r = ops->probe(&o, why, sizeof(why));
	/* -EPROTONOSUPPORT: no generic netlink at all (qemu-user offers only
	 * route, uevent and audit netlink sockets). */
	if (r == -ENOENT || r == -EPROTONOSUPPORT) {
		print_message("thermal netlink family absent (%s): skipped\n", why);
		skip();
	}
	assert_int_equal(r, 0);
	/* open resolves the family and joins "event" and "sampling". */
	assert_int_equal(ops->open(&s, &o), 0);
	assert_true(ops->fd(s) >= 0);
	assert_true(ops->next_timeout(s) == EG_NEVER);
	/* Non-blocking: returns at once, with whatever the kernel sent for
	 * the model's (fake) zones 4 and 0, which is usually nothing. */
	r = ops->read(s, NOW, ev, 8);
	assert_true(r >= 0 && r <= 8);
	ops->close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sampling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live, setup, teardown),
	};

	return cmocka_run_group_tests_name("thermal_netlink", tests, NULL, NULL);
}
