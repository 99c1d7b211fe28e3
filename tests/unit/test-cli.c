/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for cli.c: the command table against every option, and the
 * usage errors of the parse. Only the parse runs, and the help command;
 * no test runs a real command. Each test runs in a child of its own, so
 * redirecting its stdout and stderr touches no other test. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check-main.h"
#include "cleanup.h"
#include "cli.h"
#include "service_manager.h"

#define ARGS_MAX 24

/* A valid value for each option that takes one (NULL: a flag). Every option
 * of the table must be here, so a new option is tested from its first row. */
static const struct {
        const char *name, *value;
} samples[] = {
        { "--root", "/" }, { "--profile", "debian" }, { "--json", NULL }, { "--quiet", NULL },
        { "--dry-run", NULL }, { "--listen", "127.0.0.1" }, { "--no-restart", NULL }, { "--timeout", "5" },
        { "--remove", NULL }, { "--firewall", NULL },
};

static bool sample_of(const char *name, const char **ret_value) {
        for (size_t i = 0; i < ELEMENTSOF(samples); i++)
                if (strcmp(samples[i].name, name) == 0) {
                        *ret_value = samples[i].value;
                        return true;
                }
        return false;
}

/* What a parse or a run printed. */
typedef struct Output {
        char out[16384], err[16384];
} Output;

typedef struct Capture {
        int out, err, saved_out, saved_err;
} Capture;

static int memfd(void) {
        int fd = memfd_create("test-cli", MFD_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        return fd;
}

static void capture_begin(Capture *cap) {
        fflush(stdout);
        fflush(stderr);
        cap->out = memfd();
        cap->err = memfd();
        cap->saved_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        cap->saved_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
        ck_assert_int_ge(cap->saved_out, 0);
        ck_assert_int_ge(cap->saved_err, 0);
        ck_assert_int_ge(dup2(cap->out, STDOUT_FILENO), 0);
        ck_assert_int_ge(dup2(cap->err, STDERR_FILENO), 0);
}

static void slurp(int fd, char *buf, size_t size) {
        ssize_t k = pread(fd, buf, size - 1, 0);

        ck_assert_int_ge(k, 0);
        buf[k] = '\0';
        close(fd);
}

static void capture_end(Capture *cap, Output *o) {
        fflush(stdout);
        fflush(stderr);
        ck_assert_int_ge(dup2(cap->saved_out, STDOUT_FILENO), 0);
        ck_assert_int_ge(dup2(cap->saved_err, STDERR_FILENO), 0);
        close(cap->saved_out);
        close(cap->saved_err);
        slurp(cap->out, o->out, sizeof o->out);
        slurp(cap->err, o->err, sizeof o->err);
}

/* argv from "memharden" and the NULL-terminated list AP. */
static int make_argv(char **argv, va_list ap) {
        int argc = 0;

        argv[argc++] = (char *) "memharden";
        for (const char *a; (a = va_arg(ap, const char *)); ) {
                ck_assert_int_lt(argc, ARGS_MAX - 1);
                argv[argc++] = (char *) a;
        }
        argv[argc] = NULL;
        return argc;
}

static int parsev(Output *o, Context *c, const Command **cmd, int argc, char **argv) {
        Capture cap;
        int r;

        *cmd = NULL;
        capture_begin(&cap);
        r = cli_parse(argc, argv, c, cmd);
        capture_end(&cap, o);
        return r;
}

static int runv(Output *o, int argc, char **argv) {
        Capture cap;
        int r;

        capture_begin(&cap);
        r = cli_run(argc, argv);
        capture_end(&cap, o);
        return r;
}

/* cli_parse() of "memharden ARGS..." (NULL-terminated), printing into O.
 * The Context points into argv, so argv lives until the next parse. */
static int parse(Output *o, Context *c, const Command **cmd, ...) {
        static char *argv[ARGS_MAX];
        va_list ap;
        int argc;

        va_start(ap, cmd);
        argc = make_argv(argv, ap);
        va_end(ap);
        return parsev(o, c, cmd, argc, argv);
}

/* cli_run() of "memharden ARGS...": only for runs that end before a command. */
static int run(Output *o, ...) {
        char *argv[ARGS_MAX];
        va_list ap;
        int argc;

        va_start(ap, o);
        argc = make_argv(argv, ap);
        va_end(ap);
        return runv(o, argc, argv);
}

/* "memharden COMMAND NAME [VALUE]", or with the option first. */
static int option_argv(char **argv, const char *command, const char *name, const char *value, bool option_first) {
        int argc = 0;

        argv[argc++] = (char *) "memharden";
        if (!option_first)
                argv[argc++] = (char *) command;
        argv[argc++] = (char *) name;
        if (value)
                argv[argc++] = (char *) value;
        if (option_first)
                argv[argc++] = (char *) command;
        argv[argc] = NULL;
        return argc;
}

/* Runs CMD (only ever the help command) with C, printing into O. */
static int run_command(Output *o, const Command *cmd, const Context *c) {
        Capture cap;
        int r;

        capture_begin(&cap);
        r = cmd->run(c);
        capture_end(&cap, o);
        return r;
}

static const Command *command_at(size_t i) {
        size_t n;
        const Command *t = cli_commands(&n);

        ck_assert_uint_lt(i, n);
        return &t[i];
}

static size_t n_commands(void) {
        size_t n;
        (void) cli_commands(&n);
        return n;
}

START_TEST(test_every_option_has_a_sample) {
        size_t n;
        const CliOption *o = cli_options(&n);
        const char *v;

        ck_assert_uint_gt(n, 0);
        for (size_t i = 0; i < n; i++) {
                ck_assert_msg(sample_of(o[i].name, &v), "no sample value for %s: add one to samples[]", o[i].name);
                ck_assert_msg(o[i].bit != 0 && (o[i].bit & (o[i].bit - 1)) == 0, "%s: not one bit", o[i].name);
                for (size_t k = 0; k < i; k++)
                        ck_assert_msg(o[k].bit != o[i].bit, "%s and %s share a bit", o[k].name, o[i].name);
        }
}
END_TEST

/* Every row: each option it takes is accepted, before or after the command;
 * each other option is refused with exit code 2, naming option and command. */
START_TEST(test_options_of_command) {
        const Command *want = command_at(_i);
        size_t n;
        const CliOption *opts = cli_options(&n);

        for (size_t k = 0; k < n; k++) {
                const char *name = opts[k].name, *value;
                char *argv[ARGS_MAX], expect[256];
                const Command *cmd;
                Context c;
                Output o;
                int argc, r;

                ck_assert(sample_of(name, &value));
                for (int first = 0; first < 2; first++) {
                        argc = option_argv(argv, want->name, name, value, first);
                        r = parsev(&o, &c, &cmd, argc, argv);
                        if (want->options & opts[k].bit) {
                                ck_assert_msg(r == 1, "%s %s: %d, %s", want->name, name, r, o.err);
                                ck_assert_ptr_eq(cmd, want);
                                ck_assert_uint_eq(c.options, opts[k].bit);
                                ck_assert_str_eq(o.err, "");
                                continue;
                        }

                        snprintf(expect, sizeof expect,
                                 "memharden: option '%s' does not apply to '%s'; see 'memharden help %s'\n", name,
                                 want->name, want->name);
                        ck_assert_msg(r == -EINVAL, "%s %s: accepted", want->name, name);
                        ck_assert_ptr_null(cmd);
                        ck_assert_str_eq(o.err, expect);
                        ck_assert_str_eq(o.out, "");
                        ck_assert_int_eq(runv(&o, argc, argv), EXIT_USAGE);
                        ck_assert_str_eq(o.err, expect);
                }
        }
}
END_TEST

/* The same, on a Context built by hand: all of a command's options at once
 * pass; any one more does not. */
START_TEST(test_validate) {
        const Command *cmd = command_at(_i);
        Context c = { .root = "/", .options = cmd->options };
        size_t n;
        const CliOption *opts = cli_options(&n);
        Capture cap;
        Output o;

        capture_begin(&cap);
        ck_assert_int_eq(cli_validate(cmd, &c), 0);
        for (size_t k = 0; k < n; k++) {
                if (cmd->options & opts[k].bit)
                        continue;
                c.options = cmd->options | opts[k].bit;
                ck_assert_int_eq(cli_validate(cmd, &c), -EINVAL);
        }
        capture_end(&cap, &o);
}
END_TEST

START_TEST(test_too_many_arguments) {
        const Command *want = command_at(_i), *cmd;
        static const char *const words[] = { "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9",
                                             "a10", "a11", "a12", "a13", "a14", "a15", "a16", "a17" };
        char *argv[ARGS_MAX] = { (char *) "memharden", (char *) want->name };
        char expect[256];
        Capture cap;
        Context c;
        Output o;
        int argc = 2;

        ck_assert_int_lt(want->max_args + 1, (int) ELEMENTSOF(words));
        for (int k = 0; k < want->max_args; k++)
                argv[argc++] = (char *) words[k];
        capture_begin(&cap);
        ck_assert_int_eq(cli_parse(argc, argv, &c, &cmd), 1); /* as many as it takes */
        ck_assert_int_eq(c.n_args, want->max_args);
        argv[argc++] = (char *) words[want->max_args];
        ck_assert_int_eq(cli_parse(argc, argv, &c, &cmd), -EINVAL);
        ck_assert_int_eq(cli_run(argc, argv), EXIT_USAGE);
        capture_end(&cap, &o);
        snprintf(expect, sizeof expect, "memharden: too many arguments, starting at '%s'; see 'memharden --help'\n",
                 words[want->max_args]);
        ck_assert_msg(strncmp(o.err, expect, strlen(expect)) == 0, "got '%s'", o.err);
}
END_TEST

static const struct {
        const char *args[4];
        const char *err;
} refused[] = {
        { { "frob" }, "memharden: unknown command 'frob'; see 'memharden --help'\n" },
        { { "check", "--frob" }, "memharden: unknown option '--frob'; see 'memharden --help'\n" },
        { { "check", "-x" }, "memharden: unknown option '-x'; see 'memharden --help'\n" },
        { { "check", "--root" }, "memharden: option '--root' needs a value; see 'memharden --help'\n" },
        { { "check", "--root", "etc" }, "memharden: cannot use root 'etc': give an absolute path; see 'memharden --help'\n" },
        { { "check", "--root=" }, "memharden: cannot use root '': give an absolute path; see 'memharden --help'\n" },
        { { "--root", "./x", "backups" }, "memharden: cannot use root './x': give an absolute path; see 'memharden --help'\n" },
        { { "check", "--profile", "freebsd" },
          "memharden: cannot use profile 'freebsd': it must be debian, rhel, suse, arch, alpine or gentoo; see 'memharden --help'\n" },
        { { "check", "--profile", "Debian" },
          "memharden: cannot use profile 'Debian': it must be debian, rhel, suse, arch, alpine or gentoo; see 'memharden --help'\n" },
};

START_TEST(test_refused) {
        const char *const *a = refused[_i].args;
        const Command *cmd;
        Context c;
        Output o;

        ck_assert_int_eq(parse(&o, &c, &cmd, a[0], a[1], a[2], a[3], NULL), -EINVAL);
        ck_assert_str_eq(o.err, refused[_i].err);
        ck_assert_int_eq(run(&o, a[0], a[1], a[2], a[3], NULL), EXIT_USAGE);
        ck_assert_str_eq(o.err, refused[_i].err);
        ck_assert_str_eq(o.out, "");
}
END_TEST

static const char *const bad_timeouts[] = { "0", "3601", "-1", "abc", "", "1.5", " 5", "+5", "5s",
                                            "99999999999999999999" };

START_TEST(test_timeout_out_of_range) {
        const Command *cmd;
        char expect[256];
        Context c;
        Output o;

        snprintf(expect, sizeof expect,
                 "memharden: cannot use timeout '%s': give whole seconds from 1 to 3600; see 'memharden --help'\n",
                 bad_timeouts[_i]);
        ck_assert_int_eq(parse(&o, &c, &cmd, "apply", "--timeout", bad_timeouts[_i], NULL), -EINVAL);
        ck_assert_str_eq(o.err, expect);
        ck_assert_int_eq(run(&o, "apply", "--timeout", bad_timeouts[_i], NULL), EXIT_USAGE);
}
END_TEST

START_TEST(test_timeout_bounds) {
        const Command *cmd;
        Context c;
        Output o;

        ck_assert_int_eq(parse(&o, &c, &cmd, "apply", "--timeout", "1", NULL), 1);
        ck_assert_uint_eq(c.timeout_sec, 1);
        ck_assert_int_eq(parse(&o, &c, &cmd, "apply", "--timeout=3600", NULL), 1);
        ck_assert_uint_eq(c.timeout_sec, 3600);
}
END_TEST

START_TEST(test_defaults) {
        const Command *cmd;
        Context c;
        Output o;

        ck_assert_int_eq(parse(&o, &c, &cmd, "check", NULL), 1);
        ck_assert_str_eq(cmd->name, "check");
        ck_assert_str_eq(c.command, "check");
        ck_assert_str_eq(c.root, "/");
        ck_assert_ptr_null(c.profile);
        ck_assert_ptr_null(c.listen);
        ck_assert(!c.json && !c.quiet && !c.dry_run && !c.no_restart);
        ck_assert_uint_gt(c.timeout_sec, 0);
        ck_assert_int_eq(c.n_args, 0);
        ck_assert_uint_eq(c.options, 0);
}
END_TEST

/* Values land in the Context, and a second parse starts from scratch. */
START_TEST(test_values_and_reparse) {
        const Command *cmd;
        Context c;
        Output o;

        ck_assert_int_eq(parse(&o, &c, &cmd, "--json", "apply", "--root", "/srv/img", "--listen", "10.0.0.1",
                               "--profile=rhel", "-q", "--dry-run", "--no-restart", NULL), 1);
        ck_assert_str_eq(cmd->name, "apply");
        ck_assert_str_eq(c.root, "/srv/img");
        ck_assert_str_eq(c.listen, "10.0.0.1");
        ck_assert_str_eq(c.profile, "rhel");
        ck_assert(c.json && c.quiet && c.dry_run && c.no_restart);

        ck_assert_int_eq(parse(&o, &c, &cmd, "rollback", "20261124T230102Z", "--root", "/x", NULL), 1);
        ck_assert_str_eq(cmd->name, "rollback");
        ck_assert_str_eq(c.root, "/x");
        ck_assert(!c.json && !c.quiet && !c.dry_run && !c.no_restart);
        ck_assert_int_eq(c.n_args, 1);
        ck_assert_str_eq(c.args[0], "20261124T230102Z");
        ck_assert_uint_eq(c.options, OPT_ROOT);
}
END_TEST

/* Whether TEXT has a line that begins with PREFIX. */
static bool has_line(const char *text, const char *prefix) {
        size_t n = strlen(prefix);

        for (const char *l = text; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, prefix, n) == 0)
                        return true;
        return false;
}

/* An option's entry in a help text: "  --root DIR", "  -q, --quiet". */
static void option_entry(const CliOption *o, char *buf, size_t size) {
        if (o->short_name)
                snprintf(buf, size, "  -%c, %s ", o->short_name, o->name);
        else
                snprintf(buf, size, "  %s%s%s ", o->name, o->arg ? " " : "", o->arg ?: "");
}

/* What help says of WANT: its usage line, what it does, and each option
 * it takes (and none other) with what it does and one example. */
static void check_command_help(const Command *want, const char *out) {
        size_t n;
        const CliOption *opts = cli_options(&n);
        char usage[512], line[1024];

        snprintf(line, sizeof line, "usage: memharden %s\n\n%s\n", cli_usage(want, usage, sizeof usage), want->summary);
        ck_assert_msg(strncmp(out, line, strlen(line)) == 0, "help %s begins '%.200s'", want->name, out);
        for (size_t k = 0; k < n; k++) {
                bool takes = want->options & opts[k].bit;
                char entry[128], word[64];

                option_entry(&opts[k], entry, sizeof entry);
                ck_assert_msg(has_line(out, entry) == takes, "help %s: '%s' %s", want->name, entry,
                              takes ? "missing" : "listed");
                snprintf(line, sizeof line, "e.g. memharden %s %s\n", want->name, opts[k].example);
                ck_assert_msg(!!strstr(out, line) == takes, "help %s: example '%s'", want->name, line);
                if (opts[k].short_name)
                        snprintf(word, sizeof word, "[-%c]", opts[k].short_name);
                else
                        snprintf(word, sizeof word, "[%s", opts[k].name);
                ck_assert_msg(!!strstr(usage, word) == takes, "usage of %s: '%s'", want->name, word);
                ck_assert_msg(strstr(out, opts[k].help) || !takes, "help %s lacks '%s'", want->name, opts[k].help);
        }
        if (want->arg) {
                snprintf(line, sizeof line, "e.g. memharden %s %s\n", want->name, want->arg_example);
                ck_assert_msg(strstr(out, line) && strstr(out, want->arg_help), "help %s: its argument", want->name);
        }
        ck_assert(has_line(out, "  -h, --help "));
}

/* "help COMMAND", "COMMAND --help", "--help COMMAND" and "COMMAND -h" all
 * print the same: the command's usage, options and examples. */
START_TEST(test_help_command) {
        const Command *want = command_at(_i), *cmd;
        static char expect[sizeof ((Output *) 0)->out];
        Context c;
        Output o;

        ck_assert_int_eq(parse(&o, &c, &cmd, "help", want->name, NULL), 1);
        ck_assert_str_eq(cmd->name, "help");
        ck_assert_int_eq(run_command(&o, cmd, &c), EXIT_COMPLIANT);
        ck_assert_str_eq(o.err, "");
        check_command_help(want, o.out);
        snprintf(expect, sizeof expect, "%s", o.out);

        ck_assert_int_eq(parse(&o, &c, &cmd, want->name, "--help", NULL), 0);
        ck_assert_str_eq(o.out, expect);
        ck_assert_int_eq(run(&o, "--help", want->name, NULL), EXIT_COMPLIANT);
        ck_assert_str_eq(o.out, expect);
        ck_assert_int_eq(run(&o, want->name, "-h", NULL), EXIT_COMPLIANT);
        ck_assert_str_eq(o.out, expect);
}
END_TEST

/* Each example the help gives is a command line the parse takes, with
 * the option it shows; so is the example of a command's argument. */
START_TEST(test_help_examples_parse) {
        const Command *want = command_at(_i), *cmd;
        size_t n;
        const CliOption *opts = cli_options(&n);
        Context c;
        Output o;

        for (size_t k = 0; k < n; k++) {
                char words[256], *argv[ARGS_MAX] = { (char *) "memharden", (char *) want->name };
                int argc = 2;

                if (!(want->options & opts[k].bit))
                        continue;
                snprintf(words, sizeof words, "%s", opts[k].example);
                for (char *w = strtok(words, " "); w; w = strtok(NULL, " "))
                        argv[argc++] = w;
                argv[argc] = NULL;
                ck_assert_msg(parsev(&o, &c, &cmd, argc, argv) == 1, "%s %s: %s", want->name, opts[k].example, o.err);
                ck_assert_uint_eq(c.options, opts[k].bit);
        }
        if (want->arg) {
                ck_assert_int_eq(parse(&o, &c, &cmd, want->name, want->arg_example, NULL), 1);
                ck_assert_int_eq(c.n_args, 1);
        }
}
END_TEST

/* What the help says of a default or a list of values is what the code
 * uses: the timeout's default, the profiles. */
START_TEST(test_help_values) {
        size_t n;
        const CliOption *opts = cli_options(&n);
        char want[64];
        Output o;

        snprintf(want, sizeof want, "default %u)", SERVICE_TIMEOUT_DEFAULT);
        ck_assert_int_eq(run(&o, "help", "apply", NULL), EXIT_COMPLIANT);
        for (size_t k = 0; k < n; k++) {
                if (opts[k].bit == OPT_TIMEOUT)
                        ck_assert_msg(strstr(opts[k].help, want), "--timeout: '%s' lacks '%s'", opts[k].help, want);
                if (opts[k].bit == OPT_PROFILE)
                        ck_assert_ptr_eq(opts[k].values, profile_names);
        }
        snprintf(want, sizeof want, "[--profile %s]", profile_names());
        ck_assert_msg(strstr(o.out, want), "%s", o.out);
}
END_TEST

START_TEST(test_help_unknown_command) {
        const Command *cmd;
        Context c;
        Output o;

        ck_assert_int_eq(parse(&o, &c, &cmd, "help", "frob", NULL), 1);
        ck_assert_int_eq(run_command(&o, cmd, &c), EXIT_USAGE);
        ck_assert_str_eq(o.err, "memharden: cannot help with 'frob': no such command; see 'memharden --help'\n");
        ck_assert_str_eq(o.out, "");
}
END_TEST

/* The general help lists every command, on stdout when asked for and on
 * stderr (exit 2) when no command was given. */
START_TEST(test_help_general) {
        const Command *cmd;
        Context c;
        Output o, asked;

        ck_assert_int_eq(run(&asked, "--help", NULL), EXIT_COMPLIANT);
        ck_assert_str_eq(asked.err, "");
        ck_assert_msg(strncmp(asked.out, "usage: memharden COMMAND [OPTIONS]\n", 35) == 0, "%s", asked.out);
        for (size_t i = 0; i < n_commands(); i++) {
                char line[512];
                snprintf(line, sizeof line, "\n  %-9s %s\n", command_at(i)->name, command_at(i)->summary);
                ck_assert_msg(strstr(asked.out, line), "help lacks '%s'", line);
        }

        {
                size_t n;
                const CliOption *opts = cli_options(&n);
                for (size_t k = 0; k < n; k++) {
                        char entry[128];
                        option_entry(&opts[k], entry, sizeof entry);
                        ck_assert_msg(has_line(asked.out, entry), "help lacks '%s'", entry);
                }
        }
        ck_assert(has_line(asked.out, "  -V, --version ") && has_line(asked.out, "  -h, --help "));

        ck_assert_int_eq(parse(&o, &c, &cmd, "help", NULL), 1);
        ck_assert_int_eq(run_command(&o, cmd, &c), EXIT_COMPLIANT);
        ck_assert_str_eq(o.out, asked.out);

        ck_assert_int_eq(parse(&o, &c, &cmd, NULL), -EINVAL);
        ck_assert_int_eq(run(&o, NULL), EXIT_USAGE);
        ck_assert_str_eq(o.out, "");
        ck_assert_str_eq(o.err, asked.out);
        ck_assert_int_eq(run(&o, "-q", NULL), EXIT_USAGE);
        ck_assert_str_eq(o.err, asked.out);
}
END_TEST

START_TEST(test_version) {
        const Command *cmd;
        Context c;
        Output o;

        ck_assert_int_eq(parse(&o, &c, &cmd, "--version", NULL), 0);
        ck_assert_ptr_null(cmd);
        ck_assert_str_eq(o.out, "memharden " MEMHARDEN_VERSION "\n");
        ck_assert_int_eq(run(&o, "check", "-V", NULL), EXIT_COMPLIANT);
        ck_assert_str_eq(o.out, "memharden " MEMHARDEN_VERSION "\n");
}
END_TEST

static Suite *cli_suite(void) {
        Suite *s = suite_create("cli");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_every_option_has_a_sample);
        tcase_add_loop_test(tc, test_options_of_command, 0, (int) n_commands());
        tcase_add_loop_test(tc, test_validate, 0, (int) n_commands());
        tcase_add_loop_test(tc, test_too_many_arguments, 0, (int) n_commands());
        tcase_add_loop_test(tc, test_refused, 0, ELEMENTSOF(refused));
        tcase_add_loop_test(tc, test_timeout_out_of_range, 0, ELEMENTSOF(bad_timeouts));
        tcase_add_test(tc, test_timeout_bounds);
        tcase_add_test(tc, test_defaults);
        tcase_add_test(tc, test_values_and_reparse);
        tcase_add_loop_test(tc, test_help_command, 0, (int) n_commands());
        tcase_add_loop_test(tc, test_help_examples_parse, 0, (int) n_commands());
        tcase_add_test(tc, test_help_values);
        tcase_add_test(tc, test_help_unknown_command);
        tcase_add_test(tc, test_help_general);
        tcase_add_test(tc, test_version);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(cli_suite)
