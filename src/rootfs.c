/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

/* Bounds that no real system reaches and every hostile image hits. */
#define CHASE_DEPTH_MAX 64
#define CHASE_LINKS_MAX 32
#define RM_DEPTH_MAX 16

#define TEMP_INFIX ".memharden."
#define TEMP_RANDOM 6

int root_open(const char *root, int *ret_fd) {
        int fd = open(root ?: "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

typedef struct Walk {
        int fd[CHASE_DEPTH_MAX];    /* the directories below the root, outermost first */
        char *name[CHASE_DEPTH_MAX];
        size_t depth;
} Walk;

static void walk_pop(Walk *w) {
        w->depth--;
        close(w->fd[w->depth]);
        free(w->name[w->depth]);
}

static void walk_done(Walk *w) {
        while (w->depth > 0)
                walk_pop(w);
}

static int walk_path(const Walk *w, const char *last, char **ret) {
        size_t n = 1 + (last ? strlen(last) : 0);
        char *p, *s;

        for (size_t i = 0; i < w->depth; i++)
                n += strlen(w->name[i]) + 1;
        p = s = malloc(n + 1);
        if (!p)
                return -ENOMEM;
        for (size_t i = 0; i < w->depth; i++)
                s += sprintf(s, "/%s", w->name[i]);
        if (last)
                s += sprintf(s, "/%s", last);
        if (s == p)
                strcpy(p, "/");
        *ret = p;
        return 0;
}

/* Hands the result over: a dup of CUR, NAME in it ("." for CUR itself),
 * and the path walked to it. */
static int chase_done(const Walk *w, int cur, const char *name, int *ret_dir_fd, char **ret_name, char **ret_path) {
        _cleanup_free_ char *p = NULL, *n = strdup(name ?: ".");
        int r = walk_path(w, name, &p), fd;

        if (r < 0 || !n)
                return r < 0 ? r : -ENOMEM;
        fd = fcntl(cur, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        *ret_dir_fd = fd;
        *ret_name = TAKE_PTR(n);
        if (ret_path)
                *ret_path = TAKE_PTR(p);
        return 0;
}

/* One component of the path being resolved, cut out of it in place. */
typedef struct Component {
        char *name;     /* NUL-terminated */
        char *rest;     /* what follows it, past one '/' */
        bool last;      /* nothing but slashes follows */
        bool dir_only;  /* a '/' follows: "x/" names a directory, as for the kernel */
} Component;

/* Cuts the next component out of S; false when only slashes are left. */
static bool component_next(char *s, Component *ret) {
        char *rest;

        s += strspn(s, "/");
        if (*s == '\0')
                return false;
        rest = s + strcspn(s, "/");
        *ret = (Component) {
                .name = s,
                .last = rest[strspn(rest, "/")] == '\0',
                .dir_only = *rest == '/',
        };
        if (*rest)
                *rest++ = '\0';
        ret->rest = rest;
        return true;
}

/* fstatat() of C in CUR, never following it; with CHASE_MKDIR a missing
 * directory on the way is made first. 1 when C exists (ST filled), 0 when it
 * is a missing last component that CHASE_NONEXISTENT allows. */
static int component_stat(int cur, const Component *c, ChaseFlags flags, struct stat *st) {
        if (fstatat(cur, c->name, st, AT_SYMLINK_NOFOLLOW) >= 0)
                return 1;
        if (errno != ENOENT)
                return -errno;
        if (c->last && (flags & CHASE_NONEXISTENT))
                return 0;
        if (c->last || !(flags & CHASE_MKDIR))
                return -ENOENT;
        if (mkdirat(cur, c->name, 0755) < 0 && errno != EEXIST)
                return -errno;
        if (fstatat(cur, c->name, st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        return 1;
}

/* Symlink C in CUR: *TODO becomes its target followed by what is left of the
 * path (which points into the old *TODO, freed here). An absolute target
 * starts again at the root. Every link counts towards CHASE_LINKS_MAX. */
static int component_follow(Walk *w, int cur, const Component *c, ChaseFlags flags, unsigned *links,
                            char **todo) {
        char link[PATH_MAX], *next;
        ssize_t k;

        if ((flags & CHASE_NOSYMLINKS) || ++*links > CHASE_LINKS_MAX)
                return -ELOOP;
        k = readlinkat(cur, c->name, link, sizeof link - 1);
        if (k < 0)
                return -errno;
        if (k == 0)
                return -ENOENT;
        link[k] = '\0';
        if (link[0] == '/') /* the image's own "/" */
                walk_done(w);
        if (asprintf(&next, "%s%s%s", link, c->dir_only ? "/" : "", c->rest) < 0)
                return -ENOMEM;
        free(*todo);
        *todo = next;
        return 0;
}

/* Descends into directory NAME of CUR, which becomes the innermost held. */
static int walk_push(Walk *w, int cur, const char *name) {
        int fd;

        if (w->depth == CHASE_DEPTH_MAX)
                return -ENAMETOOLONG;
        /* O_NOFOLLOW|O_DIRECTORY: a swap to a symlink since the
         * fstatat() fails here instead of being followed. */
        fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        w->name[w->depth] = strdup(name);
        w->fd[w->depth++] = fd;
        if (!w->name[w->depth - 1])
                return -ENOMEM;
        return 0;
}

/* Resolves like the kernel does in a chroot at ROOT_FD, but by hand, one
 * component at a time: each step is an openat() below a directory we hold,
 * so neither a symlink nor ".." can climb out. */
int chase(int root_fd, const char *path, ChaseFlags flags, int *ret_dir_fd, char **ret_name, char **ret_path) {
        _cleanup_(walk_done) Walk w = {};
        _cleanup_free_ char *todo = strdup(path);
        unsigned links = 0;
        Component c;
        int r;

        if (!todo)
                return -ENOMEM;
        for (char *s = todo;; s = c.rest) {
                int cur = w.depth ? w.fd[w.depth - 1] : root_fd;
                struct stat st;

                if (!component_next(s, &c)) /* a directory we hold: "." in itself */
                        return chase_done(&w, cur, NULL, ret_dir_fd, ret_name, ret_path);
                if (strcmp(c.name, ".") == 0)
                        continue;
                if (strcmp(c.name, "..") == 0) {
                        if (w.depth > 0) /* ".." of the root is the root */
                                walk_pop(&w);
                        continue;
                }

                r = component_stat(cur, &c, flags, &st);
                if (r < 0)
                        return r;
                if (r == 0)
                        return chase_done(&w, cur, c.name, ret_dir_fd, ret_name, ret_path);
                if (S_ISLNK(st.st_mode)) {
                        r = component_follow(&w, cur, &c, flags, &links, &todo);
                        if (r < 0)
                                return r;
                        c.rest = todo; /* start over on the rewritten path */
                        continue;
                }
                if (c.last && c.dir_only && !S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                if (c.last)
                        return chase_done(&w, cur, c.name, ret_dir_fd, ret_name, ret_path);
                if (!S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                r = walk_push(&w, cur, c.name);
                if (r < 0)
                        return r;
        }
}

/* chase() from the directory ROOT itself. */
static int root_chase(const char *root, const char *path, ChaseFlags flags, int *ret_dir_fd, char **ret_name) {
        _cleanup_close_ int root_fd = -1;
        int r = root_open(root, &root_fd);

        return r < 0 ? r : chase(root_fd, path, flags, ret_dir_fd, ret_name, NULL);
}

int root_open_dir(const char *root, const char *path, ChaseFlags flags, int *ret_fd) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL;
        int r, fd;

        r = root_chase(root, path, flags | ((flags & CHASE_MKDIR) ? CHASE_NONEXISTENT : 0), &dir_fd, &name);
        if (r < 0)
                return r;
        if ((flags & CHASE_MKDIR) && mkdirat(dir_fd, name, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* Reads FD to its end into BUF, which has room for MAX bytes and one more:
 * -EFBIG when the file holds more than MAX (it grew since its fstat()). */
static int read_up_to(int fd, char *buf, size_t max, size_t *ret_n) {
        size_t n = 0;

        for (;;) {
                ssize_t k = read(fd, buf + n, max + 1 - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > max) /* grew under us */
                        return -EFBIG;
        }
        *ret_n = n;
        return 0;
}

int read_file_at(int dir_fd, const char *name, char **ret, size_t *ret_size, struct stat *ret_st) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        struct stat before, st;
        size_t n = 0;
        int r;

        /* Judge the type before opening: opening a device can have effects. */
        if (fstatat(dir_fd, name, &before, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (S_ISDIR(before.st_mode))
                return -EISDIR;
        if (!S_ISREG(before.st_mode))
                return -EBADF;
        fd = openat(dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return errno == ELOOP ? -EBADF : -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode) || st.st_ino != before.st_ino || st.st_dev != before.st_dev)
                return -EBADF;
        if (st.st_size > CONFIG_SIZE_MAX)
                return -EFBIG;

        buf = malloc((size_t) st.st_size + 1);
        if (!buf)
                return -ENOMEM;
        r = read_up_to(fd, buf, (size_t) st.st_size, &n);
        if (r < 0)
                return r;
        buf[n] = '\0';
        if (memchr(buf, '\0', n))
                return -EBADMSG;

        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = n;
        if (ret_st)
                *ret_st = st;
        return 0;
}

int root_read_file(const char *root, const char *path, char **ret, size_t *ret_size, struct stat *ret_st) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL;
        int r;

        r = root_chase(root, path, 0, &dir_fd, &name);
        if (r < 0)
                return r;
        return read_file_at(dir_fd, name, ret, ret_size, ret_st);
}

static int write_all(int fd, const char *data, size_t size) {
        while (size > 0) {
                ssize_t k = write(fd, data, size);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                data += k;
                size -= (size_t) k;
        }
        return 0;
}

static int random_suffix(char *out, size_t n) {
        static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        unsigned char b[16];

        if (n > sizeof b || getrandom(b, n, 0) != (ssize_t) n)
                return -EIO;
        for (size_t i = 0; i < n; i++)
                out[i] = chars[b[i] % (sizeof chars - 1)];
        out[n] = '\0';
        return 0;
}

/* Carries ACLs (system.posix_acl_*) and other extended attributes over. */
static int copy_xattrs(int from, int to) {
        _cleanup_free_ char *names = NULL, *value = NULL;
        ssize_t n = flistxattr(from, NULL, 0);

        if (n < 0)
                return errno == ENOTSUP || errno == EOPNOTSUPP ? 0 : -errno;
        if (n == 0)
                return 0;
        names = malloc((size_t) n);
        if (!names)
                return -ENOMEM;
        n = flistxattr(from, names, (size_t) n);
        if (n < 0)
                return -errno;
        for (char *k = names; k < names + n; k += strlen(k) + 1) {
                ssize_t size = fgetxattr(from, k, NULL, 0);
                if (size < 0)
                        return -errno;
                free(value);
                value = malloc((size_t) size + 1);
                if (!value)
                        return -ENOMEM;
                size = fgetxattr(from, k, value, (size_t) size);
                if (size < 0)
                        return -errno;
                if (fsetxattr(to, k, value, (size_t) size, 0) < 0)
                        return -errno;
        }
        return 0;
}

static bool same_file(const struct stat *a, const struct stat *b) {
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether NAME in DIR_FD is still EXPECT (NULL: anything goes). */
static int check_expected(int dir_fd, const char *name, const struct stat *expect) {
        struct stat st;

        if (!expect)
                return 0;
        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? -ESTALE : -errno;
        return same_file(&st, expect) ? 0 : -ESTALE;
}

/* Creates a temp file beside NAME in DFD (NAME.memharden.XXXXXX, mode
 * 0600, never an existing one) and names it in TMP. */
static int temp_create(int dfd, const char *name, char tmp[static NAME_MAX + 1], int *ret_fd) {
        for (unsigned tries = 0; tries < 100; tries++) {
                char rnd[TEMP_RANDOM + 1];
                int r = random_suffix(rnd, TEMP_RANDOM), fd;

                if (r < 0)
                        return r;
                if (snprintf(tmp, NAME_MAX + 1, "%s" TEMP_INFIX "%s", name, rnd) >= NAME_MAX + 1)
                        return -ENAMETOOLONG;
                fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd >= 0) {
                        *ret_fd = fd;
                        return 0;
                }
                if (errno != EEXIST)
                        return -errno;
        }
        return -EEXIST;
}

/* Gives temp file FD its bytes, M's owner, the ACLs and attributes of OLD
 * (-1: none) and M's mode, and syncs it. */
static int temp_fill(int fd, int old, const char *data, size_t size, const WriteMeta *m) {
        int r = write_all(fd, data, size);

        if (r < 0)
                return r;
        /* Owner first: chown() clears set-id bits, so the mode comes after. */
        if (fchown(fd, m->uid, m->gid) < 0)
                return -errno;
        if (old >= 0 && (r = copy_xattrs(old, fd)) < 0)
                return r;
        if (fchmod(fd, m->mode & 07777) < 0)
                return -errno;
        return fsync(fd) < 0 ? -errno : 0;
}

int write_file_at(int dir_fd, const char *name, const char *data, size_t size, const WriteMeta *m) {
        _cleanup_close_ int dfd = -1, fd = -1, old = -1;
        char tmp[NAME_MAX + 1];
        struct stat st;
        int r;

        /* A real fd of the directory: O_PATH ones cannot be fsync()ed. */
        dfd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        r = check_expected(dfd, name, m->expect);
        if (r < 0)
                return r;
        /* The file being replaced, if it is one, for its ACLs and attributes. */
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISREG(st.st_mode)) {
                old = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
                if (old < 0)
                        return -errno;
        }
        r = temp_create(dfd, name, tmp, &fd);
        if (r < 0)
                return r;

        r = temp_fill(fd, old, data, size, m);
        if (r >= 0)
                r = check_expected(dfd, name, m->expect);
        if (r >= 0 && renameat(dfd, tmp, dfd, name) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlinkat(dfd, tmp, 0);
                return r;
        }
        return fsync(dfd) < 0 ? -errno : 0;
}

int root_write_file(const char *root, const char *path, const char *data, size_t size, const WriteMeta *m) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL;
        int r;

        r = root_chase(root, path, CHASE_NONEXISTENT, &dir_fd, &name);
        if (r < 0)
                return r;
        return write_file_at(dir_fd, name, data, size, m);
}

int opendir_at(int dir_fd, const char *name, DIR **ret) {
        int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *d;

        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -ENOMEM;
        }
        *ret = d;
        return 0;
}

static bool is_temp_of(const char *entry, const char *name) {
        size_t n = strlen(name), i = strlen(TEMP_INFIX);

        return strncmp(entry, name, n) == 0 && strncmp(entry + n, TEMP_INFIX, i) == 0 &&
               strlen(entry + n + i) == TEMP_RANDOM;
}

int remove_stale_temps_at(int dir_fd, const char *name) {
        _cleanup_(closedirp) DIR *d = NULL;
        int r = opendir_at(dir_fd, ".", &d);

        if (r < 0)
                return r;
        for (struct dirent *de; (de = readdir(d)); ) {
                struct stat st;
                if (!is_temp_of(de->d_name, name) ||
                    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
                        r = -errno;
        }
        return r;
}

int mkdtemp_at(int dir_fd, const char *prefix, char **ret_name, int *ret_fd) {
        for (unsigned tries = 0; tries < 100; tries++) {
                char rnd[TEMP_RANDOM + 1];
                _cleanup_free_ char *name = NULL;
                int r = random_suffix(rnd, TEMP_RANDOM), fd;

                if (r < 0)
                        return r;
                if (asprintf(&name, "%s%s", prefix, rnd) < 0)
                        return -ENOMEM;
                if (mkdirat(dir_fd, name, 0700) < 0) {
                        if (errno == EEXIST)
                                continue;
                        return -errno;
                }
                fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                *ret_name = TAKE_PTR(name);
                *ret_fd = fd;
                return 0;
        }
        return -EEXIST;
}

static int rm_rf_depth(int dir_fd, const char *name, unsigned depth) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct stat st;
        int r;

        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
        if (depth == RM_DEPTH_MAX)
                return -ELOOP;
        r = opendir_at(dir_fd, name, &d);
        if (r < 0)
                return r;
        for (struct dirent *de; (de = readdir(d)); ) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                int k = rm_rf_depth(dirfd(d), de->d_name, depth + 1);
                if (k < 0 && r >= 0)
                        r = k;
        }
        if (r < 0)
                return r;
        return unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -errno : 0;
}

int rm_rf_at(int dir_fd, const char *name) {
        return rm_rf_depth(dir_fd, name, 0);
}
