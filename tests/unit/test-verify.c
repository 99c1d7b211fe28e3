/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for the verify stage (verify*.c), the service report and
 * spawn.c. The live tests use sockets of this very process on loopback only. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "service.h"
#include "spawn-util.h"
#include "verify.h"

static VerifySocket v4(int proto, const char *addr, uint16_t port) {
        VerifySocket s = { .protocol = proto, .family = AF_INET, .port = port };
        ck_assert_int_eq(inet_pton(AF_INET, addr, &s.addr.v4), 1);
        return s;
}

static VerifySocket v6(int proto, const char *addr, uint16_t port) {
        VerifySocket s = { .protocol = proto, .family = AF_INET6, .port = port };
        ck_assert_int_eq(inet_pton(AF_INET6, addr, &s.addr.v6), 1);
        return s;
}

START_TEST(test_parse_socket_link) {
        ino_t ino;

        ck_assert_int_eq(verify_parse_socket_link("socket:[12345]", &ino), 0);
        ck_assert_uint_eq(ino, 12345);
        ck_assert_int_lt(verify_parse_socket_link("pipe:[12345]", &ino), 0);
        ck_assert_int_lt(verify_parse_socket_link("socket:[]", &ino), 0);
        ck_assert_int_lt(verify_parse_socket_link("socket:[12a]", &ino), 0);
        ck_assert_int_lt(verify_parse_socket_link("socket:[123", &ino), 0);
        ck_assert_int_lt(verify_parse_socket_link("/dev/null", &ino), 0);
}
END_TEST

START_TEST(test_parse_stats) {
        _cleanup_free_ char *inter = NULL;
        long port = 7;

        ck_assert_int_eq(verify_parse_stats("STAT maxbytes 67108864\r\nSTAT udpport 0\r\n"
                                            "STAT inter 127.0.0.1\r\nSTAT verbosity 0\r\nEND\r\n",
                                            &port, &inter), 0);
        ck_assert_int_eq(port, 0);
        ck_assert_str_eq(inter, "127.0.0.1");
        free(TAKE_PTR(inter));

        ck_assert_int_eq(verify_parse_stats("STAT udpport 11211\r\nSTAT inter NULL\r\nEND\r\n", &port, &inter), 0);
        ck_assert_int_eq(port, 11211);
        ck_assert_str_eq(inter, "NULL");
        free(TAKE_PTR(inter));

        /* Absent values stay unknown. */
        ck_assert_int_eq(verify_parse_stats("STAT maxconns 1024\r\nEND\r\n", &port, &inter), 0);
        ck_assert_int_eq(port, -1);
        ck_assert_ptr_null(inter);

        /* Truncated, errors and garbage are rejected; outputs untouched. */
        port = 7;
        ck_assert_int_eq(verify_parse_stats("STAT udpport 0\r\n", &port, &inter), -EBADMSG);
        ck_assert_int_eq(verify_parse_stats("ERROR\r\n", &port, &inter), -EBADMSG);
        ck_assert_int_eq(verify_parse_stats("STAT udpport 99999\r\nEND\r\n", &port, &inter), -EBADMSG);
        ck_assert_int_eq(verify_parse_stats("STAT udpport x\r\nEND\r\n", &port, &inter), -EBADMSG);
        ck_assert_int_eq(port, 7);
}
END_TEST

START_TEST(test_parse_cache) {
        long items = 7, bytes = 7;

        ck_assert_int_eq(verify_parse_cache("STAT pid 1\r\nSTAT curr_items 1200\r\nSTAT bytes 3145728\r\n"
                                            "STAT evictions 0\r\nEND\r\n", &items, &bytes), 0);
        ck_assert_int_eq(items, 1200);
        ck_assert_int_eq(bytes, 3145728);
        items = bytes = 7;
        /* Both or nothing; truncated, errors and garbage rejected, outputs untouched. */
        ck_assert_int_eq(verify_parse_cache("STAT curr_items 1\r\nEND\r\n", &items, &bytes), -EBADMSG);
        ck_assert_int_eq(verify_parse_cache("STAT curr_items 1\r\nSTAT bytes 2\r\n", &items, &bytes), -EBADMSG);
        ck_assert_int_eq(verify_parse_cache("ERROR\r\n", &items, &bytes), -EBADMSG);
        ck_assert_int_eq(verify_parse_cache("STAT curr_items -1\r\nSTAT bytes 2\r\nEND\r\n", &items, &bytes),
                         -EBADMSG);
        ck_assert_int_eq(items, 7);
        ck_assert_int_eq(bytes, 7);
}
END_TEST

START_TEST(test_socket_to_string) {
        VerifySocket a = v4(IPPROTO_TCP, "127.0.0.1", 11211), b = v6(IPPROTO_TCP, "::1", 11211);
        _cleanup_free_ char *sa = verify_socket_to_string(&a), *sb = verify_socket_to_string(&b);

        ck_assert_str_eq(sa, "127.0.0.1:11211");
        ck_assert_str_eq(sb, "[::1]:11211");
}
END_TEST

START_TEST(test_judge) {
        VerifySocket good[] = {
                v4(IPPROTO_TCP, "127.0.0.1", 11211), v4(IPPROTO_TCP, "10.1.2.3", 11211),
                v6(IPPROTO_TCP, "::1", 11211), v6(IPPROTO_TCP, "fd00::1", 11211),
        };
        VerifySocket bad[] = {
                v4(IPPROTO_TCP, "0.0.0.0", 11211), v6(IPPROTO_TCP, "::", 11211),
                v4(IPPROTO_TCP, "8.8.8.8", 11211), v4(IPPROTO_UDP, "127.0.0.1", 11211),
                v6(IPPROTO_UDP, "::1", 11211), v4(IPPROTO_TCP, "192.168.1.1", 11211),
        };
        size_t udp, tcp;

        verify_judge(good, ELEMENTSOF(good), &udp, &tcp);
        ck_assert_uint_eq(udp, 0);
        ck_assert_uint_eq(tcp, 0);
        /* UDP counts even on loopback: any UDP socket is the risk removed. */
        verify_judge(bad, ELEMENTSOF(bad), &udp, &tcp);
        ck_assert_uint_eq(udp, 2);
        ck_assert_uint_eq(tcp, 3);
        verify_judge(NULL, 0, &udp, &tcp);
        ck_assert_uint_eq(udp + tcp, 0);
}
END_TEST

/* Binds SOCK_TYPE on 127.0.0.1 with an ephemeral port; returns the fd. */
static int bind_loopback(int type, uint16_t *ret_port) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof a;
        int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(bind(fd, (struct sockaddr *) &a, sizeof a), 0);
        if (type == SOCK_STREAM)
                ck_assert_int_eq(listen(fd, 16), 0);
        ck_assert_int_eq(getsockname(fd, (struct sockaddr *) &a, &len), 0);
        *ret_port = ntohs(a.sin_port);
        return fd;
}

START_TEST(test_live_sockets) {
        _cleanup_close_ int tcp = -1, udp = -1, client = -1, accepted = -1;
        _cleanup_free_ VerifySocket *all = NULL, *socks = NULL;
        uint16_t tport, uport;
        size_t n_all, n, n_tcp = 0, n_udp = 0;
        pid_t self = getpid(), gone = (pid_t) 0x3ffffff0; /* above pid_max */
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

        tcp = bind_loopback(SOCK_STREAM, &tport);
        udp = bind_loopback(SOCK_DGRAM, &uport);
        /* An established connection must not show up: only listeners do. */
        client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        a.sin_port = htons(tport);
        ck_assert_int_eq(connect(client, (struct sockaddr *) &a, sizeof a), 0);
        accepted = accept4(tcp, NULL, NULL, SOCK_CLOEXEC);
        ck_assert_int_ge(accepted, 0);

        /* Every listener and UDP socket of the host, then ours among them. */
        ck_assert_int_eq(verify_list_sockets(&all, &n_all), 0);
        ck_assert_uint_ge(n_all, 2);
        ck_assert_int_eq(verify_owned_sockets(&self, 1, all, n_all, &socks, &n), 0);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *s = verify_socket_to_string(&socks[i]);
                ck_assert_uint_eq(socks[i].uid, getuid());
                if (socks[i].protocol == IPPROTO_TCP) {
                        n_tcp++;
                        ck_assert_int_eq(strncmp(s, "127.0.0.1:", 10), 0);
                        ck_assert_uint_eq(socks[i].port, tport);
                } else {
                        n_udp++;
                        ck_assert_uint_eq(socks[i].port, uport);
                }
        }
        ck_assert_uint_eq(n_tcp, 1);
        ck_assert_uint_eq(n_udp, 1);

        /* A process that is gone owns nothing. */
        free(TAKE_PTR(socks));
        ck_assert_int_eq(verify_owned_sockets(&gone, 1, all, n_all, &socks, &n), 0);
        ck_assert_uint_eq(n, 0);
}
END_TEST

/* Sockets behind many other fds: the scan reads /proc/PID/fd in batches
 * and must carry on past the first. */
START_TEST(test_owned_sockets_past_first_batch) {
        _cleanup_close_ int tcp = -1, udp = -1;
        _cleanup_free_ VerifySocket *all = NULL, *socks = NULL;
        int filler[300];
        size_t n_all, n;
        pid_t self = getpid();
        uint16_t tport, uport;

        for (size_t i = 0; i < 300; i++)
                ck_assert_int_ge(filler[i] = open("/dev/null", O_RDONLY | O_CLOEXEC), 0);
        tcp = bind_loopback(SOCK_STREAM, &tport);
        udp = bind_loopback(SOCK_DGRAM, &uport);
        ck_assert_int_gt(tcp, 300);

        ck_assert_int_eq(verify_list_sockets(&all, &n_all), 0);
        ck_assert_int_eq(verify_owned_sockets(&self, 1, all, n_all, &socks, &n), 0);
        ck_assert_uint_eq(n, 2);
        for (size_t i = 0; i < n; i++)
                ck_assert_uint_eq(socks[i].port, socks[i].protocol == IPPROTO_TCP ? tport : uport);
        for (size_t i = 0; i < 300; i++)
                close(filler[i]);
}
END_TEST

START_TEST(test_parse_status_uids) {
        uid_t u[4] = { 7, 7, 7, 7 };

        ck_assert_int_eq(verify_parse_status_uids("Name:\tmemcached\nUmask:\t0022\nState:\tS (sleeping)\n"
                                                  "Uid:\t1000\t102\t0\t102\nGid:\t105\t105\t105\t105\n", u), 0);
        ck_assert_uint_eq(u[0], 1000);
        ck_assert_uint_eq(u[1], 102);
        ck_assert_uint_eq(u[2], 0);
        ck_assert_uint_eq(u[3], 102);
        ck_assert_int_eq(verify_parse_status_uids("Uid: 4294967294 1 2 3", u), 0);
        ck_assert_uint_eq(u[0], 4294967294u);

        /* Missing, short or malformed: rejected, output untouched. */
        u[0] = 7;
        ck_assert_int_eq(verify_parse_status_uids("Name:\tmemcached\nGid:\t0\t0\t0\t0\n", u), -EBADMSG);
        ck_assert_int_eq(verify_parse_status_uids("Uid:\t0\t0\t0\n", u), -EBADMSG);
        ck_assert_int_eq(verify_parse_status_uids("Uid:\t0\t0\tx\t0\n", u), -EBADMSG);
        ck_assert_int_eq(verify_parse_status_uids("Uid:\t-1\t0\t0\t0\n", u), -EBADMSG);
        ck_assert_int_eq(verify_parse_status_uids("Uid:\t4294967295\t0\t0\t0\n", u), -EBADMSG);
        ck_assert_int_eq(verify_parse_status_uids("XUid:\t0\t0\t0\t0\n", u), -EBADMSG);
        ck_assert_int_eq(verify_parse_status_uids("", u), -EBADMSG);
        ck_assert_uint_eq(u[0], 7);
}
END_TEST

START_TEST(test_process_uids) {
        uid_t u[4];

        ck_assert_int_eq(verify_process_uids(getpid(), u), 0);
        ck_assert_uint_eq(u[0], getuid());
        ck_assert_uint_eq(u[1], geteuid());
        ck_assert_int_eq(verify_process_uids((pid_t) 0x3ffffff0, u), -ESRCH); /* above pid_max */
}
END_TEST

/* What a holder child reports once it is set up. */
typedef struct Held {
        uint16_t tcp, udp;
} Held;

typedef int (*HolderSetup)(Held *h);

/* Forks a child that runs SETUP, reports what it holds through a pipe, and
 * waits to be killed (holder_stop()). */
static pid_t holder_start(HolderSetup setup, Held *ret) {
        int p[2];
        pid_t pid;

        ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                Held h = {};
                close(p[0]);
                if (setup(&h) < 0 || write(p[1], &h, sizeof h) != (ssize_t) sizeof h)
                        _exit(1);
                for (;;)
                        pause();
        }
        close(p[1]);
        ck_assert_int_eq(read(p[0], ret, sizeof *ret), (ssize_t) sizeof *ret);
        close(p[0]);
        return pid;
}

static void holder_stop(pid_t pid) {
        kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
}

/* A socket bound on 127.0.0.1 with an ephemeral port, left open; in the
 * child, so failures return instead of asserting. */
static int child_bind(int type, uint16_t *ret_port) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof a;
        int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

        if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof a) < 0 ||
            (type == SOCK_STREAM && listen(fd, 16) < 0) ||
            getsockname(fd, (struct sockaddr *) &a, &len) < 0)
                return -1;
        *ret_port = ntohs(a.sin_port);
        return 0;
}

static int child_drop_to_nobody(void) {
        if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
                return -1;
        return 0;
}

static int setup_nothing(Held *h) {
        (void) h;
        return 0;
}

static int setup_udp(Held *h) {
        return child_bind(SOCK_DGRAM, &h->udp);
}

/* memcached -s: a listening unix socket and nothing else. */
static int setup_unix(Held *h) {
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int n = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "memharden-test-%d", (int) getpid());

        (void) h;
        /* An abstract name: nothing is left on disk. */
        if (fd < 0 || bind(fd, (struct sockaddr *) &a, (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0 ||
            listen(fd, 16) < 0)
                return -1;
        return 0;
}

/* UDP on in a network namespace of its own: the socket exists, but not
 * where memharden looks. It is bound to the wildcard of a namespace with no
 * interface up, so nothing can reach it. */
static int setup_udp_other_netns(Held *h) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(11211) };
        int fd;

        (void) h;
        if (unshare(CLONE_NEWNET) < 0)
                return -1;
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof a) < 0)
                return -1;
        return 0;
}

/* Sockets made by root under the filesystem uid of nobody: the kernel
 * gives them that owner, and /proc/PID stays root's (the euid's). */
static int setup_fsuid_nobody(Held *h) {
        setfsuid(65534);
        if ((uid_t) setfsuid((uid_t) -1) != 65534)
                return -1;
        if (child_bind(SOCK_STREAM, &h->tcp) < 0 || child_bind(SOCK_DGRAM, &h->udp) < 0)
                return -1;
        return 0;
}

/* Sockets made as root before dropping to nobody (a daemon's -u): they
 * belong to root, and /proc/PID, dumpable again, to nobody. */
static int setup_root_made_then_dropped(Held *h) {
        if (child_bind(SOCK_STREAM, &h->tcp) < 0 || child_bind(SOCK_DGRAM, &h->udp) < 0)
                return -1;
        if (child_drop_to_nobody() < 0 || prctl(PR_SET_DUMPABLE, 1) < 0)
                return -1;
        return 0;
}

static uid_t proc_owner(pid_t pid) {
        char path[64];
        struct stat st;

        snprintf(path, sizeof path, "/proc/%d", (int) pid);
        ck_assert_int_eq(stat(path, &st), 0);
        return st.st_uid;
}

/* The sockets a process holds are found whatever /proc/PID's owner says:
 * those it made as root before dropping privileges, and those made under a
 * filesystem uid other than its euid. */
START_TEST(test_owned_sockets_dropped_privileges) {
        static const struct {
                HolderSetup setup;
                uid_t proc_uid, socket_uid;
        } cases[] = {
                { setup_root_made_then_dropped, 65534, 0 },
                { setup_fsuid_nobody, 0, 65534 },
        };

        if (geteuid() != 0) {
                fprintf(stderr, "test_owned_sockets_dropped_privileges: skipped, needs root (setresuid)\n");
                return;
        }
        for (size_t c = 0; c < ELEMENTSOF(cases); c++) {
                _cleanup_free_ VerifySocket *all = NULL, *socks = NULL;
                size_t n_all, n;
                Held h;
                pid_t pid = holder_start(cases[c].setup, &h);

                /* The situation the case is about. */
                ck_assert_uint_eq(proc_owner(pid), cases[c].proc_uid);

                ck_assert_int_eq(verify_list_sockets(&all, &n_all), 0);
                ck_assert_int_eq(verify_owned_sockets(&pid, 1, all, n_all, &socks, &n), 0);
                holder_stop(pid);
                ck_assert_msg(n == 2, "case %zu: %zu sockets attributed, expected 2", c, n);
                for (size_t i = 0; i < n; i++) {
                        ck_assert_uint_eq(socks[i].uid, cases[c].socket_uid);
                        ck_assert_uint_eq(socks[i].port, socks[i].protocol == IPPROTO_TCP ? h.tcp : h.udp);
                }
        }
}
END_TEST

/* The judgement of a running process by its sockets: no socket found is
 * "could not verify", never hardened, unless it listens on a unix socket. */
START_TEST(test_inspect_sockets_states) {
        ServiceReport r = {};
        Held h;
        pid_t pid;

        /* Nothing to see: a process holding no socket at all. */
        pid = holder_start(setup_nothing, &h);
        service_report_init(&r, &service_manager_none);
        ck_assert_int_eq(verify_inspect_sockets(&pid, 1, &r, NULL, NULL), 0);
        holder_stop(pid);
        ck_assert_int_eq(r.live_state, LIVE_UNVERIFIED);
        ck_assert(!r.verified);
        ck_assert(!r.live_hardened);
        ck_assert(!r.unix_socket);
        ck_assert_int_eq(r.udp_sockets, -1);

        /* UDP on, in a network namespace memharden does not see. */
        if (geteuid() == 0) {
                pid = holder_start(setup_udp_other_netns, &h);
                ck_assert_int_eq(verify_inspect_sockets(&pid, 1, &r, NULL, NULL), 0);
                holder_stop(pid);
                ck_assert_int_eq(r.live_state, LIVE_UNVERIFIED);
                ck_assert(!r.live_hardened);
        }

        /* memcached -s: a unix socket only is hardened. */
        pid = holder_start(setup_unix, &h);
        ck_assert_int_eq(verify_inspect_sockets(&pid, 1, &r, NULL, NULL), 0);
        holder_stop(pid);
        ck_assert_int_eq(r.live_state, LIVE_HARDENED);
        ck_assert(r.verified);
        ck_assert(r.live_hardened);
        ck_assert(r.unix_socket);
        ck_assert_int_eq(r.udp_sockets, 0);

        /* UDP on loopback: exposed. */
        pid = holder_start(setup_udp, &h);
        ck_assert_int_eq(verify_inspect_sockets(&pid, 1, &r, NULL, NULL), 0);
        holder_stop(pid);
        ck_assert_int_eq(r.live_state, LIVE_EXPOSED);
        ck_assert(r.verified);
        ck_assert(!r.live_hardened);
        ck_assert(!r.unix_socket);
        ck_assert_int_eq(r.udp_sockets, 1);

        /* A process that is gone: nothing runs, nothing to judge. */
        ck_assert_int_eq(verify_inspect_sockets(&pid, 1, &r, NULL, NULL), 0);
        ck_assert_int_eq(r.live_state, LIVE_UNKNOWN);
        ck_assert(!r.live_hardened);
        service_report_done(&r);
}
END_TEST

START_TEST(test_holds_unix_listener) {
        bool holds = true;
        Held h;
        pid_t pid;

        pid = holder_start(setup_unix, &h);
        ck_assert_int_eq(verify_holds_unix_listener(&pid, 1, &holds), 0);
        ck_assert(holds);
        holder_stop(pid);

        pid = holder_start(setup_udp, &h);
        ck_assert_int_eq(verify_holds_unix_listener(&pid, 1, &holds), 0);
        ck_assert(!holds);
        holder_stop(pid);
}
END_TEST

/* A fake memcached answering one `stats settings` on a loopback listener. */
START_TEST(test_query_stats) {
        _cleanup_close_ int lfd = -1;
        _cleanup_free_ char *inter = NULL;
        uint16_t port;
        long udpport = -2;
        pid_t child;
        int status;

        lfd = bind_loopback(SOCK_STREAM, &port);
        child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0) {
                static const char reply[] = "STAT maxconns 1024\r\nSTAT udpport 0\r\nSTAT inter 127.0.0.1\r\nEND\r\n";
                char buf[256];
                int c = accept(lfd, NULL, NULL);
                ssize_t k = c >= 0 ? recv(c, buf, sizeof buf - 1, 0) : -1;
                if (k <= 0)
                        _exit(1);
                buf[k] = '\0';
                if (strcmp(buf, "stats settings\r\n") != 0)
                        _exit(2);
                if (send(c, reply, sizeof reply - 1, 0) < 0)
                        _exit(3);
                _exit(0);
        }

        VerifySocket s[] = { v4(IPPROTO_UDP, "127.0.0.1", port), v4(IPPROTO_TCP, "0.0.0.0", port) };
        ck_assert_int_eq(verify_query_stats(s, ELEMENTSOF(s), 2000, &udpport, &inter), 0);
        ck_assert_int_eq(udpport, 0);
        ck_assert_str_eq(inter, "127.0.0.1");
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

        /* Public listeners are never contacted. */
        VerifySocket pub[] = { v4(IPPROTO_TCP, "8.8.8.8", 11211) };
        ck_assert_int_eq(verify_query_stats(pub, 1, 100, &udpport, &inter), -ENOENT);
}
END_TEST

/* A listener that accepts and never answers: the timeout bounds the wait. */
START_TEST(test_query_stats_timeout) {
        _cleanup_close_ int lfd = -1;
        _cleanup_free_ char *inter = NULL;
        uint16_t port;
        long udpport;

        lfd = bind_loopback(SOCK_STREAM, &port); /* backlog completes the handshake */
        VerifySocket s[] = { v4(IPPROTO_TCP, "127.0.0.1", port) };
        ck_assert_int_eq(verify_query_stats(s, 1, 200, &udpport, &inter), -ETIMEDOUT);
}
END_TEST

START_TEST(test_spawn) {
        _cleanup_free_ char *out = NULL;
        char *echo[] = { (char *) "/bin/sh", (char *) "-c", (char *) "echo out; echo err >&2; echo $FOO$LANG; exit 3", NULL };
        char *slow[] = { (char *) "/bin/sleep", (char *) "10", NULL };
        char *missing[] = { (char *) "/nonexistent/tool", NULL };
        int status;

        setenv("FOO", "leak", 1);
        ck_assert_int_eq(spawn_capture(echo, 10, &status, &out), 0);
        ck_assert_int_eq(status, 3);
        /* Both streams captured, and the environment is the fixed one. */
        ck_assert_str_eq(out, "out\nerr\nC");
        ck_assert_int_eq(spawn_capture(slow, 1, &status, NULL), -ETIMEDOUT);
        ck_assert_int_lt(spawn_capture(missing, 1, &status, NULL), 0);
}
END_TEST

START_TEST(test_report_json) {
        ServiceReport r = {};
        struct json_object *o, *v;

        r.manager = &service_manager_systemd;
        r.unit = strdup("memcached.service");
        r.restarted = r.active = true;
        r.main_pid_before = 10;
        r.main_pid_after = 20;
        r.udp_sockets = 0;
        r.stats_udpport = -1;
        r.restart_ms = 12;
        r.listeners = calloc(2, sizeof(char *));
        r.listeners[0] = strdup("127.0.0.1:11211");
        r.n_listeners = 1;
        ck_assert_int_eq(service_report_note(&r, "first"), 0);
        ck_assert_int_eq(service_report_note(&r, "second %d", 2), 0);
        ck_assert_str_eq(r.message, "first; second 2");

        o = service_report_to_json(&r);
        ck_assert_ptr_nonnull(o);
        ck_assert(json_object_object_get_ex(o, "manager", &v));
        ck_assert_str_eq(json_object_get_string(v), "systemd");
        ck_assert(json_object_object_get_ex(o, "main_pid_after", &v));
        ck_assert_int_eq(json_object_get_int(v), 20);
        ck_assert(json_object_object_get_ex(o, "stats_udpport", &v));
        ck_assert_ptr_null(v);
        ck_assert(json_object_object_get_ex(o, "listeners", &v));
        ck_assert_int_eq(json_object_array_length(v), 1);
        ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 0)), "127.0.0.1:11211");
        /* Not judged: no state, and not hardened. */
        ck_assert(json_object_object_get_ex(o, "live_state", &v));
        ck_assert_ptr_null(v);
        ck_assert(json_object_object_get_ex(o, "live_hardened", &v));
        ck_assert(!json_object_get_boolean(v));
        ck_assert(json_object_object_get_ex(o, "unix_socket", &v));
        ck_assert(!json_object_get_boolean(v));
        json_object_put(o);

        r.live_state = LIVE_UNVERIFIED;
        o = service_report_to_json(&r);
        ck_assert(json_object_object_get_ex(o, "live_state", &v));
        ck_assert_str_eq(json_object_get_string(v), "unverified");
        json_object_put(o);
        ck_assert_str_eq(live_state_to_string(LIVE_HARDENED), "hardened");
        ck_assert_str_eq(live_state_to_string(LIVE_EXPOSED), "exposed");

        ck_assert_str_eq(service_manager_to_string(&service_manager_none), "none");
        ck_assert_str_eq(service_manager_to_string(&service_manager_sysv), "sysv");
        service_report_done(&r);
        ck_assert_ptr_null(r.unit);
}
END_TEST

/* A root other than / never touches this host's daemon. */
START_TEST(test_other_root) {
        const Profile *p = profile_by_name("debian");
        ServiceReport r = {};
        ErrorInfo e = {};

        ck_assert_ptr_eq(service_manager_detect("/srv/image"), &service_manager_none);
        ck_assert_int_eq(service_restart_verify(p, "/srv/image", NULL, NULL, SERVICE_TRY_RESTART, true, &r, &e), 0);
        ck_assert(!r.restarted);
        ck_assert_ptr_nonnull(strstr(r.message, "next start"));
        service_report_done(&r);
}
END_TEST

static Suite *verify_suite(void) {
        Suite *s = suite_create("verify");
        TCase *tc = tcase_create("core");

        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, test_parse_socket_link);
        tcase_add_test(tc, test_parse_stats);
        tcase_add_test(tc, test_parse_cache);
        tcase_add_test(tc, test_socket_to_string);
        tcase_add_test(tc, test_judge);
        tcase_add_test(tc, test_live_sockets);
        tcase_add_test(tc, test_owned_sockets_past_first_batch);
        tcase_add_test(tc, test_parse_status_uids);
        tcase_add_test(tc, test_process_uids);
        tcase_add_test(tc, test_owned_sockets_dropped_privileges);
        tcase_add_test(tc, test_inspect_sockets_states);
        tcase_add_test(tc, test_holds_unix_listener);
        tcase_add_test(tc, test_query_stats);
        tcase_add_test(tc, test_query_stats_timeout);
        tcase_add_test(tc, test_spawn);
        tcase_add_test(tc, test_report_json);
        tcase_add_test(tc, test_other_root);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(verify_suite)
