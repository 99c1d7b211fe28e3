/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Every file memharden reads or writes under --root goes through here. A path
 * is resolved component by component inside the root, as systemd's chase()
 * with a root does: an absolute symlink means the image's own "/", ".." stops
 * at the root, so nothing in an image can lead outside it. Files are opened
 * O_NONBLOCK|O_NOFOLLOW and checked with fstat() before any read, so a FIFO or
 * a device neither blocks nor feeds us. Writes go to a temp file beside the
 * target and are renamed into place, keeping mode, owner, ACLs and extended
 * attributes. All functions return 0 or a negative errno and write ret_* only
 * on success; returned fds are O_CLOEXEC and owned by the caller.
 */

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

typedef enum ChaseFlags {
        CHASE_MKDIR       = 1 << 0, /* create missing directories on the way (mode 0755, as
                                     * /var/backups is; what is private below them is 0700) */
        CHASE_NONEXISTENT = 1 << 1, /* the last component may be missing */
        CHASE_NOSYMLINKS  = 1 << 2, /* any symlink on the way is an error (-ELOOP) */
} ChaseFlags;

/* An O_PATH fd of directory ROOT (NULL means "/"). */
int root_open(const char *root, int *ret_fd);

/* Resolves PATH inside the directory ROOT_FD. Returns an O_PATH fd of the
 * directory that holds the result, the result's name in it (never a symlink
 * unless it is missing), and its absolute path inside the root. */
int chase(int root_fd, const char *path, ChaseFlags flags, int *ret_dir_fd, char **ret_name, char **ret_path);

/* A directory inside ROOT, opened O_RDONLY|O_DIRECTORY (for readdir, openat,
 * flock); with CHASE_MKDIR created as needed. */
int root_open_dir(const char *root, const char *path, ChaseFlags flags, int *ret_fd);

/* Reads a regular file whole (NUL-terminated for convenience): -EISDIR for a
 * directory, -EBADF for any other non-regular file, -EFBIG over
 * CONFIG_SIZE_MAX, -EBADMSG for a NUL byte. RET_ST (optional) gets its fstat. */
int read_file_at(int dir_fd, const char *name, char **ret, size_t *ret_size, struct stat *ret_st);
int root_read_file(const char *root, const char *path, char **ret, size_t *ret_size, struct stat *ret_st);

typedef struct WriteMeta {
        mode_t mode;
        uid_t uid;
        gid_t gid;
        /* When set: the target must still be this file (-ESTALE otherwise). */
        const struct stat *expect;
} WriteMeta;

/* Replaces NAME in DIR_FD with DATA: a temp file beside it
 * (NAME.memharden.XXXXXX), owner, the replaced file's ACLs and extended
 * attributes, then mode (chown clears set-id bits), fsync, rename, fsync of
 * the directory. */
int write_file_at(int dir_fd, const char *name, const char *data, size_t size, const WriteMeta *m);
int root_write_file(const char *root, const char *path, const char *data, size_t size, const WriteMeta *m);

/* Opens directory NAME in DIR_FD ("." for DIR_FD itself) for readdir(),
 * never through a symlink. */
int opendir_at(int dir_fd, const char *name, DIR **ret);

/* Removes temp files an interrupted write_file_at() left beside NAME. */
int remove_stale_temps_at(int dir_fd, const char *name);

/* A fresh directory in DIR_FD named PREFIX + 6 random characters, mode 0700. */
int mkdtemp_at(int dir_fd, const char *prefix, char **ret_name, int *ret_fd);

/* Removes NAME in DIR_FD and everything below it, never following a symlink. */
int rm_rf_at(int dir_fd, const char *name);
