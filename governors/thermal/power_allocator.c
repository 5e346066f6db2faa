/* placeholder until the policy is written */
#include "policy.h"
const struct eg_thermal_policy_ops eg_thermal_power_allocator = { .name = "power_allocator" };
