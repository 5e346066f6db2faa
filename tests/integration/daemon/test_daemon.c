/* eagovd end to end: the real binary (argv[1]) run against a fake HiKey960
 * sysfs tree in a temp dir (--sysfs-root), with the poll source reading the
 * tree's cpuidle residency. Checks dry runs, writes and their restore on
 * SIGTERM, --restore after SIGKILL, a knob that cannot be written, SIGHUP
 * reloads (bad and good) and a CPU vanishing mid-run; a replayed event
 * stream written with the recorder, a --record / replay round trip, the
 * stats line, and the sd_notify messages. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "event.h"
#include "model.h"
#include "policy_conf.h"
#include "record.h"

static const char *eagovd;

#define CPU_DIR "/sys/devices/system/cpu"
#define POL0 CPU_DIR "/cpufreq/policy0/"
#define POL4 CPU_DIR "/cpufreq/policy4/"
#define NR_CPUS 8
#define NR_STATES 3

struct ctx {
	char root[256];
	char state[320], out[320], err[320], conf[320];
	pid_t pid;
};

/* ------------------------------------------------------------ the tree */

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

static void put(const struct ctx *c, const char *rel, const char *val)
{
	char path[512], dir[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", c->root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdir_p(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(val, f);
	assert_int_equal(fclose(f), 0);
}

/* The file's content without its trailing newline; "" when unreadable. */
static char *get(const struct ctx *c, const char *rel, char *buf, size_t len)
{
	char path[512];
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s%s", c->root, rel);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

static bool exists(const struct ctx *c, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", c->root, rel);
	return access(path, F_OK) == 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const struct ctx *c, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", c->root, rel);
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void policy(const struct ctx *c, int n, const char *cpus, const char *freqs,
		   const char *minf, const char *maxf)
{
	char rel[160];

#define P(name, val)                                                               \
	do {                                                                       \
		snprintf(rel, sizeof(rel), CPU_DIR "/cpufreq/policy%d/" name, n);  \
		put(c, rel, val);                                                  \
	} while (0)
	P("related_cpus", cpus);
	P("affected_cpus", cpus);
	P("cpuinfo_min_freq", minf);
	P("cpuinfo_max_freq", maxf);
	P("cpuinfo_transition_latency", "50000\n");
	P("scaling_min_freq", minf);
	P("scaling_max_freq", maxf);
	P("scaling_cur_freq", minf);
	P("scaling_available_frequencies", freqs);
	P("scaling_driver", "cpufreq-dt\n");
	P("scaling_available_governors",
	  "conservative ondemand userspace powersave performance schedutil \n");
	P("scaling_governor", "schedutil\n");
	P("scaling_setspeed", "<unsupported>\n");
#undef P
}

/* HiKey960: little CPUs 0-3 on policy0, big 4-7 on policy4 (the OPPs of
 * conf/devices/hikey960.ini), three idle states per CPU, QoS files. */
/* eagov.conf with the control socket inside the tree (never the machine's
 * /run/eagov/control) plus extra lines. */
static void write_conf(const struct ctx *c, const char *extra)
{
	char conf[1024];

	snprintf(conf, sizeof(conf), "[daemon]\ncontrol_socket = %s/run/eagov/control\n%s",
		 c->root, extra);
	put(c, "/eagov.conf", conf);
}

static void tree_create(struct ctx *c)
{
	static const char *const names[NR_STATES] = { "WFI", "cpu-sleep", "cluster-sleep" };
	static const char *const lat[NR_STATES] = { "1", "40", "500" };
	static const char *const res[NR_STATES] = { "1", "80", "5000" };
	char rel[160], target[64], path[512];

	memset(c, 0, sizeof(*c));
	snprintf(c->root, sizeof(c->root), "/tmp/eagov-daemon-XXXXXX");
	assert_non_null(mkdtemp(c->root));
	snprintf(c->state, sizeof(c->state), "%s/run/eagov/state", c->root);
	snprintf(c->out, sizeof(c->out), "%s/out.txt", c->root);
	snprintf(c->err, sizeof(c->err), "%s/err.txt", c->root);
	snprintf(c->conf, sizeof(c->conf), "%s/eagov.conf", c->root);
	c->pid = -1;
	policy(c, 0, "0 1 2 3\n", "533000 999000 1402000 1709000 1844000 \n", "533000\n",
	       "1844000\n");
	policy(c, 4, "4 5 6 7\n", "903000 1421000 1805000 2112000 2362000 \n", "903000\n",
	       "2362000\n");
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		snprintf(rel, sizeof(rel), CPU_DIR "/cpu%d/power/pm_qos_resume_latency_us", cpu);
		put(c, rel, "0\n");
		snprintf(rel, sizeof(rel), CPU_DIR "/cpu%d/online", cpu);
		put(c, rel, "1\n");
		for (int k = 0; k < NR_STATES; k++) {
#define S(name, val)                                                                    \
	do {                                                                            \
		snprintf(rel, sizeof(rel), CPU_DIR "/cpu%d/cpuidle/state%d/" name, cpu, k); \
		put(c, rel, val);                                                       \
	} while (0)
			S("name", names[k]);
			S("time", "0\n");
			S("usage", "0\n");
			S("latency", lat[k]);
			S("residency", res[k]);
			S("disable", "0\n");
#undef S
		}
		snprintf(target, sizeof(target), "../cpufreq/policy%d", cpu < 4 ? 0 : 4);
		snprintf(path, sizeof(path), "%s" CPU_DIR "/cpu%d/cpufreq", c->root, cpu);
		assert_int_equal(symlink(target, path), 0);
	}
	put(c, "/dev/cpu_dma_latency", "");
	put(c, "/run/.keep", "");
	write_conf(c, "");
}

static void tree_destroy(struct ctx *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	rm_rf(c, "");
}

static int setup(void **state)
{
	struct ctx *c = malloc(sizeof(*c));

	assert_non_null(c);
	tree_create(c);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	tree_destroy(*state);
	free(*state);
	return 0;
}

/* ------------------------------------------------- snapshot of the tree */

/* Every regular file under /sys and /dev as "path=content\n", sorted by the
 * walk order (stable for an unchanged tree). */
static char *snap_buf;
static size_t snap_len, snap_cap;
static size_t snap_skip;   /* strlen(root) */
static const char *snap_exclude, *snap_exclude2;

static int snap_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	char val[256] = "";
	size_t need;
	FILE *f;
	size_t n = 0;

	(void)ftw;
	if (flag != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	if ((snap_exclude && strstr(path, snap_exclude)) ||
	    (snap_exclude2 && strstr(path, snap_exclude2)))
		return 0;
	f = fopen(path, "r");
	if (f) {
		n = fread(val, 1, sizeof(val) - 1, f);
		fclose(f);
	}
	val[n] = '\0';
	/* sysfs shows a value with a newline; eagov writes it without. */
	while (n > 0 && val[n - 1] == '\n')
		val[--n] = '\0';
	need = strlen(path) + n + 4;
	if (snap_len + need >= snap_cap) {
		snap_cap = (snap_cap + need) * 2;
		snap_buf = realloc(snap_buf, snap_cap);
		assert_non_null(snap_buf);
	}
	snap_len += (size_t)sprintf(snap_buf + snap_len, "%s=%s\n", path + snap_skip, val);
	return 0;
}

static char *snapshot(const struct ctx *c, const char *exclude, const char *exclude2)
{
	char path[512];

	snap_buf = NULL;
	snap_len = snap_cap = 0;
	snap_skip = strlen(c->root);
	snap_exclude = exclude;
	snap_exclude2 = exclude2;
	snprintf(path, sizeof(path), "%s/sys", c->root);
	assert_int_equal(nftw(path, snap_one, 16, FTW_PHYS), 0);
	snprintf(path, sizeof(path), "%s/dev", c->root);
	assert_int_equal(nftw(path, snap_one, 16, FTW_PHYS), 0);
	assert_non_null(snap_buf);
	return snap_buf;
}

/* Equal snapshots, else the first line that differs is printed. */
static void assert_same(const char *a, const char *b)
{
	size_t i = 0, line = 0;

	while (a[i] && a[i] == b[i]) {
		if (a[i] == '\n')
			line = i + 1;
		i++;
	}
	if (a[i] || b[i]) {
		print_error("tree differs: before '%.*s' after '%.*s'\n",
			    (int)strcspn(a + line, "\n"), a + line, (int)strcspn(b + line, "\n"),
			    b + line);
		fail();
	}
}

/* ------------------------------------------------------ running eagovd */

/* Extra environment ("K=V", NULL-terminated) for the next spawn. */
static char *const *spawn_env;

static void spawn(struct ctx *c, const char *const *extra)
{
	const char *argv[40];
	int n = 0;

	argv[n++] = eagovd;
	argv[n++] = "--sysfs-root";
	argv[n++] = c->root;
	argv[n++] = "--state-file";
	argv[n++] = c->state;
	argv[n++] = "--config";
	argv[n++] = c->conf;
	argv[n++] = "--source";
	argv[n++] = "poll";
	for (int i = 0; extra && extra[i]; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		int out = open(c->out, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
		int err = open(c->err, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

		if (out < 0 || err < 0)
			_exit(126);
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		unsetenv("NOTIFY_SOCKET");
		unsetenv("WATCHDOG_USEC");
		unsetenv("WATCHDOG_PID");
		for (int i = 0; spawn_env && spawn_env[i]; i++)
			putenv(spawn_env[i]);
		execv(eagovd, (char *const *)argv);
		_exit(127);
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool alive(const struct ctx *c)
{
	return waitpid(c->pid, NULL, WNOHANG) == 0;
}

/* Wait for the daemon to exit; its exit status, or -1 on a signal or when
 * it is still running after timeout_ms. */
static int wait_exit(struct ctx *c, int timeout_ms)
{
	int st;

	for (int t = 0; t < timeout_ms; t += 10) {
		pid_t r = waitpid(c->pid, &st, WNOHANG);

		if (r == c->pid) {
			c->pid = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		sleep_ms(10);
	}
	return -1;
}

/* The daemon exits with want; otherwise its stderr is shown. */
static void expect_exit(struct ctx *c, int want)
{
	int got = wait_exit(c, 5000);
	char line[512];
	FILE *f;

	if (got == want)
		return;
	f = fopen(c->err, "r");
	while (f && fgets(line, sizeof(line), f))
		print_error("eagovd: %s", line);
	if (f)
		fclose(f);
	assert_int_equal(got, want);
}

static int run_restore(const struct ctx *c)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDERR_FILENO);
		execl(eagovd, eagovd, "--restore", "--state-file", c->state, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Lines of a file containing a and b (b may be NULL). */
static int count_lines(const char *path, const char *a, const char *b)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, a) && (!b || strstr(line, b)))
			n++;
	fclose(f);
	return n;
}

/* Wait for a line containing a: the daemon's pace is that of the machine
 * (several times slower under an emulator), so never a fixed sleep. */
static bool wait_line(const char *path, const char *a, int timeout_ms)
{
	for (int t = 0; t < timeout_ms; t += 10) {
		if (count_lines(path, a, NULL) >= 1)
			return true;
		sleep_ms(10);
	}
	return count_lines(path, a, NULL) >= 1;
}

static bool wait_exists(const struct ctx *c, const char *rel, int timeout_ms)
{
	for (int t = 0; t < timeout_ms && !exists(c, rel); t += 10)
		sleep_ms(10);
	return exists(c, rel);
}

/* Wait until both policies run the userspace governor and policy0 has a
 * setspeed from its table: the daemon is up and writing. */
static bool wait_writes(const struct ctx *c, int timeout_ms)
{
	char g0[64], g4[64], s0[64];

	for (int t = 0; t < timeout_ms; t += 10) {
		get(c, POL0 "scaling_governor", g0, sizeof(g0));
		get(c, POL4 "scaling_governor", g4, sizeof(g4));
		get(c, POL0 "scaling_setspeed", s0, sizeof(s0));
		if (!strcmp(g0, "userspace") && !strcmp(g4, "userspace") &&
		    strstr("533000 999000 1402000 1709000 1844000", s0) && s0[0] != '<' &&
		    s0[0])
			return true;
		sleep_ms(10);
	}
	return false;
}

/* ---------------------------------------------------------------- tests */

/* --dry-run: decisions on stdout, exit 0 at --duration, the tree untouched
 * and no state file. */
static void test_dry_run(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--dry-run", "--device", "hikey960", "--duration", "1", NULL };
	char *before, *after;

	before = snapshot(c, NULL, NULL);
	spawn(c, args);
	expect_exit(c, 0);
	after = snapshot(c, NULL, NULL);
	assert_same(before, after);
	assert_false(exists(c, "/run/eagov/state"));
	/* engine start plus the poll source's samples decide for both
	 * domains; every line has the documented shape. */
	assert_true(count_lines(c->out, "pd=little set-freq ", NULL) >= 1);
	assert_true(count_lines(c->out, "pd=big set-freq ", NULL) >= 1);
	assert_int_equal(count_lines(c->out, "t=", NULL), count_lines(c->out, " (", NULL));
	free(before);
	free(after);
}

/* policy4 starts under userspace at 1421000 so that its setspeed is saved
 * and must come back. policy0 starts under schedutil: its setspeed is not
 * saved, because real sysfs shows "<unsupported>" there once the governor is
 * back; the plain file of the fake tree keeps the last write, so that one
 * file is left out of the comparison (its governor is compared). */
static void userspace_policy4(const struct ctx *c)
{
	put(c, POL4 "scaling_governor", "userspace\n");
	put(c, POL4 "scaling_setspeed", "1421000\n");
}

#define SKIP_SETSPEED0 "policy0/scaling_setspeed"

/* A run writes the governor and setspeed; SIGTERM puts every file back
 * (governor, min, max, setspeed, QoS, idle disables) and removes the state
 * file. */
static void test_sigterm_restores(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--device", "hikey960", NULL };
	char *before, *after, buf[64];

	userspace_policy4(c);
	before = snapshot(c, SKIP_SETSPEED0, NULL);
	spawn(c, args);
	assert_true(wait_writes(c, 5000));
	assert_true(exists(c, "/run/eagov/state"));
	assert_true(alive(c));
	/* The poll source reads the tree's frozen idle times (and no
	 * /proc/stat) as busy CPUs: policy4 is driven off its 1421000. */
	for (int t = 0; t < 2000 && !strcmp(get(c, POL4 "scaling_setspeed", buf, sizeof(buf)),
					    "1421000"); t += 10)
		sleep_ms(10);
	assert_string_not_equal(buf, "1421000");
	/* The control socket of eagov.conf is served while running. */
	assert_true(wait_exists(c, "/run/eagov/control", 5000));
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	after = snapshot(c, SKIP_SETSPEED0, NULL);
	assert_same(before, after);
	assert_string_equal(get(c, POL4 "scaling_setspeed", buf, sizeof(buf)), "1421000");
	assert_false(exists(c, "/run/eagov/state"));
	assert_false(exists(c, "/run/eagov/control"));
	free(before);
	free(after);
}

/* SIGKILL leaves the state file; eagovd --restore restores from it. */
static void test_sigkill_then_restore(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--device", "hikey960", NULL };
	char *before, *after, buf[64];

	userspace_policy4(c);
	before = snapshot(c, SKIP_SETSPEED0, NULL);
	spawn(c, args);
	assert_true(wait_writes(c, 5000));
	kill(c->pid, SIGKILL);
	assert_int_equal(wait_exit(c, 5000), -1);
	assert_true(exists(c, "/run/eagov/state"));
	assert_string_equal(get(c, POL0 "scaling_governor", buf, sizeof(buf)), "userspace");
	assert_int_equal(run_restore(c), 0);
	after = snapshot(c, SKIP_SETSPEED0, NULL);
	assert_same(before, after);
	assert_false(exists(c, "/run/eagov/state"));
	/* A second --restore finds nothing and succeeds. */
	assert_int_equal(run_restore(c), 0);
	free(before);
	free(after);
}

/* policy4's setspeed cannot be written (a directory in its place: EISDIR
 * even for root): logged once, policy0 still driven, the loop keeps going
 * through the retries, SIGTERM still stops it cleanly. */
static void test_unwritable_knob(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--device", "hikey960", NULL };

	rm_rf(c, POL4 "scaling_setspeed");
	mkdir_p(strcat(strcpy((char[512]){ 0 }, c->root), POL4 "scaling_setspeed"));
	spawn(c, args);
	assert_true(wait_writes(c, 5000));
	/* 1.5 s: back-off retries at 10, 30, 70, ... 1270 ms: 7 failed attempts. */
	sleep_ms(1500);
	assert_true(alive(c));
	assert_int_equal(count_lines(c->err, "policy4/scaling_setspeed", NULL), 1);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	assert_false(exists(c, "/run/eagov/state"));
}

/* Copy conf/devices/hikey960.ini to the tree with a [policy] freq override
 * appended (later lines win). */
static void device_copy(const struct ctx *c, const char *rel, const char *freq)
{
	const char *src = getenv("EAGOV_SOURCE_ROOT");
	char path[512], line[512], extra[128];
	FILE *in, *out;

	snprintf(path, sizeof(path), "%s/conf/devices/hikey960.ini", src ? src : ".");
	in = fopen(path, "r");
	assert_non_null(in);
	snprintf(path, sizeof(path), "%s%s", c->root, rel);
	out = fopen(path, "w");
	assert_non_null(out);
	while (fgets(line, sizeof(line), in))
		fputs(line, out);
	snprintf(extra, sizeof(extra), "\n[policy]\nfreq = %s\n", freq);
	fputs(extra, out);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* SIGHUP with a bad eagov.conf: file:line logged, the daemon keeps running
 * on the old configuration. SIGHUP with a good one pointing at another
 * device file (performance instead of powersave): the new policy decides
 * (big at its top OPP, 2362000, which powersave never asks for). */
static void test_sighup(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--dry-run", NULL };
	char conf[600];

	device_copy(c, "/saver.ini", "powersave");
	device_copy(c, "/perf.ini", "performance");
	snprintf(conf, sizeof(conf), "device = %s/saver.ini\n", c->root);
	write_conf(c, conf);
	spawn(c, args);
	/* powersave: each domain at its lowest OPP only. */
	assert_true(wait_line(c->out, "pd=big set-freq 903000", 5000));
	assert_true(alive(c));
	assert_int_equal(count_lines(c->out, "pd=big set-freq 2362000", NULL), 0);

	/* Line 4 (after [daemon], control_socket and device) is the bad one. */
	snprintf(conf, sizeof(conf), "device = %s/perf.ini\nno_such_key = 1\n", c->root);
	write_conf(c, conf);
	kill(c->pid, SIGHUP);
	assert_true(wait_line(c->err, "reload rejected", 5000));
	assert_true(alive(c));
	assert_int_equal(count_lines(c->err, "eagov.conf:4", NULL), 1);
	assert_int_equal(count_lines(c->err, "reload rejected", NULL), 1);
	assert_int_equal(count_lines(c->out, "pd=big set-freq 2362000", NULL), 0);

	snprintf(conf, sizeof(conf), "device = %s/perf.ini\n", c->root);
	write_conf(c, conf);
	kill(c->pid, SIGHUP);
	assert_true(wait_line(c->out, "pd=big set-freq 2362000", 5000));
	assert_true(wait_line(c->out, "pd=little set-freq 1844000", 5000));
	assert_true(alive(c));
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
}

/* CPU 7 vanishes mid-run (its sysfs folder removed, as on hot-unplug): the
 * poll source stops sampling it, its QoS knob fails with ENOENT/ENODEV, the
 * loop goes on, and SIGTERM restores everything that is still there. */
static void test_cpu_offline(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--device", "hikey960", NULL };
	char *before, *after;

	userspace_policy4(c);
	before = snapshot(c, "/cpu7/", SKIP_SETSPEED0);
	spawn(c, args);
	assert_true(wait_writes(c, 5000));
	rm_rf(c, CPU_DIR "/cpu7");
	sleep_ms(500);
	assert_true(alive(c));
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	after = snapshot(c, "/cpu7/", SKIP_SETSPEED0);
	assert_same(before, after);
	assert_false(exists(c, "/run/eagov/state"));
	free(before);
	free(after);
}

/* ------------------------------------------------------ replay, record */

static void rec_put(struct eg_recorder *r, const struct eg_event *ev)
{
	assert_int_equal(eg_record_write(r, ev), 0);
}

static void rec_wakeup(struct eg_recorder *r, uint64_t ts, int cpu, int pid, int prio)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_WAKEUP, .cpu = (int16_t)cpu };

	ev.wakeup.pid = pid;
	ev.wakeup.prio = (int16_t)prio;
	ev.wakeup.target_cpu = (int16_t)cpu;
	rec_put(r, &ev);
}

static void rec_switch(struct eg_recorder *r, uint64_t ts, int cpu, int prev, int prev_prio,
		       int next, int next_prio)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_SWITCH, .cpu = (int16_t)cpu };

	ev.sw.prev_pid = prev;
	ev.sw.prev_prio = (int16_t)prev_prio;
	ev.sw.next_pid = next;
	ev.sw.next_prio = (int16_t)next_prio;
	ev.sw.util_max = 1024;
	rec_put(r, &ev);
}

#define MS 1000000ULL
/* The scripted stream's length: the big domain's ramp needs about a second
 * (see test_replay), twice that leaves room. */
#define REPLAY_PERIODS 200

/* A HiKey960 recording: a CFS task (pid 100, prio 120) on CPU 4 running
 * 8 ms of every 10 ms for 2 s (80 % busy), then an RT task (pid 200, prio
 * 49 = SCHED_FIFO 50) waking on CPU 1 and running. Time starts at 5 s (the
 * replay shifts it to its own clock). */
static void write_recording(const char *path)
{
	_cleanup_free_ struct eg_model *m = malloc(sizeof(*m));
	_cleanup_free_ struct eg_policy_conf *pc = malloc(sizeof(*pc));
	struct eg_error err;
	struct eg_recorder *r;
	char dev[512];
	uint64_t t = 5000 * MS;

	assert_non_null(m);
	assert_non_null(pc);
	assert_int_equal(eg_conf_find_device("hikey960", dev, sizeof(dev)), 0);
	assert_int_equal(eg_conf_load_device(dev, m, pc, &err), 0);
	assert_int_equal(eg_record_open(&r, path, m), 0);
	for (int k = 0; k < REPLAY_PERIODS; k++, t += 10 * MS) {
		rec_wakeup(r, t, 4, 100, 120);
		rec_switch(r, t + 1000, 4, 0, 120, 100, 120);
		rec_switch(r, t + 8 * MS, 4, 100, 120, 0, 120);
	}
	rec_wakeup(r, t, 1, 200, 49);
	rec_switch(r, t + 20000, 1, 0, 120, 200, 49);
	assert_int_equal(eg_record_close(r), 0);
}

/* The stats line's field (after "name="), as a number; -1 when missing. */
static double stats_field(const char *path, const char *name)
{
	char line[1024], key[64];
	FILE *f = fopen(path, "r");
	double v = -1;

	snprintf(key, sizeof(key), " %s=", name);
	while (f && fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, "stats: wall_s=", 14) || !(p = strstr(line, key)))
			continue;
		v = strtod(p + strlen(key), NULL);
	}
	if (f)
		fclose(f);
	return v;
}

/* Replay end to end, writing to the tree.
 *
 * Big domain (CPU 4, OPPs 903/1421/1805/2112/2362 MHz, at 903 MHz from the
 * tree's scaling_cur_freq): schedutil asks next = 1.25 x fmax x util / 1024,
 * util frequency-invariant (eagovd tells the engine each frequency it
 * wrote). A task busy
 * 80 % of wall time at frequency f has a mean util of 0.8 x f / fmax x 1024,
 * so 1.25 x mean is exactly f: the mean alone would hold any frequency. But
 * schedutil reads max(util_avg, runnable, util_est), and util_est is the
 * util at dequeue, the top of PELT's sawtooth: with y = 0.5^(1/32) per ms,
 * running 8 ms and sleeping 2 ms settles at peak P and trough T with
 * P = U - (U - T) y^8 and T = P y^2 (U = f / fmax x 1024), so
 * P = U (1 - y^8) / (1 - y^10) = U x 0.1591 / 0.1948 = 0.8167 U, and
 * 1.25 x 0.8167 = 1.021 > 1: each update asks for more than f, i.e. the
 * next OPP up, until fmax: 1.25 x 0.8167 x 2362000 = 2411000 kHz, clamped
 * to 2362000. Each step needs the util to climb ~4 half-lives (gap from
 * 0.8167 x f_old to 0.8 x f_new, 1421/903 = 1.57 the biggest ratio), about
 * 130 ms of running, so the 4 steps fit well in the 2 s of the stream.
 *
 * Little domain: no task there, util 0: schedutil keeps it at 533000
 * (1.25 x 0 -> lowest OPP). The RT wakeup on CPU 1 takes the fast ramp: its
 * top OPP, 1844000, urgent, reason rt: one wake-to-write sample.
 *
 * At the end of the recording eagovd stops as on SIGTERM: exit 0, every
 * original restored, state file removed. Both policies started under
 * schedutil, so their setspeed (not saved) keeps the last write. */
static void test_replay(void **state)
{
	struct ctx *c = *state;
	char rec[400], src[420], s0[64], g0[64];
	const char *args[] = { "--device", "hikey960", "--source", src, NULL };
	bool saw_min0 = false, saw_max0_early = false;
	struct timespec t0, t;
	int st = -1;

	snprintf(rec, sizeof(rec), "%s/stream.rec", c->root);
	snprintf(src, sizeof(src), "replay:%s", rec);
	write_recording(rec);
	spawn(c, args);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t r = waitpid(c->pid, &st, WNOHANG);
		double el;

		if (r == c->pid) {
			c->pid = -1;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
		assert_true(el < 10);
		get(c, POL0 "scaling_setspeed", s0, sizeof(s0));
		get(c, POL0 "scaling_governor", g0, sizeof(g0));
		/* Before the RT wakeup (at 2 s of stream), little is idle. */
		if (el < 1.5 && !strcmp(g0, "userspace")) {
			saw_min0 |= !strcmp(s0, "533000");
			saw_max0_early |= !strcmp(s0, "1844000");
		}
		sleep_ms(5);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		expect_exit(c, 0);
	assert_true(saw_min0);
	assert_false(saw_max0_early);
	assert_string_equal(get(c, POL0 "scaling_setspeed", s0, sizeof(s0)), "1844000");
	assert_string_equal(get(c, POL4 "scaling_setspeed", s0, sizeof(s0)), "2362000");
	/* Restored at the replay's end. */
	assert_string_equal(get(c, POL0 "scaling_governor", g0, sizeof(g0)), "schedutil");
	assert_string_equal(get(c, POL4 "scaling_governor", g0, sizeof(g0)), "schedutil");
	assert_false(exists(c, "/run/eagov/state"));
	assert_int_equal(count_lines(c->err, "end of the recording", NULL), 1);
	/* The stats line: a wakeup and 2 switches per period, and the RT
	 * pair: 3 x 200 + 2 = 602 events from the replay (the device sources,
	 * udev's initial power-supply state, may add some); the one fast ramp
	 * measured once. */
	assert_int_equal(count_lines(c->err, "stats: wall_s=", " wake_to_write_us p50="), 1);
	assert_true(stats_field(c->err, "events") >= 3 * REPLAY_PERIODS + 2);
	assert_true(stats_field(c->err, "urgent") >= 1);
	assert_true(stats_field(c->err, "n") == 1);
	assert_true(stats_field(c->err, "p50") > 0);
	assert_true(stats_field(c->err, "p99") == stats_field(c->err, "p50"));
}

/* The decision lines of a dry run without their "t=S.mmm " time stamps. */
static char *decisions(const char *path)
{
	char line[512], *buf = calloc(1, 1 << 20);
	size_t len = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(buf);
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *p = strchr(line, ' ');

		if (strncmp(line, "t=", 2) || !p)
			continue;
		assert_true(len + strlen(p) < (1 << 20));
		len += (size_t)sprintf(buf + len, "%s", p + 1);
	}
	fclose(f);
	return buf;
}

/* --record then replay:FILE, both dry runs: the same events give the same
 * decisions in the same order (times differ: the replay runs on its own
 * clock). The poll source reads the tree's frozen idle times as busy CPUs,
 * so both domains ramp: the stream is not trivial. */
static void test_record_roundtrip(void **state)
{
	struct ctx *c = *state;
	char rec[400], src[420];
	const char *a1[] = { "--dry-run", "--device", "hikey960", "--duration", "1",
			     "--record", rec, NULL };
	const char *a2[] = { "--dry-run", "--device", "hikey960", "--source", src, NULL };
	char *d1, *d2;

	snprintf(rec, sizeof(rec), "%s/poll.rec", c->root);
	snprintf(src, sizeof(src), "replay:%s", rec);
	spawn(c, a1);
	expect_exit(c, 0);
	d1 = decisions(c->out);
	spawn(c, a2);
	expect_exit(c, 0);
	d2 = decisions(c->out);
	/* More than the start-up decisions: set-freq steps of both domains. */
	assert_true(count_lines(c->out, "pd=big set-freq", NULL) >= 2);
	assert_true(count_lines(c->out, "pd=little set-freq", NULL) >= 2);
	assert_string_equal(d1, d2);
	assert_true(stats_field(c->err, "events") > 0);
	free(d1);
	free(d2);
}

/* -------------------------------------------------------------- notify */

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* sd_notify: NOTIFY_SOCKET names a datagram socket the test binds. READY=1
 * and a STATUS= line arrive; with WATCHDOG_USEC=200000 (and WATCHDOG_PID
 * unset) eagovd pings every 100 ms (half the deadline), so at least two
 * WATCHDOG=1 arrive within 1 s of READY (about ten are expected; two is
 * what systemd needs to not kill it). */
static void test_sd_notify(void **state)
{
	struct ctx *c = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char env_sock[400], env_wd[] = "WATCHDOG_USEC=200000";
	char *env[] = { env_sock, env_wd, NULL };
	const char *args[] = { "--dry-run", "--device", "hikey960", "--duration", "3", NULL };
	double ready_at = -1, end;
	bool status = false;
	int fd, wd = 0;

	assert_true(strlen(c->root) + sizeof("/notify") <= sizeof(sa.sun_path));
	memcpy(sa.sun_path, c->root, strlen(c->root));
	strcat(sa.sun_path, "/notify");
	snprintf(env_sock, sizeof(env_sock), "NOTIFY_SOCKET=%s", sa.sun_path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	spawn_env = env;
	spawn(c, args);
	spawn_env = NULL;
	end = mono_s() + 5;
	while (mono_s() < end && (ready_at < 0 || mono_s() < ready_at + 1)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char msg[1024];
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recv(fd, msg, sizeof(msg) - 1, 0);
		assert_true(n > 0);
		msg[n] = '\0';
		for (char *tok = strtok(msg, "\n"); tok; tok = strtok(NULL, "\n")) {
			if (!strcmp(tok, "READY=1") && ready_at < 0)
				ready_at = mono_s();
			else if (!strncmp(tok, "STATUS=", 7) && strlen(tok) > 7)
				status = true;
			else if (!strcmp(tok, "WATCHDOG=1") && ready_at >= 0 &&
				 mono_s() <= ready_at + 1)
				wd++;
		}
	}
	close(fd);
	assert_true(ready_at >= 0);
	assert_true(status);
	assert_true(wd >= 2);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_restores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_then_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_knob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sighup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_offline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sd_notify, setup, teardown),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-EAGOVD\n", argv[0]);
		return 1;
	}
	eagovd = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
