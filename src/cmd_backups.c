/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backup.h"
#include "cli.h"
#include "json-util.h"
#include "rootfs.h"

static json_object *backup_to_json(const Backup *b) {
        json_object *o = json_object_new_object(), *files = json_object_new_array();

        if (!o || !files) {
                json_object_put(o);
                json_object_put(files);
                return NULL;
        }
        json_object_object_add(o, "id", json_object_new_string(b->id));
        json_object_object_add(o, "created", json_string_or_null(b->created));
        json_object_object_add(o, "status", json_object_new_string(backup_status_to_string(b->status)));
        if (b->error)
                json_object_object_add(o, "error", json_object_new_string(b->error));
        for (size_t k = 0; k < b->n_files; k++)
                if (b->files[k].copy) /* an entry refused before its copy was read has none */
                        json_object_array_add(files, backup_file_to_json(&b->files[k], true));
        json_object_object_add(o, "files", files);
        return o;
}

/* The listing: one JSON document, or a line per file of each complete
 * backup and one per backup that is not. */
static void print_backups(const Context *c, Backup *const *v, size_t n) {
        if (c->json) {
                json_object *root = json_object_new_object(), *list = json_object_new_array();
                for (size_t i = 0; i < n; i++)
                        json_object_array_add(list, backup_to_json(v[i]));
                json_object_object_add(root, "backups", list);
                printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(root);
        } else if (n == 0 && !c->quiet)
                printf("no backups\n");
        else
                for (size_t i = 0; i < n; i++) {
                        if (v[i]->status != BACKUP_COMPLETE) {
                                printf("%s  %s  %s: %s\n", v[i]->id, v[i]->created ?: "-",
                                       backup_status_to_string(v[i]->status), v[i]->error);
                                continue;
                        }
                        for (size_t k = 0; k < v[i]->n_files; k++)
                                printf("%s  %s  %s\n", v[i]->id, v[i]->created ?: "-", v[i]->files[k].path);
                }
}

/* memharden backups: what `rollback` can restore, oldest first, and what it
 * cannot (an unfinished or damaged backup is listed as such, not an error). */
int cmd_backups(const Context *c) {
        Report report = { .command = "backups", .root = c->root };
        _cleanup_close_ int root_fd = -1;
        const Profile *p = NULL;
        Backup **v = NULL;
        size_t n = 0;
        ErrorInfo e = {};
        int r;

        r = root_open(c->root, &root_fd);
        if (r < 0)
                return command_fail(c, &report, EXIT_INPUT,
                                    r == -ENOENT || r == -ENOTDIR
                                            ? error_set(&e, r, "open", c->root, 0,
                                                        "give --root the directory of a mounted image",
                                                        "no such directory")
                                            : error_set(&e, r, "open", c->root, 0, NULL, "%s", strerror(-r)),
                                    &e);
        /* Judged against the profile when there is one: a listing still
         * works on a root whose distribution is unknown. */
        (void) context_profile(c, &p, NULL);
        r = backup_list(c->root, p, &v, &n, &e);
        if (r < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);
        print_backups(c, v, n);
        backup_list_free(v, n);
        return EXIT_COMPLIANT;
}
