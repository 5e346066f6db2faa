#include "source.h"
const struct eg_source_ops eg_source_replay = { .name = "replay", .kind = EG_SOURCE_SCHED };
