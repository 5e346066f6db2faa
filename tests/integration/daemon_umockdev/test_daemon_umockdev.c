// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovd end to end under umockdev (this test runs under umockdev-wrapper and
 * the daemon it starts inherits the preload and the testbed): a HiKey960
 * testbed (CPUs 0-7 with three idle states each, a Mains supply, thermal
 * zone 0) seen through libudev and plain /sys reads, then uevents while the
 * daemon runs: CPU 7 going offline and back, the AC adapter unplugged (the
 * profile switch that follows must keep CPU 7 offline). The daemon's view is
 * read with `eagovctl status --json` over a control socket in a temp dir. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <umockdev.h>

static const char *eagovd, *eagovctl;

#define NR_CPUS 8
#define CPU7 "/sys/devices/system/cpu/cpu7"
#define AC "/sys/devices/platform/ac/power_supply/AC"

struct ctx {
	UMockdevTestbed *tb;
	char dir[64];
	char conf[128], out[128], err[128], sock[128];
	pid_t pid;
};

/* ------------------------------------------------------------ testbed */

/* The HiKey960 as sysfs shows it without a cpufreq driver: cpuN devices
 * (subsystem cpu) with online and cpuidle states (the names, latencies and
 * residencies of conf/devices/hikey960.ini), an AC adapter online, and the
 * SoC thermal zone at 45 C. */
static void testbed_create(struct ctx *c)
{
	static const char *const names[3] = { "WFI", "cpu-sleep", "cluster-sleep" };
	static const char *const lat[3] = { "1", "40", "500" };
	static const char *const res[3] = { "1", "80", "5000" };
	char *desc = malloc(65536);
	size_t off = 0;
	GError *gerr = NULL;
	gchar *zone;

	assert_non_null(desc);
#define ADD(...) (off += (size_t)snprintf(desc + off, 65536 - off, __VA_ARGS__))
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		ADD("P: /devices/system/cpu/cpu%d\nE: SUBSYSTEM=cpu\nA: online=1\\n\n", cpu);
		for (int k = 0; k < 3; k++)
			ADD("A: cpuidle/state%d/name=%s\\n\nA: cpuidle/state%d/latency=%s\\n\n"
			    "A: cpuidle/state%d/residency=%s\\n\nA: cpuidle/state%d/time=0\\n\n"
			    "A: cpuidle/state%d/usage=0\\n\nA: cpuidle/state%d/disable=0\\n\n",
			    k, names[k], k, lat[k], k, res[k], k, k, k);
		ADD("\n");
	}
	ADD("P: /devices/platform/ac/power_supply/AC\nE: SUBSYSTEM=power_supply\n"
	    "A: type=Mains\\n\nA: online=1\\n\n");
#undef ADD
	assert_true(off < 65536);
	if (!umockdev_testbed_add_from_string(c->tb, desc, &gerr)) {
		print_error("testbed: %s\n", gerr ? gerr->message : "?");
		fail();
	}
	free(desc);
	zone = umockdev_testbed_add_device(c->tb, "thermal", "thermal_zone0", NULL, "type",
					   "cls0\n", "temp", "45000\n", NULL, NULL);
	assert_non_null(zone);
	g_free(zone);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char conf[512];
	FILE *f;

	assert_non_null(c);
	c->pid = -1;
	snprintf(c->dir, sizeof(c->dir), "/tmp/eagov-umock-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->conf, sizeof(c->conf), "%s/eagov.conf", c->dir);
	snprintf(c->out, sizeof(c->out), "%s/out.txt", c->dir);
	snprintf(c->err, sizeof(c->err), "%s/err.txt", c->dir);
	snprintf(c->sock, sizeof(c->sock), "%s/control", c->dir);
	/* The start profile (balanced) differs from both power-source
	 * profiles, so each switch is visible. */
	snprintf(conf, sizeof(conf),
		 "[daemon]\ncontrol_socket = %s\nprofile = balanced\n"
		 "profile_on_ac = performance\nprofile_on_battery = power-saver\n",
		 c->sock);
	f = fopen(c->conf, "w");
	assert_non_null(f);
	fputs(conf, f);
	assert_int_equal(fclose(f), 0);
	c->tb = umockdev_testbed_new();
	assert_non_null(c->tb);
	testbed_create(c);
	*state = c;
	return 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	nftw(c->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	g_object_unref(c->tb);
	free(c);
	return 0;
}

/* ------------------------------------------------------ the processes */

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void spawn(struct ctx *c)
{
	/* No --sysfs-root: discovery, the poll source and libudev read /sys,
	 * which umockdev maps onto the testbed. Discovery finds 8 CPUs and no
	 * cpufreq, so the device file's two domains are used alone (the
	 * machine's own 2 CPUs are never seen); --dry-run because there is no
	 * cpufreq to write. */
	const char *argv[] = { eagovd,	   "-v",   "--dry-run", "--device", "hikey960",
			       "--source", "poll", "--config",	c->conf,    NULL };

	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		int out = open(c->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int err = open(c->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (out < 0 || err < 0)
			_exit(126);
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		unsetenv("NOTIFY_SOCKET");
		unsetenv("WATCHDOG_USEC");
		execv(eagovd, (char *const *)argv);
		_exit(127);
	}
}

static bool alive(const struct ctx *c)
{
	return waitpid(c->pid, NULL, WNOHANG) == 0;
}

static void show_err(const struct ctx *c)
{
	char line[512];
	FILE *f = fopen(c->err, "r");

	while (f && fgets(line, sizeof(line), f))
		print_error("eagovd: %s", line);
	if (f)
		fclose(f);
}

/* Lines of the daemon's stderr containing s. */
static int count_err(const struct ctx *c, const char *s)
{
	char line[1024];
	FILE *f = fopen(c->err, "r");
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, s) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* `eagovctl --socket S status --json`, parsed; NULL when it fails (the
 * socket not there yet). */
static struct json_object *status(const struct ctx *c)
{
	char buf[65536];
	size_t len = 0;
	int fd[2], st;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fd[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		close(fd[0]);
		execl(eagovctl, eagovctl, "--socket", c->sock, "status", "--json", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd[0]);
	buf[len] = '\0';
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return NULL;
	return json_tokener_parse(buf);
}

static const char *str_field(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* cpus[cpu].online: 1, 0, or -1 when missing. */
static int cpu_online(struct json_object *o, int cpu)
{
	struct json_object *arr, *e, *v;

	if (!json_object_object_get_ex(o, "cpus", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (json_object_object_get_ex(e, "cpu", &v) && json_object_get_int(v) == cpu &&
		    json_object_object_get_ex(e, "online", &v))
			return json_object_get_boolean(v);
	}
	return -1;
}

static size_t nr_of(struct json_object *o, const char *key)
{
	struct json_object *arr;

	return json_object_object_get_ex(o, key, &arr) &&
			       json_object_is_type(arr, json_type_array) ?
		       json_object_array_length(arr) :
		       0;
}

/* The temperature of zone name in the status, or INT_MIN when missing. */
static int zone_temp(struct json_object *o, const char *name)
{
	struct json_object *arr, *e, *v;

	if (!json_object_object_get_ex(o, "zones", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return INT_MIN;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (!strcmp(str_field(e, "name"), name) &&
		    json_object_object_get_ex(e, "temp_mc", &v))
			return json_object_get_int(v);
	}
	return INT_MIN;
}

/* Poll the status (every 20 ms, up to 5 s: uevent delivery and the
 * daemon's loop take milliseconds; the margin is for ASan builds) until
 * profile (NULL: any) and cpu7's online flag (-1: any) are as wanted. The
 * last status is returned (the caller puts it), NULL if none came. */
static struct json_object *wait_status(const struct ctx *c, const char *profile, int online7)
{
	struct json_object *o = NULL;

	for (int t = 0; t < 5000; t += 20) {
		json_object_put(o);
		o = status(c);
		if (o && (!profile || !strcmp(str_field(o, "profile"), profile)) &&
		    (online7 < 0 || cpu_online(o, 7) == online7))
			return o;
		assert_true(alive(c));
		sleep_ms(20);
	}
	if (o)
		print_error("last status: %s\n", json_object_to_json_string(o));
	show_err(c);
	return o;
}

/* --------------------------------------------------------------- test */

static void test_hotplug_and_power_supply(void **state)
{
	struct ctx *c = *state;
	struct json_object *o;
	int st = -1;

	spawn(c);

	/* Up: the udev source on, its initial state (the adapter online)
	 * switched balanced -> performance (profile_on_ac), the model the
	 * device file's 8 CPUs in two domains, every CPU online. */
	o = wait_status(c, "performance", 1);
	assert_non_null(o);
	assert_string_equal(str_field(o, "profile"), "performance");
	assert_int_equal(nr_of(o, "cpus"), NR_CPUS);
	assert_int_equal(nr_of(o, "domains"), 2);
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		assert_int_equal(cpu_online(o, cpu), 1);
	json_object_put(o);
	assert_int_equal(count_err(c, "source udev: on"), 1);
	assert_int_equal(count_err(c, "running: 2 domains, 8 CPUs"), 1);
	assert_int_equal(count_err(c, "power source: AC; profile performance"), 1);
	/* The zone of the device file (cls0 on thermal_zone0) read from the
	 * testbed by thermal-sysfs: 45000 m°C, as written there. */
	assert_int_equal(count_err(c, "source thermal-sysfs: on"), 1);
	for (int t = 0; t < 5000; t += 20) {
		o = status(c);
		assert_non_null(o);
		if (zone_temp(o, "cls0") != INT_MIN)
			break;
		json_object_put(o);
		o = NULL;
		sleep_ms(20);
	}
	assert_non_null(o);
	assert_int_equal(zone_temp(o, "cls0"), 45000);
	json_object_put(o);

	/* CPU 7 unplugged: the kernel's "offline" uevent. */
	umockdev_testbed_set_attribute(c->tb, CPU7, "online", "0\n");
	umockdev_testbed_uevent(c->tb, CPU7, "offline");
	o = wait_status(c, NULL, 0);
	assert_non_null(o);
	assert_int_equal(cpu_online(o, 7), 0);
	for (int cpu = 0; cpu < 7; cpu++)
		assert_int_equal(cpu_online(o, cpu), 1);
	assert_string_equal(str_field(o, "profile"), "performance");
	json_object_put(o);

	/* Adapter unplugged: online 0 and a change uevent. The profile goes
	 * to profile_on_battery; the new engine that brings must still know
	 * that CPU 7 is offline. */
	umockdev_testbed_set_attribute(c->tb, AC, "online", "0\n");
	umockdev_testbed_uevent(c->tb, AC, "change");
	o = wait_status(c, "power-saver", -1);
	assert_non_null(o);
	assert_string_equal(str_field(o, "profile"), "power-saver");
	assert_int_equal(cpu_online(o, 7), 0);
	assert_int_equal(cpu_online(o, 6), 1);
	json_object_put(o);
	assert_int_equal(count_err(c, "power source: battery; profile power-saver"), 1);

	/* CPU 7 back, through a "change" uevent whose online attribute says
	 * which way it went. */
	umockdev_testbed_set_attribute(c->tb, CPU7, "online", "1\n");
	umockdev_testbed_uevent(c->tb, CPU7, "change");
	o = wait_status(c, NULL, 1);
	assert_non_null(o);
	assert_int_equal(cpu_online(o, 7), 1);
	assert_string_equal(str_field(o, "profile"), "power-saver");
	json_object_put(o);

	/* Still running; SIGTERM stops it with exit 0. */
	assert_true(alive(c));
	kill(c->pid, SIGTERM);
	for (int t = 0; t < 5000; t += 10) {
		if (waitpid(c->pid, &st, WNOHANG) == c->pid) {
			c->pid = -1;
			break;
		}
		sleep_ms(10);
	}
	if (c->pid > 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		show_err(c);
	assert_int_equal(c->pid, -1);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	/* The hot-plug info lines (-v): one per uevent, none from elsewhere. */
	assert_int_equal(count_err(c, "cpu 7 offline"), 1);
	assert_int_equal(count_err(c, "cpu 7 online"), 1);
	/* Nothing reported an engine refusal or a dropped source. */
	assert_int_equal(count_err(c, "engine refused"), 0);
	assert_int_equal(count_err(c, "dropping it"), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hotplug_and_power_supply, setup, teardown),
	};
	const char *preload = getenv("LD_PRELOAD");

	if (argc < 3) {
		fprintf(stderr, "usage: %s PATH-TO-EAGOVD PATH-TO-EAGOVCTL\n", argv[0]);
		return 1;
	}
	/* umockdev_in_mock_environment() answers false under umockdev-wrapper
	 * in umockdev 0.17, so look at LD_PRELOAD (as tests/integration/discover). */
	if (!preload || !strstr(preload, "umockdev-preload")) {
		fprintf(stderr, "not under umockdev-wrapper: skipped\n");
		return 77;
	}
	eagovd = argv[1];
	eagovctl = argv[2];
	return cmocka_run_group_tests_name("daemon_umockdev", tests, NULL, NULL);
}
