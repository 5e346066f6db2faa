/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reader of rt-app workload files (the JSON grammar of rt-app 1.0 and its workgen
 * tool: comments, trailing commas and repeated keys allowed) into plain data for
 * the simulator: tasks, their phases and event sequences, and the named resources
 * (timers, mutexes, conditions, barriers, semaphores) the events refer to. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

#define EG_RTAPP_NAME_MAX 64

/* How rt-app runs what is read here (src/rt-app.c), for the simulator:
 * - Each thread (w->threads[], plus forked ones) waits delay_us, then runs its
 *   task's phases in order: phase i's events `loop` times, then phase i+1; after
 *   the last phase, the whole list again, `loop` times in all (-1: forever).
 *   At each phase start the phase's cpus (else the task's) and its sched changes
 *   apply. The run ends after duration_s (> 0) or when every thread is done.
 * - run: n = duration_us * 1000 / ns_per_loop loops of a fixed busy loop, so its
 *   wall time scales with the CPU's speed relative to the calibration CPU
 *   (calibrated at start, usually at its highest OPP). runtime: wall time.
 * - timer: a thread-relative clock: first expiry = thread start (+ delay) +
 *   period; then previous expiry + period. If the expiry has already passed
 *   the thread does not sleep, and a "relative" timer restarts from now.
 * - signal/broad/resume/suspend/wait are pthread condition variables: a signal
 *   or resume with nobody waiting is lost. sem_post is remembered. A resume
 *   broadcasts the condition its value names; what a suspend waits on, see
 *   enum eg_rtapp_suspend_mode. */

/* Every event rt-app knows. Event keys match by prefix, as in rt-app: "run0",
 * "runtime2", "timer_a" are run, runtime and timer events. */
enum eg_rtapp_event_type {
	EG_RTAPP_RUN,	   /* calibrated work: duration_us at the calibration CPU's speed */
	EG_RTAPP_RUNTIME,  /* busy loop for duration_us of wall time, whatever the speed */
	EG_RTAPP_SLEEP,	   /* sleep duration_us from now */
	EG_RTAPP_TIMER,	   /* wait for the next period (duration_us) of timer res */
	EG_RTAPP_LOCK,	   /* take mutex res */
	EG_RTAPP_UNLOCK,   /* release mutex res */
	EG_RTAPP_WAIT,	   /* wait on condition res, releasing mutex dep meanwhile */
	EG_RTAPP_SIGNAL,   /* wake the first waiter of condition res */
	EG_RTAPP_BROAD,	   /* wake every waiter of condition res */
	EG_RTAPP_SYNC,	   /* signal condition res then wait on it (mutex dep) */
	EG_RTAPP_BARRIER,  /* block until resources[res].users threads reached it */
	EG_RTAPP_SUSPEND,  /* wait on condition res: see enum eg_rtapp_suspend_mode */
	EG_RTAPP_RESUME,   /* broadcast condition res (wakes suspended task target_task) */
	EG_RTAPP_YIELD,	   /* sched_yield() */
	EG_RTAPP_FORK,	   /* start a new thread of task target_task */
	EG_RTAPP_MEM,	   /* write count bytes to a per-thread buffer */
	EG_RTAPP_IORUN,	   /* write count bytes to the global io_device */
	EG_RTAPP_MEMRUN,   /* memory access pattern, see struct eg_rtapp_memrun */
	EG_RTAPP_SEM_POST, /* increment semaphore res (never blocks) */
	EG_RTAPP_SEM_WAIT, /* decrement semaphore res, blocking at 0 */
};

enum eg_rtapp_memrun_type {
	EG_RTAPP_MEMRUN_READ,
	EG_RTAPP_MEMRUN_WRITE,
	EG_RTAPP_MEMRUN_CHASE,
};

struct eg_rtapp_memrun {
	enum eg_rtapp_memrun_type type;
	uint64_t size;		     /* buffer bytes */
	uint64_t stride;	     /* chase: bytes between chain nodes (default 64) */
	bool random;		     /* chase: "random" (default) or "sequential" order */
	char ref[EG_RTAPP_NAME_MAX]; /* shared buffer name, "" = per-thread buffer */
};

struct eg_rtapp_event {
	enum eg_rtapp_event_type type;
	char key[EG_RTAPP_NAME_MAX];   /* key as written in the file ("run0") */
	int line;		       /* line of the key in the file, 0 if unknown */
	uint64_t duration_us;	       /* run, runtime, sleep; timer: its period */
	uint64_t count;		       /* mem, iorun: bytes; memrun: accesses */
	int res;		       /* index in workload resources[], -1 if none */
	int dep;		       /* wait, sync: the mutex's index; -1 otherwise */
	int target_task;	       /* fork, resume, suspend: task index, or -1 */
	char arg[EG_RTAPP_NAME_MAX];   /* the string value as written (lock, fork...) */
	struct eg_rtapp_memrun memrun; /* memrun only */
};

enum eg_rtapp_policy {
	EG_RTAPP_POLICY_SAME = 0, /* phases only: keep the current policy */
	EG_RTAPP_POLICY_OTHER,
	EG_RTAPP_POLICY_BATCH,
	EG_RTAPP_POLICY_IDLE,
	EG_RTAPP_POLICY_FIFO,
	EG_RTAPP_POLICY_RR,
	EG_RTAPP_POLICY_DEADLINE,
};

/* Scheduling parameters of a task, or the changes a phase makes at its start.
 * A task's are complete (defaults filled in as rt-app does); a phase's hold only
 * what the phase names: rt-app applies them like an event, so they stay in force
 * for the next phases until another phase changes them. */
struct eg_rtapp_sched {
	bool set; /* phase: any parameter given (task: always true) */
	enum eg_rtapp_policy policy;
	bool has_priority;	 /* phase: "priority" given */
	int priority;		 /* nice for OTHER/BATCH/IDLE, rt priority for FIFO/RR */
	uint64_t dl_runtime_us;	 /* SCHED_DEADLINE budget; SCHED_OTHER: custom slice */
	uint64_t dl_period_us;	 /* defaults to dl_runtime_us */
	uint64_t dl_deadline_us; /* defaults to dl_period_us */
	int util_min;		 /* uclamp 0..1024, -1 = unchanged */
	int util_max;
};

struct eg_rtapp_phase {
	char name[EG_RTAPP_NAME_MAX]; /* key in "phases", "" for a task without phases */
	int line;
	int loop; /* runs of the phase before the next; -1 = forever */
	/* Affinity at phase start; without it the phase runs on the task's cpus
	 * (not the previous phase's), as in rt-app. */
	bool has_cpus;
	eg_cpumask_t cpus;
	struct eg_rtapp_sched sched;
	int nr_events;
	struct eg_rtapp_event *events;
};

struct eg_rtapp_task {
	char name[EG_RTAPP_NAME_MAX];
	int line;
	int instance;	   /* threads started at time 0 (0: only by fork) */
	int loop;	   /* runs of the whole phase list; -1 = forever */
	uint64_t delay_us; /* initial delay before the first phase */
	bool has_cpus;	   /* false: all CPUs */
	eg_cpumask_t cpus;
	struct eg_rtapp_sched sched;
	int nr_phases;
	struct eg_rtapp_phase *phases;
};

enum eg_rtapp_res_type {
	EG_RTAPP_RES_MUTEX,
	EG_RTAPP_RES_COND, /* wait/signal/broad/sync, and suspend/resume by task name */
	EG_RTAPP_RES_TIMER,
	EG_RTAPP_RES_BARRIER,
	EG_RTAPP_RES_SEM,
};

/* A named resource. rt-app creates them on first use; names are per type. */
struct eg_rtapp_resource {
	char name[EG_RTAPP_NAME_MAX];
	enum eg_rtapp_res_type type;
	/* >= 0: a timer whose ref starts with "unique": every thread (instance) of
	 * that task has its own copy. -1: one resource shared by all threads. */
	int owner_task;
	/* Timer: next expiry = previous expiry + period ("absolute"), or, when the
	 * thread was late, now + period ("relative", the default). The first expiry
	 * is thread start (+ delay) + period. Absolute if any use says so. */
	bool absolute;
	int users; /* barrier: threads it waits for (instances x uses) */
};

/* What a "suspend" waits on. rt-app changed it in May 2025: before, the
 * condition its value names (an empty or missing value, which rt-app's
 * workgen filled in, the thread's own task name); since, the own task name
 * whatever the value. A bare "suspend", with no value (in rt-app's own
 * examples) reads as a suspend on the own name under both. */
enum eg_rtapp_suspend_mode {
	/* Per file: VALUE when a suspend names another condition than its own
	 * task's and a resume targets that name (a file written for the old
	 * rt-app, whose threads would otherwise never wake), else SELF. */
	EG_RTAPP_SUSPEND_AUTO = 0,
	EG_RTAPP_SUSPEND_VALUE, /* rt-app before May 2025 */
	EG_RTAPP_SUSPEND_SELF,	/* rt-app since May 2025 */
};

/* How to read a file; all zero: the defaults. */
struct eg_rtapp_options {
	enum eg_rtapp_suspend_mode suspend;
};

/* One thread started at time 0: instance i of task. */
struct eg_rtapp_thread {
	int task;
	int instance;
};

struct eg_rtapp_workload {
	char source[EG_PATH_MAX]; /* file path or the name given to load_string */
	int duration_s;		  /* <= 0: until every thread ends */
	/* "calibration": a CPU ("CPU0", the default) to calibrate on, or the ns per
	 * loop measured elsewhere. Exactly one is set: cpu >= 0 xor ns_per_loop > 0. */
	int calibration_cpu;
	uint32_t calibration_ns_per_loop;
	enum eg_rtapp_policy default_policy;
	bool pi_enabled; /* priority inheritance on mutexes */
	int nr_tasks;
	struct eg_rtapp_task *tasks;
	int nr_threads; /* sum of instances */
	struct eg_rtapp_thread *threads;
	int nr_resources;
	struct eg_rtapp_resource *resources;
	/* The meaning suspend was read with (VALUE or SELF); suspend_guessed:
	 * chosen by EG_RTAPP_SUSPEND_AUTO as VALUE, which a reader should be
	 * told about, as the file does not run so on a current rt-app. */
	enum eg_rtapp_suspend_mode suspend;
	bool suspend_guessed;
};

/* Load a workload file; 0, or -errno with *err saying where and what (err may be
 * NULL): -ENOENT/-EACCES... reading, -EINVAL for a syntax error, an unknown key or
 * event, a bad value. Free the result with eg_rtapp_free(). */
int eg_rtapp_load(const char *path, struct eg_rtapp_workload **out, struct eg_error *err);
/* Same from text in memory; name is used in error messages and as source. */
int eg_rtapp_load_string(const char *text, const char *name, struct eg_rtapp_workload **out,
			 struct eg_error *err);
/* The same with options (opts NULL: the defaults). */
int eg_rtapp_load_opts(const char *path, const struct eg_rtapp_options *opts,
		       struct eg_rtapp_workload **out, struct eg_error *err);
int eg_rtapp_load_string_opts(const char *text, const char *name,
			      const struct eg_rtapp_options *opts, struct eg_rtapp_workload **out,
			      struct eg_error *err);
void eg_rtapp_free(struct eg_rtapp_workload *w);
/* "value", "self" or "auto". */
const char *eg_rtapp_suspend_mode_name(enum eg_rtapp_suspend_mode mode);

const char *eg_rtapp_event_name(enum eg_rtapp_event_type t);
const char *eg_rtapp_policy_name(enum eg_rtapp_policy p);
/* Index of the task of that name, or -1. */
int eg_rtapp_find_task(const struct eg_rtapp_workload *w, const char *name);
