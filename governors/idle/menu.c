/* placeholder until the policy is written */
#include "policy.h"
const struct eg_idle_policy_ops eg_idle_menu = { .name = "menu" };
