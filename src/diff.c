/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "diff.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "lines.h"

#define CONTEXT 3
/* Past this many table cells, report the whole file as replaced. */
#define LCS_CELLS_MAX (16u * 1024 * 1024)

typedef struct Line {
        const char *s;
        size_t len;   /* without the newline */
        bool newline; /* false only for a last line without one */
} Line;

static int split_lines(const char *text, Line **ret, size_t *ret_n) {
        _cleanup_free_ Line *v = NULL;
        size_t n = 0, allocated = 0;

        if (!GREEDY_REALLOC(v, allocated, 1)) /* an array even for no line: callers offset into it */
                return -ENOMEM;
        FOREACH_LINE(l, text) {
                if (!GREEDY_REALLOC(v, allocated, n + 1))
                        return -ENOMEM;
                v[n++] = (Line) { l.start, l.len, l.start[l.len] == '\n' };
        }
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

static bool line_eq(const Line *x, const Line *y) {
        return x->len == y->len && x->newline == y->newline && memcmp(x->s, y->s, x->len) == 0;
}

typedef enum { OP_KEEP, OP_DEL, OP_ADD } Op;

typedef struct Script {
        Op *op;
        size_t *ai, *bi; /* line index in a (KEEP, DEL) and b (KEEP, ADD) */
        size_t n;
} Script;

static void script_done(Script *s) {
        free(s->op);
        free(s->ai);
        free(s->bi);
}

static void script_add(Script *s, Op op, size_t ai, size_t bi) {
        s->op[s->n] = op;
        s->ai[s->n] = ai;
        s->bi[s->n] = bi;
        s->n++;
}

/* The LCS lengths of A[0, N) and B[0, M): cell (i, j) of the (N+1)x(M+1)
 * table, row by row, is the LCS of A[i, N) and B[j, M). */
static int lcs_table(const Line *a, size_t n, const Line *b, size_t m, uint32_t **ret) {
        uint32_t *t = calloc((n + 1) * (m + 1), sizeof *t);

        if (!t)
                return -ENOMEM;
        for (size_t i = n; i-- > 0; )
                for (size_t j = m; j-- > 0; ) {
                        uint32_t *c = &t[i * (m + 1) + j];
                        if (line_eq(&a[i], &b[j]))
                                *c = t[(i + 1) * (m + 1) + j + 1] + 1;
                        else {
                                uint32_t d = t[(i + 1) * (m + 1) + j], r = t[i * (m + 1) + j + 1];
                                *c = d >= r ? d : r;
                        }
                }
        *ret = t;
        return 0;
}

/* Adds the edits that turn A[0, N) into B[0, M) along table T (NULL: no
 * table, so every line differs but for equal ones met in step); indices
 * are offset by PRE. */
static void trace(Script *s, const Line *a, size_t n, const Line *b, size_t m, const uint32_t *t, size_t pre) {
        size_t i = 0, j = 0;

        while (i < n || j < m) {
                if (i < n && j < m && line_eq(&a[i], &b[j]) &&
                    (!t || t[i * (m + 1) + j] == t[(i + 1) * (m + 1) + j + 1] + 1)) {
                        script_add(s, OP_KEEP, pre + i, pre + j);
                        i++, j++;
                } else if (i < n && (j == m || !t || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1])) {
                        script_add(s, OP_DEL, pre + i, pre + j);
                        i++;
                } else {
                        script_add(s, OP_ADD, pre + i, pre + j);
                        j++;
                }
        }
}

/* The edit script from an LCS table over the lines between the common
 * prefix and suffix (which are kept as they are). */
static int edit_script(const Line *a, size_t na, const Line *b, size_t nb, Script *s) {
        _cleanup_free_ uint32_t *t = NULL;
        size_t pre = 0, suf = 0, n, m, cap = na + nb;
        int r;

        while (pre < na && pre < nb && line_eq(&a[pre], &b[pre]))
                pre++;
        while (suf < na - pre && suf < nb - pre && line_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
                suf++;
        n = na - pre - suf;
        m = nb - pre - suf;
        if (n > 0 && m > 0 && (n + 1) * (m + 1) <= LCS_CELLS_MAX) {
                r = lcs_table(a + pre, n, b + pre, m, &t);
                if (r < 0)
                        return r;
        }

        s->op = malloc((cap + 1) * sizeof *s->op);
        s->ai = malloc((cap + 1) * sizeof *s->ai);
        s->bi = malloc((cap + 1) * sizeof *s->bi);
        if (!s->op || !s->ai || !s->bi)
                return -ENOMEM;
        s->n = 0;
        for (size_t k = 0; k < pre; k++)
                script_add(s, OP_KEEP, k, k);
        trace(s, a + pre, n, b + pre, m, t, pre);
        for (size_t k = 0; k < suf; k++)
                script_add(s, OP_KEEP, na - suf + k, nb - suf + k);
        return 0;
}

static void emit_line(FILE *f, char prefix, const Line *l) {
        fputc(prefix, f);
        fwrite(l->s, 1, l->len, f);
        fputc('\n', f);
        if (!l->newline)
                fputs("\\ No newline at end of file\n", f);
}

/* "start,count" as diff -u writes it: start is 0 for an empty range. */
static void emit_range(FILE *f, size_t start, size_t count) {
        if (count == 1)
                fprintf(f, "%zu", start + 1);
        else
                fprintf(f, "%zu,%zu", count ? start + 1 : start, count);
}

/* The end of the hunk whose first change is at K: CONTEXT after the last
 * change that is no more than 2*CONTEXT keeps away. */
static size_t hunk_end(const Script *s, size_t k) {
        size_t end = k;

        for (size_t keeps = 0; end < s->n && keeps <= 2 * CONTEXT; end++)
                keeps = s->op[end] == OP_KEEP ? keeps + 1 : 0;
        while (end > k && s->op[end - 1] == OP_KEEP)
                end--;
        return end + CONTEXT < s->n ? end + CONTEXT : s->n;
}

/* One hunk, script entries [START, END): its @@ line, then its lines. */
static void emit_hunk(FILE *f, const Script *s, const Line *la, const Line *lb, size_t start, size_t end) {
        size_t ca = 0, cb = 0;

        for (size_t x = start; x < end; x++) {
                ca += s->op[x] != OP_ADD;
                cb += s->op[x] != OP_DEL;
        }
        fputs("@@ -", f);
        emit_range(f, s->ai[start], ca);
        fputs(" +", f);
        emit_range(f, s->bi[start], cb);
        fputs(" @@\n", f);
        for (size_t x = start; x < end; x++)
                if (s->op[x] == OP_ADD)
                        emit_line(f, '+', &lb[s->bi[x]]);
                else
                        emit_line(f, s->op[x] == OP_KEEP ? ' ' : '-', &la[s->ai[x]]);
}

/* The hunks of S, under one ---/+++ header when there is any. */
static void emit_hunks(FILE *f, const char *label, bool created, const Script *s, const Line *la, const Line *lb) {
        const char *rel = label[0] == '/' ? label + 1 : label;
        bool header = false;

        for (size_t k = 0; k < s->n; ) {
                if (s->op[k] == OP_KEEP) {
                        k++;
                        continue;
                }
                size_t start = k > CONTEXT ? k - CONTEXT : 0, end = hunk_end(s, k);
                if (!header) {
                        if (created)
                                fprintf(f, "--- /dev/null\n+++ b/%s\n", rel);
                        else
                                fprintf(f, "--- a/%s\n+++ b/%s\n", rel, rel);
                        header = true;
                }
                emit_hunk(f, s, la, lb, start, end);
                k = end;
        }
}

int diff_unified(const char *label, const char *a, const char *b, char **ret) {
        _cleanup_free_ Line *la = NULL, *lb = NULL;
        _cleanup_(script_done) Script s = {};
        _cleanup_free_ char *buf = NULL;
        size_t na, nb, size = 0;
        FILE *f;
        int r;

        r = split_lines(a ?: "", &la, &na);
        if (r >= 0)
                r = split_lines(b, &lb, &nb);
        if (r >= 0)
                r = edit_script(la, na, lb, nb, &s);
        if (r < 0)
                return r;
        f = open_memstream(&buf, &size);
        if (!f)
                return -errno;
        emit_hunks(f, label, !a, &s, la, lb);
        /* fclose() both reports a failed write and sets BUF. */
        if (fclose(f) != 0)
                return -errno;
        *ret = TAKE_PTR(buf);
        return 0;
}
