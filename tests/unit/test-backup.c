/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for backup.c: create, list, load and restore backups under a
 * temporary root. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "check-main.h"
#include "cleanup.h"
#include "tmpdir.h"
#include "util.h"

/* One directory per run (made and removed by the runner process, so even a
 * failed test leaves nothing behind), one subdirectory per test. */
TMPDIR_FIXTURE(root)

static const char X_TEXT[] = "# memcached\n-m 64\n-l 0.0.0.0\n";
static const char Y_TEXT[] = "OPTIONS=\"-U 11211\"\n";

static char *in_root(const char *path) {
        char *p = path_join(root, path);

        ck_assert_ptr_nonnull(p);
        return p;
}

static void put(const char *path, const char *text, mode_t mode) {
        _cleanup_free_ char *p = in_root(path);
        _cleanup_close_ int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        ck_assert_int_eq(fchmod(fd, mode), 0);
}

static char *get(const char *path) {
        _cleanup_free_ char *p = in_root(path);
        char *data = NULL;
        size_t size;

        ck_assert_int_eq(read_config_file(p, &data, &size), 0);
        return data;
}

static mode_t mode_of(const char *path) {
        _cleanup_free_ char *p = in_root(path);
        struct stat st;

        ck_assert_int_eq(stat(p, &st), 0);
        return st.st_mode & 07777;
}

static void setup(void) {
        _cleanup_free_ char *etc = NULL;

        tmp_make();
        etc = in_root("/etc");
        ck_assert_int_eq(mkdir(etc, 0755), 0);
        put("/etc/x", X_TEXT, 0640);
        put("/etc/y", Y_TEXT, 0644);
}

static void teardown(void) {
        tmp_remove();
}

static Backup *create_x(void) {
        char *paths[] = { (char *) "/etc/x" };
        char *texts[] = { (char *) X_TEXT };
        size_t sizes[] = { strlen(X_TEXT) };
        ErrorInfo e = {};
        Backup *b = NULL;

        ck_assert_int_eq(backup_create(root, paths, texts, sizes, 1, &b, &e), 0);
        ck_assert_ptr_nonnull(b);
        return b;
}

static Backup *create_xy(void) {
        char *paths[] = { (char *) "/etc/x", (char *) "/etc/y" };
        char *texts[] = { (char *) X_TEXT, (char *) Y_TEXT };
        size_t sizes[] = { strlen(X_TEXT), strlen(Y_TEXT) };
        ErrorInfo e = {};
        Backup *b = NULL;

        ck_assert_int_eq(backup_create(root, paths, texts, sizes, 2, &b, &e), 0);
        ck_assert_ptr_nonnull(b);
        return b;
}

START_TEST(test_create) {
        _cleanup_(backup_freep) Backup *b = create_x();
        _cleanup_free_ char *copy = NULL, *manifest = NULL, *dir = NULL, *prefix = NULL;
        char sum[65];
        struct stat st;
        size_t size;

        ck_assert_ptr_nonnull(b->id);
        ck_assert(strlen(b->id) >= strlen("20261124T230102Z"));
        ck_assert_ptr_nonnull(strchr(b->id, 'T'));
        ck_assert_ptr_null(strchr(b->id, '/'));
        ck_assert_ptr_nonnull(b->created);
        ck_assert_uint_eq(b->n_files, 1);
        ck_assert_str_eq(b->files[0].path, "/etc/x");
        ck_assert_uint_eq(b->files[0].mode & 07777, 0640);
        ck_assert_uint_eq(b->files[0].uid, getuid());
        ck_assert_uint_eq(b->files[0].gid, getgid());
        sha256_hex(X_TEXT, strlen(X_TEXT), sum);
        ck_assert_str_eq(b->files[0].sha256, sum);

        /* The copy lives in the backup's directory, inside the root. */
        ck_assert_int_ge(asprintf(&prefix, BACKUP_DIR "/%s/", b->id), 0);
        ck_assert_msg(strncmp(b->files[0].copy, prefix, strlen(prefix)) == 0, "copy '%s' not under '%s'",
                      b->files[0].copy, prefix);
        copy = get(b->files[0].copy);
        ck_assert_str_eq(copy, X_TEXT);

        ck_assert_int_ge(asprintf(&dir, "%s" BACKUP_DIR "/%s/manifest.json", root, b->id), 0);
        ck_assert_int_eq(stat(dir, &st), 0);
        ck_assert(S_ISREG(st.st_mode));
        ck_assert_int_eq(read_config_file(dir, &manifest, &size), 0);
        ck_assert_ptr_nonnull(strstr(manifest, "/etc/x"));
        ck_assert_ptr_nonnull(strstr(manifest, sum));

        /* Creating a backup changes nothing in the original. */
        free(copy);
        copy = get("/etc/x");
        ck_assert_str_eq(copy, X_TEXT);
        ck_assert_uint_eq(mode_of("/etc/x"), 0640);
}
END_TEST

START_TEST(test_list_and_load) {
        _cleanup_(backup_freep) Backup *b1 = create_x(), *b2 = create_xy(), *newest = NULL, *first = NULL;
        Backup **v = NULL;
        size_t n = 0;
        ErrorInfo e = {};

        /* Same second: the second backup still gets its own, later-sorting ID. */
        ck_assert_str_ne(b1->id, b2->id);
        ck_assert_int_lt(strcmp(b1->id, b2->id), 0);

        ck_assert_int_eq(backup_list(root, &v, &n, &e), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(v[0]->id, b1->id);
        ck_assert_str_eq(v[1]->id, b2->id);
        ck_assert_uint_eq(v[0]->n_files, 1);
        ck_assert_uint_eq(v[1]->n_files, 2);
        ck_assert_str_eq(v[1]->files[1].path, "/etc/y");
        ck_assert_str_eq(v[1]->files[1].sha256, b2->files[1].sha256);
        ck_assert_uint_eq(v[1]->files[1].mode & 07777, 0644);
        backup_list_free(v, n);

        ck_assert_int_eq(backup_load(root, NULL, &newest, &e), 0);
        ck_assert_str_eq(newest->id, b2->id);
        ck_assert_uint_eq(newest->n_files, 2);
        ck_assert_str_eq(newest->files[0].path, "/etc/x");
        ck_assert_str_eq(newest->files[0].copy, b2->files[0].copy);
        ck_assert_str_eq(newest->files[0].sha256, b2->files[0].sha256);
        ck_assert_uint_eq(newest->files[0].mode, b2->files[0].mode);
        ck_assert_str_eq(newest->created, b2->created);

        ck_assert_int_eq(backup_load(root, b1->id, &first, &e), 0);
        ck_assert_str_eq(first->id, b1->id);
        ck_assert_uint_eq(first->n_files, 1);
}
END_TEST

START_TEST(test_none) {
        Backup **v = NULL, *b = NULL;
        size_t n = 99;
        ErrorInfo e = {};

        ck_assert_int_eq(backup_list(root, &v, &n, &e), 0);
        ck_assert_uint_eq(n, 0);
        backup_list_free(v, n);
        ck_assert_int_eq(backup_load(root, NULL, &b, &e), -ENOENT);
        ck_assert_ptr_null(b);
}
END_TEST

START_TEST(test_load_unknown) {
        _cleanup_(backup_freep) Backup *b = create_x();
        Backup *other = NULL;
        ErrorInfo e = {};

        ck_assert_int_eq(backup_load(root, "19700101T000000Z", &other, &e), -ENOENT);
        ck_assert_ptr_null(other);
        ck_assert_int_lt(backup_load(root, "../../etc", &other, &e), 0);
        ck_assert_ptr_null(other);
}
END_TEST

START_TEST(test_restore) {
        _cleanup_(backup_freep) Backup *b = create_xy(), *loaded = NULL;
        _cleanup_free_ char *x = NULL, *y = NULL, *p = in_root("/etc/x");
        ErrorInfo e = {};

        put("/etc/x", "-l 127.0.0.1\n-U 0\n", 0600);
        put("/etc/y", "", 0600);
        ck_assert_int_eq(backup_load(root, NULL, &loaded, &e), 0);
        ck_assert_int_eq(backup_restore(root, loaded, &e), 0);
        x = get("/etc/x");
        y = get("/etc/y");
        ck_assert_str_eq(x, X_TEXT);
        ck_assert_str_eq(y, Y_TEXT);
        ck_assert_uint_eq(mode_of("/etc/x"), 0640);
        ck_assert_uint_eq(mode_of("/etc/y"), 0644);

        /* Restoring a file that was removed brings it back too. */
        ck_assert_int_eq(unlink(p), 0);
        ck_assert_int_eq(backup_restore(root, b, &e), 0);
        free(x);
        x = get("/etc/x");
        ck_assert_str_eq(x, X_TEXT);
}
END_TEST

START_TEST(test_restore_tampered) {
        _cleanup_(backup_freep) Backup *b = create_x();
        _cleanup_free_ char *x = NULL;
        ErrorInfo e = {};

        put(b->files[0].copy, "# memcached\n-m 64\n-l 0.0.0.1\n", 0600);
        put("/etc/x", "-l 127.0.0.1\n", 0600);
        ck_assert_int_eq(backup_restore(root, b, &e), -EBADMSG);
        x = get("/etc/x");
        ck_assert_str_eq(x, "-l 127.0.0.1\n");
        ck_assert_uint_eq(mode_of("/etc/x"), 0600);
}
END_TEST

START_TEST(test_restore_tampered_second) {
        /* One bad copy: nothing is restored, not even the good files before it. */
        _cleanup_(backup_freep) Backup *b = create_xy();
        _cleanup_free_ char *x = NULL, *y = NULL;
        ErrorInfo e = {};

        put(b->files[1].copy, "OPTIONS=\"-U 0\"\n", 0600);
        put("/etc/x", "changed x\n", 0600);
        put("/etc/y", "changed y\n", 0600);
        ck_assert_int_eq(backup_restore(root, b, &e), -EBADMSG);
        x = get("/etc/x");
        y = get("/etc/y");
        ck_assert_str_eq(x, "changed x\n");
        ck_assert_str_eq(y, "changed y\n");
}
END_TEST

START_TEST(test_restore_truncated_copy) {
        _cleanup_(backup_freep) Backup *b = create_x();
        _cleanup_free_ char *x = NULL;
        ErrorInfo e = {};

        put(b->files[0].copy, "", 0600);
        put("/etc/x", "kept\n", 0644);
        ck_assert_int_eq(backup_restore(root, b, &e), -EBADMSG);
        x = get("/etc/x");
        ck_assert_str_eq(x, "kept\n");
}
END_TEST

static Suite *backup_suite(void) {
        Suite *s = suite_create("backup");
        TCase *tc = tcase_create("core");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_create);
        tcase_add_test(tc, test_list_and_load);
        tcase_add_test(tc, test_none);
        tcase_add_test(tc, test_load_unknown);
        tcase_add_test(tc, test_restore);
        tcase_add_test(tc, test_restore_tampered);
        tcase_add_test(tc, test_restore_tampered_second);
        tcase_add_test(tc, test_restore_truncated_copy);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(backup_suite)
