/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Service dispatch (service.h): picks the manager, runs the restart through
 * service_systemd.c or service_sysv.c, verifies the result with verify.c,
 * and renders the report. Also the child-process helper for the SysV side.
 */
#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "addr.h"
#include "cleanup.h"
#include "json-util.h"
#include "libsystemd-dl.h"
#include "util.h"
#include "verify.h"

/* Captured init script output beyond this is cut: only the report needs it. */
#define OUTPUT_MAX (16 * 1024)
/* How long a freshly started daemon gets to open its sockets and answer. */
#define READY_TIMEOUT_MS 5000
#define STATS_TIMEOUT_MS 2000

/* The instances ("" = main config) whose hardening restart failed in this
 * process, so that the caller's follow-up call after restoring the backup
 * (expect_hardened=false) brings the daemon back even though the failed
 * attempt left it stopped, which a try-restart would leave alone. */
static char *failed_attempts[64];

static char **failed_attempt_find(const char *instance) {
        for (size_t i = 0; i < ELEMENTSOF(failed_attempts); i++)
                if (failed_attempts[i] && streq_ptr(failed_attempts[i], instance ?: ""))
                        return &failed_attempts[i];
        return NULL;
}

static void failed_attempt_set(const char *instance, bool failed) {
        char **slot = failed_attempt_find(instance);

        if (!failed) {
                if (slot) {
                        free(*slot);
                        *slot = NULL;
                }
                return;
        }
        if (slot)
                return;
        for (size_t i = 0; i < ELEMENTSOF(failed_attempts); i++)
                if (!failed_attempts[i]) {
                        failed_attempts[i] = strdup(instance ?: ""); /* OOM: only the restore is weaker */
                        return;
                }
}

static const char *const spawn_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", NULL };

const char *service_manager_to_string(ServiceManager m) {
        switch (m) {
        case MANAGER_SYSTEMD:
                return "systemd";
        case MANAGER_SYSV:
                return "sysv";
        default:
                return "none";
        }
}

const char *live_state_to_string(LiveState s) {
        switch (s) {
        case LIVE_HARDENED:
                return "hardened";
        case LIVE_EXPOSED:
                return "exposed";
        case LIVE_UNVERIFIED:
                return "unverified";
        default:
                return NULL;
        }
}

static bool root_is_host(const char *root) {
        return !root || streq_ptr(root, "/");
}

ServiceManager service_manager_detect(const char *root) {
        const Profile *debian = profile_by_name("debian");

        if (!root_is_host(root))
                return MANAGER_NONE;
        /* Every systemd installation has libsystemd0: without it, no systemd. */
        if (dlopen_libsystemd(NULL) >= 0 && sym_sd_booted() > 0)
                return MANAGER_SYSTEMD;
        if (debian && access(debian->init_script, X_OK) == 0)
                return MANAGER_SYSV;
        return MANAGER_NONE;
}

static void strv_free_n(char **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

static void free_sockets_strings(ServiceReport *r) {
        strv_free_n(r->listeners, r->n_listeners);
        strv_free_n(r->bad_listeners, r->n_bad_listeners);
        r->listeners = r->bad_listeners = NULL;
        r->n_listeners = r->n_bad_listeners = 0;
}

void service_report_done(ServiceReport *r) {
        if (!r)
                return;
        free(r->unit);
        free(r->active_state);
        free(r->sub_state);
        free(r->result);
        free_sockets_strings(r);
        free(r->stats_inter);
        free(r->message);
        free(r->output);
        *r = (ServiceReport) {};
}

void service_report_init(ServiceReport *r, ServiceManager m) {
        service_report_done(r);
        r->manager = m;
        r->udp_sockets = -1;
        r->stats_udpport = -1;
        r->restart_ms = -1;
}

int service_report_note(ServiceReport *r, const char *fmt, ...) {
        _cleanup_free_ char *note = NULL;
        char *joined;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&note, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;

        if (!r->message) {
                r->message = TAKE_PTR(note);
                return 0;
        }
        if (asprintf(&joined, "%s; %s", r->message, note) < 0)
                return -ENOMEM;
        free(r->message);
        r->message = joined;
        return 0;
}

static struct json_object *json_strv(char **v, size_t n) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; a && i < n; i++)
                json_object_array_add(a, json_object_new_string(v[i]));
        return a;
}

struct json_object *service_report_to_json(const ServiceReport *r) {
        struct json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        json_object_object_add(o, "manager", json_object_new_string(service_manager_to_string(r->manager)));
        json_object_object_add(o, "unit", json_string_or_null(r->unit));
        json_object_object_add(o, "restarted", json_object_new_boolean(r->restarted));
        json_object_object_add(o, "was_active", json_object_new_boolean(r->was_active));
        json_object_object_add(o, "active", json_object_new_boolean(r->active));
        json_object_object_add(o, "active_state", json_string_or_null(r->active_state));
        json_object_object_add(o, "sub_state", json_string_or_null(r->sub_state));
        json_object_object_add(o, "result", json_string_or_null(r->result));
        json_object_object_add(o, "main_pid_before",
                               r->main_pid_before > 0 ? json_object_new_int(r->main_pid_before) : NULL);
        json_object_object_add(o, "main_pid_after",
                               r->main_pid_after > 0 ? json_object_new_int(r->main_pid_after) : NULL);
        json_object_object_add(o, "udp_sockets",
                               r->udp_sockets >= 0 ? json_object_new_int64(r->udp_sockets) : NULL);
        json_object_object_add(o, "listeners", json_strv(r->listeners, r->n_listeners));
        json_object_object_add(o, "bad_listeners", json_strv(r->bad_listeners, r->n_bad_listeners));
        json_object_object_add(o, "stats_udpport",
                               r->stats_udpport >= 0 ? json_object_new_int64(r->stats_udpport) : NULL);
        json_object_object_add(o, "stats_inter", json_string_or_null(r->stats_inter));
        json_object_object_add(o, "verified", json_object_new_boolean(r->verified));
        json_object_object_add(o, "live_hardened", json_object_new_boolean(r->live_hardened));
        json_object_object_add(o, "live_state", json_string_or_null(live_state_to_string(r->live_state)));
        json_object_object_add(o, "unix_socket", json_object_new_boolean(r->unix_socket));
        json_object_object_add(o, "restart_ms",
                               r->restart_ms >= 0 ? json_object_new_int64(r->restart_ms) : NULL);
        json_object_object_add(o, "message", json_string_or_null(r->message));
        json_object_object_add(o, "output", json_string_or_null(r->output));
        return o;
}

void service_report_print(FILE *f, const ServiceReport *r) {
        fprintf(f, "service: %s", service_manager_to_string(r->manager));
        if (r->unit)
                fprintf(f, " %s", r->unit);
        if (r->restarted) {
                fprintf(f, ", restarted");
                if (r->main_pid_before > 0 || r->main_pid_after > 0)
                        fprintf(f, " (pid %d -> %d)", (int) r->main_pid_before, (int) r->main_pid_after);
                if (r->restart_ms >= 0)
                        fprintf(f, " in %ld ms", r->restart_ms);
        }
        if (r->manager != MANAGER_NONE)
                fprintf(f, ", %s", r->active ? "running" : "not running");
        if (r->active_state)
                fprintf(f, " (%s/%s)", r->active_state, r->sub_state ?: "-");
        fputc('\n', f);

        if (r->live_state == LIVE_UNVERIFIED)
                fprintf(f, "live: could not verify: no socket of the daemon found; NOT hardened\n");
        else if (r->verified) {
                fprintf(f, "live: %ld UDP socket%s, TCP listeners:", r->udp_sockets, r->udp_sockets == 1 ? "" : "s");
                if (r->n_listeners == 0)
                        fprintf(f, r->unix_socket ? " none (a unix socket only)" : " none");
                for (size_t i = 0; i < r->n_listeners; i++)
                        fprintf(f, " %s", r->listeners[i]);
                if (r->stats_udpport >= 0)
                        fprintf(f, "; stats settings: udpport %ld, inter %s", r->stats_udpport, r->stats_inter ?: "?");
                fprintf(f, "; %s\n", r->live_hardened ? "hardened" : "NOT hardened");
        }
        if (r->message)
                fprintf(f, "note: %s\n", r->message);
}

/* ---- child processes ---- */

DEFINE_TRIVIAL_CLEANUP_FUNC(posix_spawn_file_actions_t *, posix_spawn_file_actions_destroy);
DEFINE_TRIVIAL_CLEANUP_FUNC(posix_spawnattr_t *, posix_spawnattr_destroy);

int service_spawn(char *const argv[], unsigned timeout_sec, int *ret_status, char **ret_output) {
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        _cleanup_(posix_spawn_file_actions_destroyp) posix_spawn_file_actions_t *fap = NULL;
        _cleanup_(posix_spawnattr_destroyp) posix_spawnattr_t *attrp = NULL;
        _cleanup_close_ int rfd = -1, wfd = -1;
        _cleanup_free_ char *out = NULL;
        size_t have = 0;
        sigset_t none, dfl;
        long deadline;
        bool exited = false;
        int pipefd[2], status = 0, r;
        pid_t pid;

        out = malloc(OUTPUT_MAX + 1);
        if (!out)
                return -ENOMEM;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        rfd = pipefd[0];
        wfd = pipefd[1];

        r = posix_spawn_file_actions_init(&fa);
        if (r != 0)
                return -r;
        fap = &fa;
        r = posix_spawnattr_init(&attr);
        if (r != 0)
                return -r;
        attrp = &attr;

        /* dup2 clears O_CLOEXEC on the copies only: the child gets the pipe
         * as stdout/stderr and no other descriptor of ours. */
        if ((r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0)) != 0 ||
            (r = posix_spawn_file_actions_adddup2(&fa, wfd, STDOUT_FILENO)) != 0 ||
            (r = posix_spawn_file_actions_adddup2(&fa, wfd, STDERR_FILENO)) != 0)
                return -r;

        /* Scripts must not inherit a blocked or ignored signal from us. */
        sigemptyset(&none);
        sigfillset(&dfl);
        if ((r = posix_spawnattr_setsigmask(&attr, &none)) != 0 ||
            (r = posix_spawnattr_setsigdefault(&attr, &dfl)) != 0 ||
            (r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0)
                return -r;

        r = posix_spawn(&pid, argv[0], &fa, &attr, argv, (char *const *) spawn_env);
        if (r != 0)
                return -r;
        /* Our copy of the write end must go, or EOF never comes. */
        close(TAKE_FD(wfd));

        /* Wait for the child, not for EOF: a daemon started by the script may
         * keep the pipe open. */
        deadline = now_ms() + (long) timeout_sec * 1000L;
        for (;;) {
                struct pollfd p = { .fd = rfd, .events = POLLIN };
                long left = deadline - now_ms();
                int k;

                if (!exited) {
                        pid_t w = waitpid(pid, &status, WNOHANG);
                        if (w == pid)
                                exited = true;
                        else if (w < 0 && errno != EINTR)
                                return -errno;
                }
                if (!exited && left <= 0) {
                        kill(pid, SIGKILL);
                        (void) waitpid(pid, &status, 0);
                        return -ETIMEDOUT;
                }

                k = poll(&p, 1, exited ? 0 : (int) (left < 50 ? left : 50));
                if (k < 0 && errno != EINTR)
                        return -errno;
                if (k > 0) {
                        char tmp[4096];
                        ssize_t n = read(rfd, tmp, sizeof tmp);
                        if (n > 0) {
                                size_t c = (size_t) n;
                                if (c > OUTPUT_MAX - have)
                                        c = OUTPUT_MAX - have;
                                memcpy(out + have, tmp, c);
                                have += c;
                                continue;
                        }
                        if (n == 0 && exited)
                                break;
                        if (n == 0) {
                                /* EOF before exit: just wait for the child. */
                                if (waitpid(pid, &status, 0) < 0)
                                        return -errno;
                                break;
                        }
                }
                if (exited && k <= 0)
                        break;
        }

        out[have] = '\0';
        /* Trailing newlines read badly inside a one-line report. */
        while (have > 0 && (out[have - 1] == '\n' || out[have - 1] == '\r'))
                out[--have] = '\0';

        *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (ret_output)
                *ret_output = TAKE_PTR(out);
        return 0;
}

/* ---- verification ---- */

int service_daemon_pids(pid_t main, pid_t **ret, size_t *ret_n) {
        if (main > 0) {
                pid_t *p = malloc(sizeof *p);
                if (!p)
                        return -ENOMEM;
                p[0] = main;
                *ret = p;
                *ret_n = 1;
                return 0;
        }
        return verify_find_pids(ret, ret_n);
}

/* Keeps the three ways of saying it in step. */
static void set_live_state(ServiceReport *r, LiveState state) {
        r->live_state = state;
        r->verified = state == LIVE_HARDENED || state == LIVE_EXPOSED;
        r->live_hardened = state == LIVE_HARDENED;
}

int service_inspect_sockets(const pid_t *pids, size_t n_pids, ServiceReport *r,
                            VerifySocket **ret_sockets, size_t *ret_n) {
        _cleanup_free_ VerifySocket *all = NULL, *socks = NULL;
        size_t n_all = 0, n = 0, udp = 0, bad = 0;
        bool unix_listener = false, alive = false;
        int k;

        /* The kernel's few listeners and UDP sockets first, then which of
         * them the daemon holds: cheap however many clients are connected. */
        k = verify_list_sockets(&all, &n_all);
        if (k < 0)
                return k;
        k = verify_owned_sockets(pids, n_pids, all, n_all, &socks, &n);
        if (k < 0)
                return k;
        /* No network socket at all is right only for a daemon on a unix
         * socket (-s). Any other one holds sockets this check cannot see
         * (another network namespace, unreadable fds), and a daemon that
         * cannot be seen must not pass for hardened. */
        if (n == 0) {
                k = verify_holds_unix_listener(pids, n_pids, &unix_listener);
                if (k < 0)
                        return k;
                for (size_t i = 0; i < n_pids && !alive; i++)
                        alive = verify_pid_alive(pids[i]);
        }

        free_sockets_strings(r);
        verify_judge(socks, n, &udp, &bad);
        r->listeners = calloc(n - udp + 1, sizeof(char *));
        r->bad_listeners = calloc(bad + 1, sizeof(char *));
        if (!r->listeners || !r->bad_listeners)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char *s;

                if (socks[i].protocol != IPPROTO_TCP)
                        continue;
                s = verify_socket_to_string(&socks[i]);
                if (!s)
                        return -ENOMEM;
                r->listeners[r->n_listeners++] = s;
                if (!addr_class_allowed(addr_classify_raw(socks[i].family, &socks[i].addr))) {
                        r->bad_listeners[r->n_bad_listeners] = strdup(s);
                        if (!r->bad_listeners[r->n_bad_listeners])
                                return -ENOMEM;
                        r->n_bad_listeners++;
                }
        }
        r->unix_socket = unix_listener;
        if (n == 0 && !unix_listener) {
                r->udp_sockets = -1; /* not "none": unknown */
                set_live_state(r, alive ? LIVE_UNVERIFIED : LIVE_UNKNOWN);
        } else {
                r->udp_sockets = (long) udp;
                set_live_state(r, udp == 0 && bad == 0 ? LIVE_HARDENED : LIVE_EXPOSED);
        }

        if (ret_sockets)
                *ret_sockets = TAKE_PTR(socks);
        if (ret_n)
                *ret_n = n;
        return 0;
}

/* Reads the daemon's sockets and settings. After a restart the daemon may
 * still be setting up: wait until it answers `stats settings` (it does so
 * only after all its sockets exist), at most READY_TIMEOUT_MS. */
static int inspect_live(pid_t main, bool wait_ready, ServiceReport *r) {
        long deadline = now_ms() + (wait_ready ? READY_TIMEOUT_MS : 0);
        int k;

        for (;;) {
                _cleanup_free_ pid_t *pids = NULL;
                _cleanup_free_ VerifySocket *socks = NULL;
                _cleanup_free_ char *inter = NULL;
                size_t n_pids = 0, n = 0;
                long udpport = -1;

                k = service_daemon_pids(main, &pids, &n_pids);
                if (k < 0)
                        return k;
                if (n_pids == 0) {
                        set_live_state(r, LIVE_UNKNOWN); /* nothing runs: nothing to judge */
                        return 0;
                }
                k = service_inspect_sockets(pids, n_pids, r, &socks, &n);
                if (k < 0)
                        return k;
                if (r->unix_socket)
                        return 0; /* no TCP listener to ask */
                k = verify_query_stats(socks, n, STATS_TIMEOUT_MS, &udpport, &inter);
                if (k >= 0) {
                        r->stats_udpport = udpport;
                        free(r->stats_inter);
                        r->stats_inter = TAKE_PTR(inter);
                        /* The daemon's own word counts too: a UDP port in
                         * its settings means UDP is on somewhere. */
                        if (udpport > 0)
                                set_live_state(r, LIVE_EXPOSED);
                        return 0;
                }
                if (now_ms() >= deadline || (main > 0 && !verify_pid_alive(main)))
                        break; /* judged on the sockets alone */
                usleep(50 * 1000);
        }

        if (r->live_state != LIVE_UNVERIFIED)
                return 0;
        if (main > 0)
                return service_report_note(r, "no TCP listener, UDP socket or unix socket of memcached (pid %d) "
                                           "was found, so its exposure could not be verified",
                                           (int) main);
        return service_report_note(r, "no TCP listener, UDP socket or unix socket of the running memcached "
                                   "processes was found, so their exposure could not be verified");
}

static int fail_verify(ServiceReport *r, ErrorInfo *e) {
        char detail[400] = "";
        size_t n = 0;

        if (r->live_state == LIVE_UNVERIFIED)
                n += (size_t) snprintf(detail + n, sizeof detail - n,
                                       "none of the daemon's sockets could be found, so it cannot be verified");
        else if (r->live_state == LIVE_UNKNOWN)
                n += (size_t) snprintf(detail + n, sizeof detail - n, "no memcached process was found to verify");
        else if (r->udp_sockets > 0)
                n += (size_t) snprintf(detail + n, sizeof detail - n, "%ld UDP socket%s open", r->udp_sockets,
                                       r->udp_sockets == 1 ? "" : "s");
        else if (r->stats_udpport > 0)
                n += (size_t) snprintf(detail + n, sizeof detail - n, "stats settings report udpport %ld",
                                       r->stats_udpport);
        for (size_t i = 0; i < r->n_bad_listeners && n < sizeof detail - 64; i++)
                n += (size_t) snprintf(detail + n, sizeof detail - n, "%s%s %s", n ? "; " : "",
                                       i == 0 ? "listening on" : "and", r->bad_listeners[i]);
        return error_set(e, -EPROTO, "verify", r->unit ?: "memcached", 0,
                         "the running daemon does not use the new settings", "%s",
                         detail[0] ? detail : "daemon is not hardened");
}

static int run_manager(const Profile *p, const char *instance, const ServiceOptions *o, ServiceAction action,
                       ServiceReport *r, ErrorInfo *e) {
        if (r->manager == MANAGER_SYSTEMD)
                return service_systemd_run(p, instance, o, action, r, e);
        return service_sysv_run(p, instance, o, action, r, e);
}

int service_restart_verify(const Profile *p, const char *root, const char *instance,
                           const ServiceOptions *o, bool expect_hardened,
                           ServiceReport *report, ErrorInfo *e) {
        ServiceOptions opts = o ? *o : (ServiceOptions) {};
        /* The call after a failed hardening restart and the restored backup. */
        bool restore = !expect_hardened && failed_attempt_find(instance);
        long t0;
        int r;

        if (opts.timeout_sec == 0)
                opts.timeout_sec = SERVICE_TIMEOUT_DEFAULT;

        service_report_init(report, service_manager_detect(root));
        failed_attempt_set(instance, false);

        if (report->manager == MANAGER_NONE) {
                if (!root_is_host(root))
                        return service_report_note(report, "the configuration under %s was changed and no daemon "
                                                   "was restarted; the new settings take effect at memcached's next start",
                                                   root);
                return service_report_note(report, "no service manager found (neither systemd nor %s); "
                                           "the new settings take effect at memcached's next start",
                                           p->init_script);
        }

        t0 = now_ms();
        r = run_manager(p, instance, &opts, restore ? SERVICE_RESTART : SERVICE_TRY_RESTART, report, e);
        if (report->restarted || r < 0)
                report->restart_ms = now_ms() - t0;
        /* Remembered until this attempt turns out well. */
        failed_attempt_set(instance, expect_hardened && report->was_active);
        if (r < 0)
                return r;

        if (!report->restarted) {
                failed_attempt_set(instance, false); /* nothing was attempted */
                /* Nothing restarted: still record what is running. */
                if (report->active && inspect_live(report->main_pid_after, false, report) < 0)
                        set_live_state(report, LIVE_UNKNOWN);
                return 0;
        }

        r = inspect_live(report->main_pid_after, true, report);
        if (r < 0)
                return error_set(e, r, "verify", report->unit, 0, NULL,
                                 "cannot read the daemon's sockets: %s", strerror(-r));
        if (report->main_pid_after > 0 && !verify_pid_alive(report->main_pid_after)) {
                report->active = false;
                return error_set(e, -ESRCH, "restart", report->unit, 0,
                                 report->manager == MANAGER_SYSTEMD ? "see the unit's journal" : "see /var/log/memcached.log",
                                 "memcached exited right after the restart");
        }
        if (expect_hardened && !report->live_hardened)
                return fail_verify(report, e);
        failed_attempt_set(instance, false);
        return 0;
}

int service_live_state(const Profile *p, const char *root, const char *instance,
                       ServiceReport *report, ErrorInfo *e) {
        int r;

        service_report_init(report, service_manager_detect(root));
        if (report->manager == MANAGER_NONE) {
                if (!root_is_host(root))
                        return service_report_note(report, "the live daemon is not checked for a root other than /");
                /* Without a manager the daemon may still run by hand. */
                r = inspect_live(0, false, report);
                if (r < 0)
                        return error_set(e, r, "verify", "memcached", 0, NULL,
                                         "cannot read the daemon's sockets: %s", strerror(-r));
                report->active = report->live_state != LIVE_UNKNOWN;
                return 0;
        }

        r = run_manager(p, instance, &(ServiceOptions) { SERVICE_TIMEOUT_DEFAULT }, SERVICE_READ, report, e);
        if (r < 0)
                return r;
        if (!report->active)
                return 0;
        r = inspect_live(report->main_pid_after, false, report);
        if (r < 0)
                return error_set(e, r, "verify", report->unit, 0, NULL,
                                 "cannot read the daemon's sockets: %s", strerror(-r));
        return 0;
}
