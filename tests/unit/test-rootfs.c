/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for rootfs.c: path resolution confined to a root, reading and
 * atomic writing of files below it, stale temp files, temp directories and
 * recursive removal. Every test has a root directory and, beside it, a canary
 * directory that links inside the root point at: the kernel would follow them
 * out of the root, rootfs.c must not, and the teardown checks that the canary
 * was neither read through nor written to. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "rootfs.h"
#include "tmpdir.h"
#include "util.h"

/* One directory per run (made and removed by the runner process, so even a
 * failed test leaves nothing behind), one subdirectory per test. */
TMPDIR_FIXTURE(tmpdir)

static const char CANARY_TEXT[] = "canary\n";

static char root[PATH_MAX], canary[PATH_MAX];
static int rfd = -1, cfd = -1; /* O_PATH fds of root and canary */
static struct stat canary_keep_st;

/* Sentinels for "ret_* untouched on failure". */
static char untouched_name[] = "untouched";
#define UNTOUCHED_FD (-7)

static void put_at(int dir_fd, const char *rel, const char *data, size_t size) {
        _cleanup_close_ int fd = openat(dir_fd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

        ck_assert_msg(fd >= 0, "create %s: %s", rel, strerror(errno));
        ck_assert_int_eq(write(fd, data, size), (ssize_t) size);
}

static void put(int dir_fd, const char *rel, const char *text) {
        put_at(dir_fd, rel, text, strlen(text));
}

/* The content of REL below DIR_FD, NULL when it does not exist. A final
 * symlink is not followed (that fails with ELOOP, also NULL). */
static char *get(int dir_fd, const char *rel) {
        _cleanup_close_ int fd = openat(dir_fd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        char buf[8192];
        ssize_t n;

        if (fd < 0)
                return NULL;
        n = read(fd, buf, sizeof buf - 1);
        ck_assert_int_ge(n, 0);
        buf[n] = '\0';
        return strdup(buf);
}

static void assert_content(int dir_fd, const char *rel, const char *want) {
        _cleanup_free_ char *s = get(dir_fd, rel);

        ck_assert_msg(s, "%s: missing", rel);
        ck_assert_msg(strcmp(s, want) == 0, "%s: '%s', want '%s'", rel, s, want);
}

static bool exists_at(int dir_fd, const char *rel) {
        struct stat st;

        return fstatat(dir_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* mkdir -p REL below DIR_FD, component by component. */
static void mkdirs(int dir_fd, const char *rel, mode_t mode) {
        _cleanup_free_ char *p = strdup(rel);

        ck_assert_ptr_nonnull(p);
        for (char *s = p;; s++) {
                if (*s != '/' && *s != '\0')
                        continue;
                char c = *s;
                *s = '\0';
                if (*p)
                        ck_assert_msg(mkdirat(dir_fd, p, mode) == 0 || errno == EEXIST, "mkdir %s: %s", p,
                                      strerror(errno));
                *s = c;
                if (c == '\0')
                        break;
        }
}

static void link_at(const char *target, int dir_fd, const char *rel) {
        ck_assert_msg(symlinkat(target, dir_fd, rel) == 0, "symlink %s: %s", rel, strerror(errno));
}

static void stat_at(int dir_fd, const char *rel, struct stat *st) {
        ck_assert_msg(fstatat(dir_fd, rel, st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) == 0, "stat %s: %s", rel,
                      strerror(errno));
}

static bool same_inode(const struct stat *a, const struct stat *b) {
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static bool is_cloexec(int fd) {
        int f = fcntl(fd, F_GETFD);

        ck_assert_int_ge(f, 0);
        return f & FD_CLOEXEC;
}

/* Entries of directory REL below DIR_FD whose name contains INFIX (all
 * entries but "." and ".." for NULL). */
static int count_entries(int dir_fd, const char *rel, const char *infix) {
        int fd = openat(dir_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        _cleanup_(closedirp) DIR *d = NULL;
        int n = 0;

        ck_assert_int_ge(fd, 0);
        d = fdopendir(fd);
        ck_assert_ptr_nonnull(d);
        for (struct dirent *de; (de = readdir(d));) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (!infix || strstr(de->d_name, infix))
                        n++;
        }
        return n;
}

static int count_temps(int dir_fd, const char *rel) {
        return count_entries(dir_fd, rel, ".memharden.");
}

/* The canary beside the root holds exactly the file it was made with. */
static void assert_canary_intact(void) {
        struct stat st;

        ck_assert_int_eq(count_entries(cfd, ".", NULL), 1);
        assert_content(cfd, "keep", CANARY_TEXT);
        stat_at(cfd, "keep", &st);
        ck_assert(same_inode(&st, &canary_keep_st));
        ck_assert_uint_eq(st.st_mode & 07777, 0644);
        ck_assert_uint_eq(st.st_uid, canary_keep_st.st_uid);
}

static void setup(void) {
        tmp_make();
        /* Modes below are asserted exactly; a known umask makes the
         * expectations of files made by the tests themselves stable. */
        umask(022);
        ck_assert_int_lt(snprintf(root, sizeof root, "%.*s/root", PATH_MAX - 16, tmpdir), (int) sizeof root);
        ck_assert_int_lt(snprintf(canary, sizeof canary, "%.*s/canary", PATH_MAX - 16, tmpdir), (int) sizeof canary);
        ck_assert_int_eq(mkdir(root, 0755), 0);
        ck_assert_int_eq(mkdir(canary, 0755), 0);
        rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        cfd = open(canary, O_PATH | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(rfd, 0);
        ck_assert_int_ge(cfd, 0);
        put(cfd, "keep", CANARY_TEXT);
        stat_at(cfd, "keep", &canary_keep_st);
}

static void teardown(void) {
        /* Whatever a test did below the root, nothing happened beside it. */
        assert_canary_intact();
        close(rfd);
        close(cfd);
        tmp_remove();
}

/* chase() of PATH in the root succeeds, and its three results agree with
 * WANT, the resolved absolute path inside the root. */
static void assert_chase(const char *path, ChaseFlags flags, const char *want) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL, *p = NULL, *want_dir = NULL;
        const char *slash = strrchr(want, '/');
        struct stat a, b;
        int r = chase(rfd, path, flags, &dir_fd, &name, &p);

        ck_assert_msg(r == 0, "chase(%s) = %s", path, strerror(-r));
        ck_assert_msg(strcmp(p, want) == 0, "chase(%s) = '%s', want '%s'", path, p, want);
        ck_assert_msg(is_cloexec(dir_fd), "chase(%s): fd without O_CLOEXEC", path);

        /* The fd is the directory that holds WANT, or WANT itself with
         * name "." (WANT holds no symlinks, so the kernel resolves it the
         * same way). */
        ck_assert_ptr_nonnull(slash);
        if (strcmp(name, ".") == 0)
                want_dir = strdup(want + 1);
        else {
                want_dir = strndup(want + 1, (size_t) (slash - want - (slash > want)));
                ck_assert_str_eq(name, slash + 1);
        }
        ck_assert_ptr_nonnull(want_dir);
        stat_at(dir_fd, "", &a);
        stat_at(rfd, want_dir, &b);
        ck_assert_msg(same_inode(&a, &b), "chase(%s): fd is not ROOT/%s", path, want_dir);

        /* The result is never a symlink when it exists. */
        if (fstatat(dir_fd, name, &a, AT_SYMLINK_NOFOLLOW) == 0)
                ck_assert_msg(!S_ISLNK(a.st_mode), "chase(%s) ends in a symlink", path);
}

/* chase() of PATH fails with ERR and leaves its ret_* alone. */
static void assert_chase_fails(const char *path, ChaseFlags flags, int err) {
        int dir_fd = UNTOUCHED_FD;
        char *name = untouched_name, *p = untouched_name;
        int r = chase(rfd, path, flags, &dir_fd, &name, &p);

        ck_assert_msg(r == err, "chase(%s, %d) = %s, want %s", path, (int) flags, r < 0 ? strerror(-r) : "0",
                      strerror(-err));
        ck_assert_int_eq(dir_fd, UNTOUCHED_FD);
        ck_assert_ptr_eq(name, untouched_name);
        ck_assert_ptr_eq(p, untouched_name);
}

/* The resolved path of PATH, which may be missing. */
static char *chase_path(const char *path, ChaseFlags flags) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL;
        char *p = NULL;

        ck_assert_int_eq(chase(rfd, path, flags, &dir_fd, &name, &p), 0);
        return p;
}

/* A symlink target that names the canary by its absolute host path, plus
 * SUFFIX: the kernel follows it out of the root. */
static char *canary_target(const char *suffix) {
        char *t;

        ck_assert_int_ge(asprintf(&t, "%s%s", canary, suffix), 0);
        return t;
}

/* ---- chase() ---- */

START_TEST(test_chase_plain) {
        mkdirs(rfd, "etc/memcached.d", 0755);
        put(rfd, "etc/memcached.conf", "-m 64\n");

        assert_chase("/etc/memcached.conf", 0, "/etc/memcached.conf");
        assert_chase("etc/memcached.conf", 0, "/etc/memcached.conf");      /* relative: to the root */
        assert_chase("//etc///memcached.conf", 0, "/etc/memcached.conf");  /* repeated slashes */
        assert_chase("/etc/", 0, "/etc");
        assert_chase("/etc/memcached.d", 0, "/etc/memcached.d");
        assert_chase("/", 0, "/");
        assert_chase("", 0, "/");
        assert_chase("/etc/memcached.conf", CHASE_NOSYMLINKS, "/etc/memcached.conf");
        assert_chase("/etc/memcached.conf", CHASE_NONEXISTENT | CHASE_MKDIR, "/etc/memcached.conf");

        /* ret_path is optional. */
        {
                _cleanup_close_ int dir_fd = -1;
                _cleanup_free_ char *name = NULL;

                ck_assert_int_eq(chase(rfd, "/etc/memcached.conf", 0, &dir_fd, &name, NULL), 0);
                ck_assert_str_eq(name, "memcached.conf");
        }

        assert_chase_fails("/etc/missing.conf", 0, -ENOENT);
        assert_chase_fails("/nope/memcached.conf", 0, -ENOENT);
}
END_TEST

START_TEST(test_chase_dot_dotdot) {
        mkdirs(rfd, "etc/sub", 0755);
        put(rfd, "etc/x", "x\n");

        assert_chase("/etc/./x", 0, "/etc/x");
        assert_chase("./etc/x", 0, "/etc/x");
        assert_chase("/etc/../etc/x", 0, "/etc/x");
        assert_chase("/etc/sub/../../etc/sub/../x", 0, "/etc/x");
        /* ".." of the root is the root, however often. */
        assert_chase("/../../etc/x", 0, "/etc/x");
        assert_chase("../etc/x", 0, "/etc/x");
        assert_chase("/etc/../../../../etc/x", 0, "/etc/x");
        assert_chase("/..", 0, "/");
        assert_chase("..", 0, "/");
        assert_chase("/etc/..", 0, "/");
        assert_chase("/etc/sub/..", 0, "/etc");
        assert_chase("/etc/.", 0, "/etc");
        /* Beside the root, ".." would reach the canary. */
        assert_chase_fails("/../canary/keep", 0, -ENOENT);
        assert_chase_fails("/etc/../../canary/keep", 0, -ENOENT);
        {
                _cleanup_free_ char *p = chase_path("/../canary/keep", CHASE_NONEXISTENT | CHASE_MKDIR);

                /* Made inside the root, not beside it. */
                ck_assert_str_eq(p, "/canary/keep");
                ck_assert(exists_at(rfd, "canary"));
                ck_assert(!exists_at(rfd, "canary/keep"));
        }
}
END_TEST

START_TEST(test_chase_absolute_symlink) {
        _cleanup_free_ char *out = canary_target(""), *out_keep = canary_target("/keep");
        _cleanup_free_ char *data = NULL;
        struct stat st, kst;

        mkdirs(rfd, "elsewhere", 0755);
        put(rfd, "elsewhere/x", "inside\n");
        link_at("/elsewhere", rfd, "etc");
        link_at(out, rfd, "out");
        link_at(out_keep, rfd, "outkeep");

        /* The image's "/" is the root. */
        assert_chase("/etc/x", 0, "/elsewhere/x");
        assert_chase("/etc", 0, "/elsewhere");
        assert_chase("/etc/", 0, "/elsewhere");

        /* The kernel would follow these to the canary beside the root... */
        ck_assert_int_eq(fstatat(rfd, "out/keep", &st, 0), 0);
        stat_at(cfd, "keep", &kst);
        ck_assert(same_inode(&st, &kst));
        /* ...chase() looks for the same path inside the root, where there
         * is none. */
        assert_chase_fails("/out/keep", 0, -ENOENT);
        assert_chase_fails("/outkeep", 0, -ENOENT);
        ck_assert_int_eq(root_read_file(root, "/out/keep", &data, NULL, NULL), -ENOENT);
        ck_assert_ptr_null(data);
        ck_assert_int_eq(root_read_file(root, "/outkeep", &data, NULL, NULL), -ENOENT);
        ck_assert_ptr_null(data);
        /* A write needs the directory, which exists outside only. */
        ck_assert_int_eq(root_write_file(root, "/out/new", "x", 1, &(WriteMeta) { .mode = 0644 }), -ENOENT);
        ck_assert_int_eq(root_write_file(root, "/out/keep", "x", 1, &(WriteMeta) { .mode = 0644 }), -ENOENT);
        assert_canary_intact();

        /* Once the image has that path, everything lands there. */
        mkdirs(rfd, out + 1, 0755);
        {
                const char *rel_keep = out_keep + 1;

                put(rfd, rel_keep, "inside\n");
                assert_chase("/out/keep", 0, out_keep);
                assert_chase("/outkeep", 0, out_keep);
                ck_assert_int_eq(root_read_file(root, "/out/keep", &data, NULL, NULL), 0);
                ck_assert_str_eq(data, "inside\n");
                free(TAKE_PTR(data));
                ck_assert_int_eq(root_read_file(root, "/outkeep", &data, NULL, NULL), 0);
                ck_assert_str_eq(data, "inside\n");
                free(TAKE_PTR(data));

                ck_assert_int_eq(root_write_file(root, "/out/keep", "new\n", 4, &(WriteMeta) { .mode = 0644 }), 0);
                assert_content(rfd, rel_keep, "new\n");
                ck_assert_int_eq(root_write_file(root, "/outkeep", "newer\n", 6, &(WriteMeta) { .mode = 0644 }), 0);
                assert_content(rfd, rel_keep, "newer\n");
                ck_assert_int_eq(root_write_file(root, "/out/added", "a\n", 2, &(WriteMeta) { .mode = 0644 }), 0);
                /* The final link stays a link; its target was replaced. */
                stat_at(rfd, "outkeep", &st);
                ck_assert(S_ISLNK(st.st_mode));
        }
        assert_canary_intact();
}
END_TEST

START_TEST(test_chase_relative_symlink_escape) {
        _cleanup_free_ char *data = NULL;
        struct stat st, kst;

        /* From ROOT/a/b, three ".." reach the temp dir that holds both the
         * root and the canary. */
        mkdirs(rfd, "a/b", 0755);
        link_at("../../../canary", rfd, "a/b/up");
        link_at("../../../../../../../../../../canary", rfd, "a/b/far");
        link_at("../../../canary/keep", rfd, "a/b/upkeep");
        ck_assert_int_eq(fstatat(rfd, "a/b/up/keep", &st, 0), 0);
        stat_at(cfd, "keep", &kst);
        ck_assert(same_inode(&st, &kst)); /* the kernel escapes */

        assert_chase_fails("/a/b/up/keep", 0, -ENOENT);
        assert_chase_fails("/a/b/upkeep", 0, -ENOENT);
        ck_assert_int_eq(root_read_file(root, "/a/b/up/keep", &data, NULL, NULL), -ENOENT);
        ck_assert_int_eq(root_read_file(root, "/a/b/upkeep", &data, NULL, NULL), -ENOENT);
        ck_assert_ptr_null(data);
        ck_assert_int_eq(root_write_file(root, "/a/b/up/keep", "x", 1, &(WriteMeta) { .mode = 0644 }), -ENOENT);
        ck_assert_int_eq(root_write_file(root, "/a/b/far/new", "x", 1, &(WriteMeta) { .mode = 0644 }), -ENOENT);
        assert_canary_intact();

        /* With ROOT/canary, the links resolve there. */
        mkdirs(rfd, "canary", 0755);
        put(rfd, "canary/keep", "inside\n");
        assert_chase("/a/b/up/keep", 0, "/canary/keep");
        assert_chase("/a/b/far/keep", 0, "/canary/keep");
        assert_chase("/a/b/upkeep", 0, "/canary/keep");
        assert_chase("/a/b/up", 0, "/canary");
        ck_assert_int_eq(root_read_file(root, "/a/b/upkeep", &data, NULL, NULL), 0);
        ck_assert_str_eq(data, "inside\n");
        ck_assert_int_eq(root_write_file(root, "/a/b/up/keep", "1\n", 2, &(WriteMeta) { .mode = 0644 }), 0);
        assert_content(rfd, "canary/keep", "1\n");
        ck_assert_int_eq(root_write_file(root, "/a/b/far/new", "2\n", 2, &(WriteMeta) { .mode = 0644 }), 0);
        assert_content(rfd, "canary/new", "2\n");
        ck_assert_int_eq(root_write_file(root, "/a/b/upkeep", "3\n", 2, &(WriteMeta) { .mode = 0644 }), 0);
        assert_content(rfd, "canary/keep", "3\n");
        assert_canary_intact();
}
END_TEST

START_TEST(test_chase_symlink_chain) {
        char name[32], target[32];

        mkdirs(rfd, "real/d", 0755);
        put(rfd, "real/file", "f\n");
        /* l1 -> l2 (relative) -> /d/l3 (absolute) -> ../real (relative,
         * from ROOT/d) */
        mkdirs(rfd, "d", 0755);
        link_at("l2", rfd, "l1");
        link_at("/d/l3", rfd, "l2");
        link_at("../real", rfd, "d/l3");
        assert_chase("/l1/file", 0, "/real/file");
        assert_chase("/l1", 0, "/real");
        assert_chase("/l1/d/../file", 0, "/real/file"); /* ".." after a link: of the target */

        /* A link to a link to a file, as the final component. */
        link_at("real/file", rfd, "f1");
        link_at("/f1", rfd, "f2");
        assert_chase("/f2", 0, "/real/file");
        /* A dangling final link, with CHASE_NONEXISTENT: its target. */
        link_at("/real/d/new.conf", rfd, "dangling");
        link_at("dangling", rfd, "dangling2");
        assert_chase("/dangling2", CHASE_NONEXISTENT, "/real/d/new.conf");
        assert_chase_fails("/dangling2", 0, -ENOENT);

        /* A longer chain, c0 -> c1 -> ... -> c15 -> real, as deep as a
         * real system's alternatives get. */
        for (int i = 0; i < 16; i++) {
                snprintf(name, sizeof name, "c%d", i);
                if (i == 15)
                        snprintf(target, sizeof target, "/real");
                else
                        snprintf(target, sizeof target, "%sc%d", i % 2 ? "/" : "", i + 1);
                link_at(target, rfd, name);
        }
        assert_chase("/c0/file", 0, "/real/file");
}
END_TEST

START_TEST(test_chase_symlink_loop) {
        mkdirs(rfd, "d", 0755);
        link_at("loop2", rfd, "loop1");
        link_at("/loop1", rfd, "loop2");
        link_at("self", rfd, "self");
        link_at("grow/x", rfd, "grow");     /* every step longer */
        link_at("../d/back", rfd, "d/back"); /* through ".." */

        static const char *const paths[] = {
                "/loop1", "/loop2/x", "/self", "/self/", "/grow", "/grow/y", "/d/back", "/d/back/z",
        };
        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                assert_chase_fails(paths[i], 0, -ELOOP);
                assert_chase_fails(paths[i], CHASE_NONEXISTENT | CHASE_MKDIR, -ELOOP);
        }
}
END_TEST

START_TEST(test_chase_nosymlinks) {
        mkdirs(rfd, "elsewhere", 0755);
        put(rfd, "elsewhere/x", "x\n");
        link_at("/elsewhere", rfd, "etc");
        link_at("elsewhere", rfd, "rel");
        link_at("/elsewhere/x", rfd, "elsewhere/y");
        link_at("/elsewhere/missing", rfd, "elsewhere/dangling");

        assert_chase("/elsewhere/x", CHASE_NOSYMLINKS, "/elsewhere/x");
        assert_chase_fails("/etc/x", CHASE_NOSYMLINKS, -ELOOP);
        assert_chase_fails("/rel/x", CHASE_NOSYMLINKS, -ELOOP);
        assert_chase_fails("/etc", CHASE_NOSYMLINKS, -ELOOP);
        assert_chase_fails("/elsewhere/y", CHASE_NOSYMLINKS, -ELOOP);
        assert_chase_fails("/elsewhere/dangling", CHASE_NOSYMLINKS | CHASE_NONEXISTENT, -ELOOP);
        assert_chase_fails("/etc/new/x", CHASE_NOSYMLINKS | CHASE_NONEXISTENT | CHASE_MKDIR, -ELOOP);
        ck_assert(!exists_at(rfd, "elsewhere/new"));
        /* Without the flag all of these resolve. */
        assert_chase("/etc/x", 0, "/elsewhere/x");
        assert_chase("/elsewhere/y", 0, "/elsewhere/x");
}
END_TEST

START_TEST(test_chase_nonexistent) {
        struct stat st;

        mkdirs(rfd, "etc", 0755);
        mkdirs(rfd, "var", 0755);
        put(rfd, "file", "f\n");

        assert_chase_fails("/etc/missing.conf", 0, -ENOENT);
        assert_chase("/etc/missing.conf", CHASE_NONEXISTENT, "/etc/missing.conf");
        assert_chase("/missing", CHASE_NONEXISTENT, "/missing");
        assert_chase("/etc/../missing", CHASE_NONEXISTENT, "/missing");
        /* Existing paths are fine with the flag too. */
        assert_chase("/file", CHASE_NONEXISTENT, "/file");
        /* Only the last component may be missing. */
        assert_chase_fails("/nodir/missing.conf", CHASE_NONEXISTENT, -ENOENT);
        assert_chase_fails("/etc/nodir/missing.conf", CHASE_NONEXISTENT, -ENOENT);
        ck_assert(!exists_at(rfd, "nodir"));
        ck_assert(!exists_at(rfd, "etc/nodir"));
        /* A dangling link: its target, which is inside the root. */
        link_at("/var/new.conf", rfd, "etc/dangling");
        assert_chase("/etc/dangling", CHASE_NONEXISTENT, "/var/new.conf");
        link_at("/novar/new.conf", rfd, "etc/dangling2");
        assert_chase_fails("/etc/dangling2", CHASE_NONEXISTENT, -ENOENT);
        /* Nothing was created on the way. */
        ck_assert_int_eq(count_entries(rfd, "etc", NULL), 2);
        ck_assert_int_eq(count_entries(rfd, "var", NULL), 0);
        ck_assert_int_eq(count_entries(rfd, ".", NULL), 3);
        stat_at(rfd, "etc/dangling", &st);
        ck_assert(S_ISLNK(st.st_mode));
}
END_TEST

START_TEST(test_chase_mkdir) {
        _cleanup_free_ char *out = canary_target("");
        struct stat st;

        mkdirs(rfd, "a", 0755);
        assert_chase("/a/b/c/file", CHASE_MKDIR | CHASE_NONEXISTENT, "/a/b/c/file");
        stat_at(rfd, "a/b/c", &st);
        ck_assert(S_ISDIR(st.st_mode));
        ck_assert(!exists_at(rfd, "a/b/c/file")); /* only directories */
        /* Again: all there, nothing to do. */
        assert_chase("/a/b/c/file", CHASE_MKDIR | CHASE_NONEXISTENT, "/a/b/c/file");
        assert_chase("/a/b/c/", CHASE_MKDIR, "/a/b/c");

        /* Through links out of the root: made inside. */
        link_at(out, rfd, "abs");
        mkdirs(rfd, "x/y", 0755);
        link_at("../../../canary", rfd, "x/y/rel");
        link_at("/made/here", rfd, "dangling");
        {
                _cleanup_free_ char *want = canary_target("/sub/file"), *want_dir = canary_target("/sub");

                assert_chase("/abs/sub/file", CHASE_MKDIR | CHASE_NONEXISTENT, want);
                stat_at(rfd, want_dir + 1, &st);
                ck_assert(S_ISDIR(st.st_mode));
        }
        assert_chase("/x/y/rel/sub/file", CHASE_MKDIR | CHASE_NONEXISTENT, "/canary/sub/file");
        stat_at(rfd, "canary/sub", &st);
        ck_assert(S_ISDIR(st.st_mode));
        assert_chase("/dangling/f", CHASE_MKDIR | CHASE_NONEXISTENT, "/made/here/f");
        stat_at(rfd, "made/here", &st);
        ck_assert(S_ISDIR(st.st_mode));
        stat_at(rfd, "dangling", &st);
        ck_assert(S_ISLNK(st.st_mode));
        assert_canary_intact();
}
END_TEST

/* rootfs.h: CHASE_MKDIR creates missing directories with mode 0755 (what is
 * private, such as the backup directory, is made 0700 by root_open_dir()). */
START_TEST(test_chase_mkdir_mode) {
        struct stat st;

        umask(0); /* the mode is chase()'s alone */
        assert_chase("/a/b/file", CHASE_MKDIR | CHASE_NONEXISTENT, "/a/b/file");
        stat_at(rfd, "a", &st);
        ck_assert_msg((st.st_mode & 07777) == 0755, "ROOT/a made with mode %04o, want 0755", st.st_mode & 07777);
        stat_at(rfd, "a/b", &st);
        ck_assert_msg((st.st_mode & 07777) == 0755, "ROOT/a/b made with mode %04o, want 0755",
                      st.st_mode & 07777);
}
END_TEST

START_TEST(test_chase_enotdir) {
        mkdirs(rfd, "etc", 0755);
        put(rfd, "etc/file", "f\n");
        link_at("/etc/file", rfd, "lf");

        assert_chase_fails("/etc/file/x", 0, -ENOTDIR);
        assert_chase_fails("/etc/file/x", CHASE_NONEXISTENT, -ENOTDIR);
        assert_chase_fails("/etc/file/x/y", CHASE_NONEXISTENT | CHASE_MKDIR, -ENOTDIR);
        assert_chase_fails("/etc/file/.", 0, -ENOTDIR);
        assert_chase_fails("/etc/file/..", 0, -ENOTDIR);
        assert_chase_fails("/lf/x", CHASE_NONEXISTENT, -ENOTDIR);
        ck_assert_int_eq(count_entries(rfd, "etc", NULL), 1);
}
END_TEST

/* As the kernel does: a trailing slash asks for a directory. */
START_TEST(test_chase_trailing_slash) {
        char *data = NULL;

        mkdirs(rfd, "etc/d", 0755);
        put(rfd, "etc/file", "f\n");
        assert_chase("/etc/d/", 0, "/etc/d");
        assert_chase_fails("/etc/file/", 0, -ENOTDIR);
        assert_chase_fails("/etc/file//", CHASE_NONEXISTENT, -ENOTDIR);
        ck_assert_int_eq(root_read_file(root, "/etc/file/", &data, NULL, NULL), -ENOTDIR);
        ck_assert_ptr_null(data);
}
END_TEST

START_TEST(test_chase_cloexec) {
        _cleanup_close_ int root_fd = -1, dir_fd = -1, fd = -1;
        _cleanup_free_ char *name = NULL;

        mkdirs(rfd, "etc", 0755);
        ck_assert_int_eq(root_open(root, &root_fd), 0);
        ck_assert(is_cloexec(root_fd));
        ck_assert_int_eq(chase(root_fd, "/etc", 0, &dir_fd, &name, NULL), 0);
        ck_assert(is_cloexec(dir_fd));
        /* A dup, not the caller's fd, even when the result is the root. */
        close(TAKE_FD(dir_fd));
        free(TAKE_PTR(name));
        ck_assert_int_eq(chase(root_fd, "/", 0, &dir_fd, &name, NULL), 0);
        ck_assert_int_ne(dir_fd, root_fd);
        ck_assert(is_cloexec(dir_fd));
        ck_assert_int_eq(root_open_dir(root, "/etc", 0, &fd), 0);
        ck_assert(is_cloexec(fd));
}
END_TEST

/* ---- read_file_at(), root_read_file() ---- */

START_TEST(test_read_regular) {
        _cleanup_close_ int etc = -1;
        _cleanup_free_ char *data = NULL;
        struct stat st, want;
        size_t size = 0;

        mkdirs(rfd, "etc", 0755);
        put(rfd, "etc/memcached.conf", "-m 64\n-l 127.0.0.1\n");
        ck_assert_int_eq(fchmodat(rfd, "etc/memcached.conf", 0640, 0), 0);
        stat_at(rfd, "etc/memcached.conf", &want);

        ck_assert_int_eq(root_read_file(root, "/etc/memcached.conf", &data, &size, &st), 0);
        ck_assert_str_eq(data, "-m 64\n-l 127.0.0.1\n");
        ck_assert_uint_eq(size, 19);
        ck_assert(same_inode(&st, &want));
        ck_assert(S_ISREG(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0640);
        ck_assert_int_eq(st.st_size, 19);
        free(TAKE_PTR(data));

        /* ret_size and ret_st are optional. */
        ck_assert_int_eq(root_read_file(root, "etc/../etc/memcached.conf", &data, NULL, NULL), 0);
        ck_assert_str_eq(data, "-m 64\n-l 127.0.0.1\n");
        free(TAKE_PTR(data));

        /* read_file_at() on an O_PATH directory fd, as chase() gives. */
        etc = openat(rfd, "etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(etc, 0);
        memset(&st, 0, sizeof st);
        ck_assert_int_eq(read_file_at(etc, "memcached.conf", &data, &size, &st), 0);
        ck_assert_str_eq(data, "-m 64\n-l 127.0.0.1\n");
        ck_assert_uint_eq(size, 19);
        ck_assert(same_inode(&st, &want));

        free(TAKE_PTR(data));
        ck_assert_int_eq(root_read_file(root, "/etc/missing", &data, &size, NULL), -ENOENT);
        ck_assert_ptr_null(data);
}
END_TEST

START_TEST(test_read_empty) {
        _cleanup_free_ char *data = NULL;
        struct stat st;
        size_t size = 99;

        put(rfd, "empty", "");
        ck_assert_int_eq(root_read_file(root, "/empty", &data, &size, &st), 0);
        ck_assert_ptr_nonnull(data);
        ck_assert_str_eq(data, "");
        ck_assert_uint_eq(size, 0);
        ck_assert_int_eq(st.st_size, 0);
}
END_TEST

START_TEST(test_read_not_regular) {
        _cleanup_close_ int etc = -1;
        char *data = NULL;
        size_t size = 99;
        struct stat st = { .st_ino = 4242 };

        mkdirs(rfd, "etc/memcached.d", 0755);
        ck_assert_int_eq(root_read_file(root, "/etc/memcached.d", &data, &size, &st), -EISDIR);
        ck_assert_int_eq(root_read_file(root, "/", &data, &size, &st), -EISDIR);
        etc = openat(rfd, "etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(etc, 0);
        ck_assert_int_eq(read_file_at(etc, "memcached.d", &data, &size, &st), -EISDIR);
        ck_assert_int_eq(read_file_at(etc, ".", &data, &size, &st), -EISDIR);
        /* A character device on the host: not read. */
        ck_assert_int_eq(root_read_file(NULL, "/dev/null", &data, &size, &st), -EBADF);
        ck_assert_int_eq(root_read_file("/dev", "/null", &data, &size, &st), -EBADF);
        /* Nothing written on failure. */
        ck_assert_ptr_null(data);
        ck_assert_uint_eq(size, 99);
        ck_assert_uint_eq(st.st_ino, 4242);
}
END_TEST

START_TEST(test_read_fifo) {
        _cleanup_close_ int etc = -1;
        char *data = NULL;
        long start;

        /* Nobody writes to this FIFO: a blocking open() would wait forever.
         * The alarm kills the test instead of hanging it. */
        mkdirs(rfd, "etc", 0755);
        ck_assert_int_eq(mkfifoat(rfd, "etc/memcached.conf", 0644), 0);
        link_at("memcached.conf", rfd, "etc/link");
        etc = openat(rfd, "etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(etc, 0);

        alarm(3);
        start = now_ms();
        ck_assert_int_eq(root_read_file(root, "/etc/memcached.conf", &data, NULL, NULL), -EBADF);
        ck_assert_int_eq(root_read_file(root, "/etc/link", &data, NULL, NULL), -EBADF);
        ck_assert_int_eq(read_file_at(etc, "memcached.conf", &data, NULL, NULL), -EBADF);
        ck_assert_int_lt(now_ms() - start, 1000);
        alarm(0);
        ck_assert_ptr_null(data);
}
END_TEST

START_TEST(test_read_symlink_final) {
        _cleanup_close_ int etc = -1;
        _cleanup_free_ char *data = NULL, *out = canary_target("/keep");
        struct stat st, want;

        mkdirs(rfd, "etc", 0755);
        mkdirs(rfd, "srv", 0755);
        put(rfd, "srv/real.conf", "-m 128\n");
        stat_at(rfd, "srv/real.conf", &want);
        link_at("/srv/real.conf", rfd, "etc/abs.conf");
        link_at("../srv/real.conf", rfd, "etc/rel.conf");
        link_at("../../../../srv/real.conf", rfd, "etc/up.conf");
        link_at(out, rfd, "etc/out.conf");

        ck_assert_int_eq(root_read_file(root, "/etc/abs.conf", &data, NULL, &st), 0);
        ck_assert_str_eq(data, "-m 128\n");
        ck_assert(same_inode(&st, &want)); /* the target's stat, not the link's */
        free(TAKE_PTR(data));
        ck_assert_int_eq(root_read_file(root, "/etc/rel.conf", &data, NULL, NULL), 0);
        ck_assert_str_eq(data, "-m 128\n");
        free(TAKE_PTR(data));
        ck_assert_int_eq(root_read_file(root, "/etc/up.conf", &data, NULL, NULL), 0);
        ck_assert_str_eq(data, "-m 128\n");
        free(TAKE_PTR(data));
        /* Its host path names the canary, but inside the root it is missing. */
        ck_assert_int_eq(root_read_file(root, "/etc/out.conf", &data, NULL, NULL), -ENOENT);
        ck_assert_ptr_null(data);

        /* read_file_at() itself follows nothing: a link is no regular file. */
        etc = openat(rfd, "etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(etc, 0);
        ck_assert_int_eq(read_file_at(etc, "out.conf", &data, NULL, NULL), -EBADF);
        ck_assert_int_eq(read_file_at(etc, "abs.conf", &data, NULL, NULL), -EBADF);
        ck_assert_ptr_null(data);
}
END_TEST

START_TEST(test_read_nul) {
        char *data = NULL;
        size_t size = 99;

        put_at(rfd, "nul", "-m 64\n\0-l x\n", 12);
        put_at(rfd, "nul-end", "-m 64\n\0", 7);
        put_at(rfd, "nul-only", "\0", 1);
        ck_assert_int_eq(root_read_file(root, "/nul", &data, &size, NULL), -EBADMSG);
        ck_assert_int_eq(root_read_file(root, "/nul-end", &data, &size, NULL), -EBADMSG);
        ck_assert_int_eq(root_read_file(root, "/nul-only", &data, &size, NULL), -EBADMSG);
        ck_assert_ptr_null(data);
        ck_assert_uint_eq(size, 99);
}
END_TEST

START_TEST(test_read_size_max) {
        _cleanup_free_ char *big = malloc(CONFIG_SIZE_MAX + 1), *data = NULL;
        _cleanup_close_ int fd = -1;
        size_t size = 0;

        ck_assert_ptr_nonnull(big);
        memset(big, 'a', CONFIG_SIZE_MAX + 1);
        /* Exactly the limit is fine... */
        put_at(rfd, "max", big, CONFIG_SIZE_MAX);
        ck_assert_int_eq(root_read_file(root, "/max", &data, &size, NULL), 0);
        ck_assert_uint_eq(size, CONFIG_SIZE_MAX);
        ck_assert_uint_eq(strlen(data), CONFIG_SIZE_MAX);
        free(TAKE_PTR(data));
        /* ...one byte more is not, also when the file is sparse. */
        put_at(rfd, "over", big, CONFIG_SIZE_MAX + 1);
        ck_assert_int_eq(root_read_file(root, "/over", &data, &size, NULL), -EFBIG);
        fd = openat(rfd, "sparse", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(ftruncate(fd, (off_t) 1 << 40), 0);
        ck_assert_int_eq(root_read_file(root, "/sparse", &data, &size, NULL), -EFBIG);
        ck_assert_ptr_null(data);
}
END_TEST

/* ---- write_file_at(), root_write_file() ---- */

START_TEST(test_write_replace) {
        _cleanup_close_ int old = -1;
        _cleanup_free_ char *name = NULL;
        struct stat before, after;
        char buf[16] = {};

        mkdirs(rfd, "etc", 0755);
        put(rfd, "etc/memcached.conf", "old\n");
        stat_at(rfd, "etc/memcached.conf", &before);
        old = openat(rfd, "etc/memcached.conf", O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(old, 0);

        ck_assert_int_eq(root_write_file(root, "/etc/memcached.conf", "-U 0\n-m 64\n", 11,
                                         &(WriteMeta) { .mode = 0640, .uid = getuid(), .gid = getgid() }),
                         0);
        assert_content(rfd, "etc/memcached.conf", "-U 0\n-m 64\n");
        stat_at(rfd, "etc/memcached.conf", &after);
        ck_assert_uint_eq(after.st_mode & 07777, 0640);
        ck_assert(S_ISREG(after.st_mode));
        /* Replaced by rename(), not rewritten in place: a reader of the old
         * file still sees all of the old content. */
        ck_assert(!same_inode(&before, &after));
        ck_assert_int_eq(pread(old, buf, sizeof buf - 1, 0), 4);
        ck_assert_str_eq(buf, "old\n");

        /* A new file, through write_file_at() on chase()'s O_PATH fd, and
         * a shorter content over a longer one. */
        {
                _cleanup_close_ int dir_fd = -1;

                ck_assert_int_eq(chase(rfd, "/etc/new.conf", CHASE_NONEXISTENT, &dir_fd, &name, NULL), 0);
                ck_assert_int_eq(write_file_at(dir_fd, name, "n", 1, &(WriteMeta) { .mode = 0600 }), 0);
                assert_content(rfd, "etc/new.conf", "n");
                ck_assert_int_eq(write_file_at(dir_fd, "memcached.conf", "", 0, &(WriteMeta) { .mode = 0644 }), 0);
                assert_content(rfd, "etc/memcached.conf", "");
                stat_at(rfd, "etc/memcached.conf", &after);
                ck_assert_int_eq(after.st_size, 0);
        }
        ck_assert_int_eq(count_temps(rfd, "etc"), 0);
        ck_assert_int_eq(count_entries(rfd, "etc", NULL), 2);

        /* A missing directory is not made. */
        ck_assert_int_eq(root_write_file(root, "/nodir/x.conf", "x", 1, &(WriteMeta) { .mode = 0644 }), -ENOENT);
        ck_assert(!exists_at(rfd, "nodir"));
}
END_TEST

START_TEST(test_write_mode) {
        static const mode_t modes[] = { 0644, 0600, 0000, 0640, 06755, 04755, 02755, 01777, 07777, 04000 };
        struct stat st;

        if (geteuid() != 0) {
                printf("test_write_mode: skipped, chown to another owner needs root\n");
                return;
        }
        mkdirs(rfd, "etc", 0755);
        /* A umask must not take bits away: the mode is set, not requested. */
        umask(077);
        for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
                /* Owned by someone else, so chown() clears set-id bits of
                 * what it changes; they must have been set after it. */
                WriteMeta m = { .mode = modes[i], .uid = 1234, .gid = 5678 };

                ck_assert_int_eq(root_write_file(root, "/etc/m", "#!/bin/sh\n", 10, &m), 0);
                stat_at(rfd, "etc/m", &st);
                ck_assert_msg((st.st_mode & 07777) == modes[i], "mode %04o, want %04o", st.st_mode & 07777,
                              modes[i]);
                ck_assert_uint_eq(st.st_uid, 1234);
                ck_assert_uint_eq(st.st_gid, 5678);

                /* And a fresh file, not just a replacement. */
                ck_assert_int_eq(unlinkat(rfd, "etc/m", 0), 0);
                ck_assert_int_eq(root_write_file(root, "/etc/m", "#!/bin/sh\n", 10, &m), 0);
                stat_at(rfd, "etc/m", &st);
                ck_assert_msg((st.st_mode & 07777) == modes[i], "new file: mode %04o, want %04o",
                              st.st_mode & 07777, modes[i]);
        }
        /* The file type bits of a st_mode passed on are ignored. */
        ck_assert_int_eq(root_write_file(root, "/etc/m", "x", 1, &(WriteMeta) { .mode = S_IFREG | 0604 }), 0);
        stat_at(rfd, "etc/m", &st);
        ck_assert(S_ISREG(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0604);
        ck_assert_int_eq(count_temps(rfd, "etc"), 0);
}
END_TEST

START_TEST(test_write_owner) {
        struct stat st;

        if (geteuid() != 0) {
                printf("test_write_owner: skipped, chown to another owner needs root\n");
                return;
        }
        put(rfd, "f", "x\n");
        ck_assert_int_eq(root_write_file(root, "/f", "y\n", 2, &(WriteMeta) { .mode = 0640, .uid = 1234, .gid = 5678 }),
                         0);
        stat_at(rfd, "f", &st);
        ck_assert_uint_eq(st.st_uid, 1234);
        ck_assert_uint_eq(st.st_gid, 5678);
        /* The owner is what WriteMeta says, not the replaced file's. */
        ck_assert_int_eq(root_write_file(root, "/f", "z\n", 2, &(WriteMeta) { .mode = 0640, .uid = 0, .gid = 5678 }),
                         0);
        stat_at(rfd, "f", &st);
        ck_assert_uint_eq(st.st_uid, 0);
        ck_assert_uint_eq(st.st_gid, 5678);
        ck_assert_int_eq(root_write_file(root, "/f", "w\n", 2, &(WriteMeta) { .mode = 0640, .uid = 1234, .gid = 0 }),
                         0);
        stat_at(rfd, "f", &st);
        ck_assert_uint_eq(st.st_uid, 1234);
        ck_assert_uint_eq(st.st_gid, 0);
        assert_content(rfd, "f", "w\n");
}
END_TEST

/* The value of xattr KEY of PATH into BUF, its size or -errno. */
static ssize_t xattr_of(const char *path, const char *key, char *buf, size_t size) {
        ssize_t n = lgetxattr(path, key, buf, size);

        return n < 0 ? -errno : n;
}

START_TEST(test_write_xattrs_acl) {
        _cleanup_free_ char *path = NULL, *cmd = NULL;
        char acl_before[256], acl_after[256], v[64];
        ssize_t acl_size, n;
        bool trusted;
        struct stat st;
        int status;

        mkdirs(rfd, "etc", 0755);
        put(rfd, "etc/memcached.conf", "old\n");
        ck_assert_int_ge(asprintf(&path, "%s/etc/memcached.conf", root), 0);

        if (lsetxattr(path, "user.memharden.test", "hello", 5, 0) < 0) {
                ck_assert_msg(errno == ENOTSUP || errno == EOPNOTSUPP, "setxattr: %s", strerror(errno));
                printf("test_write_xattrs_acl: skipped, %s has no user xattrs\n", tmpdir);
                return;
        }
        ck_assert_int_ge(asprintf(&cmd, "setfacl -m u:1234:rw,g:5678:r -- '%s' 2>/dev/null", path), 0);
        status = system(cmd);
        if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                printf("test_write_xattrs_acl: skipped, setfacl missing or no ACLs on %s\n", tmpdir);
                return;
        }
        /* Namespaces other than user. are carried too (root only). */
        trusted = lsetxattr(path, "trusted.memharden.test", "t", 1, 0) == 0;
        acl_size = xattr_of(path, "system.posix_acl_access", acl_before, sizeof acl_before);
        ck_assert_int_gt(acl_size, 0);
        stat_at(rfd, "etc/memcached.conf", &st);

        /* The mode a caller passes on is the old file's; with an ACL its
         * group bits are the mask. */
        ck_assert_int_eq(root_write_file(root, "/etc/memcached.conf", "new\n", 4,
                                         &(WriteMeta) { .mode = st.st_mode, .uid = 0, .gid = 0 }),
                         0);
        assert_content(rfd, "etc/memcached.conf", "new\n");
        n = xattr_of(path, "user.memharden.test", v, sizeof v);
        ck_assert_int_eq(n, 5);
        ck_assert(memcmp(v, "hello", 5) == 0);
        n = xattr_of(path, "system.posix_acl_access", acl_after, sizeof acl_after);
        ck_assert_int_eq(n, acl_size);
        ck_assert(memcmp(acl_before, acl_after, (size_t) acl_size) == 0);
        if (trusted) {
                ck_assert_int_eq(xattr_of(path, "trusted.memharden.test", v, sizeof v), 1);
                ck_assert_int_eq(v[0], 't');
        }
        /* A new inode carries them, not the old one kept in place. */
        {
                struct stat now;

                stat_at(rfd, "etc/memcached.conf", &now);
                ck_assert(!same_inode(&st, &now));
                ck_assert_uint_eq(now.st_mode & 07777, st.st_mode & 07777);
        }
        ck_assert_int_eq(count_temps(rfd, "etc"), 0);
}
END_TEST

START_TEST(test_write_expect) {
        _cleanup_close_ int etc = -1;
        struct stat st, now;

        mkdirs(rfd, "etc", 0755);
        put(rfd, "etc/memcached.conf", "v1\n");
        stat_at(rfd, "etc/memcached.conf", &st);

        /* Unchanged: the write goes through. */
        ck_assert_int_eq(root_write_file(root, "/etc/memcached.conf", "v2\n", 3,
                                         &(WriteMeta) { .mode = 0644, .expect = &st }),
                         0);
        assert_content(rfd, "etc/memcached.conf", "v2\n");
        /* That write replaced the inode: ST is stale now. */
        ck_assert_int_eq(root_write_file(root, "/etc/memcached.conf", "v3\n", 3,
                                         &(WriteMeta) { .mode = 0644, .expect = &st }),
                         -ESTALE);
        assert_content(rfd, "etc/memcached.conf", "v2\n");

        /* Replaced by someone else after our stat(). */
        stat_at(rfd, "etc/memcached.conf", &st);
        put(rfd, "etc/other", "theirs\n");
        ck_assert_int_eq(renameat(rfd, "etc/other", rfd, "etc/memcached.conf"), 0);
        ck_assert_int_eq(root_write_file(root, "/etc/memcached.conf", "ours\n", 5,
                                         &(WriteMeta) { .mode = 0600, .expect = &st }),
                         -ESTALE);
        assert_content(rfd, "etc/memcached.conf", "theirs\n");
        stat_at(rfd, "etc/memcached.conf", &now);
        ck_assert_uint_eq(now.st_mode & 07777, 0644); /* metadata untouched too */
        etc = openat(rfd, "etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(etc, 0);
        ck_assert_int_eq(write_file_at(etc, "memcached.conf", "ours\n", 5,
                                       &(WriteMeta) { .mode = 0600, .expect = &st }),
                         -ESTALE);
        assert_content(rfd, "etc/memcached.conf", "theirs\n");

        /* Removed after our stat(): not created again. */
        stat_at(rfd, "etc/memcached.conf", &st);
        ck_assert_int_eq(unlinkat(rfd, "etc/memcached.conf", 0), 0);
        ck_assert_int_eq(root_write_file(root, "/etc/memcached.conf", "ours\n", 5,
                                         &(WriteMeta) { .mode = 0600, .expect = &st }),
                         -ESTALE);
        ck_assert(!exists_at(rfd, "etc/memcached.conf"));
        ck_assert_int_eq(count_entries(rfd, "etc", NULL), 0);
}
END_TEST

START_TEST(test_write_no_temps_on_failure) {
        char longname[NAME_MAX + 1];
        _cleanup_free_ char *longpath = NULL;

        mkdirs(rfd, "etc/memcached.conf/sub", 0755);
        put(rfd, "etc/keep", "k\n");
        /* The target is a non-empty directory: rename() fails. */
        ck_assert_int_lt(root_write_file(root, "/etc/memcached.conf", "x", 1, &(WriteMeta) { .mode = 0644 }), 0);
        ck_assert_int_eq(count_temps(rfd, "etc"), 0);
        ck_assert_int_eq(count_entries(rfd, "etc", NULL), 2);
        ck_assert(exists_at(rfd, "etc/memcached.conf/sub"));
        /* A name that leaves no room for the temp suffix. */
        memset(longname, 'n', NAME_MAX);
        longname[NAME_MAX] = '\0';
        ck_assert_int_ge(asprintf(&longpath, "/etc/%s", longname), 0);
        ck_assert_int_lt(root_write_file(root, longpath, "x", 1, &(WriteMeta) { .mode = 0644 }), 0);
        ck_assert_int_eq(count_entries(rfd, "etc", NULL), 2);
        assert_content(rfd, "etc/keep", "k\n");
}
END_TEST

START_TEST(test_write_through_absolute_link) {
        _cleanup_free_ char *out = canary_target("");
        struct stat st;

        mkdirs(rfd, "elsewhere", 0755);
        link_at("/elsewhere", rfd, "etc");
        link_at(out, rfd, "out");
        ck_assert_int_eq(root_write_file(root, "/etc/memcached.conf", "-m 64\n", 6, &(WriteMeta) { .mode = 0644 }),
                         0);
        assert_content(rfd, "elsewhere/memcached.conf", "-m 64\n");
        stat_at(rfd, "etc", &st);
        ck_assert(S_ISLNK(st.st_mode));
        ck_assert_int_eq(count_entries(rfd, "elsewhere", NULL), 1);

        /* ROOT/out names the canary's host path: nothing written anywhere. */
        ck_assert_int_eq(root_write_file(root, "/out/keep", "pwned\n", 6, &(WriteMeta) { .mode = 0644 }), -ENOENT);
        ck_assert_int_eq(root_write_file(root, "/out/new", "pwned\n", 6, &(WriteMeta) { .mode = 0644 }), -ENOENT);
        assert_canary_intact();
}
END_TEST

/* ---- remove_stale_temps_at() ---- */

START_TEST(test_remove_stale_temps) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL, *out = canary_target("/keep");
        static const char *const removed[] = {
                "memcached.conf.memharden.AbC123",
                "memcached.conf.memharden.zzzzzz",
        };
        static const char *const kept_files[] = {
                "memcached.conf",
                "memcached.conf.memharden.Ab12",     /* not six characters */
                "memcached.conf.memharden.AbC1234",
                "memcached.conf.memharden.",
                "memcached.conf.memharden",
                "memcached.conf.bak",
                "other.conf.memharden.AbC123",       /* another file's */
                "memcached.memharden.AbC123",
                "xmemcached.conf.memharden.AbC123",
                "memcached.conf.d.memharden.AbC123",
                "memcached.conf.XYmharden.AbC123",
        };

        mkdirs(rfd, "etc/memcached.conf.memharden.DIRDIR", 0755); /* a directory */
        put(rfd, "etc/memcached.conf.memharden.DIRDIR/f", "d\n");
        link_at(out, rfd, "etc/memcached.conf.memharden.LNKLNK"); /* a link */
        ck_assert_int_eq(mkfifoat(rfd, "etc/memcached.conf.memharden.FIFOFI", 0644), 0);
        for (size_t i = 0; i < ELEMENTSOF(removed); i++) {
                char rel[PATH_MAX];

                snprintf(rel, sizeof rel, "etc/%s", removed[i]);
                put(rfd, rel, "partial");
        }
        for (size_t i = 0; i < ELEMENTSOF(kept_files); i++) {
                char rel[PATH_MAX];

                snprintf(rel, sizeof rel, "etc/%s", kept_files[i]);
                put(rfd, rel, "keep");
        }

        /* On chase()'s O_PATH fd, as callers have it. */
        ck_assert_int_eq(chase(rfd, "/etc/memcached.conf", 0, &dir_fd, &name, NULL), 0);
        ck_assert_int_eq(remove_stale_temps_at(dir_fd, name), 0);

        for (size_t i = 0; i < ELEMENTSOF(removed); i++) {
                char rel[PATH_MAX];

                snprintf(rel, sizeof rel, "etc/%s", removed[i]);
                ck_assert_msg(!exists_at(rfd, rel), "%s not removed", removed[i]);
        }
        for (size_t i = 0; i < ELEMENTSOF(kept_files); i++) {
                char rel[PATH_MAX];

                snprintf(rel, sizeof rel, "etc/%s", kept_files[i]);
                ck_assert_msg(exists_at(rfd, rel), "%s removed", kept_files[i]);
                assert_content(rfd, rel, "keep");
        }
        assert_content(rfd, "etc/memcached.conf.memharden.DIRDIR/f", "d\n");
        ck_assert(exists_at(rfd, "etc/memcached.conf.memharden.LNKLNK"));
        ck_assert(exists_at(rfd, "etc/memcached.conf.memharden.FIFOFI"));
        ck_assert_int_eq(count_entries(rfd, "etc", NULL), (int) ELEMENTSOF(kept_files) + 3);

        /* Nothing to do is fine; the other file's temps go with its name. */
        ck_assert_int_eq(remove_stale_temps_at(dir_fd, name), 0);
        ck_assert_int_eq(remove_stale_temps_at(dir_fd, "memcached"), 0);
        ck_assert(!exists_at(rfd, "etc/memcached.memharden.AbC123"));
        ck_assert(exists_at(rfd, "etc/memcached.conf.memharden.Ab12"));
        ck_assert_int_eq(count_entries(rfd, "etc", NULL), (int) ELEMENTSOF(kept_files) + 2);
}
END_TEST

/* ---- mkdtemp_at(), rm_rf_at() ---- */

START_TEST(test_mkdtemp_at) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        _cleanup_close_ int fa = -1, fb = -1, f = -1;
        struct stat st, via_fd;

        umask(0); /* the mode is mkdtemp_at()'s alone */
        mkdirs(rfd, "backups", 0755);
        {
                _cleanup_close_ int dir_fd = openat(rfd, "backups", O_PATH | O_DIRECTORY | O_CLOEXEC);

                ck_assert_int_ge(dir_fd, 0);
                ck_assert_int_eq(mkdtemp_at(dir_fd, "backup.", &a, &fa), 0);
                ck_assert_int_eq(mkdtemp_at(dir_fd, "backup.", &b, &fb), 0);
        }
        ck_assert_str_ne(a, b);
        ck_assert_uint_eq(strlen(a), strlen("backup.") + 6);
        ck_assert(strncmp(a, "backup.", 7) == 0);
        for (const char *s = a + 7; *s; s++)
                ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", *s),
                              "'%s': not alphanumeric", a);

        {
                char rel[PATH_MAX];

                snprintf(rel, sizeof rel, "backups/%s", a);
                stat_at(rfd, rel, &st);
        }
        ck_assert(S_ISDIR(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0700);
        /* The fd is that directory, usable for files, and O_CLOEXEC. */
        stat_at(fa, "", &via_fd);
        ck_assert(same_inode(&st, &via_fd));
        ck_assert(is_cloexec(fa));
        ck_assert(is_cloexec(fb));
        f = openat(fa, "file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        ck_assert_int_ge(f, 0);
        ck_assert_int_eq(count_entries(rfd, "backups", NULL), 2);
}
END_TEST

START_TEST(test_rm_rf_at) {
        _cleanup_free_ char *out = canary_target(""), *out_keep = canary_target("/keep");

        mkdirs(rfd, "t/a/b/c", 0755);
        put(rfd, "t/a/b/c/file", "f\n");
        put(rfd, "t/f", "f\n");
        link_at(out, rfd, "t/abs");                   /* to the canary directory */
        link_at(out_keep, rfd, "t/a/b/keep");         /* to a file in it */
        link_at("../../../canary", rfd, "t/a/rel");   /* the same, relative */
        ck_assert_int_eq(mkfifoat(rfd, "t/a/fifo", 0644), 0);
        mkdirs(rfd, "t/locked/in", 0755);
        ck_assert_int_eq(fchmodat(rfd, "t/locked", 0, 0), 0);

        ck_assert_int_eq(rm_rf_at(rfd, "t"), 0);
        ck_assert(!exists_at(rfd, "t"));
        assert_canary_intact();
        ck_assert_int_eq(count_entries(rfd, ".", NULL), 0);

        /* A symlink to a directory: the link goes, not what it points at. */
        link_at(out, rfd, "l");
        ck_assert_int_eq(rm_rf_at(rfd, "l"), 0);
        ck_assert(!exists_at(rfd, "l"));
        assert_canary_intact();

        /* A file, a missing name. */
        put(rfd, "f", "f\n");
        ck_assert_int_eq(rm_rf_at(rfd, "f"), 0);
        ck_assert(!exists_at(rfd, "f"));
        ck_assert_int_eq(rm_rf_at(rfd, "missing"), 0);

        /* A tree as deep as a backup of a deep path gets. */
        mkdirs(rfd, "deep/1/2/3/4/5/6/7/8/9/10", 0755);
        put(rfd, "deep/1/2/3/4/5/6/7/8/9/10/f", "f\n");
        ck_assert_int_eq(rm_rf_at(rfd, "deep"), 0);
        ck_assert(!exists_at(rfd, "deep"));
}
END_TEST

/* ---- root_open_dir() ---- */

START_TEST(test_root_open_dir) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *out = canary_target("");
        struct stat st, want;
        int r;

        mkdirs(rfd, "etc", 0755);
        mkdirs(rfd, "srv", 0755);
        put(rfd, "etc/file", "f\n");
        link_at("/srv", rfd, "var");
        link_at(out, rfd, "out");

        /* Existing: an O_RDONLY directory fd, readable and usable for *at(). */
        ck_assert_int_eq(root_open_dir(root, "/etc", 0, &fd), 0);
        stat_at(fd, "", &st);
        stat_at(rfd, "etc", &want);
        ck_assert(same_inode(&st, &want));
        ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
        ck_assert(!(fcntl(fd, F_GETFL) & O_PATH));
        ck_assert(is_cloexec(fd));
        ck_assert_int_eq(count_entries(fd, ".", NULL), 1);
        close(TAKE_FD(fd));
        ck_assert_int_eq(root_open_dir(root, "/", 0, &fd), 0);
        stat_at(fd, "", &st);
        stat_at(rfd, "", &want);
        ck_assert(same_inode(&st, &want));
        close(TAKE_FD(fd));

        /* Missing, without CHASE_MKDIR: nothing made. */
        fd = -7;
        ck_assert_int_eq(root_open_dir(root, "/var/lib/memharden", 0, &fd), -ENOENT);
        ck_assert_int_eq(root_open_dir(root, "/srv/x", 0, &fd), -ENOENT);
        ck_assert_int_eq(root_open_dir(root, "/srv/x", CHASE_NONEXISTENT, &fd), -ENOENT);
        ck_assert_int_eq(fd, -7);
        ck_assert_int_eq(count_entries(rfd, "srv", NULL), 0);
        ck_assert_int_eq(root_open_dir(root, "/etc/file", 0, &fd), -ENOTDIR);
        ck_assert_int_eq(root_open_dir(root, "/etc/file", CHASE_MKDIR, &fd), -ENOTDIR);

        /* With it: made, through the absolute link, inside the root. */
        ck_assert_int_eq(root_open_dir(root, "/var/lib/memharden/backups", CHASE_MKDIR, &fd), 0);
        stat_at(fd, "", &st);
        stat_at(rfd, "srv/lib/memharden/backups", &want);
        ck_assert(same_inode(&st, &want));
        ck_assert(S_ISDIR(want.st_mode));
        ck_assert_uint_eq(want.st_mode & 07777, 0700);
        close(TAKE_FD(fd));
        /* Again: exists, fine. */
        ck_assert_int_eq(root_open_dir(root, "/var/lib/memharden/backups", CHASE_MKDIR, &fd), 0);
        close(TAKE_FD(fd));

        /* Never through a link out of the root. */
        r = root_open_dir(root, "/out/made", CHASE_MKDIR, &fd);
        ck_assert_int_eq(r, 0);
        {
                _cleanup_free_ char *made = canary_target("/made");

                stat_at(fd, "", &st);
                stat_at(rfd, made + 1, &want);
                ck_assert(same_inode(&st, &want));
        }
        assert_canary_intact();
        /* With CHASE_NOSYMLINKS, a link on the way is refused. */
        close(TAKE_FD(fd));
        ck_assert_int_eq(root_open_dir(root, "/var/lib", CHASE_NOSYMLINKS, &fd), -ELOOP);
        ck_assert_int_eq(root_open_dir(root, "/var/new", CHASE_NOSYMLINKS | CHASE_MKDIR, &fd), -ELOOP);
        ck_assert(!exists_at(rfd, "srv/new"));
}
END_TEST

static Suite *rootfs_suite(void) {
        Suite *s = suite_create("rootfs");
        TCase *tc = tcase_create("core");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        /* The 1 MiB file and the fsyncs of the write tests take a moment on
         * a slow disk. */
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, test_chase_plain);
        tcase_add_test(tc, test_chase_dot_dotdot);
        tcase_add_test(tc, test_chase_symlink_chain);
        tcase_add_test(tc, test_chase_symlink_loop);
        tcase_add_test(tc, test_chase_nosymlinks);
        tcase_add_test(tc, test_chase_nonexistent);
        tcase_add_test(tc, test_chase_mkdir);
        tcase_add_test(tc, test_chase_mkdir_mode);
        tcase_add_test(tc, test_chase_enotdir);
        tcase_add_test(tc, test_chase_trailing_slash);
        tcase_add_test(tc, test_chase_cloexec);
        tcase_add_test(tc, test_read_regular);
        tcase_add_test(tc, test_read_empty);
        tcase_add_test(tc, test_read_not_regular);
        tcase_add_test(tc, test_read_fifo);
        tcase_add_test(tc, test_read_symlink_final);
        tcase_add_test(tc, test_read_nul);
        tcase_add_test(tc, test_read_size_max);
        tcase_add_test(tc, test_write_mode);
        tcase_add_test(tc, test_write_owner);
        tcase_add_test(tc, test_write_no_temps_on_failure);
        tcase_add_test(tc, test_remove_stale_temps);
        tcase_add_test(tc, test_mkdtemp_at);
        tcase_add_test(tc, test_root_open_dir);
        /* These write files owned by root, or remove a directory without
         * permissions as only root can: as another user (a package build)
         * they are skipped. */
        if (geteuid() == 0) {
                tcase_add_test(tc, test_chase_absolute_symlink);
                tcase_add_test(tc, test_chase_relative_symlink_escape);
                tcase_add_test(tc, test_write_replace);
                tcase_add_test(tc, test_write_xattrs_acl);
                tcase_add_test(tc, test_write_expect);
                tcase_add_test(tc, test_write_through_absolute_link);
                tcase_add_test(tc, test_rm_rf_at);
        } else
                printf("test-rootfs: skipped test_chase_absolute_symlink, test_chase_relative_symlink_escape, test_write_replace, test_write_xattrs_acl, test_write_expect, test_write_through_absolute_link, test_rm_rf_at: they write files owned by root or remove a directory without permissions, which needs root\n");
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(rootfs_suite)
