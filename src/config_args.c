/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config_args.h"

#include <augeas.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "config_aug.h"
#include "mcopt.h"
#include "util.h"

void args_free(Arg *args, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(args[i].value);
                free(args[i].path);
        }
        free(args);
}

int arglist_push(ArgList *l, char letter, const char *value, const char *path, unsigned line, bool effective) {
        Arg *a;

        if (!GREEDY_REALLOC(l->v, l->cap, l->n + 1))
                return -ENOMEM;
        a = &l->v[l->n];
        *a = (Arg) { .letter = letter, .line = line, .effective = effective };
        if ((value && !(a->value = strdup(value))) || (path && !(a->path = strdup(path)))) {
                free(a->value);
                return -ENOMEM;
        }
        l->n++;
        return 0;
}

/* What the walk is asked to do besides reading. */
typedef struct WalkOptions {
        bool skips_daemon_lines;  /* Debian's start scripts skip -d and -h lines */
        const char *subject;      /* for messages */
} WalkOptions;

/* Where a pass over the tree is: the line, and the word being read. */
typedef struct ArgWalk {
        const unsigned *line_no;  /* NULL: one argument list on FIXED_LINE */
        size_t n_lines, j;        /* lines given, lines seen */
        unsigned fixed_line, line;
        const char *kind;         /* the word being read: "short", "long" or NULL */
        unsigned n_short, n_long, n_word, n_in_word;
        bool first, effective;    /* the next option is its line's first; its line counts */
} ArgWalk;

/* Moves W past node I, labelled LABEL, when it is no option of the word
 * being read: a new word, a word that is no option (2), the line's
 * comment, or the next line. 1 (or 2) for such a node, 0 for an option,
 * -EINVAL past the lines W was given. A long word holds exactly one
 * option, a short word only one-letter ones. */
static int walk_structure(ArgWalk *w, int i, const char *label) {
        bool is_short = w->kind && w->kind[0] == 's';

        if (w->kind && (is_short ? label[0] != '\0' && label[1] == '\0' : w->n_in_word == 0))
                return 0;
        w->kind = NULL;
        if (i > 0 && (streq_ptr(label, "short") || streq_ptr(label, "long"))) {
                w->kind = label[0] == 's' ? "short" : "long";
                w->n_in_word = 0;
                (*(label[0] == 's' ? &w->n_short : &w->n_long))++;
        } else if (i > 0 && streq_ptr(label, "word")) {
                w->n_word++;
                return 2;
        } else if (i == 0 || !streq_ptr(label, "#comment")) {
                if (w->line_no && w->j >= w->n_lines)
                        return -EINVAL;
                w->line = w->line_no ? w->line_no[w->j] : w->fixed_line;
                w->j++;
                w->n_short = w->n_long = w->n_word = 0;
                w->first = true;
        }
        return 1;
}

/* The option LABEL (with VALUE) as memcached's own table knows it. The lens
 * knows no long option names, so it cannot tell which take a value. */
static int check_option(bool is_short, const char *label, const char *value, const char *subject, unsigned l,
                        const McOption **ret, ErrorInfo *e) {
        const McOption *opt = is_short && label[1] == '\0' ? mcopt_by_letter(label[0]) : mcopt_by_long(label);

        if (!opt)
                return error_set(e, -EINVAL, "parse", subject, l,
                                 "memcached refuses to start with it: correct or remove it, then run again",
                                 "unknown option '%s%s'", is_short ? "-" : "--", label);
        if (opt->has_arg && !value)
                return error_set(e, -EINVAL, "parse", subject, l, "give it its value on the same line, then run again",
                                 "'%s%s' needs a value", is_short ? "-" : "--", label);
        if (!opt->has_arg && value && opt->letter != 'v')
                return error_set(e, -EINVAL, "parse", subject, l, "remove the value, then run again",
                                 "'%s%s' takes no value, but has '%s'", is_short ? "-" : "--", label, value);
        *ret = opt;
        return 0;
}

/* Where a long option that takes a value has none after "=", getopt takes
 * the next word: node I + 1 of the walk, when it is a word. Its value and
 * path go to *VALUE and PATH, and 1 is returned for the node taken. */
static int take_next_word(augeas *aug, ArgWalk *w, const char *lines, int i, int n, const char **value,
                          char *path, size_t size) {
        const char *label = NULL, *v = NULL;

        if (i + 1 >= n || aug_ns_attr(aug, "mhopt", i + 1, &v, &label, NULL) < 0 || !streq_ptr(label, "word"))
                return 0;
        w->n_word++;
        snprintf(path, size, "%s[%zu]/word[%u]", lines, w->j, w->n_word);
        *value = v;
        return 1;
}

/* Adds the option LABEL (with VALUE) of the word W is reading, node I of
 * N, to OUT, checked against memcached's table. Only the options the
 * policy edits need a node path; an option taking a value ends its word,
 * so its label is unique there and needs no index. Returns how many nodes
 * after I it took (its value), or a negative errno. */
static int take_option(augeas *aug, ArgWalk *w, int i, int n, const char *lines, const char *label,
                       const char *value, const WalkOptions *o, ArgList *out, ErrorInfo *e) {
        bool is_short = w->kind[0] == 's', editable;
        const McOption *opt = is_short && label[1] == '\0' ? mcopt_by_letter(label[0]) : mcopt_by_long(label);
        char path[NODE_MAX] = "";
        int r, taken = 0;

        w->n_in_word++;
        if (!is_short && opt && opt->has_arg && !value)
                taken = take_next_word(aug, w, lines, i, n, &value, path, sizeof path);
        r = check_option(is_short, label, value, o->subject, w->line, &opt, e);
        if (r < 0)
                return r;
        /* Debian's start scripts skip a line whose first word begins with -d or -h. */
        if (w->first) {
                w->effective = !(o->skips_daemon_lines && is_short && (opt->letter == 'd' || opt->letter == 'h'));
                w->first = false;
        }
        editable = policy_edits_letter(opt->letter);
        if (editable && !taken)
                snprintf(path, sizeof path, "%s[%zu]/%s[%u]/%s", lines, w->j, w->kind,
                         is_short ? w->n_short : w->n_long, label);
        r = arglist_push(out, opt->letter, value, editable ? path : NULL, w->line, w->effective);
        return r < 0 ? r : taken;
}

/* One node-set variable over all the nodes, read by index in one pass:
 * linear in the file. Augeas would count a node's same-named siblings to
 * give its path, so the pass numbers lines and words itself, and builds a
 * path only for an option an edit can need. */
int args_walk(augeas *aug, const char *lines, const unsigned *line_no, size_t n_lines, unsigned fixed_line,
              bool skips_daemon_lines, const char *subject, ArgList *out, ErrorInfo *e) {
        ArgWalk w = { .line_no = line_no, .n_lines = n_lines, .fixed_line = fixed_line, .line = fixed_line,
                      .effective = true };
        const WalkOptions o = { skips_daemon_lines, subject };
        char expr[NODE_MAX];
        int n, r = 0;

        snprintf(expr, sizeof expr, "%s/descendant-or-self::*", lines);
        n = aug_defvar(aug, "mhopt", expr);
        if (n < 0)
                return -EINVAL;
        for (int i = 0; i < n && r >= 0; i++) {
                const char *label = NULL, *value = NULL;
                int k;

                if (aug_ns_attr(aug, "mhopt", i, &value, &label, NULL) < 0 || !label) {
                        r = -EINVAL;
                        break;
                }
                k = walk_structure(&w, i, label);
                if (k == 2) {
                        /* A word memcached's getopt leaves alone: kept, so
                         * that a re-read can tell it is still there. */
                        if (w.first)
                                w.effective = true, w.first = false;
                        r = arglist_push(out, ARG_WORD, value, NULL, w.line, w.effective);
                } else if (k == 0) {
                        r = take_option(aug, &w, i, n, lines, label, value, &o, out, e);
                        i += r > 0 ? r : 0;
                } else if (k < 0)
                        r = k;
        }
        (void) aug_defvar(aug, "mhopt", NULL);
        return r < 0 ? r : 0;
}

/* Whether V is a value memharden_args.aug's value_re accepts; any other
 * value is left to the lens, which refuses it in the dry run as in apply. */
static bool value_fits_lens(const char *v) {
        return v[0] != '\0' && v[0] != '-' && !strpbrk(v, " \t\r\n#\"'\\`$;");
}

typedef struct Splice {
        unsigned start, end;  /* the old value's bytes in the text */
        const char *value;
} Splice;

static int cmp_splice(const void *a, const void *b) {
        const Splice *x = a, *y = b;
        return (x->start > y->start) - (x->start < y->start);
}

int args_splice_values(augeas *aug, const Arg *args, unsigned l, const Edit *edits, size_t n_edits,
                       const char *text, size_t start, size_t end, FILE *out) {
        _cleanup_free_ Splice *v = calloc(n_edits ?: 1, sizeof *v);
        size_t n = 0, pos = start;

        if (!v)
                return -ENOMEM;
        for (size_t k = 0; k < n_edits; k++) {
                const Arg *a = edits[k].op == EDIT_APPEND ? NULL : &args[edits[k].arg];
                unsigned ls, le, vs, ve, ss, se;
                _cleanup_free_ char *file = NULL;

                if (!a || a->line != l)
                        continue;
                if (edits[k].op != EDIT_SET || !a->value || !value_fits_lens(edits[k].value) ||
                    aug_span(aug, a->path, &file, &ls, &le, &vs, &ve, &ss, &se) < 0 ||
                    vs < start || ve > end || ve - vs != strlen(a->value) ||
                    memcmp(text + vs, a->value, ve - vs) != 0)
                        return -EAGAIN;
                v[n++] = (Splice) { vs, ve, edits[k].value };
        }
        qsort(v, n, sizeof *v, cmp_splice);
        for (size_t k = 0; k < n; k++) {
                fprintf(out, "%.*s%s", (int) (v[k].start - pos), text + pos, v[k].value);
                pos = v[k].end;
        }
        fwrite(text + pos, 1, end - pos, out);
        return 0;
}

/* Whether PATH is a word node: the value of the long option before it. */
static bool is_word_path(const char *path) {
        return strncmp(node_last(path), "word[", 5) == 0;
}

void args_list_of(const char *path, char *buf, size_t size) {
        char word[PATH_MAX];

        if (is_word_path(path))
                return node_parent(path, buf, size);
        node_parent(path, word, sizeof word);
        node_parent(word, buf, size);
}

int args_remove(augeas *aug, const char *path, char *parent, size_t size) {
        char word[PATH_MAX], expr[NODE_MAX];

        node_parent(path, word, sizeof word);
        if (is_word_path(path)) {
                /* The value of the long option before it ("--listen X"):
                 * both go. */
                snprintf(parent, size, "%s", word);
                snprintf(expr, sizeof expr, "%s/preceding-sibling::*[1]", path);
                if (aug_rm(aug, expr) < 0 || aug_rm(aug, path) < 0)
                        return -EINVAL;
        } else {
                node_parent(word, parent, size);
                if (aug_rm(aug, path) < 0)
                        return -EINVAL;
                if (aug_count_fmt(aug, "%s/*", word) == 0 && aug_rm(aug, word) < 0)
                        return -EINVAL;
        }
        return aug_count_fmt(aug, "%s/*[label() = 'short' or label() = 'long']", parent) > 0 ? 0 : 1;
}

int args_append(augeas *aug, const char *parent, const char *label, const char *subpath, const char *value) {
        char p[NODE_MAX];

        if (aug_count_fmt(aug, "%s/*", parent) > 0) {
                snprintf(p, sizeof p, "%s/*[last()]", parent);
                if (aug_insert(aug, p, label, 0) < 0)
                        return -EINVAL;
        }
        snprintf(p, sizeof p, "%s/%s[last()]%s%s", parent, label, subpath ? "/" : "", subpath ?: "");
        return aug_set(aug, p, value) < 0 ? -EINVAL : 0;
}
