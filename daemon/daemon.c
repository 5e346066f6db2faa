// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovd's run mode: start-up (stale state, model, engine, sinks, sources,
 * control socket), applying the engine's decisions, rebuilding the engine
 * (profile, governor, reload), and the restore on the way out. The event
 * loop is in loop.c, the device choice in device.c. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
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

#include "config.h"
#include "log.h"
#include "run.h"
#include "tunables.h"
#include "util.h"

uint64_t daemon_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void daemon_log_error(const char *what, const struct eg_error *err)
{
	char buf[600];

	eg_error_format(err, buf, sizeof(buf));
	eg_err("%s%s", what, buf);
}

/* A frequency now in effect: the engine's frequency invariance (util
 * scaled by cur / max) needs it, and no source reports it (the userspace
 * governor runs the policy at what was written). A dry run assumes its
 * decisions took effect, so that it decides as the real run would. Not
 * recorded: a replay derives it again from the replayed events. */
static void freq_applied(struct daemon *d, const struct eg_decision *x)
{
	struct eg_event ev = { .ts = EG_MAX(x->ts, d->last_event_ns),
			       .type = EG_EV_FREQ,
			       .cpu = -1 };
	struct eg_decisions none;

	ev.freq.pd = x->target;
	ev.freq.khz = x->value;
	none.n = 0;
	none.overflow = false;
	/* A FREQ event only updates the engine's state: no decisions. */
	if (eg_engine_event(d->engine, &ev, &none) < 0 || none.n)
		eg_debug("frequency %" PRIu32 " of domain %d not taken", x->value, (int)x->target);
}

/* Apply (or print) the pending decisions; cause is the event that produced
 * them (NULL: start, reload, ticks). */
void daemon_apply_decisions(struct daemon *d, uint64_t now, const struct eg_event *cause)
{
	for (int i = 0; i < d->decisions.n; i++) {
		const struct eg_decision *x = &d->decisions.d[i];
		int r;

		stats_decision(&d->stats, x);
		daemon_note_decision(d, x);
		r = d->sink->apply(d, x, now);
		/* -EAGAIN: queued behind a back-off; -ENODEV: no knob (a domain
		 * without a policy, an unplugged CPU). Write failures were
		 * logged once by the sink. Neither stops the loop. */
		if (r < 0 && r != -EAGAIN && r != -ENODEV)
			eg_debug("%s %d: %s", eg_decision_type_name(x->type), (int)x->target,
				 strerror(-r));
		if (r < 0)
			continue;
		/* Timed first: the engine's bookkeeping below is no part of
		 * the write. */
		stats_applied(&d->stats, x, cause);
		if (x->type == EG_DEC_SET_FREQ)
			freq_applied(d, x);
	}
	if (!d->in_batch)
		d->sink->flush(d);
	daemon_degraded_update(d);
	if (d->decisions.overflow)
		eg_warn("more than %d decisions at once; the oldest were kept", EG_MAX_DECISIONS);
	d->decisions.n = 0;
	d->decisions.overflow = false;
}

static void domain_state(const struct daemon *d, int i, uint32_t *cur, uint32_t *min, uint32_t *max)
{
	const struct eg_pd *pd = &d->model->pds[i];
	char path[EG_PATH_MAX];
	uint32_t orig_min, orig_max;

	*cur = *max = eg_pd_max_khz(pd);
	*min = eg_pd_min_khz(pd);
	if (!pd->sysfs_policy[0])
		return;
#define RD(name, out)                                                         \
	do {                                                                  \
		uint32_t v;                                                   \
		if (eg_sysfs_path(&d->sysfs, path, sizeof(path),              \
				  "/sys/devices/system/cpu/cpufreq/%s/" name, \
				  pd->sysfs_policy) == 0 &&                   \
		    eg_sysfs_read_u32(path, &v) == 0 && v)                    \
			*(out) = v;                                           \
	} while (0)
	RD("scaling_cur_freq", cur);
	RD("scaling_min_freq", min);
	RD("scaling_max_freq", max);
#undef RD
	/* What sysfs shows once eagovd has written is its own doing: the
	 * limits before it are the ones to start from. */
	d->sink->original_limits(d, i, &orig_min, &orig_max);
	*min = orig_min ? orig_min : *min;
	*max = orig_max ? orig_max : *max;
}

/* A new engine for profile p (at start, on reload and on a power-source
 * change). The utilization history starts over: the engine's signals are
 * built for one configuration, and a fresh start costs only the few
 * milliseconds the signals need to ramp. */
int daemon_engine_build(struct daemon *d, enum eg_profile p, uint64_t now)
{
	struct eg_engine_config cfg;
	struct eg_engine *e;
	struct eg_error err = { 0 };
	bool first = !d->engine;
	int r;

	r = eg_policy_conf_resolve(d->policy_conf, d->model, p, &cfg, &err);
	if (r < 0) {
		daemon_log_error("policy: ", &err);
		return r;
	}
	for (int i = 0; i < d->model->nr_pds; i++) {
		const struct eg_freq_policy_ops *ops = eg_freq_policy_find(d->governor_override[i]);

		if (!d->governor_override[i][0] || !ops || ops == cfg.freq[i])
			continue;
		r = eg_engine_config_set_freq(&cfg, i, ops);
		if (r < 0) {
			eg_engine_config_free(&cfg);
			return r;
		}
	}
	/* An overriding governor brings its own thermal settings, as it
	 * would from the device file. */
	r = eg_policy_conf_thermal_tunables(d->policy_conf, d->model, p, &cfg, &err);
	if (r < 0) {
		daemon_log_error("policy: ", &err);
		eg_engine_config_free(&cfg);
		return r;
	}
	if (d->engine) {
		eg_engine_free(d->engine);
		d->engine = NULL;
		eg_engine_config_free(&d->engine_config);
	}
	d->engine_config = cfg;
	r = eg_engine_new(&e, d->model, &d->engine_config, now);
	if (r < 0) {
		eg_engine_config_free(&d->engine_config);
		return eg_log_errno(r, "engine");
	}
	d->engine = e;
	d->profile = p;
	/* A new engine starts without zone caps; its decisions set them again. */
	memset(d->thermal_capped, 0, sizeof(d->thermal_capped));
	memset(d->profile_cap_khz, 0, sizeof(d->profile_cap_khz));
	/* The recording starts where the engine does: a replay starts its
	 * engine at this TICK, so that every event comes as long after the
	 * start as here (the signals begin at the start, and the first
	 * samples' windows reach back past it). */
	if (first && d->recorder) {
		struct eg_event start = { .ts = now, .type = EG_EV_TICK, .cpu = -1 };

		daemon_record(d, &start);
	}
	for (int i = 0; i < d->model->nr_pds; i++) {
		uint32_t cur, min, max;

		domain_state(d, i, &cur, &min, &max);
		eg_engine_set_domain_state(e, i, cur, min, max);
	}
	/* busy_pct windows start over with the new signals. */
	for (int i = 0; i < EG_MAX_CPUS; i++)
		d->busy_snap[i] = (struct busy_snap){ .busy_ns = 0, .t_ns = now };
	r = eg_engine_start(e, now, &d->decisions);
	if (r < 0)
		return eg_log_errno(r, "engine start");
	/* A profile switch, reload or governor change must not bring an
	 * unplugged CPU back into its domain's plan. The time is the latest
	 * the engine may have seen, as feed() keeps it non-decreasing. */
	for (int cpu = 0; cpu < d->model->nr_cpus && cpu < EG_MAX_CPUS; cpu++) {
		struct eg_event ev = { .ts = EG_MAX(now, d->last_event_ns),
				       .cpu = (int16_t)cpu,
				       .type = EG_EV_CPU_OFFLINE };

		if (!d->cpu_offline[cpu])
			continue;
		r = eg_engine_event(e, &ev, &d->decisions);
		if (r < 0)
			eg_warn("engine refused cpu %d offline: %s", cpu, strerror(-r));
	}
	daemon_apply_decisions(d, now, NULL);
	return 0;
}

void daemon_update_status(struct daemon *d)
{
	char buf[512];
	size_t off;

	off = (size_t)snprintf(buf, sizeof(buf), "source %s, profile %s%s, %d domain%s",
			       d->source_name, eg_profile_name(d->profile),
			       d->opts->dry_run ? ", dry run" : "", d->model->nr_pds,
			       d->model->nr_pds == 1 ? "" : "s");
	for (int i = 0; d->engine && i < d->model->nr_pds && off < sizeof(buf); i++) {
		struct eg_pd_status st;

		eg_engine_pd_status(d->engine, i, &st);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s %s %" PRIu32 " MHz",
					i ? "," : ":", d->model->pds[i].name, st.cur_khz / 1000);
	}
	sd_notifyf(0, "STATUS=%s", buf);
}

/* SIGHUP: re-read eagov.conf and the device file. Anything wrong (a parse
 * error, a device file whose domains differ from the running ones, a policy
 * that does not resolve) is logged and the running configuration stays. */
int daemon_reload(struct daemon *d)
{
	struct eg_daemon_conf c;
	_cleanup_free_ struct eg_model *m = malloc(sizeof(*m));
	_cleanup_free_ struct eg_policy_conf *pc = malloc(sizeof(*pc));
	struct eg_engine_config cfg;
	struct eg_error err = { 0 };
	char device[EG_PATH_MAX];
	enum eg_profile p;
	const char *keep = "reload rejected; the running configuration stays";

	eg_notice("SIGHUP: reloading the configuration");
	if (!m || !pc)
		return -ENOMEM;
	if (daemon_load_conf(d, &c) < 0 ||
	    daemon_choose_device(d, &c, device, sizeof(device)) < 0 ||
	    daemon_load_model(d, device, m, pc) < 0) {
		eg_err("%s", keep);
		return 0;
	}
	if (m->nr_pds != d->model->nr_pds || m->nr_cpus != d->model->nr_cpus) {
		eg_err("%s: %d domains over %d CPUs, %d over %d running; restart eagovd for "
		       "that",
		       keep, m->nr_pds, m->nr_cpus, d->model->nr_pds, d->model->nr_cpus);
		return 0;
	}
	for (int i = 0; i < m->nr_pds; i++) {
		if (memcmp(&m->pds[i].cpus, &d->model->pds[i].cpus, sizeof(eg_cpumask_t))) {
			eg_err("%s: domain %s has other CPUs; restart eagovd for that", keep,
			       m->pds[i].name);
			return 0;
		}
	}
	p = d->profile_from_cli || d->profile_chosen ? d->profile : c.profile;
	if (eg_policy_conf_resolve(pc, m, p, &cfg, &err) < 0) {
		daemon_log_error("", &err);
		eg_err("%s", keep);
		return 0;
	}
	eg_engine_config_free(&cfg);
	if (!eg_streq(eg_source_choice_name(c.source), eg_source_choice_name(d->conf.source)) ||
	    c.poll_interval_ms != d->conf.poll_interval_ms)
		eg_notice("source settings take effect at the next start");
	if (c.rt_priority != d->conf.rt_priority ||
	    c.fast_path_priority != d->conf.fast_path_priority)
		eg_notice("scheduling priorities take effect at the next start");
	/* Same layout: the model is replaced in place, so sources and sinks
	 * keep valid pointers; the engine is rebuilt on it. */
	eg_engine_free(d->engine);
	d->engine = NULL;
	eg_engine_config_free(&d->engine_config);
	*d->model = *m;
	*d->policy_conf = *pc;
	d->conf = c;
	eg_strlcpy(d->device_path, device, sizeof(d->device_path));
	if (!d->opts->log_level && !d->opts->nr_verbose)
		eg_log_set_level(c.log_level);
	/* The profile eagov.conf gives is the daemon's own choice, which D-Bus
	 * holds outrank; one chosen by a user or on the command line stays. */
	if (daemon_switch_profile(d, p,
				  d->profile_from_cli || d->profile_chosen ? PROFILE_RELOAD :
									     PROFILE_AUTOMATIC) < 0)
		return -EINVAL; /* the config resolved above: only ENOMEM gets here */
	eg_notice("reloaded: device %s, profile %s", device[0] ? device : "discovered",
		  eg_profile_name(p));
	daemon_update_status(d);
	return 0;
}

static int setup_fds(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t mask;

	d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epoll_fd < 0)
		return eg_log_errno(-errno, "epoll_create1");
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->timer_fd < 0)
		return eg_log_errno(-errno, "timerfd_create");
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return eg_log_errno(-errno, "sigprocmask");
	d->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->signal_fd < 0)
		return eg_log_errno(-errno, "signalfd");
	ev.data.u32 = TAG_TIMER;
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, d->timer_fd, &ev) < 0)
		return eg_log_errno(-errno, "epoll_ctl");
	ev.data.u32 = TAG_SIGNAL;
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, d->signal_fd, &ev) < 0)
		return eg_log_errno(-errno, "epoll_ctl");
	return 0;
}

static int open_sinks(struct daemon *d, uint64_t now)
{
	int r;

	r = eg_state_init(&d->state, d->opts->state_file ? d->opts->state_file : NULL);
	if (r < 0)
		return eg_log_errno(r, "state file");
	if (!d->opts->state_file) {
		char path[EG_PATH_MAX];

		if (snprintf(path, sizeof(path), "%s/state", d->state_dir) >= (int)sizeof(path))
			return eg_log_errno(-ENAMETOOLONG, "state_dir");
		eg_strlcpy(d->state.file, path, sizeof(d->state.file));
	}
	return d->sink->open(d, now);
}

/* eg_state_restore_file, with knobs that vanished (a CPU unplugged since)
 * not counted as failures: there is nothing left to put back there, and
 * the state file is gone exactly when everything else was restored. */
static int restore_file(const char *file)
{
	int r = eg_state_restore_file(file);

	if (r < 0 && !eg_state_file_exists(file)) {
		eg_notice("restored from %s; knobs that no longer exist were skipped", file);
		return 0;
	}
	if (r < 0)
		eg_err("restore from %s incomplete (%s); what failed stays in the file for "
		       "eagovd --restore",
		       file, strerror(-r));
	return r;
}

/* Put everything back: sinks closed (the DMA latency request drops with its
 * fd), then every saved original written back and the state file removed. */
static int teardown(struct daemon *d)
{
	int r = 0;

	daemon_close_sources(d);
	daemon_close_dbus(d);
	eg_control_close(d->control);
	d->control = NULL;
	if (d->recorder && eg_record_close(d->recorder) < 0)
		eg_err("--record: the recording may be incomplete");
	d->recorder = NULL;
	d->sink->close(d);
	if (d->state_in_use) {
		r = restore_file(d->state.file);
		if (r == 0)
			eg_notice("original settings restored");
	}
	if (d->engine)
		eg_engine_free(d->engine);
	d->engine = NULL;
	eg_engine_config_free(&d->engine_config);
	eg_state_free(&d->state);
	if (d->epoll_fd >= 0)
		close(d->epoll_fd);
	if (d->timer_fd >= 0)
		close(d->timer_fd);
	if (d->signal_fd >= 0)
		close(d->signal_fd);
	free(d->event_batch);
	free(d->sort_tmp);
	free(d->model);
	free(d->policy_conf);
	return r;
}

/* The fast ramp (an RT wakeup read, decided and written) must not queue
 * behind the normal tasks whose load it serves: eagovd runs at a low
 * SCHED_FIFO priority, as the kernel's schedutil worker runs above every
 * fair task. A daemon started in a realtime class already (the unit's
 * CPUSchedulingPolicy=) keeps it; one without the privilege runs on as a
 * normal task, saying so. */
static void raise_priority(const struct daemon *d)
{
	struct sched_param sp = { .sched_priority = (int)d->conf.rt_priority };
	int policy = sched_getscheduler(0);

	if (!d->conf.rt_priority)
		return;
	if (policy == SCHED_FIFO || policy == SCHED_RR) {
		eg_info("scheduling: already realtime (%s); rt_priority %u not applied",
			policy == SCHED_FIFO ? "SCHED_FIFO" : "SCHED_RR", d->conf.rt_priority);
		return;
	}
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) < 0) {
		eg_notice("scheduling: cannot run at SCHED_FIFO %u (%s): running as a normal "
			  "task, the fast ramp may wait behind other tasks",
			  d->conf.rt_priority, strerror(errno));
		return;
	}
	eg_info("scheduling: SCHED_FIFO %u", d->conf.rt_priority);
}

static int start(struct daemon *d)
{
	uint64_t now;
	uint64_t usec = 0;
	int r;

	if (d->opts->config) {
		eg_strlcpy(d->config_path, d->opts->config, sizeof(d->config_path));
		d->config_explicit = true;
	} else {
		eg_strlcpy(d->config_path, EAGOV_SYSCONFDIR "/eagov.conf", sizeof(d->config_path));
	}
	r = daemon_load_conf(d, &d->conf);
	if (r < 0)
		return r;
	if (!d->opts->log_level && !d->opts->nr_verbose)
		eg_log_set_level(d->conf.log_level);
	r = daemon_resolve_paths(d);
	if (r < 0)
		return r;
	d->profile = d->conf.profile;
	if (!d->opts->profile && daemon_load_saved_profile(d, &d->profile) == 0)
		d->profile_chosen = true;
	if (d->opts->profile) {
		if (eg_profile_from_string(d->opts->profile, &d->profile) < 0) {
			eg_err("unknown profile '%s' (power-saver, balanced, performance)",
			       d->opts->profile);
			return -EINVAL;
		}
		d->profile_from_cli = true;
	}
	r = eg_sysfs_init(&d->sysfs, d->opts->sysfs_root);
	if (r < 0)
		return eg_log_errno(r, "--sysfs-root");
	r = daemon_choose_device(d, &d->conf, d->device_path, sizeof(d->device_path));
	if (r < 0)
		return r;
	if (d->device_path[0])
		eg_notice("device file: %s", d->device_path);
	else
		eg_notice("device file: none matches this machine; using discovery alone");
	d->model = malloc(sizeof(*d->model));
	d->policy_conf = malloc(sizeof(*d->policy_conf));
	if (!d->model || !d->policy_conf)
		return -ENOMEM;
	r = daemon_load_model(d, d->device_path, d->model, d->policy_conf);
	if (r < 0)
		return r;
	now = daemon_now_ns();
	d->start_ns = now;
	r = setup_fds(d);
	if (r < 0)
		return r;
	/* Everything that can refuse the run comes before the first write to
	 * the machine: a second eagovd (its control socket answers) must not
	 * restore the first one's state file, and a source that cannot open
	 * leaves nothing to undo. The control socket is also up by the first
	 * write, so whoever sees eagovd acting can reach it. */
	r = daemon_open_control(d);
	if (r < 0)
		return r;
	r = daemon_open_sources(d);
	if (r < 0)
		return r;
	r = daemon_open_dbus(d);
	if (r < 0)
		return r;
	if (d->opts->record) {
		r = eg_record_open(&d->recorder, d->opts->record, d->model);
		if (r < 0)
			return eg_log_errno(r, "--record %s", d->opts->record);
		eg_notice("recording events to %s", d->opts->record);
	}
	r = open_sinks(d, now);
	if (r < 0)
		return r;
	/* A replay's engine starts with the recording's first event (feed). */
	if (!d->replay_path[0]) {
		r = daemon_engine_build(d, d->profile, daemon_now_ns());
		if (r < 0)
			return r;
	}
	/* --duration counts from here, running: opening a source can take
	 * seconds (perf parses every tracepoint format), which a short run
	 * would otherwise lose. */
	now = daemon_now_ns();
	if (d->opts->duration_s > 0)
		d->duration_end_ns =
			now + (uint64_t)llround(d->opts->duration_s * (double)NSEC_PER_SEC);
	if (sd_watchdog_enabled(0, &usec) > 0 && usec) {
		/* Ping at half the deadline, as systemd recommends. */
		d->watchdog_period_ns = usec * NSEC_PER_USEC / 2;
		d->next_watchdog_ns = now;
	}
	d->next_status_ns = now + STATUS_PERIOD_NS;
	raise_priority(d);
	eg_notice("running: %d domain%s, %d CPUs, profile %s%s", d->model->nr_pds,
		  d->model->nr_pds == 1 ? "" : "s", d->model->nr_cpus, eg_profile_name(d->profile),
		  d->opts->dry_run ? ", dry run (nothing written)" : "");
	sd_notify(0, "READY=1");
	daemon_update_status(d);
	return 0;
}

int eg_daemon_run(const struct eg_daemon_opts *o)
{
	struct daemon *d = calloc(1, sizeof(*d));
	int r, rr;

	if (!d) {
		eg_err("out of memory");
		return EXIT_FAILURE;
	}
	d->opts = o;
	d->epoll_fd = d->timer_fd = d->signal_fd = -1;
	d->sink = o->dry_run ? &eg_sink_dry_run : &eg_sink_sysfs;
	d->duration_end_ns = EG_NEVER;
	d->next_watchdog_ns = EG_NEVER;
	stats_init(&d->stats, daemon_now_ns());
	if (o->dry_run)
		setvbuf(stdout, NULL, _IOLBF, 0);
	r = daemon_lock_init(d);
	if (r < 0) {
		eg_err("mutex: %s", strerror(-r));
		free(d);
		return EXIT_FAILURE;
	}
	/* Held but while the loop sleeps: the fast path's threads exist
	 * from the source's opening on, and wait for the start to finish. */
	daemon_lock(d);
	r = start(d);
	if (r == 0)
		r = daemon_loop(d);
	daemon_unlock(d);
	daemon_fastpath_stop(d);
	sd_notify(0, "STOPPING=1");
	rr = teardown(d);
	stats_print(&d->stats, daemon_now_ns());
	stats_free(&d->stats);
	pthread_mutex_destroy(&d->lock);
	free(d);
	if (r < 0) {
		eg_err("stopped on an error: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	return rr < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int eg_daemon_restore(const char *state_file)
{
	const char *f = state_file ? state_file : EG_STATE_DEFAULT_PATH;
	int r;

	if (!eg_state_file_exists(f)) {
		eg_notice("%s: no state file, nothing to restore", f);
		return EXIT_SUCCESS;
	}
	r = restore_file(f);
	if (r < 0)
		return EXIT_FAILURE;
	eg_notice("restored the settings saved in %s", f);
	return EXIT_SUCCESS;
}
