/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "fwfiles.h"
#include "live.h"
#include "plan.h"

/* memharden check: is memcached bound only to safe addresses, with UDP
 * explicitly off? Judges the files, and the running daemon when there is one. */
int cmd_check(const Context *c) {
        Report report = { .command = "check", .root = c->root };
        _cleanup_(config_freep) Config *config = NULL;
        ErrorInfo e = {};
        const Profile *p;
        int r;

        r = command_plan(c, PLAN_JUDGE, &report, &config, &p);
        if (r > 0)
                return r;
        if (report.not_installed)
                return command_finish(c, &report);

        r = live_check(p, c->root, &report, &e);
        if (r < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);
        /* Other tools' firewall files, after the live check: they are no
         * daemon's. Only running out of memory fails here. */
        r = fwfiles_check(c->root, config, &report);
        if (r < 0) {
                (void) error_set(&e, r, "read the firewall files of", c->root, 0, NULL, "%s", strerror(-r));
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);
        }

        report.changed = false; /* check never writes; "compliant" says what apply would do */
        for (size_t i = 0; i < report.n_files; i++)
                report.files[i].changed = false;
        report.exit_code = report.compliant ? EXIT_COMPLIANT : EXIT_NONCOMPLIANT;
        return command_finish(c, &report);
}
