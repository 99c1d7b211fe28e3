/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "cli.h"
#include "util.h"


static int back_up_current(const Context *c, Report *report, ErrorInfo *e) {
        char *paths[report->n_files], *texts[report->n_files];
        size_t sizes[report->n_files], n = 0;
        _cleanup_(backup_freep) Backup *undo = NULL;
        int r;

        for (size_t i = 0; i < report->n_files; i++)
                if (report->files[i].changed && report->files[i].text) {
                        paths[n] = report->files[i].path;
                        texts[n] = report->files[i].text;
                        sizes[n++] = strlen(report->files[i].text); /* read_config_file() refuses NULs */
                }
        if (n == 0)
                return 0;
        r = backup_create(c->root, paths, texts, sizes, n, &undo, e);
        if (r < 0)
                return r;
        report->undo_backup_id = TAKE_PTR(undo->id);
        return 0;
}

/* memharden rollback [BACKUP]: puts the newest (or the named) backup back
 * byte for byte, then restarts the daemons whose files changed. */
int cmd_rollback(const Context *c) {
        Report report = { .command = "rollback", .root = c->root };
        _cleanup_(backup_freep) Backup *b = NULL;
        ServiceOptions o = { .timeout_sec = c->timeout_sec };
        const Profile *p = NULL;
        ErrorInfo e = {};
        int r;

        r = backup_load(c->root, c->n_args > 0 ? c->args[0] : NULL, &b, &e);
        if (r < 0)
                return command_fail(c, &report, r == -ENOENT || r == -EINVAL ? EXIT_INPUT : EXIT_RUNTIME, r, &e);
        if (!(report.backup_id = strdup(b->id)) || !(report.files = calloc(b->n_files ?: 1, sizeof *report.files)))
                return command_fail(c, &report, EXIT_RUNTIME, -ENOMEM, NULL);

        /* Which files differ from the backup: only those are rewritten and restarted. */
        for (size_t i = 0; i < b->n_files; i++) {
                FileResult *f = &report.files[report.n_files++];
                _cleanup_free_ char *real = path_join(c->root, b->files[i].path), *now = NULL;
                char sum[65] = "";

                if (!real || !(f->path = strdup(b->files[i].path)) || !(f->backup = strdup(b->files[i].copy)) ||
                    !(f->diff = strdup("")))
                        return command_fail(c, &report, EXIT_RUNTIME, -ENOMEM, NULL);
                size_t size = 0;
                if (read_config_file(real, &now, &size) >= 0)
                        sha256_hex(now, size, sum);
                f->changed = strcmp(sum, b->files[i].sha256) != 0;
                f->text = TAKE_PTR(now); /* what is there now, NULL when unreadable */
                report.changed = report.changed || f->changed;
        }
        if (!report.changed)
                return command_finish(c, &report);

        /* Keep what is about to be replaced, so a rollback can be undone too. */
        r = back_up_current(c, &report, &e);
        if (r < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);

        r = backup_restore(c->root, b, &e);
        if (r < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);

        if (context_profile(c, &p, &e) < 0 || c->no_restart)
                return command_finish(c, &report);
        report.profile = p->name;
        for (size_t i = 0; i < report.n_files; i++) {
                FileResult *f = &report.files[i];
                _cleanup_free_ char *instance = NULL;

                if (!f->changed)
                        continue;
                /* /etc/memcached_NAME.conf belongs to instance NAME */
                if (profile_instance_of(p, strrchr(f->path, '/') + 1, &instance) == -ENOMEM)
                        return command_fail(c, &report, EXIT_RUNTIME, -ENOMEM, NULL);
                f->has_service = true;
                r = service_restart_verify(p, c->root, instance, &o, false, &f->service, &e);
                if (r < 0)
                        return command_fail(c, &report, EXIT_RUNTIME, r, &e);
        }
        return command_finish(c, &report);
}
