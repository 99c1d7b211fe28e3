/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The command line: parsed options (a Context, whose strings point into argv
 * and are never freed), exit codes, and the command handlers, one per file
 * (cmd_*.c). Handlers return an exit code; only main() exits.
 */

#include <stdbool.h>

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

typedef struct Context {
        const char *command;
        const char *root;     /* "/" unless --root */
        const char *profile;  /* --profile, or NULL to detect */
        const char *listen;
        bool dry_run, no_restart, json, quiet;
        unsigned timeout_sec;
        char **args;          /* positional arguments after the command */
        int n_args;
} Context;

int cli_run(int argc, char **argv);

int cmd_check(const Context *c);
int cmd_apply(const Context *c);
int cmd_rollback(const Context *c);
int cmd_backups(const Context *c);

/* Shared by the handlers (command.c). */
int context_profile(const Context *c, const Profile **ret, ErrorInfo *e);
/* The shared start of check and apply: the profile, the --listen check and
 * the plan (plan.h). 0 to go on; else the exit code, the error reported. */
int command_plan(const Context *c, PlanMode mode, Report *report, Config **ret_config, const Profile **ret_profile);
/* Prints R (text or JSON) and returns its exit code. */
int command_finish(const Context *c, Report *r);
/* Records the one error message for errno R and E in REPORT (with
 * EXIT_CODE) and prints it on stderr. */
void command_set_error(Report *report, int exit_code, int r, const ErrorInfo *e);
/* command_set_error(), then REPORT in JSON only (--json): what failed has
 * no report worth printing as text. Returns EXIT_CODE. */
int command_fail(const Context *c, Report *report, int exit_code, int r, const ErrorInfo *e);
