/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The live check of check (live.h): the daemon's state, judged by service.c
 * and verify.c, as findings of the report. */
#include "live.h"

#include "service.h"
#include "util.h"

/* The finding for one running daemon that is not (or cannot be seen to be)
 * hardened. */
static int add_live_finding(FileResult *f) {
        const ServiceReport *s = &f->service;
        long pid = (long) s->main_pid_before ?: (long) s->main_pid_after;

        /* A running daemon that could not be judged fails the check too:
         * what cannot be seen cannot be called hardened. */
        if (s->live_state != LIVE_EXPOSED)
                return policy_add_finding(&f->policy, "live-unverified", SEVERITY_HIGH, 0,
                                          "memcached runs (pid %ld), but none of its sockets could be found, so "
                                          "its exposure cannot be verified; check it with 'ss -lntup' and "
                                          "restart it if it is not on the hardened settings",
                                          pid);
        return policy_add_finding(&f->policy, "live-differs", SEVERITY_HIGH, 0,
                                  "the running memcached (pid %ld) has %ld UDP socket%s and %zu listener%s on disallowed addresses; %s",
                                  pid, s->udp_sockets, s->udp_sockets == 1 ? "" : "s", s->n_bad_listeners,
                                  s->n_bad_listeners == 1 ? "" : "s",
                                  f->changed ? "run 'memharden apply', which restarts it"
                                             : "the file is hardened: restart memcached to load it");
}

int live_check(const Profile *p, const char *root, Report *report, ErrorInfo *e) {
        if (service_manager_detect(root) == &service_manager_none)
                return 0;

        for (size_t i = 0; i < report->n_files; i++) {
                FileResult *f = &report->files[i];
                int r;

                r = service_live_state(p, root, f->instance, f->unit, &f->service, e);
                f->has_service = true;
                if (r < 0)
                        return r;
                /* What systemd holds against what the files say (argv[0] aside: a name only). */
                if (!f->service.need_reload && f->exec_argv && f->service.exec_argv &&
                    !strv_equal_from(f->exec_argv, f->service.exec_argv, 1)) {
                        r = policy_add_finding(&f->policy, "unit-differs", SEVERITY_MEDIUM, 0,
                                               "systemd runs %s with another command line than its files give; run "
                                               "'systemctl daemon-reload', then restart it", f->service.unit ?: "the unit");
                        if (r < 0)
                                return r;
                        report->compliant = false;
                }
                if (f->service.need_reload) {
                        r = policy_add_finding(&f->policy, "unit-not-reloaded", SEVERITY_MEDIUM, 0,
                                               "%s changed on disk since systemd read it, so what runs is not what the "
                                               "files say; run 'systemctl daemon-reload', then restart it",
                                               f->service.unit ?: "the unit");
                        if (r < 0)
                                return r;
                        report->compliant = false;
                }
                if (!f->service.active || f->service.live_state == LIVE_HARDENED)
                        continue;
                r = add_live_finding(f);
                if (r < 0)
                        return r;
                report->compliant = false;
        }
        return 0;
}
