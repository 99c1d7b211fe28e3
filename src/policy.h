/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The hardening rule, as a pure function: the options memcached will really
 * run with in, the edits that harden them and the findings that explain why
 * out. No I/O. A PolicyResult owns its edits' values and findings' messages;
 * release it with policy_result_done().
 *
 * Invariant: every finding above SEVERITY_INFO comes with at least one edit,
 * and no edit comes without one, so "compliant" and "apply would change
 * nothing" are the same statement. The one exception is listen-unresolved:
 * a listener's host name that does not resolve says nothing about where
 * memcached would listen, so there is no edit to make; the finding has
 * none, and apply (also --dry-run) refuses to go on instead (plan.c).
 *
 * Listeners are judged as memcached 1.6 reads them (listen.h): every element
 * form, and a -l that is a substring of the list before it ignored. Host
 * names are judged by the addresses the resolve stage (resolve.h) found
 * for them, handed in as a HostTable.
 */

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* One option occurrence as read from a config, in file order. */
typedef struct Arg {
        char letter;      /* the short option, long forms normalised ('l' for --listen) */
        char *value;      /* NULL for a flag */
        char *path;       /* the Augeas node of this option; NULL but for -l and -U, the only ones edited */
        unsigned line;    /* 1-based line in the file, 0 when unknown */
        bool effective;   /* false: the start script ignores its line */
} Arg;

typedef enum EditOp {
        EDIT_SET,     /* args[arg].value = value */
        EDIT_DELETE,  /* remove args[arg] */
        EDIT_APPEND,  /* add -letter value */
} EditOp;

typedef struct Edit {
        EditOp op;
        size_t arg;       /* EDIT_SET, EDIT_DELETE */
        char letter;      /* EDIT_APPEND */
        char *value;      /* EDIT_SET, EDIT_APPEND */
} Edit;

typedef enum Severity {
        SEVERITY_INFO,
        SEVERITY_LOW,
        SEVERITY_MEDIUM,
        SEVERITY_HIGH,
} Severity;

typedef struct Finding {
        const char *id;   /* static, e.g. "udp-enabled" */
        Severity severity;
        unsigned line;
        char *message;
        char *host;       /* a finding about a host name: the name, else NULL */
        char **addresses; /* with HOST: what it resolved to, NULL-terminated (none: it did not) */
} Finding;

typedef struct PolicyResult {
        Edit *edits;
        size_t n_edits, n_edits_allocated;
        Finding *findings;
        size_t n_findings, n_findings_allocated;
} PolicyResult;

struct HostTable;

/* LISTEN is the --listen value (already checked with policy_check_listen()),
 * or NULL to keep every safe address the config has. HOSTS holds what the
 * host names of ARGS' listeners resolve to (resolve.h); NULL, or a name not
 * in it, means the name does not resolve. */
int policy_evaluate(const Arg *args, size_t n_args, const char *listen, const struct HostTable *hosts,
                    PolicyResult *ret);
void policy_result_done(PolicyResult *r);

/* Whether RESULT leaves the config compliant (no finding above INFO). */
bool policy_compliant(const PolicyResult *r);

/* The first listen-unresolved finding of R (apply must refuse), or NULL. */
const Finding *policy_unresolved(const PolicyResult *r);

/* Validates a --listen value: a comma list of loopback or private address
 * literals (or "localhost") in any listener form memcached accepts. Host
 * names are refused (--listen says which addresses, not what a name means
 * at the next start), and so is ';' (memcached would split at it, but it
 * ends a shell command wherever the value reaches a shell). -EINVAL with E
 * describing the bad element. */
int policy_check_listen(const char *listen, ErrorInfo *e);

const char *severity_to_string(Severity s);

/* Whether the policy ever edits options of LETTER: -l and -U only. */
bool policy_edits_letter(char letter);

/* Adds a finding found outside the policy (the live daemon's state). */
int policy_add_finding(PolicyResult *r, const char *id, Severity severity, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
