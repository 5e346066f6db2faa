#include "source.h"
const struct eg_source_ops eg_source_poll = { .name = "poll", .kind = EG_SOURCE_SCHED };
