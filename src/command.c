/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "plan.h"

int context_profile(const Context *c, const Profile **ret, ErrorInfo *e) {
        _cleanup_free_ char *id = NULL;
        int r;

        if (c->profile) {
                *ret = profile_by_name(c->profile);
                return 0; /* the name was checked when the options were parsed */
        }
        r = profile_detect(c->root, ret, &id);
        if (r == -EPROTONOSUPPORT)
                return error_set(e, r, "detect the distribution of", c->root, 0,
                                 "use --profile debian|rhel to say how memcached is configured there",
                                 "os-release ID '%s' is neither Debian nor RHEL family", id ?: "unknown");
        if (r == -ENOENT || r == -ENOTDIR)
                return error_set(e, r, "open", c->root, 0, "give --root the directory of a mounted image",
                                 "no such directory");
        if (r < 0)
                return error_set(e, r, "detect the distribution of", c->root, 0, NULL, "%s", strerror(-r));
        return 0;
}

int command_plan(const Context *c, PlanMode mode, Report *report, Config **ret_config, const Profile **ret_profile) {
        ErrorInfo e = {};
        const Profile *p;
        int r;

        r = context_profile(c, &p, &e);
        if (r < 0)
                return command_fail(c, report, EXIT_INPUT, r, &e);
        report->profile = p->name;
        if (c->listen && (r = policy_check_listen(c->listen, &e)) < 0)
                return command_fail(c, report, EXIT_USAGE, r, &e);

        r = plan_build(p, c->root, c->listen, mode, ret_config, report, &e);
        if (r < 0)
                /* Our own lenses, memory, or our own edit failing: not the input's fault. */
                return command_fail(c, report,
                                    r == -ELIBBAD || r == -ENOMEM || r == -ENOTRECOVERABLE ? EXIT_RUNTIME : EXIT_INPUT,
                                    r, &e);
        *ret_profile = p;
        return 0;
}

int command_back_up(const Context *c, const Report *report, const BackupSource *sources, Backup **ret,
                    ErrorInfo *e) {
        _cleanup_free_ BackupSource *v = calloc(report->n_files ?: 1, sizeof *v);
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < report->n_files; i++)
                if (report->files[i].changed && sources[i].text)
                        v[n++] = sources[i];
        if (n == 0) {
                *ret = NULL;
                return 0;
        }
        return backup_create(c->root, v, n, ret, e);
}

void command_set_error(Report *report, int exit_code, int r, const ErrorInfo *e) {
        char msg[PATH_MAX + 1024];

        error_format(e, r, msg, sizeof msg);
        fprintf(stderr, "memharden: %s\n", msg);
        free(report->error);
        report->error = strdup(msg);
        report->exit_code = exit_code;
}

int command_fail(const Context *c, Report *report, int exit_code, int r, const ErrorInfo *e) {
        command_set_error(report, exit_code, r, e);
        if (c->json)
                (void) report_print_json(report, stdout);
        report_done(report);
        return exit_code;
}

int command_finish(const Context *c, Report *r) {
        int code = r->exit_code;

        if (c->json)
                code = report_print_json(r, stdout) < 0 ? EXIT_RUNTIME : code;
        else
                report_print_text(r, stdout, stderr, c->quiet);
        report_done(r);
        return code;
}
