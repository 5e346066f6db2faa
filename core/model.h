/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The machine model: CPUs, performance domains (the CPUs of one cpufreq
 * policy), their capacities, energy model (OPPs, idle states) and thermal
 * zones. Plain data, filled from a device file, from sysfs discovery or both,
 * then completed by eg_model_finalize(). Read-only for governors. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

#define EG_CAPACITY_SCALE 1024U
#define EG_MAX_CPUS 256
#define EG_MAX_PDS 16
#define EG_MAX_OPPS 64
#define EG_MAX_IDLE_STATES 10
#define EG_MAX_ZONES 16
#define EG_MAX_TRIPS 12
#define EG_MAX_COOLED 8
#define EG_MAX_IDS 8
#define EG_NAME_MAX 48

/* Where a value came from: device file, sysfs discovery, or computed. */
enum eg_origin {
	EG_ORIGIN_NONE = 0,
	EG_ORIGIN_FILE,
	EG_ORIGIN_SYSFS,
	EG_ORIGIN_COMPUTED,
};

typedef struct {
	uint64_t bits[EG_MAX_CPUS / 64];
} eg_cpumask_t;

static inline void eg_cpumask_set(eg_cpumask_t *m, int cpu)
{
	m->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline void eg_cpumask_clear(eg_cpumask_t *m, int cpu)
{
	m->bits[cpu / 64] &= ~(1ULL << (cpu % 64));
}

static inline bool eg_cpumask_test(const eg_cpumask_t *m, int cpu)
{
	return cpu >= 0 && cpu < EG_MAX_CPUS && (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}

int eg_cpumask_weight(const eg_cpumask_t *m);
/* Parse a kernel cpulist ("0-3,6", or the space-separated "0 1 2 3" of
 * related_cpus) into *m; -EINVAL on bad syntax, -ERANGE past EG_MAX_CPUS. */
int eg_cpumask_parse(const char *s, eg_cpumask_t *m);
/* Format as a cpulist ("0-3,6"). */
void eg_cpumask_format(const eg_cpumask_t *m, char *buf, size_t len);

/* The first CPU of m at or after cpu, or EG_MAX_CPUS. */
static inline int eg_cpumask_next(const eg_cpumask_t *m, int cpu)
{
	for (int w = cpu / 64; w < EG_MAX_CPUS / 64; w++) {
		uint64_t bits = m->bits[w];

		if (w == cpu / 64)
			bits &= ~0ULL << (cpu % 64);
		if (bits)
			return w * 64 + __builtin_ctzll(bits);
	}
	return EG_MAX_CPUS;
}

/* Visits the set bits only: walking all EG_MAX_CPUS bits per domain on every
 * simulator event was half of the simulator's time. */
#define eg_for_each_cpu(cpu, mask)                                    \
	for ((cpu) = eg_cpumask_next((mask), 0); (cpu) < EG_MAX_CPUS; \
	     (cpu) = eg_cpumask_next((mask), (cpu) + 1))

/* One operating performance point of a domain. */
struct eg_opp {
	uint32_t khz;
	uint32_t mv;	      /* 0 when unknown */
	uint64_t power_uw;    /* busy power of one CPU at this OPP */
	uint64_t pd_power_uw; /* domain (cluster) power while any CPU runs; 0 if none */
	/* Computed by eg_model_finalize(): */
	uint32_t perf;	  /* capacity at this OPP: max_cap * khz / max khz */
	uint64_t cost;	  /* 10 * power_uw / perf, as the kernel's EM */
	bool inefficient; /* a higher OPP has equal or lower cost */
	enum eg_origin power_origin;
	bool power_estimated; /* the file marks power or domain power as an estimate */
	int src_line;	      /* line in the device file, 0 otherwise */
	/* Computed by eg_model_finalize() from the domain's static power:
	 * leakage of one powered CPU, and of the domain while not in a
	 * cluster idle state, at this OPP's voltage. */
	uint64_t static_uw;
	uint64_t pd_static_uw;
};

/* An idle state of a CPU (cluster = false) or of the whole domain. */
struct eg_idle_state {
	char name[EG_NAME_MAX];
	uint32_t entry_us;
	uint32_t exit_us;
	uint32_t residency_us; /* target (minimum) residency */
	uint64_t power_uw;     /* power in this state (per CPU, or per cluster) */
	bool power_estimated;
	int src_line;
	/* Computed for CPU states: energy of one entry and exit, above the
	 * state's power over the time, that makes the state break even with
	 * the next shallower one exactly at its target residency. */
	double transition_uj;
};

struct eg_pd {
	int id;
	char name[EG_NAME_MAX];
	eg_cpumask_t cpus;
	int nr_cpus;
	int first_cpu;
	uint32_t capacity_dmips_mhz; /* per-CPU relative performance per MHz */
	uint32_t dyn_power_coeff;    /* uW/MHz/V^2, 0 when not given */
	/* Static (leakage) power at the top OPP: of one powered CPU, and of
	 * the domain outside its cluster idle states; 0 when not given.
	 * Scaled to the other OPPs by eg_model_finalize(). */
	uint64_t cpu_static_uw;
	uint64_t pd_static_uw;
	bool static_estimated;
	int static_src_line;
	uint32_t transition_latency_ns;
	uint32_t transition_delay_us; /* driver's, 0 when unknown */
	uint32_t cpuinfo_min_khz, cpuinfo_max_khz;
	char cpufreq_driver[EG_NAME_MAX];
	char sysfs_policy[EG_NAME_MAX]; /* "policy0", empty in the simulator */
	int nr_opps;
	struct eg_opp opps[EG_MAX_OPPS]; /* strictly increasing khz */
	int nr_cpu_idle;
	struct eg_idle_state cpu_idle[EG_MAX_IDLE_STATES]; /* shallow to deep */
	int nr_cluster_idle;
	struct eg_idle_state cluster_idle[EG_MAX_IDLE_STATES];
	/* Computed: capacity of each CPU of the domain at its top OPP. */
	uint32_t max_cap;
	enum eg_origin origin;
	int src_line; /* line of the section in the device file */
};

enum eg_trip_type {
	EG_TRIP_ACTIVE,
	EG_TRIP_PASSIVE,
	EG_TRIP_HOT,
	EG_TRIP_CRITICAL,
};

struct eg_trip {
	int temp_mc; /* millidegrees Celsius */
	int hyst_mc;
	enum eg_trip_type type;
	int src_line;
};

struct eg_cooled {
	int pd;		 /* index into model->pds */
	uint32_t weight; /* contribution, 1024 = full */
};

struct eg_zone {
	int id;
	char name[EG_NAME_MAX];
	char sensor[EG_PATH_MAX]; /* "thermal_zone0", "hwmon:coretemp/temp1", "" in sim */
	int nr_trips;
	struct eg_trip trips[EG_MAX_TRIPS]; /* increasing temperature */
	uint32_t sustainable_power_mw;	    /* 0 = estimate */
	uint32_t polling_ms;
	uint32_t passive_ms;
	int nr_cooled;
	struct eg_cooled cooled[EG_MAX_COOLED];
	/* Thermal RC model, for the simulator: */
	double rc_resistance;  /* degC per W, junction to ambient */
	double rc_capacitance; /* J per degC */
	int ambient_mc;
	bool rc_estimated;
	enum eg_origin origin;
	int src_line;
};

struct eg_model {
	char name[EG_NAME_MAX];
	char source[EG_PATH_MAX]; /* device file path, or "sysfs" */
	int nr_compatible;
	char compatible[EG_MAX_IDS][EG_NAME_MAX];
	int nr_dmi;
	char dmi[EG_MAX_IDS][EG_NAME_MAX];
	int nr_cpus; /* highest CPU id + 1 */
	eg_cpumask_t possible;
	int nr_pds;
	struct eg_pd pds[EG_MAX_PDS];
	int nr_zones;
	struct eg_zone zones[EG_MAX_ZONES];
	/* Computed: */
	int8_t cpu_pd[EG_MAX_CPUS];    /* -1 when a CPU is in no domain */
	uint32_t cpu_cap[EG_MAX_CPUS]; /* max capacity of each CPU */
};

void eg_model_init(struct eg_model *m);

/* Check the model for consistency and compute what is derived: per-CPU
 * capacity (capacity-dmips-mhz x max frequency, normalized so the biggest CPU
 * is 1024), perf and cost of each OPP, inefficient OPPs, power from the
 * dynamic-power coefficient where no power was given, the CPU to domain map.
 * Returns 0, or -EINVAL with *err saying what is wrong (err may be NULL). */
int eg_model_finalize(struct eg_model *m, struct eg_error *err);

/* Energy (uJ) of one entry and exit of cluster idle state idx of pd at OPP
 * opp, above the state's power over the time: the cluster states break even
 * with the next shallower one at their target residency, the shallowest
 * with the domain on (domain power and static power at the OPP). */
double eg_pd_cluster_transition_uj(const struct eg_pd *pd, int idx, int opp);

/* Print the model as readable tables (domains, CPUs, OPPs with power, cost
 * and inefficient marks, idle states, zones). */
void eg_model_print(const struct eg_model *m, FILE *out);

static inline const struct eg_pd *eg_model_cpu_pd(const struct eg_model *m, int cpu)
{
	if (cpu < 0 || cpu >= EG_MAX_CPUS || m->cpu_pd[cpu] < 0)
		return NULL;
	return &m->pds[m->cpu_pd[cpu]];
}

/* Capacity of the domain's CPUs at frequency khz: max_cap * khz / fmax. */
uint32_t eg_pd_cap_at(const struct eg_pd *pd, uint32_t khz);
/* Index of the lowest OPP with khz >= target, within [min_khz, max_khz]
 * (both inclusive, OPPs outside are not candidates; if none is >= target, the
 * highest allowed). With skip_inefficient, an inefficient OPP resolves to the
 * next efficient one above it when that one is still <= max_khz. Returns -1
 * when no OPP lies within the limits. */
int eg_pd_opp_ceil(const struct eg_pd *pd, uint32_t target_khz, uint32_t min_khz, uint32_t max_khz,
		   bool skip_inefficient);
/* Index of the highest OPP with khz <= target within limits, or -1. */
int eg_pd_opp_floor(const struct eg_pd *pd, uint32_t target_khz, uint32_t min_khz,
		    uint32_t max_khz);
/* Index of the OPP with exactly this frequency, or -1. */
int eg_pd_opp_index(const struct eg_pd *pd, uint32_t khz);
static inline uint32_t eg_pd_max_khz(const struct eg_pd *pd)
{
	return pd->nr_opps ? pd->opps[pd->nr_opps - 1].khz : 0;
}
static inline uint32_t eg_pd_min_khz(const struct eg_pd *pd)
{
	return pd->nr_opps ? pd->opps[0].khz : 0;
}

const char *eg_trip_type_name(enum eg_trip_type t);
int eg_trip_type_from_string(const char *s, enum eg_trip_type *out);
