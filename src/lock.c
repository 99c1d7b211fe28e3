/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "cleanup.h"
#include "rootfs.h"
#include "util.h"

#define LOCK_NAME ".lock"
#define LOCK_POLL_MS 20

/* The pid the holder wrote, or 0 while it has not written it yet. */
static long holder_pid(int fd) {
        char buf[32];
        ssize_t k = pread(fd, buf, sizeof buf - 1, 0);
        long pid = 0;

        if (k <= 0)
                return 0;
        buf[k] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        return safe_atol(buf, 1, INT32_MAX, &pid) < 0 ? 0 : pid;
}

int lock_take(const char *root, unsigned timeout_sec, bool create, int *ret_fd, ErrorInfo *e) {
        _cleanup_free_ char *where = path_join(root, BACKUP_DIR "/" LOCK_NAME);
        _cleanup_close_ int dir_fd = -1, fd = -1;
        long deadline = now_ms() + (long) timeout_sec * 1000;
        char pid[32];
        struct stat st;
        int r;

        if (!where)
                return -ENOMEM;
        r = root_open_dir(root, BACKUP_DIR, create ? CHASE_MKDIR : 0, &dir_fd);
        if (r == -ENOENT && !create)
                return r;
        if (r < 0)
                return error_set(e, r, create ? "create" : "open", where, 0,
                                 r == -EACCES || r == -EPERM ? "run as root" : "check that the file system is writable",
                                 "%s", strerror(-r));
        fd = openat(dir_fd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
        if (fd < 0)
                return error_set(e, -errno, "open", where, 0,
                                 errno == EACCES || errno == EPERM ? "run as root" : NULL, "%s", strerror(errno));
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return error_set(e, -EBADF, "lock", where, 0, "remove it, then run again", "not a regular file");

        while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno == EINTR)
                        continue;
                if (errno != EWOULDBLOCK)
                        return error_set(e, -errno, "lock", where, 0, NULL, "%s", strerror(errno));
                if (now_ms() >= deadline)
                        return error_set(e, -EBUSY, "lock", where, 0,
                                         "wait for it to finish, or give it longer with --timeout SEC",
                                         "another memharden is running (pid %ld)", holder_pid(fd));
                usleep(LOCK_POLL_MS * 1000);
        }
        snprintf(pid, sizeof pid, "%ld\n", (long) getpid());
        if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
                return error_set(e, -errno, "write", where, 0, NULL, "%s", strerror(errno));
        *ret_fd = TAKE_FD(fd);
        return 0;
}
