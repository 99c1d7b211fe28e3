/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The verify stage: judges the live daemon by its sockets and its own
 * `stats settings` into a ServiceReport (live_state, listeners, UDP
 * sockets), from what verify_proc.h, verify_sockets.h and verify_stats.h
 * read. Called by service.c after a restart and for the live check; it never
 * calls the restart stage. All functions return 0 or a negative errno.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "service_report.h"
#include "verify_proc.h"
#include "verify_sockets.h"
#include "verify_stats.h"

/* Judges a socket list: the number of UDP sockets and of TCP listeners
 * bound to an address that is not loopback or private (addr.h). */
void verify_judge(const VerifySocket *s, size_t n, size_t *ret_udp, size_t *ret_bad_tcp);

/* The memcached PIDs whose sockets to inspect: MAIN if non-zero, else all
 * memcached processes. */
int verify_daemon_pids(pid_t main, pid_t **ret, size_t *ret_n);

/* One look at the sockets of PIDS, judged into R (live_state, verified,
 * live_hardened, udp_sockets, listeners, unix_socket). Running daemons none
 * of whose sockets is found are LIVE_UNVERIFIED, never hardened. The
 * daemon's sockets go to *RET_SOCKETS (may be NULL). */
int verify_inspect_sockets(const pid_t *pids, size_t n_pids, ServiceReport *r,
                           VerifySocket **ret_sockets, size_t *ret_n);

/* Judges the daemon MAIN (0: every memcached process) into R: its sockets
 * and settings. WAIT_READY, after a restart: gives the daemon time to open
 * its sockets, until it answers `stats settings`. A daemon that runs but
 * cannot be seen is noted in R. */
int verify_live(pid_t main, bool wait_ready, ServiceReport *r);

/* The error for a daemon that R says is not hardened: -EPROTO and E. */
int verify_fail(const ServiceReport *r, ErrorInfo *e);
