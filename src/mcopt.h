/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memcached 1.6's command-line options, as its getopt_long() table knows
 * them. Static data owned by mcopt.c.
 */

#include <stdbool.h>

typedef struct McOption {
        char letter;
        const char *long_name; /* NULL when the option has no long form */
        bool has_arg;
} McOption;

const McOption *mcopt_by_letter(char letter);

/* Exact long name, else a unique prefix of one, as getopt_long() accepts. */
const McOption *mcopt_by_long(const char *name);
