#include "source.h"
const struct eg_source_ops eg_source_thermal_netlink = { .name = "thermal-netlink", .kind = EG_SOURCE_THERMAL };
