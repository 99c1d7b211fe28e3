/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Backups under ROOT/var/backups/memharden/ID/, so an image carries its own
 * history: a copy of each file under files/ and a manifest.json with its
 * original path, mode, owner and SHA-256. IDs sort by time
 * (20261124T230102Z, with -2, -3... on a clash). A backup is built in a
 * temporary directory beside the others and renamed into place whole, so a
 * backup either exists complete or not at all; what a crash leaves is removed
 * by the next writer. Everything read from a backup is hostile input: a
 * manifest names only files the profile owns, with sane modes and owners,
 * and each copy is a regular file inside the backup that matches its
 * checksum, or the backup is damaged and never restored. Returned structures
 * are owned by the caller and released with the matching *_free().
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cleanup.h"
#include "error.h"
#include "profile.h"

#define BACKUP_DIR "/var/backups/memharden"

struct json_object;

typedef enum BackupStatus {
        BACKUP_COMPLETE,
        BACKUP_INCOMPLETE, /* no manifest: another run is writing it, or one died */
        BACKUP_DAMAGED,    /* a manifest or copy that fails a check */
} BackupStatus;

/* What a backup was made for: the files apply was about to change, or
 * what a rollback replaced (restoring it undoes that rollback). UNKNOWN:
 * its manifest does not say (a backup of an earlier memharden). */
typedef enum BackupReason {
        BACKUP_REASON_UNKNOWN,
        BACKUP_FOR_APPLY,
        BACKUP_FOR_ROLLBACK_UNDO,
} BackupReason;

typedef struct BackupFile {
        char *path;         /* original path inside the root */
        char *copy;         /* the copy, inside the root */
        mode_t mode;
        uid_t uid;
        gid_t gid;
        char sha256[65];
        char *text;         /* the copy's bytes, checked against sha256 */
        size_t size;
        /* There was no such file (a drop-in apply created): no copy, and
         * a restore removes the file, and the directories from
         * ABSENT_FROM (the first of its parents that was missing, or NULL)
         * down, which apply made for it. */
        bool absent;
        char *absent_from;
} BackupFile;

typedef struct Backup {
        char *id;
        char *created;      /* ISO 8601, UTC */
        BackupReason reason;
        BackupFile *files;
        size_t n_files;
        BackupStatus status;
        char *error;        /* why it is not complete */
} Backup;

/* What to back up: a file as memharden read it. TEXT and ST NULL: there
 * is no such file yet. */
typedef struct BackupSource {
        const char *path;   /* inside the root */
        const char *text;
        size_t size;
        const struct stat *st;
} BackupSource;

/* New reference: {"path", ["copy",] "mode", "uid", "gid", "sha256"}; NULL
 * on OOM. The manifest leaves "copy" out, `memharden backups` shows it. */
struct json_object *backup_file_to_json(const BackupFile *f, bool with_copy);

const char *backup_status_to_string(BackupStatus s);

/* "apply", "rollback-undo", as the manifest records it; NULL for UNKNOWN. */
const char *backup_reason_to_string(BackupReason r);

void backup_free(Backup *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(Backup *, backup_free);

/* Backs up SOURCES into a new backup, made for REASON. */
int backup_create(const char *root, BackupReason reason, const BackupSource *sources, size_t n, Backup **ret,
                  ErrorInfo *e);

/* All backups, oldest first, each with its status. With a profile P, a
 * manifest naming a file P does not own makes its backup damaged. */
int backup_list(const char *root, const Profile *p, Backup ***ret, size_t *ret_n, ErrorInfo *e);
void backup_list_free(Backup **v, size_t n);

/* Whether ROOT holds a complete backup, one `rollback` would restore (with
 * a profile P, judged as backup_list() does): 1 or 0, else a negative
 * errno. Reads the newest backups first and stops at the first complete
 * one; creates nothing. */
int backup_exists(const char *root, const Profile *p);

/* Loads backup ID, or the newest complete one when ID is NULL: -ENOENT when
 * there is none, -EBADMSG when ID is incomplete or damaged (E says why). */
int backup_load(const char *root, const Profile *p, const char *id, Backup **ret, ErrorInfo *e);

/* Puts every file of B back byte for byte, atomically, with its mode and
 * owner; removes the files B says were absent. */
int backup_restore(const char *root, const Backup *b, ErrorInfo *e);

/* Removes the temporary directories of backups that were never finished.
 * Only for a caller that holds the lock (lock.h). */
int backup_remove_stale(const char *root);
