// SPDX-License-Identifier: GPL-2.0-or-later
/* Apps' hints end to end: the real eagovd on the fake HiKey960 tree
 * (daemon_harness.h) clamps a real task of this machine when eagovctl
 * ($EAGOVCTL) hints it, as sched_getattr(2) reads back; the task's original
 * clamp comes back when the hint ends, on SIGTERM, and from `eagovd
 * --restore` after a SIGKILL; a dry run prints the hint and clamps nothing;
 * bad hints and other users' tasks are refused. Skips without uclamp in the
 * kernel, unless $FAKE_UCLAMP names fake_uclamp.so: every program is then run
 * with it preloaded and clamps live in files (the daemon's side is what is
 * tested, not the kernel's). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon_harness.h"

static const char *eagovctl;
/* The fake's store ("" for the kernel). */
static char fake_dir[64];

/* The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1), written here
 * independently of platform/uclamp.c so that the test checks it. */
struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t prio;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};

static int fake_read(pid_t pid, uint32_t *min, uint32_t *max)
{
	char path[128];
	FILE *f;

	*min = 0;
	*max = 1024;
	snprintf(path, sizeof(path), "%s/%d", fake_dir, (int)pid);
	f = fopen(path, "re");
	if (!f)
		return kill(pid, 0) < 0 && errno == ESRCH ? -ESRCH : 0;
	if (fscanf(f, "%u %u", min, max) != 2)
		*min = *max = UINT32_MAX;
	fclose(f);
	return 0;
}

static int fake_write(pid_t pid, uint32_t min, uint32_t max)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d", fake_dir, (int)pid);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "%u %u\n", min, max);
	fclose(f);
	return 0;
}

static int read_clamp(pid_t pid, uint32_t *min, uint32_t *max)
{
	struct attr a = { 0 };

	if (fake_dir[0])
		return fake_read(pid, min, max);
	if (syscall(SYS_sched_getattr, (long)pid, &a, (long)sizeof(a), 0L) < 0)
		return -errno;
	*min = a.util_min;
	*max = a.util_max;
	return 0;
}

static int write_clamp(pid_t pid, uint32_t min, uint32_t max)
{
	/* KEEP_POLICY | KEEP_PARAMS | UTIL_CLAMP_MIN | UTIL_CLAMP_MAX */
	struct attr a = { .size = sizeof(a), .flags = 0x08 | 0x10 | 0x20 | 0x40 };

	if (fake_dir[0])
		return fake_write(pid, min, max);
	a.util_min = min;
	a.util_max = max;
	if (syscall(SYS_sched_setattr, (long)pid, &a, 0L) < 0)
		return -errno;
	return 0;
}

static void assert_clamp(pid_t pid, uint32_t min, uint32_t max)
{
	uint32_t a, b;

	assert_int_equal(read_clamp(pid, &a, &b), 0);
	if (a != min || b != max)
		fail_msg("pid %d: clamp %u..%u, expected %u..%u", (int)pid, a, b, min, max);
}

static bool uclamp_usable(void);

/* A task that only waits, with the original clamp 100..900 (where clamps
 * work) so that a restore to the kernel's defaults would show. */
static pid_t sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* Gone with the test, and off meson's pipes, even when a
		 * failed assertion skips its reap. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		for (;;)
			pause();
	}
	if (uclamp_usable())
		assert_int_equal(write_clamp(pid, 100, 900), 0);
	return pid;
}

/* The original clamp is untouched (where clamps can be read). */
static void assert_original(pid_t pid)
{
	if (uclamp_usable())
		assert_clamp(pid, 100, 900);
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Run argv with stdout / stderr in out / err (either may be NULL); the exit
 * status, -1 on a signal. No cmocka calls: children use it too. */
static int run_tool(const char *const *argv, char *out, size_t out_len, char *err, size_t err_len)
{
	char out_path[] = "/tmp/eagov-hint-out-XXXXXX", err_path[] = "/tmp/eagov-hint-err-XXXXXX";
	int fo = mkstemp(out_path), fe = mkstemp(err_path), st = 0;
	ssize_t n;
	pid_t pid;

	if (fo < 0 || fe < 0)
		return -1;
	unlink(out_path);
	unlink(err_path);
	pid = fork();
	if (pid == 0) {
		dup2(fo, STDOUT_FILENO);
		dup2(fe, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		st = -1;
	if (out) {
		n = pread(fo, out, out_len - 1, 0);
		out[n > 0 ? n : 0] = '\0';
	}
	if (err) {
		n = pread(fe, err, err_len - 1, 0);
		err[n > 0 ? n : 0] = '\0';
	}
	close(fo);
	close(fe);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* eagovctl --socket SOCK hint --pid PID --type TYPE --ms MS; stderr in err. */
static int hint(const char *sock, pid_t pid, const char *type, const char *ms, char *err,
		size_t len)
{
	char p[32];
	const char *argv[] = { eagovctl, "--socket", sock,   "hint", "--pid", p,
			       "--type", type,	     "--ms", ms,     NULL };

	snprintf(p, sizeof(p), "%d", (int)pid);
	return run_tool(argv, NULL, 0, err, len);
}

/* One raw request line; the reply line in reply. */
static void raw(const char *sock, const char *req, char *reply, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t n = 0;

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while (n + 1 < len) {
		ssize_t r = read(fd, reply + n, len - 1 - n);

		if (r <= 0)
			break;
		n += (size_t)r;
		if (memchr(reply, '\n', n))
			break;
	}
	reply[n] = '\0';
	close(fd);
}

static void tree_sock(const struct ctx *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/run/eagov/control", c->root);
}

static void wait_socket(const char *sock)
{
	const char *argv[] = { eagovctl, "--socket", sock, "get", "profile", NULL };

	for (int t = 0; t < 10000; t += 20) {
		if (access(sock, F_OK) == 0 && run_tool(argv, NULL, 0, NULL, 0) == 0)
			return;
		sleep_ms(20);
	}
	fail_msg("no control socket at %s", sock);
}

/* Can this machine clamp a task? Says why not, once. */
static bool uclamp_usable(void)
{
	static int known = -1;
	pid_t pid;
	int r;

	if (known >= 0)
		return known;
	known = 0;
	if (fake_dir[0])
		return (known = 1);
	if (access("/proc/sys/kernel/sched_util_clamp_min", F_OK) < 0) {
		print_message("no /proc/sys/kernel/sched_util_clamp_min: a kernel without "
			      "CONFIG_UCLAMP_TASK; the tests that clamp are skipped\n");
		return false;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	r = write_clamp(pid, 100, 900);
	reap(pid);
	if (r == -ENOSYS || r == -EINVAL || r == -EOPNOTSUPP) {
		print_message("sched_setattr refuses clamps here (%s); the tests that clamp are "
			      "skipped\n",
			      strerror(-r));
		return false;
	}
	assert_int_equal(r, 0);
	return (known = 1);
}

static bool wait_clamp(pid_t pid, uint32_t min, uint32_t max, int timeout_ms)
{
	uint32_t a, b;

	for (int t = 0; t < timeout_ms; t += 10) {
		if (read_clamp(pid, &a, &b) == 0 && a == min && b == max)
			return true;
		sleep_ms(10);
	}
	return false;
}

/* A launch hint clamps the task to 1024..1024 at once, its original goes to
 * the state file first, and SIGTERM puts it back. */
static void test_hint_sigterm(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--device", "hikey960", NULL };
	char sock[400], err[1024], buf[4096], key[64];
	pid_t task;

	if (!uclamp_usable())
		skip();
	task = sleeper();
	tree_sock(c, sock, sizeof(sock));
	spawn(c, args);
	wait_socket(sock);
	assert_int_equal(hint(sock, task, "launch", "60000", err, sizeof(err)), 0);
	assert_clamp(task, 1024, 1024);
	snprintf(key, sizeof(key), "task-uclamp:%d:", (int)task);
	assert_non_null(strstr(get(c, "/run/eagov/state", buf, sizeof(buf)), key));
	assert_non_null(strstr(buf, "=100,900"));
	/* A second hint on the same task replaces the first; the original
	 * stays the one saved before any. */
	assert_int_equal(hint(sock, task, "sustained", "60000", err, sizeof(err)), 0);
	/* HiKey960's big domain within its zone's 4500 mW: at 2112 MHz four
	 * busy A73s draw 4 x (720.192 + 150.263) + 182.160 + 254.696 =
	 * 3918.7 mW, at 2362 MHz 5276.4 mW; so 4/5 of 915, the capacity at
	 * 2112 MHz. */
	assert_clamp(task, 0, 732);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	assert_clamp(task, 100, 900);
	assert_false(exists(c, "/run/eagov/state"));
	reap(task);
}

/* After a SIGKILL the clamp stays; eagovd --restore puts the original back,
 * and skips a task that exited meanwhile without a word. */
static void test_hint_sigkill_restore(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--device", "hikey960", NULL };
	char sock[400], err[1024];
	pid_t task, gone;

	if (!uclamp_usable())
		skip();
	task = sleeper();
	gone = sleeper();
	tree_sock(c, sock, sizeof(sock));
	spawn(c, args);
	wait_socket(sock);
	assert_int_equal(hint(sock, task, "background", "60000", err, sizeof(err)), 0);
	assert_int_equal(hint(sock, gone, "launch", "60000", err, sizeof(err)), 0);
	assert_clamp(task, 0, 256);
	kill(c->pid, SIGKILL);
	assert_int_equal(wait_exit(c, 5000), -1);
	assert_clamp(task, 0, 256);
	reap(gone);
	assert_int_equal(run_restore(c), 0);
	assert_clamp(task, 100, 900);
	assert_false(exists(c, "/run/eagov/state"));
	reap(task);
}

/* A hint ends by itself: the original comes back when its time is up. */
static void test_hint_expires(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--device", "hikey960", NULL };
	char sock[400], err[1024], buf[4096];
	pid_t task;

	if (!uclamp_usable())
		skip();
	task = sleeper();
	tree_sock(c, sock, sizeof(sock));
	spawn(c, args);
	wait_socket(sock);
	assert_int_equal(hint(sock, task, "interaction", "300", err, sizeof(err)), 0);
	assert_clamp(task, 512, 1024);
	assert_true(wait_clamp(task, 100, 900, 5000));
	/* The record goes right after (the clamp is put back first, so a
	 * crash in between only restores it twice). */
	for (int t = 0;
	     t < 5000 && strstr(get(c, "/run/eagov/state", buf, sizeof(buf)), "task-uclamp:");
	     t += 10)
		sleep_ms(10);
	assert_null(strstr(get(c, "/run/eagov/state", buf, sizeof(buf)), "task-uclamp:"));
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	assert_clamp(task, 100, 900);
	reap(task);
}

/* A dry run prints the hint, and its end, and clamps nothing. */
static void test_hint_dry_run(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--dry-run", "--device", "hikey960", NULL };
	char sock[400], err[1024], want[96];
	pid_t task;

	task = sleeper();
	tree_sock(c, sock, sizeof(sock));
	spawn(c, args);
	wait_socket(sock);
	assert_int_equal(hint(sock, task, "launch", "200", err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "pid=%d task-uclamp min=1024 max=1024 (hint launch)",
		 (int)task);
	assert_true(wait_line(c->out, want, 5000));
	snprintf(want, sizeof(want), "pid=%d task-uclamp min=0 max=1024 (hint launch ended)",
		 (int)task);
	assert_true(wait_line(c->out, want, 5000));
	assert_original(task);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	assert_original(task);
	reap(task);
}

/* Bad hints get a clear error and change nothing. */
static void test_hint_refused(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--device", "hikey960", NULL };
	char sock[400], err[1024], reply[1024], req[256], want[64];
	pid_t task, dead;

	task = sleeper();
	dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	tree_sock(c, sock, sizeof(sock));
	spawn(c, args);
	wait_socket(sock);

	assert_int_equal(hint(sock, dead, "launch", "1000", err, sizeof(err)), 1);
	snprintf(want, sizeof(want), "no process %d", (int)dead);
	assert_non_null(strstr(err, want));
	/* eagovctl checks type and duration itself (usage errors)... */
	assert_int_equal(hint(sock, task, "turbo", "1000", err, sizeof(err)), 2);
	assert_int_equal(hint(sock, task, "launch", "60001", err, sizeof(err)), 2);
	assert_int_equal(hint(sock, task, "launch", "0", err, sizeof(err)), 2);
	/* ...and so does the daemon. */
	snprintf(req, sizeof(req), "{\"cmd\":\"hint\",\"pid\":%d,\"type\":\"turbo\",\"ms\":10}\n",
		 (int)task);
	raw(sock, req, reply, sizeof(reply));
	assert_non_null(strstr(reply, "unknown hint type"));
	snprintf(req, sizeof(req),
		 "{\"cmd\":\"hint\",\"pid\":%d,\"type\":\"launch\",\"ms\":60001}\n", (int)task);
	raw(sock, req, reply, sizeof(reply));
	assert_non_null(strstr(reply, "\"ok\":false"));
	assert_non_null(strstr(reply, "must be in [1, 60000]"));
	raw(sock, "{\"cmd\":\"hint\",\"pid\":-4,\"type\":\"launch\",\"ms\":10}\n", reply,
	    sizeof(reply));
	assert_non_null(strstr(reply, "\"ok\":false"));
	assert_original(task);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	reap(task);
}

/* The task's start time, field 22 of /proc/PID/stat (after the ')' of the
 * command name, field 3 comes first). */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	assert_non_null(p);
	p += 2;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		assert_non_null(p);
		p++;
	}
	assert_int_equal(sscanf(p, "%llu", &v), 1);
	return v;
}

/* A record whose pid now belongs to another task (the start time differs)
 * is never applied, nor is one of a task that is gone (both silently); a
 * record that does not parse is an error, dropped (it never will parse);
 * the rest is restored. */
static void test_restore_recycled_pid(void **state)
{
	struct ctx *c = *state;
	char line[512];
	pid_t task, other, dead;
	FILE *f;

	if (!uclamp_usable())
		skip();
	task = sleeper();
	other = sleeper();
	dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	assert_int_equal(write_clamp(other, 0, 256), 0);
	mkdir_p(strcpy(line, c->state));
	rmdir(c->state);
	f = fopen(c->state, "we");
	assert_non_null(f);
	fprintf(f, "# eagov state v1\n");
	fprintf(f, "task-uclamp:%d:%llu=300,400\n", (int)task, start_time(task) + 1);
	fprintf(f, "task-uclamp:%d:%llu=300,400\n", (int)dead, 5ULL);
	fprintf(f, "task-uclamp:%d:%llu=100,900\n", (int)other, start_time(other));
	fprintf(f, "task-uclamp:%d:%llu=900,100\n", (int)other, start_time(other) + 2);
	fclose(f);
	/* The bad record is logged; eagovd --restore, like a knob that
	 * vanished, ends with the file gone and exit 0. */
	assert_int_equal(run_restore(c), 0);
	assert_clamp(task, 100, 900);
	assert_clamp(other, 100, 900);
	assert_false(exists(c, "/run/eagov/state"));
	reap(task);
	reap(other);
}

/* As nobody: status refused, a hint on root's task refused, a hint on its
 * own task taken. Exit code: 0, or the step that failed. */
static int as_nobody(const char *sock, pid_t root_task, bool clamps)
{
	const char *status[] = { eagovctl, "--socket", sock, "status", NULL };
	char err[1024];
	uint32_t a, b;

	if (run_tool(status, NULL, 0, err, sizeof(err)) != 1 || !strstr(err, "permission denied"))
		return 10;
	if (hint(sock, root_task, "launch", "60000", err, sizeof(err)) != 1)
		return 11;
	if (!strstr(err, "belongs to another user"))
		return 12;
	if (hint(sock, getpid(), "background", "60000", err, sizeof(err)) != 0) {
		fprintf(stderr, "own hint: %s\n", err);
		return 13;
	}
	if (clamps && (read_clamp(getpid(), &a, &b) < 0 || a != 0 || b != 256))
		return 14;
	return 0;
}

/* Where the kernel cannot clamp, a dry run checks the same rules. */
static void test_hint_permissions(void **state)
{
	struct ctx *c = *state;
	bool clamps = uclamp_usable();
	const char *real[] = { "--device", "hikey960", NULL };
	const char *dry[] = { "--dry-run", "--device", "hikey960", NULL };
	const char *const *args = clamps ? real : dry;
	struct passwd *nobody = getpwnam("nobody");
	char sock[400], want[96];
	pid_t task, child;
	int st;

	if (geteuid() != 0 || !nobody) {
		print_message("SKIP: needs root and a user nobody\n");
		skip();
	}
	task = sleeper();
	assert_int_equal(chmod(c->root, 0755), 0);
	tree_sock(c, sock, sizeof(sock));
	spawn(c, args);
	wait_socket(sock);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (setgroups(0, NULL) < 0 || setgid(nobody->pw_gid) < 0 ||
		    setuid(nobody->pw_uid) < 0)
			_exit(9);
		_exit(as_nobody(sock, task, clamps));
	}
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	if (!clamps) {
		snprintf(want, sizeof(want), "pid=%d task-uclamp min=0 max=256 (hint background)",
			 (int)child);
		assert_true(wait_line(c->out, want, 5000));
		snprintf(want, sizeof(want), "pid=%d task-uclamp", (int)task);
		assert_int_equal(count_lines(c->out, want, NULL), 0);
	}
	assert_original(task);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	reap(task);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hint_sigterm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_sigkill_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_recycled_pid, setup, teardown),
	};

	const char *fake = getenv("FAKE_UCLAMP");
	int r;

	eagovctl = getenv("EAGOVCTL");
	if (!eagovctl) {
		fprintf(stderr, "EAGOVCTL not set: run through meson test\n");
		return 1;
	}
	if (fake) {
		const char *asan = getenv("ASAN_OPTIONS");
		char opts[512];

		snprintf(fake_dir, sizeof(fake_dir), "/tmp/eagov-fake-uclamp-XXXXXX");
		if (!mkdtemp(fake_dir) || chmod(fake_dir, 0777) < 0)
			return 1;
		setenv("EAGOV_FAKE_UCLAMP_DIR", fake_dir, 1);
		setenv("LD_PRELOAD", fake, 1);
		/* An ASan build wants its runtime first; the fake only wraps
		 * syscall(2). */
		snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0", asan ? asan : "",
			 asan && asan[0] ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
		printf("uclamp: the fake kernel side (%s), clamps in %s\n", fake, fake_dir);
	}
	r = harness_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
	if (fake) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", fake_dir);
		if (system(cmd) != 0)
			r = r ? r : 1;
	}
	return r;
}
