/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The conf.d store (store_confd.c) through the store interface: OpenRC's
 * /etc/conf.d/memcached and memcached.NAME loaded from a root, walked into
 * the options the flavor's start() hands memcached (an instance's reading
 * is the main file's, then its own twice), refused where the shell would
 * read something else, and edited: preview() is byte for byte render(),
 * and its text reads back needing no further edit.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-main.h"
#include "config.h"
#include "config_file.h"
#include "policy.h"
#include "profile.h"
#include "store.h"
#include "tmpdir.h"

TMPDIR_FIXTURE(root)

static void setup(void) {
        tmp_make();
}

static void teardown(void) {
        tmp_remove();
}

/* The variables the flavors' start() needs, as both ship them. */
#define SHIPPED "MEMUSAGE=\"64\"\nMEMCACHED_RUNAS=\"memcached\"\nMAXCONN=\"1024\"\nPORT=\"11211\"\n"

/* A Config of profile NAME holding MAIN and, unless NULL, instance "a"
 * with INSTANCE, walked. */
static Config *config_of(const char *name, const char *main_text, const char *instance, ErrorInfo *e, int *ret_r) {
        const Profile *p = profile_by_name(name);
        Config *c = NULL;
        int r;

        ck_assert_ptr_nonnull(p);
        ck_assert_int_eq(config_new(p, NULL, &c, e), 0);
        r = config_add_text(c, p->config, NULL, main_text, strlen(main_text), e);
        if (r >= 0 && instance)
                r = config_add_text(c, "/etc/conf.d/memcached.a", "a", instance, strlen(instance), e);
        if (r >= 0)
                r = config_walk(c, e);
        *ret_r = r;
        return c;
}

static Config *config_ok(const char *name, const char *main_text, const char *instance) {
        ErrorInfo e = {};
        int r;
        Config *c = config_of(name, main_text, instance, &e, &r);

        ck_assert_msg(r >= 0, "%s does not load: %s (line %u)", main_text, e.detail, e.line);
        return c;
}

/* "letter=value@line" of F's options but the script's own -d and -P. */
static void expect_args(const ConfigFile *f, const char *want) {
        char got[512] = "";

        for (size_t i = 0; i < f->n_args; i++) {
                size_t n = strlen(got);
                if (f->args[i].letter == 'd' || f->args[i].letter == 'P')
                        continue;
                snprintf(got + n, sizeof got - n, "%s%c%s%s@%u", n ? " " : "", f->args[i].letter ?: '_',
                         f->args[i].value ? "=" : "", f->args[i].value ?: "", f->args[i].line);
        }
        ck_assert_str_eq(got, want);
}

START_TEST(test_walk) {
        _cleanup_(config_freep) Config *c =
                config_ok("alpine", "# memcached\n" SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"${PORT}\"\n"
                                    "MISC_OPTS=\"-t 4\"\n", NULL);

        expect_args(&c->files[0], "p=11211@5 U=11211@7 l=127.0.0.1@6 m=64@2 c=1024@4 u=memcached@3 t=4@8");
        /* The lines an added option would go to: LISTENON, UDPPORT, MISC_OPTS */
        ck_assert_uint_eq(c->files[0].state.n_append_lines, 3);
}
END_TEST

/* An instance: the main file's variables on no line of its own, its own
 * assignments sourced twice, a reference expanded when it runs. */
START_TEST(test_walk_instance) {
        _cleanup_(config_freep) Config *c =
                config_ok("alpine", SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"${PORT}\"\nMISC_OPTS=\"-U 11211\"\n",
                          "PORT=\"11212\"\nMISC_OPTS=\"${MISC_OPTS} -v\"\n");

        ck_assert_uint_eq(c->n_files, 2);
        expect_args(&c->files[1], "p=11212@1 U=11211@0 l=127.0.0.1@0 m=64@0 c=1024@0 u=memcached@0 "
                                  "U=11211@2 v@2 v@2");
        ck_assert_uint_eq(c->files[1].state.n_append_lines, 1); /* MISC_OPTS */
        ck_assert_uint_eq(c->files[1].state.append_lines[0], 2);
}
END_TEST

START_TEST(test_walk_gentoo_socket) {
        _cleanup_(config_freep) Config *c =
                config_ok("gentoo", SHIPPED "LISTENON=\"\"\nUDPPORT=\"${PORT}\"\nSOCKET=\"/run/m.sock\"\n", NULL);

        expect_args(&c->files[0], "s=/run/m.sock@7 m=64@1 c=1024@3 u=memcached@2");
}
END_TEST

/* What the shell would read otherwise than memharden can: refused, on
 * the line at fault, in the file at fault. */
static const struct {
        const char *main_text, *instance, *detail, *subject;
        unsigned line;
} bad_cases[] = {
        { "PORT=\"1\"\nLISTENON=\"$(hostname -i)\"\n", NULL, "command substitution '$(hostname -i)'", NULL, 2 },
        { "UDPPORT=$PORT\n", NULL, "variable expansion '$PORT' outside double quotes", NULL, 1 },
        { "IFS=\",\"\n", NULL, "IFS changes where the init script's shell splits memcached's options", NULL, 1 },
        { SHIPPED "UDPPORT=\"0\"\n", "SVCNAME=\"memcached.b\"\n", "SVCNAME changes which file the init script sources",
          "/etc/conf.d/memcached.a", 1 },
        { SHIPPED "PIDBASE=\"/run/${RC_SVCNAME}\"\n", NULL, "'$RC_SVCNAME' is set by openrc-run", NULL, 5 },
        { SHIPPED "UDPPORT=\"0\"\nLISTENON=\"127.0.0.*\"\n", NULL, "'127.0.0.*' in LISTENON is a file name pattern",
          NULL, 6 },
        /* In the main file, told as the main file's even for the instance */
        { SHIPPED "UDPPORT=\"\"\n", "PORT=\"1\"\n", "'-U' needs a value, but '-m' follows it", NULL, 5 },
        { SHIPPED "UDPPORT=\"0\"\n", "MISC_OPTS=\"-Q\"\n", "unknown option '-Q'", "/etc/conf.d/memcached.a", 1 },
};

START_TEST(test_walk_refuses) {
        ErrorInfo e = {};
        int r;
        _cleanup_(config_freep) Config *c =
                config_of("alpine", bad_cases[_i].main_text, bad_cases[_i].instance, &e, &r);

        ck_assert_int_eq(r, -EINVAL);
        ck_assert_msg(strncmp(e.detail, bad_cases[_i].detail, strlen(bad_cases[_i].detail)) == 0, "got '%s'",
                      e.detail);
        ck_assert_str_eq(e.subject, bad_cases[_i].subject ?: "/etc/conf.d/memcached");
        ck_assert_uint_eq(e.line, bad_cases[_i].line);
        ck_assert_ptr_null(strstr(e.hint, "systemd"));
}
END_TEST

/* ---- edit: preview == render ---- */

static const struct {
        const char *profile, *main_text, *instance, *listen;
        const char *expect; /* the edited file's hardened text, where the case pins it */
} edit_cases[] = {
        /* The shipped shapes: a reference and an empty value become values */
        { "alpine", "# c\n" SHIPPED "LISTENON=\"127.0.0.1\"\n\nUDPPORT=\"${PORT}\"  # UDP\nMISC_OPTS=\"\"\n", NULL, NULL,
          "# c\n" SHIPPED "LISTENON=\"127.0.0.1\"\n\nUDPPORT=\"0\"  # UDP\nMISC_OPTS=\"\"\n" },
        { "gentoo", SHIPPED "LISTENON=\"\"\nUDPPORT=\"${PORT}\"\n#SOCKET=\"/run/m.sock\"\nMISC_OPTS=\"\"\n", NULL, NULL,
          SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"0\"\n#SOCKET=\"/run/m.sock\"\nMISC_OPTS=\"\"\n" },
        /* Values of one class: spliced between the quotes */
        { "alpine", SHIPPED "  export LISTENON=\"0.0.0.0,10.0.0.1\" # x\nUDPPORT=\"0\"\n", NULL, NULL,
          SHIPPED "  export LISTENON=\"10.0.0.1\" # x\nUDPPORT=\"0\"\n" },
        { "alpine", SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"0\"\nMISC_OPTS=\"-v  -U 5 -t 4\"\n", NULL, NULL,
          SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"0\"\nMISC_OPTS=\"-v -t 4\"\n" },
        /* Another class, where the line is more than NAME="OLD": the lens's put */
        { "alpine", SHIPPED "LISTENON=\"127.0.0.1\"\n  UDPPORT=\"${PORT}\"  \n", NULL, NULL,
          SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"0\"\n" },
        { "alpine", SHIPPED "LISTENON=\"127.0.0.1\"\nexport UDPPORT=\"${PORT}\" # on\n", NULL, NULL,
          SHIPPED "LISTENON=\"127.0.0.1\"\nexport UDPPORT=\"0\" # on\n" },
        { "alpine", SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"0\"\nMISC_OPTS=\"${X}-U 5\"\n", NULL, NULL,
          SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"0\"\nMISC_OPTS=\"\"\n" },
        { "alpine", SHIPPED "LISTENON='0.0.0.0'\nUDPPORT=11211\nMISC_OPTS='-U 5'\n", NULL, NULL,
          SHIPPED "LISTENON='127.0.0.1'\nUDPPORT=0\nMISC_OPTS=\"\"\n" },
        { "alpine", SHIPPED "LISTENON=\"0.0.0.0\"\nUDPPORT=\"0\"\nMISC_OPTS=\"-l 10.0.0.1\"\n", NULL, NULL,
          SHIPPED "LISTENON=\"\"\nUDPPORT=\"0\"\nMISC_OPTS=\"-l 10.0.0.1\"\n" },
        /* Unset: added at the end */
        { "alpine", SHIPPED "UDPPORT=\"0\"\n# end\n", NULL, NULL, SHIPPED "UDPPORT=\"0\"\n# end\nLISTENON=\"127.0.0.1\"\n" },
        { "gentoo", SHIPPED "UDPPORT=\"0\"\nSOCKET=\"/run/m.sock\"", NULL, NULL,
          SHIPPED "UDPPORT=\"0\"\nSOCKET=\"/run/m.sock\"\nMISC_OPTS=\"-U 0\"\n" },
        { "alpine", SHIPPED "UDPPORT=\"5\"\nLISTENON=\"0.0.0.0\"\nMISC_OPTS=\"-U 6\"\n", NULL, "10.1.2.3", NULL },
        /* An instance: its own assignments edited, the main file's given one of its own */
        { "alpine", SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"${PORT}\"\n", "PORT=\"11212\"\n", NULL,
          "PORT=\"11212\"\nUDPPORT=\"0\"\n" },
        { "alpine", SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"0\"\nMISC_OPTS=\"-U 11211\"\n",
          "MISC_OPTS=\"${MISC_OPTS} -v\"\n", NULL, "MISC_OPTS=\"-v -v\"\n" },
        { "gentoo", SHIPPED "LISTENON=\"127.0.0.1\"\nUDPPORT=\"0\"\n", "LISTENON=\"\"\nUDPPORT=\"11212\"\n", NULL,
          "LISTENON=\"127.0.0.1\"\nUDPPORT=\"0\"\n" },
        { "gentoo", SHIPPED "UDPPORT=\"0\"\n", "SOCKET=\"/run/a.sock\"\n", NULL,
          "SOCKET=\"/run/a.sock\"\nMISC_OPTS=\"-U 0\"\n" },
};

/* The policy's edits for C's last file, and its new text by METHOD. */
static char *edited(Config *c, const char *listen, bool preview, size_t *ret_n_edits) {
        ConfigFile *f = &c->files[c->n_files - 1];
        PolicyResult pr = {};
        ErrorInfo e = {};
        char *text = NULL;

        ck_assert_int_eq(policy_evaluate(f->args, f->n_args, listen, NULL, &pr), 0);
        if (preview)
                ck_assert_msg(config_change(c, f, pr.edits, pr.n_edits, &text, &e) == 0, "preview: %s", e.detail);
        else
                ck_assert_msg(config_render(c, f, pr.edits, pr.n_edits, &text, &e) == 0, "render: %s", e.detail);
        *ret_n_edits = pr.n_edits;
        policy_result_done(&pr);
        return text;
}

START_TEST(test_preview_is_render) {
        const char *name = edit_cases[_i].profile, *listen = edit_cases[_i].listen;
        _cleanup_(config_freep) Config *a = config_ok(name, edit_cases[_i].main_text, edit_cases[_i].instance),
                                       *b = config_ok(name, edit_cases[_i].main_text, edit_cases[_i].instance);
        _cleanup_free_ char *preview = NULL, *render = NULL;
        size_t n_edits = 0, n = 0;
        PolicyResult pr = {};
        Arg *args = NULL;
        ErrorInfo e = {};

        preview = edited(a, listen, true, &n_edits);
        render = edited(b, listen, false, &n);
        ck_assert_uint_gt(n_edits, 0); /* every case needs hardening */
        ck_assert_msg(strcmp(preview, render) == 0, "case %d: preview\n%s\nis not render\n%s", _i, preview, render);
        if (edit_cases[_i].expect)
                ck_assert_str_eq(preview, edit_cases[_i].expect);

        /* The new text reads back, hardened. */
        ck_assert_int_eq(config_reparse(a, &a->files[a->n_files - 1], preview, &args, &n, &e), 0);
        ck_assert_int_eq(policy_evaluate(args, n, listen, NULL, &pr), 0);
        ck_assert_msg(pr.n_edits == 0, "case %d: %zu edits left", _i, pr.n_edits);
        policy_result_done(&pr);
        args_free(args, n);
}
END_TEST

/* ---- load ---- */

TMPDIR_FILES(root)

/* The main file, then every memcached.NAME in name order. */
START_TEST(test_load) {
        _cleanup_(config_freep) Config *c = NULL;
        ErrorInfo e = {};

        mkdir_in_root("/etc");
        mkdir_in_root("/etc/conf.d");
        put("/etc/conf.d/memcached", SHIPPED "UDPPORT=\"0\"\n");
        put("/etc/conf.d/memcached.b", "LISTENON=\"10.0.0.2\"\n");
        put("/etc/conf.d/memcached.a", "PORT=\"11212\"\n");
        put("/etc/conf.d/memcached.", "IFS=x\n");
        put("/etc/conf.d/memcachedx", "IFS=x\n");
        ck_assert_int_eq(config_open(profile_by_name("alpine"), root, &c, &e), 0);
        ck_assert_ptr_eq(c->store, &store_confd);
        ck_assert_uint_eq(c->n_files, 3);
        ck_assert_str_eq(c->files[0].path, "/etc/conf.d/memcached");
        ck_assert_str_eq(c->files[1].instance, "a");
        ck_assert_str_eq(c->files[2].instance, "b");
        expect_args(&c->files[1], "p=11212@1 U=0@0 m=64@0 c=1024@0 u=memcached@0");
}
END_TEST

/* A runlevel's file (OpenRC's own runlevels, or one in /etc/runlevels) is
 * read in place of its service's: refused. */
static const struct {
        const char *file, *instead, *level;
} runlevel_cases[] = {
        { "memcached.default", "/etc/conf.d/memcached", "default" },
        { "memcached.boot", "/etc/conf.d/memcached", "boot" },
        { "memcached.a.nonetwork", "/etc/conf.d/memcached.a", "nonetwork" },
        { "memcached.mine", "/etc/conf.d/memcached", "mine" },
};

START_TEST(test_load_runlevel) {
        _cleanup_(config_freep) Config *c = NULL;
        char path[PATH_MAX], want[PATH_MAX + 256];
        ErrorInfo e = {};

        mkdir_in_root("/etc");
        mkdir_in_root("/etc/conf.d");
        mkdir_in_root("/etc/runlevels");
        mkdir_in_root("/etc/runlevels/mine");
        put("/etc/conf.d/memcached", SHIPPED "UDPPORT=\"0\"\n");
        snprintf(path, sizeof path, "/etc/conf.d/%s", runlevel_cases[_i].file);
        put(path, "LISTENON=\"0.0.0.0\"\n");
        ck_assert_int_eq(config_open(profile_by_name("gentoo"), root, &c, &e), -EINVAL);
        snprintf(want, sizeof want, "openrc-run reads it in place of '%s%s' when memcached starts in runlevel '%s', "
                 "and no file says which runlevel that is", root, runlevel_cases[_i].instead, runlevel_cases[_i].level);
        ck_assert_str_eq(e.detail, want);
        ck_assert_str_eq(e.verb, "read");
        ck_assert_ptr_nonnull(strstr(e.subject, runlevel_cases[_i].file));
}
END_TEST

static Suite *confd_suite(void) {
        Suite *s = suite_create("confd");
        TCase *tc = tcase_create("core");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_walk);
        tcase_add_test(tc, test_walk_instance);
        tcase_add_test(tc, test_walk_gentoo_socket);
        tcase_add_loop_test(tc, test_walk_refuses, 0, ELEMENTSOF(bad_cases));
        tcase_add_loop_test(tc, test_preview_is_render, 0, ELEMENTSOF(edit_cases));
        tcase_add_test(tc, test_load);
        tcase_add_loop_test(tc, test_load_runlevel, 0, ELEMENTSOF(runlevel_cases));
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(confd_suite)
