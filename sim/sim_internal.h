/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The simulator's shared state and the calls between its parts, private to
 * sim/: the run loop and engine glue (sim.c), the event queue (queue.c), the
 * scheduler (sched.c), the task programs (task.c) and the meters (meter.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "model.h"
#include "sim.h"
#include "util.h"

#define SIM_TICK_NS (4 * NSEC_PER_MSEC)
#define SIM_RR_SLICE_NS (100 * NSEC_PER_MSEC)
#define SIM_WAKEUP_GRAN_NS NSEC_PER_MSEC
/* A utilization fits a capacity when util * 1280 <= cap * 1024 (the
 * kernel's fits_capacity: 20 % headroom). */
#define SIM_FITS_MARGIN 1280

/* Simulator events at one instant beyond which simulated time is taken to
 * have stopped: tasks handing the CPU to each other in a loop that takes no
 * time. A real workload's busiest instant (every thread starting, a barrier
 * releasing them all) is a few events per task. */
#define SIM_INSTANT_EVENTS_BASE 100000
#define SIM_INSTANT_EVENTS_PER_TASK 64

/* What a TASK_BLOCKED task waits for when it is no resource. */
#define SIM_BLOCKED_SUSPEND (-1) /* a RESUME naming its description */
#define SIM_BLOCKED_MOVE (-2)	 /* nothing: it is woken at once on another CPU */

enum sim_task_state {
	TASK_NEW = 0,
	TASK_SLEEPING, /* waits for a time */
	TASK_BLOCKED,  /* waits for another task */
	TASK_RUNNABLE,
	TASK_RUNNING,
	TASK_DEAD,
};

/* The class order of the scheduler: deadline, then RT, then CFS. */
enum sim_class {
	CLASS_DEADLINE = 0,
	CLASS_RT,
	CLASS_FAIR,
};

/* One activation of a periodic task: from its first work after a TIMER op
 * to the next TIMER op. */
struct sim_activation {
	bool open;
	uint64_t start;
	uint64_t release;    /* when it was due: timer expiry or wakeup */
	uint64_t nominal_ns; /* its work's duration on the calibration CPU */
	uint64_t work;	     /* RUN work done (capacity x ns) */
};

/* A running instance of a task description. */
struct sim_task {
	const struct eg_sim_task_desc *desc;
	int desc_idx;
	const eg_cpumask_t *mask;  /* affinity now (sim_task_set_mask) */
	bool any_cpu;		   /* mask is empty: no affinity */
	enum eg_sim_policy policy; /* policy now */
	int32_t pid;
	int16_t kernel_prio; /* 0..99 RT, 100..139 CFS, -1 deadline */
	uint32_t weight;     /* CFS load weight of its nice level */
	/* Utilization clamp now (sched_setattr's util_min / util_max), 0..1024;
	 * 0 / 1024 is no clamp. */
	uint32_t uclamp_min, uclamp_max;
	/* The uclamp_min asked for, and whether it was asked (sched_setattr's
	 * user_defined): one that was not is the class default, which
	 * uclamp_min holds (sim_task_uclamp_refresh). */
	uint32_t uclamp_min_req;
	bool uclamp_min_user;
	/* The clamp before the first EG_DEC_TASK_UCLAMP, which a (0, 1024)
	 * decision puts back, as eagovd restores the original it saved. */
	bool dec_saved;
	bool saved_min_user;
	uint32_t saved_min_req, saved_max;
	enum sim_task_state state;
	int cpu;	     /* current or last CPU, -1 before the first run */
	int pc;		     /* index of the op it executes in desc->ops */
	uint32_t *loop_left; /* iterations left, per loop slot */
	bool in_run;	     /* executing RUN or RUNTIME */
	bool runtime;	     /* RUNTIME: remaining is wall ns */
	uint64_t remaining;  /* capacity x ns (RUN) or ns (RUNTIME) */
	uint64_t vruntime;
	uint64_t wake_at;  /* when sleeping */
	uint64_t wake_gen; /* invalidates a pending wakeup event */
	uint64_t woke_at;  /* became runnable, for the wakeup latency */
	bool latency_pending;
	uint64_t slice_start;
	uint64_t dl_deadline;
	bool resume_pending;
	bool iowait;	     /* sleeping on I/O: wakes with EG_WAKE_IOWAIT */
	bool ran;	     /* has been on a CPU: a stall check tells a starved task */
	int blocked_res;     /* TASK_BLOCKED on: resource index, or SIM_BLOCKED_* */
	uint64_t blocked_at; /* when it blocked last */
	struct sim_activation act;
	uint64_t next_release; /* the next activation's release, 0 = unknown */
	uint64_t *timer_next;  /* per timer resource, for unique timers */
};

struct sim_cpu {
	int curr; /* task index, -1 = idle */
	int *rq;  /* queued task indexes, not running */
	int nr_rq;
	size_t cap_rq;
	int idle_idx; /* chosen CPU idle state while idle */
	uint64_t idle_since;
	uint64_t waking_until; /* exit latency in progress until */
	int exit_idx;	       /* the CPU idle state it is leaving then, -1 none */
	uint64_t done_gen;     /* invalidates a pending CPU_DONE event */
	uint64_t idle_gen;     /* invalidates a pending IDLE_TICK event */
	uint64_t min_vruntime;
	uint32_t latency_req_us;
	/* uclamp_max of the last task that left the CPU's run queue: an idle
	 * run queue keeps it, as the kernel does (UCLAMP_FLAG_IDLE), so that
	 * blocked util does not count uncapped. */
	uint32_t idle_uclamp_max;
	bool online;
};

struct sim_pd {
	int opp; /* current OPP index */
	uint32_t cap_khz;
	uint64_t freq_gen;    /* invalidates a pending FREQ event */
	int cluster_idx;      /* cluster idle state while all CPUs idle, -1 none */
	int cluster_exit_idx; /* the cluster state being left, until: */
	uint64_t cluster_waking_until;
};

struct sim_zone {
	double temp_c;
};

enum sim_event_type {
	SIM_EV_WAKE = 1,  /* task: a sleeping task's time has come */
	SIM_EV_CPU_DONE,  /* cpu: the running task's op or the exit latency ends */
	SIM_EV_TICK,	  /* the scheduler tick of every CPU */
	SIM_EV_GOV,	  /* the engine's timer */
	SIM_EV_FREQ,	  /* pd, khz: a frequency change takes effect */
	SIM_EV_THERMAL,	  /* zone: the engine reads its temperature */
	SIM_EV_SAMPLE,	  /* a timeline sample */
	SIM_EV_IDLE_TICK, /* cpu: an idle CPU's kept tick */
	SIM_EV_SCRIPT,	  /* task = index in eg_sim_config.script: apply it */
	SIM_EV_END,
};

struct sim_event {
	uint64_t t;
	uint64_t seq; /* push order: events of one instant pop in it */
	uint64_t gen; /* the target's generation counter when pushed */
	uint32_t khz; /* FREQ */
	int16_t type;
	union { /* what the event is about, by type */
		int16_t task;
		int16_t cpu;
		int16_t pd;
		int16_t zone;
	};
};

struct sim_resource {
	int holder;   /* mutex: task index, -1 free */
	int *waiters; /* task indexes, first come first served */
	int nr_waiters;
	size_t cap_waiters;
	int arrived;	     /* barrier */
	uint64_t timer_next; /* shared timer */
	bool timer_started;
};

/* A growing list of samples, sorted at the end for percentiles. */
struct sim_values {
	double *items;
	size_t nr, cap;
};

struct sim {
	const struct eg_sim_config *config;
	const struct eg_model *model;
	const struct eg_sim_workload *workload;
	struct eg_engine *engine;
	const struct eg_signals *sig; /* the engine's, read by the placement */
	struct eg_decisions decisions;
	uint64_t now, end;
	uint64_t gov_next;
	struct sim_task *tasks;
	int nr_tasks;
	size_t cap_tasks;
	struct sim_cpu cpu[EG_MAX_CPUS];
	struct sim_pd pd[EG_MAX_PDS];
	struct sim_zone zone[EG_MAX_ZONES];
	struct sim_resource *resources; /* state of workload->res[] */
	struct sim_event *heap;
	size_t nr_heap, cap_heap;
	uint64_t seq;
	uint64_t last_account;
	struct eg_sim_result *result;
	struct sim_values perf_index, lat_rt, lat_cfs, resp_rt, resp_cfs;
	int nr_alive;
	bool eas; /* energy-aware placement (placement.c) */
	/* Some task has had a clamp other than (0, 1024): until then the
	 * placement skips the clamp arithmetic (the kernel's uclamp static
	 * key, sched_uclamp_used). */
	bool uclamp_used;
	/* eg_sim_config.kernel_uclamp and rt_default_min. */
	bool kernel_uclamp;
	uint32_t rt_default_min;
	bool asym; /* CPUs of different capacities (sched_asym_cpucap_active) */
	int balance_order[EG_MAX_CPUS]; /* CPUs by capacity, biggest first */
	/* The CPUs of each domain in id order, pd i's at [pd_cpu_start[i],
	 * pd_cpu_start[i + 1]): the meters and the placement walk them at
	 * every event, a list is cheaper than the mask. */
	int pd_cpu[EG_MAX_CPUS];
	int pd_cpu_start[EG_MAX_PDS + 1];
	/* Each domain's CPU idle states' power in uW, converted once for the
	 * meters' per-event sums. */
	double cpu_idle_uw[EG_MAX_PDS][EG_MAX_IDLE_STATES];
	size_t cap_jobs, cap_samples;
	int err;
};

/* --- small queries, inline: the scheduler and the meters call them for
 * every event --- */

static inline const struct eg_pd *cpu_pd(const struct sim *s, int cpu)
{
	return eg_model_cpu_pd(s->model, cpu);
}

/* Capacity of the CPU at its domain's current OPP (work per ns), >= 1. */
static inline uint32_t cpu_speed(const struct sim *s, int cpu)
{
	const struct eg_pd *pd = cpu_pd(s, cpu);
	uint32_t perf = pd->opps[s->pd[pd->id].opp].perf;

	return perf ? perf : 1;
}

static inline bool cpu_active(const struct sim *s, int cpu)
{
	return s->cpu[cpu].curr >= 0 || s->cpu[cpu].waking_until > s->now;
}

static inline void sim_task_set_mask(struct sim_task *t, const eg_cpumask_t *mask)
{
	t->mask = mask;
	t->any_cpu = eg_cpumask_weight(mask) == 0;
}

static inline bool task_allowed(const struct sim_task *t, int cpu)
{
	return t->any_cpu || eg_cpumask_test(t->mask, cpu);
}

static inline enum sim_class task_class(const struct sim_task *t)
{
	if (t->policy == EG_SIM_DEADLINE)
		return CLASS_DEADLINE;
	if (t->policy == EG_SIM_FIFO || t->policy == EG_SIM_RR)
		return CLASS_RT;
	return CLASS_FAIR;
}

/* Does a run before b? */
static inline bool task_before(const struct sim_task *a, const struct sim_task *b)
{
	enum sim_class ca = task_class(a), cb = task_class(b);

	if (ca != cb)
		return ca < cb;
	if (ca == CLASS_DEADLINE)
		return a->dl_deadline < b->dl_deadline;
	if (ca == CLASS_RT)
		return a->kernel_prio < b->kernel_prio;
	return a->vruntime < b->vruntime;
}

/* Make room for need elements of elem bytes in *p (capacity *cap, first
 * allocation first): 0, or -ENOMEM, also recorded in s->err. The check is
 * inline: it runs for every event pushed. */
int sim_grow_slow(struct sim *s, void **p, size_t *cap, size_t need, size_t elem, size_t first);

static inline int sim_grow(struct sim *s, void **p, size_t *cap, size_t need, size_t elem,
			   size_t first)
{
	return need <= *cap ? 0 : sim_grow_slow(s, p, cap, need, elem, first);
}

/* queue.c: the event queue, ordered by time then push order, so that a run
 * is deterministic. */
int sim_push(struct sim *s, uint64_t t, enum sim_event_type type, int target, uint32_t khz,
	     uint64_t gen);
/* Take the first event into *top; the queue must not be empty. */
void sim_pop(struct sim *s, struct sim_event *top);

/* sim.c: the engine glue. */
void sim_engine_event(struct sim *s, struct eg_event *ev);
void sim_apply_decisions(struct sim *s);

/* sched.c: the scheduler. */
void sim_set_sched(struct sim_task *t, enum eg_sim_policy policy, int prio);
/* The task's clamp becomes (min, max), at once, as sched_setattr sets it:
 * 0, or -EINVAL (nothing changed) for values over 1024 or min > max.
 * min_user: min was given; if not, the task's class default applies (an
 * RT task's rt_default_min under kernel_uclamp, else 0). */
int sim_task_set_uclamp(struct sim *s, int task, uint32_t min, uint32_t max, bool min_user);
/* The effective uclamp_min again, after a change of scheduling class. */
void sim_task_uclamp_refresh(struct sim *s, int task);
/* The run queue's clamp, max-aggregated over the tasks running or queued on
 * cpu; false (min 0, max the kept idle value) when it holds none. */
bool sim_rq_uclamp(const struct sim *s, int cpu, uint32_t *min, uint32_t *max);
int sim_rq_add(struct sim *s, int cpu, int task);
void sim_arm_cpu(struct sim *s, int cpu);
void sim_cpu_go_idle(struct sim *s, int cpu);
void sim_cpu_reschedule(struct sim *s, int cpu);
void sim_task_wake(struct sim *s, int task, uint32_t flags);
void sim_task_stop(struct sim *s, int task, enum sim_task_state state);
void sim_task_sleep_until(struct sim *s, int task, uint64_t when);
void sim_sched_tick(struct sim *s);
/* An idle CPU takes a waiting task from the longest queue, if any. */
void sim_idle_pull(struct sim *s, int cpu);
/* The running task moves to the idle CPU dest and runs there at once. */
void sim_move_running(struct sim *s, int task, int dest);

/* placement.c: wakeup placement and periodic balancing. */
void sim_placement_init(struct sim *s);
/* Does the model have an energy model and CPUs of different capacities? */
bool sim_eas_capable(const struct eg_model *m);
/* The CPU a waking task goes to, -1 when it may run nowhere. */
int sim_select_cpu(const struct sim *s, const struct sim_task *t);
/* Misfit migration and idle pulls, at the tick. */
void sim_balance_tick(struct sim *s);

/* task.c: the task programs. */
int sim_spawn(struct sim *s, int desc_idx);
void sim_task_step(struct sim *s, int task);

/* meter.c: energy, temperature, work, activations, latencies, samples. */
void sim_account(struct sim *s, uint64_t t);
/* The CPU leaves CPU idle state cpu_idx (-1 none) and, when it powers its
 * cluster up, cluster state cluster_idx (-1 none) now: charge their entry
 * and exit energy and keep each at its state's power while it exits. */
void sim_account_idle_exit(struct sim *s, int cpu, int cpu_idx, int cluster_idx);
int sim_values_add(struct sim *s, struct sim_values *v, double x);
void sim_close_activation(struct sim *s, struct sim_task *t, uint64_t next_period, uint64_t period);
void sim_sample(struct sim *s);
void sim_finish(struct sim *s);

/* The task starts running on its CPU: its wakeup latency ends when the CPU
 * has left its idle state. Inline: it runs at every switch. */
static inline void sim_record_latency(struct sim *s, struct sim_task *t)
{
	const struct sim_cpu *c = &s->cpu[t->cpu];
	double lat;

	if (!t->latency_pending)
		return;
	lat = (double)(EG_MAX(s->now, c->waking_until) - t->woke_at) / 1e3;
	t->latency_pending = false;
	sim_values_add(s, task_class(t) == CLASS_FAIR ? &s->lat_cfs : &s->lat_rt, lat);
}

/* An activation ends (its task reached its next timer op): its response
 * time, from release to now. */
static inline void sim_record_response(struct sim *s, const struct sim_task *t)
{
	double resp = (double)(s->now - EG_MIN(t->act.release, s->now)) / 1e3;

	sim_values_add(s, task_class(t) == CLASS_FAIR ? &s->resp_cfs : &s->resp_rt, resp);
}
