/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two readers of a sysconfig file (envfile.h): systemd's
 * EnvironmentFile=, which expands nothing and drops "export NAME=", and a
 * shell sourcing it. Expected values are written from systemd's
 * src/basic/env-file.c and sh's rules, not from the code under test.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "cleanup.h"
#include "envfile.h"

#define A(n, v) { .name = (n), .value = (v) }
#define X(n, v) { .name = (n), .value = (v), .export = true }

static const struct {
        EnvAssignment v[4];
        size_t n;
        const char *systemd, *shell; /* NULL: unset */
        bool differ;
} cases[] = {
        /* The common file: both read it alike */
        { { A("PORT", "11211"), A("OPTIONS", "-l 127.0.0.1 -U 0") }, 2, "-l 127.0.0.1 -U 0", "-l 127.0.0.1 -U 0", false },
        /* The last assignment wins for both */
        { { A("OPTIONS", "-l 10.0.0.1"), A("OPTIONS", "-l 10.0.0.2") }, 2, "-l 10.0.0.2", "-l 10.0.0.2", false },
        /* The Salt formula: literal to systemd, expanded by the shell */
        { { A("OPTIONS", "-l 10.0.0.5"), A("OPTIONS", "$OPTIONS -k") }, 2, "$OPTIONS -k", "-l 10.0.0.5 -k", true },
        { { A("OPTIONS", "-l 10.0.0.5"), A("OPTIONS", "${OPTIONS} -k") }, 2, "${OPTIONS} -k", "-l 10.0.0.5 -k", true },
        /* Another variable, and an unset one (empty to the shell) */
        { { A("PORT", "11211"), A("OPTIONS", "-U $PORT$NONE") }, 2, "-U $PORT$NONE", "-U 11211", true },
        /* A reference expands what the name held at that point */
        { { A("X", "a"), A("OPTIONS", "$X"), A("X", "b") }, 3, "$X", "a", true },
        /* "export" is no assignment to systemd */
        { { X("OPTIONS", "-l 10.0.0.1") }, 1, NULL, "-l 10.0.0.1", true },
        { { A("OPTIONS", "-l 127.0.0.1"), X("OPTIONS", "-l 0.0.0.0") }, 2, "-l 127.0.0.1", "-l 0.0.0.0", true },
        /* Equal values, but an export: an edit of one would reach one reader */
        { { A("OPTIONS", "-U 0"), X("OPTIONS", "-U 0") }, 2, "-U 0", "-U 0", true },
        /* Unset for both */
        { { A("PORT", "1") }, 1, NULL, NULL, false },
        /* Not references: a lone $, a digit, an unclosed brace */
        { { A("OPTIONS", "a$ $1 ${X") }, 1, "a$ $1 ${X", "a$ $1 ${X", false },
};

START_TEST(test_readings) {
        _cleanup_free_ char *systemd = NULL, *shell = NULL;

        ck_assert_int_eq(envfile_readings(cases[_i].v, cases[_i].n, "OPTIONS", &systemd, &shell), 0);
        ck_assert_pstr_eq(systemd, cases[_i].systemd);
        ck_assert_pstr_eq(shell, cases[_i].shell);
        ck_assert_int_eq(envfile_readers_differ(cases[_i].v, cases[_i].n, "OPTIONS", systemd, shell),
                         cases[_i].differ);
}
END_TEST

/* Every assignment's value as the shell has it once it is sourced: each
 * reference from what the assignments before it hold, in order. */
START_TEST(test_shell_values) {
        static const EnvAssignment v[] = { A("PORT", "11211"), A("UDPPORT", "${PORT}"), A("PORT", "11212"),
                                           A("MISC_OPTS", "$MISC_OPTS -v"), A("MISC_OPTS", "${MISC_OPTS} -v -p $PORT") };
        static const char *const want[] = { "11211", "11211", "11212", " -v", " -v -v -p 11212" };
        char **values = NULL;

        ck_assert_int_eq(envfile_shell_values(v, ELEMENTSOF(v), &values), 0);
        for (size_t i = 0; i < ELEMENTSOF(v); i++)
                ck_assert_str_eq(values[i], want[i]);
        envfile_values_free(values, ELEMENTSOF(v));
}
END_TEST

static Suite *envfile_suite(void) {
        Suite *s = suite_create("envfile");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_shell_values);
        tcase_add_loop_test(tc, test_readings, 0, sizeof cases / sizeof cases[0]);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(envfile_suite)
