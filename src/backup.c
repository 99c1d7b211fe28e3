/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cleanup.h"
#include "json-util.h"
#include "util.h"


#define MANIFEST "manifest.json"

void backup_free(Backup *b) {
        if (!b)
                return;
        for (size_t i = 0; i < b->n_files; i++) {
                free(b->files[i].path);
                free(b->files[i].copy);
        }
        free(b->files);
        free(b->id);
        free(b->created);
        free(b);
}

void backup_list_free(Backup **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                backup_free(v[i]);
        free(v);
}

json_object *backup_file_to_json(const BackupFile *f, bool with_copy) {
        json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        json_object_object_add(o, "path", json_object_new_string(f->path));
        if (with_copy)
                json_object_object_add(o, "copy", json_object_new_string(f->copy));
        json_object_object_add(o, "mode", json_object_new_int((int) (f->mode & 07777)));
        json_object_object_add(o, "uid", json_object_new_int64(f->uid));
        json_object_object_add(o, "gid", json_object_new_int64(f->gid));
        json_object_object_add(o, "sha256", json_object_new_string(f->sha256));
        return o;
}

static int manifest_write(const char *dir, const Backup *b) {
        _cleanup_(json_object_putp) json_object *root = json_object_new_object(), *files = json_object_new_array();
        _cleanup_free_ char *path = NULL;

        if (!root || !files || asprintf(&path, "%s/" MANIFEST, dir) < 0)
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
        json_object_object_add(root, "files", json_object_get(files));

        const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        _cleanup_free_ char *text = NULL;
        if (asprintf(&text, "%s\n", s) < 0)
                return -ENOMEM;
        return write_file_atomic(path, text, strlen(text), 0600, 0, 0);
}

/* The copy of PATH in backup ID, inside the root. */
static char *copy_path(const char *id, const char *path) {
        char *p;
        return asprintf(&p, BACKUP_DIR "/%s/files%s", id, path) < 0 ? NULL : p;
}

int backup_create(const char *root, char *const *paths, char *const *texts, const size_t *sizes, size_t n,
                  Backup **ret, ErrorInfo *e) {
        _cleanup_(backup_freep) Backup *b = calloc(1, sizeof *b);
        _cleanup_free_ char *base = path_join(root, BACKUP_DIR), *dir = NULL;
        char stamp[32], created[32];
        time_t now = time(NULL);
        struct tm tm;
        int r;

        if (!b || !base)
                return -ENOMEM;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);

        r = mkdir_p(base, 0700);
        if (r < 0)
                return error_set(e, r, "create", base, 0, "check that the file system is writable", "%s", strerror(-r));
        for (unsigned k = 1; ; k++) {
                free(dir);
                dir = NULL;
                free(b->id);
                if ((k == 1 ? asprintf(&b->id, "%s", stamp) : asprintf(&b->id, "%s-%u", stamp, k)) < 0 ||
                    asprintf(&dir, "%s/%s", base, b->id) < 0) {
                        b->id = NULL;
                        return -ENOMEM;
                }
                if (mkdir(dir, 0700) == 0)
                        break;
                if (errno != EEXIST || k > 1000)
                        return error_set(e, -errno, "create", dir, 0, NULL, "%s", strerror(errno));
        }
        if (!(b->created = strdup(created)) || !(b->files = calloc(n, sizeof *b->files)))
                return -ENOMEM;

        for (size_t i = 0; i < n; i++) {
                BackupFile *f = &b->files[i];
                _cleanup_free_ char *real = path_join(root, paths[i]), *copy_real = NULL, *copy_dir = NULL;
                struct stat st;

                if (!real || !(f->path = strdup(paths[i])))
                        return -ENOMEM;
                b->n_files++;
                if (stat(real, &st) < 0)
                        return error_set(e, -errno, "back up", real, 0, NULL, "%s", strerror(errno));
                f->mode = st.st_mode & 07777;
                f->uid = st.st_uid;
                f->gid = st.st_gid;
                sha256_hex(texts[i], sizes[i], f->sha256);

                if (!(f->copy = copy_path(b->id, paths[i])) || !(copy_real = path_join(root, f->copy)) ||
                    !(copy_dir = strdup(copy_real)))
                        return -ENOMEM;
                *strrchr(copy_dir, '/') = '\0';
                r = mkdir_p(copy_dir, 0700);
                if (r >= 0)
                        r = write_file_atomic(copy_real, texts[i], sizes[i], 0600, 0, 0);
                if (r < 0)
                        return error_set(e, r, "back up", real, 0, "check free space under " BACKUP_DIR,
                                         "%s", strerror(-r));
        }

        r = manifest_write(dir, b);
        if (r < 0)
                return error_set(e, r, "write", dir, 0, NULL, "manifest: %s", strerror(-r));
        *ret = TAKE_PTR(b);
        return 0;
}

static int manifest_read(const char *root, const char *id, Backup **ret, ErrorInfo *e) {
        _cleanup_free_ char *manifest = NULL, *path = NULL, *text = NULL;
        _cleanup_(json_object_putp) json_object *j = NULL;
        _cleanup_(backup_freep) Backup *b = calloc(1, sizeof *b);
        json_object *files, *v;
        int r;

        if (!b || asprintf(&manifest, BACKUP_DIR "/%s/" MANIFEST, id) < 0 || !(path = path_join(root, manifest)))
                return -ENOMEM;
        r = read_config_file(path, &text, NULL);
        if (r < 0)
                return error_set(e, r, "read", path, 0, "list backups with 'memharden backups'", "%s",
                                 r == -ENOENT ? "no such backup" : strerror(-r));
        j = json_tokener_parse(text);
        if (!j || !json_object_object_get_ex(j, "files", &files) || !json_object_is_type(files, json_type_array))
                return error_set(e, -EBADMSG, "read", path, 0, "the backup is damaged", "not a memharden manifest");

        if (!(b->id = strdup(id)))
                return -ENOMEM;
        if (json_object_object_get_ex(j, "created", &v) && !(b->created = strdup(json_object_get_string(v))))
                return -ENOMEM;
        size_t n = json_object_array_length(files);
        if (!(b->files = calloc(n ?: 1, sizeof *b->files)))
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_object *o = json_object_array_get_idx(files, i), *p, *m, *u, *g, *s;
                BackupFile *f = &b->files[i];
                if (!json_object_object_get_ex(o, "path", &p) || !json_object_object_get_ex(o, "mode", &m) ||
                    !json_object_object_get_ex(o, "uid", &u) || !json_object_object_get_ex(o, "gid", &g) ||
                    !json_object_object_get_ex(o, "sha256", &s) || strlen(json_object_get_string(s)) != 64 ||
                    json_object_get_string(p)[0] != '/')
                        return error_set(e, -EBADMSG, "read", path, 0, "the backup is damaged",
                                         "file entry %zu is incomplete", i + 1);
                b->n_files++;
                if (!(f->path = strdup(json_object_get_string(p))) || !(f->copy = copy_path(id, f->path)))
                        return -ENOMEM;
                f->mode = (mode_t) json_object_get_int(m) & 07777;
                f->uid = (uid_t) json_object_get_int64(u);
                f->gid = (gid_t) json_object_get_int64(g);
                memcpy(f->sha256, json_object_get_string(s), 65);
        }
        *ret = TAKE_PTR(b);
        return 0;
}

static int cmp_backup(const void *a, const void *b) {
        return strcmp((*(Backup *const *) a)->id, (*(Backup *const *) b)->id);
}

int backup_list(const char *root, Backup ***ret, size_t *ret_n, ErrorInfo *e) {
        _cleanup_free_ char *base = path_join(root, BACKUP_DIR);
        _cleanup_(closedirp) DIR *d = NULL;
        Backup **v = NULL;
        size_t n = 0;
        int r = 0;

        if (!base)
                return -ENOMEM;
        d = opendir(base);
        if (!d && errno != ENOENT)
                return error_set(e, -errno, "read", base, 0, NULL, "%s", strerror(errno));
        for (struct dirent *de; d && (de = readdir(d)); ) {
                Backup *b, **w;
                if (de->d_name[0] == '.')
                        continue;
                r = manifest_read(root, de->d_name, &b, e);
                if (r < 0)
                        break;
                w = reallocarray(v, n + 1, sizeof *v);
                if (!w) {
                        backup_free(b);
                        r = -ENOMEM;
                        break;
                }
                v = w;
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

int backup_load(const char *root, const char *id, Backup **ret, ErrorInfo *e) {
        Backup **v;
        size_t n;
        int r;

        if (id) {
                if (!*id || strchr(id, '/') || id[0] == '.')
                        return error_set(e, -EINVAL, "find backup", id, 0, "list backups with 'memharden backups'",
                                         "not a backup id");
                return manifest_read(root, id, ret, e);
        }
        r = backup_list(root, &v, &n, e);
        if (r < 0)
                return r;
        if (n == 0) {
                backup_list_free(v, n);
                _cleanup_free_ char *base = path_join(root, BACKUP_DIR);
                return error_set(e, -ENOENT, "roll back", base ?: BACKUP_DIR, 0,
                                 "memharden has not changed anything here", "there are no backups");
        }
        *ret = TAKE_PTR(v[n - 1]);
        backup_list_free(v, n - 1);
        return 0;
}

int backup_restore(const char *root, const Backup *b, ErrorInfo *e) {
        /* Check every copy before touching any file: all or nothing. */
        char **texts = calloc(b->n_files ?: 1, sizeof *texts);
        size_t *sizes = calloc(b->n_files ?: 1, sizeof *sizes);
        int r = 0;

        if (!texts || !sizes) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < b->n_files && r >= 0; i++) {
                _cleanup_free_ char *copy = path_join(root, b->files[i].copy);
                char sum[65];
                if (!copy) {
                        r = -ENOMEM;
                        break;
                }
                r = read_config_file(copy, &texts[i], &sizes[i]);
                if (r < 0) {
                        r = error_set(e, r, "read", copy, 0, "the backup is damaged", "%s", strerror(-r));
                        break;
                }
                sha256_hex(texts[i], sizes[i], sum);
                if (strcmp(sum, b->files[i].sha256) != 0)
                        r = error_set(e, -EBADMSG, "restore", copy, 0, "the backup is damaged; nothing was restored",
                                      "checksum mismatch");
        }
        for (size_t i = 0; i < b->n_files && r >= 0; i++) {
                const BackupFile *f = &b->files[i];
                _cleanup_free_ char *real = path_join(root, f->path);
                if (!real) {
                        r = -ENOMEM;
                        break;
                }
                r = write_file_atomic(real, texts[i], sizes[i], f->mode, f->uid, f->gid);
                if (r < 0)
                        r = error_set(e, r, "restore", real, 0, NULL, "%s", strerror(-r));
        }
finish:
        for (size_t i = 0; texts && i < b->n_files; i++)
                free(texts[i]);
        free(texts);
        free(sizes);
        return r;
}
