// SPDX-License-Identifier: GPL-2.0-or-later
/* Live tests of the bpf scheduler source (root and a BPF build; each test
 * skips with the reason otherwise): busy fraction against cpuidle
 * residency, RT wakeups delivered with their prio, an RT task's end heard
 * once it blocks, the event rate bound under a context-switch storm, and
 * busy time counted as util at each CPU's scale. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "fileio.h"
#include "parse.h"
#include "sched_bpf.h"
#include "source.h"
#include "util.h"

#define RATE_MS 4
#define STALE_MS 10

struct evbuf {
	struct eg_event *ev;
	size_t len, cap;
};

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * NSEC_PER_SEC + (uint64_t)t.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec t = { .tv_sec = (time_t)(ns / NSEC_PER_SEC),
			      .tv_nsec = (long)(ns % NSEC_PER_SEC) };

	while (nanosleep(&t, &t) < 0)
		;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Sum of cpuN/cpuidle/state*\/time (us); -1 when there is no cpuidle. */
static int64_t idle_us(int cpu)
{
	char path[256], buf[64];
	int64_t sum = 0;
	int found = 0;

	for (int st = 0; st < 16; st++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/time",
			 cpu, st);
		f = fopen(path, "re");
		if (!f)
			break;
		if (fgets(buf, sizeof(buf), f))
			sum += strtoll(buf, NULL, 10);
		fclose(f);
		found++;
	}
	return found ? sum : -1;
}

/* The run time of pid (its main thread) by the kernel: the first field of
 * /proc/PID/schedstat, ns. */
static bool schedstat_ns(pid_t pid, uint64_t *ns)
{
	char path[64], buf[128], *sp;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	if (eg_read_small(path, buf, sizeof(buf), 0) < 0)
		return false;
	sp = strchr(buf, ' ');
	if (!sp)
		return false;
	*sp = '\0';
	return eg_parse_u64(buf, 0, UINT64_MAX, ns) == 0;
}

/* Skips the calling test unless the source can run here. */
static struct eg_source *open_or_skip(void)
{
	struct eg_source_opts o = { .util_rate_ms = RATE_MS, .poll_interval_ms = STALE_MS };
	struct eg_source *s = NULL;
	char why[256] = "";

	if (eg_source_bpf.probe(&o, why, sizeof(why)) < 0) {
		printf("SKIP: bpf source cannot run here: %s\n", why);
		skip();
	}
	assert_int_equal(eg_source_bpf.open(&s, &o), 0);
	assert_non_null(s);
	assert_true(eg_source_bpf.fd(s) >= 0);
	return s;
}

/* Collect events for dur_ns, waiting on the source's fd and timeout the way
 * the daemon does, and end as a sampling policy's timer would: a sync, then
 * a read that brings every CPU's window up to that time. */
static void collect(struct eg_source *s, uint64_t dur_ns, struct evbuf *b)
{
	uint64_t end = mono_ns() + dur_ns;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ee = { .events = EPOLLIN };

	assert_true(ep >= 0);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, eg_source_bpf.fd(s), &ee), 0);
	for (;;) {
		uint64_t now = mono_ns(), to, wait_ns;
		struct eg_event ev[64];
		int n;

		if (now >= end && end != EG_NEVER) {
			eg_source_bpf.sync(s);
			end = EG_NEVER;
		}
		to = eg_source_bpf.next_timeout(s);
		wait_ns = EG_MIN(end, EG_MAX(to, now)) - now;
		epoll_wait(ep, &ee, 1, (int)((wait_ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC));
		n = eg_source_bpf.read(s, mono_ns(), ev, (int)ARRAY_SIZE(ev));
		assert_true(n >= 0);
		/* After the sync: until the read that closed the windows. */
		if (end == EG_NEVER && n < (int)ARRAY_SIZE(ev) &&
		    eg_source_bpf.next_timeout(s) > now)
			end = 0;
		if (!b || n == 0) {
			if (end == 0)
				break;
			continue;
		}
		if (b->len + (size_t)n > b->cap) {
			b->cap = (b->len + (size_t)n) * 2;
			b->ev = realloc(b->ev, b->cap * sizeof(*b->ev));
			assert_non_null(b->ev);
		}
		memcpy(b->ev + b->len, ev, (size_t)n * sizeof(*ev));
		b->len += (size_t)n;
		if (end == 0)
			break;
	}
	close(ep);
}

static void test_probe(void **state)
{
	struct eg_source_opts o = { .util_rate_ms = RATE_MS };
	char why[256] = "";
	int r = eg_source_bpf.probe(&o, why, sizeof(why));

	(void)state;
#if HAVE_BPF
	/* Root has every capability and this kernel exposes BTF: the probe
	 * must pass; anywhere else it must name what is missing. */
	if (geteuid() == 0 && access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		assert_int_equal(r, 0);
	else
		assert_true(r < 0 && why[0]);
#else
	assert_int_equal(r, -EOPNOTSUPP);
	assert_non_null(strstr(why, "built without BPF support"));
#endif
}

/* A child on CPU 0 busy 6 ms out of every 10 ms for ~1.3 s. */
static pid_t spawn_duty(int ready_fd)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		uint64_t stop;

		pin(0);
		if (write(ready_fd, "x", 1) != 1)
			_exit(1);
		stop = mono_ns() + 1300 * NSEC_PER_MSEC;
		while (mono_ns() < stop) {
			uint64_t until = mono_ns() + 6 * NSEC_PER_MSEC;

			while (mono_ns() < until)
				;
			sleep_ns(4 * NSEC_PER_MSEC);
		}
		_exit(0);
	}
	return pid;
}

static void test_busy_matches_cpuidle(void **state)
{
	struct eg_source *s = open_or_skip();
	struct evbuf b = { 0 };
	uint64_t t0, t1, busy = 0, window = 0, runtime = 0, kernel_runtime = 0, forked, life;
	uint64_t last0 = 0;
	int64_t idle0, idle1;
	double f_bpf, f_idle;
	int pfd[2];
	char c;
	pid_t pid;

	(void)state;
	/* Keep this process off CPU 0 when there is another CPU. */
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		pin(1);
	/* Let every CPU switch once and prime its window. */
	collect(s, 100 * NSEC_PER_MSEC, NULL);
	assert_int_equal(pipe(pfd), 0);
	forked = mono_ns();
	pid = spawn_duty(pfd[1]);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	idle0 = idle_us(0);
	t0 = mono_ns();
	/* The windows start here: a steady CPU sends nothing until its load
	 * changes, so [t0, t1] is bounded by two syncs, as a sampling policy
	 * sees it. */
	collect(s, 0, NULL);
	collect(s, NSEC_PER_SEC, &b);
	idle1 = idle_us(0);
	t1 = mono_ns();
	assert_int_equal(eg_sched_bpf_task_runtime(s, pid, &runtime), 0);
	assert_true(schedstat_ns(pid, &kernel_runtime));
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(pfd[1]);

	/* The windows that lie inside [t0, t1]: the ones cpuidle measured. */
	for (size_t i = 0; i < b.len; i++) {
		const struct eg_event *e = &b.ev[i];

		if (e->type != EG_EV_BUSY_SAMPLE || e->cpu != 0)
			continue;
		if (e->ts > last0)
			last0 = e->ts;
	}
	for (size_t i = 0; i < b.len; i++) {
		const struct eg_event *e = &b.ev[i];

		if (e->type != EG_EV_BUSY_SAMPLE || e->cpu != 0)
			continue;
		assert_true(e->busy.busy_ns <= e->busy.window_ns);
		/* Every window spans the rate at least, but the last: the sync
		 * that ends the collection closes it wherever it is, however
		 * soon after the record before it (sched_bpf.c, cpu_total). */
		if (e->ts != last0)
			assert_true(e->busy.window_ns >= RATE_MS * NSEC_PER_MSEC);
		if (e->ts - e->busy.window_ns < t0 || e->ts > t1)
			continue;
		busy += e->busy.busy_ns;
		window += e->busy.window_ns;
	}
	/* The samples cover all of [t0, t1] but the ends, each well under one
	 * stale period (10 ms) plus a rate period (4 ms): >= 1000 - 2 * 14. */
	assert_true(window >= (t1 - t0) - 2 * (STALE_MS + RATE_MS) * NSEC_PER_MSEC);
	f_bpf = (double)busy / (double)window;
	/* The child's run time against the kernel's count of it, read just
	 * after. Both count from the fork, the program being attached before
	 * it. The kernel also counts the slice in progress (at most the 6 ms
	 * spin, stretched by preemption under load: 10 ms). The source counts
	 * wall time between switches, the kernel's sum_exec_runtime leaves
	 * out interrupt and steal time on the CPU (IRQ time accounting,
	 * paravirt steal): measured 0-2 % of the run time on this VM under
	 * build load; bounded by the busy check's 5 points of the child's
	 * life. */
	life = mono_ns() - forked;
	printf("child ran %.3f ms by the bpf source, %.3f ms by its schedstat (life %.0f ms)\n",
	       (double)runtime / 1e6, (double)kernel_runtime / 1e6, (double)life / 1e6);
	assert_true(runtime <= kernel_runtime + life / 20);
	assert_true(runtime + 10 * NSEC_PER_MSEC >= kernel_runtime);
	if (idle0 < 0 || idle1 < 0) {
		/* No cpuidle (this VM): the CPU-level check needs residency. */
		free(b.ev);
		eg_source_bpf.close(s);
		printf("cpu0 has no cpuidle residency: busy fraction %.3f not compared\n", f_bpf);
		return;
	}
	f_idle = 1.0 - (double)(idle1 - idle0) * 1e3 / (double)(t1 - t0);
	printf("cpu0 busy: bpf %.3f, cpuidle %.3f over %.3f s (%zu events); child ran %.3f s\n",
	       f_bpf, f_idle, (double)(t1 - t0) / 1e9, b.len, (double)runtime / 1e9);
	assert_true(f_bpf - f_idle < 0.05 && f_idle - f_bpf < 0.05);
	/* The child ran only on CPU 0, so its run time (from its first switch
	 * after the program attached) is part of CPU 0's busy time: it cannot
	 * exceed the busy of [t0, t1] plus the edges outside the samples
	 * (fork to t0, t1 to the query, the uncovered ends: < 50 ms). */
	assert_true(runtime > 0);
	assert_true(runtime <= busy + 50 * NSEC_PER_MSEC);
	/* The child asks for 6 ms in 10 ms: on a quiet machine the CPU is
	 * neither idle nor saturated. Other load on CPU 0 can fill it up,
	 * and then the agreement above only compared two 1.0s. */
	if (f_idle >= 0.95) {
		free(b.ev);
		eg_source_bpf.close(s);
		printf("SKIP: cpu0 saturated by other load (cpuidle busy %.3f): the 60 %% duty "
		       "comparison needs a quiet CPU 0\n",
		       f_idle);
		skip();
	}
	assert_true(f_idle > 0.3);
	free(b.ev);
	eg_source_bpf.close(s);
}

static void test_rt_wakeup(void **state)
{
	struct eg_source *s = open_or_skip();
	struct evbuf b = { 0 };
	int nr = 0, pfd[2];
	char c;
	pid_t pid;

	struct eg_sched_bpf_stats st0, st1;
	uint64_t missed;
	uint32_t lost = 0;

	(void)state;
	assert_int_equal(eg_sched_bpf_stats(s, &st0), 0);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sched_param sp = { .sched_priority = 10 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			_exit(1);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		for (int i = 0; i < 20; i++)
			sleep_ns(10 * NSEC_PER_MSEC);
		_exit(0);
	}
	assert_int_equal(read(pfd[0], &c, 1), 1);
	/* Read while the child sleeps, then whatever its last wakeups left
	 * in the ring once it is gone. */
	collect(s, 250 * NSEC_PER_MSEC, &b);
	waitpid(pid, NULL, 0);
	collect(s, 50 * NSEC_PER_MSEC, &b);
	close(pfd[0]);
	close(pfd[1]);
	for (size_t i = 0; i < b.len; i++) {
		const struct eg_event *e = &b.ev[i];

		if (e->type != EG_EV_WAKEUP || e->wakeup.pid != pid)
			continue;
		/* SCHED_FIFO rt_priority 10 is kernel prio 99 - 10 = 89. */
		assert_int_equal(e->wakeup.prio, 89);
		assert_true(e->wakeup.target_cpu >= 0);
		nr++;
	}
	if (nr != 20)
		for (size_t i = 0; i < b.len; i++)
			if (b.ev[i].type == EG_EV_WAKEUP && b.ev[i].wakeup.pid == pid)
				printf("RT child wakeup at %.3f ms on cpu %d\n",
				       (double)(b.ev[i].ts % 100000000000ULL) / 1e6,
				       (int)b.ev[i].cpu);
	assert_int_equal(eg_sched_bpf_stats(s, &st1), 0);
	missed = st1.wakeup_misses - st0.wakeup_misses;
	assert_int_equal(eg_sched_bpf_rt_lost(s, pid, &lost), 0);
	printf("RT child: %d wakeups seen of 20 sleeps, %u not delivered by the kernel; the "
	       "kernel skipped the wakeup program %llu times in the window (any task); %llu "
	       "records dropped, %llu wakeup records sent\n",
	       nr, lost, (unsigned long long)missed,
	       (unsigned long long)(st1.dropped - st0.dropped),
	       (unsigned long long)(st1.wakeups - st0.wakeups));
	/* One wakeup per 10 ms sleep, and no other: the child only sleeps.
	 * Nothing the source itself loses (no record dropped by a full
	 * ring), and every wakeup the program ran for is read: the 20 are
	 * those read and those the kernel did not deliver, which the program
	 * proves (the child blocked again with no wakeup of its own seen in
	 * between). On this project's VM such a loss is a wakeup from an
	 * interrupt taken on top of the sandbox's agent (tokio-rt-worker, a
	 * thread of pid 1), in whose context the kernel delivers no event to
	 * BPF or perf: about 1 run in 10. */
	assert_int_equal(st1.dropped - st0.dropped, 0);
	assert_int_equal(nr + (int)lost, 20);
	free(b.ev);
	eg_source_bpf.close(s);
}

/* An RT wakeup has its CPU's window sent, waking user space, once the
 * woken task's time is over, and not before: a window sent at the switch
 * into the task holds the idle time before it, and would wake user space
 * on another CPU on the way to the fast ramp. */
static void test_rt_end_heard(void **state)
{
	struct eg_source *s = open_or_skip();
	uint64_t f0, f1, f2;
	int32_t last0, last1, last2;
	int cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1, go[2], ready[2];
	cpu_set_t mask;
	char c;
	pid_t pid;

	(void)state;
	if (cpu < 1) {
		eg_source_bpf.close(s);
		print_message("skipped: needs two CPUs, one for the RT task, one for the reader\n");
		skip();
	}
	/* The reader keeps off the task's CPU, which the task holds. */
	assert_int_equal(sched_getaffinity(0, sizeof(mask), &mask), 0);
	pin(0);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sched_param sp = { .sched_priority = 10 };
		uint64_t end;

		pin(cpu);
		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		/* Woken: run 20 rate periods, then block for good. */
		end = mono_ns() + 20 * RATE_MS * NSEC_PER_MSEC;
		while (mono_ns() < end)
			;
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	/* The child's CPU idles for a while, then the child is woken. */
	collect(s, 50 * NSEC_PER_MSEC, NULL);
	assert_int_equal(eg_sched_bpf_forced(s, cpu, &f0, &last0), 0);
	assert_int_equal(write(go[1], "x", 1), 1);
	/* Halfway through its run: its end not heard, as it has not come. */
	collect(s, 10 * RATE_MS * NSEC_PER_MSEC, NULL);
	assert_int_equal(eg_sched_bpf_forced(s, cpu, &f1, &last1), 0);
	waitpid(pid, NULL, 0);
	collect(s, 5 * RATE_MS * NSEC_PER_MSEC, NULL);
	assert_int_equal(eg_sched_bpf_forced(s, cpu, &f2, &last2), 0);
	printf("RT task on cpu %d: %llu windows forced while it ran, %llu after it ended\n", cpu,
	       (unsigned long long)(f1 - f0), (unsigned long long)(f2 - f1));
	sched_setaffinity(0, sizeof(mask), &mask);
	/* On the task's CPU, and for the task: other RT tasks (irq threads,
	 * another program's) have their own windows forced meanwhile. */
	assert_true(f1 == f0 || last1 != pid);
	assert_true(f2 > f1 && last2 == pid);
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	eg_source_bpf.close(s);
}

static void pingpong(int rfd, int wfd, bool first, uint64_t stop)
{
	char c = 'p';

	if (first && write(wfd, &c, 1) != 1)
		_exit(1);
	while (mono_ns() < stop) {
		if (read(rfd, &c, 1) != 1 || write(wfd, &c, 1) != 1)
			break;
	}
	_exit(0);
}

/* A switch storm of ns: two processes ping-ponging a byte through pipes,
 * read by collect() (into b, which may be NULL), with the program's
 * counters just before (st0) and after (st1) and the storm's own span
 * (t0, t1; may be NULL). */
static void storm(struct eg_source *s, uint64_t ns, struct evbuf *b, struct eg_sched_bpf_stats *st0,
		  struct eg_sched_bpf_stats *st1, uint64_t *t0, uint64_t *t1)
{
	int ab[2], ba[2];
	uint64_t start, stop;
	pid_t p1, p2;

	assert_int_equal(pipe(ab), 0);
	assert_int_equal(pipe(ba), 0);
	assert_int_equal(eg_sched_bpf_stats(s, st0), 0);
	start = mono_ns();
	stop = start + ns;
	p1 = fork();
	assert_true(p1 >= 0);
	if (p1 == 0)
		pingpong(ba[0], ab[1], true, stop);
	p2 = fork();
	assert_true(p2 >= 0);
	if (p2 == 0)
		pingpong(ab[0], ba[1], false, stop);
	collect(s, ns, b);
	if (t0)
		*t0 = start;
	if (t1)
		*t1 = mono_ns();
	kill(p1, SIGKILL);
	kill(p2, SIGKILL);
	waitpid(p1, NULL, 0);
	waitpid(p2, NULL, 0);
	assert_int_equal(eg_sched_bpf_stats(s, st1), 0);
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
}

/* With a policy to which no change of util matters (threshold 1024), a
 * switch storm wakes user space for nothing but RT wakeups, each followed
 * by the window of its target CPU that ends it: at most two records per RT
 * wakeup woke it (the program counts both), whatever else runs. */
static void test_quiet_when_nothing_matters(void **state)
{
	struct eg_source *s = open_or_skip();
	struct eg_sched_bpf_stats st0, st1;

	(void)state;
	eg_source_bpf.set_util_threshold(s, 1024, 1024);
	collect(s, 20 * NSEC_PER_MSEC, NULL);
	storm(s, 300 * NSEC_PER_MSEC, NULL, &st0, &st1, NULL, NULL);
	printf("nothing matters: %" PRIu64 " switches, %" PRIu64 " records woke user space, "
	       "%" PRIu64 " of them RT wakeups; %" PRIu64 " busy-CPU timer expiries\n",
	       st1.switches - st0.switches, st1.woken - st0.woken, st1.wakeups - st0.wakeups,
	       st1.timer - st0.timer);
	assert_true(st1.switches - st0.switches >= 3000);
	assert_int_equal(st1.moved - st0.moved, 0);
	/* (An RT wakeup just before st0 can leave one such window per CPU
	 * still to close inside the storm.) */
	assert_true(st1.woken - st0.woken <=
		    2 * (st1.wakeups - st0.wakeups) + (uint64_t)sysconf(_SC_NPROCESSORS_CONF));
	eg_source_bpf.close(s);
}

/* Each CPU's busy time counts as util at its util scale: with a threshold
 * of 2 / 1024 and no floor, which a storm's busy fractions cross all the
 * time, but every CPU's scale at 1 (a fully busy CPU is util 1), the same
 * storm wakes user space only for RT wakeups. And the heartbeats wake
 * nobody: the only timer left is the safety drain, far past the program's
 * 2 s heartbeat. */
static void test_cpu_util_scale(void **state)
{
	struct eg_source *s = open_or_skip();
	struct eg_sched_bpf_stats st0, st1;
	long nr_cpus = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t t;

	(void)state;
	t = eg_source_bpf.next_timeout(s);
	printf("safety drain in %.0f s with %ld CPUs\n", (double)(t - mono_ns()) / 1e9, nr_cpus);
	if (nr_cpus <= 64)
		assert_true(t > mono_ns() + 20 * NSEC_PER_SEC);
	eg_source_bpf.set_util_threshold(s, 2, 0);
	for (int cpu = 0; cpu < nr_cpus; cpu++)
		eg_source_bpf.set_cpu_util_scale(s, cpu, 1);
	collect(s, 20 * NSEC_PER_MSEC, NULL);
	storm(s, 300 * NSEC_PER_MSEC, NULL, &st0, &st1, NULL, NULL);
	printf("util scale 1: %" PRIu64 " switches, %" PRIu64 " records woke user space, "
	       "%" PRIu64 " of them RT wakeups, %" PRIu64 " for a load change\n",
	       st1.switches - st0.switches, st1.woken - st0.woken, st1.wakeups - st0.wakeups,
	       st1.moved - st0.moved);
	assert_true(st1.switches - st0.switches >= 3000);
	/* A util of 0 or 1 never moves by 2: no load change woke anyone. */
	assert_int_equal(st1.moved - st0.moved, 0);
	assert_true(st1.woken - st0.woken <= 2 * (st1.wakeups - st0.wakeups) + (uint64_t)nr_cpus);
	eg_source_bpf.close(s);
}

static void test_rate_bounded(void **state)
{
	struct eg_source *s = open_or_skip();
	struct eg_sched_bpf_stats st0, st1;
	struct evbuf b = { 0 };
	uint64_t t0, t1, bound;
	size_t busy = 0, wake = 0;
	long nr_cpus = sysconf(_SC_NPROCESSORS_CONF);

	(void)state;
	collect(s, 50 * NSEC_PER_MSEC, NULL);
	storm(s, 500 * NSEC_PER_MSEC, &b, &st0, &st1, &t0, &t1);
	for (size_t i = 0; i < b.len; i++) {
		if (b.ev[i].type == EG_EV_BUSY_SAMPLE)
			busy++;
		else if (b.ev[i].type == EG_EV_WAKEUP && b.ev[i].wakeup.prio < 100)
			wake++;
	}
	/* Every window is >= RATE_MS, so each CPU sends at most
	 * (t1 - t0) / RATE_MS + 1 of them over the read (the +1: a window
	 * that began before t0); RT wakeups (kernel threads) come on top. */
	bound = (uint64_t)nr_cpus * ((t1 - t0) / (RATE_MS * NSEC_PER_MSEC) + 1) + wake;
	printf("storm: %" PRIu64 " switches in %.3f s, %zu events (%zu busy, %zu RT wakeups), "
	       "bound %" PRIu64 ", %" PRIu64 " dropped\n",
	       st1.switches - st0.switches, (double)(t1 - t0) / 1e9, b.len, busy, wake, bound,
	       st1.dropped - st0.dropped);
	/* The storm must be one: a pipe ping-pong switches >= 10k/s even on
	 * a slow VM, so 0.5 s gives >= 5000. */
	assert_true(st1.switches - st0.switches >= 5000);
	assert_true((uint64_t)b.len <= bound);
	assert_true(b.len == busy + wake);
	assert_int_equal(st1.dropped - st0.dropped, 0);
	free(b.ev);
	eg_source_bpf.close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_busy_matches_cpuidle),
		cmocka_unit_test(test_rt_wakeup),
		cmocka_unit_test(test_rt_end_heard),
		cmocka_unit_test(test_rate_bounded),
		cmocka_unit_test(test_quiet_when_nothing_matters),
		cmocka_unit_test(test_cpu_util_scale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
