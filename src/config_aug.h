/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Small helpers over the Augeas tree, for config.c and the stores
 * (store_*.c): matching, reading values, node paths, a shell-variable
 * file's assignments, and Augeas's error records turned into an
 * ErrorInfo. They call only Augeas.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"
#include "envfile.h"
#include "error.h"

struct augeas;
struct EnvAssignment;

/* Scratch trees for text we parse or render outside the files themselves. */
#define SCRATCH "/memharden"
/* Room for a node path plus the suffix we append to it. */
#define NODE_MAX (PATH_MAX + 64)

/* Where our lenses live: $MEMHARDEN_LENS_DIR, else the installed directory. */
const char *config_lens_dir(void);

/* aug_match() result, freed with its strings. */
typedef struct Matches {
        char **v;
        int n;
} Matches;

void matches_done(Matches *m);
#define _cleanup_matches_ _cleanup_(matches_done)

/* The nodes the path expression FMT selects: their count, or -EINVAL. */
int aug_match_fmt(struct augeas *aug, Matches *m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* How many nodes the expression FMT selects; negative on a bad expression. */
int aug_count_fmt(struct augeas *aug, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The value of the node at PATH; NULL when it has none or is not unique. */
const char *aug_value(struct augeas *aug, const char *path);

/* The value of the node at the path FMT gives, formatted into BUF. */
const char *aug_value_fmt(struct augeas *aug, char *buf, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* The last component of a node path, and the path of its parent into BUF. */
const char *node_last(const char *path);
void node_parent(const char *path, char *buf, size_t size);

/* Fills E from Augeas's error record under ERR (e.g. /augeas/text/x/error):
 * -EINVAL with its message and line, in Augeas's words (config_diagnose.h
 * has them in memcached's). The hint says only to fix the text: whether a
 * backup could restore it is the command layer's to say. */
int aug_error_info(struct augeas *aug, const char *err, const char *subject, const char *verb, ErrorInfo *e);

/* R and E for a failed edit or render of SUBJECT: Augeas's last error
 * message, and its details too when DETAILS. */
int aug_error_last(struct augeas *aug, int r, const char *verb, const char *subject, unsigned line, bool details,
                   ErrorInfo *e);

/* The assignments of a shell-variable file in order, from the tree at BASE
 * that lenses/memharden_sysconfig.aug made of TEXT (one node per
 * assignment line): names and values borrowed from the tree, valid while
 * it is unchanged; export and line from TEXT. */
int aug_env_assignments(struct augeas *aug, const char *base, const char *text, EnvAssignment **ret, size_t *ret_n);
