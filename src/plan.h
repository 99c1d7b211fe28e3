/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The first half of check and apply: read the config, judge it, make the
 * edits in memory, render the new text and diff it. Nothing is written.
 * The Config (owned by the caller) then holds the files as read, for
 * config_write() of each new text.
 */

#include "config.h"
#include "report.h"

/* A dry run and apply plan alike, through one code path: the text a dry run
 * shows is the text apply writes, byte for byte, checked the same way. */
typedef enum PlanMode {
        PLAN_JUDGE,  /* findings only (check): nothing rendered */
        PLAN_DIFF,   /* + edits, the new text, re-read and judged again, its diff */
        PLAN_WRITE,  /* the same, for apply to write */
} PlanMode;

/* Fills REPORT's files (one per config file) and its changed/compliant. A
 * file's "changed" means the policy has edits for it. */
int plan_build(const Profile *p, const char *root, const char *listen, PlanMode mode, Config **ret_config,
               Report *report, ErrorInfo *e);
