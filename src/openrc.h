/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memcached's command line as an OpenRC start script builds it from the
 * conf.d variables (the profile's rc_command: Alpine's, Gentoo's), read as
 * memcached's getopt_long() reads it, with where each option's words come
 * from; and the policy's edits of those options turned back into new
 * values of the variables (openrc_edit.c). Pure: the variables' values in,
 * words, options and values out; no I/O, no Augeas. For store_confd.c;
 * calls mcopt.c, config_args.c (ArgList) and error.c.
 *
 * The script expands each variable without quotes, so the shell splits its
 * value at blanks and takes every word with '*', '?' or '[' as a file name
 * pattern; such a word is refused, since what it matches is the host's at
 * start time. Options take their value as getopt does: the rest of the
 * word, else the next word, which must not look like an option.
 */

#include <stdbool.h>
#include <stddef.h>

#include "config_args.h"
#include "error.h"
#include "policy.h"
#include "profile.h"

/* A variable the command line reads, as the shell has it when start()
 * runs. Strings are borrowed. */
typedef struct RcVar {
        const char *name;
        const char *value;    /* "" when unset */
        const char *raw;      /* its last assignment's value as written; NULL when unset */
        const char *subject;  /* the file of that assignment (else the file read), for messages */
        unsigned line;        /* that assignment's line there, 0: unset */
        bool local;           /* that assignment is in the file read: an edit rewrites it there */
} RcVar;

/* Where a word of the command line comes from. */
typedef struct RcSource {
        size_t piece;         /* the rc_command piece */
        size_t var;           /* into the RcVars; SIZE_MAX for a literal */
        size_t k;             /* the variable's Kth word */
} RcSource;

/* The words of one Arg of the walk: an option, or a word getopt leaves. */
typedef struct RcOpt {
        size_t word;          /* the word it is in */
        size_t at;            /* its letter's (or "--NAME"'s dashes') offset there */
        size_t value;         /* the word of its value (WORD itself when attached), SIZE_MAX: none */
        size_t value_at;      /* where the value starts in that word */
} RcOpt;

typedef struct RcLine {
        char **words;         /* memcached's arguments after its name */
        RcSource *src;
        size_t n_words;
        RcOpt *opts;          /* one per Arg read, in order */
        size_t n_opts;
} RcLine;

void rc_line_done(RcLine *l);

/* The index of the variable NAME in VARS, or SIZE_MAX. */
size_t rc_var_find(const RcVar *vars, size_t n_vars, const char *name);

/* Whether piece P is on the command line, as the script's tests decide; a
 * test of IGNORE (a variable an edit would set) counts as met. */
bool rc_piece_present(const RcWord *p, const RcVar *vars, size_t n_vars, const char *ignore);
/* Whether P is the empty piece that ends a command. */
bool rc_piece_end(const RcWord *p);

/* Builds COMMAND's words from VARS (which hold every variable COMMAND
 * names) and reads them as memcached does into OUT, one Arg per option or
 * other word, on the line of the variable its value (else its option)
 * comes from where that is local, else on line 0. SUBJECT names the file
 * read. -EINVAL with E naming the variable's file and line for a pattern
 * word, an unknown option, or an option without its value. */
int rc_line_read(const RcWord *command, const RcVar *vars, size_t n_vars, const char *subject, RcLine *ret,
                 ArgList *out, ErrorInfo *e);

/* A variable's new value: VALUE (malloc()ed) for VARS[VAR]. */
typedef struct RcChange {
        size_t var;
        char *value;
} RcChange;

void rc_changes_free(RcChange *v, size_t n);

/* The new values of the variables that the policy's EDITS (of L's Args,
 * sorted by option, additions last) touch, in the order of VARS: a changed
 * value in place of the old word; a removed option with its value; an
 * added option in the variable COMMAND reads after it ("-l" ${LISTENON})
 * where COMMAND would take it from there, else in FREE_VAR. A value written
 * as it was read (no $NAME in it) keeps its spacing. -EINVAL with E naming
 * SUBJECT, the file edited, where no variable can carry the edit (an
 * option the script itself writes). */
int rc_line_edit(const RcWord *command, const char *free_var, const RcLine *l, const RcVar *vars, size_t n_vars,
                 const Edit *edits, size_t n_edits, const char *subject, RcChange **ret, size_t *ret_n,
                 ErrorInfo *e);
