/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memcached's configuration as Augeas sees it through our lenses. A Config
 * owns its Augeas handle and every ConfigFile in it; config_free() releases
 * all. Only the profile's files are loaded, each with one lens, never the
 * full lens autoload.
 */

#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"
#include "error.h"
#include "policy.h"
#include "profile.h"

typedef struct ConfigFile {
        char *path;        /* inside the root, e.g. "/etc/memcached.conf" */
        char *real_path;   /* the root joined in, for messages and I/O */
        char *instance;    /* "NAME" for /etc/memcached_NAME.conf, else NULL */
        char *text;        /* the bytes as read */
        size_t size;
        char *input;       /* TEXT as Augeas reads and saves it, when that
                            * differs: with the final newline it appends */
        bool edited;       /* its tree was changed: config_save() writes it */
        Arg *args;         /* options in file order */
        size_t n_args;
        /* STORE_SHELL_VAR only: the variable's node (NULL while absent), the
         * node holding its parsed value, and its line for messages. */
        char *var_node;
        char *args_node;
        unsigned var_line;
} ConfigFile;

typedef struct Config {
        struct augeas *aug;
        const Profile *profile;
        char *root;
        ConfigFile *files;
        size_t n_files;
} Config;

/* Where our lenses live: $MEMHARDEN_LENS_DIR, else the installed directory. */
const char *config_lens_dir(void);

/* Loads the profile's config files under ROOT. -ENOENT when the main config
 * is missing, -EISDIR/-EBADMSG for a directory or a file with NUL bytes,
 * -EINVAL when a file does not parse (E has file, line, Augeas's message),
 * -ELIBBAD when our lenses cannot be loaded. */
int config_open(const Profile *p, const char *root, Config **ret, ErrorInfo *e);
void config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free);

/* Applies the policy's EDITS to F's tree (not yet to disk) and returns F's
 * new text as Augeas renders it. With PREVIEW (a dry run), the text is
 * built from the edited parts alone where that gives the same bytes as a
 * full render: changed values spliced in at their Augeas spans, other
 * edited memcached.conf lines through the argument lens, a double-quoted
 * shell variable in place; anything else is rendered whole. */
int config_change(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, bool preview, char **ret_text,
                  ErrorInfo *e);

/* Reads TEXT back as F's profile would and returns its options: proves a
 * rendered file parses and lets the caller re-check it. */
int config_reparse(Config *c, const ConfigFile *f, const char *text, Arg **ret_args, size_t *ret_n, ErrorInfo *e);

/* Reads F's options back from its edited tree: proves the edits did what
 * the policy asked, without rendering and re-reading the text. */
int config_rewalk(Config *c, const ConfigFile *f, Arg **ret_args, size_t *ret_n, ErrorInfo *e);

/* Writes every changed file (Augeas's temp file and rename), then fsyncs. */
int config_save(Config *c, ErrorInfo *e);

void args_free(Arg *args, size_t n);
