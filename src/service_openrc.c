/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OpenRC manager of service_manager.h (Alpine, Gentoo, a Debian booted
 * with OpenRC): reads and restarts memcached's service through rc-service,
 * and finds the daemon through the pid file OpenRC recorded when it started
 * it. Also the pure helpers of service_openrc.h.
 */
#include "service_manager.h"
#include "service_openrc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "lines.h"
#include "spawn-util.h"
#include "util.h"
#include "verify_proc.h"

/* OpenRC's state directory (RC_SVCDIR). */
#define OPENRC_SVCDIR "/run/openrc"
/* Written by OpenRC's boot (init.sh, then every runlevel change), and what
 * openrc-run itself takes as "OpenRC booted this system". /run/openrc alone
 * is no sign: rc-update creates it (with the deptree) wherever the openrc
 * package is merely installed. */
#define OPENRC_SOFTLEVEL OPENRC_SVCDIR "/softlevel"
#define SYSTEMD_BOOTED "/run/systemd/system"
/* How long to wait for the restarted daemon's pid file. */
#define PIDFILE_TIMEOUT_MS 5000

/* ---- the pure helpers of service_openrc.h ---- */

int openrc_service_name(const char *service, const char *instance, char **ret) {
        char *name;

        if (instance && (!*instance || strchr(instance, '/')))
                return -EINVAL;
        if (asprintf(&name, "%s%s%s", service, instance ? "." : "", instance ?: "") < 0)
                return -ENOMEM;
        *ret = name;
        return 0;
}

int openrc_status_parse(int status, OpenrcState *ret) {
        static const struct {
                int status;
                OpenrcState state;
        } codes[] = {
                { 0, OPENRC_STARTED },   { 3, OPENRC_STOPPED },   { 4, OPENRC_STOPPING },
                { 8, OPENRC_STARTING },  { 16, OPENRC_INACTIVE }, { 32, OPENRC_CRASHED },
        };

        for (size_t i = 0; i < ELEMENTSOF(codes); i++)
                if (codes[i].status == status) {
                        *ret = codes[i].state;
                        return 0;
                }
        return -EBADMSG;
}

const char *openrc_state_to_string(OpenrcState s) {
        static const char *const names[] = {
                [OPENRC_STARTED] = "started",   [OPENRC_STOPPED] = "stopped",   [OPENRC_STOPPING] = "stopping",
                [OPENRC_STARTING] = "starting", [OPENRC_INACTIVE] = "inactive", [OPENRC_CRASHED] = "crashed",
        };

        return (size_t) s < ELEMENTSOF(names) ? names[s] : "unknown";
}

int openrc_record_pidfile(const char *record, char **ret) {
        static const char key[] = "pidfile=";

        FOREACH_LINE(l, record) {
                char *path;

                /* Only an absolute path: anything else is no file we read. */
                if (l.len <= strlen(key) || strncmp(l.start, key, strlen(key)) != 0 || l.start[strlen(key)] != '/')
                        continue;
                path = strndup(l.start + strlen(key), l.len - strlen(key));
                if (!path)
                        return -ENOMEM;
                *ret = path;
                return 0;
        }
        return -ENOENT;
}

/* A line of OpenRC's output without its " * " mark, its status bracket and
 * blanks; empty when it says nothing, or only that a step went well. */
static TextLine line_words(TextLine l) {
        const char *end = l.start + l.len;

        while (l.start < end && (*l.start == ' ' || *l.start == '*' || *l.start == '\t'))
                l.start++;
        while (end > l.start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
                end--;
        l.len = (size_t) (end - l.start);
        if (l.len >= 6 && memcmp(end - 6, "[ ok ]", 6) == 0)
                l.len = 0;
        else if (l.len >= 6 && memcmp(end - 6, "[ !! ]", 6) == 0)
                for (l.len -= 6; l.len > 0 && (l.start[l.len - 1] == ' ' || l.start[l.len - 1] == '.'); l.len--)
                        ;
        return l;
}

void openrc_failure_reason(const char *output, char *buf, size_t size) {
        TextLine last = {}, error = {}, cause = {};

        FOREACH_LINE(l, output) {
                TextLine w = line_words(l);

                if (w.len == 0)
                        continue;
                if (w.len >= 6 && memcmp(w.start, "ERROR:", 6) == 0) {
                        cause = last;
                        error = w;
                }
                last = w;
        }
        if (error.start && cause.start)
                snprintf(buf, size, "%.*s; %.*s", (int) cause.len, cause.start, (int) error.len, error.start);
        else if (error.start || last.start)
                snprintf(buf, size, "%.*s", (int) (error.start ? error : last).len, (error.start ? error : last).start);
        else
                snprintf(buf, size, "no output");
}

/* ---- the host ---- */

static const char *rc_service_binary(void) {
        static const char *const paths[] = { "/sbin/rc-service", "/usr/sbin/rc-service" };

        for (size_t i = 0; i < ELEMENTSOF(paths); i++)
                if (access(paths[i], X_OK) == 0)
                        return paths[i];
        return NULL;
}

/* OpenRC booted this host, and systemd did not. rc-service alone is not
 * enough: a host may have openrc installed and run another init. */
static bool openrc_detect(void) {
        return access(OPENRC_SOFTLEVEL, F_OK) == 0 && access(SYSTEMD_BOOTED, F_OK) < 0 && rc_service_binary();
}

/* A value openrc-run stored for SERVICE (service_set_value), one line. */
static int option_value(const char *service, const char *key, char **ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int k;

        if (asprintf(&path, OPENRC_SVCDIR "/options/%s/%s", service, key) < 0)
                return -ENOMEM;
        k = read_config_file(path, &text, NULL);
        if (k < 0)
                return k;
        text[strcspn(text, "\n")] = '\0';
        if (!*text)
                return -ENOENT;
        *ret = TAKE_PTR(text);
        return 0;
}

/* The pid file OpenRC recorded when it started SERVICE. openrc-run's
 * default start() stores its $pidfile as the option "pidfile"; OpenRC's own
 * start-stop-daemon writes it into the daemon record daemons/SERVICE/001
 * (the first; OpenRC numbers them without gaps), which is what a script
 * with its own start(), such as Alpine's, leaves. Debian's
 * start-stop-daemon is dpkg's and records nothing. Either path is inside
 * the service's chroot, if it has one. -ENOENT when there is none. */
static int recorded_pidfile(const char *service, char **ret) {
        _cleanup_free_ char *path = NULL, *text = NULL, *pidfile = NULL, *chroot = NULL;
        int k;

        k = option_value(service, "pidfile", &pidfile);
        if (k == -ENOENT) {
                if (asprintf(&path, OPENRC_SVCDIR "/daemons/%s/001", service) < 0)
                        return -ENOMEM;
                k = read_config_file(path, &text, NULL);
                if (k >= 0)
                        k = openrc_record_pidfile(text, &pidfile);
        }
        if (k < 0)
                return k;
        if (option_value(service, "chroot", &chroot) >= 0) {
                char *joined = path_join(chroot, pidfile);
                if (!joined)
                        return -ENOMEM;
                free(pidfile);
                pidfile = joined;
        }
        *ret = TAKE_PTR(pidfile);
        return 0;
}

/* The daemon's PID: 0 and *ret_running=false when none runs. A pid file on
 * record decides: OpenRC stops the daemon through it. Without one every
 * memcached process counts; the PID is then given only when there is
 * exactly one. */
static int find_daemon(const char *service, pid_t *ret_pid, bool *ret_running) {
        _cleanup_free_ pid_t *pids = NULL;
        _cleanup_free_ char *pidfile = NULL;
        size_t n = 0;
        pid_t pid = 0;
        int k;

        k = recorded_pidfile(service, &pidfile);
        if (k == -ENOMEM)
                return k;
        if (k >= 0) {
                /* Not there yet, stale, or garbage: no daemon of this service. */
                k = verify_read_pidfile(pidfile, &pid);
                *ret_pid = k >= 0 ? pid : 0;
                *ret_running = k >= 0;
                return 0;
        }
        k = verify_find_pids(&pids, &n);
        if (k < 0)
                return k;
        *ret_pid = n == 1 ? pids[0] : 0;
        *ret_running = n > 0;
        return 0;
}

/* Runs 'rc-service [FLAG] SERVICE [CMD]' with fixed arguments: SERVICE is
 * one argument, never parsed, and begins with "memcached", so it is no
 * option. Its output goes to *ret_output when that is non-NULL. */
static int rc_service(const char *service, const char *flag, const char *cmd, const ServiceOptions *o,
                      int *ret_status, char **ret_output, ErrorInfo *e) {
        const char *bin = rc_service_binary();
        const char *verb = cmd && !streq_ptr(cmd, "status") ? "restart" : "read";
        char *argv[5];
        size_t a = 0;
        int k;

        if (!bin)
                return error_set(e, -ENOENT, verb, "rc-service", 0, "install openrc",
                                 "neither /sbin/rc-service nor /usr/sbin/rc-service is there");
        argv[a++] = (char *) bin;
        if (flag)
                argv[a++] = (char *) flag;
        argv[a++] = (char *) service;
        if (cmd)
                argv[a++] = (char *) cmd;
        argv[a] = NULL;

        k = spawn_capture(argv, o->timeout_sec, ret_status, ret_output);
        if (k == -ETIMEDOUT)
                return error_set(e, k, verb, service, 0, NULL, "'rc-service %s %s' did not finish within %u s",
                                 flag ?: service, flag ? service : cmd, o->timeout_sec);
        if (k < 0)
                return error_set(e, k, verb, service, 0, NULL, "cannot run %s: %s", bin, strerror(-k));
        return 0;
}

/* OpenRC's state of SERVICE, from 'rc-service SERVICE status'. */
static int read_state(const char *service, const ServiceOptions *o, OpenrcState *ret, ErrorInfo *e) {
        _cleanup_free_ char *output = NULL;
        int status, k;

        k = rc_service(service, NULL, "status", o, &status, &output, e);
        if (k < 0)
                return k;
        if (openrc_status_parse(status, ret) < 0) {
                char why[256];
                openrc_failure_reason(output, why, sizeof why);
                return error_set(e, -EIO, "read", service, 0, NULL, "'rc-service %s status' exited with status %d: %s",
                                 service, status, why);
        }
        return 0;
}

/* Reads whether SERVICE runs into REPORT: *ret_state is OpenRC's state, a
 * started service whose daemon is gone counted as crashed. 1 when there is
 * no such service. */
static int openrc_read(const char *service, const ServiceOptions *o, ServiceReport *report,
                       OpenrcState *ret_state, ErrorInfo *e) {
        OpenrcState state;
        bool running = false;
        pid_t pid = 0;
        int status, k;

        k = rc_service(service, "--exists", NULL, o, &status, NULL, e);
        if (k < 0)
                return k;
        if (status != 0)
                return 1;
        k = read_state(service, o, &state, e);
        if (k < 0)
                return k;
        k = find_daemon(service, &pid, &running);
        if (k < 0)
                return error_set(e, k, "read", "/proc", 0, NULL, "cannot look for memcached: %s", strerror(-k));
        /* Only OpenRC's start-stop-daemon records what OpenRC checks for a
         * crash; under dpkg's a dead daemon still reads "started". */
        if (state == OPENRC_STARTED && !running)
                state = OPENRC_CRASHED;
        report->was_active = report->active = state == OPENRC_STARTED;
        report->main_pid_before = report->main_pid_after = report->active ? pid : 0;
        *ret_state = state;
        return 0;
}

/* A failed 'rc-service SERVICE CMD': the report says what runs now. */
static int restart_failed(const char *service, const char *cmd, int status, ServiceReport *report, ErrorInfo *e) {
        bool running = false;
        char why[256];
        pid_t pid = 0;
        int k;

        k = find_daemon(service, &pid, &running);
        report->active = k >= 0 && running;
        report->main_pid_after = k >= 0 ? pid : 0;
        openrc_failure_reason(report->output, why, sizeof why);
        error_set(e, -EIO, "restart", service, 0, NULL, "'rc-service %s %s' exited with status %d: %s", service, cmd,
                  status, why);
        error_set_hint(e, "see 'rc-service %s status' and the system log", service);
        return -EIO;
}

/* 'rc-service SERVICE restart'; 'start' for a stopped one. A crashed one is
 * first reset to stopped ('zap'): its stop would fail, there being no
 * daemon to stop, and the restart with it. */
static int openrc_restart(const char *service, const ServiceOptions *o, OpenrcState state, ServiceReport *report,
                          ErrorInfo *e) {
        const char *cmd = state == OPENRC_STOPPED || state == OPENRC_CRASHED ? "start" : "restart";
        _cleanup_free_ char *output = NULL;
        int status, k;

        if (state == OPENRC_CRASHED) {
                k = rc_service(service, NULL, "zap", o, &status, &output, e);
                if (k < 0)
                        return k;
                if (status != 0) {
                        report->output = TAKE_PTR(output);
                        return restart_failed(service, "zap", status, report, e);
                }
                free(TAKE_PTR(output));
        }
        k = rc_service(service, NULL, cmd, o, &status, &output, e);
        if (k < 0)
                return k;
        report->output = TAKE_PTR(output);
        if (status != 0)
                return restart_failed(service, cmd, status, report, e);
        return 0;
}

/* rc-service returns once start-stop-daemon has, and memcached -d writes its
 * pid file after that: waits for a new daemon, at most PIDFILE_TIMEOUT_MS.
 * Without a pid file on record, a daemon whose PID is not known (more than
 * one memcached runs) is taken once the time is up. */
static int wait_daemon(const char *service, ServiceReport *report, ErrorInfo *e) {
        long deadline = now_ms() + PIDFILE_TIMEOUT_MS;
        bool running = false;
        pid_t pid = 0;
        int k;

        for (;;) {
                k = find_daemon(service, &pid, &running);
                if (k >= 0 && running && pid > 0 && pid != report->main_pid_before)
                        break;
                if (now_ms() >= deadline) {
                        if (k < 0 || !running) {
                                report->active = false;
                                report->main_pid_after = 0;
                                error_set(e, -ESRCH, "restart", service, 0, NULL,
                                          "memcached is not running after 'rc-service %s' returned", service);
                                error_set_hint(e, "see 'rc-service %s status' and the system log", service);
                                return -ESRCH;
                        }
                        break;
                }
                usleep(20 * 1000);
        }

        report->active = true;
        report->main_pid_after = pid;
        return 0;
}

static int openrc_run(const Profile *p, const char *instance, const ServiceOptions *o, ServiceAction action,
                      ServiceReport *report, ErrorInfo *e) {
        OpenrcState state = OPENRC_STOPPED;
        int k;

        /* The profile's service (Alpine's, Gentoo's); memcached's init
         * script under OpenRC on any other family. */
        k = openrc_service_name(p->rc_service ?: "memcached", instance, &report->unit);
        if (k < 0)
                return error_set(e, k, "restart", instance, 0, NULL, "not an OpenRC service instance name");
        k = openrc_read(report->unit, o, report, &state, e);
        if (k < 0)
                return k;
        if (k > 0)
                return service_report_note(report, "there is no OpenRC service %s (rc-service --exists), so nothing "
                                           "was restarted; the %s settings take effect when memcached is next "
                                           "started", report->unit, service_settings(o));

        if (action == SERVICE_READ)
                return 0;
        if (action == SERVICE_TRY_RESTART && !report->was_active)
                return service_report_note(report, "memcached is not running (rc-service %s status: %s); it was "
                                           "not started, the %s settings take effect at its next start",
                                           report->unit, openrc_state_to_string(state), service_settings(o));

        k = openrc_restart(report->unit, o, state, report, e);
        if (k < 0)
                return k;
        k = wait_daemon(report->unit, report, e);
        if (k < 0)
                return k;
        report->restarted = true;
        return 0;
}

const ServiceManagerOps service_manager_openrc = {
        .name = "openrc",
        .log_hint = "see 'rc-service memcached status' and the system log",
        .tracks_daemon = true,
        .detect = openrc_detect,
        .run = openrc_run,
};
