// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovd's fast path live on this machine: a SCHED_FIFO task pinned to the
 * last CPU wakes every 10 ms while eagovd runs in a fake sysfs tree with
 * several OPPs (bench/figures/fake-tree.sh), for each event-driven source
 * that can run here (bpf, perf). Its wakeups must be taken by the fast-path
 * threads and ramp the domain, one thread wakeup each at most (with a
 * margin); with the domain held at its top (performance) they ramp nothing;
 * with fast_path_priority = 0 no thread takes them; with eagovd kept to
 * CPU 0, there is a thread on CPU 0 alone; a thread moved off its CPU (as
 * a CPU's offline / online cycle leaves it on kernels before 6.2) pins
 * itself back at its next record.
 * Skipped (exit 77) without root; a source whose probe fails is skipped
 * with its reason. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "discover.h"
#include "model.h"
#include "run_util.h"
#include "source.h"
#include "sysfs_io.h"
#include "util.h"

/* The RT task: this many wakeups, 10 ms apart, at SCHED_FIFO 10. */
#define RT_WAKEUPS 150
#define RT_PERIOD_MS 10
/* eagovd's run covers them with room at both ends. */
#define DAEMON_S "3"

static const char *eagovd, *fake_tree;
static char tmp[64];
static int rt_cpu;

/* The RT task, pinned to rt_cpu: RT_WAKEUPS sleeps of RT_PERIOD_MS. */
static pid_t rt_task(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct sched_param sp = { .sched_priority = 10 };
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(rt_cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0 ||
		    sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			_exit(1);
		for (int i = 0; i < RT_WAKEUPS; i++)
			run_sleep_ms(RT_PERIOD_MS);
		_exit(0);
	}
	return pid;
}

/* Up once eagovd logs "running:" (opening a source can take seconds,
 * more under ASan); false after 30 s. */
static bool wait_running(const char *err)
{
	for (int i = 0; i < 1500; i++) {
		if (run_file_has(err, "running:"))
			return true;
		run_sleep_ms(20);
	}
	return false;
}

struct run {
	double fast, urgent, n;
	double p50, p99, delivery_p50, delivery_p99, own_p50; /* us */
	int threads;   /* from "fast path: N threads" (-v), -1 without */
	bool repinned; /* rt_cpu's thread said it pinned itself back */
};

/* The count in eagovd's "fast path: N threads" line, -1 without one. */
static int threads_of(const char *err)
{
	char line[512];
	int n = -1;
	FILE *f = fopen(err, "r");

	while (f && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "fast path: ");

		if (p && strstr(p, " threads at SCHED_FIFO"))
			n = atoi(p + strlen("fast path: "));
	}
	if (f)
		fclose(f);
	return n;
}

/* The tid of eagovd's (pid's) thread named name, -1 without one. */
static pid_t thread_named(pid_t pid, const char *name)
{
	char dir[64], path[384], comm[32];
	struct dirent *e;
	pid_t tid = -1;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	dp = opendir(dir);
	while (dp && tid < 0 && (e = readdir(dp))) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/comm", dir, e->d_name);
		f = fopen(path, "r");
		if (f && fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = '\0';
			if (!strcmp(comm, name))
				tid = (pid_t)atoi(e->d_name);
		}
		if (f)
			fclose(f);
	}
	if (dp)
		closedir(dp);
	return tid;
}

/* Moves rt_cpu's fast-path thread of eagovd (pid) to CPU 0, as the kernel
 * moves a thread whose CPU goes offline. */
static void unpin_thread(pid_t pid)
{
	char name[16];
	cpu_set_t set;
	pid_t tid;

	snprintf(name, sizeof(name), "eagovd-fast/%d", rt_cpu);
	tid = thread_named(pid, name);
	if (tid < 0)
		fail_msg("no thread named %s in eagovd", name);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	assert_int_equal(sched_setaffinity(tid, sizeof(set), &set), 0);
	CPU_ZERO(&set);
	assert_int_equal(sched_getaffinity(tid, sizeof(set), &set), 0);
	assert_true(CPU_ISSET(0, &set) && !CPU_ISSET(rt_cpu, &set));
}

/* Whether eagovd's log (err) says rt_cpu's thread pinned itself back. */
static bool repinned(const char *err)
{
	char want[64];

	snprintf(want, sizeof(want), "pinned to cpu%d again", rt_cpu);
	return run_file_has(err, want);
}

/* eagovd in the tree (freq policy freq, conf lines extra) with the RT task
 * running meanwhile (unpin: rt_cpu's thread moved off its CPU first); its
 * stats. */
static struct run run_daemon(const char *source, const char *freq, const char *extra,
			     bool cpu0_only, bool unpin)
{
	char tree[128], conf[160], dev[160], state[160], out[160], err[160], cmd[512];
	const char *argv[] = { eagovd,	   "--sysfs-root", tree,       "--device", dev,
			       "--config", conf,	   "--source", source,	   "--state-file",
			       state,	   "--duration",   DAEMON_S,   "-v",	   NULL };
	struct run r;
	pid_t d, t;
	int st;
	FILE *f;

	snprintf(tree, sizeof(tree), "%s/tree-%s-%s", tmp, source, freq);
	snprintf(cmd, sizeof(cmd), "FIG_FREQ=%s %s %s", freq, fake_tree, tree);
	assert_int_equal(system(cmd), 0);
	snprintf(conf, sizeof(conf), "%s/eagov.conf", tree);
	snprintf(dev, sizeof(dev), "%s/vm.ini", tree);
	snprintf(state, sizeof(state), "%s/state", tree);
	snprintf(out, sizeof(out), "%s/eagovd.out", tree);
	snprintf(err, sizeof(err), "%s/eagovd.err", tree);
	f = fopen(conf, "a");
	assert_non_null(f);
	fputs(extra, f);
	assert_int_equal(fclose(f), 0);
	/* Runs share a tree: the last run's log says "running:" until the
	 * child truncates it, so it goes first. */
	assert_true(unlink(err) == 0 || errno == ENOENT);
	d = fork();
	assert_true(d >= 0);
	if (d == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (o < 0 || e < 0)
			_exit(126);
		if (cpu0_only) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(0, &set);
			if (sched_setaffinity(0, sizeof(set), &set) < 0)
				_exit(125);
		}
		dup2(o, STDOUT_FILENO);
		dup2(e, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (!wait_running(err)) {
		run_show(err);
		fail_msg("eagovd --source %s did not start", source);
	}
	if (unpin)
		unpin_thread(d);
	t = rt_task();
	assert_int_equal(waitpid(t, &st, 0), t);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(waitpid(d, &st, 0), d);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		run_show(err);
		fail_msg("eagovd --source %s exited abnormally", source);
	}
	r.fast = run_stats_field(err, "fast_wakeups");
	r.urgent = run_stats_field(err, "urgent");
	r.n = run_stats_field(err, "n");
	r.p50 = run_stats_field(err, "p50");
	r.p99 = run_stats_field(err, "p99");
	r.delivery_p50 = run_stats_field(err, "delivery_p50_us");
	r.delivery_p99 = run_stats_field(err, "delivery_p99_us");
	r.own_p50 = run_stats_field(err, "own_p50_us");
	r.threads = threads_of(err);
	r.repinned = repinned(err);
	if (r.fast < 0 || r.urgent < 0) {
		run_show(err);
		fail_msg("no stats line");
	}
	print_message("fast path %s, %s%s%s%s: %d threads, %.0f fast-path wakeups, %.0f urgent "
		      "decisions, %.0f ramps timed, for %d RT wakeups\n",
		      source, freq, extra[0] ? " (fast_path_priority = 0)" : "",
		      cpu0_only ? " (eagovd on CPU 0 only)" : "",
		      unpin ? (r.repinned ? " (thread moved off, pinned back)" :
					    " (thread moved off, not pinned back)") :
			      "",
		      r.threads, r.fast, r.urgent, r.n, RT_WAKEUPS);
	return r;
}

static bool can_run(const char *name)
{
	const struct eg_source_ops *ops = eg_source_find(name);
	static struct eg_model m;
	struct eg_source_opts so = { 0 };
	struct eg_sysfs fs;
	char why[256] = "";

	assert_non_null(ops);
	if (eg_discover_cpus_only(&m, NULL) < 0)
		return false;
	assert_int_equal(eg_sysfs_init(&fs, NULL), 0);
	so.model = &m;
	so.fs = &fs;
	if (!ops->open || (ops->probe && ops->probe(&so, why, sizeof(why)) < 0)) {
		print_message("fast path %s: skipped: %s\n", name, why[0] ? why : "not built");
		return false;
	}
	return true;
}

static void fast_path(const char *source)
{
	struct run r;

	if (!can_run(source))
		skip();
	/* schedutil: the domain falls between the task's runs and each wakeup
	 * ramps it. The threads take the wakeups: at least a fifth of them
	 * (a thread finds nothing when the loop read the record first; this
	 * VM's kernel loses a few), at most one each and a margin (eagovd's
	 * own wakeups, realtime too, are ignored: else 2.8 each). */
	r = run_daemon(source, "schedutil", "", false, false);
	assert_int_equal(r.threads, rt_cpu + 1);
	assert_false(r.repinned);
	assert_true(r.fast >= RT_WAKEUPS / 5);
	assert_true(r.fast <= 2 * RT_WAKEUPS);
	/* How many ramp depends on how often the domain fell in between,
	 * which the machine's other load decides (13 to 142 of 150 seen):
	 * some must, each timed. */
	assert_true(r.urgent >= 1);
	assert_true(r.n >= 1 && r.n <= r.urgent);
	/* Each ramp's time splits where the thread left its wait: the
	 * kernel's delivery before, the read and the write after, both of
	 * which take time; a part is never more than the whole. */
	assert_true(r.delivery_p50 > 0 && r.own_p50 > 0);
	assert_true(r.delivery_p50 <= r.p50 && r.delivery_p99 <= r.p99);
	assert_true(r.own_p50 <= r.p50);
	/* performance: the domain is at its top from the start, and no RT
	 * wakeup raises it; the threads still take them (the engine learns
	 * from each), no more than once each. */
	r = run_daemon(source, "performance", "", false, false);
	assert_true(r.urgent == 0);
	assert_true(r.fast >= RT_WAKEUPS / 5 && r.fast <= 2 * RT_WAKEUPS);
	/* No fast path: the loop takes them. Whether any ramps depends on
	 * eagovd's own load as well (under ASan, perf's parsing kept the
	 * domain up: none of 150). */
	r = run_daemon(source, "schedutil", "fast_path_priority = 0\n", false, false);
	assert_true(r.fast == 0);
	assert_int_equal(r.threads, -1);
	assert_true(r.n <= r.urgent);
	/* eagovd kept to CPU 0 (isolcpus, CPUAffinity=): a thread there
	 * only; the other CPUs' RT wakeups go to the loop. */
	if (rt_cpu > 0) {
		r = run_daemon(source, "schedutil", "", true, false);
		assert_int_equal(r.threads, 1);
		assert_true(r.fast <= 2 * RT_WAKEUPS);
		/* rt_cpu's thread moved to CPU 0: the first record it
		 * takes there pins it back, and it goes on taking them. */
		r = run_daemon(source, "schedutil", "", false, true);
		assert_true(r.repinned);
		assert_true(r.fast >= RT_WAKEUPS / 5 && r.fast <= 2 * RT_WAKEUPS);
	}
}

static void test_bpf(void **state)
{
	(void)state;
	fast_path("bpf");
}

static void test_perf(void **state)
{
	(void)state;
	fast_path("perf");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bpf),
		cmocka_unit_test(test_perf),
	};
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: %s EAGOVD FAKE_TREE_SH\n", argv[0]);
		return 1;
	}
	eagovd = argv[1];
	fake_tree = argv[2];
	if (geteuid() != 0) {
		printf("skipped: not root (the bpf and perf sources and SCHED_FIFO need it)\n");
		return 77;
	}
	rt_cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	if (rt_cpu < 0)
		return 1;
	snprintf(tmp, sizeof(tmp), "/tmp/eagov-fastpath-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	run_rm_tree(tmp);
	return r;
}
