/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The live half of check (called by cmd_check.c, after plan_build()): reads
 * the running daemon of every config file through service.h and turns what
 * it finds into findings. It changes nothing.
 */

#include "error.h"
#include "profile.h"
#include "report.h"

/* Reads the running daemon of every file (when ROOT is this host and a
 * service manager runs) and adds a "live-differs" finding where it is not
 * hardened, e.g. a hardened file that memcached has not been restarted on,
 * and a "live-unverified" one where it runs but its sockets cannot be found. */
int live_check(const Profile *p, const char *root, Report *report, ErrorInfo *e);
