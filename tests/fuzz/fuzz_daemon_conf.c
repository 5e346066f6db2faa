// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz target: eagov.conf, the daemon's own settings file. */
#include "conf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_daemon_conf c;
	struct eg_error err = { 0 };

	eg_fuzz_quiet();
	eg_daemon_conf_init(&c);
	eg_conf_load_daemon(eg_fuzz_file(data, size), &c, &err);
	return 0;
}
