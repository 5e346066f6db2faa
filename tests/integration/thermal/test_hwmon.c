// SPDX-License-Identifier: GPL-2.0-or-later
/* hwmon under umockdev (run by umockdev-wrapper): libsensors enumerates a
 * fake coretemp chip; model zones name it as hwmon:coretemp/tempN. Also the
 * sensor-name parser and a machine without chips. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <umockdev.h>

#include "hwmon.h"
#include "log.h"
#include "source.h"

#define MS NSEC_PER_MSEC
#define T0 (7000 * MS)

struct fx {
	UMockdevTestbed *tb;
	struct eg_model m;
	struct eg_source_opts o;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->tb = umockdev_testbed_new();
	assert_non_null(f->tb);
	eg_model_init(&f->m);
	f->m.nr_zones = 3;
	/* Zone 0: the second core sensor, 500 ms, passive 50 ms above 80 C. */
	snprintf(f->m.zones[0].name, EG_NAME_MAX, "core1");
	snprintf(f->m.zones[0].sensor, EG_PATH_MAX, "hwmon:coretemp/temp2");
	f->m.zones[0].polling_ms = 500;
	f->m.zones[0].passive_ms = 50;
	f->m.zones[0].nr_trips = 1;
	f->m.zones[0].trips[0].temp_mc = 80000;
	f->m.zones[0].trips[0].type = EG_TRIP_PASSIVE;
	/* Zone 1: a chip this machine does not have. */
	snprintf(f->m.zones[1].name, EG_NAME_MAX, "gpu");
	snprintf(f->m.zones[1].sensor, EG_PATH_MAX, "hwmon:amdgpu/temp1");
	/* Zone 2: a kernel thermal zone, not this source's. */
	snprintf(f->m.zones[2].name, EG_NAME_MAX, "soc");
	snprintf(f->m.zones[2].sensor, EG_PATH_MAX, "thermal_zone0");
	f->o.model = &f->m;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	g_object_unref(f->tb);
	free(f);
	return 0;
}

static gchar *add_coretemp(struct fx *f)
{
	/* Values end in a newline, as sysfs's do: libsensors drops the last
	 * character of a value otherwise. */
	gchar *path = umockdev_testbed_add_device(f->tb, "hwmon", "hwmon0", NULL, "name",
						  "coretemp\n", "temp1_input", "41000\n",
						  "temp1_label", "Core 0\n", "temp2_input",
						  "52500\n", "temp2_label", "Core 1\n", NULL, NULL);

	assert_non_null(path);
	return path;
}

static void test_parse(void **state)
{
	char chip[32], feat[16];

	(void)state;
	assert_int_equal(eg_hwmon_parse_sensor("hwmon:coretemp/temp1", chip, sizeof(chip), feat,
					       sizeof(feat)),
			 0);
	assert_string_equal(chip, "coretemp");
	assert_string_equal(feat, "temp1");
	assert_int_equal(eg_hwmon_parse_sensor("hwmon:coretemp-isa-0000/temp3", chip, sizeof(chip),
					       feat, sizeof(feat)),
			 0);
	assert_string_equal(chip, "coretemp-isa-0000");
	assert_string_equal(feat, "temp3");
	/* 17 characters and the terminator do not fit in 17 bytes. */
	assert_int_equal(eg_hwmon_parse_sensor("hwmon:coretemp-isa-0000/temp3", chip, 17, feat,
					       sizeof(feat)),
			 -ENAMETOOLONG);
	assert_int_equal(eg_hwmon_parse_sensor("thermal_zone0", chip, 16, feat, 16), -EINVAL);
	assert_int_equal(eg_hwmon_parse_sensor("hwmon:coretemp", chip, 16, feat, 16), -EINVAL);
	assert_int_equal(eg_hwmon_parse_sensor("hwmon:/temp1", chip, 16, feat, 16), -EINVAL);
	assert_int_equal(eg_hwmon_parse_sensor("hwmon:coretemp/", chip, 16, feat, 16), -EINVAL);
	assert_int_equal(eg_hwmon_parse_sensor("hwmon:a/b/c", chip, 16, feat, 16), -EINVAL);
}

static void test_no_chips(void **state)
{
	struct fx *f = *state;
	const struct eg_source_ops *ops = eg_source_find("hwmon");
	struct eg_source *s;
	char why[256] = "";

	assert_ptr_equal(ops, &eg_source_hwmon);
	/* libsensors initialises with no chips; the source finds nothing. */
	assert_int_equal(ops->probe(&f->o, why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "none of the model's 2 hwmon sensors"));
	assert_int_equal(ops->open(&s, &f->o), -ENODEV);
	f->m.nr_zones = 0;
	assert_int_equal(ops->probe(&f->o, why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "no model zone"));
}

static void test_read(void **state)
{
	struct fx *f = *state;
	const struct eg_source_ops *ops = &eg_source_hwmon;
	struct eg_source *s;
	struct eg_event ev[4];
	char why[256] = "";
	gchar *chip = add_coretemp(f);

	assert_int_equal(ops->probe(&f->o, why, sizeof(why)), 0);
	assert_int_equal(ops->open(&s, &f->o), 0);
	assert_int_equal(ops->fd(s), -1);
	assert_int_equal(ops->next_timeout(s), 0);
	assert_int_equal(ops->read(s, T0, ev, 4), 1);
	assert_int_equal(ev[0].type, EG_EV_TEMP);
	assert_int_equal(ev[0].ts, T0);
	assert_int_equal(ev[0].temp.zone, 0);
	assert_int_equal(ev[0].temp.temp_mc, 52500); /* temp2, not temp1's 41000 */
	assert_int_equal(ops->next_timeout(s), T0 + 500 * MS);
	assert_int_equal(ops->read(s, T0 + 499 * MS, ev, 4), 0);
	/* At 80.5 C (above the 80 C passive trip) the 50 ms interval. */
	umockdev_testbed_set_attribute(f->tb, chip, "temp2_input", "80500\n");
	assert_int_equal(ops->read(s, T0 + 500 * MS, ev, 4), 1);
	assert_int_equal(ev[0].temp.temp_mc, 80500);
	assert_int_equal(ops->next_timeout(s), T0 + 550 * MS);
	ops->close(s);
	g_free(chip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_no_chips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read, setup, teardown),
	};
	const char *preload = getenv("LD_PRELOAD");

	/* umockdev_in_mock_environment() answers false under umockdev-wrapper
	 * in umockdev 0.17, so look at LD_PRELOAD (as tests/integration/discover). */
	if (!preload || !strstr(preload, "umockdev-preload")) {
		fprintf(stderr, "not under umockdev-wrapper: skipped\n");
		return 77;
	}
	eg_log_set_level(EG_LOG_ERR);
	return cmocka_run_group_tests_name("hwmon", tests, NULL, NULL);
}
