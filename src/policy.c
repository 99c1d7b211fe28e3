/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The policy (policy.h): its rules in order, each adding the findings and
 * edits of one concern; the listen rule in policy_listen.c, what they share
 * in policy_result.c.
 */
#include "policy.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_rules.h"
#include "resolve.h"

bool policy_edits_letter(char letter) {
        return letter == 'l' || letter == 'U';
}

/* The port memcached makes of a -U value: its own unchecked atoi(), on
 * purpose instead of safe_atol(). Leading blanks and digits count, anything
 * else reads as 0, and glibc's atoi() is (int) strtol(): "4294967296" reads
 * as 0, an overflow to LONG_MAX as -1. UDP is on for any value but 0. */
static int udp_port_as_read(const char *v) {
        return atoi(v);
}

/* memcached takes the last -U; we want exactly one, an explicit 0. */
static int rule_udp(PolicyResult *out, const Arg *args, size_t n) {
        size_t first = SIZE_MAX, last = SIZE_MAX, count = 0;
        int r;

        for (size_t i = 0; i < n; i++)
                if (args[i].effective && args[i].letter == 'U') {
                        if (first == SIZE_MAX)
                                first = i;
                        last = i;
                        count++;
                }

        if (count == 0) {
                r = policy_add_finding(out, "udp-implicit", SEVERITY_MEDIUM, 0,
                                "no -U option: UDP is off only by this memcached version's default; set -U 0");
                return r < 0 ? r : policy_add_edit(out, EDIT_APPEND, 0, 'U', "0");
        }

        if (strcmp(args[last].value, "0") != 0 && udp_port_as_read(args[last].value) != 0)
                r = policy_add_finding(out, "udp-enabled", SEVERITY_HIGH, args[last].line,
                                "-U %s: UDP is on, and answers spoofed requests with far larger replies",
                                args[last].value);
        else if (strcmp(args[last].value, "0") != 0)
                r = policy_add_finding(out, "udp-unclear", SEVERITY_LOW, args[last].line,
                                "-U %s: memcached reads this as 0, but only a plain 0 says so", args[last].value);
        else if (count > 1)
                r = policy_add_finding(out, "udp-duplicate", SEVERITY_LOW, args[first].line,
                                "-U is given %zu times; only the last counts", count);
        else
                return 0;
        if (r < 0)
                return r;

        if (strcmp(args[first].value, "0") != 0) {
                r = policy_add_edit(out, EDIT_SET, first, 'U', "0");
                if (r < 0)
                        return r;
        }
        for (size_t i = first + 1; i < n; i++)
                if (args[i].effective && args[i].letter == 'U') {
                        r = policy_add_edit(out, EDIT_DELETE, i, 'U', NULL);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static bool has_unix_socket(const Arg *args, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (args[i].effective && args[i].letter == 's')
                        return true;
        return false;
}

static int note_ignored(PolicyResult *out, const Arg *args, size_t n) {
        for (size_t i = 0; i < n; i++) {
                if (args[i].effective || (args[i].letter != 'l' && args[i].letter != 'U'))
                        continue;
                int r = policy_add_finding(out, "ignored-line", SEVERITY_INFO, args[i].line,
                                    "-%c on this line is ignored: the start script skips lines that begin with -d or -h",
                                    args[i].letter);
                if (r < 0)
                        return r;
        }
        return 0;
}

int policy_evaluate(const Arg *args, size_t n_args, const char *listen, const HostTable *hosts, PolicyResult *ret) {
        PolicyResult out = {};
        int r;

        if (!listen && has_unix_socket(args, n_args))
                /* -s turns the network off: nothing listens on TCP at all. */
                r = policy_add_finding(&out, "unix-socket", SEVERITY_INFO, 0,
                                "-s: memcached serves a unix socket only, so the listen rule is met");
        else
                r = policy_rule_listen(&out, args, n_args, listen, hosts);
        if (r >= 0)
                r = rule_udp(&out, args, n_args);
        if (r >= 0)
                r = note_ignored(&out, args, n_args);
        if (r < 0) {
                policy_result_done(&out);
                return r;
        }
        *ret = out;
        return 0;
}
