/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Verification of the live daemon (owned by the service/verify part; the
 * command layer reaches it through service.h). Reads the sockets of given
 * PIDs from the kernel with sock_diag netlink, asking only for TCP listeners
 * and UDP sockets, so the cost does not grow with established connections,
 * and asks the daemon for its `stats settings` over a loopback or private
 * listener. All functions return 0 or a negative errno and write ret_* only
 * on success; returned memory is owned by the caller.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct VerifySocket {
        int protocol;           /* IPPROTO_TCP (listener) or IPPROTO_UDP */
        int family;             /* AF_INET or AF_INET6 */
        union {
                struct in_addr v4;
                struct in6_addr v6;
        } addr;
        uint16_t port;          /* host byte order */
        ino_t inode;
        uid_t uid;              /* the socket's owner, as the kernel reports it */
} VerifySocket;

/* Every memcached process of the system: comm "memcached" in /proc. */
int verify_find_pids(pid_t **ret, size_t *ret_n);

/* The PID in a pid file, if that process exists; -ESRCH when it does not. */
int verify_read_pidfile(const char *path, pid_t *ret);

/* Whether process PID exists (it may belong to anyone). */
bool verify_pid_alive(pid_t pid);

/* Parses a /proc/PID/fd link target "socket:[INODE]"; -EINVAL otherwise. */
int verify_parse_socket_link(const char *link, ino_t *ret);

/* Every TCP listener and UDP socket of the host (IPv4 and IPv6). */
int verify_list_sockets(VerifySocket **ret, size_t *ret_n);

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

/* "127.0.0.1:11211" or "[::1]:11211" (malloc()ed, NULL on OOM). */
char *verify_socket_to_string(const VerifySocket *s);

/* Judges a socket list: the number of UDP sockets and of TCP listeners
 * bound to an address that is not loopback or private (addr.h). */
void verify_judge(const VerifySocket *s, size_t n, size_t *ret_udp, size_t *ret_bad_tcp);

/* Parses the reply to `stats settings`: the value of "STAT udpport" (-1 if
 * absent) and of "STAT inter" (NULL if absent). -EBADMSG when the reply does
 * not end with "END". */
int verify_parse_stats(const char *text, long *ret_udpport, char **ret_inter);

/* Sends `stats settings` to the first TCP listener of S that is loopback or
 * private (a wildcard listener is reached through loopback), with a timeout
 * on connect, send and receive. -ENOENT when there is no such listener. */
int verify_query_stats(const VerifySocket *s, size_t n, unsigned timeout_ms,
                       long *ret_udpport, char **ret_inter);
