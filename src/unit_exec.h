/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What systemd runs for a Unit (unit_load.h): the ExecStart= in effect
 * after every drop-in (an empty assignment resets the list), its words
 * with specifiers resolved, and the command line after the environment
 * (Environment=, then EnvironmentFile=, whose variables win) is expanded,
 * each word of it knowing where it came from, so an edit can go where the
 * value is. Pure: the caller reads the EnvironmentFile= files. A UnitExec
 * owns everything in it; release with unit_exec_done().
 */

#include <stdbool.h>
#include <stddef.h>

#include "unit_load.h"
#include "unit_syntax.h"

#define UNIT_NO_SOURCE ((size_t) -1)

/* One variable of the command's environment and where it is set. */
typedef struct UnitEnv {
        char *name, *value;
        /* An Environment= assignment: its source, entry and word; else
         * (SOURCE UNIT_NO_SOURCE) it comes from the EnvironmentFile FILE. */
        size_t source, entry, word;
        const char *file;
} UnitEnv;

/* One word of the command line memcached gets. */
typedef struct ExecWord {
        char *word;
        size_t token;        /* the ExecStart= word it comes from */
        const UnitEnv *var;  /* a piece of $NAME's value (VAR), else NULL: the token itself */
        size_t piece;        /* which piece of VAR's value */
} ExecWord;

typedef struct UnitExec {
        size_t source, entry;   /* the ExecStart= in effect */
        bool no_env;            /* the ':' prefix: nothing is expanded */
        bool separate_argv0;    /* the '@' prefix */
        UnitWord *tokens;       /* its value's words as written (the prefix still on the first) */
        size_t n_tokens;
        ExecWord *argv;         /* what runs: the program first */
        size_t argc;
        UnitEnv *env;
        size_t n_env;
} UnitExec;

void unit_exec_done(UnitExec *x);

/* The EnvironmentFile= paths in effect for U, in order; OPTIONAL[i] for a
 * '-' one. Borrowed from U's entries (specifiers resolved: malloc()ed). */
int unit_env_files(const Unit *u, char ***ret_paths, bool **ret_optional, size_t *ret_n);

/* The argument vector systemd holds for X once loaded (its ExecStart
 * property): specifiers resolved, variables not; argv[0] is the program,
 * or with '@' the second word. NULL-terminated, malloc()ed. */
int unit_exec_held_argv(const Unit *u, const UnitExec *x, char ***ret);

/* How many words of X's command line use V: $NAME alone, or ${NAME}
 * anywhere. A variable whose value an edit changes must be used once. */
size_t unit_var_uses(const UnitExec *x, const UnitEnv *v);

/* The command line of U. FILE_VARS[i] (N_FILE_VARS) are the variables of
 * the EnvironmentFile= files in order, FILE_OF[i] naming each one's file.
 * -ENOEXEC with *RET_WHY (static) when U has no ExecStart=, more than one,
 * or one memharden cannot read as systemd does (specifier, escape). */
int unit_exec_build(const Unit *u, const UnitVar *file_vars, const char *const *file_of, size_t n_file_vars,
                    UnitExec *ret, const char **ret_why);
