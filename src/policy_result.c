/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A PolicyResult's edits and findings (policy.h, policy_rules.h): what every
 * rule adds to, and the judgement over them.
 */
#include "policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "policy_rules.h"

int policy_add_edit(PolicyResult *r, EditOp op, size_t arg, char letter, const char *value) {
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
        for (size_t i = 0; i < r->n_findings; i++) {
                free(r->findings[i].message);
                free(r->findings[i].host);
                for (char **a = r->findings[i].addresses; a && *a; a++)
                        free(*a);
                free(r->findings[i].addresses);
        }
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

const Finding *policy_unresolved(const PolicyResult *r) {
        for (size_t i = 0; i < r->n_findings; i++)
                if (strcmp(r->findings[i].id, "listen-unresolved") == 0)
                        return &r->findings[i];
        return NULL;
}

const char *severity_to_string(Severity s) {
        static const char *const names[] = {
                [SEVERITY_INFO] = "info", [SEVERITY_LOW] = "low",
                [SEVERITY_MEDIUM] = "medium", [SEVERITY_HIGH] = "high",
        };
        return (unsigned) s < ELEMENTSOF(names) ? names[s] : "unknown";
}

/* The edit OUT has for ARGS[ARG], or NULL. */
const Edit *policy_edit_of(const PolicyResult *out, size_t arg) {
        for (size_t i = 0; out && i < out->n_edits; i++)
                if (out->edits[i].op != EDIT_APPEND && out->edits[i].arg == arg)
                        return &out->edits[i];
        return NULL;
}

