/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Events in, decisions out: the two small tagged structs that cross the line
 * between platform/ (real or simulated machine) and governors/. Time is
 * uint64_t nanoseconds on the source's clock (CLOCK_MONOTONIC or virtual). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum eg_event_type {
	EG_EV_NONE = 0,
	EG_EV_SWITCH,	   /* context switch on cpu: prev -> next */
	EG_EV_WAKEUP,	   /* task woken (or new) towards target_cpu */
	EG_EV_MIGRATE,	   /* task moved orig_cpu -> dest_cpu */
	EG_EV_EXIT,	   /* task exited */
	EG_EV_BUSY_SAMPLE, /* poll source: busy ns of cpu over a window */
	EG_EV_IDLE_ENTER,  /* cpu entered idle state `state` */
	EG_EV_IDLE_EXIT,
	EG_EV_TEMP, /* zone temperature sample */
	EG_EV_TRIP, /* zone crossed a trip (up or down) */
	EG_EV_CPU_ONLINE,
	EG_EV_CPU_OFFLINE,
	EG_EV_POWER_SOURCE, /* AC / battery changed */
	EG_EV_FREQ,	    /* the platform reports a domain's actual frequency */
	EG_EV_LIMITS,	    /* a domain's min/max limits changed outside eagov */
	EG_EV_TICK,	    /* timer (cpu -1), or a busy CPU's scheduler tick (cpu >= 0) */
	EG_EV_BOOST,	    /* user asked for a latency boost of a task */
	EG_EV__MAX,
};

/* Scheduling classes as the kernel's prio numbering tells them apart. */
enum eg_sched_class {
	EG_CLASS_IDLE = 0, /* the idle task (pid 0) */
	EG_CLASS_CFS,	   /* prio 100..139 */
	EG_CLASS_RT,	   /* prio 0..99 */
	EG_CLASS_DL,	   /* prio -1 */
};

static inline enum eg_sched_class eg_prio_class(int pid, int prio)
{
	if (pid == 0)
		return EG_CLASS_IDLE;
	if (prio < 0)
		return EG_CLASS_DL;
	if (prio < 100)
		return EG_CLASS_RT;
	return EG_CLASS_CFS;
}

#define EG_WAKE_NEW (1U << 0)	 /* sched_wakeup_new */
#define EG_WAKE_IOWAIT (1U << 1) /* woke from an I/O wait */
#define EG_WAKE_SYNC (1U << 2)

struct eg_event {
	uint64_t ts;
	uint16_t type; /* enum eg_event_type */
	int16_t cpu;   /* the CPU the event happened on, -1 if none */
	union {
		struct {
			int32_t prev_pid, next_pid;
			int16_t prev_prio, next_prio;
			bool prev_runnable;	     /* preempted (prev_state == 0), not sleeping */
			uint32_t util_min, util_max; /* uclamp of next; 0/1024 when unset */
		} sw;
		struct {
			int32_t pid;
			int16_t prio;
			int16_t target_cpu;
			uint32_t flags; /* EG_WAKE_* */
		} wakeup;
		struct {
			int32_t pid;
			int16_t prio;
			int16_t orig_cpu, dest_cpu;
		} migrate;
		struct {
			int32_t pid;
		} exit;
		struct {
			uint64_t busy_ns;
			uint64_t window_ns;
			/* The source sends no switches (bpf, poll): tasks it
			 * reported waking on this CPU are not tracked past the
			 * window; they are taken off the CPU at this sample. */
			bool no_switches;
			/* busy_ns is busy time the source's switch stream
			 * missed in the window (a reconciliation sample): it is
			 * added to what the switches already accounted. */
			bool correction;
		} busy;
		struct {
			int32_t state;
		} idle;
		struct {
			int32_t zone;
			int32_t temp_mc;
		} temp;
		struct {
			int32_t zone;
			int32_t trip;
			int32_t temp_mc;
			bool up;
		} trip;
		struct {
			bool on_ac;
		} power;
		struct {
			int32_t pd;
			uint32_t khz;
		} freq;
		struct {
			int32_t pd;
			uint32_t min_khz, max_khz;
		} limits;
		struct {
			int32_t pid;
			uint32_t ms;
		} boost;
	};
};

enum eg_decision_type {
	EG_DEC_NONE = 0,
	EG_DEC_SET_FREQ,     /* target = pd, value = kHz */
	EG_DEC_SET_CAP,	     /* target = pd, value = max kHz (thermal or profile cap) */
	EG_DEC_IDLE_LATENCY, /* target = cpu, value = resume latency limit us (0 = none) */
	EG_DEC_IDLE_DISABLE, /* target = cpu, value = bitmask of disabled states */
	EG_DEC_TASK_UCLAMP,  /* target = pid, value = eg_uclamp_pack(min, max); (0, 1024) clears */
	EG_DEC__MAX,
};

#define EG_DEC_URGENT (1U << 0) /* fast-ramp path: bypassed the rate limit */

/* Why a policy was asked (or a decision made); carried into logs and the
 * benchmark's per-decision trace. */
enum eg_reason {
	EG_REASON_UTIL = 0, /* utilization changed */
	EG_REASON_TIMER,    /* sampling period elapsed */
	EG_REASON_LIMITS,   /* min/max or cap changed */
	EG_REASON_RT,	    /* RT or latency-sensitive wakeup */
	EG_REASON_IOWAIT,
	EG_REASON_THERMAL,
	EG_REASON_PROFILE,
	EG_REASON_HOTPLUG,
	EG_REASON__MAX,
};

struct eg_decision {
	uint64_t ts;
	uint16_t type;	 /* enum eg_decision_type */
	uint16_t flags;	 /* EG_DEC_* */
	uint16_t reason; /* enum eg_reason */
	int32_t target;
	uint32_t value;
};

/* A task's utilization clamp (the kernel's uclamp_min / uclamp_max, each
 * 0..1024) in one decision value: min in the low 16 bits, max in the high. */
static inline uint32_t eg_uclamp_pack(uint32_t min, uint32_t max)
{
	return (min & 0xffffU) | (max & 0xffffU) << 16;
}

static inline uint32_t eg_uclamp_min(uint32_t packed)
{
	return packed & 0xffffU;
}

static inline uint32_t eg_uclamp_max(uint32_t packed)
{
	return packed >> 16;
}

const char *eg_event_type_name(enum eg_event_type t);
const char *eg_decision_type_name(enum eg_decision_type t);
const char *eg_reason_name(enum eg_reason r);
