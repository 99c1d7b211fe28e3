/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for config_diagnose.c: a line our lens refused, explained in
 * memcached's terms (or the start script's), or not at all when nothing
 * precise can be said; and the fall-back to Augeas's words through a real
 * Augeas refusal. */
#include <augeas.h>
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check-main.h"
#include "cleanup.h"
#include "config_aug.h"
#include "config_diagnose.h"
#include "profile.h"

typedef struct Case {
        DiagnoseSyntax syntax;
        const char *line;
        const char *detail; /* NULL: nothing to explain */
        const char *hint;   /* a part of the hint; NULL: not checked */
} Case;

#define CONF DIAGNOSE_CONF_LINE
#define VAR DIAGNOSE_SHELLVAR_LINE
#define RC DIAGNOSE_OPENRC_LINE
#define ARGS DIAGNOSE_ARGS

static const Case cases[] = {
        /* Options memcached's table does not know, as getopt reads them. */
        { CONF, "-Q 1", "unknown option '-Q'", "memcached refuses to start with it" },
        { CONF, "-m 64 -vQ", "unknown option '-Q'", NULL },
        { CONF, "--Listen 1", "unknown option '--Listen'", NULL },
        { CONF, "--frobnicate=1", "unknown option '--frobnicate'", NULL },
        { ARGS, "-l 127.0.0.1 -Q", "unknown option '-Q'", NULL },
        { ARGS, "--bogus", "unknown option '--bogus'", NULL },
        /* An option that takes a value, without one. */
        { CONF, "-m 64 -l", "'-l' needs a value", "on the same line" },
        { CONF, "-vl", "'-l' needs a value", NULL },
        { CONF, "--listen", "'--listen' needs a value", NULL },
        { CONF, "--listen=", "'--listen' needs a value", NULL },
        { ARGS, "-U", "'-U' needs a value", NULL },
        { CONF, "-l -U 0", "'-l' needs a value, but '-U' follows it", "memcached would take what follows" },
        { CONF, "-l-U", "'-l' needs a value, but '-U' follows it", NULL },
        { ARGS, "--listen --udp-port=0", "'--listen' needs a value, but '--udp-port=0' follows it", NULL },
        { CONF, "--daemon=yes", "'--daemon' takes no value, but has 'yes'", "remove the value" },
        /* The value is the next word whatever it is; the first problem wins. */
        { CONF, "-Q -l", "unknown option '-Q'", NULL },
        { CONF, "-l 127.0.0.1 -p", "'-p' needs a value", NULL },
        /* Lines Debian's start scripts take as directives. */
        { CONF, "garbage", "'garbage' is neither an option nor a directive Debian's start script knows",
          "systemd-memcached-wrapper puts it on memcached's command line" },
        { CONF, "  garbage more words", "'garbage' is neither an option nor a directive Debian's start script knows",
          "systemd-memcached-wrapper skips the line" },
        { CONF, "0 words", "'0' is neither an option nor a directive Debian's start script knows",
          "puts it on memcached's command line" },
        { CONF, "logfile", "'logfile' needs a value", "log file" },
        { CONF, "logfile # no file", "'logfile' needs a value", NULL },
        /* Shell constructs, named. */
        { CONF, "-l $(hostname -i)", "command substitution '$(hostname -i)', which only a shell can interpret",
          "write out the value" },
        { CONF, "-l $(echo $(hostname)) -p 1", "command substitution '$(echo $(hostname))'", NULL },
        { CONF, "-l `hostname`", "backticks '`hostname`', which only a shell can interpret", NULL },
        { CONF, "-m $((32*2))", "arithmetic expansion '$((32*2))', which only a shell can interpret", NULL },
        { CONF, "-m 64; rm -rf /", "';' joining two commands, which only a shell can interpret",
          "leave only memcached's options there" },
        { CONF, "-m 64 | logger", "a pipe '|', which only a shell can interpret", NULL },
        { CONF, "-m 64 && true", "'&&' joining two commands, which only a shell can interpret", NULL },
        { CONF, "-m 64 || true", "'||' joining two commands, which only a shell can interpret", NULL },
        { CONF, "-m 64 &", "'&', which only a shell can interpret: it runs a command in the background", NULL },
        { CONF, "-l $ADDR", "variable expansion '$ADDR', which only a shell can interpret", NULL },
        { CONF, "-l ${ADDR}", "variable expansion '${ADDR}', which only a shell can interpret", NULL },
        { CONF, "-m $(x) -Q", "command substitution '$(x)'", NULL }, /* the earlier problem */
        { CONF, "-Q $(x)", "unknown option '-Q'", NULL },
        { CONF, "-l ';' x", NULL, NULL },       /* quoted: literal to the shell, and no more to say */
        { CONF, "-l 1 # $(x) | y", NULL, NULL }, /* the start script cuts the comment */
        { VAR, "OPTIONS=\"-l $(hostname -i)\"", "command substitution '$(hostname -i)'",
          "systemd's EnvironmentFile= keeps it as written" },
        { VAR, "OPTIONS=\"-l `hostname`\"", "backticks '`hostname`'", NULL },
        { VAR, "OPTIONS='-l $(hostname)'", NULL, NULL }, /* single quotes: literal */
        { VAR, "OPTIONS=\"-l 1\"; x", "';' joining two commands", "keep the line a plain assignment" },
        { VAR, "OPTIONS=\"-l 1 | x\"", NULL, NULL },      /* in quotes: literal */
        { VAR, "OPTIONS=\"-l 1\" | x", "a pipe '|'", NULL },
        { VAR, "OPTIONS=$ADDR", "variable expansion '$ADDR'", NULL },
        { VAR, "OPTIONS=\"$OPTIONS -k\"", NULL, NULL },   /* what the lens takes, in double quotes */
        { VAR, "OPTIONS=\"${OPTIONS} -k\"", NULL, NULL },
        /* Any other ${...} is the shell's to work out, even in double quotes */
        { VAR, "OPTIONS=\"${OPTIONS:--l 10.0.0.1}\"", "parameter expansion '${OPTIONS:--l 10.0.0.1}', which only a "
                                                     "shell can interpret", "write out the value" },
        { VAR, "OPTIONS=\"-m ${#X}\"", "parameter expansion '${#X}'", NULL },
        { VAR, "OPTIONS=\"-l ${X\"", "parameter expansion '${X\"'", NULL },
        { CONF, "-l ${A%.*}", "parameter expansion '${A%.*}'", NULL },
        { VAR, "# OPTIONS=$(x)", NULL, NULL },
        { VAR, "OPTIONS=-l 127.0.0.1", "'127.0.0.1' follows the value after a blank without quotes, and a shell "
                                        "runs it as a command", "double quotes" },
        { VAR, "garbage", "'garbage' is not an assignment, and a shell reading the file runs it as a command", NULL },
        /* OpenRC's conf.d: only a shell reads it, so no word of systemd */
        { RC, "LISTENON=\"$(hostname -i)\"", "command substitution '$(hostname -i)', which only a shell can "
                                              "interpret", "write out the value memcached should get" },
        { RC, "UDPPORT=$PORT", "variable expansion '$PORT' outside double quotes", "put the value in double quotes" },
        { RC, "UDPPORT=\"${PORT}\"", NULL, NULL },
        { RC, "LISTENON=\"${ADDR:-0.0.0.0}\"", "parameter expansion '${ADDR:-0.0.0.0}'", "write out the value" },
        { RC, "MISC_OPTS=\"-v\"; rm -rf /", "';' joining two commands", "keep the line a plain assignment" },
        { RC, "start-stop-daemon --start", "'start-stop-daemon --start' is not an assignment", NULL },
        { RC, "LISTENON=127.0.0.1 10.0.0.1", "'10.0.0.1' follows the value after a blank without quotes", NULL },
        { RC, "# LISTENON=$(x)", NULL, NULL },
        { ARGS, "-l 1 | tee", "a pipe '|', which only a shell can interpret", NULL },
        { ARGS, "-l 1 && x", "'&&' joining two commands", NULL },
        { ARGS, "-l 1 2>&1", NULL, NULL },                /* a redirection's '&' is no operator */
        { ARGS, "-l 127.0.0.1 $OPTIONS", NULL, NULL },    /* a word of its own: the lens keeps it */
        { ARGS, "-l x$ADDR", "variable expansion '$ADDR'", NULL },
        /* Nothing precise to say: Augeas's words, not a guess. */
        { CONF, "-l \"127.0.0.1\"", NULL, NULL },
        { CONF, "-l 127.0.0.1 stray", NULL, NULL },
        { CONF, "", NULL, NULL },
        { CONF, "   # only a comment", NULL, NULL },
        { CONF, "logfile /var/log/memcached.log", NULL, NULL },
        { VAR, "OPTIONS='-l $X'", NULL, NULL },
};

/* Not a word of systemd where only a shell reads the file. */
START_TEST(test_openrc_hints) {
        static const char *const lines[] = { "A=\"$(x)\"", "A=\"`x`\"", "A=$B", "A=\"${B%x}\"" };
        ErrorInfo e = {};

        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                ck_assert_int_eq(config_diagnose(RC, lines[i], strlen(lines[i]), "/etc/conf.d/memcached", 1, &e),
                                 -EINVAL);
                ck_assert_msg(!strstr(e.hint, "systemd"), "'%s': hint '%s'", lines[i], e.hint);
        }
}
END_TEST

START_TEST(test_case) {
        const Case *c = &cases[_i];
        ErrorInfo e = {};
        int r = config_diagnose(c->syntax, c->line, strlen(c->line), "/etc/x", 7, &e);

        if (!c->detail) {
                ck_assert_msg(r == 0, "'%s': explained as '%s'", c->line, e.detail);
                return;
        }
        ck_assert_msg(r == -EINVAL, "'%s': not explained (%d)", c->line, r);
        ck_assert_msg(strncmp(e.detail, c->detail, strlen(c->detail)) == 0, "'%s': got '%s', want '%s'", c->line,
                      e.detail, c->detail);
        ck_assert_msg(!c->hint || strstr(e.hint, c->hint), "'%s': hint '%s' lacks '%s'", c->line, e.hint, c->hint);
        ck_assert_str_eq(e.verb, "parse");
        ck_assert_str_eq(e.subject, "/etc/x");
        ck_assert_uint_eq(e.line, 7);
        ck_assert_msg(strstr(e.hint, "then run again"), "'%s': hint '%s' says nothing to do", c->line, e.hint);
}
END_TEST

/* Only SIZE bytes are read: the line's newline and what follows are not its. */
START_TEST(test_size_bounds_line) {
        static const char text[] = "-m 64\n-Q\n";
        ErrorInfo e = {};

        ck_assert_int_eq(config_diagnose(CONF, text, 5, "/etc/x", 1, &e), 0);
        ck_assert_int_eq(config_diagnose(CONF, text + 6, 2, "/etc/x", 2, &e), -EINVAL);
        ck_assert_str_eq(e.detail, "unknown option '-Q'");
        ck_assert_int_eq(config_diagnose(CONF, text + 6, 2, "/etc/x", 2, NULL), -EINVAL);
}
END_TEST

/* A long piece of the line is cut in the message. */
START_TEST(test_long_quote_cut) {
        char line[400];
        ErrorInfo e = {};

        memset(line, 'a', sizeof line);
        memcpy(line, "-l $(", 5);
        ck_assert_int_eq(config_diagnose(CONF, line, sizeof line, "/etc/x", 1, &e), -EINVAL);
        ck_assert_ptr_nonnull(strstr(e.detail, "...'"));
        ck_assert_uint_lt(strlen(e.detail), 200);
}
END_TEST

/* Through a real refusal by our lens: the record's line, explained; and
 * Augeas's own words where nothing can be explained. */
static void refuse(const char *lens, const char *text, DiagnoseSyntax syntax, ErrorInfo *e) {
        augeas *aug = aug_init("/", config_lens_dir(), AUG_NO_MODL_AUTOLOAD | AUG_NO_STDINC | AUG_NO_LOAD);

        ck_assert_ptr_nonnull(aug);
        ck_assert_int_eq(aug_set(aug, "/t/in", text), 0);
        ck_assert_int_lt(aug_text_store(aug, lens, "/t/in", "/t/tree"), 0);
        ck_assert_int_eq(config_diagnose_refusal(aug, "/augeas/text/t/tree/error", "/t/in", syntax, "/etc/x", e),
                         -EINVAL);
        aug_close(aug);
}

START_TEST(test_refusal) {
        ErrorInfo e = {};

        refuse("Memharden_conf.lns", "-m 64\n\n-l $(hostname -i)\n-p 1\n", CONF, &e);
        ck_assert_uint_eq(e.line, 3);
        ck_assert_str_eq(e.detail, "command substitution '$(hostname -i)', which only a shell can interpret");

        refuse("Memharden_conf.lns", "-m 64\n-l \"127.0.0.1\"\n", CONF, &e);
        ck_assert_uint_eq(e.line, 2);
        ck_assert_str_eq(e.detail, "Iterated lens matched less than it should");
        ck_assert_str_eq(e.hint, "fix it by hand, then run again");
        ck_assert_ptr_null(strstr(e.hint, "rollback")); /* the command layer's to say */

        refuse(ARGS_LENS, "-l 127.0.0.1 -Q", ARGS, &e);
        ck_assert_str_eq(e.detail, "unknown option '-Q'");
        refuse("Memharden_sysconfig.lns", "PORT=11211\nOPTIONS=\"-l 1\"; x\n", VAR, &e);
        ck_assert_uint_eq(e.line, 2);
        ck_assert_str_eq(e.detail, "';' joining two commands, which only a shell can interpret");
}
END_TEST

static Suite *diagnose_suite(void) {
        Suite *s = suite_create("diagnose");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, test_case, 0, (int) ELEMENTSOF(cases));
        tcase_add_test(tc, test_openrc_hints);
        tcase_add_test(tc, test_size_bounds_line);
        tcase_add_test(tc, test_long_quote_cut);
        tcase_add_test(tc, test_refusal);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(diagnose_suite)
