/* eagovd's run mode: start-up (stale state, model, engine, sinks, sources),
 * the epoll loop, reload, profile switching on power-source changes, and the
 * restore on the way out. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "config.h"
#include "conf.h"
#include "source.h"

#include <json-c/json.h>

#include "control.h"
#include "cpufreq_sysfs.h"
#include "cpuidle_sysfs.h"
#include "daemon.h"
#include "discover.h"
#include "engine.h"
#include "log.h"
#include "model.h"
#include "policy_conf.h"
#include "record.h"
#include "state.h"
#include "sysfs_io.h"
#include "tunables.h"
#include "util.h"

#define MAX_SOURCES 12
/* Events read from one source per read() call; a source with more says
 * -EAGAIN and is read again at once. */
#define READ_BATCH 256
/* STATUS= is refreshed this often: often enough for `systemctl status` to
 * look alive, rarely enough to cost nothing. */
#define STATUS_PERIOD_NS (5 * NSEC_PER_SEC)
/* At most this many engine timer ticks per loop turn: after a long stall
 * (suspend, SIGSTOP) catching up tick by tick would only replay stale
 * samples. */
#define MAX_TICKS_PER_TURN 8

/* Wake-to-write latencies kept for the percentiles: a uniform reservoir
 * sample, so a long run costs a fixed 512 KiB and still represents all of
 * it. */
#define WAKE_SAMPLES 65536

enum { TAG_TIMER = 1000, TAG_SIGNAL, TAG_CONTROL };

/* Run statistics, printed at exit and reported under "stats". */
struct run_stats {
	uint64_t start_ns;
	uint64_t events;         /* events read from the sources */
	uint64_t decisions;      /* decisions applied (or printed) */
	uint64_t urgent;         /* of which fast-ramp */
	uint64_t wake_n;         /* wake-to-write measurements taken */
	uint64_t rng;            /* xorshift state for the reservoir */
	uint64_t *wake_ns;       /* reservoir, min(wake_n, WAKE_SAMPLES) used */
};

/* A CPU's busy time at the previous status object: busy_pct's window. */
struct busy_snap {
	uint64_t busy_ns;
	uint64_t t_ns;
};

struct src {
	const struct eg_source_ops *ops;
	struct eg_source *s;
	int fd;
	bool open;
};

struct daemon {
	const struct eg_daemon_opts *o;
	struct eg_daemon_conf conf;
	char config_path[EG_PATH_MAX];
	bool config_explicit;
	struct eg_sysfs fs;
	char device_path[EG_PATH_MAX];   /* "" = discovery alone */
	struct eg_model *model;
	struct eg_policy_conf *pc;
	enum eg_profile profile;
	bool profile_from_cli;
	struct eg_engine_config cfg;
	struct eg_engine *eng;
	struct eg_state st;
	struct eg_cpufreq cf;
	struct eg_cpuidle ci;
	bool cf_open, ci_open, state_used;
	char source_name[EG_NAME_MAX];
	char replay_path[EG_PATH_MAX];
	struct eg_source_opts so;
	int nr_src;
	struct src src[MAX_SOURCES];
	int epfd, tfd, sfd, ctlfd;
	uint64_t t0, last_ts, end_ns, next_status_ns, watchdog_ns, next_watchdog_ns;
	unsigned int nr_engine_errors;
	struct eg_recorder *rec;
	struct eg_control *ctl;
	/* Governor chosen over the control socket per domain ("" = the
	 * device file's); kept across engine rebuilds. */
	char gov_override[EG_MAX_PDS][EG_NAME_MAX];
	bool have_temp[EG_MAX_ZONES];
	int temp_mc[EG_MAX_ZONES];
	/* CPUs a source reported offline (hot-plug): a new engine starts with
	 * every CPU online, so engine_build tells it again. */
	bool cpu_offline[EG_MAX_CPUS];
	struct eg_event *batch;
	int nr_batch, batch_cap;
	struct eg_decisions dec;
	/* The scheduler source ended (a replay at its end): stop. */
	bool sched_ended;
	struct run_stats stats;
	struct busy_snap snap[EG_MAX_CPUS];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void log_error(const char *what, const struct eg_error *err)
{
	char buf[600];

	eg_error_format(err, buf, sizeof(buf));
	eg_err("%s%s", what, buf);
}

/* ---------------------------------------------------------------- device */

static int read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (int)n;
}

/* The device file for this machine, by device tree compatible list (NUL
 * separated, most specific first) or DMI product name. */
static int match_machine(char *path, size_t len)
{
	char dt[1024], dmi[128];
	const char *compat[EG_MAX_IDS];
	int n = 0, k;

	k = read_small("/proc/device-tree/compatible", dt, sizeof(dt));
	for (int off = 0; k > 0 && off < k && n < EG_MAX_IDS; off += (int)strlen(dt + off) + 1)
		if (dt[off])
			compat[n++] = dt + off;
	if (read_small("/sys/class/dmi/id/product_name", dmi, sizeof(dmi)) > 0)
		dmi[strcspn(dmi, "\n")] = '\0';
	else
		dmi[0] = '\0';
	return eg_conf_match_device(compat, n, dmi, path, len);
}

int eg_daemon_pick_device(const char *arg, char *path, size_t len)
{
	int r;

	if (!arg)
		return match_machine(path, len);
	r = eg_conf_find_device(arg, path, len);
	if (r < 0)
		eg_err("device '%s': no such file or device name: %s", arg, strerror(-r));
	return r;
}

/* ---------------------------------------------------------------- config */

static int load_conf(struct daemon *d, struct eg_daemon_conf *c)
{
	struct eg_error err = { 0 };
	int r;

	eg_daemon_conf_init(c);
	r = eg_conf_load_daemon(d->config_path, c, &err);
	if (r == -ENOENT && !d->config_explicit) {
		eg_daemon_conf_init(c);   /* no eagov.conf: the defaults */
		return 0;
	}
	if (r < 0)
		log_error("", &err);
	return r;
}

/* Which device file applies: --device, else eagov.conf's device, else the
 * one matching the machine, else none (""). */
static int choose_device(struct daemon *d, const struct eg_daemon_conf *c, char *path,
			 size_t len)
{
	const char *arg = d->o->device;

	if (!arg && c->device[0] && !eg_streq(c->device, "auto"))
		arg = c->device;
	if (arg)
		return eg_daemon_pick_device(arg, path, len);
	if (match_machine(path, len) == 0)
		return 0;
	path[0] = '\0';
	return 0;
}

/* Device files name no sysfs policy: bind each domain without one to
 * cpufreq/policyN of its first CPU (the cpuN/cpufreq link's target when
 * there is one) under the root, with the cpuinfo limits read there. */
static void bind_policies(const struct eg_sysfs *fs, struct eg_model *m)
{
	for (int i = 0; i < m->nr_pds; i++) {
		struct eg_pd *pd = &m->pds[i];
		char path[EG_PATH_MAX], target[EG_PATH_MAX];
		ssize_t n;

		if (pd->sysfs_policy[0])
			continue;
		snprintf(pd->sysfs_policy, sizeof(pd->sysfs_policy), "policy%d", pd->first_cpu);
		if (eg_sysfs_path(fs, path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpufreq",
				  pd->first_cpu) == 0 &&
		    (n = readlink(path, target, sizeof(target) - 1)) > 0) {
			const char *base;

			target[n] = '\0';
			base = strrchr(target, '/');
			base = base ? base + 1 : target;
			if (strncmp(base, "policy", 6) == 0)
				eg_strlcpy(pd->sysfs_policy, base, sizeof(pd->sysfs_policy));
		}
		if (eg_sysfs_path(fs, path, sizeof(path),
				  "/sys/devices/system/cpu/cpufreq/%s", pd->sysfs_policy) < 0 ||
		    !eg_sysfs_exists(path)) {
			pd->sysfs_policy[0] = '\0';
			continue;
		}
		if (!pd->cpuinfo_min_khz &&
		    eg_sysfs_path(fs, path, sizeof(path), "/sys/devices/system/cpu/cpufreq/%s/"
				  "cpuinfo_min_freq", pd->sysfs_policy) == 0)
			eg_sysfs_read_u32(path, &pd->cpuinfo_min_khz);
		if (!pd->cpuinfo_max_khz &&
		    eg_sysfs_path(fs, path, sizeof(path), "/sys/devices/system/cpu/cpufreq/%s/"
				  "cpuinfo_max_freq", pd->sysfs_policy) == 0)
			eg_sysfs_read_u32(path, &pd->cpuinfo_max_khz);
	}
}

/* The model and policy settings: discovery merged with the device file when
 * one applies. With a --sysfs-root, discovery (libcpupower, libudev) would
 * read the real machine, not the tree, so the device file alone is used. */
static int load_model(struct daemon *d, const char *device, struct eg_model *m,
		      struct eg_policy_conf *pc)
{
	_cleanup_free_ struct eg_model *fm = NULL;
	struct eg_error err = { 0 };
	bool cpus_only = false;
	int r;

	if (device[0]) {
		fm = malloc(sizeof(*fm));
		if (!fm)
			return -ENOMEM;
		r = eg_conf_load_device(device, fm, pc, &err);
		if (r < 0) {
			log_error("", &err);
			return r;
		}
	} else {
		eg_policy_conf_init(pc, "");
	}
	if (d->fs.root[0]) {
		if (!fm) {
			eg_err("--sysfs-root needs --device: discovery reads the machine, "
			       "not the tree");
			return -EINVAL;
		}
		*m = *fm;
		bind_policies(&d->fs, m);
		return 0;
	}
	r = eg_discover_model(m, &err);
	if (r == -ENODEV) {
		eg_notice("no cpufreq: using the CPUs and their idle states only");
		cpus_only = true;
		r = eg_discover_cpus_only(m, &err);
	}
	if (r < 0) {
		log_error("discovery: ", &err);
		return r;
	}
	if (fm) {
		r = eg_model_merge(m, fm, &err);
		if (r < 0 && cpus_only && fm->nr_cpus == m->nr_cpus) {
			/* No cpufreq at all (VMs): the device file's domains cannot
			 * match the single pseudo domain; run on the file's model,
			 * whose decisions find no policy to write (dry-run prints
			 * them). */
			eg_notice("device file %s used alone (this machine has no cpufreq)",
				  device);
			*m = *fm;
			r = 0;
		} else if (r < 0) {
			log_error("device file does not fit this machine: ", &err);
			return r;
		}
	}
	bind_policies(&d->fs, m);
	return 0;
}

/* ------------------------------------------------------------- decisions */

static const char *pd_name(const struct daemon *d, int pd)
{
	return pd >= 0 && pd < d->model->nr_pds ? d->model->pds[pd].name : "?";
}

static void print_decision(const struct daemon *d, const struct eg_decision *x)
{
	uint64_t t = x->ts >= d->t0 ? x->ts - d->t0 : x->ts;
	char head[64], what[96];

	snprintf(head, sizeof(head), "t=%" PRIu64 ".%03" PRIu64, (uint64_t)(t / NSEC_PER_SEC),
		 (uint64_t)(t % NSEC_PER_SEC / NSEC_PER_MSEC));
	switch (x->type) {
	case EG_DEC_SET_FREQ:
	case EG_DEC_SET_CAP:
		snprintf(what, sizeof(what), "pd=%s %s %" PRIu32 "%s", pd_name(d, x->target),
			 eg_decision_type_name(x->type), x->value,
			 x->flags & EG_DEC_URGENT ? " urgent" : "");
		break;
	case EG_DEC_IDLE_DISABLE:
		snprintf(what, sizeof(what), "cpu=%d idle-disable 0x%" PRIx32, (int)x->target,
			 x->value);
		break;
	default:
		snprintf(what, sizeof(what), "cpu=%d %s %" PRIu32, (int)x->target,
			 eg_decision_type_name(x->type), x->value);
		break;
	}
	printf("%s %s (%s)\n", head, what, eg_reason_name(x->reason));
}

/* One wake-to-write latency into the reservoir (Vitter's algorithm R: the
 * k-th sample replaces a random slot with probability WAKE_SAMPLES / k). */
static void stats_wake(struct run_stats *s, uint64_t ns)
{
	uint64_t k = s->wake_n++, x;

	if (!s->wake_ns)
		return;
	if (k < WAKE_SAMPLES) {
		s->wake_ns[k] = ns;
		return;
	}
	x = s->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	s->rng = x;
	if (x % (k + 1) < WAKE_SAMPLES)
		s->wake_ns[x % (k + 1)] = ns;
}

/* The fast-ramp decision an RT wakeup caused: what wake_to_write measures. */
static bool is_rt_ramp(const struct eg_decision *x, const struct eg_event *cause)
{
	return cause && cause->type == EG_EV_WAKEUP && x->type == EG_DEC_SET_FREQ &&
	       (x->flags & EG_DEC_URGENT) && x->reason == EG_REASON_RT &&
	       eg_prio_class(cause->wakeup.pid, cause->wakeup.prio) >= EG_CLASS_RT;
}

/* A frequency now in effect: the engine's frequency invariance (util
 * scaled by cur / max) needs it, and no source reports it (the userspace
 * governor runs the policy at what was written). A dry run assumes its
 * decisions took effect, so that it decides as the real run would. Not
 * recorded: a replay derives it again from the replayed events. */
static void freq_applied(struct daemon *d, const struct eg_decision *x)
{
	struct eg_event ev = { .ts = EG_MAX(x->ts, d->last_ts), .type = EG_EV_FREQ, .cpu = -1 };
	struct eg_decisions none;

	ev.freq.pd = x->target;
	ev.freq.khz = x->value;
	none.n = 0;
	none.overflow = false;
	/* A FREQ event only updates the engine's state: no decisions. */
	if (eg_engine_event(d->eng, &ev, &none) < 0 || none.n)
		eg_debug("frequency %" PRIu32 " of domain %d not taken", x->value, (int)x->target);
}

/* Apply (or print) the pending decisions; cause is the event that produced
 * them (NULL: start, reload, ticks). */
static void apply_decisions(struct daemon *d, uint64_t now, const struct eg_event *cause)
{
	for (int i = 0; i < d->dec.n; i++) {
		const struct eg_decision *x = &d->dec.d[i];
		bool done = false;
		int r = 0;

		d->stats.decisions++;
		if (x->flags & EG_DEC_URGENT)
			d->stats.urgent++;
		if (d->o->dry_run) {
			print_decision(d, x);
			done = true;
			if (x->type == EG_DEC_SET_FREQ)
				freq_applied(d, x);
		} else if (x->type == EG_DEC_SET_FREQ || x->type == EG_DEC_SET_CAP) {
			r = d->cf_open ? eg_cpufreq_apply(&d->cf, x, now) : 0;
			done = d->cf_open && r == 0;
			if (done && x->type == EG_DEC_SET_FREQ)
				freq_applied(d, x);
		} else if (x->type == EG_DEC_IDLE_LATENCY || x->type == EG_DEC_IDLE_DISABLE) {
			r = d->ci_open ? eg_cpuidle_apply(&d->ci, x, now) : 0;
		}
		/* -EAGAIN: queued behind a back-off; -ENODEV: no knob (a domain
		 * without a policy, an unplugged CPU). Write failures were
		 * logged once by the sink. Neither stops the loop. */
		if (r < 0 && r != -EAGAIN && r != -ENODEV)
			eg_debug("%s %d: %s", eg_decision_type_name(x->type), (int)x->target,
				 strerror(-r));
		/* Only a write that returned (or a printed line in a dry run)
		 * counts: a queued or impossible write has no latency. */
		if (done && is_rt_ramp(x, cause)) {
			uint64_t t = now_ns();

			stats_wake(&d->stats, t > cause->ts ? t - cause->ts : 0);
		}
	}
	if (d->o->dry_run)
		fflush(stdout);
	if (d->dec.overflow)
		eg_warn("more than %d decisions at once; the oldest were kept", EG_MAX_DECISIONS);
	d->dec.n = 0;
	d->dec.overflow = false;
}

/* ---------------------------------------------------------------- engine */

static void domain_state(const struct daemon *d, int i, uint32_t *cur, uint32_t *min,
			 uint32_t *max)
{
	const struct eg_pd *pd = &d->model->pds[i];
	char path[EG_PATH_MAX];

	*cur = *max = eg_pd_max_khz(pd);
	*min = eg_pd_min_khz(pd);
	if (!pd->sysfs_policy[0])
		return;
#define RD(name, out)                                                                   \
	do {                                                                            \
		uint32_t v;                                                             \
		if (eg_sysfs_path(&d->fs, path, sizeof(path),                           \
				  "/sys/devices/system/cpu/cpufreq/%s/" name,           \
				  pd->sysfs_policy) == 0 &&                             \
		    eg_sysfs_read_u32(path, &v) == 0 && v)                              \
			*(out) = v;                                                     \
	} while (0)
	RD("scaling_cur_freq", cur);
	RD("scaling_min_freq", min);
	RD("scaling_max_freq", max);
#undef RD
	if (d->cf_open && d->cf.pd[i].mode != EG_CPUFREQ_NONE) {
		*min = d->cf.pd[i].orig_min_khz ? d->cf.pd[i].orig_min_khz : *min;
		*max = d->cf.pd[i].orig_max_khz ? d->cf.pd[i].orig_max_khz : *max;
	}
}

/* A new engine for profile p (at start, on reload and on a power-source
 * change). The utilization history starts over: the engine's signals are
 * built for one configuration, and a fresh start costs only the few
 * milliseconds the signals need to ramp. */
static int engine_build(struct daemon *d, enum eg_profile p, uint64_t now)
{
	struct eg_engine_config cfg;
	struct eg_engine *e;
	struct eg_error err = { 0 };
	int r;

	r = eg_policy_conf_resolve(d->pc, d->model, p, &cfg, &err);
	if (r < 0) {
		log_error("policy: ", &err);
		return r;
	}
	for (int i = 0; i < d->model->nr_pds; i++) {
		const struct eg_freq_policy_ops *ops = eg_freq_policy_find(d->gov_override[i]);

		if (!d->gov_override[i][0] || !ops || ops == cfg.freq[i])
			continue;
		r = eg_engine_config_set_freq(&cfg, i, ops);
		if (r < 0) {
			eg_engine_config_free(&cfg);
			return r;
		}
	}
	if (d->eng) {
		eg_engine_free(d->eng);
		d->eng = NULL;
		eg_engine_config_free(&d->cfg);
	}
	d->cfg = cfg;
	r = eg_engine_new(&e, d->model, &d->cfg, now);
	if (r < 0) {
		eg_engine_config_free(&d->cfg);
		return eg_log_errno(r, "engine");
	}
	d->eng = e;
	d->profile = p;
	for (int i = 0; i < d->model->nr_pds; i++) {
		uint32_t cur, min, max;

		domain_state(d, i, &cur, &min, &max);
		eg_engine_set_domain_state(e, i, cur, min, max);
	}
	/* busy_pct windows start over with the new signals. */
	for (int i = 0; i < EG_MAX_CPUS; i++)
		d->snap[i] = (struct busy_snap){ .busy_ns = 0, .t_ns = now };
	r = eg_engine_start(e, now, &d->dec);
	if (r < 0)
		return eg_log_errno(r, "engine start");
	/* A profile switch, reload or governor change must not bring an
	 * unplugged CPU back into its domain's plan. The time is the latest
	 * the engine may have seen, as feed() keeps it non-decreasing. */
	for (int cpu = 0; cpu < d->model->nr_cpus && cpu < EG_MAX_CPUS; cpu++) {
		struct eg_event ev = { .ts = EG_MAX(now, d->last_ts), .cpu = (int16_t)cpu,
				       .type = EG_EV_CPU_OFFLINE };

		if (!d->cpu_offline[cpu])
			continue;
		r = eg_engine_event(e, &ev, &d->dec);
		if (r < 0)
			eg_warn("engine refused cpu %d offline: %s", cpu, strerror(-r));
	}
	apply_decisions(d, now, NULL);
	return 0;
}

/* ---------------------------------------------------------------- status */

static void update_status(struct daemon *d)
{
	char buf[512];
	size_t off;

	off = (size_t)snprintf(buf, sizeof(buf), "source %s, profile %s%s, %d domain%s",
			       d->source_name, eg_profile_name(d->profile),
			       d->o->dry_run ? ", dry run" : "", d->model->nr_pds,
			       d->model->nr_pds == 1 ? "" : "s");
	for (int i = 0; i < d->model->nr_pds && off < sizeof(buf); i++) {
		struct eg_pd_status st;

		eg_engine_pd_status(d->eng, i, &st);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s %s %" PRIu32 " MHz",
					i ? "," : ":", d->model->pds[i].name,
					st.cur_khz / 1000);
	}
	sd_notifyf(0, "STATUS=%s", buf);
}

/* ----------------------------------------------------------------- stats */

struct stats_view {
	double wall_s, cpu_s, events_per_s, p50_us, p99_us;
	uint64_t events, decisions, urgent, wake_n;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n-1] (n > 0): the smallest value
 * with at least pct % of the samples at or below it. */
static uint64_t percentile(const uint64_t *v, size_t n, unsigned int pct)
{
	size_t rank = (n * pct + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

static void stats_view(const struct daemon *d, struct stats_view *v)
{
	const struct run_stats *s = &d->stats;
	size_t m = (size_t)EG_MIN(s->wake_n, (uint64_t)WAKE_SAMPLES);
	struct rusage ru;
	uint64_t now = now_ns();

	memset(v, 0, sizeof(*v));
	v->wall_s = (double)(now - s->start_ns) / 1e9;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		v->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	v->events = s->events;
	v->events_per_s = v->wall_s > 0 ? (double)s->events / v->wall_s : 0;
	v->decisions = s->decisions;
	v->urgent = s->urgent;
	v->wake_n = s->wake_n;
	if (m && s->wake_ns) {
		uint64_t *c = malloc(m * sizeof(*c));

		if (!c)
			return;
		memcpy(c, s->wake_ns, m * sizeof(*c));
		qsort(c, m, sizeof(*c), cmp_u64);
		v->p50_us = (double)percentile(c, m, 50) / 1e3;
		v->p99_us = (double)percentile(c, m, 99) / 1e3;
		free(c);
	}
}

/* The exit line; bench/ parses it, its format is fixed. */
static void print_stats(const struct daemon *d)
{
	struct stats_view v;

	stats_view(d, &v);
	fprintf(stderr, "stats: wall_s=%.3f cpu_s=%.3f events=%" PRIu64 " events_per_s=%.1f "
		"decisions=%" PRIu64 " urgent=%" PRIu64 " wake_to_write_us p50=%.1f p99=%.1f "
		"n=%" PRIu64 "\n", v.wall_s, v.cpu_s, v.events, v.events_per_s, v.decisions,
		v.urgent, v.p50_us, v.p99_us, v.wake_n);
	fflush(stderr);
}

/* A double with a fixed number of decimals in the JSON text (json-c would
 * print 17 significant digits). */
static struct json_object *jdouble(double v, int decimals)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

static struct json_object *stats_json(const struct daemon *d)
{
	struct json_object *o = json_object_new_object(), *w = json_object_new_object();
	struct stats_view v;

	if (!o || !w) {
		json_object_put(o);
		json_object_put(w);
		return NULL;
	}
	stats_view(d, &v);
	json_object_object_add(o, "wall_s", jdouble(v.wall_s, 3));
	json_object_object_add(o, "cpu_s", jdouble(v.cpu_s, 3));
	json_object_object_add(o, "events", json_object_new_int64((int64_t)v.events));
	json_object_object_add(o, "events_per_s", jdouble(v.events_per_s, 1));
	json_object_object_add(o, "decisions", json_object_new_int64((int64_t)v.decisions));
	json_object_object_add(o, "urgent", json_object_new_int64((int64_t)v.urgent));
	json_object_object_add(w, "p50", jdouble(v.p50_us, 1));
	json_object_object_add(w, "p99", jdouble(v.p99_us, 1));
	json_object_object_add(w, "n", json_object_new_int64((int64_t)v.wake_n));
	json_object_object_add(o, "wake_to_write_us", w);
	return o;
}

/* A CPU's busy time at now: what the signals accounted, plus the time since
 * then when a task is on the CPU (switch-driven sources bring busy_ns up to
 * date only at the CPU's next event). */
static uint64_t busy_at(const struct eg_cpu_signals *c, uint64_t now)
{
	uint64_t b = c->busy_ns;

	if (c->curr_pid != 0 && now > c->last_ns)
		b += now - c->last_ns;
	return b;
}

/* "cpus": per-CPU online, util and busy_pct over the window since the
 * previous status object (which this one closes). */
static struct json_object *cpus_json(struct daemon *d, uint64_t now)
{
	const struct eg_signals *sig = eg_engine_signals(d->eng);
	struct json_object *arr = json_object_new_array();

	if (!arr)
		return NULL;
	for (int cpu = 0; cpu < d->model->nr_cpus && cpu < EG_MAX_CPUS; cpu++) {
		const struct eg_cpu_signals *c = &sig->cpu[cpu];
		struct json_object *o = json_object_new_object();
		uint64_t b = busy_at(c, now), db, dt;
		double pct = 0;

		if (!o)
			break;
		db = b > d->snap[cpu].busy_ns ? b - d->snap[cpu].busy_ns : 0;
		dt = now > d->snap[cpu].t_ns ? now - d->snap[cpu].t_ns : 0;
		if (dt)
			pct = EG_MIN(100.0, 100.0 * (double)db / (double)dt);
		d->snap[cpu] = (struct busy_snap){ .busy_ns = b, .t_ns = now };
		json_object_object_add(o, "cpu", json_object_new_int(cpu));
		json_object_object_add(o, "online", json_object_new_boolean(c->online));
		json_object_object_add(o, "util", json_object_new_int64(eg_signals_cpu_util(sig,
										     cpu)));
		/* Two decimals: enough for a 5-point comparison, short lines. */
		json_object_object_add(o, "busy_pct", jdouble(pct, 2));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* --------------------------------------------------------------- sources */

static int open_sources(struct daemon *d)
{
	const struct eg_source_ops *ops;
	char why[768];
	const char *name;
	int r;

	name = d->o->source ? d->o->source : eg_source_choice_name(d->conf.source);
	if (strncmp(name, "replay:", 7) == 0) {
		eg_strlcpy(d->replay_path, name + 7, sizeof(d->replay_path));
		name = "replay";
	} else if (eg_streq(name, "replay")) {
		eg_err("--source replay needs a file: replay:FILE");
		return -EINVAL;
	}
	d->so.model = d->model;
	d->so.fs = &d->fs;
	d->so.poll_interval_ms = d->conf.poll_interval_ms;
	d->so.replay_path = d->replay_path[0] ? d->replay_path : NULL;
	/* A daemon replaying follows the recording's pace so that timers
	 * and sampling policies see the time the events describe. */
	d->so.replay_realtime = true;
	r = eg_source_select(name, &d->so, &ops, why, sizeof(why));
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
	d->src[0].ops = ops;
	r = ops->open(&d->src[0].s, &d->so);
	if (r < 0)
		return eg_log_errno(r, "source %s", ops->name);
	d->src[0].open = true;
	d->nr_src = 1;
	for (size_t i = 0; eg_sources[i] && d->nr_src < MAX_SOURCES; i++) {
		struct src *s = &d->src[d->nr_src];

		ops = eg_sources[i];
		if (ops->kind == EG_SOURCE_SCHED || !ops->open)
			continue;
		why[0] = '\0';
		r = ops->probe ? ops->probe(&d->so, why, sizeof(why)) : 0;
		if (r < 0) {
			eg_info("source %s: not used: %s", ops->name, why);
			continue;
		}
		r = ops->open(&s->s, &d->so);
		if (r < 0) {
			eg_warn_errno(r, "source %s: open", ops->name);
			continue;
		}
		eg_notice("source %s: on", ops->name);
		s->ops = ops;
		s->open = true;
		d->nr_src++;
	}
	for (int i = 0; i < d->nr_src; i++) {
		struct src *s = &d->src[i];
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };

		s->fd = s->ops->fd ? s->ops->fd(s->s) : -1;
		if (s->fd >= 0 && epoll_ctl(d->epfd, EPOLL_CTL_ADD, s->fd, &ev) < 0)
			return eg_log_errno(-errno, "epoll: source %s", s->ops->name);
	}
	return 0;
}

static void close_source(struct daemon *d, struct src *s)
{
	if (!s->open)
		return;
	if (s->fd >= 0)
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	if (s->ops->close)
		s->ops->close(s->s);
	s->open = false;
	s->fd = -1;
}

static int batch_grow(struct daemon *d, int more)
{
	struct eg_event *n;
	int cap;

	if (d->nr_batch + more <= d->batch_cap)
		return 0;
	cap = EG_MAX(d->batch_cap * 2, d->nr_batch + more);
	n = realloc(d->batch, (size_t)cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	d->batch = n;
	d->batch_cap = cap;
	return 0;
}

/* Read everything a source has at now into the batch. A scheduler source
 * that fails is fatal; a thermal or device source is dropped. */
static int read_source(struct daemon *d, struct src *s, uint64_t now)
{
	int r;

	for (int rounds = 0; rounds < 64; rounds++) {
		if (batch_grow(d, READ_BATCH) < 0)
			return -ENOMEM;
		r = s->ops->read(s->s, now, d->batch + d->nr_batch, READ_BATCH);
		if (r > 0 || r == -EAGAIN)
			d->nr_batch += r > 0 ? r : READ_BATCH;
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

static int cmp_event(const void *a, const void *b)
{
	const struct eg_event *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int feed(struct daemon *d, struct eg_event *ev, uint64_t now);

static void power_source(struct daemon *d, bool on_ac, uint64_t now)
{
	int p = on_ac ? d->conf.profile_on_ac : d->conf.profile_on_battery;

	if (p < 0 || d->profile_from_cli || (enum eg_profile)p == d->profile)
		return;
	eg_notice("power source: %s; profile %s", on_ac ? "AC" : "battery",
		  eg_profile_name((enum eg_profile)p));
	if (engine_build(d, (enum eg_profile)p, now) < 0)
		eg_err("profile %s not applied", eg_profile_name((enum eg_profile)p));
	update_status(d);
}

static int feed(struct daemon *d, struct eg_event *ev, uint64_t now)
{
	int r;

	/* The engine's signals need non-decreasing time; events of different
	 * sources read in one turn can straddle each other by a little. */
	if (ev->ts < d->last_ts)
		ev->ts = d->last_ts;
	d->last_ts = ev->ts;
	if (d->rec && eg_record_write(d->rec, ev) < 0) {
		eg_err("--record: write failed; recording stopped");
		eg_record_close(d->rec);
		d->rec = NULL;
	}
	if (ev->type == EG_EV_TEMP && ev->temp.zone >= 0 && ev->temp.zone < EG_MAX_ZONES) {
		d->have_temp[ev->temp.zone] = true;
		d->temp_mc[ev->temp.zone] = ev->temp.temp_mc;
	}
	if (ev->type == EG_EV_POWER_SOURCE) {
		power_source(d, ev->power.on_ac, now);
		return 0;
	}
	if ((ev->type == EG_EV_CPU_OFFLINE || ev->type == EG_EV_CPU_ONLINE) && ev->cpu >= 0 &&
	    ev->cpu < EG_MAX_CPUS) {
		d->cpu_offline[ev->cpu] = ev->type == EG_EV_CPU_OFFLINE;
		eg_info("cpu %d %s", (int)ev->cpu, d->cpu_offline[ev->cpu] ? "offline" : "online");
	}
	r = eg_engine_event(d->eng, ev, &d->dec);
	if (r < 0 && d->nr_engine_errors++ < 4)
		eg_warn("engine refused a %s event on cpu %d: %s", eg_event_type_name(ev->type),
			(int)ev->cpu, strerror(-r));
	apply_decisions(d, now, ev->type == EG_EV_TICK ? NULL : ev);
	return 0;
}

/* ------------------------------------------------------------------ loop */

static uint64_t next_deadline(const struct daemon *d)
{
	uint64_t t = eg_engine_next_timer(d->eng);

	for (int i = 0; i < d->nr_src; i++)
		if (d->src[i].open && d->src[i].ops->next_timeout)
			t = EG_MIN(t, d->src[i].ops->next_timeout(d->src[i].s));
	if (d->cf_open)
		t = EG_MIN(t, eg_deadline_min(eg_cpufreq_next_retry(&d->cf), UINT64_MAX));
	if (d->ci_open)
		t = EG_MIN(t, eg_deadline_min(eg_cpuidle_next_retry(&d->ci), UINT64_MAX));
	t = EG_MIN(t, d->next_status_ns);
	if (d->ctl)
		t = EG_MIN(t, eg_control_next_tick(d->ctl));
	if (d->watchdog_ns)
		t = EG_MIN(t, d->next_watchdog_ns);
	if (d->end_ns)
		t = EG_MIN(t, d->end_ns);
	return t;
}

static int arm_timer(struct daemon *d, uint64_t t)
{
	struct itimerspec its = { 0 };

	if (t == 0)
		t = 1;   /* 0 would disarm; anything in the past fires at once */
	its.it_value.tv_sec = (time_t)(t / NSEC_PER_SEC);
	its.it_value.tv_nsec = (long)(t % NSEC_PER_SEC);
	if (timerfd_settime(d->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return eg_log_errno(-errno, "timerfd");
	return 0;
}

/* SIGHUP: re-read eagov.conf and the device file. Anything wrong (a parse
 * error, a device file whose domains differ from the running ones, a policy
 * that does not resolve) is logged and the running configuration stays. */
static int reload(struct daemon *d, uint64_t now)
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
	if (load_conf(d, &c) < 0 || choose_device(d, &c, device, sizeof(device)) < 0 ||
	    load_model(d, device, m, pc) < 0) {
		eg_err("%s", keep);
		return 0;
	}
	if (m->nr_pds != d->model->nr_pds || m->nr_cpus != d->model->nr_cpus) {
		eg_err("%s: %d domains over %d CPUs, %d over %d running; restart eagovd for "
		       "that", keep, m->nr_pds, m->nr_cpus, d->model->nr_pds, d->model->nr_cpus);
		return 0;
	}
	for (int i = 0; i < m->nr_pds; i++) {
		if (memcmp(&m->pds[i].cpus, &d->model->pds[i].cpus, sizeof(eg_cpumask_t))) {
			eg_err("%s: domain %s has other CPUs; restart eagovd for that", keep,
			       m->pds[i].name);
			return 0;
		}
	}
	p = d->profile_from_cli ? d->profile : c.profile;
	if (eg_policy_conf_resolve(pc, m, p, &cfg, &err) < 0) {
		log_error("", &err);
		eg_err("%s", keep);
		return 0;
	}
	eg_engine_config_free(&cfg);
	if (!eg_streq(eg_source_choice_name(c.source), eg_source_choice_name(d->conf.source)) ||
	    c.poll_interval_ms != d->conf.poll_interval_ms)
		eg_notice("source settings take effect at the next start");
	/* Same layout: the model is replaced in place, so sources and sinks
	 * keep valid pointers; the engine is rebuilt on it. */
	eg_engine_free(d->eng);
	d->eng = NULL;
	eg_engine_config_free(&d->cfg);
	*d->model = *m;
	*d->pc = *pc;
	d->conf = c;
	eg_strlcpy(d->device_path, device, sizeof(d->device_path));
	if (!d->o->log_level && !d->o->nr_verbose)
		eg_log_set_level(c.log_level);
	if (engine_build(d, p, now) < 0)
		return -EINVAL;   /* the config resolved above: only ENOMEM gets here */
	eg_notice("reloaded: device %s, profile %s", device[0] ? device : "discovered",
		  eg_profile_name(p));
	update_status(d);
	return 0;
}

static int handle_signal(struct daemon *d, bool *stop, uint64_t now)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while ((n = read(d->sfd, &si, sizeof(si))) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			int r = reload(d, now);

			if (r < 0)
				return r;
		} else {
			eg_notice("%s: stopping", strsignal((int)si.ssi_signo));
			*stop = true;
		}
	}
	return 0;
}

static int loop(struct daemon *d)
{
	struct epoll_event evs[16];
	bool stop = false;
	int r;

	while (!stop) {
		uint64_t now;
		int n;

		r = arm_timer(d, next_deadline(d));
		if (r < 0)
			return r;
		n = epoll_wait(d->epfd, evs, ARRAY_SIZE(evs), -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return eg_log_errno(-errno, "epoll_wait");
		}
		now = now_ns();
		d->nr_batch = 0;
		for (int i = 0; i < n; i++) {
			uint32_t tag = evs[i].data.u32;

			if (tag == TAG_TIMER) {
				uint64_t x;

				if (read(d->tfd, &x, sizeof(x)) < 0 && errno != EAGAIN)
					return eg_log_errno(-errno, "timerfd read");
			} else if (tag == TAG_SIGNAL) {
				r = handle_signal(d, &stop, now);
				if (r < 0)
					return r;
			} else if (tag == TAG_CONTROL) {
				r = eg_control_dispatch(d->ctl, now);
				if (r < 0)
					eg_warn_errno(r, "control socket");
			} else if (tag < (uint32_t)d->nr_src && d->src[tag].open) {
				r = read_source(d, &d->src[tag], now);
				if (r < 0)
					return r;
			}
		}
		if (stop)
			break;
		/* Sources that want reading on their own clock (poll sampling,
		 * batching) whether or not their fd woke us. */
		for (int i = 0; i < d->nr_src; i++) {
			struct src *s = &d->src[i];

			if (s->open && s->ops->next_timeout &&
			    s->ops->next_timeout(s->s) <= now) {
				r = read_source(d, s, now);
				if (r < 0)
					return r;
			}
		}
		if (d->nr_batch > 1)
			qsort(d->batch, (size_t)d->nr_batch, sizeof(*d->batch), cmp_event);
		d->stats.events += (uint64_t)d->nr_batch;
		for (int i = 0; i < d->nr_batch; i++)
			feed(d, &d->batch[i], now);
		now = EG_MAX(now_ns(), d->last_ts);
		for (int k = 0; k < MAX_TICKS_PER_TURN && eg_engine_next_timer(d->eng) <= now; k++) {
			struct eg_event tick = { .ts = now, .type = EG_EV_TICK, .cpu = -1 };

			feed(d, &tick, now);
		}
		if (d->cf_open)
			eg_cpufreq_retry(&d->cf, now);
		if (d->ci_open)
			eg_cpuidle_retry(&d->ci, now);
		if (d->ctl)
			eg_control_tick(d->ctl, now);
		if (d->rec)
			eg_record_flush(d->rec);
		if (now >= d->next_status_ns) {
			update_status(d);
			d->next_status_ns = now + STATUS_PERIOD_NS;
		}
		if (d->watchdog_ns && now >= d->next_watchdog_ns) {
			sd_notify(0, "WATCHDOG=1");
			d->next_watchdog_ns = now + d->watchdog_ns;
		}
		if (d->end_ns && now >= d->end_ns) {
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
	return 0;
}

/* --------------------------------------------------------- control socket */

static int ctl_status(void *user, struct json_object *out)
{
	struct daemon *d = user;
	struct json_object *doms = json_object_new_array(), *zones = json_object_new_array();

	if (!doms || !zones) {
		json_object_put(doms);
		json_object_put(zones);
		return -ENOMEM;
	}
	json_object_object_add(out, "profile", json_object_new_string(eg_profile_name(d->profile)));
	json_object_object_add(out, "source", json_object_new_string(d->source_name));
	json_object_object_add(out, "dry_run", json_object_new_boolean(d->o->dry_run));
	for (int i = 0; i < d->model->nr_pds; i++) {
		struct json_object *o = json_object_new_object();
		struct eg_pd_status st;
		char cpus[128];

		if (!o)
			break;
		eg_engine_pd_status(d->eng, i, &st);
		eg_cpumask_format(&d->model->pds[i].cpus, cpus, sizeof(cpus));
		json_object_object_add(o, "name", json_object_new_string(d->model->pds[i].name));
		json_object_object_add(o, "cpus", json_object_new_string(cpus));
		json_object_object_add(o, "governor", json_object_new_string(d->cfg.freq[i]->name));
		json_object_object_add(o, "util", json_object_new_int64(st.util_max));
		json_object_object_add(o, "cur_khz", json_object_new_int64(st.cur_khz));
		json_object_object_add(o, "req_khz", json_object_new_int64(st.req_khz));
		json_object_object_add(o, "cap_khz", json_object_new_int64(st.cap_khz));
		json_object_object_add(o, "min_khz", json_object_new_int64(st.min_khz));
		json_object_object_add(o, "max_khz", json_object_new_int64(st.max_khz));
		json_object_array_add(doms, o);
	}
	for (int i = 0; i < d->model->nr_zones; i++) {
		struct json_object *o;

		if (!d->have_temp[i])
			continue;
		o = json_object_new_object();
		if (!o)
			break;
		json_object_object_add(o, "name", json_object_new_string(d->model->zones[i].name));
		json_object_object_add(o, "temp_mc", json_object_new_int(d->temp_mc[i]));
		json_object_array_add(zones, o);
	}
	json_object_object_add(out, "domains", doms);
	json_object_object_add(out, "zones", zones);
	json_object_object_add(out, "cpus", cpus_json(d, EG_MAX(now_ns(), d->last_ts)));
	json_object_object_add(out, "stats", stats_json(d));
	return 0;
}

static int ctl_set_governor(void *user, const char *name, int pd, char *err, size_t len)
{
	struct daemon *d = user;
	char saved[EG_MAX_PDS][EG_NAME_MAX];
	int r;

	if (!eg_freq_policy_find(name)) {
		snprintf(err, len, "no frequency governor '%s'", name);
		return -EINVAL;
	}
	if (pd < -1 || pd >= d->model->nr_pds) {
		snprintf(err, len, "no domain %d", pd);
		return -EINVAL;
	}
	memcpy(saved, d->gov_override, sizeof(saved));
	for (int i = 0; i < d->model->nr_pds; i++)
		if (pd < 0 || pd == i)
			eg_strlcpy(d->gov_override[i], name, sizeof(d->gov_override[i]));
	r = engine_build(d, d->profile, now_ns());
	if (r < 0) {
		memcpy(d->gov_override, saved, sizeof(saved));
		snprintf(err, len, "governor %s not applied: %s", name, strerror(-r));
		return r;
	}
	eg_notice("control: governor %s on %s", name, pd < 0 ? "every domain" :
		  d->model->pds[pd].name);
	update_status(d);
	return 0;
}

static int ctl_set_profile(void *user, const char *profile, char *err, size_t len)
{
	struct daemon *d = user;
	enum eg_profile p;
	int r;

	if (eg_profile_from_string(profile, &p) < 0) {
		snprintf(err, len, "no profile '%s' (power-saver, balanced, performance)", profile);
		return -EINVAL;
	}
	r = engine_build(d, p, now_ns());
	if (r < 0) {
		snprintf(err, len, "profile %s not applied: %s", profile, strerror(-r));
		return r;
	}
	eg_notice("control: profile %s", profile);
	update_status(d);
	return 0;
}

static int ctl_boost(void *user, int32_t pid, uint32_t ms, char *err, size_t len)
{
	struct daemon *d = user;
	uint64_t now = EG_MAX(now_ns(), d->last_ts);
	struct eg_event ev = { .ts = now, .type = EG_EV_BOOST, .cpu = -1 };

	(void)err;
	(void)len;
	ev.boost.pid = pid;
	ev.boost.ms = ms;
	return feed(d, &ev, now);
}

static const struct eg_control_ops control_ops = {
	.status = ctl_status,
	.set_governor = ctl_set_governor,
	.set_profile = ctl_set_profile,
	.boost = ctl_boost,
};

/* The control socket is a convenience: when it cannot be created (no
 * /run/eagov for a non-root test run, another daemon holds it) eagovd runs
 * without it, except that a second daemon on one machine is refused. */
static int open_control(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = TAG_CONTROL };
	const char *path = d->conf.control_socket;
	int r;

	if (!path[0] || eg_streq(path, "none"))
		return 0;
	r = eg_control_open(&d->ctl, path, NULL, &control_ops, d);
	if (r == -EADDRINUSE)
		return eg_log_errno(r, "control socket %s: another eagovd answers there", path);
	if (r < 0) {
		eg_warn_errno(r, "control socket %s: running without it", path);
		d->ctl = NULL;
		return 0;
	}
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, eg_control_fd(d->ctl), &ev) < 0)
		return eg_log_errno(-errno, "epoll: control socket");
	eg_info("control socket: %s", path);
	return 0;
}

/* ------------------------------------------------------------ start, stop */

static int setup_fds(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t mask;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return eg_log_errno(-errno, "epoll_create1");
	d->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->tfd < 0)
		return eg_log_errno(-errno, "timerfd_create");
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return eg_log_errno(-errno, "sigprocmask");
	d->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sfd < 0)
		return eg_log_errno(-errno, "signalfd");
	ev.data.u32 = TAG_TIMER;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->tfd, &ev) < 0)
		return eg_log_errno(-errno, "epoll_ctl");
	ev.data.u32 = TAG_SIGNAL;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sfd, &ev) < 0)
		return eg_log_errno(-errno, "epoll_ctl");
	return 0;
}

static int open_sinks(struct daemon *d, uint64_t now)
{
	int r;

	r = eg_state_init(&d->st, d->o->state_file ? d->o->state_file : NULL);
	if (r < 0)
		return eg_log_errno(r, "state file");
	if (!d->o->state_file) {
		char path[EG_PATH_MAX];

		if (snprintf(path, sizeof(path), "%s/state", d->conf.state_dir) >=
		    (int)sizeof(path))
			return eg_log_errno(-ENAMETOOLONG, "state_dir");
		eg_strlcpy(d->st.file, path, sizeof(d->st.file));
	}
	if (d->o->dry_run) {
		if (eg_state_file_exists(d->st.file))
			eg_notice("stale state file %s left alone (dry run)", d->st.file);
		return 0;
	}
	if (eg_state_file_exists(d->st.file)) {
		eg_notice("stale state file %s: a previous run did not finish; restoring it",
			  d->st.file);
		eg_state_restore_file(d->st.file);
	}
	d->state_used = true;
	r = eg_cpufreq_open(&d->cf, &d->fs, d->model, &d->st, now);
	if (r == 0)
		d->cf_open = true;
	else if (r == -ENODEV)
		eg_notice("cpufreq: no policy to drive; frequency decisions are not applied");
	else
		return eg_log_errno(r, "cpufreq");
	r = eg_cpuidle_open(&d->ci, &d->fs, d->model->nr_cpus, &d->st);
	if (r == 0)
		d->ci_open = true;
	else if (r == -ENODEV)
		eg_notice("cpuidle: no CPU has a QoS or idle-state knob; idle decisions are "
			  "not applied");
	else
		return eg_log_errno(r, "cpuidle");
	return 0;
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
		       "eagovd --restore", file, strerror(-r));
	return r;
}

/* Put everything back: sinks closed (the DMA latency request drops with its
 * fd), then every saved original written back and the state file removed. */
static int teardown(struct daemon *d)
{
	int r = 0;

	for (int i = 0; i < d->nr_src; i++)
		close_source(d, &d->src[i]);
	eg_control_close(d->ctl);
	d->ctl = NULL;
	if (d->rec && eg_record_close(d->rec) < 0)
		eg_err("--record: the recording may be incomplete");
	d->rec = NULL;
	if (d->cf_open)
		eg_cpufreq_close(&d->cf);
	if (d->ci_open)
		eg_cpuidle_close(&d->ci);
	d->cf_open = d->ci_open = false;
	if (d->state_used) {
		r = restore_file(d->st.file);
		if (r == 0)
			eg_notice("original settings restored");
	}
	if (d->eng)
		eg_engine_free(d->eng);
	d->eng = NULL;
	eg_engine_config_free(&d->cfg);
	eg_state_free(&d->st);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->tfd >= 0)
		close(d->tfd);
	if (d->sfd >= 0)
		close(d->sfd);
	free(d->batch);
	free(d->model);
	free(d->pc);
	return r;
}

static int start(struct daemon *d)
{
	uint64_t now;
	uint64_t usec = 0;
	int r;

	if (d->o->config) {
		eg_strlcpy(d->config_path, d->o->config, sizeof(d->config_path));
		d->config_explicit = true;
	} else {
		eg_strlcpy(d->config_path, EAGOV_SYSCONFDIR "/eagov.conf", sizeof(d->config_path));
	}
	r = load_conf(d, &d->conf);
	if (r < 0)
		return r;
	if (!d->o->log_level && !d->o->nr_verbose)
		eg_log_set_level(d->conf.log_level);
	d->profile = d->conf.profile;
	if (d->o->profile) {
		if (eg_profile_from_string(d->o->profile, &d->profile) < 0) {
			eg_err("unknown profile '%s' (power-saver, balanced, performance)",
			       d->o->profile);
			return -EINVAL;
		}
		d->profile_from_cli = true;
	}
	r = eg_sysfs_init(&d->fs, d->o->sysfs_root);
	if (r < 0)
		return eg_log_errno(r, "--sysfs-root");
	r = choose_device(d, &d->conf, d->device_path, sizeof(d->device_path));
	if (r < 0)
		return r;
	if (d->device_path[0])
		eg_notice("device file: %s", d->device_path);
	else
		eg_notice("device file: none matches this machine; using discovery alone");
	d->model = malloc(sizeof(*d->model));
	d->pc = malloc(sizeof(*d->pc));
	if (!d->model || !d->pc)
		return -ENOMEM;
	r = load_model(d, d->device_path, d->model, d->pc);
	if (r < 0)
		return r;
	now = now_ns();
	d->t0 = now;
	r = setup_fds(d);
	if (r < 0)
		return r;
	r = open_sinks(d, now);
	if (r < 0)
		return r;
	now = now_ns();
	r = engine_build(d, d->profile, now);
	if (r < 0)
		return r;
	r = open_sources(d);
	if (r < 0)
		return r;
	r = open_control(d);
	if (r < 0)
		return r;
	if (d->o->record) {
		r = eg_record_open(&d->rec, d->o->record, d->model);
		if (r < 0)
			return eg_log_errno(r, "--record %s", d->o->record);
		eg_notice("recording events to %s", d->o->record);
	}
	/* --duration counts from here, running: opening a source can take
	 * seconds (perf parses every tracepoint format), which a short run
	 * would otherwise lose. */
	now = now_ns();
	if (d->o->duration_s > 0)
		d->end_ns = now + (uint64_t)llround(d->o->duration_s * (double)NSEC_PER_SEC);
	if (sd_watchdog_enabled(0, &usec) > 0 && usec) {
		/* Ping at half the deadline, as systemd recommends. */
		d->watchdog_ns = usec * NSEC_PER_USEC / 2;
		d->next_watchdog_ns = now;
	}
	d->next_status_ns = now + STATUS_PERIOD_NS;
	eg_notice("running: %d domain%s, %d CPUs, profile %s%s", d->model->nr_pds,
		  d->model->nr_pds == 1 ? "" : "s", d->model->nr_cpus,
		  eg_profile_name(d->profile), d->o->dry_run ? ", dry run (nothing written)" : "");
	sd_notify(0, "READY=1");
	update_status(d);
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
	d->o = o;
	d->epfd = d->tfd = d->sfd = d->ctlfd = -1;
	d->stats.start_ns = now_ns();
	d->stats.rng = 0x9e3779b97f4a7c15ULL;
	/* Without the reservoir the run goes on; only the percentiles are 0. */
	d->stats.wake_ns = malloc(WAKE_SAMPLES * sizeof(*d->stats.wake_ns));
	if (o->dry_run)
		setvbuf(stdout, NULL, _IOLBF, 0);
	r = start(d);
	if (r == 0)
		r = loop(d);
	sd_notify(0, "STOPPING=1");
	rr = teardown(d);
	print_stats(d);
	free(d->stats.wake_ns);
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
