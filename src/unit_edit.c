/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The unit store's edit (unit_edit.h): the policy's edits of a unit's
 * command line as new text for the file they go to, in place where the
 * words were read or as memharden's drop-in.
 */
#include "unit_edit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "util.h"

#define DROPIN_HEADER                                                                       \
        "# Written by memharden: memcached listens only where it is safe, without UDP.\n" \
        "# 'memharden rollback' removes this file.\n"

/* A change to one word of the ExecStart= value or of an Environment=
 * assignment, in the value's coordinates: [START, END) becomes REPL. */
typedef struct Splice {
        size_t start, end;
        char *repl;
} Splice;

typedef struct Plan {
        char **word;      /* the new argv word J (NULL: as it is) */
        bool *gone;       /* argv word J removed */
        char **added;     /* words appended to the command line */
        size_t n_added;
} Plan;

static void plan_done(Plan *p, size_t argc) {
        for (size_t j = 0; j < argc; j++)
                free(p->word ? p->word[j] : NULL);
        free(p->word);
        free(p->gone);
        for (size_t i = 0; i < p->n_added; i++)
                free(p->added[i]);
        free(p->added);
}

/* The policy's EDITS as changes to D's argv words. -EINVAL for an option
 * that shares its word with others ("-vl0.0.0.0"). */
static int plan_words(const UnitData *d, const Edit *edits, size_t n_edits, Plan *p) {
        size_t argc = d->exec.argc;

        p->word = calloc(argc, sizeof *p->word);
        p->gone = calloc(argc, sizeof *p->gone);
        p->added = calloc(2 * n_edits + 1, sizeof *p->added);
        if (!p->word || !p->gone || !p->added)
                return -ENOMEM;
        for (size_t i = 0; i < n_edits; i++) {
                const Edit *ed = &edits[i];
                const McArgPos *at = ed->op == EDIT_APPEND ? NULL : &d->pos[ed->arg];
                size_t wj = at ? at->word + 1 : 0, vj = at ? at->value + 1 : 0;

                if (ed->op == EDIT_APPEND) {
                        if (asprintf(&p->added[p->n_added], "-%c", ed->letter) < 0 ||
                            !(p->added[++p->n_added] = strdup(ed->value)))
                                return -ENOMEM;
                        p->n_added++;
                        continue;
                }
                if (at->cluster > 1)
                        return -EINVAL;
                if (ed->op == EDIT_DELETE)
                        p->gone[wj] = p->gone[vj] = true;
                else if (vj != wj)
                        p->word[vj] = strdup(ed->value);
                else if (asprintf(&p->word[wj], "%.*s%s", (int) (at->offset ? at->offset + 1 : strcspn(
                                  d->exec.argv[wj].word, "=") + 1), d->exec.argv[wj].word, ed->value) < 0)
                        p->word[wj] = NULL;
                if (ed->op == EDIT_SET && !p->word[vj != wj ? vj : wj])
                        return -ENOMEM;
        }
        return 0;
}

/* Word J as it will be: NULL when removed. */
static const char *new_word(const UnitData *d, const Plan *p, size_t j) {
        return p->gone[j] ? NULL : p->word[j] ?: d->exec.argv[j].word;
}

/* Whether any argv word from token K changes. */
static bool token_changed(const UnitData *d, const Plan *p, size_t k) {
        for (size_t j = 1; j < d->exec.argc; j++)
                if (d->exec.argv[j].token == k && (p->gone[j] || p->word[j]))
                        return true;
        return false;
}

/* The first argv word of token K, and one past its last. */
static void token_words(const UnitData *d, size_t k, size_t *ret_a, size_t *ret_b) {
        size_t a = d->exec.argc, b = a;

        for (size_t j = 1; j < d->exec.argc; j++)
                if (d->exec.argv[j].token == k) {
                        if (a == d->exec.argc)
                                a = j;
                        b = j + 1;
                }
        *ret_a = a;
        *ret_b = a == d->exec.argc ? a : b;
}

/* Words V[0, N) joined with blanks, each quoted for a command line (EXEC)
 * or for one word of a variable's value (no blank or quote may be in it). */
static int join_words(char *const *v, size_t n, bool exec, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int r = 0;

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *q = NULL;
                if (!v[i])
                        continue;
                if (!exec && strpbrk(v[i], " \t\"'\\"))
                        r = -EINVAL;
                else if ((r = exec ? unit_quote(v[i], true, &q) : 0) >= 0)
                        fprintf(f, "%s%s", size > 0 || ftell(f) > 0 ? " " : "", exec ? q : v[i]);
        }
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* The new words of token K (argv words [A, B)), then ADDED when it takes them. */
static int token_new_words(const UnitData *d, const Plan *p, size_t a, size_t b, bool with_added, char ***ret,
                           size_t *ret_n) {
        char **v = calloc(b - a + p->n_added + 1, sizeof *v);
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t j = a; j < b; j++)
                if (new_word(d, p, j))
                        v[n++] = (char *) new_word(d, p, j);
        for (size_t i = 0; with_added && i < p->n_added; i++)
                v[n++] = p->added[i];
        *ret = v;
        *ret_n = n;
        return 0;
}

typedef struct Splices {
        Splice *v;
        size_t n, cap;
} Splices;

static void splices_done(Splices *s) {
        for (size_t i = 0; i < s->n; i++)
                free(s->v[i].repl);
        free(s->v);
}

static int splice_add(Splices *s, size_t start, size_t end, char *repl) {
        if (!repl)
                return -ENOMEM;
        if (!GREEDY_REALLOC(s->v, s->cap, s->n + 1)) {
                free(repl);
                return -ENOMEM;
        }
        s->v[s->n++] = (Splice) { start, end, repl };
        return 0;
}

static int cmp_splice(const void *a, const void *b) {
        const Splice *x = a, *y = b;
        return (x->start > y->start) - (x->start < y->start);
}

/* TEXT with S applied (sorted here); a removal also takes the blanks
 * before it. */
static int apply_splices(const char *text, Splices *s, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, at = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        qsort(s->v, s->n, sizeof *s->v, cmp_splice);
        for (size_t i = 0; i < s->n; i++) {
                size_t start = s->v[i].start;
                if (!*s->v[i].repl)
                        while (start > at && (text[start - 1] == ' ' || text[start - 1] == '\t'))
                                start--;
                if (start < at)
                        start = at;
                fprintf(f, "%.*s%s", (int) (start - at), text + at, s->v[i].repl);
                at = s->v[i].end > at ? s->v[i].end : at;
        }
        fputs(text + at, f);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* [START, END) of entry EN's value in its file's text: -EINVAL when the
 * span is not one run of the text (a word broken over a continuation). */
static int to_text(const UnitEntry *en, size_t start, size_t end, size_t *ret_start, size_t *ret_end) {
        if (end == start) {
                *ret_start = *ret_end = start > 0 ? en->map[start - 1] + 1 : en->map[0];
                return 0;
        }
        if (en->map[end - 1] - en->map[start] != end - 1 - start)
                return -EINVAL;
        *ret_start = en->map[start];
        *ret_end = en->map[end - 1] + 1;
        return 0;
}

typedef struct Render {
        const UnitData *d;
        const Plan *p;
        bool inplace;               /* the target is the admin's own file, edited where the words are */
        bool exec_here;             /* ... and holds the ExecStart= (else only its Environment= changes) */
        bool env_form;
        const UnitEnv *append_var;  /* the variable the additions join, or NULL */
        Splices exec;               /* in the ExecStart= value */
        Splices text;               /* in the target's text (in place) */
        FILE *env_lines;            /* Environment= lines for the drop-in */
} Render;

static bool env_editable(const Render *x, const UnitEnv *v) {
        return v && v->source != UNIT_NO_SOURCE && unit_var_uses(&x->d->exec, v) == 1 && (!x->inplace || v->source == x->d->target);
}

/* Where the additions go and whether the drop-in can be Environment= lines. */
static void decide(Render *x) {
        const UnitData *d = x->d;
        size_t last = d->exec.n_tokens - 1, a, b;

        token_words(d, last, &a, &b);
        x->append_var = a < b && env_editable(x, d->exec.argv[a].var) ? d->exec.argv[a].var : NULL;
        x->env_form = !x->inplace && (x->p->n_added == 0 || x->append_var);
        for (size_t k = 1; k <= last && x->env_form; k++) {
                token_words(d, k, &a, &b);
                if (token_changed(d, x->p, k) && !env_editable(x, d->exec.argv[a].var))
                        x->env_form = false;
        }
        if (!x->inplace && !x->env_form)
                x->append_var = NULL; /* the command line is rewritten whole: additions go at its end */
}

/* VAR's new value as one Environment= assignment: spliced where it was
 * read (in place) or as a line of the drop-in. */
static int set_env(Render *x, const UnitEnv *var, char *const *words, size_t n) {
        _cleanup_free_ char *value = NULL, *assign = NULL, *q = NULL;
        const UnitEntry *en;
        UnitWord *w = NULL;
        size_t nw = 0, s, t;
        int r;

        r = join_words(words, n, false, &value);
        if (r < 0)
                return r;
        if (asprintf(&assign, "%s=%s", var->name, value) < 0 || unit_quote(assign, false, &q) < 0)
                return -ENOMEM;
        if (!x->inplace) {
                fprintf(x->env_lines, "Environment=%s\n", q);
                return 0;
        }
        en = &x->d->unit->sources[var->source].entries[var->entry];
        r = unit_split(en->value, true, &w, &nw);
        if (r >= 0 && var->word >= nw)
                r = -EINVAL;
        if (r >= 0)
                r = to_text(en, w[var->word].start, w[var->word].end, &s, &t);
        unit_words_free(w, nw);
        return r < 0 ? r : splice_add(&x->text, s, t, TAKE_PTR(q));
}

/* Token K's change: its variable's new value, or its new words in place of it. */
static int change_token(Render *x, size_t k) {
        const UnitData *d = x->d;
        _cleanup_free_ char **words = NULL;
        bool with_added;
        const UnitEnv *var;
        size_t a, b, n = 0;
        char *repl;
        int r;

        token_words(d, k, &a, &b);
        var = a < b ? d->exec.argv[a].var : NULL;
        with_added = x->append_var && var == x->append_var && k == d->exec.n_tokens - 1;
        if (!token_changed(d, x->p, k) && !with_added)
                return 0;
        r = token_new_words(d, x->p, a, b, with_added, &words, &n);
        if (r < 0)
                return r;
        if (env_editable(x, var) && (x->inplace || x->env_form))
                return set_env(x, var, words, n);
        if (x->inplace && !x->exec_here)
                return -EINVAL; /* unit_store.c chose this file for its assignments alone */
        r = join_words(words, n, true, &repl);
        return r < 0 ? r : splice_add(&x->exec, d->exec.tokens[k].start, d->exec.tokens[k].end, repl);
}

/* The additions no variable took, after the last word. */
static int append_words(Render *x) {
        size_t end = x->d->exec.tokens[x->d->exec.n_tokens - 1].end;
        _cleanup_free_ char *joined = NULL;
        char *repl;
        int r;

        if (x->p->n_added == 0 || x->append_var)
                return 0;
        if (x->inplace && !x->exec_here)
                return -EINVAL;
        r = join_words(x->p->added, x->p->n_added, true, &joined);
        if (r < 0)
                return r;
        if (asprintf(&repl, " %s", joined) < 0)
                return -ENOMEM;
        return splice_add(&x->exec, end, end, repl);
}

/* The target's new text in place: the command line's splices moved to the text. */
static int render_in_place(Render *x, char **ret) {
        const UnitSource *t = &x->d->unit->sources[x->d->target];
        const UnitEntry *en = &t->entries[x->d->exec.entry];
        int r = 0;

        for (size_t i = 0; i < x->exec.n && r >= 0; i++) {
                size_t s, e;
                r = to_text(en, x->exec.v[i].start, x->exec.v[i].end, &s, &e);
                if (r >= 0)
                        r = splice_add(&x->text, s, e, TAKE_PTR(x->exec.v[i].repl));
        }
        x->exec.n = 0;
        return r < 0 ? r : apply_splices(t->text, &x->text, ret);
}

/* Memharden's drop-in: what it has, then the new lines. */
static int render_dropin(Render *x, const char *env_lines, char **ret) {
        const UnitSource *t = &x->d->unit->sources[x->d->target];
        const UnitEntry *en = &x->d->unit->sources[x->d->exec.source].entries[x->d->exec.entry];
        _cleanup_free_ char *value = NULL;
        size_t l = strlen(t->text);
        int r;

        if (!x->env_form) {
                r = apply_splices(en->value, &x->exec, &value);
                if (r < 0)
                        return r;
        }
        r = asprintf(ret, "%s%s%s[Service]\n%s%s%s%s", t->text, l > 0 && t->text[l - 1] != '\n' ? "\n" : "",
                     l == 0 ? DROPIN_HEADER : "", x->env_form ? env_lines : "",
                     x->env_form ? "" : "ExecStart=\nExecStart=", x->env_form ? "" : value, x->env_form ? "" : "\n");
        return r < 0 ? -ENOMEM : 0;
}

int unit_edit(const UnitData *d, const Edit *edits, size_t n_edits, char **ret_text) {
        _cleanup_free_ char *env_lines = NULL;
        size_t env_size = 0;
        Plan p = {};
        Render x = { .d = d, .p = &p, .inplace = !d->unit->sources[d->target].ours,
                     .exec_here = d->target == d->exec.source };
        int r;

        x.env_lines = open_memstream(&env_lines, &env_size);
        if (!x.env_lines)
                return -ENOMEM;
        r = plan_words(d, edits, n_edits, &p);
        if (r >= 0) {
                decide(&x);
                for (size_t k = 1; k < d->exec.n_tokens && r >= 0; k++)
                        r = change_token(&x, k);
        }
        if (r >= 0)
                r = append_words(&x);
        if (fclose(x.env_lines) != 0 && r >= 0)
                r = -ENOMEM;
        if (r >= 0)
                r = x.inplace ? render_in_place(&x, ret_text) : render_dropin(&x, env_lines, ret_text);
        plan_done(&p, d->exec.argc);
        splices_done(&x.exec);
        splices_done(&x.text);
        return r;
}

