/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * connhold: opens N TCP connections to 127.0.0.1:PORT and holds them open,
 * so the benchmark can time the live check against a memcached with many
 * established connections.
 *
 *   connhold PORT N [TIMEOUT_SECONDS]
 *
 * Prints "ready" on stdout once all N connections are established, then
 * holds them until SIGTERM/SIGINT/SIGHUP, end of file on stdin, or the
 * timeout (default 600 s, at most 86400 s), whichever comes first (so run
 * it with stdin on a pipe or a terminal: </dev/null ends the hold at once,
 * a closed stdin leaves only the signal and the timeout). Only
 * ever connects to 127.0.0.1. Raises RLIMIT_NOFILE as far as needed and
 * allowed. Exit status: 0 after a clean hold, 1 on any error.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ppoll() */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 100000L
#define MAX_TIMEOUT 86400L
#define CONNECT_TIMEOUT_S 5
#define CONNECT_TRIES 3
#define FD_SLACK 16 /* stdio, a few spare */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) {
        got_signal = sig;
}

static int parse_long(const char *s, long min, long max, long *ret) {
        char *end = NULL;
        long v;

        if (!s || !*s)
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0')
                return -EINVAL;
        if (v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

static int raise_nofile(long n) {
        struct rlimit rl;
        rlim_t want = (rlim_t) n + FD_SLACK;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return -errno;
        if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= want)
                return 0;
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
                rl.rlim_max = want; /* needs CAP_SYS_RESOURCE; tried below */
        rl.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                return -errno;
        return 0;
}

static double now_s(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* One blocking connect with a send timeout as the connect timeout. Returns
 * the fd or a negative errno. */
static int connect_one(const struct sockaddr_in *sa) {
        struct timeval tv = { .tv_sec = CONNECT_TIMEOUT_S };
        /* Closing resets the connection: no TIME-WAIT sockets are left
         * behind on loopback after the benchmark. */
        struct linger lg = { .l_onoff = 1, .l_linger = 0 };
        int one = 1;
        int fd, r;

        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        do
                r = connect(fd, (const struct sockaddr *) sa, sizeof(*sa));
        while (r < 0 && errno == EINTR && !got_signal);
        if (r < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

static void usage(FILE *f) {
        fprintf(f, "usage: connhold PORT N [TIMEOUT_SECONDS]\n"
                   "Opens N TCP connections to 127.0.0.1:PORT, prints \"ready\", and holds them\n"
                   "until SIGTERM, end of file on stdin, or the timeout (default 600 s).\n");
}

int main(int argc, char **argv) {
        struct sockaddr_in sa = { .sin_family = AF_INET };
        struct sigaction act = { .sa_handler = on_signal };
        sigset_t block, orig, pend;
        long port, n, timeout = 600;
        int *fds = NULL;
        long opened = 0;
        int ret = 1, r;
        double deadline, start;
        bool stdin_open = true;

        if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
                usage(stdout);
                return 0;
        }
        if (argc < 3 || argc > 4) {
                usage(stderr);
                return 1;
        }
        if (parse_long(argv[1], 1, 65535, &port) < 0) {
                fprintf(stderr, "connhold: bad port '%s' (1-65535)\n", argv[1]);
                return 1;
        }
        if (parse_long(argv[2], 1, MAX_CONNS, &n) < 0) {
                fprintf(stderr, "connhold: bad connection count '%s' (1-%ld)\n", argv[2], MAX_CONNS);
                return 1;
        }
        if (argc == 4 && parse_long(argv[3], 1, MAX_TIMEOUT, &timeout) < 0) {
                fprintf(stderr, "connhold: bad timeout '%s' (1-%ld seconds)\n", argv[3], MAX_TIMEOUT);
                return 1;
        }

        /* Signals stay blocked except inside ppoll(), so none is lost between
         * checking the flag and waiting. */
        sigemptyset(&block);
        sigaddset(&block, SIGTERM);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGHUP);
        sigemptyset(&act.sa_mask);
        if (sigaction(SIGTERM, &act, NULL) < 0 || sigaction(SIGINT, &act, NULL) < 0 ||
            sigaction(SIGHUP, &act, NULL) < 0 || sigprocmask(SIG_BLOCK, &block, &orig) < 0) {
                perror("connhold: signals");
                return 1;
        }
        signal(SIGPIPE, SIG_IGN);

        r = raise_nofile(n);
        if (r < 0) {
                fprintf(stderr, "connhold: cannot raise RLIMIT_NOFILE to %ld: %s\n",
                        n + FD_SLACK, strerror(-r));
                return 1;
        }

        fds = calloc((size_t) n, sizeof(*fds));
        if (!fds) {
                perror("connhold: calloc");
                return 1;
        }

        sa.sin_port = htons((uint16_t) port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* 127.0.0.1, never anything else */

        start = now_s();
        for (opened = 0; opened < n; opened++) {
                int tries;

                for (tries = 0;; tries++) {
                        r = connect_one(&sa);
                        if (r >= 0 || tries + 1 >= CONNECT_TRIES ||
                            (r != -ETIMEDOUT && r != -EAGAIN && r != -EINPROGRESS))
                                break;
                }
                if (r < 0) {
                        fprintf(stderr, "connhold: connection %ld of %ld to 127.0.0.1:%ld: %s\n",
                                opened + 1, n, port, strerror(-r));
                        goto out;
                }
                fds[opened] = r;
                if (sigpending(&pend) == 0 &&
                    (sigismember(&pend, SIGTERM) || sigismember(&pend, SIGINT) ||
                     sigismember(&pend, SIGHUP))) {
                        fprintf(stderr, "connhold: interrupted while connecting\n");
                        goto out;
                }
        }

        fprintf(stderr, "connhold: %ld connections to 127.0.0.1:%ld in %.3f s\n", n, port, now_s() - start);
        if (printf("ready\n") < 0 || fflush(stdout) != 0) {
                perror("connhold: stdout");
                goto out;
        }

        deadline = now_s() + (double) timeout;
        for (;;) {
                struct pollfd pfd = { .fd = 0, .events = POLLIN };
                struct timespec ts;
                double left = deadline - now_s();

                if (got_signal) {
                        ret = 0;
                        break;
                }
                if (left <= 0) {
                        fprintf(stderr, "connhold: timeout after %ld s, releasing connections\n", timeout);
                        ret = 0;
                        break;
                }
                ts.tv_sec = (time_t) left;
                ts.tv_nsec = (long) ((left - (double) ts.tv_sec) * 1e9);

                r = ppoll(stdin_open ? &pfd : NULL, stdin_open ? 1 : 0, &ts, &orig);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("connhold: ppoll");
                        break;
                }
                if (r > 0 && stdin_open) {
                        char buf[256];
                        ssize_t k;

                        if (pfd.revents & POLLNVAL) {
                                stdin_open = false; /* no stdin: signal or timeout only */
                                continue;
                        }
                        k = read(0, buf, sizeof(buf));
                        if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN)) {
                                ret = 0; /* end of file on stdin */
                                break;
                        }
                }
        }

out:
        for (long i = 0; i < opened; i++)
                close(fds[i]);
        free(fds);
        return ret;
}
