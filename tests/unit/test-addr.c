/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for addr.c: which listen addresses are safe. How a -l element
 * splits into its host is test-listen.c's. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "check-main.h"
#include "cleanup.h"

static const struct {
        const char *host;
        AddrClass class;
} classify_cases[] = {
        /* loopback */
        { "127.0.0.1", ADDR_LOOPBACK },
        { "127.0.0.0", ADDR_LOOPBACK },
        { "127.1.2.3", ADDR_LOOPBACK },
        { "127.255.255.255", ADDR_LOOPBACK },
        { "::1", ADDR_LOOPBACK },
        { "0:0:0:0:0:0:0:1", ADDR_LOOPBACK },
        { "::1:80", ADDR_PUBLIC },
        { "localhost", ADDR_LOOPBACK },
        { "::ffff:127.0.0.1", ADDR_LOOPBACK },
        /* private */
        { "10.0.0.0", ADDR_PRIVATE },
        { "10.0.0.5", ADDR_PRIVATE },
        { "10.255.255.255", ADDR_PRIVATE },
        { "172.16.0.0", ADDR_PRIVATE },
        { "172.16.0.1", ADDR_PRIVATE },
        { "172.20.1.1", ADDR_PRIVATE },
        { "172.31.255.255", ADDR_PRIVATE },
        { "192.168.0.1", ADDR_PRIVATE },
        { "192.168.255.255", ADDR_PRIVATE },
        { "fc00::1", ADDR_PRIVATE },
        { "fd12:3456:789a::1", ADDR_PRIVATE },
        { "fdff:ffff::1", ADDR_PRIVATE },
        { "::ffff:10.0.0.1", ADDR_PRIVATE },
        { "::ffff:192.168.1.1", ADDR_PRIVATE },
        /* wildcard */
        { "0.0.0.0", ADDR_WILDCARD },
        { "::", ADDR_WILDCARD },
        { "0:0:0:0:0:0:0:0", ADDR_WILDCARD },
        { "::ffff:0.0.0.0", ADDR_WILDCARD },
        /* public: just outside every private range, and the usual suspects */
        { "8.8.8.8", ADDR_PUBLIC },
        { "1.2.3.4", ADDR_PUBLIC },
        { "172.15.255.255", ADDR_PUBLIC },
        { "172.15.0.1", ADDR_PUBLIC },
        { "172.32.0.0", ADDR_PUBLIC },
        { "172.32.0.1", ADDR_PUBLIC },
        { "192.167.1.1", ADDR_PUBLIC },
        { "192.169.0.1", ADDR_PUBLIC },
        { "11.0.0.1", ADDR_PUBLIC },
        { "9.255.255.255", ADDR_PUBLIC },
        { "128.0.0.1", ADDR_PUBLIC },
        { "126.255.255.255", ADDR_PUBLIC },
        { "2001:db8::1", ADDR_PUBLIC },
        { "2606:4700:4700::1111", ADDR_PUBLIC },
        { "fe00::1", ADDR_PUBLIC },
        { "fbff::1", ADDR_PUBLIC },
        { "::ffff:8.8.8.8", ADDR_PUBLIC },
        /* names, judged by what they resolve to */
        { "example.com", ADDR_HOSTNAME },
        { "memcache-1.internal", ADDR_HOSTNAME },
        { "cachehost", ADDR_HOSTNAME },
        { "cache_1", ADDR_HOSTNAME },
        { "controller", ADDR_HOSTNAME },
        { "127.1", ADDR_HOSTNAME },  /* not inet_pton()'s: getaddrinfo() reads it (resolve.c) */
        { "0", ADDR_HOSTNAME },
        { "LOCALHOST", ADDR_LOOPBACK },
        { "*", ADDR_WILDCARD },
        /* garbage */
        { "", ADDR_INVALID },
        { "not an address", ADDR_INVALID },
        { "1.2.3.4/8", ADDR_INVALID },
        { "::g", ADDR_INVALID },
        { "[::1]", ADDR_INVALID },
        { "host_name!", ADDR_INVALID },
        { "a;b", ADDR_INVALID },
        { "a b", ADDR_INVALID },
        { "fe80::1%eth0", ADDR_INVALID },
};

START_TEST(test_classify_host) {
        const char *host = classify_cases[_i].host;
        AddrClass got = addr_classify_host(host);

        ck_assert_msg(got == classify_cases[_i].class, "'%s': got %s, want %s", host,
                      addr_class_to_string(got), addr_class_to_string(classify_cases[_i].class));
}
END_TEST

START_TEST(test_classify_raw) {
        struct in_addr a4;
        struct in6_addr a6;

        ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.1", &a4), 1);
        ck_assert_int_eq(addr_classify_raw(AF_INET, &a4), ADDR_LOOPBACK);
        ck_assert_int_eq(inet_pton(AF_INET, "172.31.0.9", &a4), 1);
        ck_assert_int_eq(addr_classify_raw(AF_INET, &a4), ADDR_PRIVATE);
        ck_assert_int_eq(inet_pton(AF_INET, "172.32.0.9", &a4), 1);
        ck_assert_int_eq(addr_classify_raw(AF_INET, &a4), ADDR_PUBLIC);
        ck_assert_int_eq(inet_pton(AF_INET, "0.0.0.0", &a4), 1);
        ck_assert_int_eq(addr_classify_raw(AF_INET, &a4), ADDR_WILDCARD);

        ck_assert_int_eq(inet_pton(AF_INET6, "::1", &a6), 1);
        ck_assert_int_eq(addr_classify_raw(AF_INET6, &a6), ADDR_LOOPBACK);
        ck_assert_int_eq(inet_pton(AF_INET6, "::", &a6), 1);
        ck_assert_int_eq(addr_classify_raw(AF_INET6, &a6), ADDR_WILDCARD);
        ck_assert_int_eq(inet_pton(AF_INET6, "fd00::5", &a6), 1);
        ck_assert_int_eq(addr_classify_raw(AF_INET6, &a6), ADDR_PRIVATE);
        ck_assert_int_eq(inet_pton(AF_INET6, "::ffff:10.0.0.1", &a6), 1);
        ck_assert_int_eq(addr_classify_raw(AF_INET6, &a6), ADDR_PRIVATE);
        ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::1", &a6), 1);
        ck_assert_int_eq(addr_classify_raw(AF_INET6, &a6), ADDR_PUBLIC);
}
END_TEST

START_TEST(test_class_allowed) {
        ck_assert(addr_class_allowed(ADDR_LOOPBACK));
        ck_assert(addr_class_allowed(ADDR_PRIVATE));
        ck_assert(!addr_class_allowed(ADDR_WILDCARD));
        ck_assert(!addr_class_allowed(ADDR_PUBLIC));
        ck_assert(!addr_class_allowed(ADDR_HOSTNAME));
        ck_assert(!addr_class_allowed(ADDR_INVALID));
}
END_TEST

START_TEST(test_class_to_string) {
        AddrClass all[] = { ADDR_LOOPBACK, ADDR_PRIVATE, ADDR_WILDCARD, ADDR_PUBLIC, ADDR_HOSTNAME, ADDR_INVALID };

        for (size_t i = 0; i < ELEMENTSOF(all); i++) {
                const char *s = addr_class_to_string(all[i]);

                ck_assert_ptr_nonnull(s);
                ck_assert(*s != '\0');
                for (size_t j = 0; j < i; j++)
                        ck_assert_str_ne(s, addr_class_to_string(all[j]));
        }
}
END_TEST

static Suite *addr_suite(void) {
        Suite *s = suite_create("addr");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, test_classify_host, 0, ELEMENTSOF(classify_cases));
        tcase_add_test(tc, test_classify_raw);
        tcase_add_test(tc, test_class_allowed);
        tcase_add_test(tc, test_class_to_string);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(addr_suite)
