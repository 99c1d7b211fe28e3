/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A backup's manifest.json (backup_manifest.h): written when a backup is
 * built, and read back as hostile input, every field checked.
 */
#include "backup_manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "json-util.h"
#include "rootfs.h"
#include "util.h"

#define UID_MAX_VALID 0xFFFFFFFEL /* (uid_t) -1 means "unchanged" to chown() */

void backup_free(Backup *b) {
        if (!b)
                return;
        for (size_t i = 0; i < b->n_files; i++) {
                free(b->files[i].path);
                free(b->files[i].copy);
                free(b->files[i].text);
                free(b->files[i].absent_from);
        }
        free(b->files);
        free(b->id);
        free(b->created);
        free(b->error);
        free(b);
}

void backup_list_free(Backup **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                backup_free(v[i]);
        free(v);
}

const char *backup_status_to_string(BackupStatus s) {
        static const char *const names[] = {
                [BACKUP_COMPLETE] = "complete",
                [BACKUP_INCOMPLETE] = "incomplete",
                [BACKUP_DAMAGED] = "damaged",
        };
        return names[s];
}

static const char *const reason_names[] = {
        [BACKUP_FOR_APPLY] = "apply",
        [BACKUP_FOR_ROLLBACK_UNDO] = "rollback-undo",
};

const char *backup_reason_to_string(BackupReason r) {
        return (size_t) r < ELEMENTSOF(reason_names) ? reason_names[r] : NULL;
}

/* The reason a manifest names; UNKNOWN for none, or one this version does
 * not know (it only labels the listing, and never decides a restore). */
static BackupReason reason_from_string(const char *s) {
        for (size_t i = 0; s && i < ELEMENTSOF(reason_names); i++)
                if (reason_names[i] && strcmp(reason_names[i], s) == 0)
                        return (BackupReason) i;
        return BACKUP_REASON_UNKNOWN;
}

json_object *backup_file_to_json(const BackupFile *f, bool with_copy) {
        json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        json_object_object_add(o, "path", json_object_new_string(f->path));
        if (f->absent) {
                json_object_object_add(o, "absent", json_object_new_boolean(true));
                if (f->absent_from)
                        json_object_object_add(o, "absent_from", json_object_new_string(f->absent_from));
                return o;
        }
        if (with_copy)
                json_object_object_add(o, "copy", json_object_new_string(f->copy));
        json_object_object_add(o, "mode", json_object_new_int((int) (f->mode & 07777)));
        json_object_object_add(o, "uid", json_object_new_int64(f->uid));
        json_object_object_add(o, "gid", json_object_new_int64(f->gid));
        json_object_object_add(o, "sha256", json_object_new_string(f->sha256));
        return o;
}

int manifest_write(int dir_fd, const Backup *b) {
        _cleanup_(json_object_putp) json_object *root = json_object_new_object(), *files = json_object_new_array();
        WriteMeta m = { .mode = 0600 };

        if (!root || !files)
                return -ENOMEM;
        /* The copy's path follows from the id and the path: not recorded. */
        for (size_t i = 0; i < b->n_files; i++) {
                json_object *o = backup_file_to_json(&b->files[i], false);
                if (!o)
                        return -ENOMEM;
                json_object_array_add(files, o);
        }
        json_object_object_add(root, "id", json_object_new_string(b->id));
        json_object_object_add(root, "created", json_object_new_string(b->created));
        if (backup_reason_to_string(b->reason))
                json_object_object_add(root, "reason", json_object_new_string(backup_reason_to_string(b->reason)));
        json_object_object_add(root, "files", json_object_get(files));

        const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        _cleanup_free_ char *text = NULL;
        if (asprintf(&text, "%s\n", s) < 0)
                return -ENOMEM;
        return write_file_at(dir_fd, MANIFEST, text, strlen(text), &m);
}

/* The copy of PATH in backup ID, inside the root. */
char *backup_copy_path(const char *id, const char *path) {
        char *p;
        return asprintf(&p, BACKUP_DIR "/%s/files%s", id, path) < 0 ? NULL : p;
}

/* Marks B damaged or incomplete and says why; 0, for the reader to go on
 * with the next backup (-ENOMEM is the only real failure). */
static int mark(Backup *b, BackupStatus status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int mark(Backup *b, BackupStatus status, const char *fmt, ...) {
        va_list ap;
        int k;

        b->status = status;
        va_start(ap, fmt);
        k = vasprintf(&b->error, fmt, ap);
        va_end(ap);
        if (k < 0) {
                b->error = NULL;
                return -ENOMEM;
        }
        return 0;
}

static bool has_control(const char *s) {
        for (; *s; s++)
                if ((unsigned char) *s < 0x20 || *s == 0x7f)
                        return true;
        return false;
}

/* An absolute path in normal form: no empty, "." or ".." component. */
static bool path_is_normal(const char *p) {
        if (p[0] != '/' || strlen(p) >= PATH_MAX || has_control(p))
                return false;
        for (const char *c = p + 1;; ) {
                size_t n = strcspn(c, "/");
                if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                if (c[n] == '\0')
                        return true;
                c += n + 1;
        }
}

bool backup_id_is_sane(const char *id) {
        return id[0] != '\0' && id[0] != '.' && !strchr(id, '/') && strlen(id) < NAME_MAX && !has_control(id);
}

static bool sha256_is_sane(const char *s) {
        return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* "2026-11-24T23:01:02Z", as backup.c writes it: anything else is not
 * shown (it may hold what a terminal takes as commands). */
static bool created_is_sane(const char *s) {
        return strlen(s) == 20 && strspn(s, "0123456789-:TZ") == 20;
}

/* Integer field KEY of O within [MIN, MAX]; json-c's numbers of any other
 * type (1e30, "420", null) are refused, not converted. */
static bool int_field(json_object *o, const char *key, int64_t min, int64_t max, int64_t *ret) {
        json_object *v;
        int64_t x;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
                return false;
        x = json_object_get_int64(v);
        if (x < min || x > max)
                return false;
        *ret = x;
        return true;
}

static const char *string_field(json_object *o, const char *key) {
        json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v) : NULL;
}

/* Checks file entry I of a manifest and reads its copy from ID_FD. */
static int read_entry(Backup *b, const Profile *p, int id_fd, json_object *o, size_t i) {
        BackupFile *f = &b->files[i];
        const char *path = string_field(o, "path"), *sum = string_field(o, "sha256");
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *rel = NULL, *name = NULL;
        int64_t mode, uid, gid;
        char actual[65];
        int r;

        if (!json_object_is_type(o, json_type_object))
                return mark(b, BACKUP_DAMAGED, "file entry %zu is not an object", i + 1);
        if (!path || !path_is_normal(path))
                return mark(b, BACKUP_DAMAGED, "file entry %zu: 'path' is not a plain absolute path", i + 1);
        if (p && !profile_owns(p, path))
                return mark(b, BACKUP_DAMAGED, "file entry %zu: 'path' %s is not a config file of profile %s", i + 1,
                            path, p->name);
        for (size_t k = 0; k < i; k++)
                if (strcmp(b->files[k].path, path) == 0)
                        return mark(b, BACKUP_DAMAGED, "file entry %zu: 'path' %s is listed twice", i + 1, path);
        json_object *absent;
        if (json_object_object_get_ex(o, "absent", &absent)) {
                if (!json_object_is_type(absent, json_type_boolean) || !json_object_get_boolean(absent))
                        return mark(b, BACKUP_DAMAGED, "file entry %zu: 'absent' is not true", i + 1);
                const char *from = string_field(o, "absent_from");
                size_t fl = from ? strlen(from) : 0;
                /* Only a parent of the file's own path may be removed. */
                if (from && (!path_is_normal(from) || strncmp(path, from, fl) != 0 || path[fl] != '/' || fl < 2))
                        return mark(b, BACKUP_DAMAGED, "file entry %zu: 'absent_from' is not a parent of its path", i + 1);
                f->absent = true;
                return (f->path = strdup(path)) && (f->copy = backup_copy_path(b->id, path)) &&
                       (!from || (f->absent_from = strdup(from))) ? 0 : -ENOMEM;
        }
        if (!int_field(o, "mode", 0, 07777, &mode))
                return mark(b, BACKUP_DAMAGED, "file entry %zu: 'mode' is not a number from 0 to 07777", i + 1);
        if (!int_field(o, "uid", 0, UID_MAX_VALID, &uid) || !int_field(o, "gid", 0, UID_MAX_VALID, &gid))
                return mark(b, BACKUP_DAMAGED, "file entry %zu: 'uid' or 'gid' is not a valid id", i + 1);
        if (!sum || !sha256_is_sane(sum))
                return mark(b, BACKUP_DAMAGED, "file entry %zu: 'sha256' is not a SHA-256 in hex", i + 1);

        if (!(f->path = strdup(path)) || !(f->copy = backup_copy_path(b->id, path)) || asprintf(&rel, "files%s", path) < 0)
                return -ENOMEM;
        f->mode = (mode_t) mode;
        f->uid = (uid_t) uid;
        f->gid = (gid_t) gid;
        memcpy(f->sha256, sum, sizeof f->sha256);

        /* The copy: a regular file inside the backup, reached without links. */
        r = chase(id_fd, rel, CHASE_NOSYMLINKS, &dir_fd, &name, NULL);
        if (r >= 0)
                r = read_file_at(dir_fd, name, &f->text, &f->size, NULL);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return mark(b, r == -ENOENT ? BACKUP_INCOMPLETE : BACKUP_DAMAGED, "copy of %s: %s", path,
                            r == -ENOENT ? "missing" : r == -ELOOP ? "reached through a symlink"
                                                    : r == -EBADF ? "not a regular file" : strerror(-r));
        sha256_hex(f->text, f->size, actual);
        if (strcmp(actual, f->sha256) != 0)
                return mark(b, BACKUP_DAMAGED, "copy of %s: checksum mismatch", path);
        return 0;
}

/* Reads backup ID below BASE_FD into a Backup with its status: anything
 * wrong with it is said in the status, not returned. */
int backup_read(int base_fd, const char *id, const Profile *p, Backup **ret) {
        _cleanup_(backup_freep) Backup *b = calloc(1, sizeof *b);
        _cleanup_(json_object_putp) json_object *j = NULL;
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int id_fd = -1;
        json_object *files;
        const char *created;
        int r;

        if (!b || !(b->id = strdup(id)))
                return -ENOMEM;
        r = 0;
        id_fd = openat(base_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (id_fd < 0)
                r = mark(b, BACKUP_DAMAGED, "not a directory");
        else {
                int k = read_file_at(id_fd, MANIFEST, &text, NULL, NULL);
                if (k == -ENOENT)
                        r = mark(b, BACKUP_INCOMPLETE, "no " MANIFEST);
                else if (k < 0)
                        r = k == -ENOMEM ? k : mark(b, BACKUP_DAMAGED, MANIFEST ": %s",
                                                    k == -EBADF ? "not a regular file" : strerror(-k));
                else if (!(j = json_tokener_parse(text)) || !json_object_is_type(j, json_type_object))
                        r = mark(b, BACKUP_DAMAGED, MANIFEST " is not a JSON object");
                else if (!json_object_object_get_ex(j, "files", &files) || !json_object_is_type(files, json_type_array))
                        r = mark(b, BACKUP_DAMAGED, MANIFEST ": 'files' is not an array");
                else {
                        size_t n = json_object_array_length(files);
                        created = string_field(j, "created");
                        if (created && !created_is_sane(created))
                                created = NULL; /* shown as unknown, never printed as it is */
                        b->reason = reason_from_string(string_field(j, "reason"));
                        if ((created && !(b->created = strdup(created))) ||
                            !(b->files = calloc(n ?: 1, sizeof *b->files)))
                                return -ENOMEM;
                        for (size_t i = 0; i < n && r >= 0 && b->status == BACKUP_COMPLETE; i++) {
                                b->n_files++;
                                r = read_entry(b, p, id_fd, json_object_array_get_idx(files, i), i);
                        }
                }
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(b);
        return 0;
}

