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
        { "check", cmd_check, OPT_ROOT | OPT_PROFILE | OPT_JSON | OPT_QUIET | OPT_LISTEN, 0, NULL, NULL, NULL,
          "is memcached bound to loopback/private addresses only, with UDP explicitly off? exit 0 yes, 1 no" },
        { "apply", cmd_apply,
          OPT_ROOT | OPT_PROFILE | OPT_JSON | OPT_QUIET | OPT_DRY_RUN | OPT_LISTEN | OPT_NO_RESTART | OPT_TIMEOUT |
                  OPT_FIREWALL, 0,
          NULL, NULL, NULL,
          "harden the config in place (backup first), restart memcached, verify the live daemon" },
        { "rollback", cmd_rollback, OPT_ROOT | OPT_PROFILE | OPT_JSON | OPT_QUIET | OPT_NO_RESTART | OPT_TIMEOUT, 1,
          "BACKUP", "the backup to restore, as 'memharden backups' lists it (default: the newest complete one)",
          "20261124T230102Z",
          "restore the newest (or the named) backup byte for byte and restart memcached" },
        { "backups", cmd_backups, OPT_ROOT | OPT_JSON | OPT_QUIET, 0, NULL, NULL, NULL,
          "list the backups that rollback can restore" },
        { "probe", cmd_probe, OPT_JSON | OPT_QUIET, 16, "ADDR",
          "an address of this host, ADDR[:PORT] or [IPV6]:PORT (default: where memcached listens, and loopback)",
          "127.0.0.1:11211",
          "send memcached's 15-byte UDP stats request to this host's listeners; exit 0 if none replies, 1 if one does" },
        { "firewall", cmd_firewall, OPT_ROOT | OPT_PROFILE | OPT_JSON | OPT_QUIET | OPT_DRY_RUN | OPT_REMOVE, 0, NULL,
          NULL, NULL,
          "drop UDP to and from memcached's ports on every interface but loopback (nftables table inet memharden), kept for boot" },
        { "help", cmd_help, 0, 1, "COMMAND", "the command to describe", "apply",
          "show help for memharden or one command" },
};

static const struct {
        int code;
        const char *meaning;
} exit_codes[] = {
        { EXIT_COMPLIANT, "success; for check: compliant, or memcached is not installed" },
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
        { "remove", no_argument, NULL, 'x' },
        { "firewall", no_argument, NULL, 'F' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        {}
};

/* The options only some commands take, in the order usage lines and help
 * list them: the OPT_* bit of each option letter (to refuse options a
 * command ignores), what it does and an example. */
static const CliOption option_bits[] = {
        { 'n', OPT_DRY_RUN, "--dry-run", 0, NULL, NULL,
          "print what would change (apply: the unified diff; firewall: the ruleset); change nothing", "--dry-run" },
        { 'l', OPT_LISTEN, "--listen", 0, "ADDRS", NULL,
          "bind exactly these loopback/private addresses (comma-separated)",
          "--listen 127.0.0.1,10.0.0.5" },
        { 'R', OPT_NO_RESTART, "--no-restart", 0, NULL, NULL,
          "change the files only; memcached takes them at its next start", "--no-restart" },
        { 't', OPT_TIMEOUT, "--timeout", 0, "SEC", NULL,
          "how long to wait for the lock and for a restart, 1 to 3600 seconds (default 90)", "--timeout 300" },
        { 'x', OPT_REMOVE, "--remove", 0, NULL, NULL,
          "delete the table, its file and the unit link that loads it at boot", "--remove" },
        { 'F', OPT_FIREWALL, "--firewall", 0, NULL, NULL,
          "once applied and verified, load the firewall too (memharden firewall)", "--firewall" },
        { 'r', OPT_ROOT, "--root", 0, "DIR", NULL,
          "work on the system mounted at DIR (an image, a chroot); never touches a service", "--root /mnt/image" },
        { 'P', OPT_PROFILE, "--profile", 0, "P", profile_names,
          "the family's layout, instead of the one os-release names:", "--profile rhel" },
        { 'j', OPT_JSON, "--json", 0, NULL, NULL, "print one JSON document on stdout, also on error", "--json" },
        { 'q', OPT_QUIET, "--quiet", 'q', NULL, NULL, "print errors only", "-q" },
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

/* "--root DIR", "--profile P", "-q": an option as a
 * usage line shows it. */
static void option_usage(const CliOption *o, char *buf, size_t size) {
        if (o->short_name)
                snprintf(buf, size, "-%c", o->short_name);
        else
                snprintf(buf, size, "%s%s%s", o->name, o->arg ? " " : "",
                         o->values ? o->values() : o->arg ?: "");
}

const char *cli_usage(const Command *cmd, char *buf, size_t size) {
        size_t n = (size_t) snprintf(buf, size, "%s", cmd->name);

        if (cmd->arg && n < size)
                n += (size_t) snprintf(buf + n, size - n, " [%s]%s", cmd->arg, cmd->max_args > 1 ? "..." : "");
        for (size_t i = 0; i < ELEMENTSOF(option_bits) && n < size; i++) {
                char word[128];

                if (!(cmd->options & option_bits[i].bit))
                        continue;
                option_usage(&option_bits[i], word, sizeof word);
                n += (size_t) snprintf(buf + n, size - n, " [%s]", word);
        }
        return buf;
}

/* "  -q, --quiet         WHAT IT DOES", its values after it. */
static void print_option_line(FILE *f, const CliOption *o) {
        char left[64];

        if (o->short_name)
                snprintf(left, sizeof left, "-%c, %s", o->short_name, o->name);
        else
                snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "", o->arg ?: "");
        fprintf(f, "  %-19s %s%s%s\n", left, o->help, o->values ? " " : "", o->values ? o->values() : "");
}

/* The commands that take option O, "(apply, rollback)". */
static void print_takers(FILE *f, const CliOption *o) {
        const char *sep = "";

        fputs("                      (", f);
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (commands[i].options & o->bit) {
                        fprintf(f, "%s%s", sep, commands[i].name);
                        sep = ", ";
                }
        fputs(")\n", f);
}

static void print_help(FILE *f) {
        fprintf(f, "usage: memharden COMMAND [OPTIONS]\n\n"
                   "Harden memcached against UDP amplification: bind it to loopback or private\n"
                   "addresses, turn UDP off (-U 0), restart it, and prove it on the live daemon.\n\n"
                   "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
        fputs("\nOptions (before or after the command):\n", f);
        for (size_t i = 0; i < ELEMENTSOF(option_bits); i++) {
                print_option_line(f, &option_bits[i]);
                print_takers(f, &option_bits[i]);
        }
        fputs("  -h, --help          this help; 'memharden help COMMAND' for one command, with examples\n"
              "  -V, --version       print the version\n\nExit codes:\n", f);
        for (size_t i = 0; i < ELEMENTSOF(exit_codes); i++)
                fprintf(f, "  %d  %s\n", exit_codes[i].code, exit_codes[i].meaning);
}

/* The usage line, what the command does, then each of its options with
 * what it does and an example. */
static void print_command_help(const Command *cmd) {
        char usage[512];

        printf("usage: memharden %s\n\n%s\n", cli_usage(cmd, usage, sizeof usage), cmd->summary);
        if (cmd->arg)
                printf("\nArguments:\n  %-19s %s\n                      e.g. memharden %s %s\n", cmd->arg,
                       cmd->arg_help, cmd->name, cmd->arg_example);
        printf("\nOptions:\n");
        for (size_t i = 0; i < ELEMENTSOF(option_bits); i++) {
                if (!(cmd->options & option_bits[i].bit))
                        continue;
                print_option_line(stdout, &option_bits[i]);
                printf("                      e.g. memharden %s %s\n", cmd->name, option_bits[i].example);
        }
        printf("  -h, --help          this help\n");
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
        case 'x': c->remove = true; break;
        case 'F': c->firewall = true; break;
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
