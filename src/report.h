/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The result of a command, printed once at the end as text or as one JSON
 * document. A Report owns every string and array in it; report_done()
 * releases them.
 */

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"
#include "probe.h"
#include "service.h"

typedef struct FileResult {
        char *path;          /* inside the root */
        char *instance;      /* NULL for the main config */
        char *unit;          /* the systemd unit a unit file belongs to, else NULL */
        char *label;         /* what its findings name instead of PATH, or NULL */
        char **exec_argv;    /* a unit's ExecStart= as its files say systemd should hold it, or NULL */
        bool unit_file;      /* a unit file or drop-in: systemd reloads before the restart */
        bool created;        /* a new file (memharden's drop-in) */
        bool foreign;        /* another tool's file check read (fwfiles.h): findings only, never
                              * written, backed up or listed among "files" */
        bool changed;        /* written, or (check, dry run) would be */
        char *backup;        /* the backup copy, inside the root */
        char *diff;          /* unified diff, "" when unchanged */
        char *text;          /* the new text, when changed */
        PolicyResult policy; /* findings and edits, from the file as read */
        bool has_service;
        ServiceReport service;
        bool has_drop;       /* apply: its daemon's cache before the restart is known: */
        long drop_items, drop_bytes; /* what the restart drops */
} FileResult;

/* What the firewall layer did (memharden firewall, apply --firewall). */
typedef struct FirewallResult {
        bool present;        /* the run dealt with the firewall */
        char *ruleset;       /* the table as the kernel lists it once loaded, else as it would be */
        char *summary;       /* what it drops and accepts, one line */
        bool loaded;         /* this run loaded it */
        bool removed;        /* --remove: the table was loaded and is gone */
        char *persisted;     /* the file that keeps it for the next boot, or NULL */
        char *unit;          /* the unit enabled to load that file at boot, or NULL */
        char **actions;      /* one line per action taken (or, dry run, that would be) */
} FirewallResult;

typedef struct Report {
        const char *command;
        const char *profile;
        const char *root;
        bool dry_run;
        bool changed;
        bool compliant;
        bool not_installed;  /* check, apply: no memcached in the root, nothing judged */
        char *backup_id;
        FileResult *files;
        size_t n_files;
        bool rolled_back;    /* apply: the restart failed and the old files are back */
        char *undo_backup_id; /* rollback: the backup of what it replaced */
        ProbeResult *probes; /* probe: one per target */
        size_t n_probes;
        /* apply: the probe before the restart and after it (n_before 0:
         * none made), the same targets. */
        ProbeResult *before, *after;
        size_t n_before, n_after;
        FirewallResult firewall;
        char *error;         /* the one error message, when the command failed */
        int exit_code;
} Report;

void report_done(Report *r);

/* Human output: findings, diffs, what changed, service lines. */
void report_print_text(const Report *r, FILE *out, FILE *err, bool quiet);

/* Exactly one JSON document on OUT. */
int report_print_json(const Report *r, FILE *out);
