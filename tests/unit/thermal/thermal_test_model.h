/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HiKey960 (Hi3660) model for the thermal policy tests, from devices.md:
 * little = CPUs 0-3 (A53, C = 110), big = CPUs 4-7 (A73, C = 550), OPPs
 * MHz@mV, power from P[uW] = C x mV^2 x MHz / 10^6 (eg_model_finalize), zone
 * cls0 with passive trips 65 and 75 C, sustainable power 4500 mW, weights
 * 1024 little / 512 big; polling 1000 ms, passive 100 ms (HiKey's). */
#pragma once

#include <string.h>

#include <cmocka.h>

#include "model.h"

/* Per-CPU power in mW (power_uw / 1000, truncated), for the comments:
 *   little  533: 28   999: 70   1402: 124   1709: 187   1844: 245
 *   big     903: 243  1421: 500  1805: 804   2112: 1161  2362: 1571 */
static const uint32_t tm_little_mhz[] = { 533, 999, 1402, 1709, 1844 };
static const uint32_t tm_little_mv[] = { 700, 800, 900, 1000, 1100 };
static const uint32_t tm_big_mhz[] = { 903, 1421, 1805, 2112, 2362 };
static const uint32_t tm_big_mv[] = { 700, 800, 900, 1000, 1100 };

static inline void tm_pd(struct eg_pd *pd, const char *name, int first_cpu, uint32_t dmips,
			 uint32_t coeff, const uint32_t *mhz, const uint32_t *mv)
{
	strcpy(pd->name, name);
	for (int c = first_cpu; c < first_cpu + 4; c++)
		eg_cpumask_set(&pd->cpus, c);
	pd->capacity_dmips_mhz = dmips;
	pd->dyn_power_coeff = coeff;
	pd->nr_opps = 5;
	for (int i = 0; i < 5; i++) {
		pd->opps[i].khz = mhz[i] * 1000;
		pd->opps[i].mv = mv[i];
	}
}

/* Trips: passive 65 and 75 C (hysteresis hyst_mc each), then critical 90 C. */
static inline void tm_hikey960(struct eg_model *m, int hyst_mc)
{
	struct eg_zone *z;
	struct eg_error err;

	eg_model_init(m);
	strcpy(m->name, "hikey960");
	m->nr_pds = 2;
	tm_pd(&m->pds[0], "little", 0, 592, 110, tm_little_mhz, tm_little_mv);
	tm_pd(&m->pds[1], "big", 4, 1024, 550, tm_big_mhz, tm_big_mv);
	m->nr_zones = 1;
	z = &m->zones[0];
	strcpy(z->name, "cls0");
	z->nr_trips = 3;
	z->trips[0] =
		(struct eg_trip){ .temp_mc = 65000, .hyst_mc = hyst_mc, .type = EG_TRIP_PASSIVE };
	z->trips[1] =
		(struct eg_trip){ .temp_mc = 75000, .hyst_mc = hyst_mc, .type = EG_TRIP_PASSIVE };
	z->trips[2] = (struct eg_trip){ .temp_mc = 90000, .type = EG_TRIP_CRITICAL };
	z->sustainable_power_mw = 4500;
	z->polling_ms = 1000;
	z->passive_ms = 100;
	z->nr_cooled = 2;
	z->cooled[0] = (struct eg_cooled){ .pd = 0, .weight = 1024 };
	z->cooled[1] = (struct eg_cooled){ .pd = 1, .weight = 512 };
	assert_int_equal(eg_model_finalize(m, &err), 0);
}
