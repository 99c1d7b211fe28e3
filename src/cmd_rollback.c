/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "cli.h"
#include "lock.h"
#include "rootfs.h"
#include "util.h"


/* Which files of B differ from what is there now: only those are
 * rewritten and restarted. Each file's text is what is there now (NULL when
 * unreadable), and ST[i] its status, for the backup of it. */
static int compare(const Context *c, const Backup *b, Report *report, struct stat *st) {
        for (size_t i = 0; i < b->n_files; i++) {
                FileResult *f = &report->files[report->n_files++];
                _cleanup_free_ char *now = NULL;
                char sum[65] = "";
                size_t size = 0;

                if (!(f->path = strdup(b->files[i].path)) || !(f->backup = strdup(b->files[i].copy)) ||
                    !(f->diff = strdup("")))
                        return -ENOMEM;
                if (root_read_file(c->root, b->files[i].path, &now, &size, &st[i]) >= 0)
                        sha256_hex(now, size, sum);
                /* A file the backup says was absent changed if it is there. */
                f->changed = b->files[i].absent ? now != NULL : strcmp(sum, b->files[i].sha256) != 0;
                f->created = b->files[i].absent;
                f->text = TAKE_PTR(now);
                report->changed = report->changed || f->changed;
        }
        return 0;
}

/* Backs up what rollback is about to replace, so a rollback can be undone. */
static int back_up_current(const Context *c, Report *report, const struct stat *st, ErrorInfo *e) {
        _cleanup_free_ BackupSource *v = calloc(report->n_files ?: 1, sizeof *v);
        _cleanup_(backup_freep) Backup *undo = NULL;
        int r;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < report->n_files; i++) {
                const FileResult *f = &report->files[i];
                /* strlen(): a file with NUL bytes is never read */
                v[i] = (BackupSource) { f->path, f->text, f->text ? strlen(f->text) : 0, &st[i] };
        }
        r = command_back_up(c, BACKUP_FOR_ROLLBACK_UNDO, report, v, &undo, e);
        if (r < 0)
                return r;
        if (undo)
                report->undo_backup_id = TAKE_PTR(undo->id);
        return 0;
}

/* Restarts the daemons whose files the rollback changed, as they were:
 * a stopped one stays stopped. */
static int restart_changed(const Context *c, const Profile *p, Report *report, ErrorInfo *e) {
        ServiceOptions o = { .timeout_sec = c->timeout_sec, .restored = true };

        for (size_t i = 0; i < report->n_files; i++) {
                FileResult *f = &report->files[i];
                _cleanup_free_ char *instance = NULL;
                char unit[256];
                int r;

                if (!f->changed)
                        continue;
                /* A unit file or drop-in: that unit, after a reload. */
                o.unit = profile_unit_of_path(f->path, unit, sizeof unit);
                o.reload = o.unit != NULL;
                /* /etc/memcached_NAME.conf belongs to instance NAME */
                if (profile_instance_of(p, strrchr(f->path, '/') + 1, &instance) == -ENOMEM)
                        return -ENOMEM;
                f->has_service = true;
                r = service_restart_verify(p, c->root, instance, &o, SERVICE_TRY_RESTART, false, &f->service, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* --no-restart: each daemon whose files the rollback changed is left as
 * it is, and its note says so. */
static int note_no_restart(const Context *c, Report *report) {
        for (size_t i = 0; i < report->n_files; i++) {
                FileResult *f = &report->files[i];
                int r;

                if (!f->changed)
                        continue;
                f->has_service = true;
                service_report_init(&f->service, service_manager_detect(c->root));
                r = service_report_note(&f->service, "not restarted (--no-restart): the restored settings take "
                                        "effect at the next start");
                if (r < 0)
                        return r;
        }
        return 0;
}

/* memharden rollback [BACKUP]: puts the newest complete (or the named)
 * backup back byte for byte, then restarts the daemons whose files changed. */
int cmd_rollback(const Context *c) {
        Report report = { .command = "rollback", .root = c->root };
        _cleanup_(backup_freep) Backup *b = NULL;
        _cleanup_free_ struct stat *st = NULL;
        _cleanup_close_ int lock = -1;
        const Profile *p = NULL;
        ErrorInfo e = {};
        int r;

        /* The profile says which files a backup may restore at all. */
        r = context_profile(c, &p, &e);
        if (r < 0)
                return command_fail(c, &report, EXIT_INPUT, r, &e);
        report.profile = p->name;
        /* Without a backup directory there is nothing to roll back, and
         * nothing is created just to say so: backup_load() says it. */
        r = lock_take(c->root, c->timeout_sec, false, &lock, &e);
        if (r < 0 && r != -ENOENT)
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);
        (void) backup_remove_stale(c->root); /* what a killed run left, under the lock */

        r = backup_load(c->root, p, c->n_args > 0 ? c->args[0] : NULL, &b, &e);
        if (r < 0)
                return command_fail(c, &report, r == -ENOMEM ? EXIT_RUNTIME : EXIT_INPUT, r, &e);
        if (!(report.backup_id = strdup(b->id)) || !(report.files = calloc(b->n_files ?: 1, sizeof *report.files)) ||
            !(st = calloc(b->n_files ?: 1, sizeof *st)) || compare(c, b, &report, st) < 0)
                return command_fail(c, &report, EXIT_RUNTIME, -ENOMEM, NULL);
        if (!report.changed)
                return command_finish(c, &report);

        /* Keep what is about to be replaced, so a rollback can be undone too. */
        r = back_up_current(c, &report, st, &e);
        if (r >= 0)
                r = backup_restore(c->root, b, &e);
        if (r >= 0)
                r = c->no_restart ? note_no_restart(c, &report) : restart_changed(c, p, &report, &e);
        if (r < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, r == -ENOMEM ? NULL : &e);
        return command_finish(c, &report);
}
