/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The SysV manager of service_manager.h: where systemd is not running,
 * restarts through invoke-rc.d (which honours policy-rc.d) or else the init
 * script itself, and finds the daemon through the init script's pid file.
 */
#include "service_manager.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "spawn-util.h"
#include "util.h"
#include "verify_proc.h"

#define INVOKE_RC_D "/usr/sbin/invoke-rc.d"
/* invoke-rc.d --disclose-deny: the action is not allowed (policy-rc.d, or
 * no start link in the current runlevel). */
#define INVOKE_DENIED 101
/* How long to wait for the restarted daemon's pid file. */
#define PIDFILE_TIMEOUT_MS 5000

/* Debian's init script writes /var/run/NAME.pid, NAME being "memcached" or
 * "memcached_INSTANCE" (its config file's base name). */
static char *pidfile_path(const char *instance) {
        char *path;
        if (asprintf(&path, "/var/run/memcached%s%s.pid", instance ? "_" : "", instance ?: "") < 0)
                return NULL;
        return path;
}

/* The daemon's PID: 0 and *ret_running=false when none runs. With no pid
 * file every memcached process counts; the PID is then given only when
 * there is exactly one. */
static int find_daemon(const char *pidfile, pid_t *ret_pid, bool *ret_running) {
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        pid_t pid;
        int k;

        k = verify_read_pidfile(pidfile, &pid);
        if (k >= 0) {
                *ret_pid = pid;
                *ret_running = true;
                return 0;
        }
        k = verify_find_pids(&pids, &n);
        if (k < 0)
                return k;
        *ret_pid = n == 1 ? pids[0] : 0;
        *ret_running = n > 0;
        return 0;
}

/* The last line of OUTPUT, for a one-line error. */
static const char *last_line(const char *output) {
        const char *nl;
        if (!output || !*output)
                return "no output";
        nl = strrchr(output, '\n');
        return nl ? nl + 1 : output;
}

/* Debian's init script is there on both profiles. */
static bool sysv_detect(void) {
        const Profile *debian = profile_by_name("debian");

        return debian && access(debian->init_script, X_OK) == 0;
}

/* Names the init script in report->unit and reads whether the daemon runs. */
static int sysv_read(const Profile *p, const char *instance, const char *pidfile, ServiceReport *report,
                     ErrorInfo *e) {
        bool running = false;
        pid_t pid = 0;
        int k;

        if (asprintf(&report->unit, "%s%s%s", p->init_script, instance ? " " : "", instance ?: "") < 0) {
                report->unit = NULL;
                return -ENOMEM;
        }
        k = find_daemon(pidfile, &pid, &running);
        if (k < 0)
                return error_set(e, k, "read", "/proc", 0, NULL, "cannot look for memcached: %s", strerror(-k));
        report->was_active = report->active = running;
        report->main_pid_before = report->main_pid_after = pid;

        if (!instance) {
                /* Debian's script runs only the instance configs once one
                 * exists, and then ignores the main config. */
                glob_t g = {};
                if (glob("/etc/memcached_*.conf", GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0)
                        (void) service_report_note(report, "%s starts only the /etc/memcached_*.conf instances "
                                                   "and does not read the main config", p->init_script);
                globfree(&g);
        }
        return 0;
}

/* Runs "restart" through invoke-rc.d, or the init script where there is
 * none. 0 with a note when invoke-rc.d may not restart it here (*ret_denied). */
static int script_restart(const Profile *p, const char *instance, const ServiceOptions *o, const char *pidfile,
                          ServiceReport *report, bool *ret_denied, ErrorInfo *e) {
        const char *name = strrchr(p->init_script, '/') ? strrchr(p->init_script, '/') + 1 : p->init_script;
        bool invoke = access(INVOKE_RC_D, X_OK) == 0, running = false;
        _cleanup_free_ char *output = NULL;
        char *argv[7];
        size_t a = 0;
        pid_t pid = 0;
        int status, k;

        /* Fixed argument vectors: the instance name comes from a config file
         * name the caller validated, and is one argument, never parsed. */
        if (invoke) {
                argv[a++] = (char *) INVOKE_RC_D;
                argv[a++] = (char *) "--disclose-deny";
                argv[a++] = (char *) name;
        } else
                argv[a++] = (char *) p->init_script;
        argv[a++] = (char *) "restart";
        if (instance)
                argv[a++] = (char *) instance;
        argv[a] = NULL;

        k = spawn_capture(argv, o->timeout_sec, &status, &output);
        if (k == -ETIMEDOUT)
                return error_set(e, k, "restart", report->unit, 0, NULL,
                                 "%s did not finish within %u s", argv[0], o->timeout_sec);
        if (k < 0)
                return error_set(e, k, "restart", report->unit, 0, NULL, "cannot run %s: %s", argv[0], strerror(-k));
        report->output = TAKE_PTR(output);

        *ret_denied = invoke && status == INVOKE_DENIED;
        if (*ret_denied)
                return service_report_note(report, "invoke-rc.d did not restart memcached: not allowed here "
                                           "(exit status 101, from policy-rc.d or the runlevel links); "
                                           "the %s settings take effect at its next start, or run "
                                           "'%s restart%s%s' to apply them now",
                                           service_settings(o), p->init_script, instance ? " " : "", instance ?: "");
        if (status != 0) {
                k = find_daemon(pidfile, &pid, &running);
                report->active = k >= 0 && running;
                report->main_pid_after = k >= 0 ? pid : 0;
                return error_set(e, -EIO, "restart", report->unit, 0, "see /var/log/memcached.log",
                                 "%s exited with status %d: %s", argv[0], status, last_line(report->output));
        }
        return 0;
}

/* The script returns before the daemon writes its pid file: waits for a
 * new one, or else any memcached process, at most PIDFILE_TIMEOUT_MS. */
static int wait_daemon(const char *pidfile, ServiceReport *report, ErrorInfo *e) {
        long deadline = now_ms() + PIDFILE_TIMEOUT_MS;
        bool running = false;
        pid_t pid = 0;
        int k;

        for (;;) {
                k = verify_read_pidfile(pidfile, &pid);
                if (k >= 0 && pid != report->main_pid_before)
                        break;
                if (now_ms() >= deadline) {
                        k = find_daemon(pidfile, &pid, &running);
                        if (k < 0 || !running) {
                                report->active = false;
                                report->main_pid_after = 0;
                                return error_set(e, -ESRCH, "restart", report->unit, 0,
                                                 "see /var/log/memcached.log",
                                                 "memcached is not running after the restart");
                        }
                        break;
                }
                usleep(20 * 1000);
        }

        report->active = true;
        report->main_pid_after = pid;
        return 0;
}

static int sysv_run(const Profile *p, const char *instance, const ServiceOptions *o, ServiceAction action,
                    ServiceReport *report, ErrorInfo *e) {
        _cleanup_free_ char *pidfile = NULL;
        bool denied = false;
        int k;

        pidfile = pidfile_path(instance);
        if (!pidfile)
                return -ENOMEM;
        k = sysv_read(p, instance, pidfile, report, e);
        if (k < 0)
                return k;

        if (action == SERVICE_READ)
                return 0;
        if (action == SERVICE_TRY_RESTART && !report->was_active)
                return service_report_note(report, "memcached is not running; it was not started, "
                                           "the %s settings take effect at its next start", service_settings(o));

        k = script_restart(p, instance, o, pidfile, report, &denied, e);
        if (k < 0 || denied)
                return k;
        k = wait_daemon(pidfile, report, e);
        if (k < 0)
                return k;
        report->restarted = true;
        return 0;
}

const ServiceManagerOps service_manager_sysv = {
        .name = "sysv",
        .log_hint = "see /var/log/memcached.log",
        .tracks_daemon = true,
        .detect = sysv_detect,
        .run = sysv_run,
};
