/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A config store: one way memcached's options are kept in files, as one
 * ConfigStore of functions. config.c calls them; a store calls only the
 * shared layers below it (config_file.h, config_args.h, config_aug.h),
 * never config.c. Adding a store is one new file store_NAME.c defining a
 * ConfigStore, its declaration below, and the profile row that names it.
 *
 * Invariant: what the dry run shows is what apply writes, byte for byte:
 * both take preview()'s text (config_change()), and plan.c re-reads it and
 * refuses it unless it needs no further edit and keeps every line without
 * an edited option as it was. render() edits the tree and puts the whole
 * file back through the lens. preview() takes faster ways where they are
 * exact (splice a value where Augeas read the old one, put back one line),
 * each declining with -EAGAIN otherwise, and ends in render(). Where
 * render() keeps the untouched lines, preview() gives its very bytes
 * (tests/unit/test-store.c); after a removed line Augeas's put can carry
 * that line's spacing to the next one, which preview() does not.
 */

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "config_args.h"
#include "error.h"
#include "policy.h"

/* What walking one file's tree gives: its options, and the store's state
 * of the file (config.h). */
typedef struct StoreWalk {
        ArgList args;
        StoreState state;
} StoreWalk;

typedef struct ConfigStore {
        const char *name;
        /* Whether its files are trees of the profile's lens; a store
         * without (the unit store) reads its text itself, and its walk()
         * gets BASE and SCRATCH NULL. */
        bool lens;
        /* Every line of a file parses alone into the same options, whatever
         * the lines around it (the lens is an iteration of lines): a re-read
         * of an edited file need only parse the lines the edit wrote. */
        bool line_local;
        /* Adds the files of C's profile that hold options to C, with
         * config_add_file(). */
        int (*load)(Config *c, ErrorInfo *e);
        /* Reads the options of F from the tree at BASE, which the lens made
         * of TEXT (F's own tree, or a re-read of a new text); SCRATCH names
         * a scratch tree of its own for values parsed on the way. */
        int (*walk)(Config *c, const ConfigFile *f, const char *base, const char *text, const char *scratch,
                    StoreWalk *w, ErrorInfo *e);
        /* F's new text with EDITS applied: by option, so by line, additions
         * last (config.c sorts them). */
        int (*preview)(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text, ErrorInfo *e);
        int (*render)(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text, ErrorInfo *e);
} ConfigStore;

/* memcached.conf: argument lines, one file per instance (store_conf.c). */
extern const ConfigStore store_conf;
/* sysconfig: the arguments are one shell variable (store_shellvar.c). */
extern const ConfigStore store_shellvar;
/* systemd units and drop-ins: the command line systemd runs (store_unit.c). */
extern const ConfigStore store_unit;
/* OpenRC's conf.d: shell variables a start script builds the arguments
 * from (store_confd.c). */
extern const ConfigStore store_confd;
