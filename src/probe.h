/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The amplification self-test: memcached's UDP `stats` request (an 8-byte
 * frame header and "stats\r\n", 15 bytes) to an address of this host, the
 * datagrams and bytes that come back, and whether TCP answers `version`.
 * Only addresses assigned to an interface of this host (or its network
 * namespace) and loopback are probed: probe_is_local() says which, and
 * probe_run() refuses the others. Owns its sockets; the results are plain
 * values.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define PROBE_REQUEST_BYTES 15
/* How long replies are waited for: loopback answers in microseconds, and a
 * closed UDP port is refused at once (ICMP port unreachable). */
#define PROBE_WAIT_MS 1000

typedef struct ProbeTarget {
        struct sockaddr_storage addr; /* with the port */
        socklen_t len;
} ProbeTarget;

typedef struct ProbeResult {
        ProbeTarget target;
        long reply_bytes;      /* UDP payload bytes that came back, frame headers included */
        long datagrams;
        bool tcp;              /* TCP answered `version` */
        char version[32];      /* what it answered, "" if not */
} ProbeResult;

/* ADDR[:PORT], [V6]:PORT or a bare IPv6 address into T (PORT: DEFAULT_PORT
 * without one). -EINVAL for anything else, host names included. */
int probe_target_parse(const char *s, int default_port, ProbeTarget *t);

/* T's address (without brackets) into ADDR and its port into *PORT. */
void probe_target_address(const ProbeTarget *t, char *addr, size_t size, unsigned *port);

/* T's address and port as "127.0.0.1:11211" / "[::1]:11211" into BUF. */
void probe_target_format(const ProbeTarget *t, char *buf, size_t size);

/* Whether T's address is loopback or assigned to an interface here. */
int probe_is_local(const ProbeTarget *t, bool *ret);

/* Probes every target at once: N results in RET (caller-allocated), all
 * waited for together, at most about PROBE_WAIT_MS. -EADDRNOTAVAIL (naming none)
 * if a target is not local: callers check probe_is_local() first to say
 * which. */
int probe_run(const ProbeTarget *targets, size_t n, ProbeResult *ret);

/* reply_bytes / PROBE_REQUEST_BYTES. */
double probe_factor(const ProbeResult *r);
