/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The manager of service_manager.h when there is none: nothing to restart,
 * and no word on whether memcached runs (it may, started by hand), so the
 * live check looks for it by name. Always detected: the table's last row.
 */
#include "service_manager.h"

static bool none_detect(void) {
        return true;
}

static int none_run(const Profile *p, const char *instance, const ServiceOptions *o, ServiceAction action,
                    ServiceReport *report, ErrorInfo *e) {
        (void) instance, (void) e;

        if (action == SERVICE_READ)
                return 0;
        return service_report_note(report, "no service manager found (neither systemd nor %s); "
                                   "the %s settings take effect at memcached's next start",
                                   p->init_script, service_settings(o));
}

const ServiceManagerOps service_manager_none = {
        .name = "none",
        .tracks_daemon = false,
        .detect = none_detect,
        .run = none_run,
};
