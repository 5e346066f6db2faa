#include "source.h"
const struct eg_source_ops eg_source_udev = { .name = "udev", .kind = EG_SOURCE_DEVICE };
