/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for profile.c: the static profiles and detection from a root's
 * os-release and release files. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "profile.h"
#include "store.h"
#include "tmpdir.h"

/* One directory per run (made and removed by the runner process, so even a
 * failed test leaves nothing behind), one subdirectory per test. */
TMPDIR_FIXTURE(root)

static void setup(void) {
        tmp_make();
}

static void teardown(void) {
        tmp_remove();
}

/* Writes TEXT to ROOT/REL, creating etc/ and usr/lib/ as needed. */
static void put(const char *rel, const char *text) {
        char path[PATH_MAX + 64];
        _cleanup_fclose_ FILE *f = NULL;

        snprintf(path, sizeof path, "%s/etc", root);
        (void) mkdir(path, 0755);
        snprintf(path, sizeof path, "%s/usr", root);
        (void) mkdir(path, 0755);
        snprintf(path, sizeof path, "%s/usr/lib", root);
        (void) mkdir(path, 0755);
        snprintf(path, sizeof path, "%s/%s", root, rel);
        f = fopen(path, "we");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_ge(fputs(text, f), 0);
}

/* Detects and returns the profile name, or NULL; *R gets the return value. */
static const char *detect(int *r, char **id) {
        const Profile *p = NULL;

        *id = NULL;
        *r = profile_detect(root, &p, id);
        if (*r < 0)
                return NULL;
        ck_assert_ptr_nonnull(p);
        return p->name;
}

static const struct {
        const char *os_release;
        const char *profile;
} os_release_cases[] = {
        { "ID=debian\n", "debian" },
        { "ID=ubuntu\n", "debian" },
        { "ID=ubuntu\nID_LIKE=debian\n", "debian" },
        { "ID=rocky\n", "rhel" },
        { "ID=\"almalinux\"\n", "rhel" },
        { "ID=fedora\n", "rhel" },
        { "ID=amzn\n", "rhel" },
        { "ID=ol\n", "rhel" },
        { "ID=rhel\n", "rhel" },
        { "ID=centos\n", "rhel" },
        { "ID=foo\nID_LIKE=\"rhel fedora\"\n", "rhel" },
        { "ID=foo\nID_LIKE=debian\n", "debian" },
        { "ID=foo\nID_LIKE=\"bar debian\"\n", "debian" },
        { "ID='debian'\n", "debian" },
        { "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\n", "rhel" },
        { "# a comment\n\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n", "debian" },
        { "ID=arch\nID=debian\n", "debian" },
        { "ID=debian\nID=rocky\n", "rhel" },
        { "ID=debian", "debian" }, /* no final newline */
        /* openSUSE and SLES, as they ship os-release */
        { "NAME=\"openSUSE Leap\"\nID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\n", "suse" },
        { "ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n", "suse" },
        { "NAME=\"SLES\"\nID=\"sles\"\nID_LIKE=\"suse\"\n", "suse" },
        { "ID=sled\n", "suse" },
        { "ID=foo\nID_LIKE=suse\n", "suse" },
        /* Arch and its derivatives: units only */
        { "NAME=\"Arch Linux\"\nID=arch\n", "arch" },
        { "NAME=\"Manjaro Linux\"\nID=manjaro\nID_LIKE=arch\n", "arch" },
        { "ID=endeavouros\nID_LIKE=arch\n", "arch" },
        { "ID=foo\nID_LIKE=arch\n", "arch" },
        /* Alpine and Gentoo, and what is like them */
        { "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n", "alpine" },
        { "ID=postmarketos\nID_LIKE=\"alpine\"\n", "alpine" },
        { "NAME=Gentoo\nID=gentoo\nPRETTY_NAME=\"Gentoo Linux\"\n", "gentoo" },
        { "ID=calculate\nID_LIKE=gentoo\n", "gentoo" },
};

START_TEST(test_os_release) {
        _cleanup_free_ char *id = NULL;
        const char *name;
        int r;

        put("etc/os-release", os_release_cases[_i].os_release);
        name = detect(&r, &id);
        ck_assert_msg(r == 0, "'%s': %d", os_release_cases[_i].os_release, r);
        ck_assert_msg(name && strcmp(name, os_release_cases[_i].profile) == 0, "'%s': got %s, want %s",
                      os_release_cases[_i].os_release, name, os_release_cases[_i].profile);
}
END_TEST

START_TEST(test_unsupported) {
        _cleanup_free_ char *id = NULL;
        int r;

        put("etc/os-release", "NAME=\"FreeBSD\"\nID=freebsd\n");
        ck_assert_ptr_null(detect(&r, &id));
        ck_assert_int_eq(r, -EPROTONOSUPPORT);
        ck_assert_ptr_nonnull(id);
        ck_assert_str_eq(id, "freebsd");
}
END_TEST

START_TEST(test_unsupported_quoted) {
        _cleanup_free_ char *id = NULL;
        int r;

        put("etc/os-release", "ID=\"freebsd\"\nID_LIKE=\"bsd unix\"\n");
        ck_assert_ptr_null(detect(&r, &id));
        ck_assert_int_eq(r, -EPROTONOSUPPORT);
        ck_assert_ptr_nonnull(id);
        ck_assert_str_eq(id, "freebsd");
}
END_TEST

START_TEST(test_nothing) {
        _cleanup_free_ char *id = NULL;
        int r;

        put("etc/hostname", "box\n");
        ck_assert_ptr_null(detect(&r, &id));
        ck_assert_int_eq(r, -EPROTONOSUPPORT);
        ck_assert_ptr_null(id);
}
END_TEST

START_TEST(test_usr_lib_fallback) {
        _cleanup_free_ char *id = NULL;
        const char *name;
        int r;

        put("usr/lib/os-release", "ID=rocky\n");
        name = detect(&r, &id);
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(name, "rhel");
}
END_TEST

START_TEST(test_absolute_symlink_stays_in_root) {
        /* An image's /etc/os-release -> /usr/lib/os-release means the image's
         * file, never the host's. */
        _cleanup_free_ char *id = NULL;
        char link[PATH_MAX + 64];
        const char *name;
        int r;

        put("usr/lib/os-release", "ID=freebsd\n");
        snprintf(link, sizeof link, "%s/etc/os-release", root);
        ck_assert_int_eq(symlink("/usr/lib/os-release", link), 0);
        name = detect(&r, &id);
        ck_assert_msg(r == -EPROTONOSUPPORT, "detected '%s' (ID '%s'), from outside the root", name, id);
        ck_assert_ptr_nonnull(id);
        ck_assert_str_eq(id, "freebsd");
}
END_TEST

START_TEST(test_relative_symlink) {
        _cleanup_free_ char *id = NULL;
        char link[PATH_MAX + 64];
        const char *name;
        int r;

        put("usr/lib/os-release", "ID=rocky\n");
        snprintf(link, sizeof link, "%s/etc/os-release", root);
        ck_assert_int_eq(symlink("../usr/lib/os-release", link), 0);
        name = detect(&r, &id);
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(name, "rhel");
}
END_TEST

START_TEST(test_etc_wins_over_usr_lib) {
        _cleanup_free_ char *id = NULL;
        const char *name;
        int r;

        put("usr/lib/os-release", "ID=rocky\n");
        put("etc/os-release", "ID=debian\n");
        name = detect(&r, &id);
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(name, "debian");
}
END_TEST

START_TEST(test_debian_version_fallback) {
        _cleanup_free_ char *id = NULL;
        const char *name;
        int r;

        put("etc/debian_version", "12.5\n");
        name = detect(&r, &id);
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(name, "debian");
}
END_TEST

START_TEST(test_redhat_release_fallback) {
        _cleanup_free_ char *id = NULL;
        const char *name;
        int r;

        put("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n");
        name = detect(&r, &id);
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(name, "rhel");
}
END_TEST

START_TEST(test_alpine_release_fallback) {
        _cleanup_free_ char *id = NULL;
        const char *name;
        int r;

        put("etc/alpine-release", "3.20.3\n");
        name = detect(&r, &id);
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(name, "alpine");
}
END_TEST

START_TEST(test_gentoo_release_fallback) {
        _cleanup_free_ char *id = NULL;
        const char *name;
        int r;

        put("etc/gentoo-release", "Gentoo Base System release 2.17\n");
        name = detect(&r, &id);
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(name, "gentoo");
}
END_TEST

/* OpenRC's profiles: the conf.d store, its instance files, its services. */
START_TEST(test_openrc_profiles) {
        const char *const names[] = { "alpine", "gentoo" };

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                const Profile *p = profile_by_name(names[i]);
                char *name = NULL;

                ck_assert_ptr_nonnull(p);
                ck_assert_ptr_eq(p->store, &store_confd);
                ck_assert_str_eq(p->config, "/etc/conf.d/memcached");
                ck_assert_str_eq(p->variable, "MISC_OPTS");
                ck_assert_ptr_nonnull(p->rc_command);
                ck_assert_str_eq(p->init_script, "/etc/init.d/memcached");
                ck_assert_int_eq(profile_instance_of(p, "memcached.a.b", &name), 0);
                ck_assert_str_eq(name, "a.b");
                free(name);
                ck_assert_int_eq(profile_instance_of(p, "memcached.", &name), -EINVAL);
                ck_assert_int_eq(profile_instance_of(p, "memcached", &name), -EINVAL);
                ck_assert(profile_owns(p, "/etc/conf.d/memcached"));
                ck_assert(profile_owns(p, "/etc/conf.d/memcached.a"));
                ck_assert(!profile_owns(p, "/etc/conf.d/memcachedx"));
                ck_assert(!profile_owns(p, "/etc/conf.d/sub/memcached.a"));
        }
        ck_assert_ptr_null(profile_by_name("alpine")->unit); /* Alpine ships no unit */
        ck_assert_str_eq(profile_by_name("gentoo")->unit, "memcached.service");
}
END_TEST

START_TEST(test_rc_service) {
        const Profile *alpine = profile_by_name("alpine"), *debian = profile_by_name("debian");
        char *unit = NULL;

        ck_assert_str_eq(alpine->rc_service, "memcached");
        ck_assert_ptr_null(debian->rc_service);
        ck_assert_int_eq(profile_unit_name(alpine, NULL, &unit), -EOPNOTSUPP);
        ck_assert_ptr_null(unit);
}
END_TEST

START_TEST(test_by_name) {
        const Profile *d = profile_by_name("debian"), *h = profile_by_name("rhel");

        ck_assert_ptr_nonnull(d);
        ck_assert_str_eq(d->name, "debian");
        ck_assert_ptr_eq(d->store, &store_conf);
        ck_assert_str_eq(d->config, "/etc/memcached.conf");
        ck_assert(d->skips_daemon_lines);
        ck_assert_ptr_nonnull(d->lens);

        ck_assert_ptr_nonnull(h);
        ck_assert_str_eq(h->name, "rhel");
        ck_assert_ptr_eq(h->store, &store_shellvar);
        ck_assert_str_eq(h->config, "/etc/sysconfig/memcached");
        ck_assert_str_eq(h->variable, "OPTIONS");
        ck_assert(!h->skips_daemon_lines);
        ck_assert_str_eq(h->unit, "memcached.service");

        ck_assert_ptr_null(profile_by_name("freebsd"));
        ck_assert_ptr_eq(profile_by_name("arch")->store, &store_unit);
        ck_assert_ptr_null(profile_by_name(""));
        ck_assert_ptr_null(profile_by_name("Debian"));
}
END_TEST

START_TEST(test_names) {
        const char *n = profile_names();

        ck_assert_ptr_nonnull(n);
        ck_assert_ptr_nonnull(strstr(n, "debian"));
        ck_assert_ptr_nonnull(strstr(n, "rhel"));
        for (const char *const *name = (const char *const[]) { "debian", "rhel", "suse", "alpine", "gentoo", NULL };
             *name; name++)
                ck_assert_msg(profile_by_name(*name) && strstr(n, *name), "%s", *name);
}
END_TEST

START_TEST(test_instance_of) {
        const Profile *debian = profile_by_name("debian"), *rhel = profile_by_name("rhel");
        char *name = NULL;

        ck_assert_int_eq(profile_instance_of(debian, "memcached_a.conf", &name), 0);
        ck_assert_str_eq(name, "a");
        free(name);
        ck_assert_int_eq(profile_instance_of(debian, "memcached_a.b.conf", &name), 0);
        ck_assert_str_eq(name, "a.b");
        free(name);
        name = NULL;
        /* Not instance configs: nothing is written to *ret */
        ck_assert_int_eq(profile_instance_of(debian, "memcached.conf", &name), -EINVAL);
        ck_assert_int_eq(profile_instance_of(debian, "memcached_.conf", &name), -EINVAL);
        ck_assert_int_eq(profile_instance_of(debian, "memcached_a.conf~", &name), -EINVAL);
        ck_assert_int_eq(profile_instance_of(debian, "xmemcached_a.conf", &name), -EINVAL);
        ck_assert_int_eq(profile_instance_of(rhel, "memcached_a.conf", &name), -EINVAL);
        ck_assert_ptr_null(name);
}
END_TEST

/* The unit of an instance comes from the template; without a template (or
 * an instance) it is the main unit. */
START_TEST(test_unit_name) {
        const Profile *debian = profile_by_name("debian"), *rhel = profile_by_name("rhel");
        char *u = NULL;

        ck_assert_int_eq(profile_unit_name(debian, "a.b", &u), 0);
        ck_assert_str_eq(u, "memcached@a.b.service");
        free(u);
        ck_assert_int_eq(profile_unit_name(debian, "%s", &u), 0);
        ck_assert_str_eq(u, "memcached@%s.service");
        free(u);
        ck_assert_int_eq(profile_unit_name(debian, NULL, &u), 0);
        ck_assert_str_eq(u, "memcached.service");
        free(u);
        ck_assert_int_eq(profile_unit_name(rhel, "a", &u), 0);
        ck_assert_str_eq(u, "memcached.service");
        free(u);
}
END_TEST

/* ROOT/REL: a directory (TEXT NULL, with its parents) or a link to TEXT
 * (LINK), or a file holding TEXT. */
static void make(const char *rel, const char *text, bool link) {
        char path[PATH_MAX + 64];

        snprintf(path, sizeof path, "%s/%s", root, rel);
        for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')); s++) {
                *s = '\0';
                (void) mkdir(path, 0755);
                *s = '/';
        }
        if (!text)
                ck_assert_int_eq(mkdir(path, 0755), 0);
        else if (link)
                ck_assert_int_eq(symlink(text, path), 0);
        else {
                _cleanup_fclose_ FILE *f = fopen(path, "we");
                ck_assert_ptr_nonnull(f);
                ck_assert_int_ge(fputs(text, f), 0);
        }
}

/* memcached is installed when the profile's config file is there in any
 * form that is not a plain absence, or its binary is, links followed
 * inside the root. */
START_TEST(test_memcached_installed) {
        const Profile *debian = profile_by_name("debian"), *arch = profile_by_name("arch");

        ck_assert_int_eq(profile_memcached_installed(debian, root), 0);
        ck_assert_int_eq(profile_memcached_installed(arch, root), 0);
        make("etc/os-release", "ID=debian\n", false);
        ck_assert_int_eq(profile_memcached_installed(debian, root), 0);

        make("etc/memcached.conf", "/nowhere/memcached.conf", true); /* dangling: no absence */
        ck_assert_int_eq(profile_memcached_installed(debian, root), 1);
        ck_assert_int_eq(profile_memcached_installed(arch, root), 0); /* arch has no config file */
        {
                char conf[PATH_MAX + 64];
                snprintf(conf, sizeof conf, "%s/etc/memcached.conf", root);
                ck_assert_int_eq(unlink(conf), 0);
        }
        make("etc/memcached.conf", NULL, false); /* a directory in its place is no absence */
        ck_assert_int_eq(profile_memcached_installed(debian, root), 1);

        /* The binary, through the image's own /usr merge link (absolute,
         * resolved inside the root). */
        make("usr/lib/memcached/memcached", "", false);
        make("usr/sbin", "/usr/lib/memcached", true);
        ck_assert_int_eq(profile_memcached_installed(arch, root), 1);
        ck_assert_int_eq(profile_memcached_installed(profile_by_name("rhel"), "/nonexistent-root"), -ENOENT);
}
END_TEST

/* A link on the way to the config, or one out of the root, is no absence;
 * a binary out of the root does not count. */
START_TEST(test_memcached_installed_links) {
        const Profile *rhel = profile_by_name("rhel");
        char out[PATH_MAX + 64];

        make("etc", NULL, false);
        ck_assert_int_eq(profile_memcached_installed(rhel, root), 0); /* no /etc/sysconfig at all */
        make("etc/sysconfig", "/nowhere", true);
        ck_assert_int_eq(profile_memcached_installed(rhel, root), 1);

        snprintf(out, sizeof out, "%s/outside", root);
        make("outside/bin/memcached", "", false);
        make("usr", out, true); /* absolute, so the image's own /tmp/..., which it lacks */
        ck_assert_int_eq(profile_memcached_installed(profile_by_name("arch"), root), 0);
}
END_TEST

static Suite *profile_suite(void) {
        Suite *s = suite_create("profile");
        TCase *tc = tcase_create("core");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_loop_test(tc, test_os_release, 0, ELEMENTSOF(os_release_cases));
        tcase_add_test(tc, test_unsupported);
        tcase_add_test(tc, test_unsupported_quoted);
        tcase_add_test(tc, test_nothing);
        tcase_add_test(tc, test_usr_lib_fallback);
        tcase_add_test(tc, test_etc_wins_over_usr_lib);
        tcase_add_test(tc, test_absolute_symlink_stays_in_root);
        tcase_add_test(tc, test_relative_symlink);
        tcase_add_test(tc, test_debian_version_fallback);
        tcase_add_test(tc, test_redhat_release_fallback);
        tcase_add_test(tc, test_alpine_release_fallback);
        tcase_add_test(tc, test_gentoo_release_fallback);
        tcase_add_test(tc, test_openrc_profiles);
        tcase_add_test(tc, test_rc_service);
        tcase_add_test(tc, test_by_name);
        tcase_add_test(tc, test_names);
        tcase_add_test(tc, test_instance_of);
        tcase_add_test(tc, test_unit_name);
        tcase_add_test(tc, test_memcached_installed);
        tcase_add_test(tc, test_memcached_installed_links);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(profile_suite)
