/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test probe for the integration tests; talks to loopback, or to the
 * address given (a test's own network namespaces only).
 *
 *   mcprobe udp-stats PORT [ADDR]
 *                                memcached UDP "stats" request to ADDR:PORT
 *                                (default 127.0.0.1); prints request/reply bytes
 *                                and the amplification factor; exit 0 with a
 *                                reply, 1 without
 *   mcprobe tcp-setget PORT [ADDR [SRC]]
 *                                set and get a key over TCP, from source address
 *                                SRC when given; exit 0 when it round-trips
 *   mcprobe watch PORT STOPFILE  TCP connect to 127.0.0.1:PORT every 5 ms until
 *                                STOPFILE exists (at most 5 minutes); prints the
 *                                longest time connects failed
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static struct sockaddr_in loopback(const char *port) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        a.sin_port = htons((uint16_t) strtoul(port, NULL, 10));
        return a;
}

/* ADDR:PORT; 127.0.0.1 when ADDR is NULL. Exits 2 on a bad address. */
static struct sockaddr_in target(const char *port, const char *addr) {
        struct sockaddr_in a = loopback(port);

        if (addr && inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
                fprintf(stderr, "mcprobe: '%s' is no IPv4 address\n", addr);
                exit(2);
        }
        return a;
}

static int udp_stats(const char *port, const char *addr) {
        /* Frame header: request id, sequence 0, 1 datagram, reserved. */
        static const unsigned char req[] = { 0x12, 0x34, 0, 0, 0, 1, 0, 0, 's', 't', 'a', 't', 's', '\r', '\n' };
        struct sockaddr_in a = target(port, addr);
        long total = 0, datagrams = 0, deadline;
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (fd < 0 || sendto(fd, req, sizeof req, 0, (struct sockaddr *) &a, sizeof a) < 0) {
                perror("udp");
                return 2;
        }
        /* Wait up to 1.5 s for the first datagram, then until 300 ms pass
         * without one. */
        deadline = now_ms() + 1500;
        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                char buf[65536];
                long left = deadline - now_ms();
                ssize_t k;

                if (left <= 0 || poll(&p, 1, (int) left) <= 0)
                        break;
                k = recv(fd, buf, sizeof buf, 0);
                if (k < 0)
                        break; /* ECONNREFUSED: nothing listens on UDP */
                total += k;
                datagrams++;
                deadline = now_ms() + 300;
        }
        close(fd);
        printf("udp stats: request %zu bytes, reply %ld bytes in %ld datagrams, amplification %.1fx\n",
               sizeof req, total, datagrams, (double) total / (double) sizeof req);
        return total > 0 ? 0 : 1;
}

static int tcp_setget(const char *port, const char *addr, const char *src) {
        static const char cmd[] = "set memharden-probe 0 0 5\r\nhello\r\nget memharden-probe\r\n";
        struct sockaddr_in a = target(port, addr), from = target("0", src);
        struct timeval tv = { .tv_sec = 2 };
        char buf[512];
        size_t have = 0;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
            (src && bind(fd, (struct sockaddr *) &from, sizeof from) < 0) ||
            connect(fd, (struct sockaddr *) &a, sizeof a) < 0 || send(fd, cmd, sizeof cmd - 1, 0) < 0) {
                perror("tcp");
                return 1;
        }
        while (have < sizeof buf - 1) {
                ssize_t k = recv(fd, buf + have, sizeof buf - 1 - have, 0);
                if (k <= 0)
                        break;
                have += (size_t) k;
                buf[have] = '\0';
                if (strstr(buf, "END\r\n"))
                        break;
        }
        buf[have] = '\0';
        close(fd);
        if (strstr(buf, "STORED\r\nVALUE memharden-probe 0 5\r\nhello\r\nEND\r\n")) {
                printf("tcp set/get on %s:%s: ok\n", addr ?: "127.0.0.1", port);
                return 0;
        }
        printf("tcp set/get on %s:%s: unexpected reply '%s'\n", addr ?: "127.0.0.1", port, buf);
        return 1;
}

/* A stop file rather than a signal: the watcher may run behind nsenter,
 * which does not pass signals on. */
static int watch(const char *port, const char *stopfile) {
        struct sockaddr_in a = loopback(port);
        long down_since = -1, longest = 0, probes = 0, failures = 0, end = now_ms() + 300000;

        while (access(stopfile, F_OK) < 0 && now_ms() < end) {
                int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                bool ok = fd >= 0 && connect(fd, (struct sockaddr *) &a, sizeof a) == 0;
                long t = now_ms();

                if (fd >= 0)
                        close(fd);
                probes++;
                if (!ok) {
                        failures++;
                        if (down_since < 0)
                                down_since = t;
                } else if (down_since >= 0) {
                        if (t - down_since > longest)
                                longest = t - down_since;
                        down_since = -1;
                }
                usleep(5000);
        }
        if (down_since >= 0) {
                printf("unavailable: still down after %ld ms\n", now_ms() - down_since);
                return 1;
        }
        printf("unavailable: %ld ms (longest outage; %ld of %ld connects failed)\n", longest, failures, probes);
        return 0;
}

int main(int argc, char **argv) {
        if ((argc == 3 || argc == 4) && strcmp(argv[1], "udp-stats") == 0)
                return udp_stats(argv[2], argc == 4 ? argv[3] : NULL);
        if (argc >= 3 && argc <= 5 && strcmp(argv[1], "tcp-setget") == 0)
                return tcp_setget(argv[2], argc >= 4 ? argv[3] : NULL, argc == 5 ? argv[4] : NULL);
        if (argc == 4 && strcmp(argv[1], "watch") == 0)
                return watch(argv[2], argv[3]);
        fprintf(stderr, "usage: mcprobe udp-stats PORT [ADDR] | tcp-setget PORT [ADDR [SRC]] | watch PORT STOPFILE\n");
        return 2;
}
