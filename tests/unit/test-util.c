/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for util.c: number parsing, paths, reading a host file, SHA-256.
 * Writing files and making directories are rootfs.c's, tested in
 * test-rootfs.c. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "tmpdir.h"
#include "util.h"

/* One directory per run (made and removed by the runner process, so even a
 * failed test leaves nothing behind), one subdirectory per test. */
TMPDIR_FIXTURE(tmpdir)

static void setup(void) {
        tmp_make();
}

static void teardown(void) {
        tmp_remove();
}

static char *tmp_path(const char *name) {
        char *p;

        ck_assert_int_ge(asprintf(&p, "%s/%s", tmpdir, name), 0);
        return p;
}

/* Vectors as live.c compares a unit's ExecStart= with systemd's: argv[0] aside. */
START_TEST(test_strv) {
        char *a[] = { "/usr/bin/memcached", "-l", "127.0.0.1", NULL };
        char *b[] = { "memcached", "-l", "127.0.0.1", NULL };
        char *c[] = { "memcached", "-l", "0.0.0.0", NULL };
        char *d[] = { "memcached", "-l", NULL };
        char *none[] = { NULL };
        char **copy = strv_copy(a);

        ck_assert(strv_equal_from(a, b, 1));
        ck_assert(!strv_equal_from(a, b, 0));
        ck_assert(!strv_equal_from(a, c, 1));
        ck_assert(!strv_equal_from(a, d, 1) && !strv_equal_from(d, a, 1));
        ck_assert(strv_equal_from(none, none, 1) && !strv_equal_from(none, a, 1));
        ck_assert_ptr_nonnull(copy);
        ck_assert(strv_equal_from(a, copy, 0));
        strv_free(copy);
        strv_free(NULL);
}
END_TEST

START_TEST(test_safe_atol_ok) {
        long v = -1;

        ck_assert_int_eq(safe_atol("0", 0, 10, &v), 0);
        ck_assert_int_eq(v, 0);
        ck_assert_int_eq(safe_atol("11211", 0, 65535, &v), 0);
        ck_assert_int_eq(v, 11211);
        ck_assert_int_eq(safe_atol("-5", -10, 10, &v), 0);
        ck_assert_int_eq(v, -5);
        ck_assert_int_eq(safe_atol("65535", 0, 65535, &v), 0); /* bounds are inclusive */
        ck_assert_int_eq(v, 65535);
        ck_assert_int_eq(safe_atol("1", 1, 1, &v), 0);
        ck_assert_int_eq(v, 1);
        ck_assert_int_eq(safe_atol("9223372036854775807", 0, LONG_MAX, &v), 0);
        ck_assert(v == LONG_MAX);
}
END_TEST

START_TEST(test_safe_atol_bad) {
        static const char *const bad[] = {
                "", " ", "12abc", "12 ", " 12", "+12", "0x10", "1.5", "abc", "-", "\t7", "12\n",
        };
        long v = 4242;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                ck_assert_msg(safe_atol(bad[i], LONG_MIN, LONG_MAX, &v) < 0, "'%s' accepted", bad[i]);
                ck_assert_msg(v == 4242, "'%s' wrote ret on failure", bad[i]);
        }
        /* Out of range: overflow of long, and outside [min, max]. */
        ck_assert_int_lt(safe_atol("9223372036854775808", LONG_MIN, LONG_MAX, &v), 0);
        ck_assert_int_lt(safe_atol("-9223372036854775809", LONG_MIN, LONG_MAX, &v), 0);
        ck_assert_int_lt(safe_atol("99999999999999999999999", LONG_MIN, LONG_MAX, &v), 0);
        ck_assert_int_lt(safe_atol("65536", 0, 65535, &v), 0);
        ck_assert_int_lt(safe_atol("-1", 0, 65535, &v), 0);
        ck_assert_int_lt(safe_atol("0", 1, 10, &v), 0);
        ck_assert_int_eq(v, 4242);
}
END_TEST

START_TEST(test_path_join) {
        static const struct {
                const char *root, *path, *want;
        } cases[] = {
                { NULL, "/etc/memcached.conf", "/etc/memcached.conf" },
                { "/", "/etc/memcached.conf", "/etc/memcached.conf" },
                { "/mnt/x", "/etc/memcached.conf", "/mnt/x/etc/memcached.conf" },
                { "/mnt/x/", "/etc/memcached.conf", "/mnt/x/etc/memcached.conf" },
                { "/mnt/x/", "/", "/mnt/x/" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *p = path_join(cases[i].root, cases[i].path);

                ck_assert_ptr_nonnull(p);
                ck_assert_msg(strcmp(p, cases[i].want) == 0, "path_join(%s, %s) = '%s', want '%s'",
                              cases[i].root ?: "NULL", cases[i].path, p, cases[i].want);
        }
}
END_TEST

START_TEST(test_read_config_file) {
        _cleanup_free_ char *f = tmp_path("memcached.conf"), *data = NULL;
        _cleanup_fclose_ FILE *w = fopen(f, "we");
        size_t size = 0;

        ck_assert_ptr_nonnull(w);
        fputs("-m 64\n-l 127.0.0.1\n", w);
        ck_assert_int_eq(fflush(w), 0);
        ck_assert_int_eq(read_config_file(f, &data, &size), 0);
        ck_assert_uint_eq(size, strlen("-m 64\n-l 127.0.0.1\n"));
        ck_assert_str_eq(data, "-m 64\n-l 127.0.0.1\n");
}
END_TEST

START_TEST(test_read_config_file_empty) {
        _cleanup_free_ char *f = tmp_path("empty"), *data = NULL;
        _cleanup_close_ int fd = open(f, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        size_t size = 99;

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(read_config_file(f, &data, &size), 0);
        ck_assert_uint_eq(size, 0);
        ck_assert_ptr_nonnull(data);
        ck_assert_str_eq(data, "");
}
END_TEST

START_TEST(test_read_config_file_errors) {
        _cleanup_free_ char *nul = tmp_path("nul"), *missing = tmp_path("missing"), *big = tmp_path("big");
        char *data = NULL;
        size_t size = 0;
        int fd;

        ck_assert_int_eq(read_config_file(tmpdir, &data, &size), -EISDIR);
        ck_assert_ptr_null(data);

        fd = open(nul, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, "-m 64\n\0-l x\n", 12), 12);
        close(fd);
        ck_assert_int_eq(read_config_file(nul, &data, &size), -EBADMSG);
        ck_assert_ptr_null(data);

        ck_assert_int_eq(read_config_file(missing, &data, &size), -ENOENT);
        ck_assert_ptr_null(data);

        fd = open(big, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(ftruncate(fd, CONFIG_SIZE_MAX + 1), 0);
        close(fd);
        ck_assert_int_eq(read_config_file(big, &data, &size), -EFBIG);
        ck_assert_ptr_null(data);
}
END_TEST

/* Nobody writes to this FIFO: a blocking open() would wait forever. The alarm
 * kills the test instead of hanging it. */
START_TEST(test_read_config_file_fifo) {
        _cleanup_free_ char *f = tmp_path("fifo"), *l = tmp_path("link");
        char *data = NULL;
        size_t size = 99;
        long start;

        ck_assert_int_eq(mkfifo(f, 0644), 0);
        ck_assert_int_eq(symlink("fifo", l), 0);
        alarm(3);
        start = now_ms();
        ck_assert_int_eq(read_config_file(f, &data, &size), -EBADF);
        ck_assert_int_eq(read_config_file(l, &data, &size), -EBADF);
        ck_assert_int_lt(now_ms() - start, 1000);
        alarm(0);
        ck_assert_ptr_null(data);
        ck_assert_uint_eq(size, 99);
}
END_TEST

START_TEST(test_streq_ptr) {
        ck_assert(streq_ptr(NULL, NULL));
        ck_assert(streq_ptr("a", "a"));
        ck_assert(!streq_ptr("a", NULL));
        ck_assert(!streq_ptr(NULL, "a"));
        ck_assert(!streq_ptr("a", "b"));
}
END_TEST

START_TEST(test_sha256) {
        char out[65];

        sha256_hex("abc", 3, out);
        ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        sha256_hex("", 0, out);
        ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
        ck_assert_str_eq(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

static Suite *util_suite(void) {
        Suite *s = suite_create("util");
        TCase *tc = tcase_create("core");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_safe_atol_ok);
        tcase_add_test(tc, test_safe_atol_bad);
        tcase_add_test(tc, test_path_join);
        tcase_add_test(tc, test_read_config_file);
        tcase_add_test(tc, test_read_config_file_empty);
        tcase_add_test(tc, test_read_config_file_errors);
        tcase_add_test(tc, test_read_config_file_fifo);
        tcase_add_test(tc, test_streq_ptr);
        tcase_add_test(tc, test_sha256);
        tcase_add_test(tc, test_strv);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(util_suite)
