// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovd's event loop: the event sources (opened, read in batches, put in
 * time order), feeding the engine and the recorder, the timer for the
 * engine's ticks, sink retries, monitor pushes, status and watchdog, and
 * the signals (SIGHUP reloads, SIGTERM / SIGINT stop).
 *
 * It sleeps until something may change a decision: a source's fd (load
 * changes and RT wakeups), the earliest of the sources' own clocks (poll
 * and perf periods, the bpf source's safety drain), a policy's timer, a
 * write to retry, a control client's deadline, systemd's watchdog or
 * --duration. Nothing else wakes it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "run.h"
#include "util.h"

/* Events read from one source per read() call; a source with more says
 * -EAGAIN and is read again at once. */
#define READ_BATCH 256
/* At most this many engine timer ticks per loop turn: after a long stall
 * (suspend, SIGSTOP) catching up tick by tick would only replay stale
 * samples. */
#define MAX_TICKS_PER_TURN 8

int daemon_open_sources(struct daemon *d)
{
	const struct eg_source_ops *ops;
	char why[768];
	const char *name;
	int r;

	name = d->opts->source ? d->opts->source : eg_source_choice_name(d->conf.source);
	if (strncmp(name, "replay:", 7) == 0) {
		eg_strlcpy(d->replay_path, name + 7, sizeof(d->replay_path));
		name = "replay";
	} else if (eg_streq(name, "replay")) {
		eg_err("--source replay needs a file: replay:FILE");
		return -EINVAL;
	}
	d->source_opts.model = d->model;
	d->source_opts.fs = &d->sysfs;
	d->source_opts.poll_interval_ms = d->conf.poll_interval_ms;
	d->source_opts.replay_path = d->replay_path[0] ? d->replay_path : NULL;
	/* A daemon replaying follows the recording's pace so that timers
	 * and sampling policies see the time the events describe. */
	d->source_opts.replay_realtime = true;
	r = eg_source_select(name, &d->source_opts, &ops, why, sizeof(why));
	if (r < 0) {
		eg_err("scheduler events: %s", why);
		return r;
	}
	if (!ops->open) {
		eg_err("scheduler events: source %s is not available in this build", ops->name);
		return -EOPNOTSUPP;
	}
	eg_notice("scheduler events: %s", why);
	eg_strlcpy(d->source_name, ops->name, sizeof(d->source_name));
	d->sources[0].ops = ops;
	/* The fast path's threads exist before the source, which is told
	 * to ignore them with the loop's own. */
	if (ops->rt_wake_fds) {
		r = daemon_fastpath_spawn(d);
		if (r < 0)
			return r;
	}
	d->source_opts.nr_ignore_tids = daemon_self_tids(d, d->self_tids);
	d->source_opts.ignore_tids = d->self_tids;
	r = ops->open(&d->sources[0].handle, &d->source_opts);
	if (r < 0)
		return eg_log_errno(r, "source %s", ops->name);
	d->sources[0].open = true;
	d->nr_sources = 1;
	for (size_t i = 0; eg_sources[i] && d->nr_sources < MAX_SOURCES; i++) {
		struct source_slot *s = &d->sources[d->nr_sources];

		ops = eg_sources[i];
		if (ops->kind == EG_SOURCE_SCHED || !ops->open)
			continue;
		why[0] = '\0';
		r = ops->probe ? ops->probe(&d->source_opts, why, sizeof(why)) : 0;
		if (r < 0) {
			eg_info("source %s: not used: %s", ops->name, why);
			continue;
		}
		r = ops->open(&s->handle, &d->source_opts);
		if (r < 0) {
			eg_warn_errno(r, "source %s: open", ops->name);
			continue;
		}
		eg_notice("source %s: on", ops->name);
		s->ops = ops;
		s->open = true;
		d->nr_sources++;
	}
	for (int i = 0; i < d->nr_sources; i++) {
		struct source_slot *s = &d->sources[i];
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };

		s->fd = s->ops->fd ? s->ops->fd(s->handle) : -1;
		if (s->fd >= 0 && epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, s->fd, &ev) < 0)
			return eg_log_errno(-errno, "epoll: source %s", s->ops->name);
	}
	return daemon_fastpath_attach(d);
}

static void close_source(struct daemon *d, struct source_slot *s)
{
	if (!s->open)
		return;
	if (s->fd >= 0)
		epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
	if (s->ops->close)
		s->ops->close(s->handle);
	s->open = false;
	s->fd = -1;
}

static int batch_grow(struct daemon *d, int more)
{
	struct eg_event *n;
	int cap;

	if (d->nr_event_batch + more <= d->event_batch_cap)
		return 0;
	cap = EG_MAX(d->event_batch_cap * 2, d->nr_event_batch + more);
	n = realloc(d->event_batch, (size_t)cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	d->event_batch = n;
	d->event_batch_cap = cap;
	return 0;
}

/* Read everything a source has at now into the batch. A scheduler source
 * that fails is fatal; a thermal or device source is dropped. */
static int read_source(struct daemon *d, struct source_slot *s, uint64_t now)
{
	int r;

	s->read_ns = now;
	for (int rounds = 0; rounds < 64; rounds++) {
		if (batch_grow(d, READ_BATCH) < 0)
			return -ENOMEM;
		r = s->ops->read(s->handle, now, d->event_batch + d->nr_event_batch, READ_BATCH);
		if (r > 0 || r == -EAGAIN)
			d->nr_event_batch += r > 0 ? r : READ_BATCH;
		if (r != -EAGAIN)
			break;
	}
	if (r >= 0 || r == -EAGAIN)
		return 0;
	if (r == -ENODATA) {
		eg_notice("source %s: end of events", s->ops->name);
		close_source(d, s);
		if (s->ops->kind == EG_SOURCE_SCHED)
			d->sched_ended = true;
		return 0;
	}
	if (s->ops->kind == EG_SOURCE_SCHED)
		return eg_log_errno(r, "source %s: read", s->ops->name);
	eg_warn_errno(r, "source %s: read; dropping it", s->ops->name);
	close_source(d, s);
	return 0;
}

void daemon_close_sources(struct daemon *d)
{
	for (int i = 0; i < d->nr_sources; i++)
		close_source(d, &d->sources[i]);
}

/* Put the batch in time order, keeping the read order of events with the
 * same time stamp (a merge sort, stable). qsort is not stable: equal
 * times could be fed in a different order on each run, and a replay of a
 * recording (written in feed order) would then not decide as the run that
 * made it did. */
static int sort_batch(struct daemon *d)
{
	struct eg_event *a = d->event_batch, *tmp;
	size_t n = (size_t)d->nr_event_batch, in_order = 1;

	/* Mostly one source, already in order: nothing to do. */
	while (in_order < n && a[in_order - 1].ts <= a[in_order].ts)
		in_order++;
	if (in_order >= n)
		return 0;
	/* The scratch is kept: no allocation on the way to a fast ramp once
	 * the batches have reached their size. */
	if (d->sort_tmp_cap < d->event_batch_cap) {
		tmp = realloc(d->sort_tmp, (size_t)d->event_batch_cap * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		d->sort_tmp = tmp;
		d->sort_tmp_cap = d->event_batch_cap;
	}
	tmp = d->sort_tmp;
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = EG_MIN(lo + width, n), hi = EG_MIN(lo + 2 * width, n);
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = a[j].ts < a[i].ts ? a[j++] : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, n * sizeof(*a));
	}
	return 0;
}

static void power_source(struct daemon *d, bool on_ac)
{
	int p = on_ac ? d->conf.profile_on_ac : d->conf.profile_on_battery;

	if (p < 0 || d->profile_from_cli)
		return;
	eg_notice("power source: %s; profile %s", on_ac ? "AC" : "battery",
		  eg_profile_name((enum eg_profile)p));
	if (daemon_switch_profile(d, (enum eg_profile)p, PROFILE_AUTOMATIC) < 0)
		eg_err("profile %s not applied", eg_profile_name((enum eg_profile)p));
}

void daemon_record(struct daemon *d, const struct eg_event *ev)
{
	if (d->recorder && eg_record_write(d->recorder, ev) < 0) {
		eg_err("--record: write failed; recording stopped");
		eg_record_close(d->recorder);
		d->recorder = NULL;
	}
}

int daemon_feed(struct daemon *d, struct eg_event *ev, uint64_t now)
{
	int r;

	/* The engine's signals need non-decreasing time; events of different
	 * sources read in one turn can straddle each other by a little. */
	if (ev->ts < d->last_event_ns)
		ev->ts = d->last_event_ns;
	d->last_event_ns = ev->ts;
	/* A replay: the engine starts at the recording's first event, the
	 * TICK eagovd --record writes where its engine started, which is
	 * then spent (the build records its own). Decisions depend on how
	 * long after the start each event comes, so a replay must start
	 * where the recorded run did, not whenever it got going itself. */
	if (!d->engine) {
		r = daemon_engine_build(d, d->profile, ev->ts);
		if (r < 0)
			return r;
		if (ev->type == EG_EV_TICK)
			return 0;
	}
	daemon_record(d, ev);
	if (ev->type == EG_EV_TEMP && ev->temp.zone >= 0 && ev->temp.zone < EG_MAX_ZONES) {
		d->zone_temp_known[ev->temp.zone] = true;
		d->zone_temp_mc[ev->temp.zone] = ev->temp.temp_mc;
	}
	if (ev->type == EG_EV_POWER_SOURCE) {
		power_source(d, ev->power.on_ac);
		return 0;
	}
	if ((ev->type == EG_EV_CPU_OFFLINE || ev->type == EG_EV_CPU_ONLINE) && ev->cpu >= 0 &&
	    ev->cpu < EG_MAX_CPUS) {
		d->cpu_offline[ev->cpu] = ev->type == EG_EV_CPU_OFFLINE;
		eg_info("cpu %d %s", (int)ev->cpu, d->cpu_offline[ev->cpu] ? "offline" : "online");
	}
	r = eg_engine_event(d->engine, ev, &d->decisions);
	if (r < 0 && d->nr_engine_errors++ < 4)
		eg_warn("engine refused a %s event on cpu %d: %s", eg_event_type_name(ev->type),
			(int)ev->cpu, strerror(-r));
	daemon_apply_decisions(d, now, ev->type == EG_EV_TICK ? NULL : ev);
	return 0;
}

static uint64_t next_deadline(const struct daemon *d)
{
	uint64_t t = d->engine ? eg_engine_next_timer(d->engine) : EG_NEVER;

	for (int i = 0; i < d->nr_sources; i++)
		if (d->sources[i].open && d->sources[i].ops->next_timeout)
			t = EG_MIN(t, d->sources[i].ops->next_timeout(d->sources[i].handle));
	t = EG_MIN(t, d->sink->next_retry(d));
	if (d->control)
		t = EG_MIN(t, eg_control_next_tick(d->control));
	t = EG_MIN(t, d->next_watchdog_ns);
	return EG_MIN(t, d->duration_end_ns);
}

/* Tell the sources each CPU's util scale whenever it moves (with its
 * domain's frequency). */
static void push_util_scales(struct daemon *d)
{
	for (int cpu = 0; cpu < d->model->nr_cpus && cpu < EG_MAX_CPUS; cpu++) {
		uint32_t v = eg_engine_cpu_util_scale(d->engine, cpu);

		if (v == d->util_scale_sent[cpu])
			continue;
		d->util_scale_sent[cpu] = v;
		for (int i = 0; i < d->nr_sources; i++)
			if (d->sources[i].open && d->sources[i].ops->set_cpu_util_scale)
				d->sources[i].ops->set_cpu_util_scale(d->sources[i].handle, cpu, v);
	}
}

/* Tell the sources the util change that matters to the engine in force
 * whenever it changes (an engine built, rebuilt, or a governor swapped),
 * and how each CPU's busy time turns into util. */
static void push_util_threshold(struct daemon *d)
{
	uint32_t t = eg_engine_util_threshold(d->engine), f = eg_engine_util_floor(d->engine);

	push_util_scales(d);
	if (t == d->util_threshold_sent && f == d->util_floor_sent)
		return;
	d->util_threshold_sent = t;
	d->util_floor_sent = f;
	for (int i = 0; i < d->nr_sources; i++)
		if (d->sources[i].open && d->sources[i].ops->set_util_threshold)
			d->sources[i].ops->set_util_threshold(d->sources[i].handle, t, f);
	eg_info("sources: a utilization change of %u/1024 matters to the policies, none under "
		"%u/1024",
		t, f);
}

/* Have every source that holds changes back bring them all at its next
 * read, which the loop then does at once (next_timeout says so). */
static void sync_sources(struct daemon *d)
{
	for (int i = 0; i < d->nr_sources; i++)
		if (d->sources[i].open && d->sources[i].ops->sync) {
			d->sources[i].ops->sync(d->sources[i].handle);
			d->sources[i].read_ns = 0; /* what it held comes next read */
		}
}

static int arm_timer(struct daemon *d, uint64_t t)
{
	struct itimerspec its = { 0 };

	if (t == 0)
		t = 1; /* 0 would disarm; anything in the past fires at once */
	/* Armed for that already and not fired since: a system call saved
	 * on most turns, and on the fast path, before the RT task runs. */
	if (d->timer_armed && d->timer_armed_ns == t)
		return 0;
	/* Nothing to wait for but fds: disarmed (it_value 0). */
	if (t != EG_NEVER) {
		its.it_value.tv_sec = (time_t)(t / NSEC_PER_SEC);
		its.it_value.tv_nsec = (long)(t % NSEC_PER_SEC);
	}
	if (timerfd_settime(d->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		d->timer_armed = false;
		return eg_log_errno(-errno, "timerfd");
	}
	d->timer_armed = true;
	d->timer_armed_ns = t;
	return 0;
}

static int handle_signal(struct daemon *d, bool *stop)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while ((n = read(d->signal_fd, &si, sizeof(si))) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			int r = daemon_reload(d);

			if (r < 0)
				return r;
		} else {
			eg_notice("%s: stopping", strsignal((int)si.ssi_signo));
			*stop = true;
		}
	}
	return 0;
}

/* Everything a turn does once its fds are handled: read the sources due
 * (or worth reading at any wakeup), feed the batch in time order, run the
 * engine's ticks, write what was held, retry, and tell the sources what
 * moved. With the lock held; 0 or a fatal -errno. */
int daemon_turn(struct daemon *d, uint64_t now, bool *control_ready)
{
	int r;

	/* A sampling policy or a monitor push is due: the sources
	 * bring every CPU up to date first (they may hold small
	 * changes back). */
	if ((d->engine && eg_engine_next_timer(d->engine) <= now) ||
	    (d->control && eg_control_next_tick(d->control) <= now))
		sync_sources(d);
	/* Sources that want reading on their own clock (poll sampling,
	 * batching) whether or not their fd woke us, and those that
	 * keep what they did not wake us for until we are up anyway
	 * unless this turn read them already (a fast turn always has). */
	for (int i = 0; i < d->nr_sources; i++) {
		struct source_slot *s = &d->sources[i];

		if (s->open && ((s->ops->read_at_wakeups && s->read_ns != now) ||
				(s->ops->next_timeout && s->ops->next_timeout(s->handle) <= now))) {
			r = read_source(d, s, now);
			if (r < 0)
				return r;
		}
	}
	if (sort_batch(d) < 0)
		return eg_log_errno(-ENOMEM, "event batch");
	d->stats.events += (uint64_t)d->nr_event_batch;
	/* The batch's frequency requests are held and written once
	 * per domain at its end (urgent ones at once): a fast ramp
	 * waits for no write that it replaces. */
	d->in_batch = true;
	for (int i = 0; i < d->nr_event_batch; i++) {
		r = daemon_feed(d, &d->event_batch[i], now);
		if (r < 0) {
			d->in_batch = false;
			return r;
		}
	}
	now = EG_MAX(daemon_now_ns(), d->last_event_ns);
	for (int k = 0;
	     d->engine && k < MAX_TICKS_PER_TURN && eg_engine_next_timer(d->engine) <= now; k++) {
		struct eg_event tick = { .ts = now, .type = EG_EV_TICK, .cpu = -1 };

		daemon_feed(d, &tick, now);
	}
	d->in_batch = false;
	d->sink->flush(d);
	if (control_ready && *control_ready) {
		r = eg_control_dispatch(d->control, now);
		if (r < 0)
			eg_warn_errno(r, "control socket");
	}
	d->sink->retry(d, now);
	/* After everything that may have moved a frequency this turn. */
	if (d->engine)
		push_util_threshold(d);
	if (d->recorder)
		eg_record_flush(d->recorder);
	d->nr_event_batch = 0;
	return 0;
}

int daemon_read_sched_source(struct daemon *d, uint64_t now)
{
	d->nr_event_batch = 0;
	if (!d->nr_sources || !d->sources[0].open)
		return 0;
	return read_source(d, &d->sources[0], now);
}

int daemon_arm_timer(struct daemon *d)
{
	return arm_timer(d, next_deadline(d));
}

int daemon_loop(struct daemon *d)
{
	struct epoll_event evs[16];
	bool stop = false;
	int r = 0;

	while (!stop) {
		bool control_ready = false;
		uint64_t now, woke;
		int n;

		r = arm_timer(d, next_deadline(d));
		if (r < 0)
			break;
		/* The fast-path threads run turns of their own meanwhile. */
		daemon_unlock(d);
		n = epoll_wait(d->epoll_fd, evs, ARRAY_SIZE(evs), -1);
		woke = daemon_now_ns();
		daemon_lock(d);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = eg_log_errno(-errno, "epoll_wait");
			break;
		}
		now = daemon_now_ns();
		d->stats.woke_ns = woke;
		d->stats.wakeups++;
		d->nr_event_batch = 0;
		r = 0;
		for (int i = 0; i < n && r == 0; i++) {
			uint32_t tag = evs[i].data.u32;

			if (tag == TAG_TIMER) {
				uint64_t x;

				d->timer_armed = false; /* fired: one-shot */
				if (read(d->timer_fd, &x, sizeof(x)) < 0 && errno != EAGAIN)
					r = eg_log_errno(-errno, "timerfd read");
			} else if (tag == TAG_SIGNAL) {
				r = handle_signal(d, &stop);
			} else if (tag == TAG_DBUS) {
				daemon_dispatch_dbus(d);
			} else if (tag == TAG_CONTROL) {
				/* Answered once the sources are read up to now:
				 * a status then shows the load of this instant,
				 * not of the sources' last heartbeat. */
				control_ready = true;
				sync_sources(d);
			} else if (tag == TAG_FAST) {
				r = daemon_fastpath_error(d);
			} else if (tag < (uint32_t)d->nr_sources && d->sources[tag].open) {
				r = read_source(d, &d->sources[tag], now);
			}
		}
		if (r < 0 || stop)
			break;
		r = daemon_turn(d, now, &control_ready);
		if (r < 0)
			break;
		now = EG_MAX(daemon_now_ns(), d->last_event_ns);
		/* Monitor pushes: the loop's alone, never a fast turn's. */
		if (d->control)
			eg_control_tick(d->control, now);
		if (now >= d->next_status_ns) {
			daemon_update_status(d);
			d->next_status_ns = now + STATUS_PERIOD_NS;
		}
		if (now >= d->next_watchdog_ns) {
			sd_notify(0, "WATCHDOG=1");
			d->next_watchdog_ns = now + d->watchdog_period_ns;
		}
		if (now >= d->duration_end_ns) {
			eg_notice("--duration reached: stopping");
			break;
		}
		/* A replay that has played its last event has nothing more to
		 * say: stop (and restore) as on SIGTERM, exit status 0. The
		 * events read with the end were fed above. */
		if (d->sched_ended) {
			eg_notice("scheduler events ended (end of the recording): stopping");
			break;
		}
	}
	return r < 0 ? r : 0;
}
