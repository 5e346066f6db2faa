/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The simulated SoC: a deterministic discrete-event model of a machine from
 * the machine model (domains, OPPs, idle states, thermal RC), running task
 * programs compiled from rt-app workloads, feeding the same events a real
 * source produces to the governor engine and applying its decisions. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "model.h"

/* What a simulated task does, one instruction at a time. Durations in ns;
 * RUN work in capacity x ns: a CPU running at capacity c (its perf at the
 * current OPP, 0..1024) does c units per ns, so work w takes w / c ns. */
enum eg_sim_opcode {
	EG_SIM_RUN = 1, /* calibrated work: work, nominal_ns at calibration */
	EG_SIM_RUNTIME, /* busy for ns of wall time whatever the speed */
	EG_SIM_SLEEP,	/* sleep ns */
	EG_SIM_TIMER,	/* res = timer; ns = period; flags & EG_SIM_F_ABSOLUTE */
	EG_SIM_LOCK,	/* res = mutex */
	EG_SIM_UNLOCK,
	EG_SIM_SIGNAL,	/* res = condition: wake one waiter */
	EG_SIM_BROAD,	/* wake all waiters */
	EG_SIM_WAIT,	/* res = condition, mutex (-1 none) */
	EG_SIM_BARRIER, /* res = barrier */
	EG_SIM_SUSPEND, /* wait for a resume naming this task */
	EG_SIM_RESUME,	/* task = task description to resume */
	EG_SIM_YIELD,
	EG_SIM_FORK,	   /* task = task description to start */
	EG_SIM_LOOP_BEGIN, /* loop = loop slot, count (0 = forever) */
	EG_SIM_LOOP_END,   /* loop = loop slot, begin = index of its LOOP_BEGIN */
	EG_SIM_EXIT,
	EG_SIM_IOWAIT,	  /* blocked on I/O for ns; wakes with EG_WAKE_IOWAIT */
	EG_SIM_SETCPUS,	  /* affinity becomes desc->masks[mask] (empty = any CPU) */
	EG_SIM_SETSCHED,  /* policy, prio */
	EG_SIM_SETUCLAMP, /* clamp_min, clamp_max (0..1024, -1 = unchanged) */
};

#define EG_SIM_F_ABSOLUTE (1U << 0)
#define EG_SIM_F_UNIQUE (1U << 1) /* timer: one per task instance */

/* One instruction; which fields it uses depends on the opcode (above). */
struct eg_sim_op {
	uint8_t code;
	uint8_t flags;
	union {
		int16_t res;  /* index in eg_sim_workload.res */
		int16_t task; /* index in eg_sim_workload.tasks */
		int16_t loop; /* loop slot of the task */
		int16_t mask; /* index in the task's masks */
	};
	int16_t mutex; /* WAIT: the mutex released while waiting, -1 none */
	union {
		uint64_t work;	   /* RUN: capacity x ns */
		uint64_t ns;	   /* RUNTIME, SLEEP, IOWAIT: duration; TIMER: period */
		uint64_t count;	   /* LOOP_BEGIN: iterations, 0 = forever */
		uint64_t policy;   /* SETSCHED: enum eg_sim_policy */
		int64_t clamp_min; /* SETUCLAMP */
	};
	union {
		uint64_t nominal_ns; /* RUN: its duration on the calibration CPU at max */
		uint64_t begin;	     /* LOOP_END: index of its LOOP_BEGIN */
		int64_t prio;	     /* SETSCHED: RT priority or nice */
		int64_t clamp_max;   /* SETUCLAMP */
	};
};

enum eg_sim_policy {
	EG_SIM_CFS = 0,
	EG_SIM_FIFO,
	EG_SIM_RR,
	EG_SIM_DEADLINE,
};

enum eg_sim_res_type {
	EG_SIM_RES_TIMER = 0,
	EG_SIM_RES_MUTEX,
	EG_SIM_RES_COND,
	EG_SIM_RES_BARRIER,
};

struct eg_sim_task_desc {
	char name[EG_NAME_MAX];
	enum eg_sim_policy policy;
	int prio;	   /* RT priority 1..99, or nice -20..19 for CFS */
	eg_cpumask_t cpus; /* empty = any CPU */
	uint64_t delay_ns; /* start after */
	/* uclamp from the start, 0..1024, util_min <= util_max; util_max 0 is
	 * no cap (1024). */
	uint32_t util_min, util_max;
	/* util_min was given (rt-app's util_min): the task's own, which an RT
	 * task's default (eg_sim_config.rt_default_min) does not replace. */
	bool util_min_set;
	uint64_t dl_runtime_ns, dl_period_ns, dl_deadline_ns;
	bool start_on_fork; /* only started by a FORK op */
	int nr_loops;	    /* loop slots used */
	int nr_ops;
	struct eg_sim_op *ops;
	int nr_masks;
	eg_cpumask_t *masks; /* for SETCPUS */
};

struct eg_sim_res {
	char name[EG_NAME_MAX];
	enum eg_sim_res_type type;
	int users; /* barrier: number of tasks that use it */
};

struct eg_sim_workload {
	char name[EG_NAME_MAX];
	uint64_t duration_ns; /* 0 = until every task ends */
	int calib_cpu;	      /* RUN work is calibrated on this CPU at its max OPP */
	int nr_tasks;
	struct eg_sim_task_desc *tasks;
	int nr_res;
	struct eg_sim_res *res;
};

void eg_sim_workload_free(struct eg_sim_workload *w);

/* Room for the names of a run's stalled tasks (eg_sim_result.stalled). */
#define EG_SIM_STALLED_MAX 256
/* A task runnable this long that never got a CPU is stalled (starved). */
#define EG_SIM_STARVED_NS 1000000000ULL

/* A sample of the machine's state, for plots. */
struct eg_sim_sample {
	uint64_t t;
	uint32_t khz[EG_MAX_PDS];
	uint32_t util[EG_MAX_PDS]; /* max util over the domain's CPUs */
	uint32_t cap_khz[EG_MAX_PDS];
	int32_t temp_mc[EG_MAX_ZONES];
	double power_w;
};

struct eg_sim_pd_result {
	double energy_j; /* CPU busy + idle + domain of this domain */
	uint64_t work;	 /* RUN work done on its CPUs (capacity x ns) */
	uint64_t time_in_opp_ns[EG_MAX_OPPS];
	uint64_t transitions;
};

struct eg_sim_result {
	uint64_t sim_ns;		 /* simulated time */
	bool truncated;			 /* stopped at eg_sim_config.max_events */
	uint64_t events;		 /* simulator events processed */
	uint64_t engine_events;		 /* events given to the engine */
	double energy_j;		 /* total, integrated as a whole */
	double busy_j, idle_j, domain_j; /* the same, split */
	struct eg_sim_pd_result pd[EG_MAX_PDS];
	int32_t peak_temp_mc[EG_MAX_ZONES];
	uint64_t above_trip_ns[EG_MAX_ZONES];
	/* Activations of periodic tasks (those with a timer). */
	uint64_t activations;
	uint64_t missed; /* negative slack */
	double perf_index_mean;
	double perf_index_p5;
	/* Wakeup latency, per class: from a task becoming runnable to its
	 * first instruction, i.e. the exit latency of the idle state its CPU
	 * leaves plus the time it queues behind other tasks. */
	double lat_rt_p50_us, lat_rt_p99_us;
	double lat_cfs_p50_us, lat_cfs_p99_us;
	uint64_t lat_rt_n, lat_cfs_n;
	/* Response time per activation of a periodic task, per class (its
	 * class when the activation ends): from its release (the timer's
	 * expiry; the task's wakeup for its first activation) to the end of
	 * its work (the next timer op). */
	double resp_rt_p50_us, resp_rt_p99_us;
	double resp_cfs_p50_us, resp_cfs_p99_us;
	uint64_t resp_rt_n, resp_cfs_n;
	/* Finite work: when the last task ended (0 if some never did). */
	uint64_t completion_ns;
	/* Sum over activations of the time from activation to the end of its
	 * work: rt-app's governor-efficiency measure. */
	uint64_t busy_span_ns;
	/* Wall time spent in RUNTIME ops (busy whatever the speed): work that
	 * pd[].work, RUN work only, leaves out. */
	uint64_t runtime_ns;
	/* The calibration CPU's capacity at its highest OPP: the RUN work of
	 * one ns of nominal (calibrated) time, to weigh runtime_ns with. */
	uint32_t calib_capacity;
	/* Stalls, found at the end of the run: tasks waiting for another task
	 * (a condition, barrier, mutex or resume) that no task still able to
	 * run can wake, and tasks runnable for EG_SIM_STARVED_NS that never got
	 * a CPU. deadlock: no task could run any more (every live one stalled,
	 * no timer left); a run without a duration then ends there. */
	int nr_stalled;
	bool deadlock;
	uint64_t stall_ns;		  /* run end - when the last stalled task began waiting */
	char stalled[EG_SIM_STALLED_MAX]; /* their names, ", "-separated, "..." when cut */
	/* Per-activation data the clairvoyant reference needs. */
	int nr_jobs;
	struct eg_sim_job *jobs;
	/* Timeline, when asked for. */
	int nr_samples;
	struct eg_sim_sample *samples;
};

/* One activation of a periodic task: released at `release`, must finish
 * `work` (capacity x ns) by `deadline`, on a CPU of domain `pd`. */
struct eg_sim_job {
	uint64_t release, deadline;
	uint64_t work;
	int16_t pd;
	int16_t task;
};

void eg_sim_result_free(struct eg_sim_result *r);

struct eg_sim_config {
	const struct eg_model *model;
	const struct eg_engine_config *engine;
	const struct eg_sim_workload *workload;
	uint64_t duration_ns; /* 0: the workload's own */
	uint64_t seed;
	uint64_t sample_ns; /* timeline sample period, 0 = none */
	bool record_jobs;
	/* Stop after this many events (0: no limit), as if the duration had
	 * ended there; eg_sim_result.truncated says so. For callers that must
	 * bound their cost whatever the workload (fuzzing). */
	uint64_t max_events;
	/* Decisions applied at their ts as if the engine had returned them
	 * then (tests, what-if runs); sorted by ts, at most INT16_MAX. */
	const struct eg_decision *script;
	int nr_script;
	/* The simulated kernel has uclamp (CONFIG_UCLAMP_TASK): an RT task
	 * whose uclamp_min nobody set runs with rt_default_min (the sysctl
	 * sched_util_clamp_min_rt_default; the kernel's default is
	 * EG_SIM_RT_DEFAULT_MIN), and on CPUs of different capacities an RT
	 * task waking goes to a CPU whose capacity covers its uclamp_min
	 * (capped by its uclamp_max) when one is free, as the kernel's
	 * rt_task_fits_capacity. Off: RT tasks have no default clamp and
	 * spread whatever the capacity; clamps a workload or a decision sets
	 * apply either way. */
	bool kernel_uclamp;
	uint32_t rt_default_min;
};

/* The kernel's sched_util_clamp_min_rt_default: RT tasks at full speed. */
#define EG_SIM_RT_DEFAULT_MIN 1024U

/* Index of the LOOP_BEGIN of a forever loop in which no op takes time nor
 * waits for another task (a loop of "sleep 0"), or -1. Such a task would
 * stop simulated time: eg_sim_run refuses it. */
int eg_sim_task_timeless_loop(const struct eg_sim_task_desc *d);

/* Run one simulation. Returns 0, -EINVAL for an inconsistent workload or
 * model, -ELOOP when the tasks stop simulated time (ops that take no time,
 * run again and again: a task's own, or tasks passing the CPU to each other
 * at one instant), -ENOMEM. */
int eg_sim_run(const struct eg_sim_config *cfg, struct eg_sim_result *res);
