/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mcargv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "mcopt.h"

typedef struct Parse {
        char *const *words;
        size_t n;
        const unsigned *line_of;
        ArgList *out;
        McArgPos *pos;
        size_t cap;
} Parse;

static int push(Parse *p, char letter, const char *value, McArgPos at) {
        int r;

        if (!GREEDY_REALLOC(p->pos, p->cap, p->out->n + 1))
                return -ENOMEM;
        r = arglist_push(p->out, letter, value, NULL, p->line_of[at.word], true);
        if (r >= 0)
                p->pos[p->out->n - 1] = at;
        return r;
}

/* "--name[=value]" at word I; the words it took, or -EINVAL. */
static int take_long(Parse *p, size_t i) {
        const char *w = p->words[i] + 2, *eq = strchr(w, '=');
        char name[64];
        const McOption *o;
        size_t l = eq ? (size_t) (eq - w) : strlen(w);

        if (l == 0 || l >= sizeof name)
                return -EINVAL;
        memcpy(name, w, l);
        name[l] = '\0';
        o = mcopt_by_long(name);
        if (!o || (!o->has_arg && eq && o->letter != 'v'))
                return -EINVAL;
        if (!o->has_arg || eq)
                return push(p, o->letter, eq ? eq + 1 : NULL, (McArgPos) { i, i, 0, 1 }) < 0 ? -ENOMEM : 1;
        if (i + 1 >= p->n)
                return -EINVAL;
        return push(p, o->letter, p->words[i + 1], (McArgPos) { i, i + 1, 0, 1 }) < 0 ? -ENOMEM : 2;
}

/* "-xyz" at word I: letters until one that takes a value, which is the
 * rest of the word or the next word. */
static int take_short(Parse *p, size_t i) {
        const char *w = p->words[i];
        unsigned cluster = 0;
        size_t first = p->out->n;

        for (size_t k = 1; w[k]; k++) {
                const McOption *o = mcopt_by_letter(w[k]);
                int r;

                if (!o)
                        return -EINVAL;
                cluster++;
                if (!o->has_arg) {
                        r = push(p, o->letter, NULL, (McArgPos) { i, i, k, 0 });
                } else if (w[k + 1]) {
                        r = push(p, o->letter, w + k + 1, (McArgPos) { i, i, k, 0 });
                        k = strlen(w) - 1;
                } else if (i + 1 < p->n) {
                        r = push(p, o->letter, p->words[i + 1], (McArgPos) { i, i + 1, k, 0 });
                        for (size_t j = first; r >= 0 && j < p->out->n; j++)
                                p->pos[j].cluster = cluster;
                        return r < 0 ? -ENOMEM : 2;
                } else
                        return -EINVAL;
                if (r < 0)
                        return -ENOMEM;
        }
        for (size_t j = first; j < p->out->n; j++)
                p->pos[j].cluster = cluster;
        return 1;
}

int mcargv_parse(char *const *words, size_t n, const unsigned *line_of, ArgList *out, McArgPos **ret_pos,
                 size_t *ret_bad) {
        Parse p = { words, n, line_of, out, NULL, 0 };
        bool done = false;

        for (size_t i = 0; i < n;) {
                const char *w = words[i];
                int k;

                if (!done && strcmp(w, "--") == 0) {
                        done = true;
                        k = 1;
                } else if (done || w[0] != '-' || w[1] == '\0')
                        k = arglist_push(out, ARG_WORD, w, NULL, line_of[i], true) < 0 ||
                                            !GREEDY_REALLOC(p.pos, p.cap, out->n)
                                    ? -ENOMEM
                                    : (p.pos[out->n - 1] = (McArgPos) { i, i, 0, 1 }, 1);
                else
                        k = w[1] == '-' ? take_long(&p, i) : take_short(&p, i);
                if (k < 0) {
                        free(p.pos);
                        if (k == -EINVAL && ret_bad)
                                *ret_bad = i;
                        return k;
                }
                i += (size_t) k;
        }
        *ret_pos = p.pos;
        return 0;
}
