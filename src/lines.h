/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The one way text is walked line by line. A TextLine borrows the text it
 * points into; nothing is copied or allocated.
 */

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct TextLine {
        const char *start;  /* the line's first byte; NULL past the last line */
        size_t len;         /* without its '\n' */
        unsigned no;        /* 1-based */
} TextLine;

/* The first line of the NUL-terminated TEXT; none (start NULL) for "". */
static inline TextLine text_line_first(const char *text) {
        if (!text || !*text)
                return (TextLine) {};
        return (TextLine) { text, strcspn(text, "\n"), 1 };
}

/* The next line. A final newline ends the last line; it starts none. */
static inline void text_line_next(TextLine *l) {
        const char *nl = l->start + l->len;

        if (nl[0] == '\0' || nl[1] == '\0') {
                l->start = NULL;
                return;
        }
        l->start = nl + 1;
        l->len = strcspn(l->start, "\n");
        l->no++;
}

/* Every line of TEXT, the last one also without a final newline. */
#define FOREACH_LINE(l, text) for (TextLine l = text_line_first(text); (l).start; text_line_next(&(l)))

/* Whether line L is the same bytes as S[0, LEN). */
static inline bool text_line_is(const TextLine *l, const char *s, size_t len) {
        return l->len == len && memcmp(l->start, s, len) == 0;
}
