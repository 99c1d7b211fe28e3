/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for diff.c: diff_unified() must write what `diff -u` writes.
 * Most cases are judged against the real diff(1) run on the same texts; two
 * are also pinned as literal expected output. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "diff.h"
#include "tmpdir.h"

/* One directory per run (made and removed by the runner process, so even a
 * failed test leaves nothing behind), one subdirectory per test. */
TMPDIR_FIXTURE(tmpdir)

static void write_text(const char *path, const char *text) {
        _cleanup_fclose_ FILE *f = fopen(path, "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
}

/* What `diff -u --label a/x --label b/x` writes for A and B. */
static char *real_diff(const char *a, const char *b) {
        _cleanup_free_ char *pa = NULL, *pb = NULL, *cmd = NULL, *out = NULL;
        char buf[4096];
        size_t n = 0, k;
        FILE *p;
        int status;

        ck_assert_int_ge(asprintf(&pa, "%s/old", tmpdir), 0);
        ck_assert_int_ge(asprintf(&pb, "%s/new", tmpdir), 0);
        write_text(pa, a);
        write_text(pb, b);
        ck_assert_int_ge(asprintf(&cmd, "LC_ALL=C diff -u --label a/x --label b/x '%s' '%s'", pa, pb), 0);
        p = popen(cmd, "re");
        ck_assert_ptr_nonnull(p);
        out = strdup("");
        ck_assert_ptr_nonnull(out);
        while ((k = fread(buf, 1, sizeof buf, p)) > 0) {
                char *t = realloc(out, n + k + 1);

                ck_assert_ptr_nonnull(t);
                out = t;
                memcpy(out + n, buf, k);
                n += k;
                out[n] = '\0';
        }
        status = pclose(p);
        ck_assert(WIFEXITED(status));
        ck_assert_int_le(WEXITSTATUS(status), 1);
        return TAKE_PTR(out);
}

static void check_against_diff(const char *a, const char *b) {
        _cleanup_free_ char *got = NULL, *want = real_diff(a, b);

        ck_assert_int_eq(diff_unified("/x", a, b, &got), 0);
        ck_assert_ptr_nonnull(got);
        ck_assert_msg(strcmp(got, want) == 0, "diff_unified:\n%s\ndiff -u:\n%s", got, want);
}

/* N numbered lines "line 1\n" ..., with line K replaced by REPL[K] when set. */
static char *lines(unsigned n, const char *const *repl, size_t n_repl) {
        char *s = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&s, &size);

        ck_assert_ptr_nonnull(f);
        for (unsigned i = 1; i <= n; i++) {
                if (i < n_repl && repl[i]) {
                        fputs(repl[i], f); /* "" drops the line, else a whole line */
                        continue;
                }
                fprintf(f, "line %u\n", i);
        }
        ck_assert_int_eq(fclose(f), 0);
        return s;
}

static void setup(void) {
        tmp_make();
}

static void teardown(void) {
        tmp_remove();
}

START_TEST(test_equal) {
        _cleanup_free_ char *a = lines(20, NULL, 0), *d1 = NULL, *d2 = NULL, *d3 = NULL;

        ck_assert_int_eq(diff_unified("/etc/memcached.conf", a, a, &d1), 0);
        ck_assert_str_eq(d1, "");
        ck_assert_int_eq(diff_unified("/etc/memcached.conf", "", "", &d2), 0);
        ck_assert_str_eq(d2, "");
        ck_assert_int_eq(diff_unified("/etc/memcached.conf", "no newline", "no newline", &d3), 0);
        ck_assert_str_eq(d3, "");
}
END_TEST

START_TEST(test_literal_one_change) {
        const char *a = "-m 64\n-p 11211\n-l 0.0.0.0\n-c 1024\n";
        const char *b = "-m 64\n-p 11211\n-l 127.0.0.1\n-c 1024\n";
        _cleanup_free_ char *got = NULL;

        ck_assert_int_eq(diff_unified("/etc/memcached.conf", a, b, &got), 0);
        ck_assert_str_eq(got,
                         "--- a/etc/memcached.conf\n"
                         "+++ b/etc/memcached.conf\n"
                         "@@ -1,4 +1,4 @@\n"
                         " -m 64\n"
                         " -p 11211\n"
                         "--l 0.0.0.0\n"
                         "+-l 127.0.0.1\n"
                         " -c 1024\n");
}
END_TEST

START_TEST(test_literal_no_newline) {
        const char *a = "-m 64\n-U 11211";
        const char *b = "-m 64\n-U 0\n";
        _cleanup_free_ char *got = NULL;

        ck_assert_int_eq(diff_unified("/etc/memcached.conf", a, b, &got), 0);
        ck_assert_str_eq(got,
                         "--- a/etc/memcached.conf\n"
                         "+++ b/etc/memcached.conf\n"
                         "@@ -1,2 +1,2 @@\n"
                         " -m 64\n"
                         "--U 11211\n"
                         "\\ No newline at end of file\n"
                         "+-U 0\n");
}
END_TEST

START_TEST(test_one_change_middle) {
        const char *r[11] = { [10] = "changed 10\n" };
        _cleanup_free_ char *a = lines(20, NULL, 0), *b = lines(20, r, ELEMENTSOF(r));

        check_against_diff(a, b);
}
END_TEST

START_TEST(test_two_hunks) {
        const char *r[18] = { [3] = "changed 3\n", [17] = "changed 17\n" };
        _cleanup_free_ char *a = lines(20, NULL, 0), *b = lines(20, r, ELEMENTSOF(r)), *got = NULL;
        size_t hunks = 0;

        check_against_diff(a, b);
        ck_assert_int_eq(diff_unified("/x", a, b, &got), 0);
        for (const char *p = got; (p = strstr(p, "\n@@ ")); p++)
                hunks++;
        ck_assert_uint_eq(hunks, 2);
}
END_TEST

START_TEST(test_gap_merging) {
        /* Unchanged lines between two changes: up to 6 share one hunk, 7 split. */
        for (unsigned gap = 4; gap <= 9; gap++) {
                const char *r[20] = {};
                _cleanup_free_ char *a = lines(24, NULL, 0), *b = NULL, *got = NULL;
                size_t hunks = 0;

                r[5] = "changed A\n";
                r[5 + gap + 1] = "changed B\n";
                b = lines(24, r, ELEMENTSOF(r));
                check_against_diff(a, b);
                ck_assert_int_eq(diff_unified("/x", a, b, &got), 0);
                for (const char *p = got; (p = strstr(p, "@@ -")); p++)
                        hunks++;
                ck_assert_msg(hunks == (gap <= 6 ? 1u : 2u), "gap %u: %zu hunks", gap, hunks);
        }
}
END_TEST

START_TEST(test_append_at_end) {
        _cleanup_free_ char *a = lines(10, NULL, 0), *b = NULL;

        ck_assert_int_ge(asprintf(&b, "%s-U 0\n-l 127.0.0.1\n", a), 0);
        check_against_diff(a, b);
}
END_TEST

START_TEST(test_delete_first_line) {
        const char *r[2] = { [1] = "" };
        _cleanup_free_ char *a = lines(10, NULL, 0), *b = lines(10, r, ELEMENTSOF(r));

        check_against_diff(a, b);
}
END_TEST

START_TEST(test_delete_last_line) {
        _cleanup_free_ char *a = lines(10, NULL, 0), *b = lines(9, NULL, 0);

        check_against_diff(a, b);
}
END_TEST

START_TEST(test_missing_final_newline) {
        _cleanup_free_ char *a = lines(8, NULL, 0), *b = strdup(a), *c = NULL;

        /* New side loses the newline only. */
        ck_assert_ptr_nonnull(b);
        b[strlen(b) - 1] = '\0';
        check_against_diff(a, b);
        /* Old side lacks it, new side has it. */
        check_against_diff(b, a);
        /* Both lack it, last line changed. */
        ck_assert_int_ge(asprintf(&c, "%.*sother 8", (int) (strrchr(b, '\n') - b + 1), b), 0);
        check_against_diff(b, c);
}
END_TEST

START_TEST(test_missing_newline_far_change) {
        const char *r[2] = { [1] = "first changed\n" };
        _cleanup_free_ char *a = lines(12, NULL, 0), *b = lines(12, r, ELEMENTSOF(r));

        /* The marker belongs to a hunk only when the last line is in it. */
        a[strlen(a) - 1] = '\0';
        b[strlen(b) - 1] = '\0';
        check_against_diff(a, b);
}
END_TEST

START_TEST(test_empty_sides) {
        _cleanup_free_ char *a = lines(3, NULL, 0);

        check_against_diff("", a);
        check_against_diff(a, "");
        check_against_diff("", "one line without newline");
}
END_TEST

START_TEST(test_random_edits) {
        /* Distinct lines only, so the shortest edit is unique and any correct
         * diff must agree with diff(1) line for line. */
        unsigned seed = 12345;

        for (unsigned round = 0; round < 60; round++) {
                char *a = NULL, *b = NULL;
                size_t sa = 0, sb = 0;
                FILE *fa = open_memstream(&a, &sa), *fb = open_memstream(&b, &sb);
                unsigned n = 1 + rand_r(&seed) % 40;

                ck_assert_ptr_nonnull(fa);
                ck_assert_ptr_nonnull(fb);
                for (unsigned i = 0; i < n; i++) {
                        unsigned dice = rand_r(&seed) % 10;

                        if (dice != 0)
                                fprintf(fa, "old %u\n", i);
                        if (dice == 1)
                                continue; /* deleted in B */
                        if (dice == 2)
                                fprintf(fb, "new %u.%u\n", round, i); /* replaced */
                        else if (dice != 0)
                                fprintf(fb, "old %u\n", i);
                        if (dice == 0 || dice == 3)
                                fprintf(fb, "ins %u.%u\n", round, i); /* inserted */
                }
                ck_assert_int_eq(fclose(fa), 0);
                ck_assert_int_eq(fclose(fb), 0);
                if (round % 7 == 3 && sb > 0)
                        b[sb - 1] = '\0';
                check_against_diff(a, b);
                free(a);
                free(b);
        }
}
END_TEST

static Suite *diff_suite(void) {
        Suite *s = suite_create("diff");
        TCase *tc = tcase_create("core");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_equal);
        tcase_add_test(tc, test_literal_one_change);
        tcase_add_test(tc, test_literal_no_newline);
        tcase_add_test(tc, test_one_change_middle);
        tcase_add_test(tc, test_two_hunks);
        tcase_add_test(tc, test_gap_merging);
        tcase_add_test(tc, test_append_at_end);
        tcase_add_test(tc, test_delete_first_line);
        tcase_add_test(tc, test_delete_last_line);
        tcase_add_test(tc, test_missing_final_newline);
        tcase_add_test(tc, test_missing_newline_far_change);
        tcase_add_test(tc, test_empty_sides);
        tcase_add_test(tc, test_random_edits);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(diff_suite)
