/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Copies S (NULL: "") into DST, cut to SIZE. A caller may hand back E's own
 * field; copying a string onto itself is then a no-op, not an overlap. */
static void copy_in(char *dst, size_t size, const char *s) {
        if (s == dst)
                return;
        snprintf(dst, size, "%s", s ?: "");
}

int error_set(ErrorInfo *e, int r, const char *verb, const char *subject, unsigned line,
              const char *hint, const char *fmt, ...) {
        if (!e)
                return r;

        e->verb = verb;
        copy_in(e->subject, sizeof e->subject, subject);
        e->line = line;
        copy_in(e->hint, sizeof e->hint, hint);
        e->detail[0] = '\0';
        if (fmt) {
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(e->detail, sizeof e->detail, fmt, ap);
                va_end(ap);
        }
        return r;
}

void error_set_hint(ErrorInfo *e, const char *fmt, ...) {
        char hint[sizeof e->hint];
        va_list ap;

        if (!e)
                return;
        /* Formatted aside first: an argument may be E's old hint. */
        va_start(ap, fmt);
        vsnprintf(hint, sizeof hint, fmt, ap);
        va_end(ap);
        memcpy(e->hint, hint, sizeof hint);
}

void error_format(const ErrorInfo *e, int r, char *buf, size_t size) {
        size_t n = 0;

#define APPEND(...) do {                                                   \
                int k_ = snprintf(buf + n, size - n, __VA_ARGS__);         \
                if (k_ > 0)                                                \
                        n = (size_t) k_ >= size - n ? size - 1 : n + (size_t) k_; \
        } while (0)

        buf[0] = '\0';
        APPEND("cannot %s", e && e->verb ? e->verb : "continue");
        if (e && e->subject[0])
                APPEND(" '%s'", e->subject);
        if (e && e->line > 0)
                APPEND(" line %u", e->line);
        APPEND(": %s", e && e->detail[0] ? e->detail : strerror(-r));
        if (e && e->hint[0])
                APPEND("; %s", e->hint);
#undef APPEND
}
