/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Asking the daemon itself: `stats settings` and `stats` over a loopback or
 * private listener, never a public one, for the verify stage (verify.c);
 * one request over TCP, for the probe (probe.c).
 * Functions return 0 or a negative errno and write ret_* only on success.
 */

#include <stddef.h>
#include <sys/socket.h>

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

/* The values of "STAT curr_items" and "STAT bytes" in the reply to
 * `stats`. -EBADMSG without both, or without "END". */
int verify_parse_cache(const char *text, long *ret_items, long *ret_bytes);

/* Sends `stats` as verify_query_stats() sends `stats settings`: how many
 * items, and how many bytes of them, the cache holds. */
int verify_query_cache(const VerifySocket *s, size_t n, unsigned timeout_ms, long *ret_items, long *ret_bytes);

/* Connects to SS, sends REQUEST and reads the reply up to END (a line such
 * as "END\r\n"), an "ERROR", or TIMEOUT_MS after the start. */
int verify_tcp_request(const struct sockaddr_storage *ss, socklen_t len, const char *request, const char *end,
                       unsigned timeout_ms, char **ret);
