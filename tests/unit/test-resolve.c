/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for resolve.c: host names of -l listeners looked up in a temp
 * root's etc/hosts (comments, aliases, IPv6, hostile lines, a missing or
 * unreadable file), numbers in IPv4 form, and the live system's resolver on
 * names that need no network (no test here asks DNS). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "resolve.h"
#include "tmpdir.h"

TMPDIR_FIXTURE(dir)

#define ARG(l, v) { .letter = (l), .value = (char *) (v), .line = __LINE__, .effective = true }

static void setup(void) {
        char etc[PATH_MAX + 16];

        tmp_make();
        snprintf(etc, sizeof etc, "%s/etc", dir);
        ck_assert_int_eq(mkdir(etc, 0755), 0);
}

static void teardown(void) {
        tmp_remove();
}

static void write_hosts(const char *text, size_t size) {
        char path[PATH_MAX + 16];
        _cleanup_close_ int fd = -1;

        snprintf(path, sizeof path, "%s/etc/hosts", dir);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, text, size), (ssize_t) size);
}

/* NAME resolves in the table to exactly the addresses in the
 * NULL-terminated WANT (none: it does not resolve). */
static void expect(HostTable *t, const char *name, const char *const *want) {
        const HostEntry *e;
        size_t n = 0;

        ck_assert_int_eq(host_table_resolve(t, name), 0);
        e = host_table_find(t, name);
        ck_assert_msg(e, "'%s' not in the table", name);
        while (want && want[n])
                n++;
        ck_assert_msg(e->n_addresses == n, "'%s': %zu addresses, want %zu", name, e->n_addresses, n);
        for (size_t i = 0; i < n; i++)
                ck_assert_str_eq(e->addresses[i], want[i]);
        ck_assert_ptr_null(e->addresses ? e->addresses[n] : NULL);
        ck_assert((e->why != NULL) == (n == 0));
}

static const char hosts[] =
        "# /etc/hosts of an RDO controller\n"
        "127.0.0.1   localhost localhost.localdomain\n"
        "::1         localhost ip6-localhost\n"
        "\n"
        "192.168.24.3\tcontroller controller.ctlplane.example.com  # the control plane\n"
        "fd00:24::3  controller\n"
        "192.168.24.3 controller\n"                      /* again: listed once */
        "203.0.113.5 Public-Cache pub\n"
        "#10.9.9.9 commented\n"
        "   10.0.0.7 \t indented\r\n"
        "10.1.1.1#glued comment\n"
        "10.2.2.2 before#after\n"
        "not-an-address bogus\n"
        "999.1.1.1 bogus\n"
        "10.3.3.3\n"
        "fe80::1%eth0 zoned\n"
        "\x01\x02\xff\xfe 10.4.4.4 \x80weird\n"
        "10.5.5.5 \x80weird\n"
        "127.1 short\n";

START_TEST(test_hosts_file) {
        _cleanup_(host_table_done) HostTable t = {};

        write_hosts(hosts, sizeof hosts - 1);
        ck_assert_int_eq(host_table_init(&t, dir), 0);
        expect(&t, "controller", (const char *[]) { "192.168.24.3", "fd00:24::3", NULL });
        expect(&t, "controller.ctlplane.example.com", (const char *[]) { "192.168.24.3", NULL });
        expect(&t, "public-cache", (const char *[]) { "203.0.113.5", NULL });  /* case-insensitive */
        expect(&t, "pub", (const char *[]) { "203.0.113.5", NULL });           /* an alias */
        expect(&t, "indented", (const char *[]) { "10.0.0.7", NULL });
        expect(&t, "before", (const char *[]) { "10.2.2.2", NULL });
        expect(&t, "short", (const char *[]) { "127.0.0.1", NULL });
        expect(&t, "\x80weird", (const char *[]) { "10.5.5.5", NULL });
        expect(&t, "commented", NULL);
        expect(&t, "glued", NULL);
        expect(&t, "after", NULL);
        expect(&t, "bogus", NULL);
        expect(&t, "zoned", NULL);
        expect(&t, "nowhere", NULL);
        ck_assert_ptr_nonnull(strstr(host_table_find(&t, "nowhere")->why, "/etc/hosts"));
        /* Numbers in IPv4 form, read as getaddrinfo() reads them. */
        expect(&t, "0", (const char *[]) { "0.0.0.0", NULL });
        expect(&t, "127.1", (const char *[]) { "127.0.0.1", NULL });
}
END_TEST

START_TEST(test_hosts_missing) {
        _cleanup_(host_table_done) HostTable t = {};
        const HostEntry *e;

        ck_assert_int_eq(host_table_init(&t, dir), 0);
        expect(&t, "controller", NULL);
        e = host_table_find(&t, "controller");
        ck_assert_msg(strstr(e->why, "no ") && strstr(e->why, "/etc/hosts"), "why: '%s'", e->why);
}
END_TEST

START_TEST(test_hosts_unreadable) {
        static const char nul[] = "10.0.0.1 controller\n\0" "10.0.0.2 other\n";
        char path[PATH_MAX + 16];
        _cleanup_(host_table_done) HostTable t = {}, d = {};

        /* A NUL byte: read_file refuses it, so nothing resolves. */
        write_hosts(nul, sizeof nul - 1);
        ck_assert_int_eq(host_table_init(&t, dir), 0);
        expect(&t, "controller", NULL);
        ck_assert_ptr_nonnull(strstr(host_table_find(&t, "controller")->why, "cannot be read"));

        /* A directory resolves nothing either. */
        snprintf(path, sizeof path, "%s/etc/hosts", dir);
        ck_assert_int_eq(unlink(path), 0);
        ck_assert_int_eq(mkdir(path, 0755), 0);
        ck_assert_int_eq(host_table_init(&d, dir), 0);
        expect(&d, "controller", NULL);
}
END_TEST

/* Over the size cap: refused unread, not parsed. */
START_TEST(test_hosts_too_big) {
        _cleanup_(host_table_done) HostTable t = {};
        size_t size = 1024 * 1024 + 1;
        _cleanup_free_ char *big = malloc(size);

        ck_assert_ptr_nonnull(big);
        memset(big, 'x', size);
        memcpy(big, "10.0.0.1 controller\n", 20);
        write_hosts(big, size);
        ck_assert_int_eq(host_table_init(&t, dir), 0);
        expect(&t, "controller", NULL);
}
END_TEST

/* One long line without a newline and many names: bounded by the file. */
START_TEST(test_hosts_long_line) {
        _cleanup_(host_table_done) HostTable t = {};
        size_t size = 512 * 1024;
        _cleanup_free_ char *text = malloc(size + 1);

        ck_assert_ptr_nonnull(text);
        memcpy(text, "10.0.0.1", 8);
        for (size_t i = 8; i < size; i += 2)
                memcpy(text + i, " a", 2);
        memcpy(text + size - 11, " controller", 11);
        text[size] = '\0';
        write_hosts(text, size);
        ck_assert_int_eq(host_table_init(&t, dir), 0);
        expect(&t, "controller", (const char *[]) { "10.0.0.1", NULL });
        expect(&t, "a", (const char *[]) { "10.0.0.1", NULL });
}
END_TEST

/* The names among the effective -l options, once each; addresses,
 * "localhost", "*" and ignored lines are not looked up. */
START_TEST(test_resolve_listen_names) {
        Arg args[] = {
                ARG('l', "127.0.0.1,::1,controller"),
                ARG('l', "btls:controller:11212;notls:[fd00::1]:11211,localhost,*"),
                ARG('U', "0"),
                ARG('l', "tag[x]:pub:1"),
                { .letter = 'l', .value = (char *) "ignored-line", .effective = false },
                ARG('l', "nowhere:99999"), /* a bad port: not a listener, not looked up */
        };
        _cleanup_(host_table_done) HostTable t = {};

        write_hosts(hosts, sizeof hosts - 1);
        ck_assert_int_eq(host_table_init(&t, dir), 0);
        ck_assert_int_eq(resolve_listen_names(&t, args, ELEMENTSOF(args)), 0);
        ck_assert_uint_eq(t.n_entries, 2);
        ck_assert_ptr_nonnull(host_table_find(&t, "CONTROLLER"));
        ck_assert_uint_eq(host_table_find(&t, "controller")->n_addresses, 2);
        ck_assert_ptr_nonnull(host_table_find(&t, "pub"));
        ck_assert_ptr_null(host_table_find(&t, "localhost"));
        ck_assert_ptr_null(host_table_find(&t, "ignored-line"));
        ck_assert_ptr_null(host_table_find(NULL, "controller"));
}
END_TEST

/* The live system: getaddrinfo(), here on names that need no network. */
START_TEST(test_live) {
        _cleanup_(host_table_done) HostTable t = {};

        ck_assert_int_eq(host_table_init(&t, "/"), 0);
        ck_assert_ptr_null(t.root);
        expect(&t, "127.1", (const char *[]) { "127.0.0.1", NULL });
        expect(&t, "0", (const char *[]) { "0.0.0.0", NULL });
}
END_TEST

START_TEST(test_put) {
        _cleanup_(host_table_done) HostTable t = {};

        ck_assert_int_eq(host_table_put(&t, "a", (const char *[]) { "10.0.0.1", "10.0.0.1", "::1" }, 3, NULL), 0);
        ck_assert_uint_eq(host_table_find(&t, "A")->n_addresses, 2);
        ck_assert_int_eq(host_table_put(&t, "b", NULL, 0, NULL), 0);
        ck_assert_str_eq(host_table_find(&t, "b")->why, "does not resolve");
        /* Resolving a name the table has changes nothing, under any root. */
        ck_assert_int_eq(host_table_resolve(&t, "a"), 0);
        ck_assert_uint_eq(t.n_entries, 2);
}
END_TEST

static Suite *resolve_suite(void) {
        Suite *s = suite_create("resolve");
        TCase *tc = tcase_create("core");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_hosts_file);
        tcase_add_test(tc, test_hosts_missing);
        tcase_add_test(tc, test_hosts_unreadable);
        tcase_add_test(tc, test_hosts_too_big);
        tcase_add_test(tc, test_hosts_long_line);
        tcase_add_test(tc, test_resolve_listen_names);
        tcase_add_test(tc, test_live);
        tcase_add_test(tc, test_put);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(resolve_suite)
