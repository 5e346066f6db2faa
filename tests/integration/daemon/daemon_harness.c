// SPDX-License-Identifier: GPL-2.0-or-later
/* The harness of eagovd's end-to-end tests: a fake HiKey960 sysfs tree in a
 * temp dir, snapshots of it, and running the real eagovd against it. */
#include "daemon_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define NR_CPUS 8
#define NR_STATES 3

const char *eagovd;

/* ------------------------------------------------------------ the tree */

void mkdir_p(char *path)
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

void put(const struct ctx *c, const char *rel, const char *val)
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
char *get(const struct ctx *c, const char *rel, char *buf, size_t len)
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

bool exists(const struct ctx *c, const char *rel)
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

void rm_rf(const struct ctx *c, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", c->root, rel);
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void policy(const struct ctx *c, int n, const char *cpus, const char *freqs,
		   const char *minf, const char *maxf)
{
	char rel[160];

#define P(name, val)                                                              \
	do {                                                                      \
		snprintf(rel, sizeof(rel), CPU_DIR "/cpufreq/policy%d/" name, n); \
		put(c, rel, val);                                                 \
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
void write_conf(const struct ctx *c, const char *extra)
{
	char conf[1024];

	snprintf(conf, sizeof(conf), "[daemon]\ncontrol_socket = %s/run/eagov/control\n%s", c->root,
		 extra);
	put(c, "/eagov.conf", conf);
}

void tree_create(struct ctx *c)
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
#define S(name, val)                                                                        \
	do {                                                                                \
		snprintf(rel, sizeof(rel), CPU_DIR "/cpu%d/cpuidle/state%d/" name, cpu, k); \
		put(c, rel, val);                                                           \
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

void tree_destroy(struct ctx *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	rm_rf(c, "");
}

int setup(void **state)
{
	struct ctx *c = malloc(sizeof(*c));

	assert_non_null(c);
	tree_create(c);
	*state = c;
	return 0;
}

int teardown(void **state)
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
size_t snap_skip; /* strlen(root) */
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

char *snapshot(const struct ctx *c, const char *exclude, const char *exclude2)
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
void assert_same(const char *a, const char *b)
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
char *const *spawn_env;

void spawn(struct ctx *c, const char *const *extra)
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

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

bool alive(const struct ctx *c)
{
	return waitpid(c->pid, NULL, WNOHANG) == 0;
}

/* Wait for the daemon to exit; its exit status, or -1 on a signal or when
 * it is still running after timeout_ms. */
int wait_exit(struct ctx *c, int timeout_ms)
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
void expect_exit(struct ctx *c, int want)
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

int run_restore(const struct ctx *c)
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
int count_lines(const char *path, const char *a, const char *b)
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

/* Wait until both policies run the userspace governor and policy0 has a
 * setspeed from its table: the daemon is up and writing. */
bool wait_writes(const struct ctx *c, int timeout_ms)
{
	char g0[64], g4[64], s0[64];

	for (int t = 0; t < timeout_ms; t += 10) {
		get(c, POL0 "scaling_governor", g0, sizeof(g0));
		get(c, POL4 "scaling_governor", g4, sizeof(g4));
		get(c, POL0 "scaling_setspeed", s0, sizeof(s0));
		if (!strcmp(g0, "userspace") && !strcmp(g4, "userspace") &&
		    strstr("533000 999000 1402000 1709000 1844000", s0) && s0[0] != '<' && s0[0])
			return true;
		sleep_ms(10);
	}
	return false;
}

/* policy4 starts under userspace at 1421000 so that its setspeed is saved
 * and must come back. policy0 starts under schedutil: its setspeed is not
 * saved, because real sysfs shows "<unsupported>" there once the governor is
 * back; the plain file of the fake tree keeps the last write, so that one
 * file is left out of the comparison (its governor is compared). */
void userspace_policy4(const struct ctx *c)
{
	put(c, POL4 "scaling_governor", "userspace\n");
	put(c, POL4 "scaling_setspeed", "1421000\n");
}

int harness_main(int argc, char **argv, const struct CMUnitTest *tests, size_t n)
{
	const char *only = getenv("EAGOV_TEST_FILTER");

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-EAGOVD\n", argv[0]);
		return 1;
	}
	eagovd = argv[1];
	/* One test of the group, for tests/repeat.sh and debugging. */
	if (only && only[0])
		cmocka_set_test_filter(only);
	return _cmocka_run_group_tests("eagovd", tests, n, NULL, NULL);
}

bool wait_line(const char *path, const char *a, int timeout_ms)
{
	for (int t = 0; t < timeout_ms; t += 10) {
		if (count_lines(path, a, NULL) >= 1)
			return true;
		sleep_ms(10);
	}
	return count_lines(path, a, NULL) >= 1;
}
