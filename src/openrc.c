/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An OpenRC script's command line for memcached (openrc.h): its words from
 * the variables, and memcached's getopt over them. openrc_edit.c writes
 * edits of its options back into the variables.
 */
#include "openrc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "mcopt.h"
#include "util.h"

/* What the shell splits an unquoted expansion at (the default IFS). */
#define BLANKS " \t\n"
/* What makes a word a file name pattern to the shell. */
#define PATTERN_CHARS "*?["

void rc_line_done(RcLine *l) {
        for (size_t i = 0; i < l->n_words; i++)
                free(l->words[i]);
        free(l->words);
        free(l->src);
        free(l->opts);
        *l = (RcLine) {};
}

size_t rc_var_find(const RcVar *vars, size_t n_vars, const char *name) {
        for (size_t i = 0; i < n_vars; i++)
                if (streq_ptr(vars[i].name, name))
                        return i;
        return SIZE_MAX;
}

static const char *var_value(const RcVar *vars, size_t n_vars, const char *name) {
        size_t i = rc_var_find(vars, n_vars, name);
        return i == SIZE_MAX ? "" : vars[i].value;
}

bool rc_piece_present(const RcWord *p, const RcVar *vars, size_t n_vars, const char *ignore) {
        for (size_t i = 0; i < ELEMENTSOF(p->when); i++)
                if (p->when[i] && !streq_ptr(p->when[i], ignore) && !*var_value(vars, n_vars, p->when[i]))
                        return false;
        return !p->unless || !*var_value(vars, n_vars, p->unless);
}

bool rc_piece_end(const RcWord *p) {
        return !p->word && !p->var;
}

/* The line being built, with the capacity of each array. */
typedef struct Builder {
        RcLine *l;
        size_t words_cap, src_cap, opts_cap;
} Builder;

static int push_word(Builder *b, const char *s, size_t len, RcSource src) {
        RcLine *l = b->l;

        if (!GREEDY_REALLOC(l->words, b->words_cap, l->n_words + 1) ||
            !GREEDY_REALLOC(l->src, b->src_cap, l->n_words + 1))
                return -ENOMEM;
        if (!(l->words[l->n_words] = strndup(s, len)))
                return -ENOMEM;
        l->src[l->n_words++] = src;
        return 0;
}

/* The words of VARS[V] (read by piece P), as the shell splits its value;
 * a file name pattern is refused. */
static int split_var(Builder *b, size_t p, const RcVar *vars, size_t v, ErrorInfo *e) {
        const RcVar *var = &vars[v];
        size_t k = 0;
        int r;

        for (const char *s = var->value + strspn(var->value, BLANKS); *s; s += strspn(s, BLANKS)) {
                size_t len = strcspn(s, BLANKS), at = strcspn(s, PATTERN_CHARS);

                if (at < len)
                        return error_set(e, -EINVAL, "parse", var->subject, var->line,
                                         "write the value without '*', '?' and '[' (an IPv6 address without "
                                         "brackets), then run again",
                                         "'%.*s' in %s is a file name pattern to the init script's shell, which "
                                         "expands $%s without quotes and puts the names of matching files there",
                                         (int) len, s, var->name, var->name);
                r = push_word(b, s, len, (RcSource) { p, v, k++ });
                if (r < 0)
                        return r;
                s += len;
        }
        return 0;
}

static int build_words(const RcWord *command, const RcVar *vars, size_t n_vars, Builder *b, ErrorInfo *e) {
        int r = 0;

        for (size_t p = 0; !rc_piece_end(&command[p]) && r >= 0; p++) {
                size_t v;

                if (!rc_piece_present(&command[p], vars, n_vars, NULL))
                        continue;
                if (command[p].word) {
                        r = push_word(b, command[p].word, strlen(command[p].word), (RcSource) { p, SIZE_MAX, 0 });
                        continue;
                }
                v = rc_var_find(vars, n_vars, command[p].var);
                if (v == SIZE_MAX)
                        return -EINVAL; /* the caller gives every variable the command reads */
                r = split_var(b, p, vars, v, e);
        }
        return r;
}

/* Where a walk over the words is. */
typedef struct Walk {
        const RcWord *command;
        const RcVar *vars;
        size_t n_vars;
        const char *subject;
        Builder *b;
        ArgList *out;
        ErrorInfo *e;
} Walk;

/* The variable a problem with word I is told against: its own, else (a
 * word the script writes itself) the variable the script reads after it. */
static const RcVar *blame(const Walk *w, size_t i) {
        const RcSource *s = &w->b->l->src[i];
        size_t v = s->var;

        if (v == SIZE_MAX && w->command[s->piece + 1].var)
                v = rc_var_find(w->vars, w->n_vars, w->command[s->piece + 1].var);
        return v == SIZE_MAX ? NULL : &w->vars[v];
}

static int fail_at(const Walk *w, size_t i, const char *hint, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int fail_at(const Walk *w, size_t i, const char *hint, const char *fmt, ...) {
        const RcVar *v = blame(w, i);
        char detail[sizeof w->e->detail];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
        return error_set(w->e, -EINVAL, "parse", v ? v->subject : w->subject, v ? v->line : 0, hint, "%s", detail);
}

/* Adds the Arg of option (or word) O, with LETTER and VALUE, on its line. */
static int push_arg(Walk *w, char letter, const char *value, RcOpt o) {
        const RcLine *l = w->b->l;
        size_t at = o.value != SIZE_MAX && l->src[o.value].var != SIZE_MAX ? o.value : o.word;
        const RcSource *s = &l->src[at];
        unsigned line = s->var != SIZE_MAX && w->vars[s->var].local ? w->vars[s->var].line : 0;

        if (!GREEDY_REALLOC(w->b->l->opts, w->b->opts_cap, l->n_opts + 1))
                return -ENOMEM;
        w->b->l->opts[w->b->l->n_opts++] = o;
        return arglist_push(w->out, letter, value, NULL, line, true);
}

/* Whether V, the value of an option, is one the lenses refuse: none, or
 * what looks like another option ("-1" is a number). */
static bool value_missing(const char *v) {
        return !v || !*v || (v[0] == '-' && !(v[1] >= '0' && v[1] <= '9'));
}

/* The value TYPED ("-l", "--listen") needs, refused. I: its option's word;
 * NEXT: what getopt would take instead, or NULL. An option the script
 * writes itself takes its value from the variable it writes after it. */
static int needs_value(const Walk *w, size_t i, const char *typed, const char *next) {
        const RcLine *l = w->b->l;
        const RcVar *v = l->src[i].var == SIZE_MAX ? blame(w, i) : NULL;
        bool empty = !(i + 1 < l->n_words && l->src[i + 1].var != SIZE_MAX && &w->vars[l->src[i + 1].var] == v);
        char why[160] = "";
        int r;

        if (v)
                snprintf(why, sizeof why, ": the init script writes $%s after '%s'%s", v->name, typed,
                         empty ? ", and it holds no word" : "");
        if (next)
                r = fail_at(w, i, "memcached would take what follows as its value: give it its own, then run again",
                            "'%s' needs a value, but '%s' follows it%s", typed, next, why);
        else
                r = fail_at(w, i, "give it its value right after it, then run again", "'%s' needs a value%s", typed,
                            why);
        if (v)
                error_set_hint(w->e, "give %s a value, then run again", v->name);
        return r;
}

/* "-abc" at word I: flags, then at most one option taking the rest of the
 * word or the next word as its value. *TAKEN: words taken after I. */
static int read_short(Walk *w, size_t i, size_t *taken) {
        const RcLine *l = w->b->l;
        const char *word = l->words[i];

        for (size_t j = 1; word[j]; j++) {
                const McOption *o = mcopt_by_letter(word[j]);
                char typed[3] = { '-', word[j], '\0' };
                const char *v;

                if (!o && (unsigned char) word[j] < 0x80)
                        return fail_at(w, i, "memcached refuses to start with it: correct or remove it, then run again",
                                       "unknown option '-%c'", word[j]);
                if (!o)
                        return fail_at(w, i, "memcached refuses to start with it: correct or remove it, then run again",
                                       "unknown option in '%s'", word);
                if (!o->has_arg) {
                        int r = push_arg(w, o->letter, NULL, (RcOpt) { i, j, SIZE_MAX, 0 });
                        if (r < 0)
                                return r;
                        continue;
                }
                if (word[j + 1])
                        return value_missing(word + j + 1) ? needs_value(w, i, typed, word + j + 1)
                                                           : push_arg(w, o->letter, word + j + 1, (RcOpt) { i, j, i, j + 1 });
                v = i + 1 < l->n_words ? l->words[i + 1] : NULL;
                if (value_missing(v))
                        return needs_value(w, i, typed, v);
                *taken = 1;
                return push_arg(w, o->letter, v, (RcOpt) { i, j, i + 1, 0 });
        }
        return 0;
}

/* "--NAME" or "--NAME=VALUE" at word I, as getopt_long() reads it. */
static int read_long(Walk *w, size_t i, size_t *taken) {
        const RcLine *l = w->b->l;
        const char *word = l->words[i], *eq = strchr(word, '='), *v;
        _cleanup_free_ char *name = strndup(word + 2, eq ? (size_t) (eq - word - 2) : strlen(word + 2));
        const McOption *o;
        char typed[80];

        if (!name)
                return -ENOMEM;
        o = mcopt_by_long(name);
        if (!o)
                return fail_at(w, i, "memcached refuses to start with it: correct or remove it, then run again",
                               "unknown option '--%s'", name);
        snprintf(typed, sizeof typed, "--%s", name);
        if (!o->has_arg && eq && o->letter != 'v') /* --verbose=N: an optional value */
                return fail_at(w, i, "remove the value, then run again", "'%s' takes no value, but has '%s'", typed,
                               eq + 1);
        if (!o->has_arg)
                return push_arg(w, o->letter, eq ? eq + 1 : NULL, (RcOpt) { i, 0, eq ? i : SIZE_MAX, eq ? eq + 1 - word : 0 });
        if (eq)
                return value_missing(eq + 1) ? needs_value(w, i, typed, eq[1] ? eq + 1 : NULL)
                                             : push_arg(w, o->letter, eq + 1, (RcOpt) { i, 0, i, eq + 1 - word });
        v = i + 1 < l->n_words ? l->words[i + 1] : NULL;
        if (value_missing(v))
                return needs_value(w, i, typed, v);
        *taken = 1;
        return push_arg(w, o->letter, v, (RcOpt) { i, 0, i + 1, 0 });
}

/* memcached's getopt_long() over the words: it permutes, so options after
 * other words count, until "--". */
static int read_options(Walk *w) {
        const RcLine *l = w->b->l;
        bool options = true;
        int r = 0;

        for (size_t i = 0; i < l->n_words && r >= 0; i++) {
                const char *word = l->words[i];
                size_t taken = 0;

                if (!options || word[0] != '-' || word[1] == '\0' || streq_ptr(word, "--")) {
                        options = options && !streq_ptr(word, "--");
                        r = push_arg(w, ARG_WORD, word, (RcOpt) { i, 0, SIZE_MAX, 0 });
                } else if (word[1] == '-')
                        r = read_long(w, i, &taken);
                else
                        r = read_short(w, i, &taken);
                i += taken;
        }
        return r;
}

int rc_line_read(const RcWord *command, const RcVar *vars, size_t n_vars, const char *subject, RcLine *ret,
                 ArgList *out, ErrorInfo *e) {
        RcLine l = {};
        Builder b = { .l = &l };
        Walk w = { command, vars, n_vars, subject, &b, out, e };
        int r;

        r = build_words(command, vars, n_vars, &b, e);
        if (r >= 0)
                r = read_options(&w);
        if (r < 0) {
                rc_line_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}
