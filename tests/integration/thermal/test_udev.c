// SPDX-License-Identifier: GPL-2.0-or-later
/* udev source under umockdev (run by umockdev-wrapper): the AC state read at
 * open and emitted once, power_supply uevents switching it, a CPU offline /
 * online uevent, a thermal zone added (logged, no event), and the on-AC
 * rule for machines with only a battery or no supply at all. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libudev.h>
#include <umockdev.h>

#include "log.h"
#include "source.h"
#include "udev_monitor.h"

#define NOW 42000000ULL

struct fx {
	UMockdevTestbed *tb;
	struct eg_model m;
	struct eg_source_opts o;
	enum eg_log_level saved_level;
	char log[4096];
};

static void log_sink(void *user, enum eg_log_level level, const char *msg)
{
	struct fx *f = user;
	size_t off = strlen(f->log);

	(void)level;
	snprintf(f->log + off, sizeof(f->log) - off, "%s\n", msg);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->tb = umockdev_testbed_new();
	assert_non_null(f->tb);
	eg_model_init(&f->m);
	f->o.model = &f->m;
	eg_log_set_sink(log_sink, f);
	f->saved_level = eg_log_get_level();
	eg_log_set_level(EG_LOG_INFO); /* the thermal zone line is info */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	eg_log_set_sink(NULL, NULL);
	eg_log_set_level(f->saved_level);
	g_object_unref(f->tb);
	free(f);
	return 0;
}

static gchar *add_supply(struct fx *f, const char *name, const char *type, const char *online)
{
	gchar *p = umockdev_testbed_add_device(f->tb, "power_supply", name, NULL, "type", type,
					       online ? "online" : NULL, online, NULL, NULL);

	assert_non_null(p);
	return p;
}

/* Wait (up to 2 s) for the source's fd, then read. umockdev delivers a
 * uevent through a socket; the source must see it without blocking. */
static int read_after_uevent(const struct eg_source_ops *ops, struct eg_source *s,
			     struct eg_event *ev, int max)
{
	struct pollfd p = { .fd = ops->fd(s), .events = POLLIN };

	assert_true(p.fd >= 0);
	assert_int_equal(poll(&p, 1, 2000), 1);
	return ops->read(s, NOW, ev, max);
}

static void test_on_ac_rule(void **state)
{
	struct fx *f = *state;
	struct udev *udev = udev_new();
	bool on_ac = false;
	gchar *p;

	assert_non_null(udev);
	/* No supply at all: a desktop, on AC. */
	assert_int_equal(eg_udev_read_on_ac(udev, &on_ac), 0);
	assert_true(on_ac);
	/* Only a battery: on battery. */
	g_free(add_supply(f, "BAT0", "Battery\n", NULL));
	assert_int_equal(eg_udev_read_on_ac(udev, &on_ac), 0);
	assert_false(on_ac);
	/* A USB supply online counts as AC; a second, offline mains adapter
	 * does not undo it (any one online is enough). */
	g_free(add_supply(f, "ucsi-source-psy-1", "USB\n", "1\n"));
	p = add_supply(f, "AC", "Mains\n", "0\n");
	assert_int_equal(eg_udev_read_on_ac(udev, &on_ac), 0);
	assert_true(on_ac);
	g_free(p);
	udev_unref(udev);
}

static void test_power_supply(void **state)
{
	struct fx *f = *state;
	const struct eg_source_ops *ops = eg_source_find("udev");
	struct eg_source *s;
	struct eg_event ev[4];
	char why[128] = "";
	gchar *ac;

	assert_ptr_equal(ops, &eg_source_udev);
	assert_int_equal(ops->kind, EG_SOURCE_DEVICE);
	g_free(add_supply(f, "BAT0", "Battery\n", NULL));
	ac = add_supply(f, "AC", "Mains\n", "0\n");
	assert_int_equal(ops->probe(&f->o, why, sizeof(why)), 0);
	assert_int_equal(ops->open(&s, &f->o), 0);
	/* The initial state is due at once and emitted once. */
	assert_int_equal(ops->next_timeout(s), 0);
	assert_int_equal(ops->read(s, NOW, ev, 4), 1);
	assert_int_equal(ev[0].type, EG_EV_POWER_SOURCE);
	assert_int_equal(ev[0].ts, NOW);
	assert_false(ev[0].power.on_ac);
	assert_int_equal(ops->next_timeout(s), EG_NEVER);
	assert_int_equal(ops->read(s, NOW, ev, 4), 0);
	/* Adapter plugged in. */
	umockdev_testbed_set_attribute(f->tb, ac, "online", "1\n");
	umockdev_testbed_uevent(f->tb, ac, "change");
	assert_int_equal(read_after_uevent(ops, s, ev, 4), 1);
	assert_int_equal(ev[0].type, EG_EV_POWER_SOURCE);
	assert_true(ev[0].power.on_ac);
	/* A change uevent that changes nothing (e.g. a battery's capacity
	 * update on the adapter) emits nothing. */
	umockdev_testbed_uevent(f->tb, ac, "change");
	assert_int_equal(read_after_uevent(ops, s, ev, 4), 0);
	/* Unplugged. */
	umockdev_testbed_set_attribute(f->tb, ac, "online", "0\n");
	umockdev_testbed_uevent(f->tb, ac, "change");
	assert_int_equal(read_after_uevent(ops, s, ev, 4), 1);
	assert_false(ev[0].power.on_ac);
	ops->close(s);
	g_free(ac);
}

static void test_cpu_and_thermal(void **state)
{
	struct fx *f = *state;
	const struct eg_source_ops *ops = &eg_source_udev;
	struct eg_source *s;
	struct eg_event ev[4];
	gchar *zone;

	assert_true(umockdev_testbed_add_from_string(
		f->tb, "P: /devices/system/cpu/cpu1\nE: SUBSYSTEM=cpu\nA: online=1\\n\n", NULL));
	assert_int_equal(ops->open(&s, &f->o), 0);
	/* No supply: on AC, said once. */
	assert_int_equal(ops->read(s, NOW, ev, 4), 1);
	assert_true(ev[0].power.on_ac);

	umockdev_testbed_set_attribute(f->tb, "/sys/devices/system/cpu/cpu1", "online", "0\n");
	umockdev_testbed_uevent(f->tb, "/sys/devices/system/cpu/cpu1", "offline");
	assert_int_equal(read_after_uevent(ops, s, ev, 4), 1);
	assert_int_equal(ev[0].type, EG_EV_CPU_OFFLINE);
	assert_int_equal(ev[0].cpu, 1);
	/* Back online through a change uevent: the online attribute decides. */
	umockdev_testbed_set_attribute(f->tb, "/sys/devices/system/cpu/cpu1", "online", "1\n");
	umockdev_testbed_uevent(f->tb, "/sys/devices/system/cpu/cpu1", "change");
	assert_int_equal(read_after_uevent(ops, s, ev, 4), 1);
	assert_int_equal(ev[0].type, EG_EV_CPU_ONLINE);
	assert_int_equal(ev[0].cpu, 1);

	/* A thermal zone appearing: logged, no event. */
	zone = umockdev_testbed_add_device(f->tb, "thermal", "thermal_zone3", NULL, "type", "soc\n",
					   NULL, NULL);
	assert_non_null(zone);
	f->log[0] = '\0';
	umockdev_testbed_uevent(f->tb, zone, "add");
	assert_int_equal(read_after_uevent(ops, s, ev, 4), 0);
	assert_non_null(strstr(f->log, "thermal zone thermal_zone3 added"));
	ops->close(s);
	g_free(zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_on_ac_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_power_supply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_and_thermal, setup, teardown),
	};
	const char *preload = getenv("LD_PRELOAD");

	/* umockdev_in_mock_environment() answers false under umockdev-wrapper
	 * in umockdev 0.17, so look at LD_PRELOAD (as tests/integration/discover). */
	if (!preload || !strstr(preload, "umockdev-preload")) {
		fprintf(stderr, "not under umockdev-wrapper: skipped\n");
		return 77;
	}
	return cmocka_run_group_tests_name("udev", tests, NULL, NULL);
}
