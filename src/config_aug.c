/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config_aug.h"

#include <augeas.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "lines.h"
#include "util.h"

const char *config_lens_dir(void) {
        const char *d = secure_getenv("MEMHARDEN_LENS_DIR");
        return d && *d ? d : MEMHARDEN_LENSDIR;
}

void matches_done(Matches *m) {
        for (int i = 0; i < m->n; i++)
                free(m->v[i]);
        free(m->v);
}

int aug_match_fmt(augeas *aug, Matches *m, const char *fmt, ...) {
        _cleanup_free_ char *expr = NULL;
        va_list ap;

        va_start(ap, fmt);
        int k = vasprintf(&expr, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        m->n = aug_match(aug, expr, &m->v);
        if (m->n < 0) {
                m->n = 0;
                m->v = NULL;
                return -EINVAL;
        }
        return m->n;
}

int aug_count_fmt(augeas *aug, const char *fmt, ...) {
        char expr[NODE_MAX];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(expr, sizeof expr, fmt, ap);
        va_end(ap);
        return aug_match(aug, expr, NULL);
}

const char *aug_value(augeas *aug, const char *path) {
        const char *v = NULL;
        return aug_get(aug, path, &v) == 1 ? v : NULL;
}

const char *aug_value_fmt(augeas *aug, char *buf, size_t size, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, size, fmt, ap);
        va_end(ap);
        return aug_value(aug, buf);
}

const char *node_last(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

void node_parent(const char *path, char *buf, size_t size) {
        snprintf(buf, size, "%.*s", (int) (node_last(path) - 1 - path), path);
}

int aug_error_info(augeas *aug, const char *err, const char *subject, const char *verb, ErrorInfo *e) {
        char p[PATH_MAX];
        const char *msg = aug_value_fmt(aug, p, sizeof p, "%s/message", err);
        const char *kind = aug_value(aug, err);
        const char *line = aug_value_fmt(aug, p, sizeof p, "%s/line", err);
        long l = 0;

        if (line)
                (void) safe_atol(line, 1, INT32_MAX, &l);
        return error_set(e, -EINVAL, verb, subject, (unsigned) l, "fix it by hand, then run again", "%s",
                         msg ?: kind ?: "Augeas could not read it");
}

int aug_error_last(augeas *aug, int r, const char *verb, const char *subject, unsigned line, bool details,
                   ErrorInfo *e) {
        const char *d = details ? aug_error_details(aug) : NULL;
        return error_set(e, r, verb, subject, line, NULL, "%s%s%s", aug_error_message(aug), d ? ": " : "", d ?: "");
}

int aug_env_assignments(augeas *aug, const char *base, const char *text, EnvAssignment **ret, size_t *ret_n) {
        _cleanup_free_ EnvAssignment *v = NULL;
        size_t n = 0, cap = 0, k = 0;
        char expr[NODE_MAX];
        int m, r = 0;

        FOREACH_LINE(l, text) {
                const char *s = l.start + strspn(l.start, " \t");
                if ((size_t) (s - l.start) == l.len || *s == '#')
                        continue;
                if (!GREEDY_REALLOC(v, cap, n + 1))
                        return -ENOMEM;
                v[n++] = (EnvAssignment) { .export = strncmp(s, "export", 6) == 0 && (s[6] == ' ' || s[6] == '\t'),
                                           .line = l.no };
        }
        snprintf(expr, sizeof expr, "%s/*", base);
        m = aug_defvar(aug, "mhvar", expr);
        for (int i = 0; i < m && r >= 0; i++) {
                const char *label = NULL, *value = NULL;
                if (aug_ns_attr(aug, "mhvar", i, &value, &label, NULL) < 0)
                        r = -EINVAL;
                else if (label && !streq_ptr(label, "#comment")) {
                        if (k == n)
                                r = -EINVAL;
                        else
                                v[k].name = label, v[k++].value = value ?: "";
                }
        }
        (void) aug_defvar(aug, "mhvar", NULL);
        if (m < 0 || r < 0 || k != n)
                return -EINVAL;
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}
