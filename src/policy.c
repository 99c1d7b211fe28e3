/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "policy.h"

#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "array.h"
#include "cleanup.h"

/* What the listen rule puts in when nothing safe is left. */
#define SAFE_DEFAULT_LISTEN "127.0.0.1"

static int add_edit(PolicyResult *r, EditOp op, size_t arg, char letter, const char *value) {
        char *v = NULL;

        if (!GREEDY_REALLOC(r->edits, r->n_edits_allocated, r->n_edits + 1))
                return -ENOMEM;
        if (value && !(v = strdup(value)))
                return -ENOMEM;
        r->edits[r->n_edits++] = (Edit) { .op = op, .arg = arg, .letter = letter, .value = v };
        return 0;
}

int policy_add_finding(PolicyResult *r, const char *id, Severity severity, unsigned line, const char *fmt, ...) {
        char *m;
        va_list ap;

        if (!GREEDY_REALLOC(r->findings, r->n_findings_allocated, r->n_findings + 1))
                return -ENOMEM;
        va_start(ap, fmt);
        int k = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        r->findings[r->n_findings++] = (Finding) { .id = id, .severity = severity, .line = line, .message = m };
        return 0;
}

void policy_result_done(PolicyResult *r) {
        for (size_t i = 0; i < r->n_edits; i++)
                free(r->edits[i].value);
        for (size_t i = 0; i < r->n_findings; i++)
                free(r->findings[i].message);
        free(r->edits);
        free(r->findings);
        *r = (PolicyResult) {};
}

bool policy_compliant(const PolicyResult *r) {
        for (size_t i = 0; i < r->n_findings; i++)
                if (r->findings[i].severity > SEVERITY_INFO)
                        return false;
        return true;
}

bool policy_edits_letter(char letter) {
        return letter == 'l' || letter == 'U';
}

const char *severity_to_string(Severity s) {
        static const char *const names[] = {
                [SEVERITY_INFO] = "info", [SEVERITY_LOW] = "low",
                [SEVERITY_MEDIUM] = "medium", [SEVERITY_HIGH] = "high",
        };
        return (unsigned) s < ELEMENTSOF(names) ? names[s] : "unknown";
}

/* The class of one -l element; ADDR_INVALID when memcached would reject it. */
static AddrClass classify_element(const char *element) {
        _cleanup_free_ char *host = NULL;
        if (listen_element_host(element, &host) < 0)
                return ADDR_INVALID;
        return addr_classify_host(host);
}

int policy_check_listen(const char *listen, ErrorInfo *e) {
        _cleanup_free_ char *copy = strdup(listen);
        size_t n = 0;

        if (!copy)
                return -ENOMEM;
        for (char *save = NULL, *el = strtok_r(copy, LISTEN_SEPARATORS, &save); el; el = strtok_r(NULL, LISTEN_SEPARATORS, &save), n++) {
                AddrClass c = classify_element(el);
                if (!addr_class_allowed(c))
                        return error_set(e, -EINVAL, "use", el, 0,
                                         "give loopback (127.0.0.1, ::1) or private (10/8, 172.16/12, 192.168/16, fc00::/7) addresses",
                                         "--listen refuses a %s address", addr_class_to_string(c));
        }
        if (n == 0)
                return error_set(e, -EINVAL, "use", listen, 0, "give at least one address",
                                 "--listen needs a comma-separated list of addresses");
        return 0;
}

static const struct {
        AddrClass cls;
        const char *id;
        Severity severity;
        const char *why;
} listen_findings[] = {
        { ADDR_WILDCARD, "listen-wildcard", SEVERITY_HIGH, "listens on every interface" },
        { ADDR_PUBLIC, "listen-public", SEVERITY_HIGH, "is a public address" },
        { ADDR_HOSTNAME, "listen-hostname", SEVERITY_MEDIUM,
          "is a host name that cannot be verified as private (name the address, or use --listen)" },
        { ADDR_INVALID, "listen-invalid", SEVERITY_MEDIUM, "is not an address memcached accepts" },
};

static int note_unsafe(PolicyResult *out, const Arg *a, const char *element, AddrClass c) {
        for (size_t i = 0; i < ELEMENTSOF(listen_findings); i++)
                if (listen_findings[i].cls == c)
                        return policy_add_finding(out, listen_findings[i].id, listen_findings[i].severity, a->line,
                                           "-l %s: '%s' %s", a->value, element, listen_findings[i].why);
        return 0;
}

/* Keeps the safe elements of one -l value; *ret_kept is NULL when none is,
 * and the value itself when nothing was dropped (empty elements, which
 * memcached skips, are no reason to rewrite it). */
static int filter_listen(PolicyResult *out, const Arg *a, char **ret_kept) {
        _cleanup_free_ char *copy = strdup(a->value), *kept = NULL;
        size_t len = 0, dropped = 0;
        int r;

        if (!copy)
                return -ENOMEM;
        kept = calloc(1, strlen(a->value) + 1);
        if (!kept)
                return -ENOMEM;
        for (char *save = NULL, *el = strtok_r(copy, LISTEN_SEPARATORS, &save); el; el = strtok_r(NULL, LISTEN_SEPARATORS, &save)) {
                AddrClass c = classify_element(el);
                if (!addr_class_allowed(c)) {
                        r = note_unsafe(out, a, el, c);
                        if (r < 0)
                                return r;
                        dropped++;
                        continue;
                }
                len += (size_t) sprintf(kept + len, "%s%s", len ? "," : "", el);
        }
        if (len == 0 && dropped == 0) {
                /* No address at all: memcached would not start. */
                r = policy_add_finding(out, "listen-invalid", SEVERITY_MEDIUM, a->line,
                                "-l '%s' names no address", a->value);
                if (r < 0)
                        return r;
        }
        if (len > 0 && dropped == 0) {
                free(kept);
                if (!(kept = strdup(a->value)))
                        return -ENOMEM;
        }
        *ret_kept = len ? TAKE_PTR(kept) : NULL;
        return 0;
}

/* No -l at all: memcached binds every interface. Adds -l VALUE. */
static int listen_missing(PolicyResult *out, const char *value) {
        int r = policy_add_finding(out, "listen-missing", SEVERITY_HIGH, 0,
                                   "no -l option: memcached listens on every interface");
        return r < 0 ? r : add_edit(out, EDIT_APPEND, 0, 'l', value);
}

static int rule_listen_keep_safe(PolicyResult *out, const Arg *args, size_t n) {
        bool any_listen = false, any_safe = false;
        size_t first_emptied = SIZE_MAX;
        int r;

        for (size_t i = 0; i < n; i++) {
                if (!args[i].effective || args[i].letter != 'l')
                        continue;
                _cleanup_free_ char *kept = NULL;

                any_listen = true;
                r = filter_listen(out, &args[i], &kept);
                if (r < 0)
                        return r;
                if (kept && strcmp(kept, args[i].value) == 0) {
                        any_safe = true;
                        continue;
                }
                if (kept) {
                        any_safe = true;
                        r = add_edit(out, EDIT_SET, i, 'l', kept);
                } else if (first_emptied == SIZE_MAX)
                        first_emptied = i; /* decided below: reused or removed */
                else
                        r = add_edit(out, EDIT_DELETE, i, 'l', NULL);
                if (r < 0)
                        return r;
        }

        if (!any_listen)
                return listen_missing(out, SAFE_DEFAULT_LISTEN);
        if (first_emptied == SIZE_MAX)
                return 0;
        /* Nothing safe left: the first emptied option becomes the loopback
         * bind in place, so the fix stands where the admin will look. */
        if (!any_safe)
                return add_edit(out, EDIT_SET, first_emptied, 'l', SAFE_DEFAULT_LISTEN);
        return add_edit(out, EDIT_DELETE, first_emptied, 'l', NULL);
}

static int rule_listen_requested(PolicyResult *out, const Arg *args, size_t n, const char *listen) {
        size_t first = SIZE_MAX;
        int r;

        for (size_t i = 0; i < n; i++) {
                if (!args[i].effective || args[i].letter != 'l')
                        continue;
                if (first == SIZE_MAX) {
                        first = i;
                        continue;
                }
                r = policy_add_finding(out, "listen-requested", SEVERITY_LOW, args[i].line,
                                "-l %s is not part of the requested --listen %s", args[i].value, listen);
                if (r >= 0)
                        r = add_edit(out, EDIT_DELETE, i, 'l', NULL);
                if (r < 0)
                        return r;
        }
        if (first == SIZE_MAX)
                return listen_missing(out, listen);
        if (strcmp(args[first].value, listen) == 0)
                return 0;
        r = policy_add_finding(out, "listen-requested", SEVERITY_LOW, args[first].line,
                        "-l %s differs from the requested --listen %s", args[first].value, listen);
        return r < 0 ? r : add_edit(out, EDIT_SET, first, 'l', listen);
}

/* The port memcached makes of a -U value: it uses atoi(), so leading digits
 * count and anything else reads as 0. */
static long udp_port_as_read(const char *v) {
        long port;
        v += strspn(v, " \t");
        if (!strchr("+-0123456789", *v))
                return 0;
        errno = 0;
        port = strtol(v, NULL, 10);
        return errno ? 1 : port; /* out of range: treat as on */
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
                return r < 0 ? r : add_edit(out, EDIT_APPEND, 0, 'U', "0");
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
                r = add_edit(out, EDIT_SET, first, 'U', "0");
                if (r < 0)
                        return r;
        }
        for (size_t i = first + 1; i < n; i++)
                if (args[i].effective && args[i].letter == 'U') {
                        r = add_edit(out, EDIT_DELETE, i, 'U', NULL);
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

int policy_evaluate(const Arg *args, size_t n_args, const char *listen, PolicyResult *ret) {
        PolicyResult out = {};
        int r;

        if (listen)
                r = rule_listen_requested(&out, args, n_args, listen);
        else if (has_unix_socket(args, n_args))
                /* -s turns the network off: nothing listens on TCP at all. */
                r = policy_add_finding(&out, "unix-socket", SEVERITY_INFO, 0,
                                "-s: memcached serves a unix socket only, so the listen rule is met");
        else
                r = rule_listen_keep_safe(&out, args, n_args);
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
