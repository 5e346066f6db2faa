// SPDX-License-Identifier: GPL-2.0-or-later
/* Live tests of the bpf source's per-CPU RT wakeup fds (rt_wake_fds; root
 * and a BPF build, each test skips with the reason otherwise): an RT
 * wakeup traced on CPU k wakes a reader blocked on fds[k] and no longer
 * the source's fd(), read() still returns it, and a reader that consumed
 * everything is not woken again until the next record; and, looking into
 * the fds (the program's rings), each holds its CPU's records only. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if HAVE_BPF
#include <bpf/libbpf.h>

#include "bpf/sched_bpf_shared.h"
#endif

#include "event.h"
#include "fileio.h"
#include "source.h"
#include "sched_bpf.h"
#include "util.h"

/* No utilization record for the length of a test (the program sends none
 * before a CPU's first window of this length ends): what makes fd()
 * readable here can only be an RT record. */
#define QUIET_RATE_MS 600000
#define RT_PRIO 10 /* SCHED_FIFO rt_priority: kernel prio 99 - 10 */
#define ROUNDS 3

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * NSEC_PER_SEC + (uint64_t)t.tv_nsec;
}

static void sleep_ms(int ms)
{
	struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) < 0)
		;
}

static bool pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

/* The possible CPUs (the highest index + 1 in /sys's list). */
static int nr_possible(void)
{
	char buf[64];
	const char *last;

	if (eg_read_small("/sys/devices/system/cpu/possible", buf, sizeof(buf), 0) < 0)
		return -1;
	last = strrchr(buf, '-');
	last = last ? last + 1 : buf;
	return atoi(last) + 1;
}

static bool cpu_online(int cpu)
{
	char path[96], buf[8];

	if (cpu == 0)
		return true;
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return eg_read_small(path, buf, sizeof(buf), 0) >= 0 && buf[0] == '1';
}

static struct eg_source *open_or_skip(void)
{
	struct eg_source_opts o = { .util_rate_ms = QUIET_RATE_MS };
	struct eg_source *s = NULL;
	char why[256] = "";

	if (eg_source_bpf.probe(&o, why, sizeof(why)) < 0) {
		printf("SKIP: bpf source cannot run here: %s\n", why);
		skip();
	}
	assert_non_null(eg_source_bpf.rt_wake_fds);
	assert_int_equal(eg_source_bpf.open(&s, &o), 0);
	assert_true(eg_source_bpf.fd(s) >= 0);
	return s;
}

/* Blocked (state S) in its read: the next write wakes it. */
static bool sleeping(pid_t pid)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (eg_read_small(path, buf, sizeof(buf), 0) < 0)
		return false;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

/* One CPU's actors: an RT task pinned to it that blocks in an eventfd
 * read, and a normal one pinned there too that wakes it (so that the
 * wakeup is traced on that CPU) once per byte it reads from cmd, after
 * the RT task is seen asleep and a pause in which the test blocks, and
 * then writes a byte to done (the wakeup's record is in by then). */
struct actors {
	int cpu;
	int efd, cmd[2], done[2];
	pid_t rt, waker;
};

static void rt_task(const struct actors *a, int ready)
{
	struct sched_param sp = { .sched_priority = RT_PRIO };
	uint64_t v;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || !pin(a->cpu) ||
	    sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
		_exit(1);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	while (read(a->efd, &v, sizeof(v)) == (ssize_t)sizeof(v))
		;
	_exit(0);
}

static void waker_task(const struct actors *a)
{
	uint64_t one = 1, end;
	char c;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || !pin(a->cpu))
		_exit(1);
	close(a->cmd[1]); /* the test's end: closing it stops this task */
	while (read(a->cmd[0], &c, 1) == 1) {
		end = mono_ns() + 2 * NSEC_PER_SEC;
		while (!sleeping(a->rt) && mono_ns() < end)
			sleep_ms(1);
		sleep_ms(20);
		if (write(a->efd, &one, sizeof(one)) != (ssize_t)sizeof(one) ||
		    write(a->done[1], "d", 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static void actors_start(struct actors *a, int cpu)
{
	int ready[2];
	char c;

	a->cpu = cpu;
	a->efd = eventfd(0, EFD_CLOEXEC);
	assert_true(a->efd >= 0);
	assert_int_equal(pipe(a->cmd), 0);
	assert_int_equal(pipe(ready), 0);
	a->rt = fork();
	assert_true(a->rt >= 0);
	if (a->rt == 0)
		rt_task(a, ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	close(ready[1]);
	assert_int_equal(pipe(a->done), 0);
	a->waker = fork();
	assert_true(a->waker >= 0);
	if (a->waker == 0)
		waker_task(a);
	close(a->done[1]); /* the waker's alone: its end ends the pipe */
}

static void actors_stop(struct actors *a)
{
	kill(a->rt, SIGKILL);
	close(a->cmd[1]);
	waitpid(a->rt, NULL, 0);
	waitpid(a->waker, NULL, 0);
	close(a->cmd[0]);
	close(a->done[0]);
	close(a->efd);
}

/* Have the RT task woken once (the test blocks meanwhile). */
static void actors_wake(const struct actors *a)
{
	assert_int_equal(write(a->cmd[1], "w", 1), 1);
}

/* Wait until the waker has woken the RT task, once per actors_wake. */
static void actors_woken(const struct actors *a)
{
	char c;

	assert_int_equal(read(a->done[0], &c, 1), 1);
}

/* Read everything there is; count the RT task's wakeups (each checked:
 * its prio, and traced on its CPU) and, into *total, all events. */
static int drain(struct eg_source *s, const struct actors *a, int *total)
{
	struct eg_event ev[64];
	int n, found = 0;

	*total = 0;
	do {
		n = eg_source_bpf.read(s, mono_ns(), ev, (int)ARRAY_SIZE(ev));
		assert_true(n >= 0);
		*total += n;
		for (int i = 0; i < n; i++) {
			if (ev[i].type != EG_EV_WAKEUP || !a || ev[i].wakeup.pid != a->rt)
				continue;
			assert_int_equal(ev[i].wakeup.prio, 99 - RT_PRIO);
			assert_int_equal(ev[i].cpu, a->cpu);
			found++;
		}
	} while (n > 0);
	return found;
}

static int epoll_of(int fd)
{
	struct epoll_event ee = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	assert_true(ep >= 0);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ee), 0);
	return ep;
}

static int wait_ms(int ep, int ms)
{
	struct epoll_event ee;
	int n;

	do
		n = epoll_wait(ep, &ee, 1, ms);
	while (n < 0 && errno == EINTR);
	assert_true(n >= 0);
	return n;
}

static bool readable_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_true(poll(&p, 1, 0) >= 0);
	return p.revents & POLLIN;
}

/* Wake the RT task once and wait up to 2 s on ep, reading at each wakeup,
 * until its wakeup is read; other RT wakeups (kernel threads) may come
 * first. With quiet_fd >= 0 (ep holds one CPU's RT fd, and this thread
 * and every writer of that fd run on that CPU), every wakeup is checked:
 * the source's fd quiet_fd did not turn readable, and there was something
 * to read (a reader that consumed everything is not woken for nothing).
 * Returns the RT task's wakeups read. */
static int wake_and_wait(struct eg_source *s, const struct actors *a, int ep, int quiet_fd)
{
	uint64_t t0 = mono_ns(), end = t0 + 2 * NSEC_PER_SEC, now;
	int found = 0, total, wakes = 0;

	actors_wake(a);
	while (!found && (now = mono_ns()) < end) {
		if (wait_ms(ep, (int)((end - now) / NSEC_PER_MSEC) + 1) == 0)
			continue;
		wakes++;
		if (quiet_fd >= 0)
			assert_false(readable_now(quiet_fd));
		found += drain(s, a, &total);
		if (quiet_fd >= 0)
			assert_true(total > 0);
	}
	if (found)
		actors_woken(a);
	printf("cpu %d: the reader woke %d time(s), the RT task's wakeup read after %.1f ms "
	       "(the waker pauses 20 ms)\n",
	       a->cpu, wakes, (double)(mono_ns() - t0) / 1e6);
	return found;
}

/* The fds: one per possible CPU, distinct, -1 past them; asking again
 * gives the same. */
static void test_fds(void **state)
{
	struct eg_source *s = open_or_skip();
	int np = nr_possible(), fds[EG_MAX_CPUS + 2], again[EG_MAX_CPUS + 2];

	(void)state;
	assert_true(np > 0 && np <= EG_MAX_CPUS);
	memset(fds, 0x55, sizeof(fds));
	assert_int_equal(eg_source_bpf.rt_wake_fds(s, fds, np + 2), 0);
	for (int cpu = 0; cpu < np; cpu++) {
		assert_true(fds[cpu] >= 0);
		assert_int_not_equal(fds[cpu], eg_source_bpf.fd(s));
		for (int j = 0; j < cpu; j++)
			assert_int_not_equal(fds[cpu], fds[j]);
	}
	assert_int_equal(fds[np], -1);
	assert_int_equal(fds[np + 1], -1);
	assert_int_equal(eg_source_bpf.rt_wake_fds(s, again, np), 0);
	assert_memory_equal(fds, again, sizeof(*fds) * (size_t)np);
	eg_source_bpf.close(s);
}

/* Before rt_wake_fds an RT wakeup makes fd() readable (no utilization
 * record can, here). After, for each online CPU k, one traced on k wakes
 * a reader blocked on fds[k] alone and pinned there, not fd(), and read()
 * returns it; after reading, the reader's next wait sleeps until the next
 * record. */
static void test_wakes_its_cpu_only(void **state)
{
	struct eg_source *s = open_or_skip();
	int np = nr_possible(), fds[EG_MAX_CPUS], ep, total;
	struct actors a;

	(void)state;
	assert_true(np > 0 && np <= EG_MAX_CPUS);
	actors_start(&a, 0);
	assert_true(pin(0));
	ep = epoll_of(eg_source_bpf.fd(s));
	drain(s, NULL, &total);
	assert_int_equal(wake_and_wait(s, &a, ep, -1), 1);
	close(ep);
	actors_stop(&a);

	assert_int_equal(eg_source_bpf.rt_wake_fds(s, fds, np), 0);
	for (int k = 0; k < np; k++) {
		if (!cpu_online(k))
			continue;
		actors_start(&a, k);
		assert_true(pin(k));
		ep = epoll_of(fds[k]);
		drain(s, NULL, &total);
		for (int round = 0; round < ROUNDS; round++)
			assert_int_equal(wake_and_wait(s, &a, ep, eg_source_bpf.fd(s)), 1);
		close(ep);
		actors_stop(&a);
	}
	eg_source_bpf.close(s);
}

/* A reader waiting edge-triggered on fds[k] is woken by each new record
 * even when it read none: it can leave the reading to another thread. */
static void test_edge_reader(void **state)
{
	struct eg_source *s = open_or_skip();
	int np = nr_possible(), fds[EG_MAX_CPUS], ep, total, k;
	struct epoll_event ee = { .events = EPOLLIN | EPOLLET };
	struct actors a;

	(void)state;
	assert_true(np > 0 && np <= EG_MAX_CPUS);
	assert_int_equal(eg_source_bpf.rt_wake_fds(s, fds, np), 0);
	k = np > 1 && cpu_online(1) ? 1 : 0;
	actors_start(&a, k);
	assert_true(pin(k));
	ep = epoll_create1(EPOLL_CLOEXEC);
	assert_true(ep >= 0);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fds[k], &ee), 0);
	drain(s, NULL, &total);
	for (int i = 0; i < 2; i++) {
		actors_wake(&a);
		assert_int_equal(wait_ms(ep, 2000), 1);
		/* (Another RT wakeup may have come first: the record is in
		 * once the waker says it woke the task.) */
		actors_woken(&a);
	}
	assert_int_equal(drain(s, &a, &total), 2);
	close(ep);
	actors_stop(&a);
	eg_source_bpf.close(s);
}

#if HAVE_BPF
struct ring_seen {
	int cpu;
	pid_t pid;
	int found, others, wrong_cpu;
};

static int on_ring_record(void *ctx, void *data, size_t size)
{
	struct ring_seen *seen = ctx;
	const struct eg_bpf_rec *r = data;

	assert_true(size >= sizeof(*r));
	if (r->cpu != seen->cpu)
		seen->wrong_cpu++;
	else if (r->type == EG_BPF_REC_WAKEUP && r->pid == seen->pid)
		seen->found++;
	else
		seen->others++;
	return 0;
}
#endif

/* The fds are the program's RT rings, one per CPU: each online CPU's
 * holds the wakeups traced there and no other CPU's, whatever else wakes
 * meanwhile (read here from under the source, which then never sees
 * them). */
static void test_ring_holds_its_cpu(void **state)
{
	struct eg_source *s = open_or_skip();
#if HAVE_BPF
	int np = nr_possible(), fds[EG_MAX_CPUS], ep, total;
	struct actors a;

	(void)state;
	assert_true(np > 0 && np <= EG_MAX_CPUS);
	assert_int_equal(eg_source_bpf.rt_wake_fds(s, fds, np), 0);
	for (int k = 0; k < np; k++) {
		struct ring_seen seen = { .cpu = k };
		struct ring_buffer *rb;
		uint64_t end;

		if (!cpu_online(k))
			continue;
		actors_start(&a, k);
		seen.pid = a.rt;
		assert_true(pin(k));
		ep = epoll_of(fds[k]);
		drain(s, NULL, &total);
		rb = ring_buffer__new(fds[k], on_ring_record, &seen, NULL);
		assert_non_null(rb);
		actors_wake(&a);
		end = mono_ns() + 2 * NSEC_PER_SEC;
		while (!seen.found && mono_ns() < end) {
			wait_ms(ep, 100);
			assert_true(ring_buffer__consume(rb) >= 0);
		}
		printf("cpu %d's ring: the RT task's wakeup %s, %d other record(s) of cpu %d, "
		       "%d of other CPUs\n",
		       k, seen.found ? "found" : "NOT found", seen.others, k, seen.wrong_cpu);
		assert_int_equal(seen.found, 1);
		assert_int_equal(seen.wrong_cpu, 0);
		ring_buffer__free(rb);
		close(ep);
		actors_stop(&a);
	}
#else
	(void)state;
#endif
	eg_source_bpf.close(s);
}

/* The daemon's own threads (ignore_tids): two RT tasks on one CPU, the
 * source told to ignore the first. Its wakeups never come out, and its
 * blocks count no lost wakeup though none of its wakeups is sent, while
 * the other's wakeups come out as usual. */
static void test_ignored_tids(void **state)
{
	struct eg_source_opts o = { .util_rate_ms = QUIET_RATE_MS };
	struct actors ign, seen;
	struct eg_source *s = NULL;
	int ep, found_ign = 0, found_seen = 0, total;
	char why[256] = "";
	int32_t tid;
	uint32_t lost = 0;

	(void)state;
	if (eg_source_bpf.probe(&o, why, sizeof(why)) < 0) {
		printf("SKIP: bpf source cannot run here: %s\n", why);
		skip();
	}
	actors_start(&ign, 0);
	actors_start(&seen, 0);
	tid = (int32_t)ign.rt;
	o.ignore_tids = &tid;
	o.nr_ignore_tids = 1;
	assert_int_equal(eg_source_bpf.open(&s, &o), 0);
	ep = epoll_of(eg_source_bpf.fd(s));
	for (int i = 0; i < ROUNDS; i++) {
		actors_wake(&ign);
		actors_woken(&ign);
		found_ign += drain(s, &ign, &total);
		found_seen += wake_and_wait(s, &seen, ep, -1);
	}
	/* Blocked again after its last wakeup: a block to judge. */
	for (uint64_t end = mono_ns() + 2 * NSEC_PER_SEC; !sleeping(ign.rt) && mono_ns() < end;)
		sleep_ms(1);
	found_ign += drain(s, &ign, &total);
	printf("ignored task: %d wakeups read; the other: %d of %d\n", found_ign, found_seen,
	       ROUNDS);
	assert_int_equal(found_ign, 0);
	assert_int_equal(found_seen, ROUNDS);
	/* Never seen to block as RT (-ENOENT), or seen with nothing lost. */
	if (eg_sched_bpf_rt_lost(s, tid, &lost) == 0)
		assert_int_equal(lost, 0);
	close(ep);
	eg_source_bpf.close(s);
	actors_stop(&seen);
	actors_stop(&ign);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fds),	     cmocka_unit_test(test_wakes_its_cpu_only),
		cmocka_unit_test(test_edge_reader),  cmocka_unit_test(test_ring_holds_its_cpu),
		cmocka_unit_test(test_ignored_tids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
