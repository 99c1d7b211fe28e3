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

/* mkdir -p for the test's own fixtures. */
static int mkdir_all(const char *path) {
        char p[PATH_MAX];

        snprintf(p, sizeof p, "%s", path);
        for (char *s = p + 1; *s; s++)
                if (*s == '/') {
                        *s = '\0';
                        if (mkdir(p, 0700) < 0 && errno != EEXIST)
                                return -errno;
                        *s = '/';
                }
        return mkdir(p, 0700) < 0 && errno != EEXIST ? -errno : 0;
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

/* Backs up the named files of the root as they are now. */
static Backup *create(const char *const *paths, size_t n) {
        BackupSource v[2];
        struct stat st[2];
        char *texts[2] = {};
        ErrorInfo e = {};
        Backup *b = NULL;

        ck_assert_uint_le(n, 2);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *p = in_root(paths[i]);
                texts[i] = get(paths[i]);
                ck_assert_int_eq(stat(p, &st[i]), 0);
                v[i] = (BackupSource) { paths[i], texts[i], strlen(texts[i]), &st[i] };
        }
        ck_assert_int_eq(backup_create(root, BACKUP_FOR_APPLY, v, n, &b, &e), 0);
        ck_assert_ptr_nonnull(b);
        for (size_t i = 0; i < n; i++)
                free(texts[i]);
        return b;
}

static Backup *create_x(void) {
        static const char *const paths[] = { "/etc/x" };
        return create(paths, 1);
}

static Backup *create_xy(void) {
        static const char *const paths[] = { "/etc/x", "/etc/y" };
        return create(paths, 2);
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

        ck_assert_int_eq(backup_list(root, NULL, &v, &n, &e), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(v[0]->id, b1->id);
        ck_assert_str_eq(v[1]->id, b2->id);
        ck_assert_uint_eq(v[0]->n_files, 1);
        ck_assert_uint_eq(v[1]->n_files, 2);
        ck_assert_str_eq(v[1]->files[1].path, "/etc/y");
        ck_assert_str_eq(v[1]->files[1].sha256, b2->files[1].sha256);
        ck_assert_uint_eq(v[1]->files[1].mode & 07777, 0644);
        backup_list_free(v, n);

        ck_assert_int_eq(backup_load(root, NULL, NULL, &newest, &e), 0);
        ck_assert_str_eq(newest->id, b2->id);
        ck_assert_uint_eq(newest->n_files, 2);
        ck_assert_str_eq(newest->files[0].path, "/etc/x");
        ck_assert_str_eq(newest->files[0].copy, b2->files[0].copy);
        ck_assert_str_eq(newest->files[0].sha256, b2->files[0].sha256);
        ck_assert_uint_eq(newest->files[0].mode, b2->files[0].mode);
        ck_assert_str_eq(newest->created, b2->created);

        ck_assert_int_eq(backup_load(root, NULL, b1->id, &first, &e), 0);
        ck_assert_str_eq(first->id, b1->id);
        ck_assert_uint_eq(first->n_files, 1);
}
END_TEST

START_TEST(test_none) {
        Backup **v = NULL, *b = NULL;
        size_t n = 99;
        ErrorInfo e = {};

        ck_assert_int_eq(backup_list(root, NULL, &v, &n, &e), 0);
        ck_assert_uint_eq(n, 0);
        backup_list_free(v, n);
        ck_assert_int_eq(backup_load(root, NULL, NULL, &b, &e), -ENOENT);
        ck_assert_ptr_null(b);
}
END_TEST

START_TEST(test_load_unknown) {
        _cleanup_(backup_freep) Backup *b = create_x();
        Backup *other = NULL;
        ErrorInfo e = {};

        ck_assert_int_eq(backup_load(root, NULL, "19700101T000000Z", &other, &e), -ENOENT);
        ck_assert_ptr_null(other);
        ck_assert_int_lt(backup_load(root, NULL, "../../etc", &other, &e), 0);
        ck_assert_ptr_null(other);
}
END_TEST

START_TEST(test_restore) {
        _cleanup_(backup_freep) Backup *b = create_xy(), *loaded = NULL;
        _cleanup_free_ char *x = NULL, *y = NULL, *p = in_root("/etc/x");
        ErrorInfo e = {};

        put("/etc/x", "-l 127.0.0.1\n-U 0\n", 0600);
        put("/etc/y", "", 0600);
        ck_assert_int_eq(backup_load(root, NULL, NULL, &loaded, &e), 0);
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
        Backup *loaded = NULL;
        ErrorInfo e = {};

        put(b->files[0].copy, "# memcached\n-m 64\n-l 0.0.0.1\n", 0600);
        ck_assert_int_eq(backup_load(root, NULL, b->id, &loaded, &e), -EBADMSG);
        ck_assert_ptr_null(loaded);
        ck_assert_ptr_nonnull(strstr(e.detail, "checksum mismatch"));
        /* Nor is it the newest one a plain rollback would pick. */
        ck_assert_int_eq(backup_load(root, NULL, NULL, &loaded, &e), -ENOENT);
}
END_TEST

START_TEST(test_restore_tampered_second) {
        /* One bad copy makes the whole backup damaged: all files or none. */
        _cleanup_(backup_freep) Backup *b = create_xy();
        Backup **v = NULL;
        size_t n = 0;
        ErrorInfo e = {};

        put(b->files[1].copy, "OPTIONS=\"-U 0\"\n", 0600);
        ck_assert_int_eq(backup_list(root, NULL, &v, &n, &e), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(v[0]->status, BACKUP_DAMAGED);
        ck_assert_ptr_nonnull(strstr(v[0]->error, "/etc/y"));
        backup_list_free(v, n);
}
END_TEST

START_TEST(test_restore_truncated_copy) {
        _cleanup_(backup_freep) Backup *b = create_x();
        Backup *loaded = NULL;
        ErrorInfo e = {};

        put(b->files[0].copy, "", 0600);
        ck_assert_int_eq(backup_load(root, NULL, b->id, &loaded, &e), -EBADMSG);
}
END_TEST

/* Writes a manifest by hand into a new backup directory ID, with one copy
 * of X_TEXT at files/etc/x. MANIFEST is a format taking the copy's checksum
 * twice. */
static void forge(const char *id, const char *manifest) {
        _cleanup_free_ char *m = NULL, *dir = NULL, *copy = NULL, *man = NULL;
        char sum[65];

        ck_assert_int_ge(asprintf(&dir, "%s" BACKUP_DIR "/%s/files/etc", root, id), 0);
        ck_assert_int_eq(mkdir_all(dir), 0);
        ck_assert_int_ge(asprintf(&copy, BACKUP_DIR "/%s/files/etc/x", id), 0);
        put(copy, X_TEXT, 0600);
        sha256_hex(X_TEXT, strlen(X_TEXT), sum);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* every caller passes a literal */
        ck_assert_int_ge(asprintf(&m, manifest, sum, sum), 0);
#pragma GCC diagnostic pop
        ck_assert_int_ge(asprintf(&man, BACKUP_DIR "/%s/manifest.json", id), 0);
        put(man, m, 0600);
}

static const Profile *x_profile(void) {
        /* A profile that owns /etc/x, as debian owns /etc/memcached.conf. */
        static const Profile p = { .name = "test", .config = "/etc/x" };
        return &p;
}

START_TEST(test_hostile_manifests) {
        static const char *const bad[] = {
                "{\"files\":[{\"path\":\"/../../tmp/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":\"/etc/./x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":\"etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":\"/etc/passwd\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":null,\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":\"/etc/x\",\"mode\":1e30,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":\"/etc/x\",\"mode\":99999,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":-1,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":4294967295,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":null}]}%s",
                "{\"files\":[{\"path\":\"/etc/x\",\"mode\":\"420\",\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"},{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                "{\"files\":17}%s",
                "[%s]",
        };
        char id[32];

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                Backup *b = NULL;
                ErrorInfo e = {};

                snprintf(id, sizeof id, "20260101T0000%02zuZ", i);
                forge(id, bad[i]);
                ck_assert_msg(backup_load(root, x_profile(), id, &b, &e) == -EBADMSG, "manifest %zu was accepted", i);
                ck_assert_ptr_null(b);
        }
        /* The same manifest with sane fields is fine. */
        forge("20260102T000000Z",
              "{\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}");
        {
                _cleanup_(backup_freep) Backup *b = NULL;
                ErrorInfo e = {};
                ck_assert_int_eq(backup_load(root, x_profile(), NULL, &b, &e), 0);
                ck_assert_str_eq(b->id, "20260102T000000Z");
                ck_assert_uint_eq(b->files[0].mode, 0644);
        }
}
END_TEST

/* What a backup was made for is recorded and read back; a manifest that
 * does not say (an earlier memharden's) or names a reason this version
 * does not know, or a creation time that is no timestamp, still loads,
 * with those unknown. */
START_TEST(test_reason_and_created) {
        static const struct {
                const char *id, *manifest;
                BackupReason reason;
                const char *created;
        } cases[] = {
                { "20260103T000000Z", "{\"reason\":\"rollback-undo\",\"created\":\"2026-01-03T00:00:00Z\","
                  "\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                  BACKUP_FOR_ROLLBACK_UNDO, "2026-01-03T00:00:00Z" },
                { "20260104T000000Z", "{\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                  BACKUP_REASON_UNKNOWN, NULL },
                { "20260105T000000Z", "{\"reason\":\"upgrade\",\"created\":\"\\u001b[2Jnow\","
                  "\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                  BACKUP_REASON_UNKNOWN, NULL },
                { "20260106T000000Z", "{\"reason\":17,\"created\":\"2026-01-06T00:00:00Z and more\","
                  "\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,\"sha256\":\"%s\"}]}",
                  BACKUP_REASON_UNKNOWN, NULL },
        };
        _cleanup_(backup_freep) Backup *made = create_x(), *read = NULL;
        ErrorInfo e = {};

        ck_assert_int_eq(made->reason, BACKUP_FOR_APPLY);
        ck_assert_int_eq(backup_load(root, NULL, made->id, &read, &e), 0);
        ck_assert_int_eq(read->reason, BACKUP_FOR_APPLY);
        ck_assert_str_eq(read->created, made->created);
        ck_assert_str_eq(backup_reason_to_string(BACKUP_FOR_APPLY), "apply");
        ck_assert_str_eq(backup_reason_to_string(BACKUP_FOR_ROLLBACK_UNDO), "rollback-undo");
        ck_assert_ptr_null(backup_reason_to_string(BACKUP_REASON_UNKNOWN));
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(backup_freep) Backup *b = NULL;

                forge(cases[i].id, cases[i].manifest);
                ck_assert_int_eq(backup_load(root, x_profile(), cases[i].id, &b, &e), 0);
                ck_assert_int_eq(b->status, BACKUP_COMPLETE);
                ck_assert_msg(b->reason == cases[i].reason, "%s: reason %d", cases[i].id, b->reason);
                if (cases[i].created)
                        ck_assert_str_eq(b->created, cases[i].created);
                else
                        ck_assert_ptr_null(b->created);
        }
}
END_TEST

START_TEST(test_incomplete_skipped) {
        _cleanup_(backup_freep) Backup *good = create_x(), *b = NULL;
        _cleanup_free_ char *dir = NULL;
        Backup **v = NULL;
        size_t n = 0;
        ErrorInfo e = {};

        /* A later directory without a manifest: listed, never picked. */
        ck_assert_int_ge(asprintf(&dir, "%s" BACKUP_DIR "/29991231T235959Z", root), 0);
        ck_assert_int_eq(mkdir(dir, 0700), 0);
        ck_assert_int_eq(backup_list(root, NULL, &v, &n, &e), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_int_eq(v[1]->status, BACKUP_INCOMPLETE);
        backup_list_free(v, n);
        ck_assert_int_eq(backup_load(root, NULL, NULL, &b, &e), 0);
        ck_assert_str_eq(b->id, good->id);
        backup_free(TAKE_PTR(b));
        ck_assert_int_eq(backup_load(root, NULL, "29991231T235959Z", &b, &e), -EBADMSG);
        ck_assert_ptr_nonnull(strstr(e.detail, "incomplete"));
}
END_TEST

START_TEST(test_stale_removed) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_(backup_freep) Backup *b = create_x();
        struct stat st;

        ck_assert_int_ge(asprintf(&tmp, "%s" BACKUP_DIR "/.tmp-abcdef", root), 0);
        ck_assert_int_eq(mkdir(tmp, 0700), 0);
        ck_assert_int_eq(backup_remove_stale(root), 0);
        ck_assert_int_eq(stat(tmp, &st), -1);
        ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* backup_exists(): only a complete backup counts, newest first; nothing
 * is created to find out, and a hostile backup directory is judged, not
 * followed. */
START_TEST(test_exists) {
        _cleanup_free_ char *bdir = NULL, *dir = NULL, *link = NULL;
        struct stat st;

        ck_assert_int_ge(asprintf(&bdir, "%s" BACKUP_DIR, root), 0);
        ck_assert_int_eq(backup_exists(root, NULL), 0);
        ck_assert_int_eq(stat(bdir, &st), -1); /* nothing created */

        /* Incomplete (no manifest), damaged, and a link to a good one elsewhere. */
        ck_assert_int_ge(asprintf(&dir, "%s/29991231T235959Z", bdir), 0);
        ck_assert_int_eq(mkdir_all(dir), 0);
        forge("20260101T000000Z", "{\"files\":17}%s%s");
        forge("20260101T000001Z", "{\"files\":[{\"path\":\"/etc/passwd\",\"mode\":420,\"uid\":0,\"gid\":0,"
                                  "\"sha256\":\"%s\"}]}%s");
        ck_assert_int_eq(backup_exists(root, x_profile()), 0);
        forge("20260101T000002Z", "{\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,"
                                  "\"sha256\":\"%s\"}]}%s");
        put(BACKUP_DIR "/20260101T000002Z/files/etc/x", "tampered\n", 0600);
        ck_assert_int_eq(backup_exists(root, x_profile()), 0);
        ck_assert_int_ge(asprintf(&link, "%s/20270101T000000Z", bdir), 0);
        ck_assert_int_eq(symlink("/", link), 0);
        ck_assert_int_eq(backup_exists(root, x_profile()), 0);

        /* One complete backup, older than all of those: it counts. */
        forge("20250101T000000Z", "{\"files\":[{\"path\":\"/etc/x\",\"mode\":420,\"uid\":0,\"gid\":0,"
                                  "\"sha256\":\"%s\"}]}%s");
        ck_assert_int_eq(backup_exists(root, x_profile()), 1);
        ck_assert_int_eq(backup_exists(root, NULL), 1);
}
END_TEST

static Suite *backup_suite(void) {
        Suite *s = suite_create("backup");
        TCase *tc = tcase_create("core");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_none);
        tcase_add_test(tc, test_hostile_manifests);
        tcase_add_test(tc, test_exists);
        /* These create backups, which are always written owned by root: as
         * another user (a package build) they are skipped. */
        if (geteuid() == 0) {
                tcase_add_test(tc, test_create);
                tcase_add_test(tc, test_list_and_load);
                tcase_add_test(tc, test_load_unknown);
                tcase_add_test(tc, test_restore);
                tcase_add_test(tc, test_restore_tampered);
                tcase_add_test(tc, test_restore_tampered_second);
                tcase_add_test(tc, test_restore_truncated_copy);
                tcase_add_test(tc, test_incomplete_skipped);
                tcase_add_test(tc, test_stale_removed);
                tcase_add_test(tc, test_reason_and_created);
        } else
                printf("test-backup: skipped test_create, test_list_and_load, test_load_unknown, test_restore, test_restore_tampered, test_restore_tampered_second, test_restore_truncated_copy, test_incomplete_skipped, test_stale_removed, test_reason_and_created: a backup is written owned by root, which needs root\n");
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(backup_suite)
