/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for listen.c: memcached 1.6's listener grammar (server_sockets())
 * and its substring rule for repeated -l. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "cleanup.h"
#include "listen.h"

static const struct {
        const char *element;
        const char *host;
        const char *port;  /* NULL: none */
        ListenTls tls;
        bool bracketed;
} ok_cases[] = {
        /* plain forms */
        { "1.2.3.4", "1.2.3.4", NULL, LISTEN_TLS_DEFAULT, false },
        { "1.2.3.4:11211", "1.2.3.4", "11211", LISTEN_TLS_DEFAULT, false },
        { "1.2.3.4:0", "1.2.3.4", "0", LISTEN_TLS_DEFAULT, false },
        { "1.2.3.4:65535", "1.2.3.4", "65535", LISTEN_TLS_DEFAULT, false },
        { "[::1]:11211", "::1", "11211", LISTEN_TLS_DEFAULT, true },
        { "[::1]", "::1", NULL, LISTEN_TLS_DEFAULT, true },
        { "[2001:db8::1]:11211", "2001:db8::1", "11211", LISTEN_TLS_DEFAULT, true },
        /* what lies between ']' and ':' memcached never reads */
        { "[::1]x:11211", "::1", "11211", LISTEN_TLS_DEFAULT, true },
        /* More than one colon and no brackets: all of it is an IPv6 address,
         * never ADDR:PORT, so "::1:80" is not loopback on port 80. */
        { "::1", "::1", NULL, LISTEN_TLS_DEFAULT, false },
        { "fd00::1:2", "fd00::1:2", NULL, LISTEN_TLS_DEFAULT, false },
        { "::1:80", "::1:80", NULL, LISTEN_TLS_DEFAULT, false },
        { "*", "*", NULL, LISTEN_TLS_DEFAULT, false },
        { "*:11211", "*", "11211", LISTEN_TLS_DEFAULT, false },
        { "[*]:11211", "*", "11211", LISTEN_TLS_DEFAULT, true },
        { "localhost", "localhost", NULL, LISTEN_TLS_DEFAULT, false },
        { "localhost:11211", "localhost", "11211", LISTEN_TLS_DEFAULT, false },
        { "controller", "controller", NULL, LISTEN_TLS_DEFAULT, false },
        { "cache.example.com:11212", "cache.example.com", "11212", LISTEN_TLS_DEFAULT, false },
        /* TLS prefixes: the word and one character, whatever it is */
        { "notls:127.0.0.1:11211", "127.0.0.1", "11211", LISTEN_NOTLS, false },
        { "notls:127.0.0.1", "127.0.0.1", NULL, LISTEN_NOTLS, false },
        { "notls:[::1]:11211", "::1", "11211", LISTEN_NOTLS, true },
        { "notls:0.0.0.0:11211", "0.0.0.0", "11211", LISTEN_NOTLS, false },
        { "btls:10.0.0.5:11212", "10.0.0.5", "11212", LISTEN_BTLS, false },
        { "mtls:10.0.0.5:11213", "10.0.0.5", "11213", LISTEN_MTLS, false },
        { "mtls:[fd00::5]", "fd00::5", NULL, LISTEN_MTLS, true },
        { "notlsX127.0.0.1", "127.0.0.1", NULL, LISTEN_NOTLS, false },
        /* a name that starts with a TLS word loses it and one more
         * character, as in memcached */
        { "btlsa.example.com", ".example.com", NULL, LISTEN_BTLS, false },
        { "mtls.example.com", "example.com", NULL, LISTEN_MTLS, false },
        /* proto */
        { "proto[ascii]:127.0.0.1:11211", "127.0.0.1", "11211", LISTEN_TLS_DEFAULT, false },
        { "proto[binary]:[::1]", "::1", NULL, LISTEN_TLS_DEFAULT, true },
        { "proto[whatever]:10.0.0.1", "10.0.0.1", NULL, LISTEN_TLS_DEFAULT, false },
        { "protohost", "host", NULL, LISTEN_TLS_DEFAULT, false },
        { "notls:proto[ascii]:127.0.0.1:11211", "127.0.0.1", "11211", LISTEN_NOTLS, false },
        /* tag */
        { "tag[web]:127.0.0.1:11211", "127.0.0.1", "11211", LISTEN_TLS_DEFAULT, false },
        { "tag_web_:127.0.0.1", "127.0.0.1", NULL, LISTEN_TLS_DEFAULT, false },
        { "tag[12345678]:10.0.0.1", "10.0.0.1", NULL, LISTEN_TLS_DEFAULT, false },
        { "btls:proto[ascii]:tag[x]:10.0.0.1:11212", "10.0.0.1", "11212", LISTEN_BTLS, false },
        { "taghost", "host", NULL, LISTEN_TLS_DEFAULT, false },
        /* a '_' tag is closed by a later ']' first, as memcached looks */
        { "tag_a_:[::1]:11211", "11211", NULL, LISTEN_TLS_DEFAULT, false },
};

START_TEST(test_parse_ok) {
        const char *element = ok_cases[_i].element;
        _cleanup_free_ char *host = NULL;
        ListenElement el;

        ck_assert_msg(listen_element_parse(element, &el) == 0, "'%s' refused", element);
        ck_assert_msg(el.host_len == strlen(ok_cases[_i].host) &&
                      strncmp(element + el.host_start, ok_cases[_i].host, el.host_len) == 0,
                      "'%s': host '%.*s', want '%s'", element, (int) el.host_len, element + el.host_start,
                      ok_cases[_i].host);
        if (ok_cases[_i].port)
                ck_assert_msg(el.port_len == strlen(ok_cases[_i].port) &&
                              strncmp(element + el.port_start, ok_cases[_i].port, el.port_len) == 0,
                              "'%s': port '%.*s', want '%s'", element, (int) el.port_len,
                              element + el.port_start, ok_cases[_i].port);
        else
                ck_assert_msg(el.port_len == 0, "'%s': a port where there is none", element);
        ck_assert_int_eq(el.tls, ok_cases[_i].tls);
        ck_assert_int_eq(el.bracketed, ok_cases[_i].bracketed);

        ck_assert_int_eq(listen_element_host(element, &host), 0);
        ck_assert_str_eq(host, ok_cases[_i].host);
}
END_TEST

static const char *const bad_cases[] = {
        "",
        "1.2.3.4:99999",
        "1.2.3.4:65536",
        "1.2.3.4:-1",
        "1.2.3.4:+1",
        "1.2.3.4:port",
        "1.2.3.4:",
        "1.2.3.4:123456",
        "[::1",
        "[::1]:99999",
        "[::1]:1:2",
        "[]:11211",
        "[]",
        ":11211",
        /* a prefix word that ends the element: memcached reads past it */
        "notls",
        "btls",
        "mtls",
        "notls:",
        "proto[ascii]",
        "proto[ascii",
        "tag[web]",
        "tag[]:127.0.0.1",
        "tag[123456789]:127.0.0.1",
        "tag_web:127.0.0.1",
        "tag_",
        /* separators belong to the list, not an element */
        "127.0.0.1,10.0.0.1",
        "127.0.0.1;10.0.0.1",
};

START_TEST(test_parse_bad) {
        const char *element = bad_cases[_i];
        ListenElement el = { .host_len = 77 };
        char *host = NULL;
        int r = listen_element_parse(element, &el);

        ck_assert_msg(r == -EINVAL, "'%s': got %d, want -EINVAL", element, r);
        ck_assert_msg(el.host_len == 77, "'%s': ret written on failure", element);
        ck_assert_int_eq(listen_element_host(element, &host), -EINVAL);
        ck_assert_msg(host == NULL, "'%s': ret_host written on failure ('%s')", element, host);
}
END_TEST

static const struct {
        const char *value;
        const char *elements[4];
} split_cases[] = {
        { "127.0.0.1", { "127.0.0.1" } },
        { "127.0.0.1,::1", { "127.0.0.1", "::1" } },
        { "127.0.0.1;10.0.0.1", { "127.0.0.1", "10.0.0.1" } },
        { ",,127.0.0.1,;,::1;", { "127.0.0.1", "::1" } },
        { "10.0.0.5,btls:10.0.0.5:11212", { "10.0.0.5", "btls:10.0.0.5:11212" } },
        { "", { NULL } },
        { ",;", { NULL } },
};

START_TEST(test_split) {
        ListenList l = {};
        size_t n = 0;

        ck_assert_int_eq(listen_split(split_cases[_i].value, &l), 0);
        while (n < ELEMENTSOF(split_cases[_i].elements) && split_cases[_i].elements[n])
                n++;
        ck_assert_msg(l.n == n, "'%s': %zu elements, want %zu", split_cases[_i].value, l.n, n);
        for (size_t i = 0; i < n; i++)
                ck_assert_str_eq(l.elements[i], split_cases[_i].elements[i]);
        listen_list_done(&l);
        ck_assert_uint_eq(l.n, 0);
}
END_TEST

/* memcached's 'l' case: a value that is a substring of the list so far is
 * ignored, both ways round. */
static const struct {
        const char *values[4];
        bool taken[4];
} taken_cases[] = {
        { { "127.0.0.1" }, { true } },
        { { "127.0.0.2", "27.0.0.2" }, { true, false } },           /* a dangerous value ignored */
        { { "27.0.0.2", "127.0.0.2" }, { true, true } },
        { { "0.0.0.0", "0.0.0" }, { true, false } },                  /* a safe-looking one ignored */
        { { "127.0.0.1,5.6.7.8", "5.6.7.8" }, { true, false } },
        { { "127.0.0.1", "0.0.0.0", "127.0.0.1,0.0.0.0" }, { true, true, false } },
        { { "0.0.0.0", "127.0.0.1,0.0.0.0" }, { true, true } },
        { { "127.0.0.1", "0.0.0.0", "1,0.0.0.0" }, { true, true, false } }, /* spans the ',' memcached joins with */
        { { "127.0.0.1", "127.0.0.1" }, { true, false } },
        { { "", "x" }, { true, true } },
        { { "x", "" }, { true, false } },
};

START_TEST(test_taken) {
        const char *values[4];
        bool taken[4] = {};
        size_t n = 0;

        while (n < 4 && taken_cases[_i].values[n])
                values[n] = taken_cases[_i].values[n], n++;
        ck_assert_int_eq(listen_taken(values, n, taken), 0);
        for (size_t i = 0; i < n; i++)
                ck_assert_msg(taken[i] == taken_cases[_i].taken[i], "case %d: value %zu '%s' taken=%d", _i, i,
                              values[i], taken[i]);
        ck_assert_int_eq(listen_taken(NULL, 0, NULL), 0);
}
END_TEST

static Suite *listen_suite(void) {
        Suite *s = suite_create("listen");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, test_parse_ok, 0, ELEMENTSOF(ok_cases));
        tcase_add_loop_test(tc, test_parse_bad, 0, ELEMENTSOF(bad_cases));
        tcase_add_loop_test(tc, test_split, 0, ELEMENTSOF(split_cases));
        tcase_add_loop_test(tc, test_taken, 0, ELEMENTSOF(taken_cases));
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(listen_suite)
