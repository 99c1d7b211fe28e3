/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The manifest of a backup (backup.h): what backup.c writes into a backup
 * it builds, and reads back, as hostile input, from one it lists or loads.
 */

#include <stdbool.h>

#include "backup.h"

#define MANIFEST "manifest.json"

/* Writes B's manifest into DIR_FD, the backup being built. */
int manifest_write(int dir_fd, const Backup *b);

/* The copy of PATH in backup ID, inside the root. */
char *backup_copy_path(const char *id, const char *path);

/* Whether ID can name a backup: no path separator, no dot file. */
bool backup_id_is_sane(const char *id);

/* Reads backup ID below BASE_FD into a Backup with its status: anything
 * wrong with it is said in the status, not returned. */
int backup_read(int base_fd, const char *id, const Profile *p, Backup **ret);
