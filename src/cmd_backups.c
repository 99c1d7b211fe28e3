/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "backup.h"
#include "cli.h"
#include "json-util.h"

/* memharden backups: what `rollback` can restore, oldest first. */
int cmd_backups(const Context *c) {
        Report report = { .command = "backups", .root = c->root };
        Backup **v = NULL;
        size_t n = 0;
        ErrorInfo e = {};
        int r;

        r = backup_list(c->root, &v, &n, &e);
        if (r < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, &e);

        if (c->json) {
                json_object *root = json_object_new_object(), *list = json_object_new_array();
                for (size_t i = 0; i < n; i++) {
                        json_object *b = json_object_new_object(), *files = json_object_new_array();
                        json_object_object_add(b, "id", json_object_new_string(v[i]->id));
                        json_object_object_add(b, "created", json_string_or_null(v[i]->created));
                        for (size_t k = 0; k < v[i]->n_files; k++)
                                json_object_array_add(files, backup_file_to_json(&v[i]->files[k], true));
                        json_object_object_add(b, "files", files);
                        json_object_array_add(list, b);
                }
                json_object_object_add(root, "backups", list);
                printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(root);
        } else if (n == 0 && !c->quiet)
                printf("no backups\n");
        else
                for (size_t i = 0; i < n; i++)
                        for (size_t k = 0; k < v[i]->n_files; k++)
                                printf("%s  %s  %s\n", v[i]->id, v[i]->created ?: "-", v[i]->files[k].path);

        backup_list_free(v, n);
        return EXIT_COMPLIANT;
}
