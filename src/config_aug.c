/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config_aug.h"

#include <augeas.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
