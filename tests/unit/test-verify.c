/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for verify.c and the report/spawn helpers of service.c. The
 * live tests use sockets of this very process on loopback only. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "service.h"
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
        ck_assert_int_eq(service_spawn(echo, 10, &status, &out), 0);
        ck_assert_int_eq(status, 3);
        /* Both streams captured, and the environment is the fixed one. */
        ck_assert_str_eq(out, "out\nerr\nC");
        ck_assert_int_eq(service_spawn(slow, 1, &status, NULL), -ETIMEDOUT);
        ck_assert_int_lt(service_spawn(missing, 1, &status, NULL), 0);
}
END_TEST

START_TEST(test_report_json) {
        ServiceReport r = {};
        struct json_object *o, *v;

        r.manager = MANAGER_SYSTEMD;
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
        json_object_put(o);

        ck_assert_str_eq(service_manager_to_string(MANAGER_NONE), "none");
        ck_assert_str_eq(service_manager_to_string(MANAGER_SYSV), "sysv");
        service_report_done(&r);
        ck_assert_ptr_null(r.unit);
}
END_TEST

/* A root other than / never touches this host's daemon. */
START_TEST(test_other_root) {
        const Profile *p = profile_by_name("debian");
        ServiceReport r = {};
        ErrorInfo e = {};

        ck_assert_int_eq(service_manager_detect("/srv/image"), MANAGER_NONE);
        ck_assert_int_eq(service_restart_verify(p, "/srv/image", NULL, NULL, true, &r, &e), 0);
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
        tcase_add_test(tc, test_socket_to_string);
        tcase_add_test(tc, test_judge);
        tcase_add_test(tc, test_live_sockets);
        tcase_add_test(tc, test_owned_sockets_past_first_batch);
        tcase_add_test(tc, test_query_stats);
        tcase_add_test(tc, test_query_stats_timeout);
        tcase_add_test(tc, test_spawn);
        tcase_add_test(tc, test_report_json);
        tcase_add_test(tc, test_other_root);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(verify_suite)
