/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "backup_manifest.h"
#include "cleanup.h"
#include "json-util.h"
#include "rootfs.h"
#include "util.h"

#define TEMP_PREFIX ".tmp-"

/* Writes the copy of PATH below DIR_FD (the backup being built): files/PATH. */
static int write_copy(int dir_fd, const char *path, const char *text, size_t size) {
        _cleanup_close_ int parent = -1;
        _cleanup_free_ char *rel = NULL, *name = NULL;
        WriteMeta m = { .mode = 0600 };
        int r;

        if (asprintf(&rel, "files%s", path) < 0)
                return -ENOMEM;
        r = chase(dir_fd, rel, CHASE_MKDIR | CHASE_NONEXISTENT | CHASE_NOSYMLINKS, &parent, &name, NULL);
        if (r < 0)
                return r;
        return write_file_at(parent, name, text, size, &m);
}

static int backup_new(BackupReason reason, const BackupSource *sources, size_t n, Backup **ret) {
        _cleanup_(backup_freep) Backup *b = calloc(1, sizeof *b);
        char created[32];
        time_t now = time(NULL);
        struct tm tm;

        if (!b || !(b->files = calloc(n ?: 1, sizeof *b->files)))
                return -ENOMEM;
        gmtime_r(&now, &tm);
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (!(b->created = strdup(created)))
                return -ENOMEM;
        b->reason = reason;
        for (size_t i = 0; i < n; i++) {
                BackupFile *f = &b->files[b->n_files++];
                if (!sources[i].text) {
                        f->absent = true;
                        if (!(f->path = strdup(sources[i].path)))
                                return -ENOMEM;
                        continue;
                }
                if (!(f->path = strdup(sources[i].path)) || !(f->text = malloc(sources[i].size + 1)))
                        return -ENOMEM;
                memcpy(f->text, sources[i].text, sources[i].size);
                f->text[sources[i].size] = '\0';
                f->size = sources[i].size;
                f->mode = sources[i].st->st_mode & 07777;
                f->uid = sources[i].st->st_uid;
                f->gid = sources[i].st->st_gid;
                sha256_hex(f->text, f->size, f->sha256);
        }
        *ret = TAKE_PTR(b);
        return 0;
}

/* Names the backup built in TMP with the first free id of this second: its
 * manifest, then a rename that never replaces another backup. */
static int publish(int base_fd, const char *tmp, int tmp_fd, Backup *b) {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        int r;

        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        for (unsigned k = 1; k <= 1000; k++) {
                free(b->id);
                if ((k == 1 ? asprintf(&b->id, "%s", stamp) : asprintf(&b->id, "%s-%u", stamp, k)) < 0) {
                        b->id = NULL;
                        return -ENOMEM;
                }
                r = manifest_write(tmp_fd, b);
                if (r < 0)
                        return r;
                if (renameat2(base_fd, tmp, base_fd, b->id, RENAME_NOREPLACE) >= 0)
                        return fsync(base_fd) < 0 ? -errno : 0;
                if (errno != EEXIST)
                        return -errno;
        }
        return -EEXIST;
}

/* The first parent directory of PATH that does not exist in ROOT, which a
 * write of PATH will create (NULL: all exist). */
static int first_missing_parent(const char *root, const char *path, char **ret) {
        for (const char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
                _cleanup_free_ char *dir = strndup(path, (size_t) (s - path));
                _cleanup_close_ int fd = -1;
                int r;

                if (!dir)
                        return -ENOMEM;
                r = root_open_dir(root, dir, 0, &fd);
                if (r == -ENOENT) {
                        *ret = TAKE_PTR(dir);
                        return 0;
                }
                if (r < 0)
                        return r;
        }
        *ret = NULL;
        return 0;
}

/* Removes the directories ABSENT_FROM and below on the way to PATH, deepest
 * first, where they are empty: what a write of PATH created. */
static void remove_created_dirs(int root_fd, const char *path, const char *absent_from) {
        _cleanup_free_ char *dir = strdup(path);
        char *s;

        if (!dir || !absent_from)
                return;
        while ((s = strrchr(dir, '/')) && s > dir && strlen(dir) > strlen(absent_from)) {
                _cleanup_close_ int dfd = -1;
                _cleanup_free_ char *name = NULL;
                *s = '\0';
                if (chase(root_fd, dir, CHASE_NOSYMLINKS, &dfd, &name, NULL) < 0 ||
                    unlinkat(dfd, name, AT_REMOVEDIR) < 0)
                        return;
        }
}

int backup_create(const char *root, BackupReason reason, const BackupSource *sources, size_t n, Backup **ret,
                  ErrorInfo *e) {
        _cleanup_(backup_freep) Backup *b = NULL;
        _cleanup_free_ char *base = path_join(root, BACKUP_DIR), *tmp = NULL;
        _cleanup_close_ int base_fd = -1, tmp_fd = -1;
        int r;

        if (!base)
                return -ENOMEM;
        r = backup_new(reason, sources, n, &b);
        for (size_t i = 0; r >= 0 && i < b->n_files; i++)
                if (b->files[i].absent)
                        r = first_missing_parent(root, b->files[i].path, &b->files[i].absent_from);
        if (r < 0)
                return r;
        r = root_open_dir(root, BACKUP_DIR, CHASE_MKDIR, &base_fd);
        if (r >= 0)
                r = mkdtemp_at(base_fd, TEMP_PREFIX, &tmp, &tmp_fd);
        if (r < 0)
                return error_set(e, r, "create", base, 0,
                                 r == -EACCES || r == -EPERM ? "run as root" : "check that the file system is writable",
                                 "%s", strerror(-r));

        /* Built whole in TMP, then renamed into place: a crash leaves a
         * dot-directory that no listing shows and the next writer removes. */
        for (size_t i = 0; i < b->n_files && r >= 0; i++)
                r = b->files[i].absent ? 0 : write_copy(tmp_fd, b->files[i].path, b->files[i].text, b->files[i].size);
        if (r >= 0 && syncfs(tmp_fd) < 0) /* the copies' directories too */
                r = -errno;
        if (r >= 0)
                r = publish(base_fd, tmp, tmp_fd, b);
        if (r < 0) {
                (void) rm_rf_at(base_fd, tmp);
                return error_set(e, r, "back up to", base, 0,
                                 r == -EACCES || r == -EPERM ? "run as root" : "check free space under " BACKUP_DIR,
                                 "%s", strerror(-r));
        }
        for (size_t i = 0; i < b->n_files; i++)
                if (!(b->files[i].copy = backup_copy_path(b->id, b->files[i].path)))
                        return -ENOMEM;
        b->status = BACKUP_COMPLETE;
        *ret = TAKE_PTR(b);
        return 0;
}

static int cmp_backup(const void *a, const void *b) {
        return strcmp((*(Backup *const *) a)->id, (*(Backup *const *) b)->id);
}

/* The backup directory, or -ENOENT while there is none. */
static int open_base(const char *root, int *ret_fd, ErrorInfo *e) {
        _cleanup_free_ char *base = path_join(root, BACKUP_DIR);
        int r;

        if (!base)
                return -ENOMEM;
        r = root_open_dir(root, BACKUP_DIR, 0, ret_fd);
        if (r < 0 && r != -ENOENT)
                return error_set(e, r, "read", base, 0, NULL, "%s", strerror(-r));
        return r;
}

static int opendir_base(const char *root, DIR **ret, ErrorInfo *e) {
        _cleanup_close_ int fd = -1;
        int r = open_base(root, &fd, e);

        return r < 0 ? r : opendir_at(fd, ".", ret);
}

int backup_list(const char *root, const Profile *p, Backup ***ret, size_t *ret_n, ErrorInfo *e) {
        _cleanup_(closedirp) DIR *d = NULL;
        Backup **v = NULL;
        size_t n = 0, allocated = 0;
        int r;

        r = opendir_base(root, &d, e);
        if (r < 0 && r != -ENOENT)
                return r;
        r = 0;
        for (struct dirent *de; d && (de = readdir(d)); ) {
                Backup *b;
                if (!backup_id_is_sane(de->d_name))
                        continue; /* ".", "..", .lock and unfinished .tmp-* */
                if (!GREEDY_REALLOC(v, allocated, n + 1)) {
                        r = -ENOMEM;
                        break;
                }
                r = backup_read(dirfd(d), de->d_name, p, &b);
                if (r < 0)
                        break;
                v[n++] = b;
        }
        if (r < 0) {
                backup_list_free(v, n);
                return r;
        }
        if (n > 1)
                qsort(v, n, sizeof *v, cmp_backup);
        *ret = v;
        *ret_n = n;
        return 0;
}

static void ids_free(char **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

static int cmp_id_newest_first(const void *a, const void *b) {
        return strcmp(*(char *const *) b, *(char *const *) a);
}

/* The names in D that may be backups, newest first. */
static int backup_ids(DIR *d, char ***ret, size_t *ret_n) {
        char **v = NULL;
        size_t n = 0, allocated = 0;

        for (struct dirent *de; (de = readdir(d)); ) {
                if (!backup_id_is_sane(de->d_name))
                        continue;
                if (!GREEDY_REALLOC(v, allocated, n + 1) || !(v[n] = strdup(de->d_name))) {
                        ids_free(v, n);
                        return -ENOMEM;
                }
                n++;
        }
        if (n > 1)
                qsort(v, n, sizeof *v, cmp_id_newest_first);
        *ret = v;
        *ret_n = n;
        return 0;
}

int backup_exists(const char *root, const Profile *p) {
        _cleanup_(closedirp) DIR *d = NULL;
        char **ids = NULL;
        size_t n = 0;
        int r;

        r = opendir_base(root, &d, NULL);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        r = backup_ids(d, &ids, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r == 0; i++) {
                _cleanup_(backup_freep) Backup *b = NULL;

                r = backup_read(dirfd(d), ids[i], p, &b);
                if (r >= 0)
                        r = b->status == BACKUP_COMPLETE;
        }
        ids_free(ids, n);
        return r;
}

/* Backup ID, with any status, below BASE (the backup directory, for messages). */
static int load_by_id(const char *root, const char *base, const Profile *p, const char *id, Backup **ret,
                      ErrorInfo *e) {
        _cleanup_close_ int fd = -1;
        int r;

        if (!backup_id_is_sane(id))
                return error_set(e, -EINVAL, "find backup", id, 0, "list backups with 'memharden backups'",
                                 "not a backup id");
        r = open_base(root, &fd, e);
        if (r >= 0 && faccessat(fd, id, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
                r = -errno;
        if (r == -ENOENT)
                return error_set(e, r, "find backup", id, 0, "list backups with 'memharden backups'",
                                 "no such backup in '%s'", base);
        if (r < 0)
                return r;
        return backup_read(fd, id, p, ret);
}

/* The newest complete backup: an unfinished or damaged one never blocks a
 * rollback to a good one. */
static int load_newest(const char *root, const char *base, const Profile *p, Backup **ret, ErrorInfo *e) {
        Backup **v = NULL, *b = NULL;
        size_t n = 0;
        int r;

        r = backup_list(root, p, &v, &n, e);
        if (r < 0)
                return r;
        for (size_t i = n; i > 0 && !b; i--)
                if (v[i - 1]->status == BACKUP_COMPLETE)
                        b = TAKE_PTR(v[i - 1]);
        if (!b && n == 0)
                r = error_set(e, -ENOENT, "roll back", base, 0, "memharden has not changed anything here",
                              "there are no backups");
        else if (!b)
                r = error_set(e, -ENOENT, "roll back", base, 0, "list them with 'memharden backups'",
                              "there are no complete backups; the newest, %s, is %s: %s", v[n - 1]->id,
                              backup_status_to_string(v[n - 1]->status), v[n - 1]->error);
        backup_list_free(v, n);
        if (!b)
                return r;
        *ret = b;
        return 0;
}

int backup_load(const char *root, const Profile *p, const char *id, Backup **ret, ErrorInfo *e) {
        _cleanup_free_ char *base = path_join(root, BACKUP_DIR);
        _cleanup_(backup_freep) Backup *b = NULL;
        int r;

        if (!base)
                return -ENOMEM;
        r = id ? load_by_id(root, base, p, id, &b, e) : load_newest(root, base, p, &b, e);
        if (r < 0)
                return r;
        if (b->status != BACKUP_COMPLETE)
                return error_set(e, -EBADMSG, "restore backup", b->id, 0,
                                 "list the others with 'memharden backups' and name one: memharden rollback ID",
                                 "it is %s: %s", backup_status_to_string(b->status), b->error);
        *ret = TAKE_PTR(b);
        return 0;
}

int backup_restore(const char *root, const Backup *b, ErrorInfo *e) {
        _cleanup_close_ int root_fd = -1;
        int r;

        r = root_open(root, &root_fd);
        if (r < 0)
                return error_set(e, r, "open", root, 0, NULL, "%s", strerror(-r));
        for (size_t i = 0; i < b->n_files; i++) {
                const BackupFile *f = &b->files[i];
                WriteMeta m = { .mode = f->mode, .uid = f->uid, .gid = f->gid };
                _cleanup_free_ char *real = path_join(root, f->path), *name = NULL;
                _cleanup_close_ int dir_fd = -1;

                if (!real)
                        return -ENOMEM;
                r = chase(root_fd, f->path, CHASE_NONEXISTENT, &dir_fd, &name, NULL);
                if (r >= 0) {
                        (void) remove_stale_temps_at(dir_fd, name); /* what a killed run left */
                        if (!f->absent)
                                r = write_file_at(dir_fd, name, f->text, f->size, &m);
                        else if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
                                r = -errno;
                }
                if (r >= 0 && f->absent)
                        remove_created_dirs(root_fd, f->path, f->absent_from);
                if (r == -ENOENT && f->absent) /* not even its directory: nothing to remove */
                        r = 0;
                if (r < 0)
                        return error_set(e, r, "restore", real, 0, NULL, "%s", strerror(-r));
        }
        return 0;
}

int backup_remove_stale(const char *root) {
        _cleanup_(closedirp) DIR *d = NULL;
        int r;

        r = opendir_base(root, &d, NULL);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        for (struct dirent *de; (de = readdir(d)); )
                if (strncmp(de->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) == 0) {
                        int k = rm_rf_at(dirfd(d), de->d_name);
                        if (k < 0 && r >= 0)
                                r = k;
                }
        return r;
}
