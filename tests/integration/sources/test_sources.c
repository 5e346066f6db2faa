// SPDX-License-Identifier: GPL-2.0-or-later
/* The poll source on a fake cpuidle tree, and recordings: every field of
 * every event type survives record -> load and record -> replay; truncated,
 * corrupt and foreign files are rejected with a clear error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "record.h"
#include "sched_perf.h"
#include "source.h"
#include "sysfs_io.h"

#define MS NSEC_PER_MSEC
#define T0 (1000 * MS)

/* ---- poll */

static void set_idle(const struct fx *f, int cpu, uint64_t us)
{
	char rel[128], val[32];

	/* All residency in state0, the others stay 0. */
	for (int k = 0; k < FX_NR_STATES; k++) {
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/time",
			 cpu, k);
		snprintf(val, sizeof(val), "%llu\n", k ? 0ULL : (unsigned long long)us);
		fx_write(f, rel, val);
	}
}

static void test_poll_source(void **state EG_UNUSED)
{
	const struct eg_source_ops *ops = eg_source_find("poll");
	struct eg_event ev[FX_NR_CPUS];
	struct eg_model m;
	struct eg_sysfs fs;
	struct eg_source *s;
	struct fx f;
	char why[128] = "";
	int n;

	fx_create(&f, false);
	fx_model(&m);
	assert_int_equal(eg_sysfs_init(&fs, f.root), 0);
	struct eg_source_opts o = { .model = &m, .fs = &fs, .poll_interval_ms = 20 };

	assert_non_null(ops);
	assert_int_equal(ops->probe(&o, why, sizeof(why)), 0);
	for (int cpu = 0; cpu < FX_NR_CPUS; cpu++)
		set_idle(&f, cpu, 1000);
	assert_int_equal(ops->open(&s, &o), 0);
	assert_int_equal(ops->fd(s), -1);
	assert_int_equal(ops->next_timeout(s), 0); /* baseline due at once */
	assert_int_equal(ops->read(s, T0, ev, FX_NR_CPUS), 0);
	/* The next read is due one interval (20 ms) after the last. */
	assert_int_equal(ops->next_timeout(s), T0 + 20 * MS);
	/* Over 20 ms, cpu c idles 2 * c ms (c = 1..7: 2..14 ms, busy 18..6
	 * ms); cpu0 idles 5 ms: busy 15 ms. */
	set_idle(&f, 0, 1000 + 5000);
	for (int cpu = 1; cpu < FX_NR_CPUS; cpu++)
		set_idle(&f, cpu, 1000 + 2000 * (uint64_t)cpu);
	n = ops->read(s, T0 + 20 * MS, ev, FX_NR_CPUS);
	assert_int_equal(n, FX_NR_CPUS);
	for (int i = 0; i < n; i++) {
		uint64_t idle = ev[i].cpu == 0 ? 5 * MS : 2 * MS * (uint64_t)ev[i].cpu;

		assert_int_equal(ev[i].type, EG_EV_BUSY_SAMPLE);
		assert_int_equal(ev[i].ts, T0 + 20 * MS);
		assert_int_equal(ev[i].busy.window_ns, 20 * MS);
		assert_int_equal(ev[i].busy.busy_ns, 20 * MS - idle);
	}
	ops->close(s);

	/* Interval 0 means the documented 10 ms default. */
	o.poll_interval_ms = 0;
	assert_int_equal(ops->open(&s, &o), 0);
	assert_int_equal(ops->read(s, T0, ev, FX_NR_CPUS), 0);
	assert_int_equal(ops->next_timeout(s), T0 + 10 * MS);
	ops->close(s);
	fx_destroy(&f);

	/* A root with neither cpuidle nor /proc/stat: probe says why. */
	fx_create(&f, false);
	fx_rm(&f, "/sys/devices/system/cpu/cpu0/cpuidle");
	fx_rm(&f, "/proc");
	assert_int_equal(eg_sysfs_init(&fs, f.root), 0);
	assert_true(ops->probe(&o, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "/proc/stat"));
	fx_destroy(&f);
}

/* While every CPU is idle (busy under the threshold) the poll source reads
 * half as often each time, up to once a second; one busy CPU brings the
 * base interval back, and sync() makes a read due at once, once. */
static void test_poll_backoff(void **state EG_UNUSED)
{
	const struct eg_source_ops *ops = eg_source_find("poll");
	struct eg_event ev[FX_NR_CPUS];
	uint64_t now = T0, idle_us = 1000, want = 20 * MS;
	struct eg_model m;
	struct eg_sysfs fs;
	struct eg_source *s;
	struct fx f;

	fx_create(&f, false);
	fx_model(&m);
	assert_int_equal(eg_sysfs_init(&fs, f.root), 0);
	struct eg_source_opts o = { .model = &m, .fs = &fs, .poll_interval_ms = 20 };

	for (int cpu = 0; cpu < FX_NR_CPUS; cpu++)
		set_idle(&f, cpu, idle_us);
	assert_int_equal(ops->open(&s, &o), 0);
	ops->set_util_threshold(s, 32, 0); /* 32/1024: 3.1 % busy */
	assert_int_equal(ops->read(s, now, ev, FX_NR_CPUS), 0);
	assert_int_equal(ops->next_timeout(s), now + want);
	/* Each window 3 % busy (under 3.1 %): 20 -> 40 -> ... -> 640 -> 1000 ms. */
	for (int k = 0; k < 7; k++) {
		uint64_t win = ops->next_timeout(s) - now;

		now += win;
		idle_us += win / NSEC_PER_USEC * 97 / 100;
		for (int cpu = 0; cpu < FX_NR_CPUS; cpu++)
			set_idle(&f, cpu, idle_us);
		assert_int_equal(ops->read(s, now, ev, FX_NR_CPUS), FX_NR_CPUS);
		want = k < 5 ? want * 2 : 1000 * MS;
		assert_int_equal(ops->next_timeout(s), now + want);
	}
	/* One CPU 4 % busy over the next second: back to 20 ms. */
	now += 1000 * MS;
	idle_us += 1000 * 1000;
	for (int cpu = 1; cpu < FX_NR_CPUS; cpu++)
		set_idle(&f, cpu, idle_us);
	set_idle(&f, 0, idle_us - 40 * 1000);
	assert_int_equal(ops->read(s, now, ev, FX_NR_CPUS), FX_NR_CPUS);
	assert_int_equal(ops->next_timeout(s), now + 20 * MS);
	/* A sampling policy due: the next read at once. */
	ops->sync(s);
	assert_true(ops->next_timeout(s) <= now);
	/* That read, 5 ms on and idle, and only that one: then the backoff
	 * again from the base interval (20 -> 40 ms), not a read per turn. */
	now += 5 * MS;
	idle_us += 5 * 1000;
	for (int cpu = 0; cpu < FX_NR_CPUS; cpu++)
		set_idle(&f, cpu, idle_us);
	assert_true(ops->read(s, now, ev, FX_NR_CPUS) >= 0);
	assert_int_equal(ops->next_timeout(s), now + 40 * MS);
	ops->close(s);
	fx_destroy(&f);
}

/* ---- recordings */

struct rec_ctx {
	char dir[64];
	char path[128];
	struct eg_model m;
};

static int rec_setup(void **state)
{
	struct rec_ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	strcpy(c->dir, "/tmp/eagov-rec-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->path, sizeof(c->path), "%s/rec.bin", c->dir);
	eg_model_init(&c->m);
	strcpy(c->m.name, "test-board");
	c->m.nr_cpus = 8;
	*state = c;
	return 0;
}

static int rec_teardown(void **state)
{
	struct rec_ctx *c = *state;

	unlink(c->path);
	rmdir(c->dir);
	free(c);
	return 0;
}

/* One event of every type, each field distinct, signed fields negative
 * where the type allows it, 64-bit fields above 2^32. */
static size_t sample_events(struct eg_event *e)
{
	size_t n = 0;

	memset(e, 0, sizeof(*e) * 20);
	e[n].type = EG_EV_SWITCH;
	e[n].ts = 1;
	e[n].cpu = 3;
	e[n].sw.prev_pid = 1234;
	e[n].sw.next_pid = 0;
	e[n].sw.prev_prio = 120;
	e[n].sw.next_prio = -1;
	e[n].sw.prev_runnable = true;
	e[n].sw.util_min = 100;
	e[n++].sw.util_max = 900;
	e[n].type = EG_EV_WAKEUP;
	e[n].ts = 2;
	e[n].cpu = 0;
	e[n].wakeup.pid = 77;
	e[n].wakeup.prio = 5;
	e[n].wakeup.target_cpu = 7;
	e[n++].wakeup.flags = EG_WAKE_NEW | EG_WAKE_IOWAIT;
	e[n].type = EG_EV_MIGRATE;
	e[n].ts = 3;
	e[n].cpu = 1;
	e[n].migrate.pid = 2147483647;
	e[n].migrate.prio = 139;
	e[n].migrate.orig_cpu = 1;
	e[n++].migrate.dest_cpu = 6;
	e[n].type = EG_EV_EXIT;
	e[n].ts = 4;
	e[n].cpu = 2;
	e[n++].exit.pid = 99;
	e[n].type = EG_EV_BUSY_SAMPLE;
	e[n].ts = 5;
	e[n].cpu = 4;
	e[n].busy.busy_ns = 0x123456789aULL;
	e[n].busy.no_switches = true; /* flag bits 0 and 1 */
	e[n].busy.correction = true;
	e[n++].busy.window_ns = 0xfedcba98765ULL;
	e[n].type = EG_EV_IDLE_ENTER;
	e[n].ts = 6;
	e[n].cpu = 5;
	e[n++].idle.state = 2;
	e[n].type = EG_EV_IDLE_EXIT;
	e[n].ts = 7;
	e[n].cpu = 5;
	e[n++].idle.state = -1;
	e[n].type = EG_EV_TEMP;
	e[n].ts = 8;
	e[n].cpu = -1;
	e[n].temp.zone = 1;
	e[n++].temp.temp_mc = -5000;
	e[n].type = EG_EV_TRIP;
	e[n].ts = 9;
	e[n].cpu = -1;
	e[n].trip.zone = 2;
	e[n].trip.trip = 3;
	e[n].trip.temp_mc = 85000;
	e[n++].trip.up = true;
	e[n].type = EG_EV_CPU_ONLINE;
	e[n].ts = 10;
	e[n++].cpu = 6;
	e[n].type = EG_EV_CPU_OFFLINE;
	e[n].ts = 11;
	e[n++].cpu = 7;
	e[n].type = EG_EV_POWER_SOURCE;
	e[n].ts = 12;
	e[n].cpu = -1;
	e[n++].power.on_ac = true;
	e[n].type = EG_EV_FREQ;
	e[n].ts = 13;
	e[n].cpu = -1;
	e[n].freq.pd = 1;
	e[n++].freq.khz = 2362000;
	e[n].type = EG_EV_LIMITS;
	e[n].ts = 14;
	e[n].cpu = -1;
	e[n].limits.pd = 0;
	e[n].limits.min_khz = 533000;
	e[n++].limits.max_khz = 1844000;
	e[n].type = EG_EV_TICK;
	e[n].ts = 0xffffffffffULL; /* above 2^32 */
	e[n++].cpu = 3;
	e[n].type = EG_EV_BOOST;
	e[n].ts = 0x10000000000ULL;
	e[n].cpu = -1;
	e[n].boost.pid = 4321;
	e[n++].boost.ms = 250;
	/* Every type of the enum once (NONE excluded). */
	assert_int_equal(n, EG_EV__MAX - 1);
	return n;
}

static void assert_event_equal(const struct eg_event *a, const struct eg_event *b)
{
	assert_int_equal(a->ts, b->ts);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->cpu, b->cpu);
	switch (a->type) {
	case EG_EV_SWITCH:
		assert_int_equal(a->sw.prev_pid, b->sw.prev_pid);
		assert_int_equal(a->sw.next_pid, b->sw.next_pid);
		assert_int_equal(a->sw.prev_prio, b->sw.prev_prio);
		assert_int_equal(a->sw.next_prio, b->sw.next_prio);
		assert_int_equal(a->sw.prev_runnable, b->sw.prev_runnable);
		assert_int_equal(a->sw.util_min, b->sw.util_min);
		assert_int_equal(a->sw.util_max, b->sw.util_max);
		break;
	case EG_EV_WAKEUP:
		assert_int_equal(a->wakeup.pid, b->wakeup.pid);
		assert_int_equal(a->wakeup.prio, b->wakeup.prio);
		assert_int_equal(a->wakeup.target_cpu, b->wakeup.target_cpu);
		assert_int_equal(a->wakeup.flags, b->wakeup.flags);
		break;
	case EG_EV_MIGRATE:
		assert_int_equal(a->migrate.pid, b->migrate.pid);
		assert_int_equal(a->migrate.prio, b->migrate.prio);
		assert_int_equal(a->migrate.orig_cpu, b->migrate.orig_cpu);
		assert_int_equal(a->migrate.dest_cpu, b->migrate.dest_cpu);
		break;
	case EG_EV_EXIT:
		assert_int_equal(a->exit.pid, b->exit.pid);
		break;
	case EG_EV_BUSY_SAMPLE:
		assert_int_equal(a->busy.busy_ns, b->busy.busy_ns);
		assert_int_equal(a->busy.window_ns, b->busy.window_ns);
		assert_int_equal(a->busy.no_switches, b->busy.no_switches);
		assert_int_equal(a->busy.correction, b->busy.correction);
		break;
	case EG_EV_IDLE_ENTER:
	case EG_EV_IDLE_EXIT:
		assert_int_equal(a->idle.state, b->idle.state);
		break;
	case EG_EV_TEMP:
		assert_int_equal(a->temp.zone, b->temp.zone);
		assert_int_equal(a->temp.temp_mc, b->temp.temp_mc);
		break;
	case EG_EV_TRIP:
		assert_int_equal(a->trip.zone, b->trip.zone);
		assert_int_equal(a->trip.trip, b->trip.trip);
		assert_int_equal(a->trip.temp_mc, b->trip.temp_mc);
		assert_int_equal(a->trip.up, b->trip.up);
		break;
	case EG_EV_POWER_SOURCE:
		assert_int_equal(a->power.on_ac, b->power.on_ac);
		break;
	case EG_EV_FREQ:
		assert_int_equal(a->freq.pd, b->freq.pd);
		assert_int_equal(a->freq.khz, b->freq.khz);
		break;
	case EG_EV_LIMITS:
		assert_int_equal(a->limits.pd, b->limits.pd);
		assert_int_equal(a->limits.min_khz, b->limits.min_khz);
		assert_int_equal(a->limits.max_khz, b->limits.max_khz);
		break;
	case EG_EV_BOOST:
		assert_int_equal(a->boost.pid, b->boost.pid);
		assert_int_equal(a->boost.ms, b->boost.ms);
		break;
	default:
		break;
	}
}

static size_t write_sample(struct rec_ctx *c, struct eg_event *e)
{
	struct eg_recorder *r;
	size_t n = sample_events(e);

	assert_int_equal(eg_record_open(&r, c->path, &c->m), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(eg_record_write(r, &e[i]), 0);
	assert_int_equal(eg_record_close(r), 0);
	return n;
}

static void test_round_trip(void **state)
{
	struct rec_ctx *c = *state;
	struct eg_event e[20], *got = NULL;
	struct eg_record_info info;
	struct eg_recorder *r;
	char err[256];
	size_t n = write_sample(c, e), m = 0;
	struct eg_event bad = { .type = EG_EV__MAX };

	assert_int_equal(eg_record_load(c->path, &got, &m, &info, err, sizeof(err)), 0);
	assert_int_equal(m, n);
	assert_string_equal(info.model, "test-board");
	assert_int_equal(info.nr_cpus, 8);
	assert_int_equal(info.version, EG_RECORD_VERSION);
	for (size_t i = 0; i < n; i++)
		assert_event_equal(&e[i], &got[i]);
	free(got);
	/* An event outside the enum is refused by the writer. */
	assert_int_equal(eg_record_open(&r, c->path, &c->m), 0);
	assert_int_equal(eg_record_write(r, &bad), -EINVAL);
	assert_int_equal(eg_record_close(r), 0);
	/* An empty recording loads as zero events. */
	assert_int_equal(eg_record_load(c->path, &got, &m, NULL, err, sizeof(err)), 0);
	assert_int_equal(m, 0);
	free(got);
}

static void test_replay_fast(void **state)
{
	struct rec_ctx *c = *state;
	const struct eg_source_ops *ops = eg_source_find("replay");
	struct eg_source_opts o = { .model = &c->m, .replay_path = c->path };
	struct eg_event e[20], got[20];
	struct eg_source *s;
	char why[256];
	size_t n = write_sample(c, e), k = 0;
	int r;

	assert_int_equal(ops->probe(&o, why, sizeof(why)), 0);
	assert_int_equal(ops->open(&s, &o), 0);
	assert_int_equal(ops->fd(s), -1);
	/* 3 at a time, as fast as asked, recorded timestamps kept. */
	while (k < n) {
		assert_int_equal(ops->next_timeout(s), 0);
		r = ops->read(s, 42, got, 3);
		assert_int_equal(r, (int)EG_MIN((size_t)3, n - k));
		for (int i = 0; i < r; i++)
			assert_event_equal(&e[k + (size_t)i], &got[i]);
		k += (size_t)r;
	}
	assert_int_equal(ops->read(s, 42, got, 3), -ENODATA);
	ops->close(s);
}

static void test_replay_realtime(void **state)
{
	struct rec_ctx *c = *state;
	const struct eg_source_ops *ops = eg_source_find("replay");
	struct eg_source_opts o = { .model = &c->m,
				    .replay_path = c->path,
				    .replay_realtime = true };
	struct eg_event e[3], got[3];
	struct eg_recorder *r;
	struct eg_source *s;

	memset(e, 0, sizeof(e));
	for (int i = 0; i < 3; i++) {
		e[i].type = EG_EV_EXIT;
		e[i].cpu = 0;
		e[i].exit.pid = 10 + i;
	}
	/* Recorded at 100, 105 and 130 ms. */
	e[0].ts = 100 * MS;
	e[1].ts = 105 * MS;
	e[2].ts = 130 * MS;
	assert_int_equal(eg_record_open(&r, c->path, &c->m), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(eg_record_write(r, &e[i]), 0);
	assert_int_equal(eg_record_close(r), 0);

	assert_int_equal(ops->open(&s, &o), 0);
	/* The first read at T0 places the first event at T0, the others at
	 * T0 + 5 ms and T0 + 30 ms. */
	assert_int_equal(ops->read(s, T0, got, 3), 1);
	assert_int_equal(got[0].ts, T0);
	assert_int_equal(got[0].exit.pid, 10);
	assert_int_equal(ops->next_timeout(s), T0 + 5 * MS);
	assert_int_equal(ops->read(s, T0 + 4 * MS, got, 3), 0);
	assert_int_equal(ops->read(s, T0 + 31 * MS, got, 3), 2);
	assert_int_equal(got[0].ts, T0 + 5 * MS);
	assert_int_equal(got[1].ts, T0 + 30 * MS);
	assert_int_equal(got[1].exit.pid, 12);
	assert_int_equal(ops->read(s, T0 + 40 * MS, got, 3), -ENODATA);
	ops->close(s);
}

static void patch(const char *path, long off, const void *bytes, size_t len)
{
	FILE *f = fopen(path, "r+b");

	assert_non_null(f);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	fclose(f);
}

static void expect_load_error(const char *path, const char *what)
{
	struct eg_event *got = (struct eg_event *)1;
	char err[256] = "";
	size_t m = 99;

	assert_int_equal(eg_record_load(path, &got, &m, NULL, err, sizeof(err)), -EBADMSG);
	assert_null(got);
	assert_int_equal(m, 0);
	if (!strstr(err, what))
		fail_msg("error '%s' does not say '%s'", err, what);
	assert_non_null(strstr(err, path));
}

static void test_rejected_files(void **state)
{
	struct rec_ctx *c = *state;
	const struct eg_source_ops *ops = eg_source_find("replay");
	struct eg_source_opts o = { .model = &c->m, .replay_path = c->path };
	struct eg_event e[20];
	struct eg_source *s;
	uint8_t b4[4];
	size_t n;
	char why[256];

	/* Truncated: 10 bytes cut off the last record. */
	n = write_sample(c, e);
	assert_int_equal(truncate(c->path, EG_RECORD_HEADER_SIZE + (off_t)n * EG_RECORD_SIZE - 10),
			 0);
	/* EG_RECORD_SIZE - 10 = 38 bytes of the last record remain. */
	expect_load_error(c->path, "truncated: 38 bytes");
	/* The replay source refuses it at open. */
	assert_int_equal(ops->open(&s, &o), -EBADMSG);

	/* Wrong magic. */
	write_sample(c, e);
	patch(c->path, 0, "EAGOVREX", 8);
	expect_load_error(c->path, "EAGOVREC");

	/* Unknown version. */
	write_sample(c, e);
	b4[0] = 2, b4[1] = b4[2] = b4[3] = 0;
	patch(c->path, 8, b4, 4);
	expect_load_error(c->path, "version 2");

	/* A record with an unknown type: the third record's type field. */
	write_sample(c, e);
	b4[0] = 0xe7, b4[1] = 0x03; /* 999 */
	patch(c->path, EG_RECORD_HEADER_SIZE + 2 * EG_RECORD_SIZE + 8, b4, 2);
	expect_load_error(c->path, "record 2");
	expect_load_error(c->path, "unknown event type 999");

	/* A CPU past the header's count (8): the first record's cpu. */
	write_sample(c, e);
	b4[0] = 8, b4[1] = 0;
	patch(c->path, EG_RECORD_HEADER_SIZE + 10, b4, 2);
	expect_load_error(c->path, "cpu 8 of 8");

	/* Not there at all: the probe names the file. */
	unlink(c->path);
	assert_true(ops->probe(&o, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, c->path));
	o.replay_path = NULL;
	assert_true(ops->probe(&o, why, sizeof(why)) < 0);
}

/* ---- perf's merge order */

/* A record of a CPU as the rings show it: stamped ts, visible from read
 * number seen_at on (a late write shows up one read later). */
struct sim_rec {
	int cpu;
	uint64_t ts;
	int seen_at;
};

/* The perf merge's loop over simulated rings, with eg_perf_in_order as its
 * rule: out[] gets the stamps in the order they go out. */
static int sim_merge(const struct sim_rec *r, int nr, const uint64_t *reads, int nr_reads,
		     uint64_t *out)
{
	bool done[16] = { false }, pending[2];
	uint64_t seen[2] = { 0, 0 };
	int k = 0;

	for (int rd = 0; rd < nr_reads; rd++) {
		uint64_t floor = reads[rd] - EG_PERF_ORDER_HOLD_NS;

		for (;;) {
			int best = -1;

			pending[0] = pending[1] = false;
			for (int i = 0; i < nr; i++) {
				if (done[i] || r[i].seen_at > rd)
					continue;
				/* A ring gives its oldest first. */
				if (!pending[r[i].cpu] && r[i].ts > seen[r[i].cpu])
					seen[r[i].cpu] = r[i].ts;
				if (pending[r[i].cpu])
					continue;
				pending[r[i].cpu] = true;
				if (best < 0 || r[i].ts < r[best].ts)
					best = i;
			}
			if (best < 0 || !eg_perf_in_order(r[best].ts, seen, pending, 2, floor))
				break;
			out[k++] = r[best].ts;
			done[best] = true;
		}
	}
	return k;
}

/* CPU1 writes a record stamped before CPU0's last one but only shows it at
 * the next read: the merge holds CPU0's newer record back until then, and
 * lets records older than the hold out whatever a quiet CPU shows. */
static void test_perf_merge_order(void **state EG_UNUSED)
{
	const uint64_t H = EG_PERF_ORDER_HOLD_NS;
	const struct sim_rec r[] = {
		{ 1, 90 * MS, 0 },	    { 0, 95 * MS, 0 },
		{ 0, 100 * MS - H / 4, 0 }, { 1, 100 * MS - H / 2, 1 }, /* late */
		{ 0, 110 * MS, 2 },
	};
	const uint64_t reads[] = { 100 * MS, 100 * MS + H / 8, 120 * MS };
	uint64_t out[8];
	int n;

	/* First read: 90 and 95 are older than the hold, 100 - H/4 is not and
	 * CPU1 shows nothing that new: held. */
	n = sim_merge(r, (int)ARRAY_SIZE(r), reads, 1, out);
	assert_int_equal(n, 2);
	assert_true(out[0] == 90 * MS && out[1] == 95 * MS);
	/* With the late record in, every record goes out in time order. */
	n = sim_merge(r, (int)ARRAY_SIZE(r), reads, (int)ARRAY_SIZE(reads), out);
	assert_int_equal(n, (int)ARRAY_SIZE(r));
	for (int i = 1; i < n; i++)
		assert_true(out[i] > out[i - 1]);
	assert_true(out[2] == 100 * MS - H / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poll_source),
		cmocka_unit_test(test_poll_backoff),
		cmocka_unit_test_setup_teardown(test_round_trip, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_replay_fast, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_replay_realtime, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_rejected_files, rec_setup, rec_teardown),
		cmocka_unit_test(test_perf_merge_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
