// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovd's fast path: a thread pinned on each CPU at SCHED_FIFO
 * fast_path_priority, waiting on the scheduler source's RT wakeup records
 * traced on that CPU, which runs a loop turn the moment one arrives.
 *
 * Why threads: the kernel wakes a record's reader from an irq_work on the
 * CPU that traced it, which is awake by definition. The loop's one thread
 * usually sleeps on another CPU, and waking an idle CPU is an
 * inter-processor interrupt and an idle exit: 100 us at p50 on a 2-vCPU VM
 * against 12 us for a wakeup on the same CPU. A pinned thread is always
 * woken locally, and at a priority above the RT task the record is about it
 * runs before it, writing the ramp first, as the kernel's own schedutil
 * worker (SCHED_DEADLINE, above every RT task) does for slow-switching
 * drivers.
 *
 * The loop's state is single-threaded; the threads and the loop take turns
 * under one priority-inheriting mutex, and a thread's turn is the loop's:
 * read the scheduler source (in time order, everything up to the record),
 * feed, write, then re-arm the loop's timer for what moved.
 *
 * A CPU's record comes from a CPU that is online: a thread woken for one
 * on another CPU has lost its pinning, which kernels before 6.2 drop for
 * good when the CPU goes offline, and pins itself back. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "run.h"
#include "util.h"

enum {
	FAST_TAG_STOP = 1,
	FAST_TAG_RECORD
};

struct fast_cpu {
	struct daemon *d;
	int cpu;
	int epfd;
	pthread_t thread;
	bool running;
	pid_t tid; /* the thread's, once started posts */
	sem_t started;
	bool repin_failed; /* said once */
};

struct fastpath {
	int stop_fd;  /* eventfd in every thread's epoll set: stop */
	int error_fd; /* eventfd in the loop's: a thread stopped on error */
	int error;    /* that error (under the lock) */
	int nr;	      /* CPUs */
	int nr_threads;
	struct fast_cpu cpus[];
};

int daemon_lock_init(struct daemon *d)
{
	pthread_mutexattr_t a;
	int r;

	r = pthread_mutexattr_init(&a);
	if (r == 0)
		r = pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	if (r == 0)
		r = pthread_mutex_init(&d->lock, &a);
	pthread_mutexattr_destroy(&a);
	return -r;
}

void daemon_lock(struct daemon *d)
{
	pthread_mutex_lock(&d->lock);
}

void daemon_unlock(struct daemon *d)
{
	pthread_mutex_unlock(&d->lock);
}

/* One fast turn, with the lock held: the scheduler source up to now, then
 * the loop's common part, and the loop's timer for what moved. */
static int fast_turn(struct daemon *d)
{
	uint64_t now = daemon_now_ns();
	int r;

	d->stats.wakeups++;
	d->stats.fast_wakeups++;
	r = daemon_read_sched_source(d, now);
	if (r == 0)
		r = daemon_turn(d, now, NULL);
	if (r == 0)
		r = daemon_arm_timer(d);
	return r;
}

/* A thread's error stops the daemon: the loop is woken (TAG_FAST) and
 * returns it, as it does its own read errors. With the lock held. */
static void fast_fail(struct fast_cpu *c, int r)
{
	uint64_t one = 1;

	c->d->fast->error = r;
	if (write(c->d->fast->error_fd, &one, sizeof(one)) < 0)
		eg_err("fast path on cpu%d: cannot wake the loop", c->cpu);
}

/* Back on its CPU, from wherever the kernel left it. Not an error when it
 * fails: the CPU may have gone again, and the turn works from any CPU, only
 * later. Without the lock. */
static void fast_repin(struct fast_cpu *c, int on)
{
	cpu_set_t set;
	int r;

	CPU_ZERO(&set);
	CPU_SET(c->cpu, &set);
	r = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (r == 0) {
		eg_notice("fast path: the thread for cpu%d woke on cpu%d (its CPU went offline "
			  "and back?): pinned to cpu%d again",
			  c->cpu, on, c->cpu);
		c->repin_failed = false;
	} else if (!c->repin_failed) {
		eg_warn("fast path: the thread for cpu%d woke on cpu%d and cannot be pinned back: "
			"%s",
			c->cpu, on, strerror(r));
		c->repin_failed = true;
	}
}

static void *fast_main(void *arg)
{
	struct fast_cpu *c = arg;
	struct daemon *d = c->d;
	struct epoll_event ev[2];
	sigset_t all;

	/* Signals are the loop's (signalfd). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	c->tid = gettid();
	sem_post(&c->started);
	for (;;) {
		bool stop = false, record = false;
		int n = epoll_wait(c->epfd, ev, ARRAY_SIZE(ev), -1), r;
		int err = n < 0 ? -errno : 0;
		uint64_t woke = daemon_now_ns();

		if (err == -EINTR)
			continue;
		for (int i = 0; i < n; i++) {
			stop |= ev[i].data.u32 == FAST_TAG_STOP;
			record |= ev[i].data.u32 == FAST_TAG_RECORD;
		}
		if (stop)
			break;
		if (n >= 0 && !record)
			continue;
		if (n > 0) {
			int on = sched_getcpu();

			if (on >= 0 && on != c->cpu)
				fast_repin(c, on);
		}
		daemon_lock(d);
		d->stats.woke_ns = woke;
		r = err ? eg_log_errno(err, "fast path on cpu%d: epoll_wait", c->cpu) :
			  fast_turn(d);
		if (r < 0)
			fast_fail(c, r);
		daemon_unlock(d);
		if (r < 0)
			break;
	}
	return NULL;
}

static int epoll_add(int epfd, int fd, uint32_t tag)
{
	struct epoll_event ee = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ee) < 0 ? -errno : 0;
}

/* The thread for c, pinned and realtime from its first instruction. */
static int fast_spawn(struct fast_cpu *c, unsigned int prio)
{
	struct sched_param sp = { .sched_priority = (int)prio };
	pthread_attr_t a;
	cpu_set_t set;
	char name[16];
	int r;

	CPU_ZERO(&set);
	CPU_SET(c->cpu, &set);
	r = pthread_attr_init(&a);
	if (r)
		return -r;
	r = pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	if (!r)
		r = pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	if (!r)
		r = pthread_attr_setschedparam(&a, &sp);
	if (!r)
		r = pthread_attr_setaffinity_np(&a, sizeof(set), &set);
	if (!r)
		r = pthread_create(&c->thread, &a, fast_main, c);
	pthread_attr_destroy(&a);
	if (r)
		return -r;
	c->running = true;
	/* For ps and top, as the kernel names its per-CPU threads. */
	snprintf(name, sizeof(name), "eagovd-fast/%d", c->cpu);
	pthread_setname_np(c->thread, name);
	while (sem_wait(&c->started) < 0 && errno == EINTR)
		;
	return 0;
}

void daemon_fastpath_stop(struct daemon *d)
{
	struct fastpath *f = d->fast;
	uint64_t one = 1;

	if (!f)
		return;
	if (f->stop_fd >= 0 && write(f->stop_fd, &one, sizeof(one)) < 0)
		eg_err("fast path: cannot stop its threads");
	for (int i = 0; i < f->nr; i++) {
		if (f->cpus[i].running)
			pthread_join(f->cpus[i].thread, NULL);
		if (f->cpus[i].epfd >= 0)
			close(f->cpus[i].epfd);
		sem_destroy(&f->cpus[i].started);
	}
	if (f->error_fd >= 0) {
		epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, f->error_fd, NULL);
		close(f->error_fd);
	}
	if (f->stop_fd >= 0)
		close(f->stop_fd);
	free(f);
	d->fast = NULL;
}

int daemon_fastpath_error(struct daemon *d)
{
	uint64_t x;

	if (!d->fast)
		return 0;
	if (read(d->fast->error_fd, &x, sizeof(x)) < 0 && errno != EAGAIN)
		return eg_log_errno(-errno, "fast path: eventfd");
	return d->fast->error < 0 ? d->fast->error : -EIO;
}

/* The threads, before the source opens (it is told their tids), each
 * waiting on its stop fd alone until daemon_fastpath_attach. Without the
 * privilege for SCHED_FIFO there are none, and the loop takes RT wakeups
 * as it would without a fast path. */
int daemon_fastpath_spawn(struct daemon *d)
{
	int nr = d->model->nr_cpus, r, nr_threads = 0;
	struct fastpath *f;
	cpu_set_t allowed;

	if (!d->conf.fast_path_priority)
		return 0;
	/* Only where eagovd may run: a CPU left out of its affinity
	 * (isolcpus, the unit's CPUAffinity=) is for other work, which a
	 * SCHED_FIFO 99 thread at each of its RT wakeups would disturb. */
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return eg_log_errno(-errno, "fast path: sched_getaffinity");
	f = calloc(1, sizeof(*f) + (size_t)nr * sizeof(f->cpus[0]));
	if (!f)
		return -ENOMEM;
	d->fast = f;
	f->nr = nr;
	for (int i = 0; i < nr; i++) {
		f->cpus[i].d = d;
		f->cpus[i].cpu = i;
		f->cpus[i].epfd = -1;
		sem_init(&f->cpus[i].started, 0, 0);
	}
	f->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	f->error_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->stop_fd < 0 || f->error_fd < 0) {
		r = eg_log_errno(-errno, "fast path: eventfd");
		goto fail;
	}
	r = epoll_add(d->epoll_fd, f->error_fd, TAG_FAST);
	if (r < 0) {
		eg_log_errno(r, "fast path: epoll_ctl");
		goto fail;
	}
	for (int i = 0; i < nr; i++) {
		struct fast_cpu *c = &f->cpus[i];

		c->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (c->epfd < 0) {
			r = eg_log_errno(-errno, "fast path: epoll_create1");
			goto fail;
		}
		r = epoll_add(c->epfd, f->stop_fd, FAST_TAG_STOP);
		if (r < 0) {
			eg_log_errno(r, "fast path: epoll_ctl");
			goto fail;
		}
		if (!CPU_ISSET(i, &allowed)) {
			eg_info("fast path: no thread on cpu%d (outside eagovd's CPUs); its RT "
				"wakeups go to the loop",
				i);
			continue;
		}
		r = fast_spawn(c, d->conf.fast_path_priority);
		if (r == -EPERM) {
			eg_notice("fast path: no SCHED_FIFO %u threads (%s): the loop takes RT "
				  "wakeups",
				  d->conf.fast_path_priority, strerror(-r));
			r = 0;
			goto fail;
		}
		if (r == -EINVAL) {
			/* An offline CPU: its records, if any, go to the loop. */
			eg_info("fast path: no thread on cpu%d (offline?)", i);
			continue;
		}
		if (r < 0) {
			eg_log_errno(r, "fast path: thread on cpu%d", i);
			goto fail;
		}
		nr_threads++;
	}
	f->nr_threads = nr_threads;
	return 0;
fail:
	daemon_fastpath_stop(d);
	return r;
}

int daemon_fastpath_attach(struct daemon *d)
{
	struct source_slot *src = &d->sources[0];
	struct fastpath *f = d->fast;
	int *fds, r;

	if (!f)
		return 0;
	if (!d->nr_sources || !src->open || !src->ops->rt_wake_fds) {
		daemon_fastpath_stop(d);
		return 0;
	}
	fds = malloc((size_t)f->nr * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	r = src->ops->rt_wake_fds(src->handle, fds, f->nr);
	if (r == -EOPNOTSUPP) {
		eg_info("fast path: source %s has no RT wakeup records of its own; the loop "
			"takes RT wakeups",
			src->ops->name);
		free(fds);
		daemon_fastpath_stop(d);
		return 0;
	}
	if (r < 0) {
		free(fds);
		return eg_log_errno(r, "fast path: source %s", src->ops->name);
	}
	for (int i = 0; i < f->nr; i++) {
		struct fast_cpu *c = &f->cpus[i];

		if (fds[i] < 0)
			continue;
		/* Records of a CPU without a thread wake the loop instead
		 * (tag 0: it reads the scheduler source). */
		r = epoll_add(c->running ? c->epfd : d->epoll_fd, fds[i],
			      c->running ? FAST_TAG_RECORD : 0);
		if (r < 0) {
			free(fds);
			return eg_log_errno(r, "fast path: epoll_ctl for cpu%d", i);
		}
	}
	free(fds);
	eg_info("fast path: %d threads at SCHED_FIFO %u take RT wakeups on their CPUs",
		f->nr_threads, d->conf.fast_path_priority);
	return 0;
}

int daemon_self_tids(const struct daemon *d, int32_t *tids)
{
	int nr = 0;

	tids[nr++] = (int32_t)getpid(); /* the loop's thread */
	for (int i = 0; d->fast && i < d->fast->nr && nr < EG_SOURCE_MAX_SELF; i++)
		if (d->fast->cpus[i].running)
			tids[nr++] = (int32_t)d->fast->cpus[i].tid;
	return nr;
}
