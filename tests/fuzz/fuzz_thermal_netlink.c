// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz target: thermal generic-netlink messages. The input is one receive
 * buffer: its messages are walked as the thermal-netlink source walks what
 * recv() returned (stopping at the first header that does not fit), each is
 * converted for the HiKey960 model (kernel zone 0 = model zone cls0, trip k =
 * model trip k, as without sysfs), and the events go to an engine whose
 * thermal policy then acts on whatever temperatures the messages carry. */
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>

#include "engine.h"
#include "fuzz.h"
#include "sysfs_io.h"
#include "thermal_netlink.h"
#include "util.h"

/* The family id the kernel gave "thermal": any value, the seeds use it. */
#define FUZZ_FAMILY 0x1c
/* Message time: far enough apart for the thermal policy's intervals. */
#define FUZZ_STEP_NS (100 * NSEC_PER_MSEC)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct eg_thermal_nl_map map;
	static int have_map;
	struct eg_engine_config cfg = { 0 };
	struct eg_decisions dec;
	struct eg_engine *e;
	uint64_t now = NSEC_PER_SEC;
	size_t off = 0;
	char *buf;

	if (!have_map) {
		struct eg_sysfs fs;

		/* No sysfs under this root: the map does not depend on the host. */
		if (eg_sysfs_init(&fs, "/nonexistent/eg-fuzz") < 0)
			abort();
		eg_thermal_nl_map_init(&map, eg_fuzz_model(), &fs);
		have_map = 1;
	}
	e = eg_fuzz_engine(now, &cfg);
	if (!e)
		abort();
	/* Exactly size bytes (malloc alignment, as the source's buffer), so
	 * a read past the received data is caught. */
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	while (off < size) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(buf + off);
		struct eg_event ev;

		if (!nlmsg_ok(nlh, (int)(size - off)))
			break;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
		now += FUZZ_STEP_NS;
		if (eg_thermal_nl_convert(&map, FUZZ_FAMILY, nlh, now, &ev) <= 0)
			continue;
		dec.n = 0;
		eg_engine_event(e, &ev, &dec);
		if (eg_engine_next_timer(e) <= now) {
			struct eg_event tick = { .ts = now, .type = EG_EV_TICK, .cpu = -1 };

			dec.n = 0;
			eg_engine_event(e, &tick, &dec);
		}
	}
	free(buf);
	eg_engine_free(e);
	eg_engine_config_free(&cfg);
	return 0;
}
