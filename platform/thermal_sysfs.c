#include "source.h"
const struct eg_source_ops eg_source_thermal_sysfs = { .name = "thermal-sysfs", .kind = EG_SOURCE_THERMAL };
