/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The systemd manager of service_manager.h: talks to PID 1 over the system
 * bus with sd-bus, the way systemctl does, without running systemctl.
 */
#include "service_manager.h"

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
/* The argument vector of the unit's first ExecStart= as systemd holds it
 * (a(sasbttttuii): path, argv, ...); NULL when it has none. */
static int read_exec_argv(sd_bus *bus, const char *path, char ***ret) {
        _cleanup_(bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(bus_error_freep) sd_bus_error err = SD_BUS_ERROR_NULL;
        const char *program;
        char **argv = NULL;
        int k;

        *ret = NULL;
        k = sym_sd_bus_get_property(bus, SD_DEST, path, SD_SERVICE, "ExecStart", &err, &reply, "a(sasbttttuii)");
        if (k >= 0)
                k = sym_sd_bus_message_enter_container(reply, 'a', "(sasbttttuii)");
        if (k > 0)
                k = sym_sd_bus_message_enter_container(reply, 'r', "sasbttttuii");
        if (k > 0)
                k = sym_sd_bus_message_read(reply, "s", &program);
        if (k > 0)
                k = sym_sd_bus_message_read_strv(reply, &argv);
        if (k < 0)
                return k;
        *ret = argv;
        return 0;
}

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
        /* The unit's files changed since systemd read them: what runs is
         * not what the files say. */
        int need = 0;
        (void) sym_sd_bus_get_property_trivial(bus, SD_DEST, path, SD_UNIT, "NeedDaemonReload", &err, 'b', &need);
        sym_sd_bus_error_free(&err);
        r->need_reload = need > 0;
        if (!r->exec_argv) /* as loaded before any restart: what the files are compared with */
                (void) read_exec_argv(bus, path, &r->exec_argv);

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

/* Every systemd installation has libsystemd0: without it, no systemd. */
static bool systemd_detect(void) {
        return dlopen_libsystemd(NULL) >= 0 && sym_sd_booted() > 0;
}

/* Loads libsystemd, names the unit in report->unit and connects. */
static int systemd_connect(const Profile *p, const char *instance, const ServiceOptions *o, ServiceReport *report,
                           sd_bus **ret, ErrorInfo *e) {
        const char *why;
        int k;

        k = dlopen_libsystemd(&why);
        if (k < 0)
                return error_set(e, k, "load", "libsystemd.so.0", 0, "install libsystemd0", "%s", why);
        k = o->unit ? ((report->unit = strdup(o->unit)) ? 0 : -ENOMEM) : profile_unit_name(p, instance, &report->unit);
        if (k < 0)
                return k;
        k = bus_open(ret);
        if (k < 0)
                return error_set(e, k, "connect", "system bus", 0, "is dbus running?", "%s", strerror(-k));
        return 0;
}

/* systemctl daemon-reload: a changed unit file or drop-in counts only once
 * the manager has read it again. */
static int manager_reload(sd_bus *bus, ErrorInfo *e) {
        _cleanup_(bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(bus_error_freep) sd_bus_error err = SD_BUS_ERROR_NULL;
        int k;

        k = sym_sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Reload", &err, &reply, "");
        return k < 0 ? bus_error(e, k, "reload", "systemd", "Reload failed", &err) : 0;
}

/* The object path and LoadState of UNIT. LoadUnit, not GetUnit: a unit that
 * is merely not loaded right now (stopped, garbage-collected) is still found. */
static int unit_load(sd_bus *bus, const char *unit, char **ret_path, char **ret_load, ErrorInfo *e) {
        _cleanup_(bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(bus_error_freep) sd_bus_error err = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        const char *s;
        int k;

        k = sym_sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "LoadUnit", &err, &reply, "s", unit);
        if (k < 0)
                return bus_error(e, k, "load", unit, "LoadUnit failed", &err);
        k = sym_sd_bus_message_read(reply, "o", &s);
        if (k < 0)
                return bus_error(e, k, "load", unit, "bad LoadUnit reply", NULL);
        path = strdup(s);
        if (!path)
                return -ENOMEM;

        k = sym_sd_bus_get_property_string(bus, SD_DEST, path, SD_UNIT, "LoadState", &err, ret_load);
        if (k < 0)
                return bus_error(e, k, "load", unit, "cannot read LoadState", &err);
        *ret_path = TAKE_PTR(path);
        return 0;
}

/* Subscribes to JobRemoved before the job is queued, so that its removal
 * cannot slip past us. */
static int job_watch(sd_bus *bus, const char *unit, JobWait *w, sd_bus_slot **ret_slot, ErrorInfo *e) {
        _cleanup_(bus_error_freep) sd_bus_error err = SD_BUS_ERROR_NULL;
        int k;

        k = sym_sd_bus_match_signal(bus, ret_slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", job_removed, w);
        if (k < 0)
                return bus_error(e, k, "restart", unit, "cannot watch jobs", NULL);
        k = sym_sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", &err, NULL, NULL);
        if (k < 0)
                return bus_error(e, k, "restart", unit, "Subscribe failed", &err);
        return 0;
}

/* Queues the restart job of UNIT; its object path in *RET_JOB. */
static int job_queue(sd_bus *bus, const char *unit, ServiceAction action, char **ret_job, ErrorInfo *e) {
        _cleanup_(bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(bus_error_freep) sd_bus_error err = SD_BUS_ERROR_NULL;
        const char *method, *s;
        char *job;
        int k;

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
        *ret_job = job;
        return 0;
}

/* Processes the bus until W's job is removed, at most TIMEOUT_SEC. */
static int job_wait(sd_bus *bus, const char *unit, JobWait *w, unsigned timeout_sec, ErrorInfo *e) {
        long deadline = now_ms() + (long) timeout_sec * 1000L;
        int k;

        while (!w->result) {
                long now = now_ms();

                k = sym_sd_bus_process(bus, NULL);
                if (k < 0)
                        return bus_error(e, k, "restart", unit, "lost the bus connection", NULL);
                if (k > 0)
                        continue;
                if (now >= deadline) {
                        error_set(e, -ETIMEDOUT, "restart", unit, 0, NULL,
                                  "the restart job did not finish within %u s", timeout_sec);
                        error_set_hint(e, "see 'journalctl -u %s'", unit);
                        return -ETIMEDOUT;
                }
                k = sym_sd_bus_wait(bus, (uint64_t) (deadline - now) * 1000u);
                if (k < 0 && k != -EINTR)
                        return bus_error(e, k, "restart", unit, "lost the bus connection", NULL);
        }
        return 0;
}

/* Runs the restart job of the unit at PATH and checks that it runs after. */
static int unit_restart(sd_bus *bus, const char *path, const ServiceOptions *o, ServiceAction action,
                        ServiceReport *report, ErrorInfo *e) {
        _cleanup_free_ char *job = NULL, *job_result = NULL;
        /* Gone before what its callback points to. */
        _cleanup_(bus_slot_unrefp) sd_bus_slot *slot = NULL;
        const char *unit = report->unit;
        JobWait w = {};
        int k;

        k = job_watch(bus, unit, &w, &slot, e);
        if (k < 0)
                return k;
        k = job_queue(bus, unit, action, &job, e);
        if (k < 0)
                return k;
        w.path = job;
        k = job_wait(bus, unit, &w, o->timeout_sec, e);
        job_result = TAKE_PTR(w.result);
        if (k < 0)
                return k;

        k = read_state(bus, path, report);
        if (k < 0)
                return bus_error(e, k, "read", unit, "cannot read the unit state", NULL);
        /* The job result alone is not enough: "done" for a Type=simple
         * service only means the process was forked. */
        if (!streq_ptr(job_result, "done") || !report->active) {
                error_set(e, -EIO, "restart", unit, 0, NULL, "job %s: ActiveState=%s SubState=%s Result=%s",
                          job_result, report->active_state ?: "?", report->sub_state ?: "?", report->result ?: "?");
                error_set_hint(e, "see 'journalctl -u %s'", unit);
                return -EIO;
        }
        report->restarted = true;
        return 0;
}

static int systemd_run(const Profile *p, const char *instance, const ServiceOptions *o, ServiceAction action,
                       ServiceReport *report, ErrorInfo *e) {
        _cleanup_(bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *path = NULL, *load = NULL;
        const char *unit;
        int k;

        k = systemd_connect(p, instance, o, report, &bus, e);
        if (k >= 0 && o->reload && action != SERVICE_READ)
                k = manager_reload(bus, e);
        if (k < 0)
                return k;
        unit = report->unit;
        k = unit_load(bus, unit, &path, &load, e);
        if (k < 0)
                return k;
        if (streq_ptr(load, "not-found") || streq_ptr(load, "masked")) {
                report->active = false;
                return service_report_note(report, "%s is %s, so nothing was restarted; "
                                           "the %s settings take effect when memcached is next started",
                                           unit, streq_ptr(load, "masked") ? "masked" : "not installed",
                                           service_settings(o));
        }

        k = read_state(bus, path, report);
        if (k < 0)
                return bus_error(e, k, "read", unit, "cannot read the unit state", NULL);
        report->main_pid_before = report->main_pid_after;
        /* As try-restart sees it: activating (say, waiting to auto-restart)
         * counts as running. */
        report->was_active = report->active || streq_ptr(report->active_state, "activating");

        if (action == SERVICE_READ)
                return 0;
        if (action == SERVICE_TRY_RESTART && !report->was_active)
                return service_report_note(report, "memcached is not running (%s is %s); it was not started, "
                                           "the %s settings take effect at its next start",
                                           unit, report->active_state, service_settings(o));
        return unit_restart(bus, path, o, action, report, e);
}

const ServiceManagerOps service_manager_systemd = {
        .name = "systemd",
        .log_hint = "see the unit's journal",
        .tracks_daemon = true,
        .detect = systemd_detect,
        .run = systemd_run,
};
