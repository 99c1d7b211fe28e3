/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The command line: the command table, parsed options (a Context, whose
 * strings point into argv and are never freed), exit codes, and the command
 * handlers, one per file (cmd_*.c). main() calls cli_run(); the parse and the
 * table are public so tests can check every command against every option
 * without running one. Handlers return an exit code; only main() exits.
 */

#include <stdbool.h>
#include <stddef.h>

#include "backup.h"
#include "error.h"
#include "profile.h"
#include "plan.h"
#include "report.h"

enum {
        EXIT_COMPLIANT = 0,     /* success, or compliant */
        EXIT_NONCOMPLIANT = 1,  /* check found something to fix */
        EXIT_USAGE = 2,
        EXIT_INPUT = 3,         /* unsupported system, missing or unparseable config; nothing written */
        EXIT_ROLLED_BACK = 4,   /* the restart failed and the old config is back */
        EXIT_RUNTIME = 5,
};

/* The options a command may take, as bits. */
enum {
        OPT_ROOT = 1 << 0, OPT_PROFILE = 1 << 1, OPT_JSON = 1 << 2, OPT_QUIET = 1 << 3,
        OPT_DRY_RUN = 1 << 4, OPT_LISTEN = 1 << 5, OPT_NO_RESTART = 1 << 6, OPT_TIMEOUT = 1 << 7,
        OPT_REMOVE = 1 << 8, OPT_FIREWALL = 1 << 9,
};

typedef struct Context {
        const char *command;
        const char *root;     /* "/" unless --root */
        const char *profile;  /* --profile, or NULL to detect */
        const char *listen;
        bool dry_run, no_restart, json, quiet;
        bool remove;          /* firewall --remove */
        bool firewall;        /* apply --firewall */
        unsigned timeout_sec;
        char **args;          /* positional arguments after the command */
        int n_args;
        unsigned options;     /* the OPT_* bits given */
} Context;

typedef struct Command {
        const char *name;
        int (*run)(const Context *c);
        unsigned options;     /* which OPT_* it takes */
        int max_args;         /* positional arguments */
        const char *arg;      /* the positional argument's name ("BACKUP"), or NULL */
        const char *arg_help; /* what it is */
        const char *arg_example; /* a value for it, for its example */
        const char *summary;
} Command;

/* An option that only some commands take. */
typedef struct CliOption {
        int letter;           /* getopt_long()'s value for it */
        unsigned bit;         /* its OPT_* */
        const char *name;     /* "--root" */
        int short_name;       /* its one-letter form ('q' for -q), or 0 */
        const char *arg;      /* its value's name ("DIR"), NULL for a flag */
        const char *(*values)(void); /* the values it takes, said after HELP, or NULL */
        const char *help;     /* what it does, one line */
        const char *example;  /* what follows "memharden COMMAND" in its example */
} CliOption;

/* The command table and the table of options it refers to (read-only,
 * static); *RET_N gets the number of rows. */
const Command *cli_commands(size_t *ret_n);
const CliOption *cli_options(size_t *ret_n);

/* The usage line of CMD, "apply [--dry-run] ... [-q]", into BUF of SIZE
 * (cut short if it does not fit). */
const char *cli_usage(const Command *cmd, char *buf, size_t size);

/* Parses ARGV (getopt_long() from the start, so it may be called again).
 * 1: run *RET_COMMAND with *RET_CONTEXT. 0: nothing to run, what was asked
 * (help, version) is printed. -EINVAL: a usage error, said on stderr. */
int cli_parse(int argc, char **argv, Context *ret_context, const Command **ret_command);

/* Whether CMD takes what C holds: the options given, the number of
 * arguments, an absolute root. -EINVAL with the reason on stderr. */
int cli_validate(const Command *cmd, const Context *c);

/* Parses ARGV and runs the command; returns the exit code. */
int cli_run(int argc, char **argv);

int cmd_check(const Context *c);
int cmd_apply(const Context *c);
int cmd_rollback(const Context *c);
int cmd_backups(const Context *c);
int cmd_probe(const Context *c);
int cmd_firewall(const Context *c);

/* Shared by the handlers (command.c). */
int context_profile(const Context *c, const Profile **ret, ErrorInfo *e);
/* The shared start of check and apply: the profile, the --listen check and
 * the plan (plan.h). 0 to go on; else the exit code, the error reported.
 * 0 with REPORT's not_installed (and *RET_CONFIG NULL) where memcached is
 * not installed in the root: there is nothing to judge or write. */
int command_plan(const Context *c, PlanMode mode, Report *report, Config **ret_config, const Profile **ret_profile);
/* Backs up, before anything is written, every file of REPORT that changes,
 * as SOURCES (one per file of REPORT) has it; a source without text (a file
 * that could not be read) has nothing to keep; the backup is made for
 * REASON. *RET is NULL when nothing
 * was backed up. */
int command_back_up(const Context *c, BackupReason reason, const Report *report, const BackupSource *sources,
                    Backup **ret, ErrorInfo *e);
/* apply --firewall (cmd_firewall.c): after CONFIG (whose files REPORT
 * holds, new text and all) was applied, or in a dry run would be, the
 * firewall from the options as applied: loaded and persisted, or shown.
 * Fills REPORT's firewall; on failure its error too. Returns the exit code. */
int command_firewall(const Context *c, Config *config, Report *report);
/* Prints R (text or JSON) and returns its exit code. */
int command_finish(const Context *c, Report *r);
/* Records the one error message for errno R and E in REPORT (with
 * EXIT_CODE) and prints it on stderr. */
void command_set_error(Report *report, int exit_code, int r, const ErrorInfo *e);
/* command_set_error(), then REPORT in JSON only (--json): what failed has
 * no report worth printing as text. Returns EXIT_CODE. */
int command_fail(const Context *c, Report *report, int exit_code, int r, const ErrorInfo *e);
