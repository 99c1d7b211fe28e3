/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "service.h"
#include "util.h"

enum {
        OPT_ROOT = 1 << 0, OPT_PROFILE = 1 << 1, OPT_JSON = 1 << 2, OPT_QUIET = 1 << 3,
        OPT_DRY_RUN = 1 << 4, OPT_LISTEN = 1 << 5, OPT_NO_RESTART = 1 << 6, OPT_TIMEOUT = 1 << 7,
};

typedef struct Command {
        const char *name;
        int (*run)(const Context *c);
        unsigned options;   /* which OPT_* it takes */
        int max_args;       /* positional arguments */
        const char *usage;
        const char *summary;
} Command;

static int cmd_help(const Context *c);

static const Command commands[] = {
        { "check", cmd_check, OPT_ROOT | OPT_PROFILE | OPT_JSON | OPT_QUIET | OPT_LISTEN, 0,
          "check [--root DIR] [--profile debian|rhel] [--listen ADDRS] [--json] [-q]",
          "is memcached bound to loopback/private addresses only, with UDP explicitly off? exit 0 yes, 1 no" },
        { "apply", cmd_apply,
          OPT_ROOT | OPT_PROFILE | OPT_JSON | OPT_QUIET | OPT_DRY_RUN | OPT_LISTEN | OPT_NO_RESTART | OPT_TIMEOUT, 0,
          "apply [--dry-run] [--listen ADDRS] [--no-restart] [--timeout SEC] [--root DIR] [--profile debian|rhel] [--json] [-q]",
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
static const struct {
        int letter;
        unsigned bit;
        const char *name;
} option_bits[] = {
        { 'r', OPT_ROOT, "--root" }, { 'P', OPT_PROFILE, "--profile" }, { 'j', OPT_JSON, "--json" },
        { 'q', OPT_QUIET, "--quiet" }, { 'n', OPT_DRY_RUN, "--dry-run" }, { 'l', OPT_LISTEN, "--listen" },
        { 'R', OPT_NO_RESTART, "--no-restart" }, { 't', OPT_TIMEOUT, "--timeout" },
};

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
                   "  --profile P         debian or rhel, instead of detecting it from os-release\n"
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

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
        va_list ap;

        fputs("memharden: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputs("; see 'memharden --help'\n", stderr);
        return EXIT_USAGE;
}

int cli_run(int argc, char **argv) {
        Context c = { .root = "/", .timeout_sec = SERVICE_TIMEOUT_DEFAULT };
        unsigned given = 0;
        bool help = false;
        int opt;

        /* glibc's getopt_long() permutes, so options may follow the command. */
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":hqV", long_options, NULL)) != -1) {
                long v;
                switch (opt) {
                case 'r': c.root = optarg; break;
                case 'P':
                        if (!profile_by_name(optarg))
                                return usage_error("cannot use profile '%s': it must be debian or rhel", optarg);
                        c.profile = optarg;
                        break;
                case 'j': c.json = true; break;
                case 'q': c.quiet = true; break;
                case 'n': c.dry_run = true; break;
                case 'l': c.listen = optarg; break;
                case 'R': c.no_restart = true; break;
                case 't':
                        if (safe_atol(optarg, 1, 3600, &v) < 0)
                                return usage_error("cannot use timeout '%s': give whole seconds from 1 to 3600", optarg);
                        c.timeout_sec = (unsigned) v;
                        break;
                case 'h': help = true; break;
                case 'V':
                        printf("memharden %s\n", MEMHARDEN_VERSION);
                        return EXIT_COMPLIANT;
                case ':':
                        return usage_error("option '%s' needs a value", argv[optind - 1]);
                default:
                        return usage_error("unknown option '%s'", argv[optind - 1]);
                }
                for (size_t i = 0; i < ELEMENTSOF(option_bits); i++)
                        if (option_bits[i].letter == opt)
                                given |= option_bits[i].bit;
        }

        if (optind >= argc) {
                print_help(help ? stdout : stderr);
                return help ? EXIT_COMPLIANT : EXIT_USAGE;
        }
        c.command = argv[optind];
        c.args = argv + optind + 1;
        c.n_args = argc - optind - 1;

        const Command *cmd = command_by_name(c.command);
        if (!cmd)
                return usage_error("unknown command '%s'", c.command);
        if (help) {
                print_command_help(cmd);
                return EXIT_COMPLIANT;
        }
        for (size_t i = 0; i < ELEMENTSOF(option_bits); i++)
                if ((given & option_bits[i].bit) && !(cmd->options & option_bits[i].bit)) {
                        fprintf(stderr, "memharden: option '%s' does not apply to '%s'; see 'memharden help %s'\n",
                                option_bits[i].name, cmd->name, cmd->name);
                        return EXIT_USAGE;
                }
        if (c.n_args > cmd->max_args)
                return usage_error("too many arguments, starting at '%s'", c.args[cmd->max_args]);
        if (c.root[0] != '/')
                return usage_error("cannot use root '%s': give an absolute path", c.root);

        return cmd->run(&c);
}
