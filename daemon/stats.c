// SPDX-License-Identifier: GPL-2.0-or-later
/* Run statistics: counters, the wake-to-write reservoir and its
 * percentiles, the exit line and the status object's "stats". */
#include "stats.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <json-c/json.h>

#include "event.h"
#include "util.h"

/* Wake-to-write latencies kept for the percentiles: a uniform reservoir
 * sample, so a long run costs a fixed 768 KiB and still represents all of
 * it. */
#define WAKE_SAMPLES 65536

struct stats_view {
	double wall_s, cpu_s, events_per_s, p50_us, p99_us;
	double delivery_p50_us, delivery_p99_us, own_p50_us, own_p99_us;
	uint64_t events, decisions, urgent, wake_n;
};

static uint64_t stats_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void stats_init(struct run_stats *s, uint64_t now)
{
	memset(s, 0, sizeof(*s));
	s->start_ns = now;
	s->rng = 0x9e3779b97f4a7c15ULL;
	s->wake_ns = malloc(WAKE_SAMPLES * sizeof(*s->wake_ns));
	s->delivery_ns = malloc(WAKE_SAMPLES * sizeof(*s->delivery_ns));
	if (!s->wake_ns || !s->delivery_ns)
		stats_free(s);
}

void stats_free(struct run_stats *s)
{
	free(s->wake_ns);
	free(s->delivery_ns);
	s->wake_ns = NULL;
	s->delivery_ns = NULL;
}

/* One wake-to-write latency and its delivery into the reservoir (Vitter's
 * algorithm R: the k-th sample replaces a random slot with probability
 * WAKE_SAMPLES / k). */
static void stats_wake(struct run_stats *s, uint64_t ns, uint64_t delivery)
{
	uint64_t k = s->wake_n++, x, slot = k;

	if (!s->wake_ns)
		return;
	if (k >= WAKE_SAMPLES) {
		x = s->rng;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		s->rng = x;
		slot = x % (k + 1);
		if (slot >= WAKE_SAMPLES)
			return;
	}
	s->wake_ns[slot] = ns;
	s->delivery_ns[slot] = (uint32_t)EG_MIN(delivery, (uint64_t)UINT32_MAX);
}

/* The fast-ramp decision an RT wakeup caused: what wake_to_write measures. */
static bool is_rt_ramp(const struct eg_decision *x, const struct eg_event *cause)
{
	return cause && cause->type == EG_EV_WAKEUP && x->type == EG_DEC_SET_FREQ &&
	       (x->flags & EG_DEC_URGENT) && x->reason == EG_REASON_RT &&
	       eg_prio_class(cause->wakeup.pid, cause->wakeup.prio) >= EG_CLASS_RT;
}

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

void stats_decision(struct run_stats *s, const struct eg_decision *x)
{
	s->decisions++;
	if (x->flags & EG_DEC_URGENT)
		s->urgent++;
}

void stats_applied(struct run_stats *s, const struct eg_decision *x, const struct eg_event *cause)
{
	uint64_t now;

	if (!is_rt_ramp(x, cause))
		return;
	now = stats_now_ns();
	/* A record read by a turn that had woken before the record was
	 * traced (a turn already running) had no delivery to wait for. */
	stats_wake(s, now > cause->ts ? now - cause->ts : 0,
		   s->woke_ns > cause->ts ? s->woke_ns - cause->ts : 0);
}

static void pct_us(uint64_t *v, size_t n, double *p50, double *p99)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	*p50 = (double)percentile(v, n, 50) / 1e3;
	*p99 = (double)percentile(v, n, 99) / 1e3;
}

static void stats_view(const struct run_stats *s, uint64_t now, struct stats_view *v)
{
	size_t m = (size_t)EG_MIN(s->wake_n, (uint64_t)WAKE_SAMPLES);
	struct rusage ru;

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
		for (size_t i = 0; i < m; i++)
			c[i] = s->delivery_ns[i];
		pct_us(c, m, &v->delivery_p50_us, &v->delivery_p99_us);
		for (size_t i = 0; i < m; i++)
			c[i] = s->wake_ns[i] - EG_MIN(s->wake_ns[i], (uint64_t)s->delivery_ns[i]);
		pct_us(c, m, &v->own_p50_us, &v->own_p99_us);
		memcpy(c, s->wake_ns, m * sizeof(*c));
		pct_us(c, m, &v->p50_us, &v->p99_us);
		free(c);
	}
}

void stats_print(const struct run_stats *s, uint64_t now)
{
	struct stats_view v;

	stats_view(s, now, &v);
	fprintf(stderr,
		"stats: wall_s=%.3f cpu_s=%.3f events=%" PRIu64 " events_per_s=%.1f "
		"decisions=%" PRIu64 " urgent=%" PRIu64 " wake_to_write_us p50=%.1f p99=%.1f "
		"n=%" PRIu64 " wakeups=%" PRIu64 " fast_wakeups=%" PRIu64
		" delivery_p50_us=%.1f delivery_p99_us=%.1f own_p50_us=%.1f own_p99_us=%.1f\n",
		v.wall_s, v.cpu_s, v.events, v.events_per_s, v.decisions, v.urgent, v.p50_us,
		v.p99_us, v.wake_n, s->wakeups, s->fast_wakeups, v.delivery_p50_us,
		v.delivery_p99_us, v.own_p50_us, v.own_p99_us);
	fflush(stderr);
}

struct json_object *json_fixed_double(double v, int decimals)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

/* {"p50":A,"p99":B} under key in o; the object, or NULL without memory. */
static struct json_object *json_add_pct(struct json_object *o, const char *key, double p50,
					double p99)
{
	struct json_object *w = json_object_new_object();

	if (!w)
		return NULL;
	json_object_object_add(w, "p50", json_fixed_double(p50, 1));
	json_object_object_add(w, "p99", json_fixed_double(p99, 1));
	json_object_object_add(o, key, w);
	return w;
}

struct json_object *stats_json(const struct run_stats *s, uint64_t now)
{
	struct json_object *o = json_object_new_object(), *w;
	struct stats_view v;

	if (!o)
		return NULL;
	stats_view(s, now, &v);
	json_object_object_add(o, "wall_s", json_fixed_double(v.wall_s, 3));
	json_object_object_add(o, "cpu_s", json_fixed_double(v.cpu_s, 3));
	json_object_object_add(o, "events", json_object_new_int64((int64_t)v.events));
	json_object_object_add(o, "wakeups", json_object_new_int64((int64_t)s->wakeups));
	json_object_object_add(o, "fast_wakeups", json_object_new_int64((int64_t)s->fast_wakeups));
	json_object_object_add(o, "events_per_s", json_fixed_double(v.events_per_s, 1));
	json_object_object_add(o, "decisions", json_object_new_int64((int64_t)v.decisions));
	json_object_object_add(o, "urgent", json_object_new_int64((int64_t)v.urgent));
	w = json_add_pct(o, "wake_to_write_us", v.p50_us, v.p99_us);
	if (w)
		json_object_object_add(w, "n", json_object_new_int64((int64_t)v.wake_n));
	json_add_pct(o, "delivery_us", v.delivery_p50_us, v.delivery_p99_us);
	json_add_pct(o, "own_us", v.own_p50_us, v.own_p99_us);
	return o;
}
