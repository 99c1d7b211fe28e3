/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The one interface between the restart stage's dispatch (service.c) and a
 * service manager backend: service_systemd.c, service_openrc.c,
 * service_sysv.c and service_none.c each define one ServiceManagerOps and
 * nothing else that is not static (but for the pure helpers service_openrc.h
 * declares for its unit test). A backend calls down only (service_report.c, spawn-util.c, the
 * verify_*.c readers), never back into service.c.
 *
 * Adding a manager: one file, service_NAME.c, that defines
 * service_manager_NAME; its declaration below; and its row in service.c's
 * table, before the managers it should win over.
 */

#include <stdbool.h>

#include "error.h"
#include "profile.h"
#include "service_report.h"

typedef struct ServiceOptions {
        unsigned timeout_sec; /* for the restart job; 0 means the default, 90 */
        /* The systemd unit to restart, where a unit file named it (the
         * unit store), instead of the profile's; only systemd runs it. */
        const char *unit;
        bool reload;          /* unit files changed: the manager reloads them first */
        /* The files hold settings a rollback restored, not new ones: what
         * the notes call them. */
        bool restored;
} ServiceOptions;

/* "new" or "restored": the settings O's restart is about, for its notes. */
static inline const char *service_settings(const ServiceOptions *o) {
        return o && o->restored ? "restored" : "new";
}

#define SERVICE_TIMEOUT_DEFAULT 90u

typedef enum ServiceAction {
        SERVICE_READ,           /* only read the state */
        SERVICE_TRY_RESTART,    /* restart if running; a stopped daemon stays stopped */
        SERVICE_RESTART,        /* (re)start even if stopped or failed: the restore after a failed attempt */
} ServiceAction;

typedef struct ServiceManagerOps {
        /* The report's "manager": "systemd", "openrc", "sysv", "none". */
        const char *name;
        /* The hint when the daemon exits right after its restart. */
        const char *log_hint;
        /* Whether run() tells if memcached runs (active, main_pid_*). A
         * manager that does not (none) leaves the live check to look for
         * memcached processes by name. */
        bool tracks_daemon;
        /* Whether this manager runs this host. */
        bool (*detect)(void);
        /* Fills report->unit, was_active, active, the PIDs (and what else
         * the manager knows) and performs ACTION, with O's timeout (never
         * 0). TRY_RESTART leaves a stopped daemon stopped, with a note.
         * Returns 0, with a note, also when nothing could or needed to be
         * restarted (report->restarted false); a negative errno and E when
         * the restart failed or the daemon is not running afterwards. The
         * caller verifies the daemon's sockets. */
        int (*run)(const Profile *p, const char *instance, const ServiceOptions *o, ServiceAction action,
                   ServiceReport *report, ErrorInfo *e);
} ServiceManagerOps;

/* The backends, each in its own service_NAME.c. */
extern const ServiceManagerOps service_manager_systemd;
extern const ServiceManagerOps service_manager_openrc;
extern const ServiceManagerOps service_manager_sysv;
extern const ServiceManagerOps service_manager_none;
