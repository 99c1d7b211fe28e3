/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The config stores (store.h) through their interface: load from a root,
 * walk into options with their lines, and edit, on texts held in memory.
 * On every case preview() (what the dry run shows and apply writes) is byte
 * for byte render() (the lens's put of the whole edited tree; the cases
 * remove no line before another, where Augeas's put can shift spacing), and
 * its text reads back needing no further edit.
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

/* A Config of profile NAME holding one file, TEXT, walked. */
static Config *config_of(const char *name, const char *text, ErrorInfo *e, int *ret_r) {
        const Profile *p = profile_by_name(name);
        Config *c = NULL;
        int r;

        ck_assert_ptr_nonnull(p);
        ck_assert_int_eq(config_new(p, NULL, &c, e), 0);
        r = config_add_text(c, p->config, NULL, text, strlen(text), e);
        if (r >= 0)
                r = config_walk(c, e);
        *ret_r = r;
        return c;
}

static Config *config_ok(const char *name, const char *text) {
        ErrorInfo e = {};
        int r;
        Config *c = config_of(name, text, &e, &r);

        ck_assert_msg(r >= 0, "%s: %s does not load: %s", name, text, e.detail);
        ck_assert_uint_eq(c->n_files, 1);
        return c;
}

/* ---- walk ---- */

START_TEST(test_conf_walk) {
        _cleanup_(config_freep) Config *c =
                config_ok("debian", "-d\n# c\n\n-l 0.0.0.0 -vU 11211 # x\n  --port=11211\n-h -m 1\n");
        const ConfigFile *f = &c->files[0];
        const struct {
                char letter;
                const char *value;
                unsigned line;
                bool effective, path;
        } want[] = {
                { 'd', NULL, 1, false, false },      /* Debian's script drops a -d line */
                { 'l', "0.0.0.0", 4, true, true },   /* -l and -U carry their node */
                { 'v', NULL, 4, true, false },
                { 'U', "11211", 4, true, true },
                { 'p', "11211", 5, true, false },
                { 'h', NULL, 6, false, false },
                { 'm', "1", 6, false, false },
        };

        ck_assert_uint_eq(f->n_args, ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                ck_assert_int_eq(f->args[i].letter, want[i].letter);
                ck_assert_pstr_eq(f->args[i].value, want[i].value);
                ck_assert_uint_eq(f->args[i].line, want[i].line);
                ck_assert_int_eq(f->args[i].effective, want[i].effective);
                ck_assert_int_eq(f->args[i].path != NULL, want[i].path);
        }
        ck_assert_ptr_null(f->state.value_node);
}
END_TEST

START_TEST(test_shellvar_walk) {
        /* The last assignment wins, as in a shell. */
        _cleanup_(config_freep) Config *c =
                config_ok("rhel", "PORT=\"11211\"\nOPTIONS=\"-l 0.0.0.0\"\nexport OPTIONS=\"-c 1024 -U 11211\"\n");
        const ConfigFile *f = &c->files[0];

        ck_assert_uint_eq(f->state.value_line, 3);
        ck_assert_ptr_nonnull(f->state.value_node);
        ck_assert_uint_eq(f->n_args, 2);
        ck_assert_int_eq(f->args[0].letter, 'c');
        ck_assert_str_eq(f->args[0].value, "1024");
        ck_assert_int_eq(f->args[1].letter, 'U');
        ck_assert_str_eq(f->args[1].value, "11211");
        ck_assert_uint_eq(f->args[1].line, 3);
        ck_assert_ptr_nonnull(f->args[1].path);
}
END_TEST

START_TEST(test_shellvar_walk_absent) {
        _cleanup_(config_freep) Config *c = config_ok("rhel", "PORT=\"11211\"\n");

        ck_assert_ptr_null(c->files[0].state.value_node);
        ck_assert_uint_eq(c->files[0].state.value_line, 0);
        ck_assert_uint_eq(c->files[0].n_args, 0);
}
END_TEST

/* What memcached would refuse is an error naming the line. */
static const struct {
        const char *profile, *text, *detail;
        unsigned line;
} bad_cases[] = {
        { "debian", "-m 64\n--bogus\n", "unknown option '--bogus'", 2 },
        { "debian", "-m 64\n-l\n", "'-l' needs a value", 2 }, /* the lens refuses it; explained */
        { "debian", "--listen\n", "'--listen' needs a value", 1 },
        { "debian", "\n--daemon=yes\n", "'--daemon' takes no value, but has 'yes'", 2 },
        { "rhel", "A=1\nOPTIONS=\"--bogus\"\n", "unknown option '--bogus'", 2 },
};

START_TEST(test_walk_refuses) {
        ErrorInfo e = {};
        int r;
        _cleanup_(config_freep) Config *c = config_of(bad_cases[_i].profile, bad_cases[_i].text, &e, &r);

        ck_assert_int_eq(r, -EINVAL);
        ck_assert_str_eq(e.detail, bad_cases[_i].detail);
        ck_assert_uint_eq(e.line, bad_cases[_i].line);
}
END_TEST

/* A control character is refused with its line, before Augeas sees it. */
START_TEST(test_control_char) {
        ErrorInfo e = {};
        int r;
        _cleanup_(config_freep) Config *c = config_of("debian", "-m 64\n-l \x1b\n", &e, &r);

        ck_assert_int_eq(r, -EBADMSG);
        ck_assert_uint_eq(e.line, 2);
}
END_TEST

/* ---- edit: preview == render ---- */

static const struct {
        const char *profile, *text, *listen;
        const char *expect; /* the hardened text, where the case pins it */
} edit_cases[] = {
        { "debian", "-d\n-l 0.0.0.0 -U 11211 # both\n  --listen=10.0.0.1\n", NULL,
          "-d\n-U 0 # both\n  --listen=10.0.0.1\n" },
        { "debian", "-l 0.0.0.0\n-U 11211\n", "127.0.0.1", "-l 127.0.0.1\n-U 0\n" },
        { "debian", "# memcached\n-d\nlogfile /var/log/m.log\n-m 64\n-p 11211\n-u memcache\n-l 0.0.0.0\n"
                    "-P /var/run/m.pid\n\n# UDP\n-U 11211\n", NULL, NULL },
        { "debian", "-m 64\n\n\n", NULL, NULL },            /* additions before empty lines */
        { "debian", "-m 64\n  \n# \n", NULL, NULL },        /* before blank lines that are not */
        { "debian", "", NULL, NULL },                       /* nothing to add after */
        { "debian", "-d -l 0.0.0.0\n", NULL, NULL },        /* a line the start script skips */
        { "debian", "--listen=0.0.0.0 --udp-port=11211\n", NULL, NULL },
        { "debian", "-vU 11211 -l 0.0.0.0\n", "10.1.2.3", NULL },
        { "debian", "  -l   0.0.0.0   -U 11211   # k\n-l0.0.0.0\n", NULL, NULL },
        { "debian", "-l 0.0.0.0", NULL, NULL },             /* no final newline */
        { "debian", "-l 127.0.0.1,0.0.0.0 -U 0\n", "127.0.0.1", NULL },
        { "rhel", "PORT=\"11211\"\nOPTIONS=\"-l 0.0.0.0,::1 -c 1024\"\n", NULL,
          "PORT=\"11211\"\nOPTIONS=\"-l ::1 -c 1024 -U 0\"\n" },
        { "rhel", "PORT=\"11211\"\nUSER=\"memcached\"\nMAXCONN=\"1024\"\nCACHESIZE=\"64\"\n"
                  "OPTIONS=\"-l 0.0.0.0 -U 11211\"\n", NULL, NULL },
        { "rhel", "OPTIONS=\"\"\n", NULL, NULL },
        { "rhel", "OPTIONS=\"-U 11211\"\n", "127.0.0.1", NULL },
        { "rhel", "OPTIONS='-l 0.0.0.0 -U 0'\n", NULL, NULL },
        { "rhel", "PORT=1\n", NULL, NULL },                 /* no OPTIONS at all */
        { "rhel", "OPTIONS=\"-l 0.0.0.0\"\nOPTIONS=\"-l 10.0.0.1 -U 11211\"\n", NULL, NULL },
        { "rhel", "export OPTIONS=\"-c 1024 -l 0.0.0.0\"\n", NULL, NULL },
        { "rhel", "OPTIONS=-l0.0.0.0\n", NULL, NULL },
        /* A long option's value after a blank is the next word, as getopt takes it */
        { "debian", "--listen 0.0.0.0 --udp-port 11211 x\n", NULL, "--listen 127.0.0.1 --udp-port 0 x\n" },
        { "debian", "-m 64 --listen 1.2.3.4 -l 10.0.0.1 --daemon y\n", NULL, "-m 64 -l 10.0.0.1 --daemon y\n-U 0\n" },
        { "rhel", "OPTIONS=\"--listen 0.0.0.0;10.0.0.1 -U 0\"\n", NULL, "OPTIONS=\"--listen 10.0.0.1 -U 0\"\n" },
        /* Words memcached leaves alone stay where they are */
        { "rhel", "OPTIONS=\"-l 127.0.0.1 -t 4 -I 1m -v >> /var/log/memcached.log 2>&1\"\n", NULL,
          "OPTIONS=\"-l 127.0.0.1 -t 4 -I 1m -v >> /var/log/memcached.log 2>&1 -U 0\"\n" },
        { "debian", "-l 0.0.0.0 -v >> /var/log/memcached.log 2>&1 # log\n", NULL,
          "-l 127.0.0.1 -v >> /var/log/memcached.log 2>&1 # log\n-U 0\n" },
        /* The Salt formula: the readers disagree, so one literal assignment
         * of the shell's reading replaces both */
        { "rhel", "PORT=\"11211\"\nOPTIONS=\"-l 10.0.0.5\"\nUSER=\"memcached\"\nOPTIONS=\"$OPTIONS -k\"\n", NULL,
          "PORT=\"11211\"\nUSER=\"memcached\"\nOPTIONS=\"-l 10.0.0.5 -k -U 0\"\n" },
};

/* The policy's edits for C's file, and the file's new text by METHOD. */
static char *edited(Config *c, const char *listen, bool preview, size_t *ret_n_edits) {
        PolicyResult pr = {};
        ErrorInfo e = {};
        ConfigFile *f = &c->files[0];
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
        const char *name = edit_cases[_i].profile, *text = edit_cases[_i].text, *listen = edit_cases[_i].listen;
        _cleanup_(config_freep) Config *a = config_ok(name, text), *b = config_ok(name, text), *again = NULL;
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
        ck_assert_int_eq(config_reparse(a, &a->files[0], preview, &args, &n, &e), 0);
        ck_assert_uint_gt(n, 0);
        ck_assert_int_eq(policy_evaluate(args, n, listen, NULL, &pr), 0);
        ck_assert_uint_eq(pr.n_edits, 0);
        policy_result_done(&pr);
        args_free(args, n);
}
END_TEST

/* No edits: the text as read, whatever the store. */
START_TEST(test_no_edits) {
        _cleanup_(config_freep) Config *c = config_ok("debian", "-l 127.0.0.1\n-U 0");
        _cleanup_free_ char *text = NULL;
        ErrorInfo e = {};

        ck_assert_int_eq(config_change(c, &c->files[0], NULL, 0, &text, &e), 0);
        ck_assert_str_eq(text, "-l 127.0.0.1\n-U 0");
}
END_TEST

/* Readers that disagree are a rewrite of their own, even where the policy
 * has nothing to edit: "export" hides the assignment from systemd. */
START_TEST(test_readers_differ) {
        _cleanup_(config_freep) Config *c = config_ok("rhel", "A=1\nexport OPTIONS=\"-l 10.0.0.1 -U 0\" # x\n");
        _cleanup_free_ char *text = NULL;
        ConfigFile *f = &c->files[0];
        ErrorInfo e = {};

        ck_assert_ptr_nonnull(f->state.rewrite_why);
        ck_assert_ptr_nonnull(strstr(f->state.rewrite_why, "reads OPTIONS as unset"));
        ck_assert_uint_eq(f->state.n_rewrite_lines, 1);
        ck_assert_uint_eq(f->state.rewrite_lines[0], 2);
        ck_assert_uint_eq(f->n_args, 2); /* the shell's reading */
        ck_assert_int_eq(config_change(c, f, NULL, 0, &text, &e), 0);
        ck_assert_str_eq(text, "A=1\nOPTIONS=\"-l 10.0.0.1 -U 0\" # x\n");
}
END_TEST

START_TEST(test_readers_agree) {
        _cleanup_(config_freep) Config *c = config_ok("rhel", "OPTIONS=\"-l 10.0.0.1\"\nOPTIONS=\"-U 0\"\n");

        ck_assert_ptr_null(c->files[0].state.rewrite_why);
        ck_assert_uint_eq(c->files[0].state.n_rewrite_lines, 0);
}
END_TEST

/* ---- load ---- */

TMPDIR_FILES(root)

/* memcached.conf: the main config, then the instances in name order; files
 * that only look like instance configs are left alone. */
START_TEST(test_conf_load) {
        _cleanup_(config_freep) Config *c = NULL;
        ErrorInfo e = {};

        mkdir_in_root("/etc");
        put("/etc/memcached.conf", "-m 64\n");
        put("/etc/memcached_b.conf", "-U 0\n");
        put("/etc/memcached_a.conf", "-l 127.0.0.1\n");
        put("/etc/memcached_.conf", "-Q\n");
        put("/etc/memcached_c.conf~", "-Q\n");
        ck_assert_int_eq(config_open(profile_by_name("debian"), root, &c, &e), 0);
        ck_assert_ptr_eq(c->store, &store_conf);
        ck_assert_uint_eq(c->n_files, 3);
        ck_assert_str_eq(c->files[0].path, "/etc/memcached.conf");
        ck_assert_ptr_null(c->files[0].instance);
        ck_assert_str_eq(c->files[1].path, "/etc/memcached_a.conf");
        ck_assert_str_eq(c->files[1].instance, "a");
        ck_assert_str_eq(c->files[2].instance, "b");
        ck_assert_uint_eq(c->files[2].n_args, 1);
        ck_assert_int_eq(c->files[2].args[0].letter, 'U');
}
END_TEST

/* sysconfig: the one file, and none of the instance files. */
START_TEST(test_shellvar_load) {
        _cleanup_(config_freep) Config *c = NULL;
        ErrorInfo e = {};

        mkdir_in_root("/etc");
        mkdir_in_root("/etc/sysconfig");
        put("/etc/sysconfig/memcached", "OPTIONS=\"-U 0\"\n");
        put("/etc/memcached_a.conf", "-Q\n");
        ck_assert_int_eq(config_open(profile_by_name("rhel"), root, &c, &e), 0);
        ck_assert_ptr_eq(c->store, &store_shellvar);
        ck_assert_uint_eq(c->n_files, 1);
        ck_assert_str_eq(c->files[0].path, "/etc/sysconfig/memcached");
        ck_assert_uint_eq(c->files[0].n_args, 1);
}
END_TEST

START_TEST(test_load_missing) {
        _cleanup_(config_freep) Config *c = NULL;
        ErrorInfo e = {};

        ck_assert_int_eq(config_open(profile_by_name("debian"), root, &c, &e), -ENOENT);
        ck_assert_str_eq(e.detail, "no such file");
        ck_assert_ptr_null(c);
}
END_TEST

static Suite *store_suite(void) {
        Suite *s = suite_create("store");
        TCase *tc = tcase_create("core");

        tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_conf_walk);
        tcase_add_test(tc, test_shellvar_walk);
        tcase_add_test(tc, test_shellvar_walk_absent);
        tcase_add_loop_test(tc, test_walk_refuses, 0, ELEMENTSOF(bad_cases));
        tcase_add_test(tc, test_control_char);
        tcase_add_loop_test(tc, test_preview_is_render, 0, ELEMENTSOF(edit_cases));
        tcase_add_test(tc, test_no_edits);
        tcase_add_test(tc, test_readers_differ);
        tcase_add_test(tc, test_readers_agree);
        tcase_add_test(tc, test_conf_load);
        tcase_add_test(tc, test_shellvar_load);
        tcase_add_test(tc, test_load_missing);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(store_suite)
