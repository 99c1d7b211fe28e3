/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * openrc.c and openrc_edit.c: the command line Alpine's and Gentoo's
 * start() build from the conf.d variables, memcached's getopt over it, and
 * edits written back into the variables. Expected words are written from
 * the init scripts' start() and getopt_long()'s rules, not from the code.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "cleanup.h"
#include "openrc.h"
#include "profile.h"

#define SUBJECT "/etc/conf.d/memcached"

/* A variable assigned VALUE (as written) on LINE of the file read. */
#define V(n, v, l) { .name = (n), .value = (v), .raw = (v), .subject = SUBJECT, .line = (l), .local = true }
/* One the main file assigned, read for an instance. */
#define BASE(n, v, l) { .name = (n), .value = (v), .raw = (v), .subject = SUBJECT, .line = (l) }
#define UNSET(n) { .name = (n), .value = "", .subject = SUBJECT }

static const RcWord *command(const char *flavor) {
        const Profile *p = profile_by_name(flavor);

        ck_assert_ptr_nonnull(p);
        ck_assert_ptr_nonnull(p->rc_command);
        return p->rc_command;
}

/* The words as "a b c". */
static char *joined(const RcLine *l) {
        size_t len = 1;
        char *s;

        for (size_t i = 0; i < l->n_words; i++)
                len += strlen(l->words[i]) + 1;
        s = calloc(1, len);
        ck_assert_ptr_nonnull(s);
        for (size_t i = 0; i < l->n_words; i++)
                strcat(strcat(s, i ? " " : ""), l->words[i]);
        return s;
}

static RcVar alpine_vars[] = {
        V("MEMUSAGE", "64", 7), V("MEMCACHED_RUNAS", "memcached", 10), V("MAXCONN", "1024", 14),
        V("LISTENON", "127.0.0.1", 18), V("PORT", "11211", 21), V("UDPPORT", "11211", 24),
        V("MISC_OPTS", "-v  -U 5\t--listen 0.0.0.0 x", 30),
};

START_TEST(test_alpine_words) {
        _cleanup_(rc_line_done) RcLine l = {};
        _cleanup_free_ char *w = NULL;
        ArgList a = {};
        const struct {
                char letter;
                const char *value;
                unsigned line;
        } want[] = {
                { 'd', NULL, 0 }, { 'p', "11211", 21 }, { 'U', "11211", 24 }, { 'l', "127.0.0.1", 18 },
                { 'm', "64", 7 }, { 'c', "1024", 14 }, { 'u', "memcached", 10 }, { 'P', "${PIDFILE}", 0 },
                { 'v', NULL, 30 }, { 'U', "5", 30 }, { 'l', "0.0.0.0", 30 }, { '\0', "x", 30 },
        };

        ck_assert_int_eq(rc_line_read(command("alpine"), alpine_vars, ELEMENTSOF(alpine_vars), SUBJECT, &l, &a, NULL),
                         0);
        w = joined(&l);
        ck_assert_str_eq(w, "-d -p 11211 -U 11211 -l 127.0.0.1 -m 64 -c 1024 -u memcached -P ${PIDFILE} "
                            "-v -U 5 --listen 0.0.0.0 x");
        ck_assert_uint_eq(a.n, ELEMENTSOF(want));
        ck_assert_uint_eq(l.n_opts, a.n);
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                ck_assert_int_eq(a.v[i].letter, want[i].letter);
                ck_assert_pstr_eq(a.v[i].value, want[i].value);
                ck_assert_uint_eq(a.v[i].line, want[i].line);
        }
        args_free(a.v, a.n);
}
END_TEST

/* An empty LISTENON writes no -l at all; a variable of the main file read
 * for an instance is on no line of the instance's file. */
START_TEST(test_alpine_no_listen) {
        RcVar v[] = { BASE("MEMUSAGE", "64", 7), BASE("MEMCACHED_RUNAS", "m", 10), BASE("MAXCONN", "1", 14),
                      UNSET("LISTENON"), V("PORT", "11212", 1), BASE("UDPPORT", "11211", 24), UNSET("MISC_OPTS") };
        _cleanup_(rc_line_done) RcLine l = {};
        _cleanup_free_ char *w = NULL;
        ArgList a = {};

        ck_assert_int_eq(rc_line_read(command("alpine"), v, ELEMENTSOF(v), SUBJECT, &l, &a, NULL), 0);
        w = joined(&l);
        ck_assert_str_eq(w, "-d -p 11212 -U 11211 -m 64 -c 1 -u m -P ${PIDFILE}");
        ck_assert_int_eq(a.v[1].letter, 'p');
        ck_assert_uint_eq(a.v[1].line, 1);
        ck_assert_int_eq(a.v[2].letter, 'U');
        ck_assert_uint_eq(a.v[2].line, 0);
        args_free(a.v, a.n);
}
END_TEST

/* Gentoo's CONNECTION: a socket (and its mask) in place of the network. */
START_TEST(test_gentoo_socket) {
        RcVar v[] = { V("SOCKET", "/run/m.sock", 1), V("SOCKET_MASK", "0700", 2), V("PORT", "11211", 3),
                      V("UDPPORT", "11211", 4), V("LISTENON", "0.0.0.0", 5), V("MEMUSAGE", "64", 6),
                      V("MAXCONN", "1024", 7), V("MEMCACHED_RUNAS", "memcached", 8), UNSET("MISC_OPTS") };
        _cleanup_(rc_line_done) RcLine l = {};
        _cleanup_free_ char *w = NULL, *w2 = NULL;
        ArgList a = {};

        ck_assert_int_eq(rc_line_read(command("gentoo"), v, ELEMENTSOF(v), SUBJECT, &l, &a, NULL), 0);
        w = joined(&l);
        ck_assert_str_eq(w, "-d -s /run/m.sock -a 0700 -m 64 -c 1024 -u memcached -P ${PIDFILE}");
        args_free(a.v, a.n);
        rc_line_done(&l);
        a = (ArgList) {};

        v[0].value = "";
        ck_assert_int_eq(rc_line_read(command("gentoo"), v, ELEMENTSOF(v), SUBJECT, &l, &a, NULL), 0);
        w2 = joined(&l);
        ck_assert_str_eq(w2, "-d -p 11211 -U 11211 -l 0.0.0.0 -m 64 -c 1024 -u memcached -P ${PIDFILE}");
        args_free(a.v, a.n);
}
END_TEST

/* getopt_long()'s reading of MISC_OPTS: clusters, attached values, long
 * options with '=' or the next word, other words skipped, "--" last. */
static const struct {
        const char *misc;
        const char *want; /* letter=value ... of the options after -P */
} getopt_cases[] = {
        { "-vU11211", "v U=11211" },
        { "-vkl 10.0.0.1", "v k l=10.0.0.1" },
        { "--udp-port=0 --listen 10.0.0.1", "U=0 l=10.0.0.1" },
        { "--udp 5", "U=5" }, /* a unique prefix */
        { "word -U 5", "_=word U=5" },
        { "-U -1", "U=-1" },
        { "--verbose=2 -- -U 5", "v=2 _=-- _=-U _=5" },
        { "-", "_=-" },
};

START_TEST(test_getopt) {
        RcVar v[ELEMENTSOF(alpine_vars)];
        _cleanup_(rc_line_done) RcLine l = {};
        char got[256] = "";
        ArgList a = {};

        memcpy(v, alpine_vars, sizeof v);
        v[6].value = v[6].raw = getopt_cases[_i].misc;
        ck_assert_int_eq(rc_line_read(command("alpine"), v, ELEMENTSOF(v), SUBJECT, &l, &a, NULL), 0);
        for (size_t i = 8; i < a.n; i++) {
                size_t n = strlen(got);
                snprintf(got + n, sizeof got - n, "%s%c%s%s", n ? " " : "", a.v[i].letter ?: '_',
                         a.v[i].value ? "=" : "", a.v[i].value ?: "");
        }
        ck_assert_str_eq(got, getopt_cases[_i].want);
        args_free(a.v, a.n);
}
END_TEST

/* What the shell or memcached would not take as written: refused, on the
 * line of the variable at fault. */
static const struct {
        size_t var;
        const char *value, *detail, *hint;
        unsigned line;
} refused_cases[] = {
        { 3, "*", "'*' in LISTENON is a file name pattern to the init script's shell", "without '*'", 18 },
        { 3, "[::1]", "'[::1]' in LISTENON is a file name pattern", "an IPv6 address without brackets", 18 },
        { 6, "-v -Q", "unknown option '-Q'", "memcached refuses to start with it", 30 },
        { 6, "--bogus=1", "unknown option '--bogus'", NULL, 30 },
        { 6, "--daemon=yes", "'--daemon' takes no value, but has 'yes'", "remove the value", 30 },
        { 6, "-t", "'-t' needs a value", "give it its value", 30 },
        { 6, "-l -U 0", "'-l' needs a value, but '-U' follows it", "give it its own", 30 },
        { 5, "", "'-U' needs a value, but '-l' follows it: the init script writes $UDPPORT after '-U', and it "
                 "holds no word", "give UDPPORT a value", 24 },
        { 3, " ", "'-l' needs a value, but '-m' follows it: the init script writes $LISTENON after '-l'",
          "give LISTENON a value", 18 },
        { 0, "64 -l", "'-l' needs a value, but '-c' follows it", NULL, 7 },
        { 5, "-l", "'-U' needs a value, but '-l' follows it: the init script writes $UDPPORT after '-U'",
          "give UDPPORT a value", 24 },
};

START_TEST(test_refused) {
        RcVar v[ELEMENTSOF(alpine_vars)];
        RcLine l = {};
        ArgList a = {};
        ErrorInfo e = {};

        memcpy(v, alpine_vars, sizeof v);
        v[6].value = v[6].raw = "";
        v[refused_cases[_i].var].value = v[refused_cases[_i].var].raw = refused_cases[_i].value;
        ck_assert_int_eq(rc_line_read(command("alpine"), v, ELEMENTSOF(v), SUBJECT, &l, &a, &e), -EINVAL);
        ck_assert_msg(strncmp(e.detail, refused_cases[_i].detail, strlen(refused_cases[_i].detail)) == 0,
                      "got '%s'", e.detail);
        ck_assert_msg(!refused_cases[_i].hint || strstr(e.hint, refused_cases[_i].hint), "hint '%s'", e.hint);
        ck_assert_str_eq(e.subject, SUBJECT);
        ck_assert_uint_eq(e.line, refused_cases[_i].line);
        ck_assert_str_eq(e.verb, "parse");
        ck_assert_ptr_null(l.words); /* nothing returned */
        if (*refused_cases[_i].value == '-' && refused_cases[_i].var == 5) /* UDPPORT holds the word taken */
                ck_assert_ptr_null(strstr(e.detail, "holds no word"));
        args_free(a.v, a.n);
}
END_TEST

/* ---- edits ---- */

/* The values EDITS give VARS (after reading them with FLAVOR's command),
 * as "NAME=value;..."; or NULL with *R the error. */
static char *edit(const char *flavor, RcVar *vars, size_t n_vars, const Edit *edits, size_t n_edits, int *r,
                  ErrorInfo *e) {
        _cleanup_(rc_line_done) RcLine l = {};
        RcChange *ch = NULL;
        char buf[512] = "";
        ArgList a = {};
        size_t n = 0;

        ck_assert_int_eq(rc_line_read(command(flavor), vars, n_vars, SUBJECT, &l, &a, NULL), 0);
        args_free(a.v, a.n);
        *r = rc_line_edit(command(flavor), "MISC_OPTS", &l, vars, n_vars, edits, n_edits, SUBJECT ".a", &ch, &n, e);
        if (*r < 0)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                size_t k = strlen(buf);
                snprintf(buf + k, sizeof buf - k, "%s%s=%s", k ? ";" : "", vars[ch[i].var].name, ch[i].value);
        }
        rc_changes_free(ch, n);
        return strdup(buf);
}

#define SET(i, v) { .op = EDIT_SET, .arg = (i), .value = (char *) (v) }
#define DEL(i) { .op = EDIT_DELETE, .arg = (i) }
#define ADD(c, v) { .op = EDIT_APPEND, .letter = (c), .value = (char *) (v) }

static const struct {
        const char *listenon, *udpport, *misc;
        Edit edits[3];
        size_t n;
        const char *want;
} edit_cases[] = {
        /* UDPPORT="${PORT}": the reference gives way to the value */
        { "127.0.0.1", "${PORT}", "", { SET(2, "0") }, 1, "UDPPORT=0" },
        /* Removed from MISC_OPTS, the blanks between the others kept */
        { "127.0.0.1", "0", "-v  -U 5\t-t 4 ", { DEL(9) }, 1, "MISC_OPTS=-v\t-t 4 " },
        { "127.0.0.1", "0", "-U 5  -t 4", { DEL(8) }, 1, "MISC_OPTS=-t 4" },
        { "127.0.0.1", "0", "-U 5", { DEL(8) }, 1, "MISC_OPTS=" },
        /* A cluster keeps its flags; an attached value goes with its option */
        { "127.0.0.1", "0", "-vkU5 -t 4", { DEL(10) }, 1, "MISC_OPTS=-vk -t 4" },
        { "127.0.0.1", "0", "-vkU 5", { DEL(10) }, 1, "MISC_OPTS=-vk" },
        { "127.0.0.1", "0", "--listen 0.0.0.0 -t 4", { DEL(8) }, 1, "MISC_OPTS=-t 4" },
        { "127.0.0.1", "0", "--listen=0.0.0.0,10.0.0.1", { SET(8, "10.0.0.1") }, 1, "MISC_OPTS=--listen=10.0.0.1" },
        { "127.0.0.1", "0", "-l0.0.0.0", { SET(8, "127.0.0.2") }, 1, "MISC_OPTS=-l127.0.0.2" },
        /* The script's -l goes with LISTENON's value */
        { "0.0.0.0", "0", "-l 10.0.0.1", { DEL(3) }, 1, "LISTENON=" },
        /* Added: -l in LISTENON, where the script writes it */
        { "", "0", "", { ADD('l', "127.0.0.1") }, 1, "LISTENON=127.0.0.1" },
        /* Values in the order of the variables, whatever the edits' */
        { "0.0.0.0", "11211", "-U 1", { SET(2, "0"), SET(3, "127.0.0.1"), DEL(8) }, 3,
          "LISTENON=127.0.0.1;UDPPORT=0;MISC_OPTS=" },
};

START_TEST(test_edit) {
        RcVar v[ELEMENTSOF(alpine_vars)];
        _cleanup_free_ char *got = NULL;
        int r;

        memcpy(v, alpine_vars, sizeof v);
        v[3].value = v[3].raw = edit_cases[_i].listenon;
        v[5].value = v[5].raw = edit_cases[_i].udpport;
        if (strcmp(edit_cases[_i].udpport, "${PORT}") == 0)
                v[5].value = "11211";
        v[6].value = v[6].raw = edit_cases[_i].misc;
        got = edit("alpine", v, ELEMENTSOF(v), edit_cases[_i].edits, edit_cases[_i].n, &r, NULL);
        ck_assert_msg(r == 0, "%d", r);
        ck_assert_str_eq(got, edit_cases[_i].want);
}
END_TEST

/* A value with a reference is written out; one the file read does not set
 * is whole (the store adds it as an assignment of its own). */
START_TEST(test_edit_written_out) {
        RcVar v[ELEMENTSOF(alpine_vars)];
        const Edit del[] = { DEL(9) }, add[] = { ADD('l', "127.0.0.1") };
        _cleanup_free_ char *a = NULL, *b = NULL;
        int r;

        memcpy(v, alpine_vars, sizeof v);
        v[6].raw = "${MISC_OPTS}  -v  -U 5";
        v[6].value = "-v  -U 5";
        a = edit("alpine", v, ELEMENTSOF(v), del, 1, &r, NULL);
        ck_assert_str_eq(a, "MISC_OPTS=-v");

        v[3] = (RcVar) UNSET("LISTENON");
        b = edit("alpine", v, ELEMENTSOF(v), add, 1, &r, NULL);
        ck_assert_str_eq(b, "LISTENON=127.0.0.1");
}
END_TEST

/* Gentoo with a socket writes no -U: an added -U goes to MISC_OPTS. */
START_TEST(test_edit_socket) {
        RcVar v[] = { V("SOCKET", "/run/m.sock", 1), UNSET("SOCKET_MASK"), V("PORT", "11211", 3),
                      V("UDPPORT", "11211", 4), UNSET("LISTENON"), V("MEMUSAGE", "64", 6), V("MAXCONN", "1024", 7),
                      V("MEMCACHED_RUNAS", "memcached", 8), V("MISC_OPTS", "-v", 9) };
        const Edit add[] = { ADD('U', "0") };
        _cleanup_free_ char *got = NULL;
        int r;

        got = edit("gentoo", v, ELEMENTSOF(v), add, 1, &r, NULL);
        ck_assert_str_eq(got, "MISC_OPTS=-v -U 0");
}
END_TEST

/* What no variable can carry: refused, nothing returned. */
START_TEST(test_edit_refused) {
        RcVar v[ELEMENTSOF(alpine_vars)];
        const Edit del_script_u[] = { DEL(2) }, del_listen[] = { DEL(3) };
        ErrorInfo e = {};
        char *got;
        int r;

        memcpy(v, alpine_vars, sizeof v);
        v[6].value = v[6].raw = "";
        got = edit("alpine", v, ELEMENTSOF(v), del_script_u, 1, &r, &e);
        ck_assert_ptr_null(got);
        ck_assert_int_eq(r, -EINVAL);
        ck_assert_str_eq(e.detail, "'-U' is written by the init script itself, and memharden would have to change or "
                                   "remove it");
        ck_assert_str_eq(e.subject, SUBJECT ".a");

        v[3].value = v[3].raw = "0.0.0.0 -v";
        got = edit("alpine", v, ELEMENTSOF(v), del_listen, 1, &r, &e);
        ck_assert_ptr_null(got);
        ck_assert_int_eq(r, -EINVAL);
        ck_assert_uint_eq(e.line, 18);
        ck_assert_ptr_nonnull(strstr(e.detail, "$LISTENON, which holds more than that option's value"));
}
END_TEST

static Suite *openrc_suite(void) {
        Suite *s = suite_create("openrc");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_alpine_words);
        tcase_add_test(tc, test_alpine_no_listen);
        tcase_add_test(tc, test_gentoo_socket);
        tcase_add_loop_test(tc, test_getopt, 0, ELEMENTSOF(getopt_cases));
        tcase_add_loop_test(tc, test_refused, 0, ELEMENTSOF(refused_cases));
        tcase_add_loop_test(tc, test_edit, 0, ELEMENTSOF(edit_cases));
        tcase_add_test(tc, test_edit_written_out);
        tcase_add_test(tc, test_edit_socket);
        tcase_add_test(tc, test_edit_refused);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(openrc_suite)
