// SPDX-License-Identifier: GPL-2.0-or-later
/* Shared pieces of the fuzz harnesses: see fuzz.h. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"
#include "log.h"

const char *eg_fuzz_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	size_t off = 0;

	if (fd < 0) {
		fd = memfd_create("eg-fuzz-input", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0) {
		perror("ftruncate");
		abort();
	}
	while (off < size) {
		ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);

		if (n <= 0) {
			perror("pwrite");
			abort();
		}
		off += (size_t)n;
	}
	return path;
}

static void drop(void *user, enum eg_log_level level, const char *msg)
{
	(void)user;
	(void)level;
	(void)msg;
}

void eg_fuzz_quiet(void)
{
	eg_log_set_level(EG_LOG_DEBUG);
	eg_log_set_sink(drop, NULL);
}

static struct eg_model model;
static struct eg_policy_conf policy_conf;

static void load_model(void)
{
	static int loaded;
	struct eg_error err = { 0 };

	if (loaded)
		return;
	/* Quiet first: every harness loads the model before its first input. */
	eg_fuzz_quiet();
	if (eg_conf_load_device(EG_FUZZ_DEVICE, &model, &policy_conf, &err) < 0) {
		fprintf(stderr, "fuzz: %s:%d: %s\n", err.file, err.line, err.msg);
		abort();
	}
	loaded = 1;
}

const struct eg_model *eg_fuzz_model(void)
{
	load_model();
	return &model;
}

const struct eg_policy_conf *eg_fuzz_policy_conf(void)
{
	load_model();
	return &policy_conf;
}

struct eg_engine *eg_fuzz_engine(uint64_t now, struct eg_engine_config *cfg)
{
	const struct eg_model *m = eg_fuzz_model();
	struct eg_decisions dec = { 0 };
	struct eg_engine *e;

	if (eg_policy_conf_resolve(&policy_conf, m, EG_PROFILE_BALANCED, cfg, NULL) < 0)
		return NULL;
	if (eg_engine_new(&e, m, cfg, now) < 0) {
		eg_engine_config_free(cfg);
		return NULL;
	}
	for (int i = 0; i < m->nr_pds; i++) {
		const struct eg_pd *pd = &m->pds[i];

		eg_engine_set_domain_state(e, i, eg_pd_max_khz(pd), eg_pd_min_khz(pd),
					   eg_pd_max_khz(pd));
	}
	if (eg_engine_start(e, now, &dec) < 0) {
		eg_engine_free(e);
		eg_engine_config_free(cfg);
		return NULL;
	}
	return e;
}
