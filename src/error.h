/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What went wrong, for the one message the command layer prints. Core
 * functions return a negative errno and, where the caller passed an ErrorInfo,
 * fill it with the subject (a path, a unit, an argument), a line, the detail
 * and a hint on what to do next. The caller owns the struct and everything in
 * it: strings are copied in, never borrowed, so a later error cannot change an
 * earlier message. No allocation, so it can be filled on any failure path,
 * including out-of-memory. Read it through error_format().
 */

#include <limits.h>
#include <stddef.h>

typedef struct ErrorInfo {
        const char *verb;      /* "parse", "read", "restart": static string */
        char subject[PATH_MAX];
        unsigned line;         /* 0: none */
        char detail[512];
        char hint[512];        /* "": none; room for a unit name (256) and more */
} ErrorInfo;

/* Fills E (if non-NULL) and returns R, so failures read `return error_set(...)`.
 * SUBJECT, HINT and the detail are copied (cut to fit); NULL means none. */
int error_set(ErrorInfo *e, int r, const char *verb, const char *subject, unsigned line,
              const char *hint, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Replaces E's hint with a formatted one (cut to fit). */
void error_set_hint(ErrorInfo *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "cannot VERB 'SUBJECT' line N: DETAIL; HINT" (parts left out when empty;
 * no detail means strerror(-R)). Always NUL-terminated, cut to SIZE. */
void error_format(const ErrorInfo *e, int r, char *buf, size_t size);
