/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply_measure.h"
#include "backup.h"
#include "cli.h"
#include "config.h"
#include "lock.h"
#include "plan.h"
#include "rootfs.h"
#include "util.h"


/* Backs up every file the plan changes, as read, before anything is written. */
static int back_up(const Context *c, Config *config, Report *report, Backup **ret, ErrorInfo *e) {
        _cleanup_free_ BackupSource *v = calloc(config->n_files ?: 1, sizeof *v);
        _cleanup_(backup_freep) Backup *b = NULL;
        int r;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < config->n_files; i++)
                v[i] = config->files[i].absent ? (BackupSource) { config->files[i].path }
                                               : (BackupSource) { config->files[i].path, config->files[i].text,
                                                                  config->files[i].size, &config->files[i].st };
        r = command_back_up(c, BACKUP_FOR_APPLY, report, v, &b, e);
        if (r < 0)
                return r;
        for (size_t i = 0, k = 0; i < report->n_files; i++)
                if (report->files[i].changed && !(report->files[i].backup = strdup(b->files[k++].copy)))
                        return -ENOMEM;
        if (!(report->backup_id = strdup(b->id)))
                return -ENOMEM;
        *ret = TAKE_PTR(b);
        return 0;
}

/* Writes every changed file, then reads each back: what is on disk must be
 * what was diffed and checked. */
static int write_files(const Context *c, Config *config, const Report *report, ErrorInfo *e) {
        for (size_t i = 0; i < config->n_files; i++) {
                const ConfigFile *f = &config->files[i];
                _cleanup_free_ char *now = NULL;
                int r;

                if (!report->files[i].changed)
                        continue;
                r = config_write(config, f, report->files[i].text, e);
                if (r < 0)
                        return r;
                r = root_read_file(c->root, f->path, &now, NULL, NULL);
                if (r < 0)
                        return error_set(e, r, "read back", f->real_path, 0, NULL, "%s", strerror(-r));
                if (strcmp(now, report->files[i].text) != 0)
                        return error_set(e, -EIO, "write", f->real_path, 0, "check what else writes it",
                                         "the saved file differs from the planned one");
        }
        return 0;
}

/* After a failure: puts this run's backup back, and says in E whether that
 * worked too. Returns what the restore returned. */
static int restore_after_failure(const Context *c, const Backup *b, ErrorInfo *e) {
        ErrorInfo e2 = {};
        char why[sizeof e->detail], then[PATH_MAX + 600];
        int k = backup_restore(c->root, b, &e2);

        if (k >= 0) {
                error_set_hint(e, "nothing changed: the old config is back in place (backup %s)", b->id);
                return 0;
        }
        snprintf(why, sizeof why, "%s", e->detail);
        error_format(&e2, k, then, sizeof then);
        if (snprintf(e->detail, sizeof e->detail, "%s; then %s", why, then) >= (int) sizeof e->detail)
                e->detail[sizeof e->detail - 2] = '~'; /* mark the cut; the hint says what to do */
        error_set_hint(e, "restoring the old config failed too: restore by hand with 'memharden rollback %s'", b->id);
        return k;
}

static int note_no_restart(const Context *c, FileResult *f, const char *why) {
        f->has_service = true;
        service_report_init(&f->service, service_manager_detect(c->root));
        return service_report_note(&f->service, "not restarted (%s): the new settings take effect at the next start", why);
}

/* After a failed restart of file DONE - 1 and this run's backup B put
 * back: restarts the daemons of the files before it, and its own, on the old
 * config, and says in E whether they came back. */
static void restart_on_old_config(const Context *c, const Profile *p, const Backup *b, Report *report,
                                  size_t done, ErrorInfo *e) {
        ServiceOptions o = { .timeout_sec = c->timeout_sec, .restored = true };
        bool all_up = true;

        report->rolled_back = true;
        report->changed = false;
        report->compliant = false;
        for (size_t i = 0; i < report->n_files; i++) {
                FileResult *f = &report->files[i];
                ServiceReport again = {};
                ErrorInfo e2 = {};
                bool touched = f->changed && i < done;
                /* The attempt that failed may have left its daemon stopped,
                 * which a try-restart would leave alone: bring it back if it
                 * ran before. */
                bool failed_here = i + 1 == done && f->service.was_active;
                int k;

                f->changed = false; /* every file of this run is back as it was */
                if (!touched)
                        continue;
                o.unit = f->unit;
                o.reload = f->unit_file;
                k = service_restart_verify(p, c->root, f->instance, &o,
                                           failed_here ? SERVICE_RESTART : SERVICE_TRY_RESTART, false, &again, &e2);
                all_up = all_up && k >= 0;
                (void) service_report_note(&f->service, "rolled back to backup %s; restarted again: %s",
                                           b->id, k < 0 ? "failed" : again.active ? "running" : "not running");
                service_report_done(&again);
        }
        error_set_hint(e, "the old config is back in place (backup %s)%s", b->id,
                       all_up ? " and memcached runs on it" : ", but memcached did not come back up: check its log");
}

/* Restarts the daemons whose config changed. On the first failure: put
 * this run's backup back, restart the daemons touched so far on the old
 * config, and leave E saying what failed and that the old config is back. */
static int restart(const Context *c, const Profile *p, const Backup *b, Report *report, ErrorInfo *e) {
        ServiceOptions o = { .timeout_sec = c->timeout_sec };
        size_t done = 0;
        int r = 0;

        for (size_t i = 0; i < report->n_files && r >= 0; i++) {
                FileResult *f = &report->files[i];

                if (!f->changed)
                        continue;
                if (c->no_restart) {
                        r = note_no_restart(c, f, "--no-restart");
                        if (r < 0)
                                return r;
                        continue;
                }
                f->has_service = true;
                o.unit = f->unit;
                o.reload = f->unit_file;
                r = service_restart_verify(p, c->root, f->instance, &o, SERVICE_TRY_RESTART, true, &f->service, e);
                done = i + 1;
        }
        if (r < 0 && restore_after_failure(c, b, e) >= 0)
                restart_on_old_config(c, p, b, report, done, e);
        return r;
}

/* The end of every run that got as far as a plan: with --firewall, the
 * firewall from the options as applied (or, dry run, as they would be). */
static int finish(const Context *c, Config *config, Report *report) {
        if (c->firewall)
                (void) command_firewall(c, config, report);
        return command_finish(c, report);
}

int cmd_apply(const Context *c) {
        Report report = { .command = "apply", .root = c->root, .dry_run = c->dry_run };
        _cleanup_(config_freep) Config *config = NULL;
        _cleanup_(backup_freep) Backup *backup = NULL;
        _cleanup_(apply_measure_done) ApplyMeasure measure = {};
        _cleanup_close_ int lock = -1;
        ErrorInfo e = {};
        const Profile *p;
        int code, r;

        code = command_plan(c, c->dry_run ? PLAN_DIFF : PLAN_WRITE, &report, &config, &p);
        if (code > 0)
                return code;
        if (c->dry_run && !report.not_installed)
                apply_measure_before(c, p, config, &report, &measure); /* what a restart would drop */
        if (c->dry_run || !report.changed) /* also where memcached is not installed */
                return finish(c, config, &report); /* nothing to write: no lock, no file touched */

        /* One writer per root. Plan again under the lock, from the files as
         * they are now: another run may have hardened them meanwhile. */
        r = lock_take(c->root, c->timeout_sec, true, &lock, &e);
        if (r < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);
        report_done(&report);
        report = (Report) { .command = "apply", .root = c->root };
        config_free(TAKE_PTR(config));
        code = command_plan(c, PLAN_WRITE, &report, &config, &p);
        if (code > 0)
                return code;
        if (report.not_installed) /* removed while this run waited for the lock */
                return command_finish(c, &report);
        /* What a killed run left behind goes, under the lock. */
        (void) config_remove_temps(config);
        (void) backup_remove_stale(c->root);
        if (!report.changed)
                return finish(c, config, &report);

        apply_measure_before(c, p, config, &report, &measure);
        r = back_up(c, config, &report, &backup, &e);
        if (r < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);

        r = write_files(c, config, &report, &e);
        if (r < 0) {
                (void) restore_after_failure(c, backup, &e);
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);
        }
        report.compliant = true; /* plan_build proved the new text needs no further edit */

        r = restart(c, p, backup, &report, &e);
        if (r < 0) /* the whole report too: it says what was restored and restarted */
                command_set_error(&report, report.rolled_back ? EXIT_ROLLED_BACK : EXIT_RUNTIME, r, &e);
        else
                apply_measure_after(&measure, &report);
        return finish(c, config, &report);
}
