/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One writer per root. `apply` and `rollback` hold an exclusive flock() on
 * ROOT/var/backups/memharden/.lock from before they read anything until
 * they exit, so two runs never back up, write or restore the same files at
 * once; `check` and dry runs take no lock. The holder's pid is written into
 * the file, for the message of the run that waits.
 */

#include <stdbool.h>

#include "error.h"

/* Takes the lock of ROOT, waiting up to TIMEOUT_SEC. -EBUSY when another
 * run holds it longer (E names its pid). Returns the fd that holds it.
 * Without CREATE, -ENOENT (E untouched) while the backup directory does not
 * exist, since there is then nothing to guard. */
int lock_take(const char *root, unsigned timeout_sec, bool create, int *ret_fd, ErrorInfo *e);
