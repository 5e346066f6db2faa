#include "source.h"
const struct eg_source_ops eg_source_perf = { .name = "perf", .kind = EG_SOURCE_SCHED };
