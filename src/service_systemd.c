/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The systemd side of service.h: talks to PID 1 over the system bus with
 * sd-bus, the way systemctl does, without running systemctl.
 */
#include "service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "libsystemd-dl.h"
#include "util.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_UNIT "org.freedesktop.systemd1.Unit"
#define SD_SERVICE "org.freedesktop.systemd1.Service"

/* ErrorInfo.hint is a borrowed string; this holds the formatted one. */
static char journal_hint[300];

static const char *hint_for(const char *unit) {
        snprintf(journal_hint, sizeof journal_hint, "see 'journalctl -u %s'", unit);
        return journal_hint;
}

typedef struct JobWait {
        const char *path;       /* our job, once queued */
        char *result;           /* its result, once removed */
} JobWait;

static int job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        JobWait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;

        (void) error;
        if (sym_sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0; /* not ours to fail on */
        if (w->path && strcmp(path, w->path) == 0 && !w->result)
                w->result = strdup(result) ?: strdup("oom");
        return 0;
}

/* Reads the unit state into the report. */
static int read_state(sd_bus *bus, const char *path, ServiceReport *r) {
        _cleanup_(bus_error_freep) sd_bus_error err = SD_BUS_ERROR_NULL;
        char *active = NULL, *sub = NULL, *result = NULL;
        uint32_t pid = 0;
        int k;

        k = sym_sd_bus_get_property_string(bus, SD_DEST, path, SD_UNIT, "ActiveState", &err, &active);
        if (k < 0)
                return k;
        k = sym_sd_bus_get_property_string(bus, SD_DEST, path, SD_UNIT, "SubState", &err, &sub);
        if (k < 0) {
                free(active);
                return k;
        }
        /* Service properties exist only for .service units; memcached's are.
         * Each call needs a clean error: sd-bus refuses a set one. */
        (void) sym_sd_bus_get_property_trivial(bus, SD_DEST, path, SD_SERVICE, "MainPID", &err, 'u', &pid);
        sym_sd_bus_error_free(&err);
        (void) sym_sd_bus_get_property_string(bus, SD_DEST, path, SD_SERVICE, "Result", &err, &result);
        sym_sd_bus_error_free(&err);

        free(r->active_state);
        free(r->sub_state);
        free(r->result);
        r->active_state = active;
        r->sub_state = sub;
        r->result = result;
        r->active = streq_ptr(active, "active") || streq_ptr(active, "reloading");
        r->main_pid_after = (pid_t) pid;
        return 0;
}

static int bus_error(ErrorInfo *e, int k, const char *verb, const char *subject, const char *what,
                     const sd_bus_error *err) {
        return error_set(e, k, verb, subject, 0, NULL, "%s: %s", what,
                         err && err->message ? err->message : strerror(-k));
}

/* As systemctl does: root talks to PID 1 on its private socket, which works
 * even without a running dbus-daemon; others (and any failure) use the
 * system bus. On the direct connection the JobRemoved match is local. */
static int bus_open(sd_bus **ret) {
        _cleanup_(bus_flush_close_unrefp) sd_bus *bus = NULL;

        if (geteuid() == 0 && access("/run/systemd/private", F_OK) == 0 &&
            sym_sd_bus_new(&bus) >= 0 &&
            sym_sd_bus_set_address(bus, "unix:path=/run/systemd/private") >= 0 &&
            sym_sd_bus_start(bus) >= 0) {
                *ret = TAKE_PTR(bus);
                return 0;
        }
        return sym_sd_bus_open_system(ret);
}

int service_systemd_run(const Profile *p, const char *instance, const ServiceOptions *o,
                        ServiceAction action, ServiceReport *report, ErrorInfo *e) {
        _cleanup_(bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_(bus_error_freep) sd_bus_error err = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *unit = NULL, *path = NULL, *load = NULL, *job = NULL;
        JobWait w = {};
        const char *s, *method, *why;
        long deadline;
        int k;

        k = dlopen_libsystemd(&why);
        if (k < 0)
                return error_set(e, k, "load", "libsystemd.so.0", 0, "install libsystemd0", "%s", why);
        k = profile_unit_name(p, instance, &unit);
        if (k < 0)
                return k;
        report->unit = strdup(unit);
        if (!report->unit)
                return -ENOMEM;

        k = bus_open(&bus);
        if (k < 0)
                return error_set(e, k, "connect", "system bus", 0, "is dbus running?", "%s", strerror(-k));

        /* LoadUnit, not GetUnit: a unit that is merely not loaded right now
         * (stopped, garbage-collected) is still found. */
        k = sym_sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "LoadUnit", &err, &reply, "s", unit);
        if (k < 0)
                return bus_error(e, k, "load", unit, "LoadUnit failed", &err);
        k = sym_sd_bus_message_read(reply, "o", &s);
        if (k < 0)
                return bus_error(e, k, "load", unit, "bad LoadUnit reply", NULL);
        path = strdup(s);
        if (!path)
                return -ENOMEM;
        reply = sym_sd_bus_message_unref(reply);

        k = sym_sd_bus_get_property_string(bus, SD_DEST, path, SD_UNIT, "LoadState", &err, &load);
        if (k < 0)
                return bus_error(e, k, "load", unit, "cannot read LoadState", &err);
        if (streq_ptr(load, "not-found") || streq_ptr(load, "masked")) {
                report->active = false;
                return service_report_note(report, "%s is %s, so nothing was restarted; "
                                           "the new settings take effect when memcached is next started",
                                           unit, streq_ptr(load, "masked") ? "masked" : "not installed");
        }

        k = read_state(bus, path, report);
        if (k < 0)
                return bus_error(e, k, "read", unit, "cannot read the unit state", &err);
        report->main_pid_before = report->main_pid_after;
        /* As try-restart sees it: activating (say, waiting to auto-restart)
         * counts as running. */
        report->was_active = report->active || streq_ptr(report->active_state, "activating");

        if (action == SERVICE_READ)
                return 0;
        if (action == SERVICE_TRY_RESTART && !report->was_active)
                return service_report_note(report, "memcached is not running (%s is %s); it was not started, "
                                           "the new settings take effect at its next start",
                                           unit, report->active_state);

        /* Subscribe before queueing the job, so its JobRemoved cannot slip
         * past us. */
        k = sym_sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", job_removed, &w);
        if (k < 0)
                return bus_error(e, k, "restart", unit, "cannot watch jobs", NULL);
        k = sym_sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", &err, NULL, NULL);
        if (k < 0)
                return bus_error(e, k, "restart", unit, "Subscribe failed", &err);

        if (action == SERVICE_RESTART) {
                /* A unit that hit its start limit refuses to start until
                 * the failure is reset. */
                (void) sym_sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL,
                                          "s", unit);
                method = "RestartUnit";
        } else
                method = "TryRestartUnit";

        k = sym_sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, method, &err, &reply, "ss", unit, "replace");
        if (k < 0)
                return bus_error(e, k, "restart", unit, method, &err);
        k = sym_sd_bus_message_read(reply, "o", &s);
        if (k < 0)
                return bus_error(e, k, "restart", unit, "bad reply", NULL);
        job = strdup(s);
        if (!job)
                return -ENOMEM;
        w.path = job;

        deadline = now_ms() + (long) o->timeout_sec * 1000L;
        while (!w.result) {
                long now = now_ms();

                k = sym_sd_bus_process(bus, NULL);
                if (k < 0)
                        return bus_error(e, k, "restart", unit, "lost the bus connection", NULL);
                if (k > 0)
                        continue;
                if (now >= deadline)
                        return error_set(e, -ETIMEDOUT, "restart", unit, 0, hint_for(unit),
                                         "the restart job did not finish within %u s", o->timeout_sec);
                k = sym_sd_bus_wait(bus, (uint64_t) (deadline - now) * 1000u);
                if (k < 0 && k != -EINTR)
                        return bus_error(e, k, "restart", unit, "lost the bus connection", NULL);
        }

        _cleanup_free_ char *job_result = TAKE_PTR(w.result);
        k = read_state(bus, path, report);
        if (k < 0)
                return bus_error(e, k, "read", unit, "cannot read the unit state", &err);

        /* The job result alone is not enough: "done" for a Type=simple
         * service only means the process was forked. */
        if (!streq_ptr(job_result, "done") || !report->active)
                return error_set(e, -EIO, "restart", unit, 0, hint_for(unit),
                                 "job %s: ActiveState=%s SubState=%s Result=%s", job_result,
                                 report->active_state ?: "?", report->sub_state ?: "?", report->result ?: "?");
        report->restarted = true;
        return 0;
}
