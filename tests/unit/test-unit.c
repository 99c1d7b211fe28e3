/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd units as the unit store reads them: the unit file syntax, words,
 * specifiers and expansion (unit_syntax.h); the command line of units found
 * in a root (unit_load.h, unit_exec.h); and the store's edits through
 * config.h (where each goes, what stays), on roots made per test. The
 * expectations are systemd's documented behaviour, written out by hand.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-main.h"
#include "config.h"
#include "policy.h"
#include "profile.h"
#include "rootfs.h"
#include "store.h"
#include "tmpdir.h"
#include "unit_exec.h"
#include "unit_load.h"
#include "unit_syntax.h"

TMPDIR_FIXTURE(root)

static void setup(void) {
        tmp_make();
}

static void teardown(void) {
        tmp_remove();
}

/* Writes TEXT at PATH inside the test's root, making directories. */
static void put(const char *path, const char *text) {
        char full[PATH_MAX * 2];

        snprintf(full, sizeof full, "%s%s", root, path);
        for (char *s = strchr(full + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = '\0';
                (void) mkdir(full, 0755);
                *s = '/';
        }
        FILE *f = fopen(full, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        ck_assert_int_eq(fclose(f), 0);
}

static void link_to(const char *target, const char *path) {
        char full[PATH_MAX * 2];

        put(path, "");
        snprintf(full, sizeof full, "%s%s", root, path);
        ck_assert_int_eq(unlink(full), 0);
        ck_assert_int_eq(symlink(target, full), 0);
}

START_TEST(parse_entries) {
        const char *text = "# c\n[Unit]\nExecStart=/not/service\n[Service]\n ; comment\n"
                           "ExecStart = /usr/bin/memcached \\\n# inside\n  -l 0.0.0.0 \\\n -U 0\n"
                           "Environment=\"A=1\"\n\n[Install]\nExecStart=/no\n";
        UnitEntry *v = NULL;
        size_t n = 0;

        ck_assert_int_eq(unit_parse(text, &v, &n, NULL), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(v[0].key, "ExecStart");
        /* The backslashes become blanks, the comment line inside is skipped. */
        ck_assert_str_eq(v[0].value, "/usr/bin/memcached    -l 0.0.0.0   -U 0");
        ck_assert_uint_eq(v[0].line, 6);
        /* Each byte of the value knows where it is in the text. */
        const char *l = strstr(v[0].value, "-l");
        ck_assert_int_eq(strncmp(text + v[0].map[l - v[0].value], "-l 0.0.0.0", 10), 0);
        ck_assert_str_eq(v[1].value, "\"A=1\"");
        unit_entries_free(v, n);

        unsigned line = 0;
        /* A line without '=' is passed over; a broken header fails the unit. */
        ck_assert_int_eq(unit_parse("[Service]\nnonsense\nExecStart=/a\n", &v, &n, &line), 0);
        ck_assert_uint_eq(n, 1);
        unit_entries_free(v, n);
        ck_assert_int_eq(unit_parse("[Service]\nExecStart=/a\n[Unit\n", &v, &n, &line), -EINVAL);
        ck_assert_uint_eq(line, 3);
}
END_TEST

START_TEST(split_words) {
        UnitWord *w = NULL;
        size_t n = 0;

        ck_assert_int_eq(unit_split("a \"b c\" 'd e'f \\x41\\t \"q\\\"\"", true, &w, &n), 0);
        ck_assert_uint_eq(n, 5);
        ck_assert_str_eq(w[0].word, "a");
        ck_assert_str_eq(w[1].word, "b c");
        ck_assert_str_eq(w[2].word, "d ef");
        ck_assert_str_eq(w[3].word, "A\t");
        ck_assert_str_eq(w[4].word, "q\"");
        ck_assert_uint_eq(w[1].start, 2);
        ck_assert_uint_eq(w[1].end, 7);
        unit_words_free(w, n);
        /* A variable's value on the command line: no C escapes. */
        ck_assert_int_eq(unit_split("-l\\x 'a b'", false, &w, &n), 0);
        ck_assert_str_eq(w[0].word, "-lx");
        ck_assert_str_eq(w[1].word, "a b");
        unit_words_free(w, n);
        ck_assert_int_eq(unit_split("\"open", true, &w, &n), -EINVAL);
        ck_assert_int_eq(unit_split("kept\\q", true, &w, &n), 0); /* as systemd keeps it */
        ck_assert_str_eq(w[0].word, "kept\\q");
        unit_words_free(w, n);
}
END_TEST

START_TEST(specifiers) {
        UnitNames u = { "memcached@a\\x2db.service", "memcached", "a\\x2db" };
        char *s = NULL, spec = 0;

        ck_assert_int_eq(unit_specifiers("%n %N %p %i %I 100%%", &u, &s, NULL), 0);
        ck_assert_str_eq(s, "memcached@a\\x2db.service memcached@a\\x2db memcached a\\x2db a-b 100%");
        free(s);
        ck_assert_int_eq(unit_specifiers("%H", &u, &s, &spec), -EOPNOTSUPP);
        ck_assert_int_eq(spec, 'H');
}
END_TEST

START_TEST(expand) {
        UnitVar env[] = { { "A", "1 2" }, { "E", "" }, { "A", "x y" } };
        char *s = NULL, buf[16];

        ck_assert_int_eq(unit_expand_word("${A}-${E:-d}-${A:+set}-${U}-$$-$A", env, 3, &s), 0);
        ck_assert_str_eq(s, "x y-d-set--$-$A"); /* $A inside a word stays: systemd expands only ${A} there */
        free(s);
        ck_assert_str_eq(unit_split_var("$OPTIONS", buf, sizeof buf), "OPTIONS");
        ck_assert_ptr_null(unit_split_var("${OPTIONS}", buf, sizeof buf));
        ck_assert_ptr_null(unit_split_var("-l$X", buf, sizeof buf));
        ck_assert_str_eq(unit_env_get(env, 3, "A"), "x y");
        ck_assert_int_eq(unit_quote("a b%$", true, &s), 0);
        ck_assert_str_eq(s, "\"a b%%$$\"");
        free(s);
}
END_TEST

/* The command line of unit NAME in the test's root, as words joined by '|'. */
static char *argv_of(const char *name) {
        Unit **v = NULL;
        size_t n = 0;
        UnitExec x = {};
        const char *why = NULL;
        char *out = NULL;
        size_t size = 0;
        FILE *f;

        int fd = -1;
        ck_assert_int_eq(root_open(root, &fd), 0);
        ck_assert_int_eq(units_discover(root, fd, &v, &n, NULL, NULL), 0);
        close(fd);
        f = open_memstream(&out, &size);
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i]->name, name) == 0) {
                        ck_assert_msg(unit_exec_build(v[i], NULL, NULL, 0, &x, &why) == 0, "%s", why);
                        for (size_t j = 0; j < x.argc; j++)
                                fprintf(f, "%s%s", j ? "|" : "", x.argv[j].word);
                        unit_exec_done(&x);
                }
        fclose(f);
        unit_list_free(v, n);
        return out;
}

#define DEBIAN_UNIT "[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n"
#define PUPPET_TEMPLATE                                                                                  \
        "[Service]\nEnvironment=CACHESIZE=64\nEnvironment=MAXCONN=1024\nEnvironment=\"LISTEN=-l 0.0.0.0\"\n" \
        "Environment=\"OPTIONS=-U 11211 -v\"\n"                                                              \
        "ExecStart=/usr/bin/memcached -p %i -m ${CACHESIZE} -c ${MAXCONN} $LISTEN $OPTIONS\n"

START_TEST(exec_lines) {
        char *s;

        put("/lib/systemd/system/memcached.service", DEBIAN_UNIT);
        put("/etc/systemd/system/memcached@.service", PUPPET_TEMPLATE);
        link_to("/etc/systemd/system/memcached@.service",
                "/etc/systemd/system/multi-user.target.wants/memcached@11211.service");
        /* A later drop-in name wins; the same name in /etc masks /lib's. */
        put("/lib/systemd/system/memcached@11211.service.d/60-x.conf", "[Service]\nEnvironment=LISTEN=\n");
        put("/etc/systemd/system/memcached@11211.service.d/60-x.conf", "[Service]\nEnvironment=\"LISTEN=-l 10.0.0.5\"\n");
        put("/etc/systemd/system/memcached_other.service", "[Service]\nExecStart=/usr/bin/memcached -U 0\n"
                                                           "ExecStart=\nExecStart=@/usr/bin/memcached mc -l ::1\n");
        link_to("/dev/null", "/etc/systemd/system/memcached_masked.service");

        s = argv_of("memcached.service");
        ck_assert_str_eq(s, "/usr/share/memcached/scripts/systemd-memcached-wrapper|/etc/memcached.conf");
        free(s);
        s = argv_of("memcached@11211.service");
        ck_assert_str_eq(s, "/usr/bin/memcached|-p|11211|-m|64|-c|1024|-l|10.0.0.5|-U|11211|-v");
        free(s);
        s = argv_of("memcached_other.service");
        ck_assert_str_eq(s, "/usr/bin/memcached|-l|::1"); /* reset, then '@': argv[0] "mc" is no option */
        free(s);
        s = argv_of("memcached_masked.service");
        ck_assert_str_eq(s, "");
        free(s);
}
END_TEST

/* Runs the policy on every unit file of ROOT (profile NAME) and returns the
 * new text of the one at PATH, or NULL when the store adds no such file;
 * *RET_N_UNIT counts the unit store's files. */
static char *harden(const char *name, const char *path, size_t *ret_n_unit) {
        Config *c = NULL;
        ErrorInfo e = {};
        char *text = NULL;
        int r;

        r = config_open(profile_by_name(name), root, &c, &e);
        ck_assert_msg(r >= 0, "load: %s", e.detail);
        *ret_n_unit = 0;
        for (size_t i = 0; i < c->n_files; i++) {
                ConfigFile *f = &c->files[i];
                PolicyResult p = {};
                Arg *args = NULL;
                size_t n = 0;

                if (f->store != &store_unit)
                        continue;
                (*ret_n_unit)++;
                if (strcmp(f->path, path) != 0)
                        continue;
                ck_assert_int_eq(policy_evaluate(f->args, f->n_args, NULL, NULL, &p), 0);
                r = config_change(c, f, p.edits, p.n_edits, &text, &e);
                ck_assert_msg(r >= 0, "change: %s", e.detail);
                /* Read back with the unit's other files as they are: nothing more to do. */
                ck_assert_int_eq(config_reparse(c, f, text, &args, &n, &e), 0);
                PolicyResult again = {};
                ck_assert_int_eq(policy_evaluate(args, n, NULL, NULL, &again), 0);
                ck_assert_uint_eq(again.n_edits, 0);
                policy_result_done(&again);
                args_free(args, n);
                policy_result_done(&p);
        }
        config_free(c);
        return text;
}

#define DEBIAN_ROOT() do { put("/etc/os-release", "ID=debian\n"); put("/etc/memcached.conf", "-l 127.0.0.1\n-U 0\n"); } while (0)

START_TEST(chained) {
        size_t n;

        DEBIAN_ROOT();
        put("/lib/systemd/system/memcached.service", DEBIAN_UNIT);
        ck_assert_ptr_null(harden("debian", "/lib/systemd/system/memcached.service", &n));
        ck_assert_uint_eq(n, 0); /* the wrapper reads /etc/memcached.conf: its store judges it */
        /* openSUSE: $MEMCACHED_PARAMS from the sysconfig file is that store's. */
        put("/etc/sysconfig/memcached", "MEMCACHED_PARAMS=\"-l 0.0.0.0\"\nMEMCACHED_USER=memcached\n");
        put("/usr/lib/systemd/system/memcached.service", "[Service]\nEnvironmentFile=-/etc/sysconfig/memcached\n"
                                                         "ExecStart=/usr/sbin/memcached -u $MEMCACHED_USER $MEMCACHED_PARAMS\n");
        unlink(strcat(strcpy((char[PATH_MAX]) {}, root), "/lib/systemd/system/memcached.service"));
        ck_assert_ptr_null(harden("suse", "/etc/systemd/system/memcached.service.d/50-memharden.conf", &n));
        ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(dropin_environment) {
        size_t n;
        char *t;

        DEBIAN_ROOT();
        put("/etc/systemd/system/memcached@.service", PUPPET_TEMPLATE);
        link_to("/etc/systemd/system/memcached@.service",
                "/etc/systemd/system/multi-user.target.wants/memcached@11211.service");
        t = harden("debian", "/etc/systemd/system/memcached@11211.service.d/50-memharden.conf", &n);
        ck_assert_ptr_nonnull(t);
        /* The template is shared by every instance: a drop-in for this one. */
        ck_assert_ptr_nonnull(strstr(t, "[Service]\nEnvironment=\"LISTEN=-l 127.0.0.1\"\nEnvironment=\"OPTIONS=-U 0 -v\"\n"));
        free(t);
        /* A drop-in of that name for the template is not this instance's own. */
        put("/etc/systemd/system/memcached@.service.d/50-memharden.conf", "[Service]\nNice=1\n");
        t = harden("debian", "/etc/systemd/system/memcached@11211.service.d/50-memharden.conf", &n);
        ck_assert_ptr_nonnull(t);
        free(t);
}
END_TEST

START_TEST(in_place) {
        size_t n;
        char *t;

        DEBIAN_ROOT();
        put("/etc/systemd/system/memcached_sessions.service",
            "[Service]\nExecStart=/usr/bin/memcached \\\n  -m 64 \\\n  -U 11211 \\\n  -l 0.0.0.0 \\\n  -c 1024\n");
        t = harden("debian", "/etc/systemd/system/memcached_sessions.service", &n);
        ck_assert_str_eq(t, "[Service]\nExecStart=/usr/bin/memcached \\\n  -m 64 \\\n  -U 0 \\\n  -l 127.0.0.1 \\\n  -c 1024\n");
        free(t);
        /* An admin drop-in that replaces Debian's ExecStart= is edited where it is. */
        put("/lib/systemd/system/memcached.service", DEBIAN_UNIT);
        put("/etc/systemd/system/memcached.service.d/override.conf",
            "[Service]\nExecStart=\nExecStart=/usr/bin/memcached -p 11213 -l 0.0.0.0 -U 11213 # not a comment\n");
        t = harden("debian", "/etc/systemd/system/memcached.service.d/override.conf", &n);
        ck_assert_str_eq(t, "[Service]\nExecStart=\nExecStart=/usr/bin/memcached -p 11213 -l 127.0.0.1 -U 0 # not a comment\n");
        free(t);
}
END_TEST

START_TEST(dropin_exec_start) {
        size_t n;
        char *t;

        put("/etc/os-release", "ID=arch\n");
        put("/usr/lib/systemd/system/memcached.service", "[Service]\nExecStart=/usr/bin/memcached -o modern\n");
        t = harden("arch", "/etc/systemd/system/memcached.service.d/50-memharden.conf", &n);
        ck_assert_ptr_nonnull(strstr(t, "[Service]\nExecStart=\nExecStart=/usr/bin/memcached -o modern -l 127.0.0.1 -U 0\n"));
        free(t);
        /* A variable from an EnvironmentFile= beats Environment=, and is inlined. */
        put("/etc/memcached.env", "OPTS=\"-U 11211\"\n");
        put("/usr/lib/systemd/system/memcached.service", "[Service]\nEnvironment=\"OPTS=-U 0\"\n"
                                                         "EnvironmentFile=/etc/memcached.env\nExecStart=/usr/bin/memcached -l ::1 $OPTS\n");
        t = harden("arch", "/etc/systemd/system/memcached.service.d/50-memharden.conf", &n);
        ck_assert_ptr_nonnull(strstr(t, "ExecStart=\nExecStart=/usr/bin/memcached -l ::1 -U 0\n"));
        free(t);
}
END_TEST

/* Gentoo ships a unit beside its OpenRC script: it counts where it is
 * enabled (or systemd runs the root), and is judged on its own command line,
 * which takes only MISC_OPTS from conf.d, never chained to the conf.d store. */
START_TEST(openrc_family_units) {
        size_t n;
        char *t;

        put("/etc/os-release", "ID=gentoo\n");
        put("/etc/conf.d/memcached", "MEMUSAGE=\"64\"\nMEMCACHED_RUNAS=\"memcached\"\nMAXCONN=\"1024\"\n"
                                     "LISTENON=\"127.0.0.1\"\nPORT=\"11211\"\nUDPPORT=\"0\"\nMISC_OPTS=\"\"\n");
        put("/usr/lib/systemd/system/memcached.service", "[Service]\nEnvironmentFile=/etc/conf.d/memcached\n"
                                                         "ExecStart=/usr/bin/memcached $MISC_OPTS\n");
        ck_assert_ptr_null(harden("gentoo", "/etc/systemd/system/memcached.service.d/50-memharden.conf", &n));
        ck_assert_uint_eq(n, 0);
        link_to("/usr/lib/systemd/system/memcached.service", "/etc/systemd/system/multi-user.target.wants/memcached.service");
        t = harden("gentoo", "/etc/systemd/system/memcached.service.d/50-memharden.conf", &n);
        ck_assert_uint_eq(n, 1);
        ck_assert_ptr_nonnull(strstr(t, "ExecStart=\nExecStart=/usr/bin/memcached $MISC_OPTS -l 127.0.0.1 -U 0\n"));
        free(t);
}
END_TEST

START_TEST(refusals) {
        Config *c = NULL;
        ErrorInfo e = {};

        put("/etc/os-release", "ID=arch\n");
        put("/usr/lib/systemd/system/memcached.service", "[Service]\nExecStart=/usr/bin/memcached -Q\n");
        ck_assert_int_eq(config_open(profile_by_name("arch"), root, &c, &e), -EINVAL);
        ck_assert_ptr_nonnull(strstr(e.detail, "'-Q'"));
        put("/usr/lib/systemd/system/memcached.service", "[Service]\nExecStart=/usr/bin/memcached -l %H\n");
        ck_assert_int_eq(config_open(profile_by_name("arch"), root, &c, &e), -EINVAL);
        put("/usr/lib/systemd/system/memcached.service", "[Service]\nExecStart=/usr/share/memcached/scripts/"
                                                         "systemd-memcached-wrapper /srv/mc.conf\n");
        ck_assert_int_eq(config_open(profile_by_name("arch"), root, &c, &e), -EINVAL);
        ck_assert_ptr_nonnull(strstr(e.detail, "/srv/mc.conf"));
        /* A unit that runs something else is no business of memharden's. */
        put("/usr/lib/systemd/system/memcached.service", "[Service]\nExecStart=/usr/bin/memcached -l ::1 -U 0\n");
        put("/usr/lib/systemd/system/exporter.service", "[Service]\nExecStart=/usr/bin/exporter --memcached 0.0.0.0\n");
        ck_assert_int_eq(config_open(profile_by_name("arch"), root, &c, &e), 0);
        ck_assert_uint_eq(c->n_files, 1);
        config_free(c);
}
END_TEST

static Suite *unit_suite(void) {
        Suite *s = suite_create("unit");
        TCase *tc = tcase_create("unit");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, parse_entries);
        tcase_add_test(tc, split_words);
        tcase_add_test(tc, specifiers);
        tcase_add_test(tc, expand);
        tcase_add_test(tc, exec_lines);
        tcase_add_test(tc, chained);
        tcase_add_test(tc, dropin_environment);
        tcase_add_test(tc, in_place);
        tcase_add_test(tc, dropin_exec_start);
        tcase_add_test(tc, openrc_family_units);
        tcase_add_test(tc, refusals);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(unit_suite)
