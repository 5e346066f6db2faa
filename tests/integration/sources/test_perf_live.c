// SPDX-License-Identifier: GPL-2.0-or-later
/* The perf source live on this machine: a child spins 6 ms of every 10 ms
 * pinned to one CPU for 1.5 s; the events the source reads (with its
 * cpuidle reconciliation), fed to the signals module, must give that CPU a
 * busy fraction within 0.05 of its cpuidle-residency busy fraction over the
 * same window, its PELT util must average close to 0.6 x 1024 over that
 * window, and the events come out in time order. And an RT wakeup is
 * read at once: a SCHED_FIFO child sleeping 10 ms x 20 must have each of
 * its wakeups come out of read() exactly once, within a bound of its
 * tracepoint timestamp, with the reader waking only on the source's fd;
 * and through the per-CPU fds a daemon's fast path waits on, with the
 * daemon's own threads' wakeups ignored. Skipped without root / tracefs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include <cmocka.h>

#include "discover.h"
#include "fileio.h"
#include "parse.h"
#include "signals.h"
#include "source.h"

#define MS NSEC_PER_MSEC
#define MAX_EV 4096
#define MAX_READS 4096

static uint64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Sum of cpuN's idle-state residencies, ns; false when the CPU has no
 * cpuidle (a VM without an idle driver). */
static bool residency_ns(int cpu, uint64_t *sum)
{
	int k;

	*sum = 0;
	for (k = 0; k < EG_MAX_IDLE_STATES; k++) {
		char path[128], buf[32];
		uint64_t us;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/time",
			 cpu, k);
		if (eg_read_small(path, buf, sizeof(buf), 1) < 0)
			break;
		if (eg_parse_u64(buf, 0, UINT64_MAX / NSEC_PER_USEC, &us) == 0)
			*sum += us * NSEC_PER_USEC;
	}
	return k > 0;
}

/* The kernel's own count of a task's time on a CPU (sum_exec_runtime, ns:
 * the first field of /proc/PID/schedstat), which every kernel with
 * CONFIG_SCHED_INFO has, cpuidle or not; 0 once the task is reaped. */
static uint64_t task_runtime_ns(pid_t pid)
{
	char path[64], buf[128];
	uint64_t ns = 0;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	if (eg_read_small(path, buf, sizeof(buf), 1) < 0)
		return 0;
	buf[strcspn(buf, " ")] = '\0';
	if (eg_parse_u64(buf, 0, UINT64_MAX, &ns) < 0)
		return 0;
	return ns;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* 6 ms busy, 4 ms asleep, per 10 ms period, until end. At nice -20, so
 * that other work of this cgroup takes little of its share. */
static void spin_child(int cpu, uint64_t end)
{
	uint64_t period = mono();

	pin(cpu);
	if (setpriority(PRIO_PROCESS, 0, -20) < 0)
		_exit(1);
	while (period < end) {
		while (mono() < period + 6 * MS)
			;
		period += 10 * MS;
		struct timespec ts = { .tv_sec = (time_t)(period / NSEC_PER_SEC),
				       .tv_nsec = (long)(period % NSEC_PER_SEC) };
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	_exit(0);
}

struct read_point {
	uint64_t now;
	bool have_resid;
	uint64_t resid;	    /* the CPU's cpuidle residency */
	uint64_t busy;	    /* the CPU's busy time from the events */
	uint32_t util;	    /* eg_signals_cpu_util of the CPU after the read */
	uint64_t corr;	    /* BUSY_SAMPLE busy time for the CPU so far */
	bool corrected;	    /* a BUSY_SAMPLE for the CPU came with this read */
	uint64_t task_run;  /* the child's running time from the events */
	uint64_t task_ref;  /* the kernel's count of it (/proc/PID/schedstat) */
	uint32_t task_util; /* the child's PELT util_avg from the events */
};

/* Mean of a read point's value over [a, b], each read's value weighted by
 * the time it held (a reader reads at uneven intervals). */
static double held_mean(const struct read_point *rp, int a, int b, bool task)
{
	double sum = 0;

	for (int i = a; i < b; i++)
		sum += (double)(task ? rp[i].task_util : rp[i].util) *
		       (double)(rp[i + 1].now - rp[i].now);
	return sum / (double)(rp[b].now - rp[a].now);
}

static void run_on(const struct eg_model *m, int cpu, int other)
{
	const struct eg_source_ops *ops = eg_source_find("perf");
	struct eg_source_opts o = { .model = m };
	static struct eg_event ev[MAX_EV];
	static struct read_point rp[MAX_READS];
	struct sched_param fifo1 = { .sched_priority = 1 }, normal = { .sched_priority = 0 };
	struct eg_signals sig;
	struct eg_source *s;
	uint64_t start, load_start, load_end, last_ts = 0, corr = 0, task_run = 0;
	uint32_t util_of_task = 0;
	int nr = 0, n_sw = 0, n_wake = 0, epfd;
	struct epoll_event ee = { .events = EPOLLIN };
	pid_t child;

	pin(other); /* the reader stays off the measured CPU */
	/* SCHED_FIFO 1 as eagovd's unit runs it: other load on its CPU does
	 * not starve the reads that delimit the window. */
	assert_int_equal(sched_setscheduler(0, SCHED_FIFO, &fifo1), 0);
	assert_int_equal(ops->open(&s, &o), 0);
	epfd = epoll_create1(0);
	assert_true(epfd >= 0);
	assert_int_equal(epoll_ctl(epfd, EPOLL_CTL_ADD, ops->fd(s), &ee), 0);
	start = mono();
	assert_int_equal(eg_signals_init(&sig, m, start), 0);
	load_start = start + 200 * MS;
	load_end = load_start + 1500 * MS;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct timespec ts = { .tv_sec = (time_t)(load_start / NSEC_PER_SEC),
				       .tv_nsec = (long)(load_start % NSEC_PER_SEC) };

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		spin_child(cpu, load_end);
	}
	for (;;) {
		uint64_t now = mono(), due = ops->next_timeout(s);
		const struct eg_task *t;
		int timeout_ms, n;
		bool corrected = false;

		if (now > load_end + 300 * MS || nr == MAX_READS)
			break;
		timeout_ms = due == EG_NEVER ? 50 :
			     due <= now	     ? 0 :
					       (int)((due - now + MS - 1) / MS);
		epoll_wait(epfd, &ee, 1, timeout_ms);
		now = mono();
		n = ops->read(s, now, ev, MAX_EV);
		/* -EAGAIN: the array is full (MAX_EV events) and more wait. */
		assert_true(n >= 0 || n == -EAGAIN);
		if (n == -EAGAIN)
			n = MAX_EV;
		for (int i = 0; i < n; i++) {
			/* Time order within and across reads. */
			assert_true(ev[i].ts >= last_ts);
			last_ts = ev[i].ts;
			n_sw += ev[i].type == EG_EV_SWITCH;
			n_wake += ev[i].type == EG_EV_WAKEUP;
			if (ev[i].type == EG_EV_BUSY_SAMPLE && ev[i].cpu == cpu) {
				corrected = true;
				corr += ev[i].busy.busy_ns;
			}
			assert_int_equal(eg_signals_event(&sig, &ev[i]), 0);
		}
		eg_signals_sync_cpu(&sig, cpu, EG_MAX(now, last_ts));
		/* The child's slot goes at its exit: keep its last values. */
		t = eg_signals_task(&sig, child);
		if (t) {
			task_run = t->runtime_ns;
			util_of_task = t->avg.util_avg;
		}
		rp[nr].now = EG_MAX(now, last_ts);
		rp[nr].have_resid = residency_ns(cpu, &rp[nr].resid);
		rp[nr].busy = sig.cpu[cpu].busy_ns;
		rp[nr].util = eg_signals_cpu_util(&sig, cpu);
		rp[nr].corrected = corrected;
		rp[nr].corr = corr;
		rp[nr].task_run = task_run;
		rp[nr].task_ref = task_runtime_ns(child);
		rp[nr].task_util = util_of_task;
		nr++;
	}
	waitpid(child, NULL, 0);
	ops->close(s);
	close(epfd);
	assert_int_equal(sched_setscheduler(0, SCHED_OTHER, &normal), 0);

	/* The window: from a read at least 100 ms into the load to one at least
	 * 100 ms before its end. Corrections arrive every 100 ms, so the
	 * event-side busy time lags the residency by up to one period's
	 * deficit; taking the window's ends at reads that carried a correction
	 * for the CPU (when there are such reads) removes that lag. */
	int a = -1, b = -1, ca = -1, cb = -1;

	for (int i = 0; i < nr; i++) {
		if (rp[i].now < load_start + 100 * MS || rp[i].now > load_end - 100 * MS)
			continue;
		if (a < 0)
			a = i;
		b = i;
		if (rp[i].corrected) {
			if (ca < 0)
				ca = i;
			cb = i;
		}
	}
	if (ca >= 0 && cb > ca && rp[cb].now - rp[ca].now >= 500 * MS) {
		a = ca;
		b = cb;
	}
	assert_true(a >= 0 && b > a);
	double w = (double)(rp[b].now - rp[a].now);
	double ev_frac = (double)(rp[b].busy - rp[a].busy) / w;
	double task_frac = (double)(rp[b].task_run - rp[a].task_run) / w;
	double task_ref = (double)(rp[b].task_ref - rp[a].task_ref) / w;
	double task_util = held_mean(rp, a, b, true);

	printf("# cpu%d: window %.0f ms, %d switches, %d wakeups, busy from events %.3f "
	       "(of which reconciliation %.3f), util mean %.0f; the 60 %% child: ran %.3f "
	       "from events, %.3f by its schedstat, util mean %.0f\n",
	       cpu, w / 1e6, n_sw, n_wake, ev_frac, (double)(rp[b].corr - rp[a].corr) / w,
	       held_mean(rp, a, b, false), task_frac, task_ref, task_util);
	assert_true(w >= 500e6);
	assert_true(n_sw > 100);   /* 150 periods, each a switch in and out */
	assert_true(n_wake > 100); /* each period ends with a timer wakeup */
	/* The kernel's count of the child's time must see the load: up to
	 * its 0.6, less when other work on the CPU (builds in other cgroups,
	 * where nice does not reach) takes a share. */
	assert_true(task_ref > 0.1 && task_ref < 0.65);
	/* The child's running time from its switches in and out (with the
	 * signals module's repair of a switch out of idle the kernel lost)
	 * against the kernel's own count. */
	assert_true(task_frac > task_ref - 0.05 && task_frac < task_ref + 0.05);
	/* A task's util_avg accrues only while it runs: for one running
	 * task_ref of every 10 ms it oscillates around task_ref x 1024
	 * (rising 1 - e^(-6/46.2) over the 6 ms run, falling e^(-4/46.2)
	 * over the 4 ms sleep, tau = 32 ms / ln 2 = 46.2 ms: 587-641 for
	 * 0.6). The mean here is of the values at the reads, and the reads
	 * are not independent of the child's phase (its switches fill the
	 * rings); measured on a loaded 2-CPU VM, 20 runs: 0.83-1.29 of
	 * task_ref x 1024. A task counted idle (no switch in) or twice reads
	 * half or double. */
	assert_true(task_util > 0.7 * task_ref * 1024 && task_util < 1.35 * task_ref * 1024);
	if (!rp[a].have_resid || !rp[b].have_resid) {
		printf("SKIP: cpu%d has no cpuidle residency: the CPU's busy fraction and "
		       "util are not compared with it (the child's are, above)\n",
		       cpu);
		eg_signals_destroy(&sig);
		return;
	}
	double ref_frac = 1.0 - (double)(rp[b].resid - rp[a].resid) / w;
	double util_mean = held_mean(rp, a, b, false);

	printf("# cpu%d: cpuidle busy %.3f\n", cpu, ref_frac);
	/* The load is 0.6 of the CPU: the reference must see it. */
	assert_true(ref_frac > 0.5);
	assert_true(ev_frac > ref_frac - 0.05 && ev_frac < ref_frac + 0.05);
	/* PELT of a CPU busy ref_frac (0.6) of every 10 ms: util oscillates
	 * around ref_frac x 1024 = 614, between ~587 and ~641 (as the
	 * child's above). Where switches out of idle are lost (cpu1 on this
	 * project's VM), the busy time arrives as corrections every
	 * EG_PERF_RECONCILE_FAST_MS = 10 ms: util is 614 at each and decays
	 * by d = 0.5^(9.77/32) = 0.81 until the next, a mean of
	 * 614 x (1 - d) / -ln(d) = 614 x 0.90 = 553, and a correction held
	 * back one period (the idle in progress is taken off the residency)
	 * lowers that further: 0.8 x 614 = 491 as the floor. The ceiling,
	 * 1.15 x 614 = 706: the oscillation's top (641) plus util_est's and
	 * runnable_avg's share of max(); busy time counted twice (stream
	 * repair and correction) goes past it. Corrections every 100 ms
	 * give 614 x (1 - 0.12) / 2.12 = 255. */
	assert_true(util_mean > 0.8 * ref_frac * 1024 && util_mean < 1.15 * ref_frac * 1024);
	eg_signals_destroy(&sig);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define RT_SLEEPS 20

/* This thread's time runnable but not running (/proc/thread-self/schedstat,
 * second field), ns. */
static uint64_t run_delay_ns(void)
{
	char buf[128], *a, *b;
	uint64_t ns = 0;

	assert_true(eg_read_small("/proc/thread-self/schedstat", buf, sizeof(buf), 1) > 0);
	a = strchr(buf, ' ');
	assert_non_null(a);
	b = strchr(++a, ' ');
	assert_non_null(b);
	*b = '\0';
	assert_int_equal(eg_parse_u64(a, 0, UINT64_MAX, &ns), 0);
	return ns;
}

/* A SCHED_FIFO 10 child on CPU 0 that, once realtime, writes a byte to
 * ready and waits for one on go (each when >= 0), then sleeps 10 ms
 * RT_SLEEPS times. */
static pid_t rt_sleeper(int ready, int go)
{
	pid_t child = fork();
	char c;

	assert_true(child >= 0);
	if (child == 0) {
		struct sched_param sp = { .sched_priority = 10 };

		pin(0);
		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0 ||
		    (ready >= 0 && write(ready, "x", 1) != 1) || (go >= 0 && read(go, &c, 1) != 1))
			_exit(1);
		for (int i = 0; i < RT_SLEEPS; i++) {
			struct timespec ts = { .tv_nsec = 10 * (long)MS };

			nanosleep(&ts, NULL);
		}
		_exit(0);
	}
	return child;
}

/* The reader waits on the source's fd only (a 100 ms epoll timeout, no
 * next_timeout): a wakeup that rides the batched main ring waits for its
 * watermark or that timeout, one in the RT ring wakes the reader. The
 * reader runs at SCHED_FIFO 1 as eagovd's loop does, the child at
 * SCHED_FIFO 10, both on CPU 0: the child's wakeup is traced there, and
 * the ring wakes the reader by an interrupt on the same CPU, as eagovd's
 * fast path is woken. With the reader on CPU 1, an idle vCPU, the wakeup
 * was an inter-processor interrupt to it, which this VM's host delivered
 * 6.7 ms late once in 8 runs. Not CPU 1 for both: on this VM the
 * tracepoints of a CPU1 in idle (its timer waking the child there) never
 * reach perf, the main rings' as well (measured: 0-5 of 20 wakeups;
 * ftrace sees them). The reader waits for the child to block again, which
 * its run delay accounts for. */
static void test_rt_wakeup(void **state)
{
	struct eg_model *m = *state;
	const struct eg_source_ops *ops = eg_source_find("perf");
	struct eg_source_opts o = { .model = m };
	struct sched_param fifo1 = { .sched_priority = 1 }, other = { .sched_priority = 0 };
	struct epoll_event ee = { .events = EPOLLIN };
	static struct eg_event ev[MAX_EV];
	uint64_t lat[RT_SLEEPS + 8], seen_ts[RT_SLEEPS + 8], end = 0, delay0, delay;
	int nr = 0, kernel_lost = 0, wake_lost = 0, epfd, pfd[2];
	bool child_on_cpu = false, blocked = false, woken = false;
	struct eg_source *s;
	char why[256] = "", c;
	pid_t child;

	if (geteuid() != 0 || ops->probe(&o, why, sizeof(why)) < 0 || m->nr_cpus < 2) {
		printf("# skipped: needs root, the perf source and 2 CPUs (%s)\n", why);
		skip();
	}
	pin(0);
	assert_int_equal(sched_setscheduler(0, SCHED_FIFO, &fifo1), 0);
	assert_int_equal(ops->open(&s, &o), 0);
	epfd = epoll_create1(0);
	assert_true(epfd >= 0);
	assert_int_equal(epoll_ctl(epfd, EPOLL_CTL_ADD, ops->fd(s), &ee), 0);
	assert_int_equal(pipe(pfd), 0);
	child = rt_sleeper(pfd[1], -1);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	delay0 = run_delay_ns();
	for (;;) {
		uint64_t now;
		int n;

		/* 50 ms past the child's end: its last wakeup is long in. */
		if (end && mono() > end + 50 * MS)
			break;
		if (!end && waitpid(child, NULL, WNOHANG) == child)
			end = mono();
		epoll_wait(epfd, &ee, 1, 100);
		n = ops->read(s, mono(), ev, MAX_EV);
		now = mono();
		assert_true(n >= 0 || n == -EAGAIN);
		if (n == -EAGAIN)
			n = MAX_EV;
		for (int i = 0; i < n; i++) {
			/* The kernel's loss: a switch out of the child with no
			 * switch in before it. The child only runs after a
			 * wakeup, so its wakeup was in the same lost stretch. */
			if (ev[i].type == EG_EV_SWITCH && ev[i].sw.next_pid == child)
				child_on_cpu = true;
			if (ev[i].type == EG_EV_SWITCH && ev[i].sw.prev_pid == child) {
				if (!child_on_cpu && ev[i].sw.prev_prio == 89)
					kernel_lost++;
				child_on_cpu = false;
				/* It blocks: it ran after a wakeup, which was read
				 * since it last blocked or was lost (its first
				 * block at prio 89 proves nothing). */
				if (!ev[i].sw.prev_runnable && ev[i].sw.prev_prio == 89) {
					if (blocked && !woken)
						wake_lost++;
					blocked = true;
					woken = false;
				}
			}
			/* SCHED_FIFO rt_priority 10 is kernel prio 99 - 10 = 89;
			 * before it set that, the child (FIFO 1 from the
			 * reader, prio 98) may wait once for its migration. */
			if (ev[i].type != EG_EV_WAKEUP || ev[i].wakeup.pid != child ||
			    ev[i].wakeup.prio != 89)
				continue;
			/* Once: the RT ring and the main ring do not both carry it. */
			for (int j = 0; j < nr; j++)
				assert_true(seen_ts[j] != ev[i].ts);
			assert_true(nr < (int)ARRAY_SIZE(lat));
			seen_ts[nr] = ev[i].ts;
			lat[nr++] = now - ev[i].ts;
			woken = true;
		}
	}
	delay = run_delay_ns() - delay0;
	assert_int_equal(sched_getscheduler(0), SCHED_FIFO);
	assert_int_equal(sched_setscheduler(0, SCHED_OTHER, &other), 0);
	ops->close(s);
	close(epfd);
	close(pfd[0]);
	close(pfd[1]);
	/* One wakeup per sleep and no other (the child blocks nowhere else
	 * once FIFO 10); the ts check above caught any delivered twice.
	 * Except what the kernel did not deliver: on this project's VM, about
	 * one run in 12 misses one wakeup. Traced side by side with ftrace,
	 * the missing wakeup is in ftrace's buffer but not in perf's, and
	 * the switch into the child is in neither, while the switch out is
	 * in both: the tracepoint did not reach perf, no reader or merge
	 * fault. Such a wakeup is recognised by that switch out with no
	 * switch in; one per run is tolerated, no more, and none that the
	 * stream does not prove lost. */
	printf("# RT child: %d wakeups read of %d sleeps, %d not delivered by the kernel; %d "
	       "switches in lost\n",
	       nr, RT_SLEEPS, wake_lost, kernel_lost);
	assert_true(kernel_lost <= 1);
	/* Exactly: the wakeups read and those the stream proves lost (the
	 * child blocked twice with no wakeup read in between; on this VM, a
	 * wakeup from an interrupt on top of the sandbox's agent, a thread
	 * of pid 1, in whose context the kernel delivers nothing to perf;
	 * the switch in from it goes too, while a switch in can go alone:
	 * seen, 20 read and 1 switch in lost). */
	assert_int_equal(nr + wake_lost, RT_SLEEPS);
	qsort(lat, (size_t)nr, sizeof(lat[0]), cmp_u64);
	/* p99 of 20 is the largest (index ceil(0.99 x 20) - 1 = 19). */
	printf("# RT wakeup -> read() returned: p50 %.1f us, p99 %.1f us (n %d); the reader "
	       "waited %.1f ms runnable, not running\n",
	       (double)lat[nr / 2] / 1e3, (double)lat[nr - 1] / 1e3, nr, (double)delay / 1e6);
	/* The bound, 2 ms: the path is an irq_work self-IPI and the wakeup of a
	 * SCHED_FIFO reader on an otherwise quiet CPU (tens of us on this VM,
	 * the bpf source's p99 is ~105 us over the same path), plus a read that
	 * decodes what the main rings hold (a quiet machine: tens of records,
	 * a few us each). 2 ms leaves 10x for a VM's vCPU stalls, and is 5x
	 * under the batched path's floor: the child's wakeups would wait for
	 * the 100 ms epoll timeout (a quarter of the 512 KiB main ring is
	 * thousands of records, not filled by a quiet machine in 10 ms), so
	 * at least 9 of 10 of them would be late by more than 10 ms. */
	/* Less the time the reader was runnable and not running: at
	 * SCHED_FIFO 1 (checked above) it yields to any higher RT task on
	 * its CPU, which no source can help. Measured with tests/repeat.sh
	 * under other tests' load on 2 vCPUs: p99 100-400 us most runs; the
	 * runs over 2 ms had the reader wait 2.5-84 ms on its runqueue (an
	 * rt-app at SCHED_FIFO 10 on its CPU), up to 450 ms once. A wakeup's
	 * latency is at most the source's plus that wait. */
	assert_true(lat[nr / 2] < 2 * MS + delay);
	assert_true(lat[nr - 1] < 2 * MS + delay);
}

/* The per-CPU readers' side (rt_wake_fds) and the daemon's own threads
 * (ignore_tids). Two RT children sleep 10 ms x 20 on CPU 0; the source is
 * opened told to ignore one of them, and the reader waits on the per-CPU
 * fds only (100 ms timeout). The other's wakeups must come out at once
 * (the per-CPU fd woke the reader, the batched path would take up to the
 * timeout), the ignored one's never, though its switches do (as a normal
 * task's, so that they do not ramp its CPU); and the
 * source's own fd must not be what RT records make readable any more. */
static void test_rt_wake_fds_and_ignore(void **state)
{
	struct eg_model *m = *state;
	const struct eg_source_ops *ops = eg_source_find("perf");
	struct sched_param fifo1 = { .sched_priority = 1 }, other = { .sched_priority = 0 };
	struct eg_source_opts o = { .model = m };
	struct epoll_event ee = { .events = EPOLLIN };
	static struct eg_event ev[MAX_EV];
	uint64_t lat[RT_SLEEPS + 8], end = 0;
	int nr = 0, ignored_wakeups = 0, ignored_switches = 0, ignored_rt_prio = 0, wakes = 0,
	    src_ready = 0, epfd, go[2], fds[EG_MAX_CPUS], nr_fds = 0;
	int32_t ignore;
	pid_t seen, ignored;
	struct eg_source *s;
	char why[256] = "";

	if (geteuid() != 0 || ops->probe(&o, why, sizeof(why)) < 0 || m->nr_cpus < 2) {
		printf("# skipped: needs root, the perf source and 2 CPUs (%s)\n", why);
		skip();
	}
	pin(1);
	assert_int_equal(sched_setscheduler(0, SCHED_FIFO, &fifo1), 0);
	assert_int_equal(pipe(go), 0);
	seen = rt_sleeper(-1, go[0]);
	ignored = rt_sleeper(-1, go[0]);
	ignore = (int32_t)ignored;
	o.ignore_tids = &ignore;
	o.nr_ignore_tids = 1;
	assert_int_equal(ops->open(&s, &o), 0);
	assert_int_equal(ops->rt_wake_fds(s, fds, m->nr_cpus), 0);
	epfd = epoll_create1(0);
	assert_true(epfd >= 0);
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		if (fds[cpu] < 0)
			continue;
		assert_int_equal(epoll_ctl(epfd, EPOLL_CTL_ADD, fds[cpu], &ee), 0);
		nr_fds++;
	}
	assert_true(nr_fds >= 2);
	assert_int_equal(write(go[1], "xx", 2), 2);
	for (int done = 0;;) {
		struct pollfd pf = { .fd = ops->fd(s), .events = POLLIN };
		uint64_t now;
		int n;

		if (end && mono() > end + 50 * MS)
			break;
		for (pid_t p; !end && (p = waitpid(-1, NULL, WNOHANG)) > 0;)
			if (++done == 2)
				end = mono();
		if (epoll_wait(epfd, &ee, 1, 100) == 1) {
			wakes++;
			src_ready += poll(&pf, 1, 0) == 1;
		}
		n = ops->read(s, mono(), ev, MAX_EV);
		now = mono();
		assert_true(n >= 0 || n == -EAGAIN);
		if (n == -EAGAIN)
			n = MAX_EV;
		for (int i = 0; i < n; i++) {
			if (ev[i].type == EG_EV_SWITCH &&
			    (ev[i].sw.prev_pid == ignored || ev[i].sw.next_pid == ignored)) {
				ignored_switches++;
				/* Told as a normal task's, though FIFO 10. */
				if ((ev[i].sw.prev_pid == ignored && ev[i].sw.prev_prio != 120) ||
				    (ev[i].sw.next_pid == ignored && ev[i].sw.next_prio != 120))
					ignored_rt_prio++;
			}
			if (ev[i].type != EG_EV_WAKEUP)
				continue;
			if (ev[i].wakeup.pid == ignored)
				ignored_wakeups++;
			if (ev[i].wakeup.pid == seen && ev[i].wakeup.prio == 89 &&
			    nr < (int)ARRAY_SIZE(lat))
				lat[nr++] = now - ev[i].ts;
		}
	}
	assert_int_equal(sched_setscheduler(0, SCHED_OTHER, &other), 0);
	ops->close(s);
	close(epfd);
	close(go[0]);
	close(go[1]);
	printf("# per-CPU RT fds: %d wakeups of the reader, the source's fd ready at %d; %d "
	       "wakeups of the seen child read, %d of the ignored (%d of its switches)\n",
	       wakes, src_ready, nr, ignored_wakeups, ignored_switches);
	assert_int_equal(ignored_wakeups, 0);
	assert_true(ignored_switches > 0);
	assert_int_equal(ignored_rt_prio, 0);
	/* Most of its wakeups (this VM's kernel loses one in a run at most,
	 * test_rt_wakeup), each at once. */
	assert_true(nr >= RT_SLEEPS - 2);
	qsort(lat, (size_t)nr, sizeof(lat[0]), cmp_u64);
	printf("# RT wakeup -> read() through the per-CPU fds: p50 %.1f us\n",
	       (double)lat[nr / 2] / 1e3);
	/* Through the batched path the median wakeup would wait ~50 ms (the
	 * 100 ms timeout); the RT ring's path is tens of us (test_rt_wakeup
	 * gives the bound's reasons). */
	assert_true(lat[nr / 2] < 2 * MS);
	/* The source's fd wakes for the main rings' watermark alone now:
	 * with the RT rings still in its set it would be ready at nearly
	 * every wakeup. */
	assert_true(wakes >= RT_SLEEPS / 2);
	assert_true(src_ready <= wakes / 4);
}

static void test_live(void **state)
{
	struct eg_model *m = *state;
	char why[256] = "";
	const struct eg_source_ops *ops = eg_source_find("perf");
	struct eg_source_opts o = { .model = m };

	assert_non_null(ops);
	if (geteuid() != 0 || ops->probe(&o, why, sizeof(why)) < 0) {
		printf("# skipped: perf source cannot run here (%s)\n",
		       geteuid() ? "not root" : why);
		skip();
	}
	if (m->nr_cpus < 2) {
		printf("# skipped: one CPU, nowhere to keep the reader off the load\n");
		skip();
	}
	/* CPU 0, and CPU 1 too, where this VM loses switches out
	 * of idle (platform-notes.md) and reconciliation does the work. */
	run_on(m, 0, 1);
	run_on(m, 1, 0);
}

/* A sync (a control query, a sampling policy's tick) has the next read
 * come at once, and only that one: the flush period after it is a period
 * again, not 0 for good, or eagovd would read in a loop from then on. */
static void test_sync_then_quiet(void **state)
{
	struct eg_model *m = *state;
	char why[256] = "";
	const struct eg_source_ops *ops = eg_source_find("perf");
	struct eg_source_opts o = { .model = m };
	static struct eg_event ev[MAX_EV];
	struct eg_source *s;

	assert_non_null(ops);
	if (geteuid() != 0 || ops->probe(&o, why, sizeof(why)) < 0) {
		printf("# skipped: perf source cannot run here (%s)\n",
		       geteuid() ? "not root" : why);
		skip();
	}
	assert_int_equal(ops->open(&s, &o), 0);
	for (int round = 0; round < 3; round++) {
		uint64_t now = mono();
		int n;

		while ((n = ops->read(s, now, ev, MAX_EV)) == -EAGAIN)
			;
		assert_true(n >= 0);
		ops->sync(s);
		assert_true(ops->next_timeout(s) <= mono());
		now = mono();
		while (ops->read(s, now, ev, MAX_EV) == -EAGAIN)
			;
		/* Read: the next one is a flush period away, at least. */
		assert_true(ops->next_timeout(s) > now);
	}
	ops->close(s);
}

static int setup(void **state)
{
	static struct eg_model m;

	if (eg_discover_cpus_only(&m, NULL) < 0 && eg_discover_model(&m, NULL) < 0)
		return -1;
	*state = &m;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rt_wakeup),
		cmocka_unit_test(test_rt_wake_fds_and_ignore),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_sync_then_quiet),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
