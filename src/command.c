/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "plan.h"
#include "rootfs.h"

/* The root must be a directory that exists: nothing is created, and no
 * command goes on to say something else about it. */
static int check_root(const Context *c, ErrorInfo *e) {
        _cleanup_close_ int fd = -1;
        int r = root_open(c->root, &fd);

        if (r == -ENOENT || r == -ENOTDIR)
                return error_set(e, r, "open", c->root, 0, "give --root the directory of a mounted image",
                                 "no such directory");
        if (r < 0)
                return error_set(e, r, "open", c->root, 0, NULL, "%s", strerror(-r));
        return 0;
}

int context_profile(const Context *c, const Profile **ret, ErrorInfo *e) {
        _cleanup_free_ char *id = NULL;
        int r;

        r = check_root(c, e);
        if (r < 0)
                return r;
        if (c->profile) {
                *ret = profile_by_name(c->profile);
                return 0; /* the name was checked when the options were parsed */
        }
        r = profile_detect(c->root, ret, &id);
        if (r == -EPROTONOSUPPORT) {
                (void) error_set(e, r, "detect the distribution of", c->root, 0, NULL,
                                 "os-release ID '%s' is of none of the Debian, RHEL, SUSE, Arch, Alpine and Gentoo families",
                                 id ?: "unknown");
                error_set_hint(e, "use --profile %s to say how memcached is configured there", profile_names());
                return r;
        }
        if (r == -ENOENT || r == -ENOTDIR)
                return error_set(e, r, "open", c->root, 0, "give --root the directory of a mounted image",
                                 "no such directory");
        if (r < 0)
                return error_set(e, r, "detect the distribution of", c->root, 0, NULL, "%s", strerror(-r));
        return 0;
}

/* A config that does not parse (E, verb "parse", names its line): the
 * text at fault may be one a backup holds in a good state. Said only when
 * a complete backup exists. */
static void hint_rollback(const Context *c, const Profile *p, ErrorInfo *e) {
        if (!e->verb || strcmp(e->verb, "parse") != 0 || backup_exists(c->root, p) <= 0)
                return;
        if (strcmp(c->root, "/") == 0)
                error_set_hint(e, "%s%sor restore the last backup with 'memharden rollback'", e->hint,
                               e->hint[0] ? "; " : "");
        else
                error_set_hint(e, "%s%sor restore the last backup with 'memharden rollback --root %s'", e->hint,
                               e->hint[0] ? "; " : "", c->root);
}

/* REPORT says memcached is not installed: nothing judged, nothing to do. */
static void set_not_installed(Report *report, Config **ret_config, const Profile *p, const Profile **ret_profile) {
        report->not_installed = true;
        report->compliant = true;
        *ret_config = NULL;
        *ret_profile = p;
}

int command_plan(const Context *c, PlanMode mode, Report *report, Config **ret_config, const Profile **ret_profile) {
        ErrorInfo e = {};
        const Profile *p;
        int installed, r;

        r = context_profile(c, &p, &e);
        if (r == -EPROTONOSUPPORT && profile_memcached_installed(NULL, c->root) == 0) {
                /* A family memharden does not know, and none of memcached's
                 * files where any family puts them: nothing to judge. */
                set_not_installed(report, ret_config, NULL, ret_profile);
                return 0;
        }
        if (r < 0)
                return command_fail(c, report, EXIT_INPUT, r, &e);
        report->profile = p->name;
        if (c->listen && (r = policy_check_listen(c->listen, &e)) < 0)
                return command_fail(c, report, EXIT_USAGE, r, &e);
        /* No config file and no binary: a host without memcached, which
         * has nothing to harden; one with memcached and no config file is
         * refused below, naming the file. */
        installed = profile_memcached_installed(p, c->root);
        if (installed < 0) {
                (void) error_set(&e, installed, "read", c->root, 0, NULL, "%s", strerror(-installed));
                return command_fail(c, report, EXIT_RUNTIME, installed, &e);
        }
        if (installed == 0 && p->config) {
                set_not_installed(report, ret_config, p, ret_profile);
                return 0;
        }

        r = plan_build(p, c->root, c->listen, mode, ret_config, report, &e);
        if (r == -ELIBBAD || r == -ENOMEM || r == -ENOTRECOVERABLE)
                /* Our own lenses, memory, or our own edit failing: not the input's fault. */
                return command_fail(c, report, EXIT_RUNTIME, r, &e);
        if (r < 0) {
                hint_rollback(c, p, &e);
                return command_fail(c, report, EXIT_INPUT, r, &e);
        }
        if (installed == 0 && report->n_files == 0) { /* units only, and none of memcached's */
                config_free(TAKE_PTR(*ret_config));
                set_not_installed(report, ret_config, p, ret_profile);
                return 0;
        }
        *ret_profile = p;
        return 0;
}

int command_back_up(const Context *c, BackupReason reason, const Report *report, const BackupSource *sources,
                    Backup **ret, ErrorInfo *e) {
        _cleanup_free_ BackupSource *v = calloc(report->n_files ?: 1, sizeof *v);
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < report->n_files; i++)
                if (report->files[i].changed && (sources[i].text || report->files[i].created))
                        v[n++] = sources[i];
        if (n == 0) {
                *ret = NULL;
                return 0;
        }
        return backup_create(c->root, reason, v, n, ret, e);
}

void command_set_error(Report *report, int exit_code, int r, const ErrorInfo *e) {
        ErrorInfo said = e ? *e : (ErrorInfo) {};
        char msg[PATH_MAX + 1024];

        /* Denied a lock, a backup, a read or a write: memharden is meant to
         * run as root, whatever step found out. */
        if ((r == -EACCES || r == -EPERM) && !strstr(said.hint, "run as root"))
                error_set_hint(&said, "%s%srun as root", said.hint, said.hint[0] ? "; " : "");
        error_format(&said, r, msg, sizeof msg);
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
