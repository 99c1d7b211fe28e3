/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memcached's getopt_long() over an argument vector, for a store whose
 * options are words (a unit's command line): which word each option and
 * its value are. GNU getopt permutes, so options after a non-option word
 * still count; "--" ends them. Pure; owned by the caller.
 */

#include <stddef.h>

#include "config_args.h"

/* Where one option of the vector is. */
typedef struct McArgPos {
        size_t word;     /* the word that holds the option */
        size_t value;    /* the word that holds its value (WORD when attached or none) */
        size_t offset;   /* the option letter's offset in WORD (1 for "-l", 0 for a long one) */
        unsigned cluster; /* options sharing WORD ("-vl"): > 1 */
} McArgPos;

/* Appends the options of WORDS[0, N) to OUT (every one on line LINE_OF[i]
 * of its word, effective) and their places to *RET_POS (one per option, in
 * the same order). -EINVAL with *RET_BAD (the word) for an option memcached
 * does not know or one that lacks its value; OUT then keeps what was
 * appended before it, the caller's to free. */
int mcargv_parse(char *const *words, size_t n, const unsigned *line_of, ArgList *out, McArgPos **ret_pos,
                 size_t *ret_bad);
