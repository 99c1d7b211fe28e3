/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Backups under ROOT/var/backups/memharden/ID/, so an image carries its own
 * history: a copy of each file under files/ and a manifest.json with its
 * original path, mode, owner and SHA-256. IDs sort by time
 * (20261124T230102Z, with -2, -3... on a clash). Returned structures are
 * owned by the caller and released with the matching *_free().
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cleanup.h"
#include "error.h"

#define BACKUP_DIR "/var/backups/memharden"

struct json_object;

typedef struct BackupFile {
        char *path;         /* original path inside the root */
        char *copy;         /* the copy, inside the root */
        mode_t mode;
        uid_t uid;
        gid_t gid;
        char sha256[65];
} BackupFile;

typedef struct Backup {
        char *id;
        char *created;      /* ISO 8601, UTC */
        BackupFile *files;
        size_t n_files;
} Backup;

/* New reference: {"path", ["copy",] "mode", "uid", "gid", "sha256"}; NULL
 * on OOM. The manifest leaves "copy" out, `memharden backups` shows it. */
struct json_object *backup_file_to_json(const BackupFile *f, bool with_copy);

void backup_free(Backup *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(Backup *, backup_free);

/* Copies PATHS (inside ROOT; TEXTS are their current bytes, as read) into a
 * new backup. */
int backup_create(const char *root, char *const *paths, char *const *texts, const size_t *sizes, size_t n,
                  Backup **ret, ErrorInfo *e);

/* All backups, oldest first. */
int backup_list(const char *root, Backup ***ret, size_t *ret_n, ErrorInfo *e);
void backup_list_free(Backup **v, size_t n);

/* Loads backup ID, or the newest when ID is NULL. -ENOENT when there is none. */
int backup_load(const char *root, const char *id, Backup **ret, ErrorInfo *e);

/* Puts every file of B back byte for byte, atomically, with its mode and
 * owner, after checking each copy against its checksum. */
int backup_restore(const char *root, const Backup *b, ErrorInfo *e);
