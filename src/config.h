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
#include <sys/stat.h>

#include "cleanup.h"
#include "error.h"
#include "policy.h"
#include "profile.h"

typedef struct ConfigFile {
        char *path;        /* inside the root, e.g. "/etc/memcached.conf" */
        char *real_path;   /* the root joined in, for messages */
        char *node;        /* its tree: /memharden/file/N, never named after the file */
        struct stat st;    /* the file as read: a write must replace this one */
        char *instance;    /* "NAME" for /etc/memcached_NAME.conf, else NULL */
        char *text;        /* the bytes as read */
        size_t size;
        char *input;       /* TEXT as Augeas reads and saves it, when that
                            * differs: with the final newline it appends */
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
        int root_fd;       /* every file is resolved below it (rootfs.h) */
        ConfigFile *files;
        size_t n_files;
} Config;

/* Where our lenses live: $MEMHARDEN_LENS_DIR, else the installed directory. */
const char *config_lens_dir(void);

/* Loads the profile's config files under ROOT: memharden reads each file
 * itself, resolved inside ROOT (rootfs.h), and Augeas parses the bytes read.
 * -ENOENT when the main config is missing, -EISDIR/-EBADMSG for a directory
 * or a file with NUL or control bytes, -EBADF for a FIFO or device,
 * -EINVAL when a file does not parse (E has file, line, Augeas's message),
 * -ELIBBAD when our lenses cannot be loaded. */
int config_open(const Profile *p, const char *root, Config **ret, ErrorInfo *e);
void config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free);

/* Applies the policy's EDITS to F's tree and returns F's new text: the
 * bytes both the dry run shows and apply writes. Changed values are spliced
 * in at their Augeas spans, other edited memcached.conf lines go through the
 * argument lens, a double-quoted shell variable is replaced in place; where
 * none of those is exact, the whole tree goes back through the lens. */
int config_change(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text, ErrorInfo *e);

/* Reads TEXT back as F's profile would and returns its options: proves a
 * rendered file parses and lets the caller re-check it. */
int config_reparse(Config *c, const ConfigFile *f, const char *text, Arg **ret_args, size_t *ret_n, ErrorInfo *e);

/* Replaces F with TEXT inside the root, atomically, keeping its mode, owner,
 * ACLs and extended attributes. -ESTALE when F is no longer the file read. */
int config_write(Config *c, const ConfigFile *f, const char *text, ErrorInfo *e);

/* Removes temp files an interrupted write left beside the config files.
 * Only for a caller that holds the lock: another run may be writing. */
int config_remove_temps(Config *c);

void args_free(Arg *args, size_t n);
