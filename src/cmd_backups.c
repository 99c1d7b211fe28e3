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
        json_object_object_add(o, "reason", json_string_or_null(backup_reason_to_string(b->reason)));
        json_object_object_add(o, "status", json_object_new_string(backup_status_to_string(b->status)));
        if (b->error)
                json_object_object_add(o, "error", json_object_new_string(b->error));
        for (size_t k = 0; k < b->n_files; k++)
                if (b->files[k].copy) /* an entry refused before its copy was read has none */
                        json_object_array_add(files, backup_file_to_json(&b->files[k], true));
        json_object_object_add(o, "files", files);
        return o;
}

static void print_json(Backup *const *v, size_t n) {
        json_object *root = json_object_new_object(), *list = json_object_new_array();

        for (size_t i = 0; i < n; i++)
                json_object_array_add(list, backup_to_json(v[i]));
        json_object_object_add(root, "backups", list);
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
}

/* The columns of the listing, the last one as wide as it comes. */
enum { COL_ID, COL_CREATED, COL_FOR, COL_FILES, N_COLS };
static const char *const headers[N_COLS] = { "ID", "CREATED", "FOR", "FILES" };

static const char *cell(const Backup *b, int col) {
        switch (col) {
        case COL_ID: return b->id;
        case COL_CREATED: return b->created ?: "-";
        case COL_FOR: return backup_reason_to_string(b->reason) ?: "-";
        default: return NULL;
        }
}

/* FILES: the paths a complete backup holds; for any other, what it is
 * and why, since its file list cannot be trusted. */
static void print_files(const Backup *b) {
        if (b->status != BACKUP_COMPLETE) {
                printf("%s: %s\n", backup_status_to_string(b->status), b->error ?: "-");
                return;
        }
        for (size_t k = 0; k < b->n_files; k++)
                printf("%s%s", k ? ", " : "", b->files[k].path);
        printf("%s\n", b->n_files ? "" : "-");
}

/* A header (unless -q), then one line per backup in aligned columns. */
static void print_table(const Context *c, Backup *const *v, size_t n) {
        int width[N_COLS];

        for (int col = 0; col < COL_FILES; col++) {
                width[col] = (int) strlen(headers[col]);
                for (size_t i = 0; i < n; i++)
                        if ((int) strlen(cell(v[i], col)) > width[col])
                                width[col] = (int) strlen(cell(v[i], col));
        }
        if (!c->quiet)
                printf("%-*s  %-*s  %-*s  %s\n", width[COL_ID], headers[COL_ID], width[COL_CREATED],
                       headers[COL_CREATED], width[COL_FOR], headers[COL_FOR], headers[COL_FILES]);
        for (size_t i = 0; i < n; i++) {
                printf("%-*s  %-*s  %-*s  ", width[COL_ID], cell(v[i], COL_ID), width[COL_CREATED],
                       cell(v[i], COL_CREATED), width[COL_FOR], cell(v[i], COL_FOR));
                print_files(v[i]);
        }
}

/* The listing: one JSON document, or a table with a line per backup. */
static void print_backups(const Context *c, Backup *const *v, size_t n) {
        if (c->json)
                print_json(v, n);
        else if (n == 0 && !c->quiet)
                printf("no backups\n");
        else if (n > 0)
                print_table(c, v, n);
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
