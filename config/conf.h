/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Configuration files, all of them: device policy files (devfile.h), finding
 * the device file of a machine (devfind.h) and the daemon-wide eagov.conf
 * (daemon_conf.h). One include for the daemon, the bench and the tests. */
#pragma once

#include "daemon_conf.h"
#include "devfile.h"
#include "devfind.h"
