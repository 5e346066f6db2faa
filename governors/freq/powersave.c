/* placeholder until the policy is written */
#include "policy.h"
const struct eg_freq_policy_ops eg_freq_powersave = { .name = "powersave" };
