/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The dispatch of service.h: picks the manager from the table below, runs
 * the restart through its backend, and has verify.c judge the result.
 */
#include "service.h"

#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "util.h"
#include "verify.h"

/* In the order they are tried: the first whose detect() says yes is the
 * one that runs this host. */
static const ServiceManagerOps *const managers[] = {
        &service_manager_systemd,
        /* Before SysV: a Debian booted with OpenRC has the init script
         * too, and then OpenRC is what runs it. */
        &service_manager_openrc,
        &service_manager_sysv,
        &service_manager_none, /* always detected: the last row */
};

static bool root_is_host(const char *root) {
        return !root || streq_ptr(root, "/");
}

const ServiceManagerOps *service_manager_detect(const char *root) {
        if (!root_is_host(root))
                return &service_manager_none;
        for (size_t i = 0; i < ELEMENTSOF(managers); i++)
                if (managers[i]->detect())
                        return managers[i];
        return &service_manager_none;
}

static int read_error(const ServiceReport *report, int r, ErrorInfo *e) {
        return error_set(e, r, "verify", report->unit ?: "memcached", 0, NULL,
                         "cannot read the daemon's sockets: %s", strerror(-r));
}

/* After a restart: the daemon must still run, and (EXPECT_HARDENED) be on
 * the hardened settings. */
static int verify_restarted(bool expect_hardened, ServiceReport *report, ErrorInfo *e) {
        int r;

        r = verify_live(report->main_pid_after, true, report);
        if (r < 0)
                return read_error(report, r, e);
        if (report->main_pid_after > 0 && !verify_pid_alive(report->main_pid_after)) {
                report->active = false;
                return error_set(e, -ESRCH, "restart", report->unit, 0, report->manager->log_hint,
                                 "memcached exited right after the restart");
        }
        if (expect_hardened && !report->live_hardened)
                return verify_fail(report, e);
        return 0;
}

int service_restart_verify_with(const ServiceManagerOps *m, const Profile *p, const char *root,
                                const char *instance, const ServiceOptions *o, ServiceAction action,
                                bool expect_hardened, ServiceReport *report, ErrorInfo *e) {
        ServiceOptions opts = o ? *o : (ServiceOptions) {};
        long t0;
        int r;

        if (opts.timeout_sec == 0)
                opts.timeout_sec = SERVICE_TIMEOUT_DEFAULT;
        if (!root_is_host(root)) {
                service_report_init(report, &service_manager_none);
                return service_report_note(report, "the configuration under %s was changed and no daemon "
                                           "was restarted; the %s settings take effect at memcached's next start",
                                           root, service_settings(&opts));
        }

        service_report_init(report, m);
        if (opts.unit && m != &service_manager_systemd)
                return service_report_note(report, "%s was changed and not restarted: systemd does not run this "
                                           "host; the unit's %s settings take effect when systemd starts it",
                                           opts.unit, service_settings(&opts));
        t0 = now_ms();
        r = m->run(p, instance, &opts, action, report, e);
        if (report->restarted || r < 0)
                report->restart_ms = now_ms() - t0;
        if (r < 0)
                return r;
        if (!report->restarted) {
                /* Nothing restarted: still record what is running. */
                if (report->active && verify_live(report->main_pid_after, false, report) < 0)
                        service_report_set_live(report, LIVE_UNKNOWN);
                return 0;
        }
        return verify_restarted(expect_hardened, report, e);
}

int service_restart_verify(const Profile *p, const char *root, const char *instance, const ServiceOptions *o,
                           ServiceAction action, bool expect_hardened, ServiceReport *report, ErrorInfo *e) {
        return service_restart_verify_with(service_manager_detect(root), p, root, instance, o, action,
                                           expect_hardened, report, e);
}

int service_live_state_with(const ServiceManagerOps *m, const Profile *p, const char *root,
                            const char *instance, const char *unit, ServiceReport *report, ErrorInfo *e) {
        int r;

        if (!root_is_host(root)) {
                service_report_init(report, &service_manager_none);
                return service_report_note(report, "the live daemon is not checked for a root other than /");
        }

        service_report_init(report, m);
        if (unit && m != &service_manager_systemd)
                return service_report_note(report, "%s is not read: systemd does not run this host", unit);
        r = m->run(p, instance, &(ServiceOptions) { SERVICE_TIMEOUT_DEFAULT, .unit = unit }, SERVICE_READ, report, e);
        if (r < 0)
                return r;
        if (!m->tracks_daemon) {
                /* No word from a manager: memcached may still run, started
                 * by hand. */
                r = verify_live(0, false, report);
                if (r >= 0)
                        report->active = report->live_state != LIVE_UNKNOWN;
        } else if (report->active)
                r = verify_live(report->main_pid_after, false, report);
        if (r < 0)
                return read_error(report, r, e);
        return 0;
}

int service_live_state(const Profile *p, const char *root, const char *instance, const char *unit,
                       ServiceReport *report, ErrorInfo *e) {
        return service_live_state_with(service_manager_detect(root), p, root, instance, unit, report, e);
}
