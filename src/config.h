/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memcached's configuration as Augeas sees it through our lenses: the config
 * stores stage. A Config owns its Augeas handle and every ConfigFile in it;
 * config_free() releases all. Only our lens directory is loaded, never the
 * full lens autoload, and Augeas never touches a file: memharden reads and
 * writes the bytes itself, inside the root (rootfs.h).
 *
 * What differs between the places memcached takes its options from lives in
 * one store each (store.h: store_conf.c, store_shellvar.c, store_confd.c);
 * this file and config_file.c hold what every store shares.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "config_args.h"
#include "error.h"
#include "policy.h"
#include "profile.h"

/* What a store reads from a file besides its options (store.h's walk). */
typedef struct StoreState {
        /* A store whose options are one value in the file (a shell
         * variable): the value's node (NULL while absent), the node its
         * arguments are parsed into, and its line (0: none). */
        char *value_node;
        char *args_node;
        unsigned value_line;
        /* Why the store must rewrite lines whatever the policy's edits
         * (its readers disagree on what the file means; the options are
         * the reading the rewrite makes everyone's), and those lines.
         * NULL: no such rewrite. */
        char *rewrite_why;
        unsigned *rewrite_lines;
        size_t n_rewrite_lines;
        /* The lines an added option is written into though they hold no
         * edited option (the assignment of the variable that takes it):
         * an edit that adds options may rewrite them. */
        unsigned *append_lines;
        size_t n_append_lines;
} StoreState;

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
        StoreState state;  /* what its store read besides the options */
        const struct ConfigStore *store; /* the store that keeps it: the profile's, or the unit store */
        /* A store's own data of the file from its load() (the unit store's
         * unit), released with STORE_DATA_FREE. */
        void *store_data;
        void (*store_data_free)(void *data);
        bool absent;       /* no such file yet: apply creates it, rollback removes it */
        char *unit;        /* the unit that runs it, when a store knows (the unit store) */
        char *label;       /* what findings name instead of PATH (a file not there yet), or NULL */
        char **exec_argv;  /* a unit's ExecStart= as systemd holds it once loaded (unit_exec.h), or NULL */
        bool unit_file;    /* a systemd unit file: the manager reloads before the restart */
} ConfigFile;

typedef struct Config {
        struct augeas *aug;
        const Profile *profile;
        const struct ConfigStore *store; /* the profile's (each file names its own) */
        char *root;
        int root_fd;       /* every file is resolved below it (rootfs.h); -1 without a root */
        ConfigFile *files;
        size_t n_files, files_cap;
        size_t n_walked;   /* files walked into their options so far */
} Config;

/* A Config of profile P with no file yet: Augeas with our lenses. ROOT is
 * where files are read from (NULL: none, for text added with
 * config_add_text()). -ELIBBAD when Augeas cannot start. */
int config_new(const Profile *p, const char *root, Config **ret, ErrorInfo *e);

/* config_new(), then the files the profile's store loads from ROOT, each
 * read by memharden inside ROOT and parsed by Augeas from the bytes read,
 * then walked into its options. -ENOENT when the main config is missing,
 * -EISDIR/-EBADMSG for a directory or a file with NUL or control bytes,
 * -EBADF for a FIFO or device, -EINVAL when a file does not parse (E has
 * file, line and the reason), -ELIBBAD when our lenses cannot be loaded. */
int config_open(const Profile *p, const char *root, Config **ret, ErrorInfo *e);

/* Walks every file added since the last call into its options. */
int config_walk(Config *c, ErrorInfo *e);

void config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free);

/* F's new text with the policy's EDITS applied: the bytes both the dry run
 * shows and apply writes (the store's preview, store.h). */
int config_change(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text, ErrorInfo *e);

/* The same text through the lens's put of the whole edited tree (the
 * store's render): the reference config_change() must equal. Edits F's
 * tree, so a Config is used for one of the two only. */
int config_render(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text, ErrorInfo *e);

/* Reads TEXT back as F's profile would and returns its options: proves a
 * rendered file parses and lets the caller re-check it. */
int config_reparse(Config *c, const ConfigFile *f, const char *text, Arg **ret_args, size_t *ret_n, ErrorInfo *e);

/* The same for a TEXT whose lines are partly F's: KEPT_FROM[L] is the line
 * of F that line L of TEXT is byte for byte, 0 for a line not in F. A store
 * whose lines parse alone (store.h) re-reads only the lines not in F and
 * takes the others' options from F as read, which is what a re-read of the
 * whole text gives, at the cost of the edited lines; any other re-reads
 * all of TEXT. */
int config_reread(Config *c, const ConfigFile *f, const char *text, const unsigned *kept_from, Arg **ret_args,
                  size_t *ret_n, ErrorInfo *e);

/* Replaces F with TEXT inside the root, atomically, keeping its mode, owner,
 * ACLs and extended attributes. -ESTALE when F is no longer the file read. */
int config_write(Config *c, const ConfigFile *f, const char *text, ErrorInfo *e);

/* Removes temp files an interrupted write left beside the config files.
 * Only for a caller that holds the lock: another run may be writing. */
int config_remove_temps(Config *c);
