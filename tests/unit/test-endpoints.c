/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for endpoints.c: the ports and listeners memcached 1.6.18 takes
 * from its options. Each expectation is what the oracle says memcached binds
 * (tests/oracle/mcargs --listeners -- ARGS) for the same arguments. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "cleanup.h"
#include "endpoints.h"

#define MAX_ARGS 6

static const struct {
        const char *args[MAX_ARGS][2]; /* letter as a string, value */
        int tcp, udp;
        const char *listeners;         /* "host/port,..." (port 0: the option's) */
        bool unix_socket;
} cases[] = {
        { {}, 11211, 0, "", false },
        { { { "p", "11311" } }, 11311, 0, "", false },
        { { { "U", "11311" } }, 11311, 11311, "", false },            /* -U alone sets -p too */
        { { { "U", "0" } }, 11211, 0, "", false },
        { { { "U", "11311" }, { "p", "11400" } }, 11400, 11311, "", false },
        { { { "l", "127.0.0.1:11300,10.0.0.5" }, { "U", "11211" } }, 11211, 11211,
          "127.0.0.1/11300,10.0.0.5/0", false },
        { { { "l", "127.0.0.1" }, { "l", "127.0.0.1" } }, 11211, 0, "127.0.0.1/0", false }, /* substring rule */
        { { { "l", "10.0.0.1,127.0.0.1" }, { "l", "127.0.0.1" } }, 11211, 0, "10.0.0.1/0,127.0.0.1/0", false },
        { { { "l", "[::1]:11500;*" }, { "p", "11600" } }, 11600, 0, "::1/11500,*/0", false },
        { { { "s", "/tmp/mc.sock" }, { "U", "11211" } }, 11211, 11211, "", true },
        { { { "p", "abc" } }, 0, 0, "", false },                       /* atoi(): no TCP listener */
        { { { "p", "70000" } }, -1, 0, "", false },                    /* memcached refuses it */
};

START_TEST(test_endpoints) {
        Arg args[MAX_ARGS] = {};
        _cleanup_free_ char *got = NULL;
        Endpoints e;
        size_t n = 0, size = 0;
        FILE *f;

        while (n < MAX_ARGS && cases[_i].args[n][0]) {
                args[n] = (Arg) { .letter = cases[_i].args[n][0][0], .value = (char *) cases[_i].args[n][1],
                                  .effective = true };
                n++;
        }
        ck_assert_int_eq(endpoints_from_args(args, n, &e), 0);
        ck_assert_int_eq(e.tcp_port, cases[_i].tcp);
        ck_assert_int_eq(e.udp_port, cases[_i].udp);
        ck_assert_int_eq(e.unix_socket, cases[_i].unix_socket);
        f = open_memstream(&got, &size);
        ck_assert_ptr_nonnull(f);
        for (size_t i = 0; i < e.n_listeners; i++)
                fprintf(f, "%s%s/%d", i ? "," : "", e.listeners[i].host, e.listeners[i].port);
        fclose(f);
        ck_assert_str_eq(got, cases[_i].listeners);
        for (size_t i = 0; i < e.n_listeners; i++) {
                const Listener *l = &e.listeners[i];
                ck_assert_int_eq(endpoints_tcp_port(&e, l), l->port ?: e.tcp_port);
                ck_assert_int_eq(endpoints_udp_port(&e, l), e.udp_port ? (l->port ?: e.udp_port) : 0);
        }
        endpoints_done(&e);
}
END_TEST

START_TEST(test_ineffective_and_bad) {
        Arg args[] = {
                { .letter = 'U', .value = (char *) "11211", .effective = false }, /* a line the script skips */
                { .letter = 'l', .value = (char *) "127.0.0.1", .effective = true },
        };
        Arg bad = { .letter = 'l', .value = (char *) "[::1", .effective = true };
        Endpoints e;

        ck_assert_int_eq(endpoints_from_args(args, 2, &e), 0);
        ck_assert_int_eq(e.udp_port, 0);
        ck_assert_int_eq(e.n_listeners, 1);
        endpoints_done(&e);
        ck_assert_int_lt(endpoints_from_args(&bad, 1, &e), 0);
}
END_TEST

static Suite *endpoints_suite(void) {
        Suite *s = suite_create("endpoints");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, test_endpoints, 0, ELEMENTSOF(cases));
        tcase_add_test(tc, test_ineffective_and_bad);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(endpoints_suite)
