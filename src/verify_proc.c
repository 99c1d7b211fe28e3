/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The /proc readers of verify_proc.h. */
#include "verify_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "array.h"
#include "cleanup.h"
#include "lines.h"
#include "util.h"

static int parse_pid(const char *s, pid_t *ret) {
        long v;
        int r = safe_atol(s, 1, INT32_MAX, &v);
        if (r < 0)
                return r;
        *ret = (pid_t) v;
        return 0;
}

bool verify_pid_alive(pid_t pid) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d", (int) pid);
        return access(path, F_OK) == 0;
}

int verify_read_pidfile(const char *path, pid_t *ret) {
        _cleanup_free_ char *text = NULL;
        pid_t pid;
        int r;

        r = read_config_file(path, &text, NULL);
        if (r < 0)
                return r;
        text[strcspn(text, " \t\r\n")] = '\0';
        r = parse_pid(text, &pid);
        if (r < 0)
                return r;
        /* A stale pid file names a process that is gone (or reused: the
         * caller's socket check then finds no memcached sockets). */
        if (!verify_pid_alive(pid))
                return -ESRCH;
        *ret = pid;
        return 0;
}

int verify_find_pids(pid_t **ret, size_t *ret_n) {
        _cleanup_(closedirp) DIR *d = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0, allocated = 0;
        struct dirent *de;

        d = opendir("/proc");
        if (!d)
                return -errno;

        while ((de = readdir(d))) {
                char path[300], comm[64] = "";
                _cleanup_close_ int fd = -1;
                pid_t pid;
                ssize_t k;

                if (parse_pid(de->d_name, &pid) < 0)
                        continue;
                snprintf(path, sizeof path, "/proc/%s/comm", de->d_name);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue; /* exited meanwhile */
                k = read(fd, comm, sizeof comm - 1);
                if (k <= 0)
                        continue;
                comm[k] = '\0';
                comm[strcspn(comm, "\n")] = '\0';
                if (strcmp(comm, "memcached") != 0)
                        continue;

                if (!GREEDY_REALLOC(pids, allocated, n + 1))
                        return -ENOMEM;
                pids[n++] = pid;
        }

        *ret = TAKE_PTR(pids);
        *ret_n = n;
        return 0;
}

int verify_parse_socket_link(const char *link, ino_t *ret) {
        _cleanup_free_ char *num = NULL;
        const char *p;
        size_t len;
        long v;
        int r;

        if (!link || strncmp(link, "socket:[", 8) != 0)
                return -EINVAL;
        p = link + 8;
        len = strlen(p);
        if (len < 2 || p[len - 1] != ']')
                return -EINVAL;
        num = strndup(p, len - 1);
        if (!num)
                return -ENOMEM;
        r = safe_atol(num, 1, LONG_MAX, &v);
        if (r < 0)
                return r;
        *ret = (ino_t) v;
        return 0;
}

int verify_parse_status_uids(const char *text, uid_t ret[4]) {
        /* uid_t is 32 bits; (uid_t) -1 is never a process's uid. */
        const long uid_max = LONG_MAX < UINT32_MAX ? LONG_MAX : (long) UINT32_MAX - 1;

        FOREACH_LINE(line, text) {
                const char *l;
                uid_t uids[4];

                if (line.len < 4 || strncmp(line.start, "Uid:", 4) != 0)
                        continue;
                l = line.start + 4;
                for (size_t i = 0; i < ELEMENTSOF(uids); i++) {
                        char num[16];
                        size_t len;
                        long v;

                        l += strspn(l, " \t");
                        len = strcspn(l, " \t\n");
                        if (len == 0 || len >= sizeof num)
                                return -EBADMSG;
                        memcpy(num, l, len);
                        num[len] = '\0';
                        if (safe_atol(num, 0, uid_max, &v) < 0)
                                return -EBADMSG;
                        uids[i] = (uid_t) v;
                        l += len;
                }
                memcpy(ret, uids, sizeof uids);
                return 0;
        }
        return -EBADMSG;
}

int verify_process_uids(pid_t pid, uid_t ret[4]) {
        _cleanup_close_ int fd = -1;
        char path[64], text[4096];
        size_t have = 0;

        snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        /* The Uid: line comes within the first few hundred bytes. */
        while (have < sizeof text - 1) {
                ssize_t k = read(fd, text + have, sizeof text - 1 - have);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return errno == ESRCH ? -ESRCH : -errno;
                if (k == 0)
                        break;
                have += (size_t) k;
        }
        text[have] = '\0';
        return verify_parse_status_uids(text, ret);
}

/* The socket fds of a process in ascending fd order, read 1 KiB of
 * directory entries at a time: procfs formats as many entries as the buffer
 * holds, so readdir()'s 32 KiB would cost ~1.4 ms on a memcached with
 * 10,000 connections; 1 KiB holds about 40. */
typedef struct FdScan {
        int dir;
        ssize_t size, off;
        char buf[1024] __attribute__((aligned(8)));
} FdScan;

static void fd_scan_done(FdScan *s) {
        closep(&s->dir);
}

/* -ESRCH when the process is gone. */
static int fd_scan_open(FdScan *s, pid_t pid) {
        char path[64];

        snprintf(path, sizeof path, "/proc/%d/fd", (int) pid);
        s->dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->dir < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        s->size = s->off = 0;
        return 0;
}

/* The inode of the next socket fd: 1, or 0 at the end (or once the process
 * is gone). */
static int fd_scan_next(FdScan *s, ino_t *ret) {
        for (;;) {
                const struct dirent64 *de;
                char target[64];
                ssize_t l;

                if (s->off >= s->size) {
                        s->size = syscall(SYS_getdents64, s->dir, s->buf, sizeof s->buf);
                        s->off = 0;
                        if (s->size <= 0)
                                return 0;
                }
                de = (const struct dirent64 *) (s->buf + s->off);
                s->off += de->d_reclen;
                if (de->d_name[0] == '.')
                        continue;
                l = readlinkat(s->dir, de->d_name, target, sizeof target - 1);
                if (l < 0)
                        continue; /* closed meanwhile */
                target[l] = '\0';
                if (verify_parse_socket_link(target, ret) >= 0)
                        return 1;
        }
}

static bool uid_in(uid_t uid, const uid_t uids[4]) {
        for (size_t i = 0; i < 4; i++)
                if (uids[i] == uid)
                        return true;
        return false;
}

/* The attribution of the host's sockets to processes, one at a time. */
typedef struct Owned {
        const VerifySocket *all;
        size_t n_all;
        bool *found;            /* all[k] is attributed already */
        VerifySocket *owned;    /* those, in the order found */
        size_t n;
} Owned;

/* Attributes the candidate socket INO, if it is one, to the process with
 * UIDS, counting it in *matched_own or *matched_root. */
static void owned_take(Owned *o, ino_t ino, const uid_t uids[4], size_t *matched_own, size_t *matched_root) {
        for (size_t k = 0; k < o->n_all; k++) {
                const VerifySocket *s = &o->all[k];

                if (o->found[k] || s->inode != ino)
                        continue;
                if (uid_in(s->uid, uids))
                        (*matched_own)++;
                else if (s->uid == 0)
                        (*matched_root)++;
                else
                        continue;
                o->found[k] = true;
                o->owned[o->n++] = *s;
        }
}

/* Reads the fds of PID until each of its candidates is found. */
static int owned_scan_process(Owned *o, pid_t pid) {
        _cleanup_(fd_scan_done) FdScan scan = { .dir = -1 };
        size_t own = 0, root = 0, matched_own = 0, matched_root = 0;
        uid_t uids[4];
        ino_t ino;
        int r;

        r = verify_process_uids(pid, uids);
        if (r == -ESRCH)
                return 0; /* exited meanwhile */
        if (r < 0)
                return r;
        for (size_t k = 0; k < o->n_all; k++) {
                if (o->found[k])
                        continue;
                if (uid_in(o->all[k].uid, uids))
                        own++;
                else if (o->all[k].uid == 0)
                        root++; /* made as root, before -u dropped it */
        }
        if (own + root == 0)
                return 0;

        r = fd_scan_open(&scan, pid);
        if (r == -ESRCH)
                return 0;
        if (r < 0)
                return r;
        /* All of a daemon's sockets were made under one set of credentials:
         * once any of its own uids is found, and all of them are, no
         * root-owned one is left to look for. */
        while (matched_own < own || (matched_own == 0 && matched_root < root)) {
                if (fd_scan_next(&scan, &ino) <= 0)
                        break; /* the end, or the process is gone */
                owned_take(o, ino, uids, &matched_own, &matched_root);
        }
        return 0;
}

int verify_owned_sockets(const pid_t *pids, size_t n_pids, const VerifySocket *all, size_t n_all,
                         VerifySocket **ret, size_t *ret_n) {
        _cleanup_free_ bool *found = calloc(n_all ?: 1, sizeof *found);
        _cleanup_free_ VerifySocket *owned = calloc(n_all ?: 1, sizeof *owned);
        Owned o = { .all = all, .n_all = n_all, .found = found, .owned = owned };

        if (!found || !owned)
                return -ENOMEM;

        for (size_t i = 0; i < n_pids; i++) {
                int r = owned_scan_process(&o, pids[i]);
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(owned);
        *ret_n = o.n;
        return 0;
}

int verify_holds_unix_listener(const pid_t *pids, size_t n_pids, bool *ret) {
        _cleanup_free_ ino_t *inodes = NULL;
        size_t n = 0;
        bool holds = false;
        int r;

        r = verify_list_unix_listeners(&inodes, &n);
        if (r < 0)
                return r;
        /* Only a daemon with no TCP or UDP socket is asked: a full read of
         * its fds is then cheap, and its listener comes first anyway. */
        for (size_t i = 0; i < n_pids && n > 0 && !holds; i++) {
                _cleanup_(fd_scan_done) FdScan scan = { .dir = -1 };
                ino_t ino;

                r = fd_scan_open(&scan, pids[i]);
                if (r == -ESRCH)
                        continue;
                if (r < 0)
                        return r;
                while (!holds && fd_scan_next(&scan, &ino) > 0)
                        for (size_t k = 0; k < n && !holds; k++)
                                holds = inodes[k] == ino;
        }
        *ret = holds;
        return 0;
}
