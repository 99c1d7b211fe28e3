/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for mcopt.c: memcached's option table, looked up the way
 * getopt_long() does. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "mcopt.h"

START_TEST(test_by_letter) {
        const McOption *o;

        o = mcopt_by_letter('l');
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'l');
        ck_assert_str_eq(o->long_name, "listen");
        ck_assert(o->has_arg);

        o = mcopt_by_letter('U');
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'U');
        ck_assert_str_eq(o->long_name, "udp-port");
        ck_assert(o->has_arg);

        o = mcopt_by_letter('s');
        ck_assert_ptr_nonnull(o);
        ck_assert_str_eq(o->long_name, "unix-socket");
        ck_assert(o->has_arg);

        o = mcopt_by_letter('d');
        ck_assert_ptr_nonnull(o);
        ck_assert_str_eq(o->long_name, "daemon");
        ck_assert(!o->has_arg);

        o = mcopt_by_letter('p');
        ck_assert_ptr_nonnull(o);
        ck_assert_str_eq(o->long_name, "port");
        ck_assert(o->has_arg);

        o = mcopt_by_letter('m');
        ck_assert_ptr_nonnull(o);
        ck_assert_str_eq(o->long_name, "memory-limit");
        ck_assert(o->has_arg);

        o = mcopt_by_letter('v');
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'v');
}
END_TEST

START_TEST(test_by_letter_unknown) {
        ck_assert_ptr_null(mcopt_by_letter('J'));
        ck_assert_ptr_null(mcopt_by_letter('y'));
        ck_assert_ptr_null(mcopt_by_letter('0'));
        ck_assert_ptr_null(mcopt_by_letter('-'));
        ck_assert_ptr_null(mcopt_by_letter('\0'));
}
END_TEST

START_TEST(test_by_long_exact) {
        const McOption *o;

        o = mcopt_by_long("listen");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'l');

        o = mcopt_by_long("udp-port");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'U');

        o = mcopt_by_long("port");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'p');

        o = mcopt_by_long("unix-socket");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 's');

        o = mcopt_by_long("daemon");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'd');
}
END_TEST

START_TEST(test_by_long_prefix) {
        const McOption *o;

        o = mcopt_by_long("udp");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'U');

        o = mcopt_by_long("udp-p");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'U');

        o = mcopt_by_long("listen-b");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'b');

        o = mcopt_by_long("listen-backlog");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'b');

        o = mcopt_by_long("memory-l");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->letter, 'm');
}
END_TEST

START_TEST(test_by_long_ambiguous) {
        /* "list" is a prefix of both listen and listen-backlog. */
        ck_assert_ptr_null(mcopt_by_long("list"));
        ck_assert_ptr_null(mcopt_by_long("l"));
        /* unix-socket and unix-mask. */
        ck_assert_ptr_null(mcopt_by_long("unix"));
}
END_TEST

START_TEST(test_by_long_unknown) {
        ck_assert_ptr_null(mcopt_by_long("no-such-option"));
        ck_assert_ptr_null(mcopt_by_long("listenx"));
        ck_assert_ptr_null(mcopt_by_long("LISTEN"));
        ck_assert_ptr_null(mcopt_by_long(""));
}
END_TEST

static Suite *mcopt_suite(void) {
        Suite *s = suite_create("mcopt");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_by_letter);
        tcase_add_test(tc, test_by_letter_unknown);
        tcase_add_test(tc, test_by_long_exact);
        tcase_add_test(tc, test_by_long_prefix);
        tcase_add_test(tc, test_by_long_ambiguous);
        tcase_add_test(tc, test_by_long_unknown);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(mcopt_suite)
