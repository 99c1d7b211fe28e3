/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for what the OpenRC manager (service_openrc.c) decides without
 * running anything: the service of an instance, what rc-service's status
 * exit code says, the pid file in OpenRC's daemon record, and the words of a
 * failure. The restart
 * itself runs against the real OpenRC in tests/integration/test-openrc.sh. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "service.h"
#include "service_openrc.h"

START_TEST(test_service_name) {
        _cleanup_free_ char *main_name = NULL, *instance = NULL, *dashed = NULL;
        char *bad = NULL;

        ck_assert_int_eq(openrc_service_name("memcached", NULL, &main_name), 0);
        ck_assert_str_eq(main_name, "memcached");
        /* /etc/init.d/memcached.a -> memcached, reading /etc/conf.d/memcached.a. */
        ck_assert_int_eq(openrc_service_name("memcached", "a", &instance), 0);
        ck_assert_str_eq(instance, "memcached.a");
        /* Still one argument that rc-service cannot take for an option. */
        ck_assert_int_eq(openrc_service_name("memcached", "-x", &dashed), 0);
        ck_assert_str_eq(dashed, "memcached.-x");

        ck_assert_int_eq(openrc_service_name("memcached", "", &bad), -EINVAL);
        ck_assert_int_eq(openrc_service_name("memcached", "../sshd", &bad), -EINVAL);
        ck_assert_ptr_null(bad); /* written only on success */
}
END_TEST

/* openrc-run's _status(): the exit status is the state. */
START_TEST(test_status_codes) {
        static const struct {
                int status;
                OpenrcState state;
                const char *name;
        } codes[] = {
                { 0, OPENRC_STARTED, "started" },   { 3, OPENRC_STOPPED, "stopped" },
                { 4, OPENRC_STOPPING, "stopping" }, { 8, OPENRC_STARTING, "starting" },
                { 16, OPENRC_INACTIVE, "inactive" }, { 32, OPENRC_CRASHED, "crashed" },
        };
        OpenrcState s = OPENRC_INACTIVE;

        for (size_t i = 0; i < ELEMENTSOF(codes); i++) {
                ck_assert_int_eq(openrc_status_parse(codes[i].status, &s), 0);
                ck_assert_int_eq(s, codes[i].state);
                ck_assert_str_eq(openrc_state_to_string(s), codes[i].name);
        }
        /* 1: no such service, OpenRC not booted, a script's own failure;
         * 127: no shell. None of them is a state. */
        s = OPENRC_INACTIVE;
        ck_assert_int_eq(openrc_status_parse(1, &s), -EBADMSG);
        ck_assert_int_eq(openrc_status_parse(2, &s), -EBADMSG);
        ck_assert_int_eq(openrc_status_parse(127, &s), -EBADMSG);
        ck_assert_int_eq(s, OPENRC_INACTIVE);
        ck_assert_str_eq(openrc_state_to_string((OpenrcState) 99), "unknown");
}
END_TEST

/* The record as OpenRC's start-stop-daemon writes it (librc-daemon.c). */
START_TEST(test_record_pidfile) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        char *none = NULL;

        ck_assert_int_eq(openrc_record_pidfile("exec=/usr/bin/memcached\n"
                                               "argv_0=/usr/bin/memcached\n"
                                               "argv_1=-d\n"
                                               "pidfile=/var/run/memcached/memcached-11211.pid\n",
                                               &a),
                         0);
        ck_assert_str_eq(a, "/var/run/memcached/memcached-11211.pid");
        /* The last line needs no newline; an argument that looks like the
         * key is not the key. */
        ck_assert_int_eq(openrc_record_pidfile("argv_5=pidfile=/x\npidfile=/run/m.pid", &b), 0);
        ck_assert_str_eq(b, "/run/m.pid");

        /* Started without --pidfile: "pidfile=" and nothing after it. */
        ck_assert_int_eq(openrc_record_pidfile("exec=/usr/bin/memcached\npidfile=\n", &none), -ENOENT);
        ck_assert_int_eq(openrc_record_pidfile("pidfile=relative.pid\n", &none), -ENOENT);
        ck_assert_int_eq(openrc_record_pidfile("", &none), -ENOENT);
        ck_assert_ptr_null(none);
}
END_TEST

/* rc-service's output as the real OpenRC printed it (test-openrc.sh): the
 * cause and openrc-run's ERROR line, whatever came after them. */
START_TEST(test_failure_reason) {
        char buf[256];

        openrc_failure_reason("Service `procps' needs non existent service `mountkernfs'\n"
                              " * Stopping memcached ... [ ok ]\n"
                              " * LISTENON is empty in /etc/conf.d/memcached\n"
                              " * test guard: refusing to start with UDPPORT=0\n"
                              " * ERROR: memcached failed to start\n"
                              " * Caching service dependencies ... [ ok ]",
                              buf, sizeof buf);
        ck_assert_str_eq(buf, "test guard: refusing to start with UDPPORT=0; ERROR: memcached failed to start");

        /* start-stop-daemon's words on the line it began, its "[ !! ]"
         * padded onto a line of its own. */
        openrc_failure_reason(" * Starting memcached ...Cannot set item size limit higher than 1/2 of memory max.\n"
                              "\n"
                              " * Failed to start memcached\n"
                              "                                             [ !! ]\n"
                              " * ERROR: memcached failed to start\n",
                              buf, sizeof buf);
        ck_assert_str_eq(buf, "Failed to start memcached; ERROR: memcached failed to start");
        openrc_failure_reason(" * Stopping memcached ...                   [ !! ]\n * ERROR: memcached failed to stop",
                              buf, sizeof buf);
        ck_assert_str_eq(buf, "Stopping memcached; ERROR: memcached failed to stop");

        /* No ERROR line: the last that says something. */
        openrc_failure_reason(" * rc-service: service `memcached.b' does not exist\n", buf, sizeof buf);
        ck_assert_str_eq(buf, "rc-service: service `memcached.b' does not exist");
        openrc_failure_reason(" * ERROR: memcached failed to start", buf, sizeof buf);
        ck_assert_str_eq(buf, "ERROR: memcached failed to start");
        openrc_failure_reason(" * Starting memcached ... [ ok ]\n", buf, sizeof buf);
        ck_assert_str_eq(buf, "no output");
        openrc_failure_reason(NULL, buf, sizeof buf);
        ck_assert_str_eq(buf, "no output");
        /* Cut to fit, still terminated. */
        openrc_failure_reason(" * ERROR: memcached failed to start", buf, 8);
        ck_assert_str_eq(buf, "ERROR: ");
}
END_TEST

START_TEST(test_detect) {
        ck_assert_str_eq(service_manager_openrc.name, "openrc");
        ck_assert(service_manager_openrc.tracks_daemon);
        ck_assert_ptr_nonnull(service_manager_openrc.log_hint);
        /* OpenRC runs a host only once its boot wrote the softlevel; an
         * installed openrc package (rc-service, /run/openrc and its deptree)
         * is not enough, and systemd wins where it is booted. */
        if (access("/run/openrc/softlevel", F_OK) < 0 || access("/run/systemd/system", F_OK) == 0)
                ck_assert(!service_manager_openrc.detect());
}
END_TEST

static Suite *openrc_suite(void) {
        Suite *s = suite_create("service-openrc");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_service_name);
        tcase_add_test(tc, test_status_codes);
        tcase_add_test(tc, test_record_pidfile);
        tcase_add_test(tc, test_failure_reason);
        tcase_add_test(tc, test_detect);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(openrc_suite)
