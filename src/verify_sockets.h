/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The host's sockets, for the verify stage: every TCP listener and UDP
 * socket, and the listening unix sockets, from the kernel with sock_diag
 * netlink (or /proc/net where the diag module is missing), asking only for
 * listeners and UDP sockets, so the cost does not grow with established
 * connections. Called by verify_proc.c and verify.c. All functions return 0
 * or a negative errno and write ret_* only on success; returned memory is
 * owned by the caller.
 */

#include <netinet/in.h>
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

/* Every TCP listener and UDP socket of the host (IPv4 and IPv6). */
int verify_list_sockets(VerifySocket **ret, size_t *ret_n);

/* The inodes of the host's listening unix sockets. */
int verify_list_unix_listeners(ino_t **ret, size_t *ret_n);

/* "127.0.0.1:11211" or "[::1]:11211" (malloc()ed, NULL on OOM). */
char *verify_socket_to_string(const VerifySocket *s);
