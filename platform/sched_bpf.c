#include "source.h"
const struct eg_source_ops eg_source_bpf = { .name = "bpf", .kind = EG_SOURCE_SCHED };
