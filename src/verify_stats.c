/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The `stats settings` query of verify_stats.h. */
#include "verify_stats.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "cleanup.h"
#include "lines.h"
#include "util.h"

/* The stats reply is about 2 KiB; anything much larger is not memcached. */
#define STATS_REPLY_MAX (64 * 1024)

int verify_parse_stats(const char *text, long *ret_udpport, char **ret_inter) {
        _cleanup_free_ char *inter = NULL;
        long udpport = -1;
        bool end = false;

        FOREACH_LINE(l, text) {
                size_t len = l.len;
                _cleanup_free_ char *line = strndup(l.start, len);

                if (!line)
                        return -ENOMEM;
                if (len > 0 && line[len - 1] == '\r')
                        line[len - 1] = '\0';

                if (strcmp(line, "END") == 0) {
                        end = true;
                        break;
                }
                if (strncmp(line, "STAT udpport ", 13) == 0) {
                        long v;
                        if (safe_atol(line + 13, 0, 65535, &v) < 0)
                                return -EBADMSG;
                        udpport = v;
                } else if (strncmp(line, "STAT inter ", 11) == 0) {
                        free(inter);
                        inter = strdup(line + 11);
                        if (!inter)
                                return -ENOMEM;
                } else if (strncmp(line, "STAT ", 5) != 0)
                        return -EBADMSG; /* ERROR, CLIENT_ERROR, anything else */
        }
        if (!end)
                return -EBADMSG;

        *ret_udpport = udpport;
        *ret_inter = TAKE_PTR(inter);
        return 0;
}

/* Waits for EVENTS on FD until DEADLINE (now_ms()): 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, long deadline) {
        for (;;) {
                struct pollfd p = { .fd = fd, .events = events };
                long left = deadline - now_ms();
                int k = poll(&p, 1, left > 0 ? (int) left : 0);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return -ETIMEDOUT;
                return 0;
        }
}

/* The address to connect to for a listener, or false if we must not. */
static bool stats_target(const VerifySocket *s, struct sockaddr_storage *ss, socklen_t *len, int *rank) {
        AddrClass c = addr_classify_raw(s->family, &s->addr);

        if (s->protocol != IPPROTO_TCP)
                return false;
        memset(ss, 0, sizeof *ss);
        if (s->family == AF_INET) {
                struct sockaddr_in *a = (struct sockaddr_in *) ss;
                a->sin_family = AF_INET;
                a->sin_port = htons(s->port);
                /* A wildcard listener is reachable through loopback, which
                 * keeps the probe on this host. */
                a->sin_addr.s_addr = c == ADDR_WILDCARD ? htonl(INADDR_LOOPBACK) : s->addr.v4.s_addr;
                *len = sizeof *a;
        } else {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *) ss;
                a->sin6_family = AF_INET6;
                a->sin6_port = htons(s->port);
                a->sin6_addr = c == ADDR_WILDCARD ? in6addr_loopback : s->addr.v6;
                *len = sizeof *a;
        }
        /* Prefer loopback: it is always up, and never leaves the host. */
        *rank = (c == ADDR_LOOPBACK || c == ADDR_WILDCARD) ? 0 : c == ADDR_PRIVATE ? 1 : -1;
        return *rank >= 0;
}

/* A non-blocking TCP connection to SS, made by DEADLINE. */
static int stats_connect(const struct sockaddr_storage *ss, socklen_t len, long deadline, int *ret_fd) {
        _cleanup_close_ int fd = -1;
        int err = 0, r;
        socklen_t el = sizeof err;

        fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (const struct sockaddr *) ss, len) < 0) {
                if (errno != EINPROGRESS)
                        return -errno;
                r = wait_fd(fd, POLLOUT, deadline);
                if (r < 0)
                        return r;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
                        return -errno;
                if (err != 0)
                        return -err;
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int send_all(int fd, const char *data, size_t size, long deadline) {
        size_t sent = 0;
        int r;

        while (sent < size) {
                ssize_t k = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
                if (k < 0 && errno == EAGAIN) {
                        r = wait_fd(fd, POLLOUT, deadline);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (k < 0)
                        return -errno;
                sent += (size_t) k;
        }
        return 0;
}

/* The reply, up to its last line (END: "END\r\n", else any "\r\n") or an
 * error, NUL-terminated. */
static int recv_reply(int fd, long deadline, const char *end, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t have = 0;
        int r;

        buf = malloc(STATS_REPLY_MAX + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k;

                r = wait_fd(fd, POLLIN, deadline);
                if (r < 0)
                        return r;
                k = recv(fd, buf + have, STATS_REPLY_MAX - have, 0);
                if (k < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return -ECONNRESET;
                have += (size_t) k;
                buf[have] = '\0';
                if ((have >= strlen(end) && strcmp(buf + have - strlen(end), end) == 0) ||
                    strstr(buf, "ERROR"))
                        break;
                if (have >= STATS_REPLY_MAX)
                        return -EMSGSIZE;
        }
        *ret = TAKE_PTR(buf);
        return 0;
}

int verify_tcp_request(const struct sockaddr_storage *ss, socklen_t len, const char *request, const char *end,
                       unsigned timeout_ms, char **ret) {
        _cleanup_close_ int fd = -1;
        long deadline = now_ms() + (long) timeout_ms;
        int r;

        r = stats_connect(ss, len, deadline, &fd);
        if (r < 0)
                return r;
        r = send_all(fd, request, strlen(request), deadline);
        if (r < 0)
                return r;
        return recv_reply(fd, deadline, end, ret);
}

/* REQUEST to the first TCP listener of S we may ask, loopback first; its
 * reply in RET. -ENOENT when there is no such listener. */
static int query(const VerifySocket *s, size_t n, const char *request, unsigned timeout_ms, char **ret) {
        int r = -ENOENT;

        for (int want = 0; want <= 1; want++)
                for (size_t i = 0; i < n; i++) {
                        struct sockaddr_storage ss;
                        socklen_t len;
                        int rank;

                        if (!stats_target(&s[i], &ss, &len, &rank) || rank != want)
                                continue;
                        r = verify_tcp_request(&ss, len, request, "END\r\n", timeout_ms, ret);
                        if (r >= 0)
                                return 0;
                }
        return r;
}

int verify_query_stats(const VerifySocket *s, size_t n, unsigned timeout_ms,
                       long *ret_udpport, char **ret_inter) {
        _cleanup_free_ char *buf = NULL;
        int r = query(s, n, "stats settings\r\n", timeout_ms, &buf);

        return r < 0 ? r : verify_parse_stats(buf, ret_udpport, ret_inter);
}

int verify_parse_cache(const char *text, long *ret_items, long *ret_bytes) {
        long items = -1, bytes = -1;

        FOREACH_LINE(l, text) {
                _cleanup_free_ char *line = strndup(l.start, l.len);
                long *to = NULL;
                size_t skip = 0;

                if (!line)
                        return -ENOMEM;
                line[strcspn(line, "\r")] = '\0';
                if (strcmp(line, "END") == 0) {
                        if (items < 0 || bytes < 0)
                                return -EBADMSG;
                        *ret_items = items;
                        *ret_bytes = bytes;
                        return 0;
                }
                if (strncmp(line, "STAT curr_items ", 16) == 0)
                        to = &items, skip = 16;
                else if (strncmp(line, "STAT bytes ", 11) == 0)
                        to = &bytes, skip = 11;
                else if (strncmp(line, "STAT ", 5) != 0)
                        return -EBADMSG;
                if (to && safe_atol(line + skip, 0, LONG_MAX, to) < 0)
                        return -EBADMSG;
        }
        return -EBADMSG;
}

int verify_query_cache(const VerifySocket *s, size_t n, unsigned timeout_ms, long *ret_items, long *ret_bytes) {
        _cleanup_free_ char *buf = NULL;
        int r = query(s, n, "stats\r\n", timeout_ms, &buf);

        return r < 0 ? r : verify_parse_cache(buf, ret_items, ret_bytes);
}
