/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "service.h"
#include "util.h"

static int cmd_help(const Context *c);

static const Command commands[] = {
        { "check", cmd_check, OPT_ROOT | OPT_PROFILE | OPT_JSON | OPT_QUIET | OPT_LISTEN, 0,
          "check [--root DIR] [--profile debian|rhel|suse|arch|alpine|gentoo] [--listen ADDRS] [--json] [-q]",
          "is memcached bound to loopback/private addresses only, with UDP explicitly off? exit 0 yes, 1 no" },
        { "apply", cmd_apply,
          OPT_ROOT | OPT_PROFILE | OPT_JSON | OPT_QUIET | OPT_DRY_RUN | OPT_LISTEN | OPT_NO_RESTART | OPT_TIMEOUT, 0,
          "apply [--dry-run] [--listen ADDRS] [--no-restart] [--timeout SEC] [--root DIR] [--profile debian|rhel|suse|arch|alpine|gentoo] [--json] [-q]",
          "harden the config in place (backup first), restart memcached, verify the live daemon" },
        { "rollback", cmd_rollback, OPT_ROOT | OPT_PROFILE | OPT_JSON | OPT_QUIET | OPT_NO_RESTART | OPT_TIMEOUT, 1,
          "rollback [BACKUP] [--no-restart] [--root DIR] [--json] [-q]",
          "restore the newest (or the named) backup byte for byte and restart memcached" },
        { "backups", cmd_backups, OPT_ROOT | OPT_JSON | OPT_QUIET, 0,
          "backups [--root DIR] [--json]",
          "list the backups that rollback can restore" },
        { "help", cmd_help, 0, 1, "help [COMMAND]", "show help for memharden or one command" },
};

static const struct {
        int code;
        const char *meaning;
} exit_codes[] = {
        { EXIT_COMPLIANT, "success; for check: compliant" },
        { EXIT_NONCOMPLIANT, "check: not compliant" },
        { EXIT_USAGE, "usage error" },
        { EXIT_INPUT, "input error: unsupported distribution, missing or unparseable config, NUL bytes, a directory; nothing written" },
        { EXIT_ROLLED_BACK, "the restart failed; the old config was restored and memcached restarted on it" },
        { EXIT_RUNTIME, "other runtime error" },
};

static const struct option long_options[] = {
        { "root", required_argument, NULL, 'r' },
        { "profile", required_argument, NULL, 'P' },
        { "json", no_argument, NULL, 'j' },
        { "quiet", no_argument, NULL, 'q' },
        { "dry-run", no_argument, NULL, 'n' },
        { "listen", required_argument, NULL, 'l' },
        { "no-restart", no_argument, NULL, 'R' },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        {}
};

/* The OPT_* bit of each option letter, to refuse options a command ignores. */
static const CliOption option_bits[] = {
        { 'r', OPT_ROOT, "--root" }, { 'P', OPT_PROFILE, "--profile" }, { 'j', OPT_JSON, "--json" },
        { 'q', OPT_QUIET, "--quiet" }, { 'n', OPT_DRY_RUN, "--dry-run" }, { 'l', OPT_LISTEN, "--listen" },
        { 'R', OPT_NO_RESTART, "--no-restart" }, { 't', OPT_TIMEOUT, "--timeout" },
};

const Command *cli_commands(size_t *ret_n) {
        *ret_n = ELEMENTSOF(commands);
        return commands;
}

const CliOption *cli_options(size_t *ret_n) {
        *ret_n = ELEMENTSOF(option_bits);
        return option_bits;
}

static const Command *command_by_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (streq_ptr(commands[i].name, name))
                        return &commands[i];
        return NULL;
}

static void print_help(FILE *f) {
        fprintf(f, "usage: memharden COMMAND [OPTIONS]\n\n"
                   "Harden memcached against UDP amplification: bind it to loopback or private\n"
                   "addresses, turn UDP off (-U 0), restart it, and prove it on the live daemon.\n\n"
                   "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
        fprintf(f, "\nOptions (before or after the command):\n"
                   "  --root DIR          work on the system mounted at DIR (never touches a service)\n"
                   "  --profile P         debian, rhel, suse, arch, alpine or gentoo, instead of detecting it from os-release\n"
                   "  --dry-run           apply: print the unified diff, write nothing\n"
                   "  --listen ADDRS      bind exactly these loopback/private addresses (comma list)\n"
                   "  --no-restart        apply, rollback: change files only\n"
                   "  --timeout SEC       how long to wait for a restart (default %u)\n"
                   "  --json              one JSON document on stdout\n"
                   "  -q, --quiet         print errors only\n"
                   "  -h, --help          this help; 'memharden help COMMAND' for one command\n"
                   "  --version           print the version\n\nExit codes:\n",
                SERVICE_TIMEOUT_DEFAULT);
        for (size_t i = 0; i < ELEMENTSOF(exit_codes); i++)
                fprintf(f, "  %d  %s\n", exit_codes[i].code, exit_codes[i].meaning);
}

static void print_command_help(const Command *cmd) {
        printf("usage: memharden %s\n\n%s\n", cmd->usage, cmd->summary);
}

static int cmd_help(const Context *c) {
        if (c->n_args == 0) {
                print_help(stdout);
                return EXIT_COMPLIANT;
        }
        const Command *cmd = command_by_name(c->args[0]);
        if (!cmd) {
                fprintf(stderr, "memharden: cannot help with '%s': no such command; see 'memharden --help'\n", c->args[0]);
                return EXIT_USAGE;
        }
        print_command_help(cmd);
        return EXIT_COMPLIANT;
}

/* Says what is wrong on stderr; -EINVAL, for the parse to return. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
        va_list ap;

        fputs("memharden: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputs("; see 'memharden --help'\n", stderr);
        return -EINVAL;
}

/* Applies option OPT (with optarg) to C. 1 to go on, 0 when the run ends
 * here successfully (--version), -EINVAL on a bad value. */
static int parse_option(int opt, char **argv, Context *c, bool *help) {
        long v;

        switch (opt) {
        case 'r': c->root = optarg; break;
        case 'P':
                if (!profile_by_name(optarg))
                        return usage_error("cannot use profile '%s': it must be debian, rhel, suse, arch, alpine or gentoo", optarg);
                c->profile = optarg;
                break;
        case 'j': c->json = true; break;
        case 'q': c->quiet = true; break;
        case 'n': c->dry_run = true; break;
        case 'l': c->listen = optarg; break;
        case 'R': c->no_restart = true; break;
        case 't':
                if (safe_atol(optarg, 1, 3600, &v) < 0)
                        return usage_error("cannot use timeout '%s': give whole seconds from 1 to 3600", optarg);
                c->timeout_sec = (unsigned) v;
                break;
        case 'h': *help = true; break;
        case 'V':
                printf("memharden %s\n", MEMHARDEN_VERSION);
                return 0;
        case ':':
                return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
                return usage_error("unknown option '%s'", argv[optind - 1]);
        }
        for (size_t i = 0; i < ELEMENTSOF(option_bits); i++)
                if (option_bits[i].letter == opt)
                        c->options |= option_bits[i].bit;
        return 1;
}

int cli_validate(const Command *cmd, const Context *c) {
        for (size_t i = 0; i < ELEMENTSOF(option_bits); i++)
                if ((c->options & option_bits[i].bit) && !(cmd->options & option_bits[i].bit)) {
                        fprintf(stderr, "memharden: option '%s' does not apply to '%s'; see 'memharden help %s'\n",
                                option_bits[i].name, cmd->name, cmd->name);
                        return -EINVAL;
                }
        if (c->n_args > cmd->max_args)
                return usage_error("too many arguments, starting at '%s'", c->args[cmd->max_args]);
        if (c->root[0] != '/')
                return usage_error("cannot use root '%s': give an absolute path", c->root);
        return 0;
}

int cli_parse(int argc, char **argv, Context *ret_context, const Command **ret_command) {
        Context c = { .root = "/", .timeout_sec = SERVICE_TIMEOUT_DEFAULT };
        const Command *cmd;
        bool help = false;
        int opt, r;

        /* 0, not 1: glibc then starts over completely, permutation state and all. */
        optind = 0;
        opterr = 0;
        /* glibc's getopt_long() permutes, so options may follow the command. */
        while ((opt = getopt_long(argc, argv, ":hqV", long_options, NULL)) != -1) {
                r = parse_option(opt, argv, &c, &help);
                if (r <= 0)
                        return r;
        }

        if (optind >= argc) {
                print_help(help ? stdout : stderr);
                return help ? 0 : -EINVAL;
        }
        c.command = argv[optind];
        c.args = argv + optind + 1;
        c.n_args = argc - optind - 1;

        cmd = command_by_name(c.command);
        if (!cmd)
                return usage_error("unknown command '%s'", c.command);
        if (help) {
                print_command_help(cmd);
                return 0;
        }
        r = cli_validate(cmd, &c);
        if (r < 0)
                return r;
        *ret_context = c;
        *ret_command = cmd;
        return 1;
}

int cli_run(int argc, char **argv) {
        const Command *cmd;
        Context c;
        int r;

        r = cli_parse(argc, argv, &c, &cmd);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : EXIT_COMPLIANT;
        return cmd->run(&c);
}
