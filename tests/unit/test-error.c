/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for error.c: an ErrorInfo owns every string in it, and the one
 * message is "cannot VERB 'SUBJECT' line N: DETAIL; HINT" with the parts it
 * lacks left out. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check-main.h"
#include "cleanup.h"
#include "error.h"

static const char *format(const ErrorInfo *e, int r) {
        static char buf[PATH_MAX + 2048];

        error_format(e, r, buf, sizeof buf);
        return buf;
}

START_TEST(test_returns_r) {
        ErrorInfo e = {};

        ck_assert_int_eq(error_set(&e, -EINVAL, "parse", "x", 0, NULL, NULL), -EINVAL);
        ck_assert_int_eq(error_set(NULL, -ENOMEM, "parse", "x", 0, "hint", "detail"), -ENOMEM);
        error_set_hint(NULL, "ignored %d", 1); /* no E: nothing to fill, no crash */
}
END_TEST

/* The hint is copied when set: the caller's buffer may change (or die) after. */
START_TEST(test_hint_copied) {
        ErrorInfo e = {};
        char hint[64] = "see 'journalctl -u memcached.service'";

        error_set(&e, -EIO, "restart", "memcached.service", 0, hint, "it failed");
        strcpy(hint, "overwritten by a later error");
        ck_assert_str_eq(format(&e, -EIO),
                         "cannot restart 'memcached.service': it failed; see 'journalctl -u memcached.service'");
}
END_TEST

/* So is the subject. */
START_TEST(test_subject_copied) {
        ErrorInfo e = {};
        char subject[64] = "/etc/memcached.conf";

        error_set(&e, -EINVAL, "parse", subject, 7, NULL, "bad");
        strcpy(subject, "/elsewhere");
        ck_assert_str_eq(format(&e, -EINVAL), "cannot parse '/etc/memcached.conf' line 7: bad");
}
END_TEST

START_TEST(test_set_hint_replaces) {
        ErrorInfo e = {};

        error_set(&e, -EIO, "write", "/etc/memcached.conf", 0, "run memharden again", "disk full");
        error_set_hint(&e, "the old config is back in place (backup %s)", "20261124T230102Z");
        ck_assert_str_eq(format(&e, -EIO), "cannot write '/etc/memcached.conf': disk full; "
                                           "the old config is back in place (backup 20261124T230102Z)");
        error_set_hint(&e, "second %d", 2);
        ck_assert_str_eq(e.hint, "second 2");
}
END_TEST

/* A hint made from the hint it replaces reads the old one, not a half-written one. */
START_TEST(test_set_hint_from_itself) {
        ErrorInfo e = {};

        error_set(&e, -EIO, "write", NULL, 0, "first", NULL);
        error_set_hint(&e, "%s, then second", e.hint);
        ck_assert_str_eq(e.hint, "first, then second");
        error_set(&e, -EIO, "write", e.subject, 0, e.hint, NULL);
        ck_assert_str_eq(e.hint, "first, then second");
}
END_TEST

/* A struct reused for a later error keeps nothing of the earlier one. */
START_TEST(test_set_again_clears) {
        ErrorInfo e = {};

        error_set(&e, -EIO, "restart", "memcached.service", 3, "a hint", "a detail");
        error_set(&e, -ENOENT, "read", NULL, 0, NULL, NULL);
        ck_assert_str_eq(e.subject, "");
        ck_assert_str_eq(e.hint, "");
        ck_assert_str_eq(e.detail, "");
        ck_assert_uint_eq(e.line, 0);
        ck_assert_str_eq(format(&e, -ENOENT), "cannot read: No such file or directory");
}
END_TEST

START_TEST(test_truncation) {
        ErrorInfo e = {};
        char long_text[2 * PATH_MAX];

        memset(long_text, 'h', sizeof long_text - 1);
        long_text[sizeof long_text - 1] = '\0';

        error_set(&e, -EINVAL, "use", long_text, 0, long_text, "%s", long_text);
        ck_assert_uint_eq(strlen(e.subject), sizeof e.subject - 1);
        ck_assert_uint_eq(strlen(e.detail), sizeof e.detail - 1);
        ck_assert_uint_eq(strlen(e.hint), sizeof e.hint - 1);
        ck_assert(strspn(e.hint, "h") == sizeof e.hint - 1);

        error_set_hint(&e, "x%s", long_text);
        ck_assert_uint_eq(strlen(e.hint), sizeof e.hint - 1);
        ck_assert_int_eq(e.hint[0], 'x');
}
END_TEST

/* Each part of the message, left out when it is missing. */
static const struct {
        const char *verb, *subject;
        unsigned line;
        const char *hint, *detail;
        const char *want;
} format_cases[] = {
        { "parse", "/etc/memcached.conf", 12, "remove it", "a NUL byte",
          "cannot parse '/etc/memcached.conf' line 12: a NUL byte; remove it" },
        { "parse", "/etc/memcached.conf", 12, NULL, "a NUL byte",
          "cannot parse '/etc/memcached.conf' line 12: a NUL byte" },
        { "parse", "/etc/memcached.conf", 0, "remove it", "a NUL byte",
          "cannot parse '/etc/memcached.conf': a NUL byte; remove it" },
        { "parse", NULL, 12, "remove it", "a NUL byte", "cannot parse line 12: a NUL byte; remove it" },
        { "parse", "", 0, "", "", "cannot parse: Invalid argument" },
        { "parse", "/x", 0, "try again", NULL, "cannot parse '/x': Invalid argument; try again" },
        { NULL, "/x", 2, NULL, "d", "cannot continue '/x' line 2: d" },
        { NULL, NULL, 0, NULL, NULL, "cannot continue: Invalid argument" },
};

START_TEST(test_format_parts) {
        ErrorInfo e = {};

        error_set(&e, -EINVAL, format_cases[_i].verb, format_cases[_i].subject, format_cases[_i].line,
                  format_cases[_i].hint, format_cases[_i].detail ? "%s" : NULL, format_cases[_i].detail);
        ck_assert_str_eq(format(&e, -EINVAL), format_cases[_i].want);
}
END_TEST

/* No ErrorInfo at all: the errno alone. */
START_TEST(test_format_no_info) {
        ck_assert_str_eq(format(NULL, -ENOENT), "cannot continue: No such file or directory");
}
END_TEST

START_TEST(test_format_small_buffer) {
        ErrorInfo e = {};
        char buf[16];

        error_set(&e, -EIO, "restart", "memcached.service", 0, "see the log", "failed");
        memset(buf, 'Z', sizeof buf);
        error_format(&e, -EIO, buf, sizeof buf);
        ck_assert_str_eq(buf, "cannot restart ");
        error_format(&e, -EIO, buf, 1);
        ck_assert_str_eq(buf, "");
}
END_TEST

static Suite *error_suite(void) {
        Suite *s = suite_create("error");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_returns_r);
        tcase_add_test(tc, test_hint_copied);
        tcase_add_test(tc, test_subject_copied);
        tcase_add_test(tc, test_set_hint_replaces);
        tcase_add_test(tc, test_set_hint_from_itself);
        tcase_add_test(tc, test_set_again_clears);
        tcase_add_test(tc, test_truncation);
        tcase_add_loop_test(tc, test_format_parts, 0, ELEMENTSOF(format_cases));
        tcase_add_test(tc, test_format_no_info);
        tcase_add_test(tc, test_format_small_buffer);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(error_suite)
