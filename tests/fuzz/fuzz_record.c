// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz target: recordings (eagovd --record), loaded with eg_record_load and
 * fed to an engine on the HiKey960 model the way eagovd feeds the events of
 * its replay source: timestamps kept non-decreasing, power-source changes
 * left to the daemon, the engine's timers run between events. A recording
 * from another machine or a corrupt one must be refused or survived. */
#include <stdlib.h>

#include "engine.h"
#include "fuzz.h"
#include "record.h"

/* eagovd's bound on timer runs per loop turn. */
#define TICKS_PER_EVENT 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_engine_config cfg = { 0 };
	struct eg_record_info info;
	struct eg_decisions dec;
	struct eg_event *evs = NULL;
	struct eg_engine *e;
	uint64_t last = 0;
	char err[256];
	size_t n = 0;

	eg_fuzz_model();
	if (eg_record_load(eg_fuzz_file(data, size), &evs, &n, &info, err, sizeof(err)) < 0)
		return 0;
	e = eg_fuzz_engine(n ? evs[0].ts : 0, &cfg);
	if (!e)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct eg_event ev = evs[i];

		if (ev.ts < last)
			ev.ts = last;
		last = ev.ts;
		dec.n = 0;
		if (ev.type != EG_EV_POWER_SOURCE)
			eg_engine_event(e, &ev, &dec);
		for (int k = 0; k < TICKS_PER_EVENT && eg_engine_next_timer(e) <= last; k++) {
			struct eg_event tick = { .ts = last, .type = EG_EV_TICK, .cpu = -1 };

			dec.n = 0;
			eg_engine_event(e, &tick, &dec);
		}
	}
	eg_engine_free(e);
	eg_engine_config_free(&cfg);
	free(evs);
	return 0;
}
