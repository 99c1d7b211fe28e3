/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The first half of check and apply: read the config, judge it, make the
 * edits in memory, render the new text and diff it. Nothing is written.
 * The Config (owned by the caller) then holds the edited trees, ready for
 * config_save().
 */

#include "config.h"
#include "report.h"

typedef enum PlanMode {
        PLAN_JUDGE,  /* findings only (check): nothing rendered */
        PLAN_DIFF,   /* + edits, new text and diff; the edited tree is re-read */
        PLAN_WRITE,  /* + the new text itself is re-read, as it will be written */
} PlanMode;

/* Fills REPORT's files (one per config file) and its changed/compliant. A
 * file's "changed" means the policy has edits for it. */
int plan_build(const Profile *p, const char *root, const char *listen, PlanMode mode, Config **ret_config,
               Report *report, ErrorInfo *e);

/* Reads the running daemon of every file (when ROOT is this host and a
 * service manager runs) and adds a "live-differs" finding where it is not
 * hardened, e.g. a hardened file that memcached has not been restarted on. */
int plan_check_live(const Profile *p, const char *root, Report *report, ErrorInfo *e);
