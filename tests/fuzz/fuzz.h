/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared pieces of the fuzz harnesses (tests/fuzz/fuzz_*.c): the libFuzzer
 * entry point they each define, a memfd that hands an input to the APIs that
 * take a path, the HiKey960 model they run on, and a quiet log. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "model.h"
#include "policy_conf.h"

/* Defined by each harness; libFuzzer's main or replay_main.c calls it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write data to a memfd reused across inputs and return its /proc/self/fd
 * path (static storage). Aborts when the memfd cannot be made: the harness
 * cannot run at all then. */
const char *eg_fuzz_file(const uint8_t *data, size_t size);

/* Send the project's log to a sink that formats and drops each message, so
 * logging code runs without flooding the fuzzer's output. */
void eg_fuzz_quiet(void);

/* The HiKey960 model and policy settings from conf/devices/hikey960.ini,
 * loaded once; aborts when the file is missing or broken (a harness bug, not
 * a finding). */
const struct eg_model *eg_fuzz_model(void);
const struct eg_policy_conf *eg_fuzz_policy_conf(void);

/* An engine on the HiKey960 model with its balanced profile, domains at their
 * top frequency, started at now. NULL when it cannot be made. */
struct eg_engine *eg_fuzz_engine(uint64_t now, struct eg_engine_config *cfg);
