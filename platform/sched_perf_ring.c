// SPDX-License-Identifier: GPL-2.0-or-later
/* The perf source's rings: records decoded with libtraceevent and merged
 * across CPUs in time order (sched_perf.h). */
#include <string.h>
#include <time.h>

#include "sched_perf.h"
#include "sched_perf_priv.h"

#if HAVE_PERF && EG_PERF_HEADERS

#include <linux/perf_event.h>

static uint64_t read_field(const struct tp *t, enum fld f, void *data, bool *ok)
{
	unsigned long long v = 0;

	if (!t->f[f] || tep_read_number_field(t->f[f], data, &v) < 0) {
		*ok = false;
		return 0;
	}
	return v;
}

/* ---- Decoding. */

static bool decode(struct eg_source *s, int cpu, uint64_t ts, void *raw, uint32_t raw_len,
		   struct eg_event *ev)
{
	unsigned short type;
	const struct tp *t = NULL;
	int kind;
	bool ok = true;

	if (raw_len < 2 || cpu < 0 || cpu >= s->nr_cpus)
		return false;
	memcpy(&type, raw, sizeof(type)); /* common_type leads every record */
	for (kind = 0; kind < TP__MAX; kind++)
		if (s->tp[kind].id == type) {
			t = &s->tp[kind];
			break;
		}
	if (!t)
		return false;
	memset(ev, 0, sizeof(*ev));
	ev->ts = ts;
	ev->cpu = (int16_t)cpu;
	switch (kind) {
	case TP_SWITCH:
		ev->type = EG_EV_SWITCH;
		ev->sw.prev_pid = (int32_t)read_field(t, F_PREV_PID, raw, &ok);
		ev->sw.prev_prio = (int16_t)read_field(t, F_PREV_PRIO, raw, &ok);
		ev->sw.prev_runnable = eg_perf_prev_runnable(read_field(t, F_PREV_STATE, raw, &ok));
		ev->sw.next_pid = (int32_t)read_field(t, F_NEXT_PID, raw, &ok);
		ev->sw.next_prio = (int16_t)read_field(t, F_NEXT_PRIO, raw, &ok);
		/* Tracepoints carry no uclamp: the defaults. */
		ev->sw.util_min = 0;
		ev->sw.util_max = 1024;
		break;
	case TP_WAKEUP:
	case TP_WAKEUP_NEW:
		ev->type = EG_EV_WAKEUP;
		ev->wakeup.pid = (int32_t)read_field(t, F_PID, raw, &ok);
		ev->wakeup.prio = (int16_t)read_field(t, F_PRIO, raw, &ok);
		ev->wakeup.target_cpu = (int16_t)read_field(t, F_TARGET_CPU, raw, &ok);
		ev->wakeup.flags = kind == TP_WAKEUP_NEW ? EG_WAKE_NEW : 0;
		break;
	case TP_MIGRATE:
		ev->type = EG_EV_MIGRATE;
		ev->migrate.pid = (int32_t)read_field(t, F_PID, raw, &ok);
		ev->migrate.prio = (int16_t)read_field(t, F_PRIO, raw, &ok);
		ev->migrate.orig_cpu = (int16_t)read_field(t, F_ORIG_CPU, raw, &ok);
		ev->migrate.dest_cpu = (int16_t)read_field(t, F_DEST_CPU, raw, &ok);
		break;
	case TP_EXIT:
		ev->type = EG_EV_EXIT;
		ev->exit.pid = (int32_t)read_field(t, F_PID, raw, &ok);
		break;
	}
	return ok;
}

/* Make the next event of r available in r->peek (false: the ring is empty
 * up to the head snapshot). Records that are not events are consumed. */
static bool ring_peek(struct eg_source *s, struct ring *r)
{
	/* The data follow the control page (mmap_len less the data). */
	const uint8_t *data = (const uint8_t *)r->base + (r->mmap_len - r->data_len);

	while (!r->have && r->tail < r->head) {
		struct perf_event_header hdr;
		uint64_t off = r->tail % r->data_len;
		const uint8_t *rec;

		if (off + sizeof(hdr) <= r->data_len) {
			memcpy(&hdr, data + off, sizeof(hdr));
		} else {
			size_t first = r->data_len - off;

			memcpy(&hdr, data + off, first);
			memcpy((uint8_t *)&hdr + first, data, sizeof(hdr) - first);
		}
		if (hdr.size < sizeof(hdr) || r->tail + hdr.size > r->head) {
			/* Cannot happen with a sane kernel; drop the rest. */
			r->tail = r->head;
			break;
		}
		if (off + hdr.size <= r->data_len) {
			rec = data + off;
		} else {
			size_t first = r->data_len - off;

			memcpy(s->scratch, data + off, first);
			memcpy(s->scratch + first, data, hdr.size - first);
			rec = s->scratch;
		}
		if (hdr.type == PERF_RECORD_SAMPLE) {
			/* TIME, CPU, RAW in that order after the header. */
			uint64_t ts;
			uint32_t cpu, raw_len;

			if (hdr.size >= sizeof(hdr) + 8 + 8 + 4) {
				memcpy(&ts, rec + sizeof(hdr), 8);
				memcpy(&cpu, rec + sizeof(hdr) + 8, 4);
				memcpy(&raw_len, rec + sizeof(hdr) + 16, 4);
				if (sizeof(hdr) + 20 + (size_t)raw_len <= hdr.size) {
					/* Aligned copy for libtraceevent's reads. */
					uint8_t raw[512];

					if (raw_len <= sizeof(raw)) {
						memcpy(raw, rec + sizeof(hdr) + 20, raw_len);
						r->have = decode(s, (int)cpu, ts, raw, raw_len,
								 &r->peek);
					}
				}
			}
		} else if (hdr.type == PERF_RECORD_LOST && hdr.size >= sizeof(hdr) + 16) {
			uint64_t lost;

			memcpy(&lost, rec + sizeof(hdr) + 8, 8);
			s->lost += lost;
		}
		if (r->have) {
			r->peek_size = hdr.size;
			if (r->peek.ts > s->cpu_seen[r->cpu])
				s->cpu_seen[r->cpu] = r->peek.ts;
		} else
			r->tail += hdr.size;
	}
	return r->have;
}

static void ring_commit(struct ring *r)
{
	struct perf_event_mmap_page *meta = r->base;

	__atomic_store_n(&meta->data_tail, r->tail, __ATOMIC_RELEASE);
}

/* ---- Merge. */

/* The oldest record waiting in any ring goes out when eg_perf_in_order says
 * no CPU can still add an older one; otherwise it waits (EG_PERF_HELD) for
 * a later read (the flush period or a ring's watermark brings one). A record that comes later than that anyway goes
 * out stamped at the stream's last time: the stream's order is a promise
 * to the signals module, a few microseconds of a late stamp are not. */
int eg_perf_merge(struct eg_source *s, struct eg_event *ev, int max, enum eg_perf_merge_end *end)
{
	struct timespec t;
	uint64_t snap, floor;
	int k = 0;

	/* The clock before the heads: a record stamped before floor was
	 * written whole before the heads were read. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	snap = (uint64_t)t.tv_sec * NSEC_PER_SEC + (uint64_t)t.tv_nsec;
	floor = snap > EG_PERF_ORDER_HOLD_NS ? snap - EG_PERF_ORDER_HOLD_NS : 0;
	for (int i = 0; i < s->nr_rings; i++) {
		struct perf_event_mmap_page *meta = s->rings[i].base;

		s->rings[i].head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	}
	*end = EG_PERF_DRAINED;
	for (;;) {
		struct ring *best = NULL;
		uint64_t release = floor;

		memset(s->cpu_pending, 0, (size_t)s->nr_cpus * sizeof(*s->cpu_pending));
		for (int i = 0; i < s->nr_rings; i++) {
			struct ring *g = &s->rings[i];

			if (!ring_peek(s, g))
				continue;
			s->cpu_pending[g->cpu] = true;
			/* An RT wakeup waiting releases what precedes it. */
			if (g->rt && g->peek.ts > release)
				release = g->peek.ts;
			if (!best || g->peek.ts < best->peek.ts)
				best = g;
		}
		if (!best)
			break;
		if (k == max) {
			*end = EG_PERF_FULL;
			break;
		}
		/* An RT wakeup does not wait, nor what precedes it: its ring is
		 * there so the reader hears it at once, and the CPU the reader
		 * runs on (often quiet before, its switch out of idle lost on
		 * some VMs) would hold it for the whole hold. What comes later
		 * from a slower CPU is restamped. */
		if (!eg_perf_in_order(best->peek.ts, s->cpu_seen, s->cpu_pending, s->nr_cpus,
				      release)) {
			*end = EG_PERF_HELD;
			break;
		}
		if ((best->peek.type == EG_EV_WAKEUP) &&
		    eg_perf_is_self(s, best->peek.wakeup.pid)) {
			best->have = false;
			best->tail += best->peek_size;
			continue;
		}
		ev[k] = best->peek;
		if (s->nr_self)
			eg_perf_self_as_normal(s, &ev[k]);
		if (ev[k].ts < s->last_emitted) {
			ev[k].ts = s->last_emitted;
			s->restamped++;
		}
		eg_perf_track_event(s, &ev[k]);
		s->last_emitted = ev[k].ts;
		k++;
		best->have = false;
		best->tail += best->peek_size;
	}
	for (int i = 0; i < s->nr_rings; i++)
		ring_commit(&s->rings[i]);
	return k;
}
#endif
