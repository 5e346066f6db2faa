// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov-microbench: the engine alone, fed an event stream as fast as it
 * takes it, timed per event (p50 / p99 / mean ns) on a shipped device model
 * with the named frequency governor. The stream is synthetic and seeded (the
 * perf source's per-task switches and wakeups, or the bpf / poll sources'
 * per-CPU busy samples, with RT wakeups in both) or an eagovd --record file. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devfile.h"
#include "devfind.h"
#include "engine.h"
#include "log.h"
#include "parse.h"
#include "record.h"
#include "util.h"

struct stream {
	struct eg_event *ev;
	size_t n, cap;
};

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A uniform integer in [lo, hi]. */
static uint64_t rng_range(uint64_t *s, uint64_t lo, uint64_t hi)
{
	return lo + rng_next(s) % (hi - lo + 1);
}

static struct eg_event *push(struct stream *st, uint64_t ts, enum eg_event_type type, int cpu)
{
	struct eg_event *e;

	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 4096;
		struct eg_event *n = realloc(st->ev, cap * sizeof(*n));

		if (!n)
			return NULL;
		st->ev = n;
		st->cap = cap;
	}
	e = &st->ev[st->n++];
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->type = (uint16_t)type;
	e->cpu = (int16_t)cpu;
	return e;
}

static int cmp_ts(const void *a, const void *b)
{
	const struct eg_event *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* The perf source's stream: per CPU, activations of one of three tasks
 * (periods 2-20 ms, 5-60 % busy, one in eight an RT task at prio 49), each
 * a wakeup, a switch in and a switch out; one activation in 16 migrates. */
static int gen_switch(struct stream *st, const struct eg_model *m, size_t want, uint64_t seed)
{
	size_t per_cpu = want / (size_t)m->nr_cpus / 3 + 1;

	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		uint64_t t = 1 + rng_range(&seed, 0, 1000000);

		for (size_t k = 0; k < per_cpu; k++) {
			int32_t pid = 1000 + cpu * 10 + (int32_t)rng_range(&seed, 0, 2);
			bool rt = rng_range(&seed, 0, 7) == 0;
			uint64_t period = rng_range(&seed, 2, 20) * NSEC_PER_MSEC;
			uint64_t run = period * rng_range(&seed, 5, 60) / 100;
			int16_t prio = rt ? 49 : 120;
			struct eg_event *e;

			e = push(st, t, EG_EV_WAKEUP, cpu);
			if (!e)
				return -ENOMEM;
			e->wakeup.pid = pid;
			e->wakeup.prio = prio;
			e->wakeup.target_cpu = (int16_t)cpu;
			e = push(st, t + 20000, EG_EV_SWITCH, cpu);
			if (!e)
				return -ENOMEM;
			e->sw.next_pid = pid;
			e->sw.next_prio = prio;
			e->sw.prev_prio = 120;
			e->sw.util_max = EG_CAPACITY_SCALE;
			e = push(st, t + 20000 + run, EG_EV_SWITCH, cpu);
			if (!e)
				return -ENOMEM;
			e->sw.prev_pid = pid;
			e->sw.prev_prio = prio;
			e->sw.next_prio = 120;
			e->sw.util_max = EG_CAPACITY_SCALE;
			if (m->nr_cpus > 1 && rng_range(&seed, 0, 15) == 0) {
				e = push(st, t + 20000 + run + 1000, EG_EV_MIGRATE, cpu);
				if (!e)
					return -ENOMEM;
				e->migrate.pid = pid;
				e->migrate.prio = prio;
				e->migrate.orig_cpu = (int16_t)cpu;
				e->migrate.dest_cpu = (int16_t)((cpu + 1) % m->nr_cpus);
			}
			t += period;
		}
	}
	qsort(st->ev, st->n, sizeof(*st->ev), cmp_ts);
	return 0;
}

/* The bpf source's stream: per CPU a busy sample per 4 ms window whose
 * busy fraction drifts (a random walk, 0-100 %), and an RT wakeup on one
 * window in 20. */
static int gen_busy(struct stream *st, const struct eg_model *m, size_t want, uint64_t seed)
{
	size_t per_cpu = want / (size_t)m->nr_cpus + 1;
	const uint64_t win = 4 * NSEC_PER_MSEC;

	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		int64_t frac = (int64_t)rng_range(&seed, 0, 1024);
		uint64_t t = rng_range(&seed, 0, win);

		for (size_t k = 0; k < per_cpu; k++) {
			struct eg_event *e;

			t += win;
			frac += (int64_t)rng_range(&seed, 0, 160) - 80;
			frac = EG_MAX(EG_MIN(frac, 1024), 0);
			if (rng_range(&seed, 0, 19) == 0) {
				e = push(st, t - win / 2, EG_EV_WAKEUP, cpu);
				if (!e)
					return -ENOMEM;
				e->wakeup.pid = 2000 + cpu;
				e->wakeup.prio = 49;
				e->wakeup.target_cpu = (int16_t)cpu;
			}
			e = push(st, t, EG_EV_BUSY_SAMPLE, cpu);
			if (!e)
				return -ENOMEM;
			e->busy.busy_ns = win * (uint64_t)frac / 1024;
			e->busy.window_ns = win;
			e->busy.no_switches = true;
		}
	}
	qsort(st->ev, st->n, sizeof(*st->ev), cmp_ts);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * NSEC_PER_SEC + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Feed every event, with the timer ticks the daemon would add before it;
 * when lat is given, the time of each event (its ticks included) there. */
static int run(const struct eg_model *m, const struct eg_engine_config *cfg,
	       const struct stream *st, uint64_t *lat, uint64_t *decisions)
{
	struct eg_decisions *out = malloc(sizeof(*out));
	struct eg_engine *e;
	int r;

	if (!out)
		return -ENOMEM;
	r = eg_engine_new(&e, m, cfg, st->ev[0].ts);
	if (r < 0) {
		free(out);
		return r;
	}
	out->n = 0;
	eg_engine_start(e, st->ev[0].ts, out);
	*decisions = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct eg_event *ev = &st->ev[i];
		uint64_t t0 = lat ? now_ns() : 0;

		out->n = 0;
		while (eg_engine_next_timer(e) <= ev->ts) {
			struct eg_event tick = { .ts = ev->ts, .type = EG_EV_TICK, .cpu = -1 };

			eg_engine_event(e, &tick, out);
		}
		eg_engine_event(e, ev, out);
		if (lat)
			lat[i] = now_ns() - t0;
		*decisions += (uint64_t)out->n;
	}
	eg_engine_free(e);
	free(out);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: eagov-microbench [OPTION]...\n"
		"Time the engine alone, per event, on a device model.\n\n"
		"  -d, --device FILE|NAME  device file or shipped name (default hikey960)\n"
		"  -g, --governor NAME     frequency policy on every domain (default schedutil)\n"
		"  -i, --idle NAME         idle policy (default menu)\n"
		"  -S, --stream KIND       switch (per-task switches and wakeups, as the perf\n"
		"                          source sends them) or busy (per-CPU busy samples,\n"
		"                          as bpf and poll send them); default switch\n"
		"  -r, --replay FILE       an eagovd --record file instead of a synthetic stream\n"
		"  -n, --events N          synthetic events (default 1000000)\n"
		"  -s, --seed N            synthetic stream seed (default 1)\n"
		"  -h, --help\n\n"
		"Prints one line: the events, decisions, and ns per event p50 / p99 (timed one\n"
		"by one, less the clock's own cost) and mean (the stream untimed, over N).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "governor", required_argument, NULL, 'g' },
		{ "idle", required_argument, NULL, 'i' },
		{ "stream", required_argument, NULL, 'S' },
		{ "replay", required_argument, NULL, 'r' },
		{ "events", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *device = "hikey960", *gov = "schedutil", *idle = "menu", *kind = "switch";
	const char *replay = NULL;
	uint64_t nev = 1000000, seed = 1, clock_ns, t0, total, dec;
	struct eg_policy_conf *pc = calloc(1, sizeof(*pc));
	struct eg_model *m = calloc(1, sizeof(*m));
	struct eg_engine_config cfg;
	struct eg_error err = { 0 };
	struct stream st = { 0 };
	char path[EG_PATH_MAX], msg[600];
	uint64_t *lat, cal[1001];
	int c, r;

	if (!pc || !m)
		return 1;
	while ((c = getopt_long(argc, argv, "d:g:i:S:r:n:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			device = optarg;
			break;
		case 'g':
			gov = optarg;
			break;
		case 'i':
			idle = optarg;
			break;
		case 'S':
			kind = optarg;
			break;
		case 'r':
			replay = optarg;
			break;
		case 'n':
			if (eg_parse_u64(optarg, 1, 100000000, &nev) < 0) {
				eg_err("--events: 1..100000000, not '%s'", optarg);
				return 2;
			}
			break;
		case 's':
			if (eg_parse_u64(optarg, 0, UINT64_MAX, &seed) < 0) {
				eg_err("--seed: a number, not '%s'", optarg);
				return 2;
			}
			seed = seed ? seed : 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || (!eg_streq(kind, "switch") && !eg_streq(kind, "busy"))) {
		usage(stderr);
		return 2;
	}
	if (eg_conf_find_device(device, path, sizeof(path)) < 0) {
		eg_err("device '%s' not found", device);
		return 1;
	}
	if (eg_conf_load_device(path, m, pc, &err) < 0) {
		eg_error_format(&err, msg, sizeof(msg));
		eg_err("%s", msg);
		return 1;
	}
	if (eg_engine_config_simple(&cfg, m, gov, idle, NULL) < 0) {
		eg_err("no frequency policy '%s' or idle policy '%s'", gov, idle);
		return 1;
	}
	if (replay) {
		struct eg_record_info info;

		r = eg_record_load(replay, &st.ev, &st.n, &info, msg, sizeof(msg));
		if (r < 0) {
			eg_err("%s: %s", replay, msg);
			return 1;
		}
		if (info.nr_cpus != m->nr_cpus) {
			eg_err("%s: recorded with %d CPUs, device '%s' has %d", replay,
			       info.nr_cpus, m->name, m->nr_cpus);
			return 1;
		}
		kind = "replay";
	} else {
		r = eg_streq(kind, "switch") ? gen_switch(&st, m, (size_t)nev, seed) :
					       gen_busy(&st, m, (size_t)nev, seed);
		if (r < 0)
			return 1;
	}
	if (st.n == 0) {
		eg_err("no events");
		return 1;
	}
	lat = malloc(st.n * sizeof(*lat));
	if (!lat)
		return 1;
	/* The clock's own cost, read as the benchmark reads it. */
	for (size_t i = 0; i < ARRAY_SIZE(cal); i++) {
		uint64_t a = now_ns();

		cal[i] = now_ns() - a;
	}
	qsort(cal, ARRAY_SIZE(cal), sizeof(cal[0]), cmp_u64);
	clock_ns = cal[ARRAY_SIZE(cal) / 2];
	/* Untimed first (warm caches, the mean), then timed one by one. */
	t0 = now_ns();
	if (run(m, &cfg, &st, NULL, &dec) < 0)
		return 1;
	total = now_ns() - t0;
	if (run(m, &cfg, &st, lat, &dec) < 0)
		return 1;
	for (size_t i = 0; i < st.n; i++)
		lat[i] = lat[i] > clock_ns ? lat[i] - clock_ns : 0;
	qsort(lat, st.n, sizeof(*lat), cmp_u64);
	printf("engine: device %s, governor %s, idle %s, stream %s: %zu events, %" PRIu64
	       " decisions; ns/event p50 %" PRIu64 " p99 %" PRIu64 " mean %.0f (clock %" PRIu64
	       " ns subtracted)\n",
	       m->name, gov, idle, kind, st.n, dec, lat[st.n / 2], lat[st.n * 99 / 100],
	       (double)total / (double)st.n, clock_ns);
	free(lat);
	free(st.ev);
	eg_engine_config_free(&cfg);
	free(pc);
	free(m);
	return 0;
}
