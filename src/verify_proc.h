/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The /proc readers of the verify stage: memcached's processes, pid files,
 * a process's uids, and which of the host's sockets (verify_sockets.h) a
 * process holds open. Called by verify.c, and by service_sysv.c and
 * service_openrc.c to find the daemon their manager started. All functions
 * return 0 or a negative errno and write ret_* only on success; returned
 * memory is owned by the caller.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "verify_sockets.h"

/* Every memcached process of the system: comm "memcached" in /proc. */
int verify_find_pids(pid_t **ret, size_t *ret_n);

/* The PID in a pid file, if that process exists; -ESRCH when it does not. */
int verify_read_pidfile(const char *path, pid_t *ret);

/* Whether process PID exists (it may belong to anyone). */
bool verify_pid_alive(pid_t pid);

/* Parses a /proc/PID/fd link target "socket:[INODE]"; -EINVAL otherwise. */
int verify_parse_socket_link(const char *link, ino_t *ret);

/* Parses the "Uid:" line of a /proc/PID/status text: the real, effective,
 * saved and filesystem uid. -EBADMSG when there is no such line. */
int verify_parse_status_uids(const char *text, uid_t ret[4]);

/* The real, effective, saved and filesystem uid of PID, from
 * /proc/PID/status. The owner of /proc/PID is not the process's uid: it is
 * root for a process that is not dumpable. -ESRCH when the process is gone. */
int verify_process_uids(pid_t pid, uid_t ret[4]);

/* The sockets of ALL (a verify_list_sockets() result) that PIDS hold open.
 * The kernel records as a socket's owner the fsuid of its creator, so a
 * process's sockets have one of its uids, or uid 0 when it made them before
 * dropping root. Only those are candidates, and the scan of each process's
 * fds stops once every candidate of its own uids is found, so its cost
 * follows the listeners, not the connections (a daemon opens its listeners
 * first, at low fd numbers, and all under one set of credentials). Only a
 * process none of whose candidates has its own uid is read to the end for
 * root's. */
int verify_owned_sockets(const pid_t *pids, size_t n_pids, const VerifySocket *all, size_t n_all,
                         VerifySocket **ret, size_t *ret_n);

/* Whether one of PIDS holds a listening unix socket: memcached -s listens
 * only there, with no TCP or UDP socket at all. */
int verify_holds_unix_listener(const pid_t *pids, size_t n_pids, bool *ret);
