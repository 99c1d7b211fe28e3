/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The edit of a unit's command line (store_unit.c's render): pure, from
 * what the store read of the unit. Where the words go:
 *   - in place, in the target file (the one holding the ExecStart= in
 *     effect, the admin's own): each changed word spliced where it was
 *     read, an Environment= assignment of the same file rewritten, a $NAME
 *     from elsewhere replaced by its new words, additions after the last
 *     word;
 *   - else appended to memharden's drop-in: Environment= lines where every
 *     changed word is a piece of an Environment= variable used once, else
 *     an ExecStart= reset and the whole edited command line.
 */

#include <stddef.h>

#include "mcargv.h"
#include "policy.h"
#include "unit_exec.h"
#include "unit_load.h"

/* The unit store's data of one file (ConfigFile.store_data). */
typedef struct UnitData {
        Unit *unit;
        size_t target;       /* the source an edit goes to */
        UnitVar *file_vars;  /* the EnvironmentFile= variables, as systemd reads them */
        char **file_of;
        size_t n_file_vars, cap_file_vars;
        UnitExec exec;       /* the command line as read */
        McArgPos *pos;       /* where each of the file's options is, in EXEC's words from argv[1] */
} UnitData;

/* The target's new text with EDITS (on the options read from D's command
 * line) applied. -EINVAL for a change memharden cannot make alone: an
 * option in one word with others, a word broken over lines, a variable's
 * piece with blanks or quotes. */
int unit_edit(const UnitData *d, const Edit *edits, size_t n_edits, char **ret_text);
