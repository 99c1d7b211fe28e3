/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The UDP `stats` and TCP `version` probes of probe.h. */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "listen.h"
#include "util.h"
#include "verify_stats.h"

/* Frame header: request id, sequence 0, 1 datagram, reserved; then the
 * command. The request id is echoed in every reply datagram. */
static const unsigned char request[PROBE_REQUEST_BYTES] = { 0x6d, 0x68, 0, 0, 0, 1, 0, 0,
                                                            's', 't', 'a', 't', 's', '\r', '\n' };
/* After the first datagram, the rest of a reply follows within this. */
#define PROBE_QUIET_MS 200

int probe_target_parse(const char *s, int default_port, ProbeTarget *t) {
        _cleanup_free_ char *host = NULL;
        ListenElement le;
        long port = default_port;
        ProbeTarget r = {};

        /* Plain ADDR[:PORT] forms only: no listener prefixes or ';' lists. */
        if (strchr(s, ';') || strchr(s, ',') || listen_element_parse(s, &le) < 0 || le.tls != LISTEN_TLS_DEFAULT ||
            le.host_start != (le.bracketed ? 1u : 0u))
                return -EINVAL;
        host = strndup(s + le.host_start, le.host_len);
        if (!host)
                return -ENOMEM;
        if (le.port_len > 0) {
                _cleanup_free_ char *p = strndup(s + le.port_start, le.port_len);
                if (!p)
                        return -ENOMEM;
                if (safe_atol(p, 1, 65535, &port) < 0)
                        return -EINVAL;
        }
        if (port < 1 || port > 65535)
                return -EINVAL;
        struct sockaddr_in *a4 = (struct sockaddr_in *) &r.addr;
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *) &r.addr;
        if (!le.bracketed && inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
                a4->sin_family = AF_INET;
                a4->sin_port = htons((uint16_t) port);
                r.len = sizeof *a4;
        } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
                a6->sin6_family = AF_INET6;
                a6->sin6_port = htons((uint16_t) port);
                r.len = sizeof *a6;
        } else
                return -EINVAL;
        *t = r;
        return 0;
}

void probe_target_address(const ProbeTarget *t, char *addr, size_t size, unsigned *port) {
        snprintf(addr, size, "?");
        if (t->addr.ss_family == AF_INET) {
                const struct sockaddr_in *s = (const struct sockaddr_in *) &t->addr;
                inet_ntop(AF_INET, &s->sin_addr, addr, (socklen_t) size);
                *port = ntohs(s->sin_port);
        } else {
                const struct sockaddr_in6 *s = (const struct sockaddr_in6 *) &t->addr;
                inet_ntop(AF_INET6, &s->sin6_addr, addr, (socklen_t) size);
                *port = ntohs(s->sin6_port);
        }
}

void probe_target_format(const ProbeTarget *t, char *buf, size_t size) {
        char a[INET6_ADDRSTRLEN];
        unsigned port = 0;

        probe_target_address(t, a, sizeof a, &port);
        snprintf(buf, size, t->addr.ss_family == AF_INET ? "%s:%u" : "[%s]:%u", a, port);
}

static bool same_address(const struct sockaddr *a, const struct sockaddr_storage *b) {
        if (!a || a->sa_family != b->ss_family)
                return false;
        if (a->sa_family == AF_INET)
                return ((const struct sockaddr_in *) a)->sin_addr.s_addr ==
                       ((const struct sockaddr_in *) b)->sin_addr.s_addr;
        return memcmp(&((const struct sockaddr_in6 *) a)->sin6_addr, &((const struct sockaddr_in6 *) b)->sin6_addr,
                      sizeof(struct in6_addr)) == 0;
}

int probe_is_local(const ProbeTarget *t, bool *ret) {
        _cleanup_(freeifaddrsp) struct ifaddrs *list = NULL;
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *) &t->addr;
        bool local;

        /* The kernel delivers all of 127.0.0.0/8 locally, assigned or not. */
        if (t->addr.ss_family == AF_INET &&
            (ntohl(((const struct sockaddr_in *) &t->addr)->sin_addr.s_addr) >> 24) == 127) {
                *ret = true;
                return 0;
        }
        if (t->addr.ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr)) {
                *ret = true;
                return 0;
        }
        if (getifaddrs(&list) < 0)
                return -errno;
        local = false;
        for (const struct ifaddrs *i = list; i && !local; i = i->ifa_next)
                local = same_address(i->ifa_addr, &t->addr);
        *ret = local;
        return 0;
}

static bool is_reply(const unsigned char *buf, ssize_t k) {
        /* Our request id, and a frame header at all. */
        return k >= 8 && buf[0] == request[0] && buf[1] == request[1];
}

/* Sends the request on a socket connected to T: only T's replies reach it,
 * and a closed port comes back as ECONNREFUSED. -1 when it cannot be sent
 * (RESULT then says no reply). */
static int udp_open(const ProbeTarget *t) {
        int fd = socket(t->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

        if (fd < 0)
                return -1;
        if (connect(fd, (const struct sockaddr *) &t->addr, t->len) < 0 ||
            send(fd, request, sizeof request, 0) != (ssize_t) sizeof request) {
                close(fd);
                return -1;
        }
        return fd;
}

/* Reads what is there on FD into R; false once the socket is done (an
 * error, or the refused port). */
static bool udp_drain(int fd, ProbeResult *r) {
        for (;;) {
                unsigned char buf[65536];
                ssize_t k = recv(fd, buf, sizeof buf, 0);

                if (k < 0)
                        return errno == EAGAIN || errno == EINTR;
                if (is_reply(buf, k)) {
                        r->reply_bytes += k;
                        r->datagrams++;
                }
        }
}

static void tcp_version(ProbeResult *r) {
        _cleanup_free_ char *reply = NULL;

        if (verify_tcp_request(&r->target.addr, r->target.len, "version\r\n", "\r\n", PROBE_WAIT_MS, &reply) < 0)
                return;
        if (strncmp(reply, "VERSION ", 8) != 0)
                return;
        r->tcp = true;
        snprintf(r->version, sizeof r->version, "%.*s", (int) strcspn(reply + 8, "\r\n"), reply + 8);
}

int probe_run(const ProbeTarget *targets, size_t n, ProbeResult *ret) {
        _cleanup_free_ struct pollfd *p = calloc(n ?: 1, sizeof *p);
        long start = now_ms(), last = 0;
        size_t open = 0;
        int r = 0;

        if (!p)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                bool local;

                r = probe_is_local(&targets[i], &local);
                if (r < 0)
                        return r;
                if (!local)
                        return -EADDRNOTAVAIL;
        }
        for (size_t i = 0; i < n; i++) {
                ret[i] = (ProbeResult) { .target = targets[i] };
                p[i] = (struct pollfd) { .fd = udp_open(&targets[i]), .events = POLLIN };
                open += p[i].fd >= 0;
        }
        /* Until every socket is done, or the wait is over: PROBE_WAIT_MS for
         * the first datagram, then PROBE_QUIET_MS without one. */
        while (open > 0) {
                long now = now_ms(), until = last ? last + PROBE_QUIET_MS : start + PROBE_WAIT_MS;
                int k;

                if (until > start + PROBE_WAIT_MS + PROBE_QUIET_MS)
                        until = start + PROBE_WAIT_MS + PROBE_QUIET_MS;
                if (now >= until)
                        break;
                k = poll(p, n, (int) (until - now));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                for (size_t i = 0; i < n; i++) {
                        long before = ret[i].datagrams;

                        if (p[i].fd < 0 || !p[i].revents)
                                continue;
                        if (!udp_drain(p[i].fd, &ret[i])) {
                                close(p[i].fd);
                                p[i].fd = -1;
                                open--;
                        }
                        if (ret[i].datagrams > before)
                                last = now_ms();
                }
        }
        for (size_t i = 0; i < n; i++)
                if (p[i].fd >= 0)
                        close(p[i].fd);
        for (size_t i = 0; i < n; i++)
                tcp_version(&ret[i]);
        return 0;
}

double probe_factor(const ProbeResult *r) {
        return (double) r->reply_bytes / PROBE_REQUEST_BYTES;
}
