/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Edits of an OpenRC script's command line (openrc.h): each changed,
 * removed or added option written into the variable its words come from,
 * as that variable's new value.
 */
#include "openrc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "util.h"

/* What the shell splits an unquoted expansion at (the default IFS). */
#define BLANKS " \t\n"

/* One variable's words as an edit leaves them. */
typedef struct VarWords {
        char **w;           /* its words as split; NULL where one goes */
        size_t n;
        char **added;       /* words added after them */
        size_t n_added, added_cap;
        bool touched, must_empty;
} VarWords;

static void var_words_free(VarWords *v, size_t n) {
        for (size_t i = 0; v && i < n; i++) {
                for (size_t k = 0; k < v[i].n; k++)
                        free(v[i].w[k]);
                for (size_t k = 0; k < v[i].n_added; k++)
                        free(v[i].added[k]);
                free(v[i].w);
                free(v[i].added);
        }
        free(v);
}

/* Every variable's words, split as build_words() splits them. */
static int var_words_new(const RcVar *vars, size_t n_vars, VarWords **ret) {
        VarWords *v = calloc(n_vars ?: 1, sizeof *v);

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n_vars; i++) {
                const char *s = vars[i].value;
                size_t cap = 0;

                for (s += strspn(s, BLANKS); *s; s += strspn(s, BLANKS)) {
                        size_t len = strcspn(s, BLANKS);
                        if (!GREEDY_REALLOC(v[i].w, cap, v[i].n + 1) || !(v[i].w[v[i].n] = strndup(s, len))) {
                                var_words_free(v, i + 1);
                                return -ENOMEM;
                        }
                        v[i].n++;
                        s += len;
                }
        }
        *ret = v;
        return 0;
}

static int add_word(VarWords *v, const char *word) {
        if (!GREEDY_REALLOC(v->added, v->added_cap, v->n_added + 1) || !(v->added[v->n_added] = strdup(word)))
                return -ENOMEM;
        v->n_added++;
        v->touched = true;
        return 0;
}

/* Replaces word S of its variable with NEW (taken). */
static void set_word(VarWords *vw, const RcSource *s, char *new) {
        free(vw[s->var].w[s->k]);
        vw[s->var].w[s->k] = new;
        vw[s->var].touched = true;
}

/* What an edit is made in: the file edited (for messages), the line, the
 * variables. */
typedef struct EditCtx {
        const char *subject;
        const RcWord *command;
        const RcLine *l;
        const RcVar *vars;
        size_t n_vars;
        VarWords *vw;
        ErrorInfo *e;
} EditCtx;

static int refuse_script_word(const EditCtx *x, const RcOpt *o) {
        return error_set(x->e, -EINVAL, "edit", x->subject, 0,
                         "make it the only one of memcached's command line by hand, then run again",
                         "'%s' is written by the init script itself, and memharden would have to change or remove it",
                         x->l->words[o->word]);
}

static int edit_set(const EditCtx *x, const RcOpt *o, const char *value) {
        const RcSource *s;
        char *new;

        if (o->value == SIZE_MAX || x->l->src[o->value].var == SIZE_MAX)
                return refuse_script_word(x, o);
        s = &x->l->src[o->value];
        if (asprintf(&new, "%.*s%s", (int) o->value_at, x->l->words[o->value], value) < 0)
                return -ENOMEM;
        set_word(x->vw, s, new);
        return 0;
}

/* Removes option O and its value. An option the script writes only while
 * its variable is set ("-l" ${LISTENON}) goes with the variable's words. */
static int edit_delete(const EditCtx *x, const RcOpt *o) {
        const RcSource *so = &x->l->src[o->word], *sv = o->value == SIZE_MAX ? NULL : &x->l->src[o->value];
        const RcWord *piece = &x->command[so->piece];
        char *prefix;

        if (so->var == SIZE_MAX) {
                if (!sv || sv->var == SIZE_MAX ||
                    !(streq_ptr(piece->when[0], x->vars[sv->var].name) || streq_ptr(piece->when[1], x->vars[sv->var].name)))
                        return refuse_script_word(x, o);
                x->vw[sv->var].must_empty = true;
        } else if (o->at > 1) { /* the flags before it stay: "-vU 11211" becomes "-v" */
                if (!(prefix = strndup(x->l->words[o->word], o->at)))
                        return -ENOMEM;
                set_word(x->vw, so, prefix);
        } else
                set_word(x->vw, so, NULL);
        if (sv && o->value != o->word) {
                if (sv->var == SIZE_MAX)
                        return refuse_script_word(x, o);
                set_word(x->vw, sv, NULL);
        }
        return 0;
}

static bool has_words(const VarWords *v) {
        for (size_t k = 0; k < v->n; k++)
                if (v->w[k])
                        return true;
        return v->n_added > 0;
}

/* The variable an added -LETTER goes to: the one the script reads right
 * after its own "-LETTER", where the script would write that, else
 * FREE_VAR (SIZE_MAX: none). */
static size_t append_target(const EditCtx *x, const char *free_var, char letter) {
        for (size_t p = 0; !rc_piece_end(&x->command[p]) && !rc_piece_end(&x->command[p + 1]); p++) {
                const RcWord *opt = &x->command[p], *var = &x->command[p + 1];
                size_t v;

                if (!opt->word || opt->word[0] != '-' || opt->word[1] != letter || opt->word[2] || !var->var)
                        continue;
                v = rc_var_find(x->vars, x->n_vars, var->var);
                if (v != SIZE_MAX && !has_words(&x->vw[v]) && rc_piece_present(opt, x->vars, x->n_vars, var->var) &&
                    rc_piece_present(var, x->vars, x->n_vars, NULL))
                        return v;
        }
        return rc_var_find(x->vars, x->n_vars, free_var);
}

static int edit_append(const EditCtx *x, const char *free_var, const Edit *ed) {
        size_t v = append_target(x, free_var, ed->letter);
        char opt[3] = { '-', ed->letter, '\0' };
        int r;

        if (v == SIZE_MAX)
                return error_set(x->e, -EINVAL, "edit", x->subject, 0, NULL,
                                 "no variable of the init script's command line can take '%s'", opt);
        if (!streq_ptr(x->vars[v].name, free_var))
                return add_word(&x->vw[v], ed->value);
        r = add_word(&x->vw[v], opt);
        return r < 0 ? r : add_word(&x->vw[v], ed->value);
}

/* V's new value into OUT: as written (RAW, whose words are V's) with each
 * word changed or removed in place and the separators kept, added words
 * after the last one; joined with blanks where RAW is NULL. */
static void write_value(const char *raw, const VarWords *v, FILE *out) {
        const char *p = raw ?: "", *lead = p;
        size_t lead_len = strspn(p, BLANKS);
        bool any = false;

        for (size_t k = 0; k < v->n; k++) {
                const char *sep = p;
                size_t sep_len = strspn(p, BLANKS);

                p += sep_len;
                p += strcspn(p, BLANKS);
                if (!v->w[k])
                        continue;
                if (raw) /* the first word kept takes the value's leading blanks */
                        fprintf(out, "%.*s", (int) (any ? sep_len : lead_len), any ? sep : lead);
                else if (any)
                        fputc(' ', out);
                fputs(v->w[k], out);
                any = true;
        }
        for (size_t k = 0; k < v->n_added; k++) {
                if (any || !raw)
                        fputs(any ? " " : "", out);
                else
                        fprintf(out, "%.*s", (int) lead_len, lead);
                fputs(v->added[k], out);
                any = true;
        }
        if (raw && any)
                fputs(p, out); /* its trailing blanks */
}

static int var_text(const RcVar *var, const VarWords *v, char **ret) {
        /* Spacing is kept where the value is written out as it is read. */
        const char *raw = var->local && var->raw && !strchr(var->raw, '$') ? var->raw : NULL;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);

        if (!out)
                return -ENOMEM;
        write_value(raw, v, out);
        if (fclose(out) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

void rc_changes_free(RcChange *v, size_t n) {
        for (size_t i = 0; v && i < n; i++)
                free(v[i].value);
        free(v);
}

/* The changes of the variables X's edits touched, in the order of VARS. */
static int collect_changes(const EditCtx *x, RcChange **ret, size_t *ret_n) {
        RcChange *v = calloc(x->n_vars ?: 1, sizeof *v);
        size_t n = 0;
        int r = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < x->n_vars && r >= 0; i++) {
                if (x->vw[i].must_empty && has_words(&x->vw[i]))
                        r = error_set(x->e, -EINVAL, "edit", x->vars[i].subject, x->vars[i].line,
                                      "leave only the listen address in it, then run again",
                                      "the init script writes its option before all of $%s, which holds more than "
                                      "that option's value", x->vars[i].name);
                else if (x->vw[i].touched) {
                        v[n].var = i;
                        r = var_text(&x->vars[i], &x->vw[i], &v[n].value);
                        n += r >= 0;
                }
        }
        if (r < 0) {
                rc_changes_free(v, n);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

int rc_line_edit(const RcWord *command, const char *free_var, const RcLine *l, const RcVar *vars, size_t n_vars,
                 const Edit *edits, size_t n_edits, const char *subject, RcChange **ret, size_t *ret_n,
                 ErrorInfo *e) {
        VarWords *vw = NULL;
        int r;

        r = var_words_new(vars, n_vars, &vw);
        if (r < 0)
                return r;
        EditCtx x = { subject, command, l, vars, n_vars, vw, e };
        for (size_t i = 0; i < n_edits && r >= 0; i++) {
                bool append = edits[i].op == EDIT_APPEND;
                const RcOpt *o = append || edits[i].arg >= l->n_opts ? NULL : &l->opts[edits[i].arg];

                if (!append && !o)
                        r = -EINVAL;
                else if (edits[i].op == EDIT_SET)
                        r = edit_set(&x, o, edits[i].value);
                else if (edits[i].op == EDIT_DELETE)
                        r = edit_delete(&x, o);
                else
                        r = edit_append(&x, free_var, &edits[i]);
        }
        if (r >= 0)
                r = collect_changes(&x, ret, ret_n);
        var_words_free(vw, n_vars);
        return r;
}
