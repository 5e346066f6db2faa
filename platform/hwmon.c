#include "source.h"
const struct eg_source_ops eg_source_hwmon = { .name = "hwmon", .kind = EG_SOURCE_THERMAL };
