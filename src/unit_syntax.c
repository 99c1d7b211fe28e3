/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unit_syntax.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "util.h"

#define BLANKS " \t\n\r"

void unit_entries_free(UnitEntry *v, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(v[i].key);
                free(v[i].value);
                free(v[i].map);
        }
        free(v);
}

void unit_words_free(UnitWord *v, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(v[i].word);
        free(v);
}

/* A logical line being read: its bytes and, for each, its offset in the
 * text; continuations are appended as systemd's config_parse() does. */
typedef struct Logical {
        char *s;
        size_t *map;
        size_t n, cap, mcap;
        unsigned line;
} Logical;

static int logical_add(Logical *l, const char *text, size_t off, size_t len) {
        if (!GREEDY_REALLOC(l->s, l->cap, l->n + len + 1) || !GREEDY_REALLOC(l->map, l->mcap, l->n + len + 1))
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                l->s[l->n] = text[off + i];
                l->map[l->n++] = off + i;
        }
        l->s[l->n] = '\0';
        return 0;
}

/* Whether the logical line ends in a backslash that escapes nothing. */
static bool continues(const Logical *l) {
        bool escaped = false;

        for (size_t i = 0; i < l->n; i++)
                escaped = escaped ? false : l->s[i] == '\\';
        return escaped;
}

/* One complete logical line: a section header or KEY=VALUE of [Service]. */
static int take_line(Logical *l, bool *in_service, UnitEntry **v, size_t *n, size_t *cap) {
        size_t a = strspn(l->s, BLANKS), b = l->n, eq;
        UnitEntry *x;

        while (b > a && strchr(BLANKS, l->s[b - 1]))
                b--;
        if (a == b)
                return 0;
        if (l->s[a] == '[') {
                if (l->s[b - 1] != ']') /* systemd refuses to load the unit */
                        return -EINVAL;
                *in_service = b - a == 9 && memcmp(l->s + a, "[Service]", 9) == 0;
                return 0;
        }
        eq = a + strcspn(l->s + a, "=");
        if (eq >= b || !*in_service) /* systemd warns of a line without '=' and goes on */
                return 0;
        if (!GREEDY_REALLOC(*v, *cap, *n + 1))
                return -ENOMEM;
        x = &(*v)[*n];
        *x = (UnitEntry) { .line = l->line };
        size_t ke = eq, vs = eq + 1;
        while (ke > a && strchr(BLANKS, l->s[ke - 1]))
                ke--;
        vs += strspn(l->s + vs, BLANKS);
        if (vs > b)
                vs = b;
        x->key = strndup(l->s + a, ke - a);
        x->value = strndup(l->s + vs, b - vs);
        x->map = malloc((b - vs + 1) * sizeof *x->map);
        if (!x->key || !x->value || !x->map) {
                unit_entries_free(x, 1);
                return -ENOMEM;
        }
        memcpy(x->map, l->map + vs, (b - vs) * sizeof *x->map);
        x->map[b - vs] = b > vs ? l->map[b - 1] + 1 : (vs < l->n ? l->map[vs] : 0);
        (*n)++;
        return 0;
}

int unit_parse(const char *text, UnitEntry **ret, size_t *ret_n, unsigned *ret_line) {
        Logical l = {};
        UnitEntry *v = NULL;
        size_t n = 0, cap = 0, off = 0;
        bool in_service = false, open = false;
        unsigned no = 0;
        int r = 0;

        while (text[off] && r >= 0) {
                size_t len = strcspn(text + off, "\n");
                const char *s = text + off + strspn(text + off, " \t");

                no++;
                /* Comment lines are skipped, also inside a continuation. */
                if (!(s < text + off + len && (*s == '#' || *s == ';'))) {
                        if (!open)
                                l = (Logical) { .s = l.s, .map = l.map, .cap = l.cap, .mcap = l.mcap, .line = no };
                        r = logical_add(&l, text, off, len);
                        if (r >= 0 && continues(&l)) {
                                l.s[l.n - 1] = ' '; /* the backslash becomes a blank */
                                open = true;
                        } else if (r >= 0) {
                                open = false;
                                r = take_line(&l, &in_service, &v, &n, &cap);
                        }
                }
                off += len + (text[off + len] == '\n');
        }
        if (r >= 0 && open)
                r = take_line(&l, &in_service, &v, &n, &cap);
        free(l.s);
        free(l.map);
        if (r < 0) {
                unit_entries_free(v, n);
                if (ret_line)
                        *ret_line = l.line;
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

static int hexval(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The C escape at P (after the backslash) into OUT; its length, or
 * -EINVAL for one cunescape_one() does not know (the caller keeps it as
 * written, as systemd does). \u and \U are not decoded: no memcached option
 * needs them. */
static int unescape_one(const char *p, char *out) {
        static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''s ";
        for (const char *s = simple; *s; s += 2)
                if (*p == s[0]) {
                        *out = s[1];
                        return 1;
                }
        if (*p == 'x' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0 && (hexval(p[1]) | hexval(p[2])) != 0) {
                *out = (char) (hexval(p[1]) << 4 | hexval(p[2]));
                return 3;
        }
        if (p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7' &&
            (p[0] | p[1] | p[2]) != '0') {
                *out = (char) ((p[0] - '0') << 6 | (p[1] - '0') << 3 | (p[2] - '0'));
                return 3;
        }
        return -EINVAL;
}

/* The next word of VALUE from *POS: extract_first_word() with
 * EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE. 0 at the end. */
static int next_word(const char *value, bool cunescape, size_t *pos, UnitWord *ret) {
        _cleanup_free_ char *w = malloc(strlen(value) + 1);
        size_t i = *pos + strspn(value + *pos, BLANKS), k = 0, start = i;
        char quote = 0;

        if (!w)
                return -ENOMEM;
        if (!value[i])
                return 0;
        for (; value[i] && (quote || !strchr(BLANKS, value[i])); i++) {
                if (value[i] == '\\' && !cunescape) {
                        if (value[i + 1])
                                i++;
                        w[k++] = value[i];
                } else if (value[i] == '\\') {
                        int m = value[i + 1] ? unescape_one(value + i + 1, &w[k]) : -EINVAL;
                        if (m < 0 && !value[i + 1])
                                return m;
                        if (m < 0) { /* an escape systemd does not know stays as written */
                                w[k++] = value[i];
                                continue;
                        }
                        k++;
                        i += m;
                } else if (quote && value[i] == quote)
                        quote = 0;
                else if (!quote && (value[i] == '"' || value[i] == '\''))
                        quote = value[i];
                else
                        w[k++] = value[i];
        }
        if (quote)
                return -EINVAL;
        w[k] = '\0';
        *ret = (UnitWord) { .word = TAKE_PTR(w), .start = start, .end = i };
        *pos = i;
        return 1;
}

int unit_split(const char *value, bool cunescape, UnitWord **ret, size_t *ret_n) {
        UnitWord *v = NULL, w;
        size_t n = 0, cap = 0, pos = 0;
        int r;

        while ((r = next_word(value, cunescape, &pos, &w)) > 0) {
                if (!GREEDY_REALLOC(v, cap, n + 1)) {
                        free(w.word);
                        r = -ENOMEM;
                        break;
                }
                v[n++] = w;
        }
        if (r < 0) {
                unit_words_free(v, n);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

/* %I and %J: the instance or prefix with \xNN escapes undone (unit_name_unescape()). */
static void append_unescaped(FILE *f, const char *s) {
        for (; *s; s++)
                if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 && hexval(s[3]) >= 0) {
                        fputc(hexval(s[2]) << 4 | hexval(s[3]), f);
                        s += 3;
                } else
                        fputc(*s == '-' ? '/' : *s, f);
}

/* The prefix up to its first '-' (%j), for the letter L of %j/%J. */
static void append_spec(FILE *f, char l, const UnitNames *u) {
        const char *dash = strchr(u->prefix, '-');
        size_t pl = dash ? (size_t) (dash - u->prefix) : strlen(u->prefix);
        const char *dot = strrchr(u->name, '.');

        switch (l) {
        case 'n': fputs(u->name, f); break;
        case 'N': fprintf(f, "%.*s", (int) (dot ? dot - u->name : (long) strlen(u->name)), u->name); break;
        case 'p': fputs(u->prefix, f); break;
        case 'P': append_unescaped(f, u->prefix); break;
        case 'i': fputs(u->instance ?: "", f); break;
        case 'I': append_unescaped(f, u->instance ?: ""); break;
        case 'j': fprintf(f, "%.*s", (int) pl, u->prefix); break;
        case 'J': { _cleanup_free_ char *j = strndup(u->prefix, pl); if (j) append_unescaped(f, j); break; }
        case 'f': fputc('/', f); append_unescaped(f, u->instance ?: u->prefix); break;
        default: fputc('%', f); break;
        }
}

int unit_specifiers(const char *s, const UnitNames *u, char **ret, char *ret_spec) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        for (; *s; s++) {
                if (*s != '%') {
                        fputc(*s, f);
                        continue;
                }
                s++;
                if (!*s || !strchr("nNpPiIjJf%", *s)) {
                        fclose(f);
                        if (ret_spec)
                                *ret_spec = *s;
                        return -EOPNOTSUPP;
                }
                append_spec(f, *s, u);
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

const char *unit_env_get(const UnitVar *env, size_t n_env, const char *name) {
        for (size_t i = n_env; i > 0; i--)
                if (streq_ptr(env[i - 1].name, name))
                        return env[i - 1].value;
        return NULL;
}

static bool name_char(char c, bool first) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
}

const char *unit_split_var(const char *word, char *buf, size_t size) {
        size_t n = strlen(word);

        if (word[0] != '$' || word[1] == '{' || word[1] == '$' || n - 1 >= size)
                return NULL;
        memcpy(buf, word + 1, n);
        return buf;
}

/* ${NAME}, ${NAME:-alt} or ${NAME:+alt} at P (after "${"): appends its
 * value to F; the length consumed after "${", or 0 for no such form. */
static size_t expand_curly(const char *p, const UnitVar *env, size_t n_env, FILE *f) {
        size_t n = 0;
        const char *close, *v;
        _cleanup_free_ char *name = NULL;

        while (p[n] && name_char(p[n], n == 0))
                n++;
        if (n == 0 || !(name = strndup(p, n)))
                return 0;
        v = unit_env_get(env, n_env, name);
        if (p[n] == '}') {
                fputs(v ?: "", f);
                return n + 1;
        }
        if (p[n] != ':' || (p[n + 1] != '-' && p[n + 1] != '+') || !(close = strchr(p + n + 2, '}')))
                return 0;
        if (p[n + 1] == '-')
                fprintf(f, "%.*s", (int) (v && *v ? strlen(v) : (size_t) (close - p - n - 2)),
                        v && *v ? v : p + n + 2);
        else if (v && *v)
                fprintf(f, "%.*s", (int) (close - p - n - 2), p + n + 2);
        return (size_t) (close - p) + 1;
}

int unit_expand_word(const char *word, const UnitVar *env, size_t n_env, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, m;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        for (const char *p = word; *p; p++) {
                if (p[0] == '$' && p[1] == '$')
                        fputc(*++p, f);
                else if (p[0] == '$' && p[1] == '{' && (m = expand_curly(p + 2, env, n_env, f)) > 0)
                        p += 1 + m;
                else
                        fputc(*p, f);
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

int unit_quote(const char *word, bool exec, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        bool quote = !*word || strpbrk(word, BLANKS "\"'\\;") != NULL;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        if (quote)
                fputc('"', f);
        for (const char *p = word; *p; p++) {
                if (*p == '%' || (exec && *p == '$'))
                        fputc(*p, f);
                if (*p == '"' || *p == '\\')
                        fputc('\\', f);
                fputc(*p, f);
        }
        if (quote)
                fputc('"', f);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}
