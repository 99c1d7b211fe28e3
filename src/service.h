/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The restart stage, as the command layer (cmd_apply.c, cmd_rollback.c,
 * live.c) sees it: service.c detects the service manager, dispatches to its
 * backend (service_manager.h) and has the verify stage (verify.h) judge the
 * daemon afterwards. The ServiceReport it fills is service_report.h's.
 */

#include <stdbool.h>

#include "error.h"
#include "profile.h"
#include "service_manager.h"
#include "service_report.h"

/* The manager that runs this host: the first of service.c's table whose
 * detect() says so (systemd when booted with it, else OpenRC when booted
 * with it, else SysV when the init script is there, else none). service_manager_none when ROOT is set and
 * not "/": another system's files, never this host's daemon. Never NULL. */
const ServiceManagerOps *service_manager_detect(const char *root);

/* After the config of INSTANCE (NULL = main config) was saved: performs
 * ACTION (SERVICE_TRY_RESTART: restart if running, a stopped memcached
 * stays stopped and the message says so; SERVICE_RESTART: bring it up in
 * any case), then verifies. EXPECT_HARDENED: no UDP socket and every TCP
 * listener on an allowed address; otherwise (after a rollback) only that the
 * daemon is running again if it was before. 0 also when nothing could or
 * should be restarted (see report->message). A negative errno and E when the
 * restart failed, the daemon is not running afterwards, or the verification
 * failed. REPORT is filled in every case and must be released with
 * service_report_done(). */
int service_restart_verify(const Profile *p, const char *root, const char *instance, const ServiceOptions *o,
                           ServiceAction action, bool expect_hardened, ServiceReport *report, ErrorInfo *e);

/* The same through manager M, whatever runs this host (a root other than
 * "/" still touches nothing). */
int service_restart_verify_with(const ServiceManagerOps *m, const Profile *p, const char *root,
                                const char *instance, const ServiceOptions *o, ServiceAction action,
                                bool expect_hardened, ServiceReport *report, ErrorInfo *e);

/* The live state without changing anything (active, main pid, sockets,
 * stats settings); 0 also when memcached is not running (active=false).
 * UNIT: the systemd unit a unit file named, instead of the profile's; under
 * another manager there is then nothing to read (active=false). */
int service_live_state(const Profile *p, const char *root, const char *instance, const char *unit,
                       ServiceReport *report, ErrorInfo *e);

/* The same through manager M. */
int service_live_state_with(const ServiceManagerOps *m, const Profile *p, const char *root,
                            const char *instance, const char *unit, ServiceReport *report, ErrorInfo *e);
