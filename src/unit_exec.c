/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unit_exec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "util.h"

void unit_exec_done(UnitExec *x) {
        unit_words_free(x->tokens, x->n_tokens);
        for (size_t i = 0; i < x->argc; i++)
                free(x->argv[i].word);
        free(x->argv);
        for (size_t i = 0; i < x->n_env; i++) {
                free(x->env[i].name);
                free(x->env[i].value);
        }
        free(x->env);
        *x = (UnitExec) {};
}

static UnitNames names_of(const Unit *u) {
        return (UnitNames) { .name = u->name, .prefix = u->prefix, .instance = u->instance };
}

/* Every [Service] entry KEY of U in order: S the source, E the entry. */
#define FOREACH_ENTRY(u, s, e, KEY)                                                  \
        for (size_t s = 0; s < (u)->n_sources; s++)                                   \
                for (size_t e = 0; e < (u)->sources[s].n_entries; e++)               \
                        if (streq_ptr((u)->sources[s].entries[e].key, KEY))

int unit_env_files(const Unit *u, char ***ret_paths, bool **ret_optional, size_t *ret_n) {
        UnitNames names = names_of(u);
        char **paths = NULL;
        bool *optional = NULL;
        size_t n = 0, cap = 0, ocap = 0;
        int r = 0;

        FOREACH_ENTRY(u, s, e, "EnvironmentFile") {
                const char *v = u->sources[s].entries[e].value;
                if (r < 0)
                        break;
                if (!*v) { /* an empty assignment resets the list */
                        for (size_t i = 0; i < n; i++)
                                free(paths[i]);
                        n = 0;
                        continue;
                }
                if (!GREEDY_REALLOC(paths, cap, n + 1) || !GREEDY_REALLOC(optional, ocap, n + 1)) {
                        r = -ENOMEM;
                        break;
                }
                optional[n] = *v == '-';
                r = unit_specifiers(v + optional[n], &names, &paths[n], NULL);
                n += r >= 0;
        }
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        free(paths[i]);
                free(paths);
                free(optional);
                return r == -EOPNOTSUPP ? -ENOEXEC : r;
        }
        *ret_paths = paths;
        *ret_optional = optional;
        *ret_n = n;
        return 0;
}

static int env_push(UnitExec *x, size_t *cap, const char *name, size_t nl, const char *value, size_t source,
                    size_t entry, size_t word, const char *file) {
        UnitEnv *v;

        if (!GREEDY_REALLOC(x->env, *cap, x->n_env + 1))
                return -ENOMEM;
        v = &x->env[x->n_env];
        *v = (UnitEnv) { .source = source, .entry = entry, .word = word, .file = file };
        if (!(v->name = strndup(name, nl)) || !(v->value = strdup(value))) {
                free(v->name);
                return -ENOMEM;
        }
        x->n_env++;
        return 0;
}

static void env_reset(UnitExec *x) {
        for (size_t i = 0; i < x->n_env; i++) {
                free(x->env[i].name);
                free(x->env[i].value);
        }
        x->n_env = 0;
}

/* Environment= in order (an empty one resets), then the files' variables,
 * which win: the last of a name counts (unit_env_get()). */
static int build_env(const Unit *u, const UnitVar *fv, const char *const *file_of, size_t n_fv, UnitExec *x) {
        UnitNames names = names_of(u);
        size_t cap = 0;
        int r = 0;

        FOREACH_ENTRY(u, s, e, "Environment") {
                UnitWord *w = NULL;
                size_t n = 0;

                if (r < 0)
                        break;
                if (!*u->sources[s].entries[e].value) {
                        env_reset(x);
                        continue;
                }
                r = unit_split(u->sources[s].entries[e].value, true, &w, &n);
                for (size_t k = 0; r >= 0 && k < n; k++) {
                        _cleanup_free_ char *a = NULL;
                        const char *eq;
                        r = unit_specifiers(w[k].word, &names, &a, NULL);
                        eq = r >= 0 ? strchr(a, '=') : NULL;
                        if (eq && eq > a) /* systemd ignores a word that is no assignment */
                                r = env_push(x, &cap, a, (size_t) (eq - a), eq + 1, s, e, k, NULL);
                }
                unit_words_free(w, n);
        }
        for (size_t i = 0; r >= 0 && i < n_fv; i++)
                r = env_push(x, &cap, fv[i].name, strlen(fv[i].name), fv[i].value, UNIT_NO_SOURCE, 0, 0, file_of[i]);
        return r == -EOPNOTSUPP || r == -EINVAL ? -ENOEXEC : r;
}

/* The ExecStart= in effect: the one left after the last reset. */
static int find_exec_start(const Unit *u, UnitExec *x, const char **why) {
        size_t n = 0;

        FOREACH_ENTRY(u, s, e, "ExecStart") {
                if (!*u->sources[s].entries[e].value) {
                        n = 0;
                        continue;
                }
                x->source = s;
                x->entry = e;
                n++;
        }
        if (n == 1)
                return 0;
        *why = n == 0 ? "it has no ExecStart=" : "it has more than one ExecStart=, which systemd refuses for a service";
        return -ENOEXEC;
}

static const UnitEnv *env_find(const UnitExec *x, const char *name) {
        for (size_t i = x->n_env; i > 0; i--)
                if (streq_ptr(x->env[i - 1].name, name))
                        return &x->env[i - 1];
        return NULL;
}

static int argv_push(UnitExec *x, size_t *cap, char *word, size_t token, const UnitEnv *var, size_t piece) {
        if (!GREEDY_REALLOC(x->argv, *cap, x->argc + 1)) {
                free(word);
                return -ENOMEM;
        }
        x->argv[x->argc++] = (ExecWord) { .word = word, .token = token, .var = var, .piece = piece };
        return 0;
}

/* Token K (WORD), specifiers resolved, into the command line: $NAME alone
 * as its value split at blanks, any other with ${NAME} and $$ expanded
 * from TABLE (the environment in UnitVar shape). */
static int expand_token(const Unit *u, UnitExec *x, size_t k, const char *word, const UnitVar *table, size_t *cap) {
        UnitNames names = names_of(u);
        _cleanup_free_ char *resolved = NULL;
        char buf[256], *out;
        const char *name;
        int r;

        r = unit_specifiers(word, &names, &resolved, NULL);
        if (r < 0)
                return r;
        name = x->no_env ? NULL : unit_split_var(resolved, buf, sizeof buf);
        if (name) {
                const UnitEnv *var = env_find(x, name);
                UnitWord *w = NULL;
                size_t n = 0;

                r = var ? unit_split(var->value, false, &w, &n) : 0;
                for (size_t j = 0; r >= 0 && j < n; j++)
                        r = argv_push(x, cap, TAKE_PTR(w[j].word), k, var, j);
                unit_words_free(w, n);
                return r;
        }
        if (x->no_env)
                out = TAKE_PTR(resolved);
        else if ((r = unit_expand_word(resolved, table, x->n_env, &out)) < 0)
                return r;
        return argv_push(x, cap, out, k, NULL, 0);
}

/* unit_expand_word() looks variables up in a UnitVar table: ours in that shape. */
static int env_table(const UnitExec *x, UnitVar **ret) {
        UnitVar *v = calloc(x->n_env ?: 1, sizeof *v);

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < x->n_env; i++)
                v[i] = (UnitVar) { x->env[i].name, x->env[i].value };
        *ret = v;
        return 0;
}

/* The program (the first word, less its prefix; with '@' the second word
 * is only argv[0]'s name and memcached never sees it), then the rest. */
static int build_argv(const Unit *u, UnitExec *x) {
        _cleanup_free_ UnitVar *table = NULL;
        _cleanup_free_ char *path = NULL;
        UnitNames names = names_of(u);
        size_t cap = 0, first = strspn(x->tokens[0].word, "-@:+!");
        int r;

        x->no_env = memchr(x->tokens[0].word, ':', first) != NULL;
        x->separate_argv0 = memchr(x->tokens[0].word, '@', first) != NULL;
        if (x->separate_argv0 && x->n_tokens < 2)
                return -EINVAL; /* '@' with no argv[0] after the path */
        r = env_table(x, &table);
        if (r >= 0)
                r = unit_specifiers(x->tokens[0].word + first, &names, &path, NULL);
        if (r >= 0)
                r = argv_push(x, &cap, TAKE_PTR(path), 0, NULL, 0);
        for (size_t k = x->separate_argv0 ? 2 : 1; r >= 0 && k < x->n_tokens; k++)
                r = streq_ptr(x->tokens[k].word, ";") ? -EINVAL /* a second command */
                                                       : expand_token(u, x, k, x->tokens[k].word, table, &cap);
        return r;
}

int unit_exec_build(const Unit *u, const UnitVar *file_vars, const char *const *file_of, size_t n_file_vars,
                    UnitExec *ret, const char **ret_why) {
        UnitExec x = {};
        int r;

        *ret_why = NULL;
        r = find_exec_start(u, &x, ret_why);
        if (r >= 0)
                r = build_env(u, file_vars, file_of, n_file_vars, &x);
        if (r >= 0) {
                r = unit_split(u->sources[x.source].entries[x.entry].value, true, &x.tokens, &x.n_tokens);
                if (r >= 0 && x.n_tokens == 0)
                        r = -EINVAL;
        }
        if (r >= 0)
                r = build_argv(u, &x);
        if (r == -EINVAL || r == -EOPNOTSUPP || (r == -ENOEXEC && !*ret_why)) {
                *ret_why = "its ExecStart= uses a specifier, escape or ';' that memharden does not read "
                           "as systemd does";
                r = -ENOEXEC;
        }
        if (r < 0) {
                unit_exec_done(&x);
                return r;
        }
        *ret = x;
        return 0;
}

size_t unit_var_uses(const UnitExec *x, const UnitEnv *v) {
        char curly[300];
        size_t n = 0;

        snprintf(curly, sizeof curly, "${%s", v->name);
        for (size_t k = 1; k < x->n_tokens; k++) {
                const char *w = x->tokens[k].word;
                n += (w[0] == '$' && streq_ptr(w + 1, v->name)) || strstr(w, curly);
        }
        return n;
}

int unit_exec_held_argv(const Unit *u, const UnitExec *x, char ***ret) {
        UnitNames names = names_of(u);
        size_t first = strspn(x->tokens[0].word, "-@:+!"), skip = x->separate_argv0 ? 1 : 0, n = 0;
        char **v = calloc(x->n_tokens + 1, sizeof *v);
        int r = 0;

        if (!v)
                return -ENOMEM;
        for (size_t k = skip; k < x->n_tokens && r >= 0; k++)
                r = unit_specifiers(k == 0 ? x->tokens[0].word + first : x->tokens[k].word, &names, &v[n++], NULL);
        if (r < 0) {
                for (size_t i = 0; i + 1 < n; i++)
                        free(v[i]);
                free(v);
                return r == -EOPNOTSUPP ? -ENOEXEC : r;
        }
        *ret = v;
        return 0;
}
