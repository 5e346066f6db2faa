/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eagovd's run statistics: events read, decisions applied, and the
 * wake-to-write latency of RT fast ramps, printed as the exit line (which
 * bench/ parses) and reported under the control socket's "stats". */
#pragma once

#include <stdint.h>

struct json_object;
struct eg_decision;
struct eg_event;

struct run_stats {
	uint64_t start_ns;
	uint64_t wakeups;      /* turns: returns from epoll_wait, any thread */
	uint64_t fast_wakeups; /* of which the fast-path threads' */
	uint64_t events;       /* events read from the sources */
	uint64_t decisions;    /* decisions applied (or printed) */
	uint64_t urgent;       /* of which fast-ramp */
	uint64_t wake_n;       /* wake-to-write measurements taken */
	uint64_t rng;	       /* xorshift state for the reservoir */
	uint64_t *wake_ns;     /* reservoir, min(wake_n, WAKE_SAMPLES) used */
	/* Paired with wake_ns: of each, the delivery, from the tracepoint to
	 * the thread that took the record leaving its wait. */
	uint32_t *delivery_ns;
	/* When the thread taking this turn left its wait (0: none yet). */
	uint64_t woke_ns;
};

/* Start counting at now (CLOCK_MONOTONIC ns). Without memory for the reservoir the run goes on;
 * only the percentiles are 0. */
void stats_init(struct run_stats *s, uint64_t now);
void stats_free(struct run_stats *s);
/* One decision the engine made. */
void stats_decision(struct run_stats *s, const struct eg_decision *x);
/* One decision that took effect (written, or printed in a dry run) just now;
 * cause is the event that produced it (NULL: start, reload, ticks). Only
 * an RT wakeup's fast ramp is timed: a queued or impossible write has no
 * latency. The time splits at woke_ns into the kernel's delivery and
 * eagovd's own part. */
void stats_applied(struct run_stats *s, const struct eg_decision *x, const struct eg_event *cause);
/* The exit line on stderr; its format is fixed. */
void stats_print(const struct run_stats *s, uint64_t now);
/* The "stats" object of the status schema (NULL without memory). */
struct json_object *stats_json(const struct run_stats *s, uint64_t now);
/* A double with a fixed number of decimals in the JSON text (json-c would
 * print 17 significant digits). */
struct json_object *json_fixed_double(double v, int decimals);
