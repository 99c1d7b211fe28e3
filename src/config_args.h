/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memcached's command-line arguments as the tree of lenses/memharden_args.aug
 * holds them: each "-xyz" or "--name" word a "short" or "long" node whose
 * children are its options. Every store keeps its options in this shape
 * (a memcached.conf line, a shell variable's value), so reading them into
 * Args, splicing new values into their text and editing the tree live here,
 * once. Called by the stores (store_*.c); calls only Augeas.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "policy.h"

struct augeas;

/* The letter of an Arg that is a word and no option ("2>&1", a path,
 * "$OPTIONS"): memcached's getopt leaves it alone, and the policy never
 * looks at it; it is kept so that a re-read can tell it is still there. */
#define ARG_WORD '\0'

typedef struct ArgList {
        Arg *v;
        size_t n, cap;
} ArgList;

void args_free(Arg *args, size_t n);

/* Appends an option to L, copying VALUE and PATH (either may be NULL). */
int arglist_push(ArgList *l, char letter, const char *value, const char *path, unsigned line, bool effective);

/* Reads the options under the nodes LINES (a path without wildcards)
 * selects, in document order. In a config file LINES are its option lines
 * and LINE_NO[J] the line number of the Jth of N_LINES; else (LINE_NO NULL)
 * LINES is one argument list, all on line FIXED_LINE. SKIPS_DAEMON_LINES:
 * a line whose first word starts with -d or -h is ignored (Debian's start
 * scripts). An option memcached does not know, or with a value it would
 * not read, is -EINVAL with E naming SUBJECT and the line. Appends to OUT. */
int args_walk(struct augeas *aug, const char *lines, const unsigned *line_no, size_t n_lines, unsigned fixed_line,
              bool skips_daemon_lines, const char *subject, ArgList *out, ErrorInfo *e);

/* Writes TEXT[START, END) with the values that EDIT_SET edits change for
 * options of ARGS on line L replaced where Augeas read the old ones: what
 * the lens's put writes for a changed value, without compiling the put.
 * -EAGAIN, having written nothing, when L has other edits or a span does
 * not hold the old value. */
int args_splice_values(struct augeas *aug, const Arg *args, unsigned l, const Edit *edits, size_t n_edits,
                       const char *text, size_t start, size_t end, FILE *out);

/* The node of the argument list (a memcached.conf line) that holds the
 * option at PATH, into BUF. */
void args_list_of(const char *path, char *buf, size_t size);

/* Removes the option node PATH and its -xyz word when that is left empty;
 * PATH a word node is the value of the long option before it, and both go.
 * 1 when the word's parent has no option left, else 0; PARENT (of SIZE)
 * gets that parent's path. */
int args_remove(struct augeas *aug, const char *path, char *parent, size_t size);


/* Adds a node LABEL after the last child of PARENT (first when it has
 * none) and sets SUBPATH below it (LABEL itself when NULL) to VALUE. */
int args_append(struct augeas *aug, const char *parent, const char *label, const char *subpath, const char *value);
