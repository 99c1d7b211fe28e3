/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for the restart stage's dispatch (service.c), run through fake
 * service manager backends: what reaches the backend, what comes back, and
 * how the daemon a backend reports is verified afterwards. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "service.h"

#define GONE ((pid_t) 0x3ffffff0) /* above pid_max: never a process */

/* What the fake backends were asked, and the daemon they report. Each test
 * runs in a process of its own (check-main.h), so this starts at zero. */
static struct {
        unsigned calls;
        ServiceAction action;
        unsigned timeout_sec;
        char instance[64];
        pid_t daemon;           /* the "restarted" daemon's pid; 0 = none runs */
} fake;

static void fake_record(const char *instance, const ServiceOptions *o, ServiceAction action) {
        fake.calls++;
        fake.action = action;
        fake.timeout_sec = o->timeout_sec;
        snprintf(fake.instance, sizeof fake.instance, "%s", instance ?: "(main)");
}

/* A manager whose daemon is stopped, keeping the backend contract: a
 * try-restart leaves it stopped and says so; a restart brings up
 * fake.daemon. */
static int fake_run(const Profile *p, const char *instance, const ServiceOptions *o, ServiceAction action,
                    ServiceReport *report, ErrorInfo *e) {
        (void) p, (void) e;
        fake_record(instance, o, action);
        report->unit = strdup("fake.service");
        if (!report->unit)
                return -ENOMEM;
        report->was_active = report->active = false;
        if (action == SERVICE_READ)
                return 0;
        if (action == SERVICE_TRY_RESTART)
                return service_report_note(report, "fake is not running; it was not started");
        report->active = report->restarted = true;
        report->main_pid_after = fake.daemon;
        return 0;
}

static bool fake_detect(void) {
        return true;
}

static const ServiceManagerOps fake_stopped = {
        .name = "fake",
        .log_hint = "see the fake log",
        .tracks_daemon = true,
        .detect = fake_detect,
        .run = fake_run,
};

/* A manager whose daemon runs as fake.daemon: any restart succeeds. */
static int fake_running_run(const Profile *p, const char *instance, const ServiceOptions *o,
                            ServiceAction action, ServiceReport *report, ErrorInfo *e) {
        (void) p, (void) e;
        fake_record(instance, o, action);
        report->was_active = report->active = true;
        report->main_pid_before = report->main_pid_after = fake.daemon;
        report->restarted = action != SERVICE_READ;
        return 0;
}

static const ServiceManagerOps fake_running = {
        .name = "fake-running",
        .log_hint = "see the fake log",
        .tracks_daemon = true,
        .detect = fake_detect,
        .run = fake_running_run,
};

/* A manager whose restart job fails. */
static int fake_failing_run(const Profile *p, const char *instance, const ServiceOptions *o,
                            ServiceAction action, ServiceReport *report, ErrorInfo *e) {
        (void) p;
        fake_record(instance, o, action);
        report->was_active = true;
        return error_set(e, -EIO, "restart", "fake.service", 0, "see the fake log", "job %s", "failed");
}

static const ServiceManagerOps fake_failing = {
        .name = "fake-failing",
        .tracks_daemon = true,
        .detect = fake_detect,
        .run = fake_failing_run,
};

/* ---- daemons for the fakes to report: children holding sockets ---- */

typedef int (*HolderSetup)(void);

/* In a holder child: the listener on which it answers `stats settings`
 * with stats_reply, or -1. */
static int stats_fd = -1;
static char stats_reply[128];

static void serve_stats(void) {
        for (;;) {
                char buf[256];
                int c = accept4(stats_fd, NULL, NULL, SOCK_CLOEXEC);

                if (c < 0)
                        _exit(1);
                if (recv(c, buf, sizeof buf, 0) > 0)
                        (void) send(c, stats_reply, strlen(stats_reply), MSG_NOSIGNAL);
                close(c);
        }
}

/* Forks a child that runs SETUP, says so through a pipe, and then waits to
 * be killed (holder_stop()), answering `stats settings` if SETUP set that up. */
static pid_t holder_start(HolderSetup setup) {
        int p[2];
        char ok;
        pid_t pid;

        ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                close(p[0]);
                if (setup() < 0 || write(p[1], "1", 1) != 1)
                        _exit(1);
                if (stats_fd >= 0)
                        serve_stats();
                for (;;)
                        pause();
        }
        close(p[1]);
        ck_assert_int_eq(read(p[0], &ok, 1), 1);
        close(p[0]);
        return pid;
}

static void holder_stop(pid_t pid) {
        kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
}

/* memcached -s: a listening unix socket and nothing else. */
static int setup_unix(void) {
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int n = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "memharden-test-service-%d", (int) getpid());

        /* An abstract name: nothing is left on disk. */
        if (fd < 0 || bind(fd, (struct sockaddr *) &a, (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0 ||
            listen(fd, 16) < 0)
                return -1;
        return 0;
}

/* An exposed memcached: a TCP listener and a UDP socket on loopback, and
 * `stats settings` answered with that UDP port. */
static int setup_udp_memcached(void) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof a;
        int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (tcp < 0 || udp < 0 || bind(tcp, (struct sockaddr *) &a, sizeof a) < 0 || listen(tcp, 16) < 0 ||
            bind(udp, (struct sockaddr *) &a, sizeof a) < 0 || getsockname(udp, (struct sockaddr *) &a, &len) < 0)
                return -1;
        snprintf(stats_reply, sizeof stats_reply, "STAT udpport %u\r\nSTAT inter 127.0.0.1\r\nEND\r\n",
                 (unsigned) ntohs(a.sin_port));
        stats_fd = tcp;
        return 0;
}

/* ---- tests ---- */

START_TEST(test_try_restart_leaves_stopped_daemon) {
        const Profile *p = profile_by_name("debian");
        ServiceReport r = {};
        ErrorInfo e = {};

        ck_assert_int_eq(service_restart_verify_with(&fake_stopped, p, NULL, NULL, NULL, SERVICE_TRY_RESTART, true,
                                                     &r, &e), 0);
        ck_assert_uint_eq(fake.calls, 1);
        ck_assert_int_eq(fake.action, SERVICE_TRY_RESTART);
        /* Not started, said so, and nothing to verify: no error although
         * the daemon was expected hardened. */
        ck_assert(!r.restarted);
        ck_assert(!r.active);
        ck_assert_ptr_nonnull(r.message);
        ck_assert_ptr_nonnull(strstr(r.message, "not started"));
        ck_assert_int_eq(r.restart_ms, -1);
        ck_assert_int_eq(r.live_state, LIVE_UNKNOWN);
        ck_assert(!r.verified);
        ck_assert_ptr_eq(r.manager, &fake_stopped);
        ck_assert_str_eq(r.unit, "fake.service");
        service_report_done(&r);
}
END_TEST

/* The caller's action, instance and timeout are what the backend gets. */
START_TEST(test_action_reaches_backend) {
        const Profile *p = profile_by_name("debian");
        ServiceOptions o = { .timeout_sec = 7 };
        ServiceReport r = {};
        ErrorInfo e = {};
        pid_t daemon = holder_start(setup_unix);

        fake.daemon = daemon;
        ck_assert_int_eq(service_restart_verify_with(&fake_stopped, p, "/", "a", &o, SERVICE_RESTART, true, &r, &e),
                         0);
        ck_assert_uint_eq(fake.calls, 1);
        ck_assert_int_eq(fake.action, SERVICE_RESTART);
        ck_assert_str_eq(fake.instance, "a");
        ck_assert_uint_eq(fake.timeout_sec, 7);
        /* Restarted, then verified: a unix socket only is hardened. */
        ck_assert(r.restarted);
        ck_assert(r.active);
        ck_assert_int_eq(r.live_state, LIVE_HARDENED);
        ck_assert(r.live_hardened);
        ck_assert(r.unix_socket);
        ck_assert_int_ge(r.restart_ms, 0);

        /* No options: the default timeout. */
        ck_assert_int_eq(service_restart_verify_with(&fake_running, p, NULL, NULL, NULL, SERVICE_TRY_RESTART, false,
                                                     &r, &e), 0);
        holder_stop(daemon);
        ck_assert_uint_eq(fake.calls, 2);
        ck_assert_int_eq(fake.action, SERVICE_TRY_RESTART);
        ck_assert_str_eq(fake.instance, "(main)");
        ck_assert_uint_eq(fake.timeout_sec, SERVICE_TIMEOUT_DEFAULT);
        ck_assert(r.restarted);
        ck_assert_ptr_eq(r.manager, &fake_running);
        service_report_done(&r);
}
END_TEST

START_TEST(test_backend_failure) {
        const Profile *p = profile_by_name("debian");
        ServiceReport r = {};
        ErrorInfo e = {};

        ck_assert_int_eq(service_restart_verify_with(&fake_failing, p, NULL, NULL, NULL, SERVICE_TRY_RESTART, true,
                                                     &r, &e), -EIO);
        ck_assert_uint_eq(fake.calls, 1);
        /* The backend's ErrorInfo, untouched. */
        ck_assert_str_eq(e.verb, "restart");
        ck_assert_str_eq(e.subject, "fake.service");
        ck_assert_str_eq(e.detail, "job failed");
        ck_assert_str_eq(e.hint, "see the fake log");
        ck_assert(!r.restarted);
        ck_assert(r.was_active);
        ck_assert_int_ge(r.restart_ms, 0); /* a failed attempt is timed too */
        ck_assert_int_eq(r.live_state, LIVE_UNKNOWN);
        service_report_done(&r);
}
END_TEST

/* A daemon that is gone right after its restart fails, with the manager's
 * hint on where to look. */
START_TEST(test_daemon_exited_after_restart) {
        const Profile *p = profile_by_name("debian");
        ServiceReport r = {};
        ErrorInfo e = {};

        fake.daemon = GONE;
        ck_assert_int_eq(service_restart_verify_with(&fake_stopped, p, NULL, NULL, NULL, SERVICE_RESTART, false,
                                                     &r, &e), -ESRCH);
        ck_assert_str_eq(e.verb, "restart");
        ck_assert_str_eq(e.subject, "fake.service");
        ck_assert_str_eq(e.detail, "memcached exited right after the restart");
        ck_assert_str_eq(e.hint, "see the fake log");
        ck_assert(!r.active);
        service_report_done(&r);
}
END_TEST

/* A restarted daemon on UDP is not hardened: the verification fails. */
START_TEST(test_restart_not_hardened) {
        const Profile *p = profile_by_name("debian");
        ServiceReport r = {};
        ErrorInfo e = {};
        pid_t daemon = holder_start(setup_udp_memcached);

        fake.daemon = daemon;
        ck_assert_int_eq(service_restart_verify_with(&fake_running, p, NULL, NULL, NULL, SERVICE_TRY_RESTART, true,
                                                     &r, &e), -EPROTO);
        holder_stop(daemon);
        ck_assert_str_eq(e.verb, "verify");
        ck_assert_str_eq(e.detail, "1 UDP socket open");
        ck_assert_str_eq(e.hint, "the running daemon does not use the new settings");
        ck_assert_int_eq(r.live_state, LIVE_EXPOSED);
        ck_assert_int_eq(r.udp_sockets, 1);
        ck_assert_int_gt(r.stats_udpport, 0);
        ck_assert_str_eq(r.stats_inter, "127.0.0.1");
        ck_assert_uint_eq(r.n_listeners, 1);
        ck_assert_uint_eq(r.n_bad_listeners, 0);

        /* After a rollback only "running again" counts. */
        daemon = holder_start(setup_udp_memcached);
        fake.daemon = daemon;
        ck_assert_int_eq(service_restart_verify_with(&fake_running, p, NULL, NULL, NULL, SERVICE_TRY_RESTART, false,
                                                     &r, &e), 0);
        holder_stop(daemon);
        ck_assert_int_eq(r.live_state, LIVE_EXPOSED);
        service_report_done(&r);
}
END_TEST

START_TEST(test_manager_none) {
        const Profile *p = profile_by_name("debian");
        ServiceReport r = {};
        ErrorInfo e = {};

        ck_assert_int_eq(service_restart_verify_with(&service_manager_none, p, NULL, NULL, NULL, SERVICE_TRY_RESTART,
                                                     true, &r, &e), 0);
        ck_assert_ptr_eq(r.manager, &service_manager_none);
        ck_assert(!r.restarted);
        ck_assert_ptr_nonnull(strstr(r.message, "no service manager found"));
        ck_assert_ptr_nonnull(strstr(r.message, "next start"));
        ck_assert_int_eq(r.restart_ms, -1);
        service_report_done(&r);
}
END_TEST

/* Another system's files never reach this host's manager. */
START_TEST(test_other_root_skips_backend) {
        const Profile *p = profile_by_name("debian");
        ServiceReport r = {};
        ErrorInfo e = {};

        ck_assert_int_eq(service_restart_verify_with(&fake_stopped, p, "/srv/image", NULL, NULL, SERVICE_RESTART,
                                                     true, &r, &e), 0);
        ck_assert_uint_eq(fake.calls, 0);
        ck_assert_ptr_eq(r.manager, &service_manager_none);
        ck_assert_ptr_nonnull(strstr(r.message, "the configuration under /srv/image was changed"));
        ck_assert_ptr_nonnull(strstr(r.message, "next start"));

        ck_assert_int_eq(service_live_state_with(&fake_stopped, p, "/srv/image", NULL, NULL, &r, &e), 0);
        ck_assert_uint_eq(fake.calls, 0);
        ck_assert_str_eq(r.message, "the live daemon is not checked for a root other than /");
        ck_assert_ptr_eq(service_manager_detect("/srv/image"), &service_manager_none);
        service_report_done(&r);
}
END_TEST

/* After a rollback the notes speak of the restored settings, never of
 * new ones; otherwise of the new ones. */
START_TEST(test_notes_name_restored_settings) {
        const Profile *p = profile_by_name("debian");
        static const struct {
                const ServiceManagerOps *m;
                const char *root, *unit;
        } cases[] = {
                { &service_manager_none, NULL, NULL },          /* no manager runs the host */
                { &service_manager_none, NULL, "memcached.service" }, /* a unit, and no systemd */
                { &service_manager_none, "/srv/image", NULL },  /* another root */
                { &fake_stopped, "/srv/image", NULL },
        };

        for (size_t k = 0; k < ELEMENTSOF(cases); k++)
                for (int restored = 0; restored < 2; restored++) {
                        ServiceOptions o = { .restored = restored, .unit = cases[k].unit };
                        ServiceReport r = {};
                        ErrorInfo e = {};

                        ck_assert_int_eq(service_restart_verify_with(cases[k].m, p, cases[k].root, NULL, &o,
                                                                     SERVICE_TRY_RESTART, !restored, &r, &e), 0);
                        ck_assert_ptr_nonnull(r.message);
                        ck_assert_msg(strstr(r.message, restored ? "restored settings" : "new settings"), "%zu: %s", k,
                                      r.message);
                        ck_assert_msg(!strstr(r.message, restored ? "new settings" : "restored settings"), "%zu: %s",
                                      k, r.message);
                        service_report_done(&r);
                }
        ck_assert_str_eq(service_settings(NULL), "new");
}
END_TEST

/* The live state reads only: SERVICE_READ, and the running daemon judged. */
START_TEST(test_live_state) {
        const Profile *p = profile_by_name("debian");
        ServiceReport r = {};
        ErrorInfo e = {};
        pid_t daemon;

        ck_assert_int_eq(service_live_state_with(&fake_stopped, p, NULL, NULL, NULL, &r, &e), 0);
        ck_assert_uint_eq(fake.calls, 1);
        ck_assert_int_eq(fake.action, SERVICE_READ);
        ck_assert(!r.active);
        ck_assert_int_eq(r.live_state, LIVE_UNKNOWN);

        daemon = holder_start(setup_unix);
        fake.daemon = daemon;
        ck_assert_int_eq(service_live_state_with(&fake_running, p, NULL, "b", NULL, &r, &e), 0);
        holder_stop(daemon);
        ck_assert_uint_eq(fake.calls, 2);
        ck_assert_int_eq(fake.action, SERVICE_READ);
        ck_assert_str_eq(fake.instance, "b");
        ck_assert(r.active);
        ck_assert(!r.restarted);
        ck_assert_int_eq(r.restart_ms, -1);
        ck_assert_int_eq(r.live_state, LIVE_HARDENED);
        service_report_done(&r);
}
END_TEST

START_TEST(test_report_json_keys) {
        static const char *const keys[] = {
                "manager", "unit", "restarted", "was_active", "active", "need_reload", "active_state", "sub_state", "result",
                "main_pid_before", "main_pid_after", "udp_sockets", "listeners", "bad_listeners", "stats_udpport",
                "cache_items", "cache_bytes",
                "stats_inter", "verified", "live_hardened", "live_state", "unix_socket", "restart_ms", "message",
                "output",
        };
        ServiceReport r = {};
        struct json_object *o, *v;
        size_t i = 0;

        service_report_init(&r, &fake_stopped);
        o = service_report_to_json(&r);
        ck_assert_ptr_nonnull(o);
        /* Every key, in this order, and no other. */
        json_object_object_foreach(o, key, val) {
                (void) val;
                ck_assert_uint_lt(i, ELEMENTSOF(keys));
                ck_assert_str_eq(key, keys[i]);
                i++;
        }
        ck_assert_uint_eq(i, ELEMENTSOF(keys));
        ck_assert(json_object_object_get_ex(o, "manager", &v));
        ck_assert_str_eq(json_object_get_string(v), "fake");
        /* Measured values start unknown: null, not 0. */
        ck_assert(json_object_object_get_ex(o, "udp_sockets", &v));
        ck_assert_ptr_null(v);
        ck_assert(json_object_object_get_ex(o, "restart_ms", &v));
        ck_assert_ptr_null(v);
        ck_assert(json_object_object_get_ex(o, "main_pid_after", &v));
        ck_assert_ptr_null(v);
        json_object_put(o);

        /* No manager at all is "none". */
        service_report_init(&r, NULL);
        o = service_report_to_json(&r);
        ck_assert(json_object_object_get_ex(o, "manager", &v));
        ck_assert_str_eq(json_object_get_string(v), "none");
        json_object_put(o);
        service_report_done(&r);
}
END_TEST

/* "running" is said only by a manager that tracks the daemon. */
START_TEST(test_report_print) {
        _cleanup_free_ char *text = NULL;
        ServiceReport r = {};
        size_t size = 0;
        FILE *f;

        f = open_memstream(&text, &size);
        ck_assert_ptr_nonnull(f);
        service_report_init(&r, &fake_stopped);
        service_report_print(f, &r);
        service_report_init(&r, &service_manager_none);
        ck_assert_int_eq(service_report_note(&r, "n"), 0);
        service_report_print(f, &r);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_str_eq(text, "service: fake, not running\nservice: none\nnote: n\n");
        service_report_done(&r);
}
END_TEST

START_TEST(test_detect) {
        const ServiceManagerOps *m = service_manager_detect(NULL);

        /* Whatever runs here, one of the four, and "/" is this host too. */
        ck_assert(m == &service_manager_systemd || m == &service_manager_openrc || m == &service_manager_sysv ||
                  m == &service_manager_none);
        ck_assert_ptr_eq(service_manager_detect("/"), m);
        ck_assert_str_eq(service_manager_to_string(&service_manager_systemd), "systemd");
        ck_assert(!service_manager_none.tracks_daemon);
        ck_assert(service_manager_sysv.tracks_daemon && service_manager_systemd.tracks_daemon);
        ck_assert_str_eq(service_manager_to_string(&service_manager_openrc), "openrc");
        /* OpenRC only where its boot left the softlevel: a host with the
         * package installed and the SysV script keeps SysV. */
        if (access("/run/openrc/softlevel", F_OK) < 0)
                ck_assert_ptr_ne(m, &service_manager_openrc);
}
END_TEST

static Suite *service_suite(void) {
        Suite *s = suite_create("service");
        TCase *tc = tcase_create("core");

        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, test_try_restart_leaves_stopped_daemon);
        tcase_add_test(tc, test_action_reaches_backend);
        tcase_add_test(tc, test_backend_failure);
        tcase_add_test(tc, test_daemon_exited_after_restart);
        tcase_add_test(tc, test_restart_not_hardened);
        tcase_add_test(tc, test_manager_none);
        tcase_add_test(tc, test_other_root_skips_backend);
        tcase_add_test(tc, test_notes_name_restored_settings);
        tcase_add_test(tc, test_live_state);
        tcase_add_test(tc, test_report_json_keys);
        tcase_add_test(tc, test_report_print);
        tcase_add_test(tc, test_detect);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(service_suite)
