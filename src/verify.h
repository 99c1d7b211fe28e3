/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Verification of the live daemon (owned by the service/verify part; the
 * command layer reaches it through service.h): the /proc readers of
 * verify_proc.h, the socket lists of verify_sockets.h, the `stats settings`
 * query of verify_stats.h, and the judging of a socket list here.
 */

#include <stddef.h>

#include "verify_proc.h"
#include "verify_sockets.h"
#include "verify_stats.h"

/* Judges a socket list: the number of UDP sockets and of TCP listeners
 * bound to an address that is not loopback or private (addr.h). */
void verify_judge(const VerifySocket *s, size_t n, size_t *ret_udp, size_t *ret_bad_tcp);
