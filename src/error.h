/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What went wrong, for the one message the command layer prints. Core
 * functions return a negative errno and, where the caller passed an ErrorInfo,
 * fill it with the subject (a path, a unit, an argument), a line, the detail
 * and a hint on what to do next. The caller owns the struct (no allocation, so
 * it can be filled on any failure path, including out-of-memory).
 */

#include <limits.h>
#include <stddef.h>

typedef struct ErrorInfo {
        const char *verb;      /* "parse", "read", "restart": static string */
        char subject[PATH_MAX];
        unsigned line;         /* 0: none */
        char detail[512];
        const char *hint;      /* static string, hint_buf, or NULL */
        char hint_buf[256];    /* for a hint made with error_set_hint() */
} ErrorInfo;

/* Fills E (if non-NULL) and returns R, so failures read `return error_set(...)`. */
int error_set(ErrorInfo *e, int r, const char *verb, const char *subject, unsigned line,
              const char *hint, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Replaces E's hint with a formatted one. */
void error_set_hint(ErrorInfo *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "cannot VERB 'SUBJECT' line N: DETAIL; HINT" (parts left out when empty). */
void error_format(const ErrorInfo *e, int r, char *buf, size_t size);
