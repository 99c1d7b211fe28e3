/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Asking the daemon itself, for the verify stage: `stats settings` over a
 * loopback or private listener, never a public one. Called by verify.c.
 * Functions return 0 or a negative errno and write ret_* only on success.
 */

#include <stddef.h>

#include "verify_sockets.h"

/* Parses the reply to `stats settings`: the value of "STAT udpport" (-1 if
 * absent) and of "STAT inter" (NULL if absent). -EBADMSG when the reply does
 * not end with "END". */
int verify_parse_stats(const char *text, long *ret_udpport, char **ret_inter);

/* Sends `stats settings` to the first TCP listener of S that is loopback or
 * private (a wildcard listener is reached through loopback), with a timeout
 * on connect, send and receive. -ENOENT when there is no such listener. */
int verify_query_stats(const VerifySocket *s, size_t n, unsigned timeout_ms,
                       long *ret_udpport, char **ret_inter);
