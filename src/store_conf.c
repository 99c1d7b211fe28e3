/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The memcached.conf store (store.h): Debian's /etc/memcached.conf and
 * /etc/memcached_NAME.conf, one option line after another, as
 * lenses/memharden_conf.aug reads them: every line one node, option lines
 * labelled "options" and holding the argument tree of config_args.h.
 *
 * preview() rewrites only the edited lines: a line all of whose options go
 * simply goes; a changed value is spliced in where Augeas read the old one;
 * any other edited line is put back alone through the argument lens; new
 * options follow the last non-blank line, as the lens's put of the whole
 * tree places them. Where that placement is not exact (additions before
 * blank lines that are not empty), it declines to render().
 */
#include <augeas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "config_aug.h"
#include "config_file.h"
#include "lines.h"
#include "store.h"
#include "util.h"

static int conf_load(Config *c, ErrorInfo *e) {
        int r = config_add_file(c, c->profile->config, NULL, e);
        return r < 0 ? r : config_add_instances(c, e);
}

/* A line the lens keeps as an unlabelled node: blanks and at most a lone '#'. */
static bool line_is_blank(const char *l, size_t len) {
        size_t s = strspn(l, " \t");
        if (s < len && l[s] == '#')
                s += 1 + strspn(l + s + 1, " \t");
        return s >= len;
}

/* The lens gives every line one node, but blank ones carry no label, so
 * path expressions skip them. The Nth matched node is therefore the Nth
 * non-blank line; this maps N to its line. */
static int nonblank_lines(const char *text, size_t n, unsigned **ret) {
        unsigned *v = calloc(n ?: 1, sizeof *v);
        size_t k = 0;

        if (!v)
                return -ENOMEM;
        FOREACH_LINE(l, text) {
                if (k == n)
                        break;
                if (!line_is_blank(l.start, l.len))
                        v[k++] = l.no;
        }
        *ret = v;
        return 0;
}

static int conf_walk(Config *c, const ConfigFile *f, const char *base, const char *text, const char *scratch,
                     StoreWalk *w, ErrorInfo *e) {
        _cleanup_free_ unsigned *lines = NULL;
        char in[NODE_MAX];
        size_t n_opts = 0;
        int n, r;

        (void) scratch;
        /* The line numbers of the option lines: read by index, as asking
         * Augeas for each node's path costs a count of its same-named
         * siblings. */
        snprintf(in, sizeof in, "%s/*", base);
        n = aug_defvar(c->aug, "mhline", in);
        r = n < 0 ? -EINVAL : nonblank_lines(text, (size_t) n, &lines);
        for (int i = 0; i < n && r >= 0; i++) {
                const char *label = NULL;
                if (aug_ns_attr(c->aug, "mhline", i, NULL, &label, NULL) < 0)
                        r = -EINVAL;
                else if (streq_ptr(label, "options"))
                        lines[n_opts++] = lines[i];
        }
        (void) aug_defvar(c->aug, "mhline", NULL);
        if (r < 0)
                return r;
        snprintf(in, sizeof in, "%s/options", base);
        return args_walk(c->aug, in, lines, n_opts, 0, c->profile->skips_daemon_lines, f->real_path, &w->args, e);
}

/* Removes option line LINE, which has no option left; its trailing comment,
 * if any, stays as a comment line of its own. */
static int remove_line(augeas *aug, const char *line) {
        char expr[NODE_MAX];
        const char *comment;

        snprintf(expr, sizeof expr, "%s/#comment", line);
        comment = aug_value(aug, expr);
        if (comment) {
                snprintf(expr, sizeof expr, "%s/preceding-sibling::*[1]", line);
                if (aug_insert(aug, line, "#comment", 1) < 0 || aug_set(aug, expr, comment) < 0)
                        return -EINVAL;
        }
        return aug_rm(aug, line) < 0 ? -EINVAL : 0;
}

/* Values first: paths are still as read. Then removals, last first, so the
 * paths of earlier options stay valid. Then additions, as new lines. */
static int edit_file_tree(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits) {
        char line[PATH_MAX], sub[8];
        int r = 0;

        for (size_t i = 0; i < n_edits && r >= 0; i++)
                if (edits[i].op == EDIT_SET && aug_set(c->aug, f->args[edits[i].arg].path, edits[i].value) < 0)
                        r = -EINVAL;
        for (size_t i = n_edits; i > 0 && r >= 0; i--)
                if (edits[i - 1].op == EDIT_DELETE) {
                        r = args_remove(c->aug, f->args[edits[i - 1].arg].path, line, sizeof line);
                        if (r > 0)
                                r = remove_line(c->aug, line);
                }
        for (size_t i = 0; i < n_edits && r >= 0; i++)
                if (edits[i].op == EDIT_APPEND) {
                        snprintf(sub, sizeof sub, "short/%c", edits[i].letter);
                        r = args_append(c->aug, f->node, "options", sub, edits[i].value);
                }
        return r;
}

static int conf_render(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text, ErrorInfo *e) {
        int r = edit_file_tree(c, f, edits, n_edits);
        if (r < 0)
                return aug_error_last(c->aug, r, "edit", f->real_path, 0, false, e);
        return config_put_file(c, f, ret_text, e);
}

/* Applies EDITS (one line's, sorted) to SCRATCH, a copy of the line's node
 * NODE: values first, then removals last to first, as edit_file_tree() does. */
static int edit_line_copy(augeas *aug, const ConfigFile *f, const char *node, const char *scratch,
                          const Edit *edits, size_t n_edits) {
        size_t nl = strlen(node);
        char p[NODE_MAX], parent[PATH_MAX];

        for (size_t i = 0; i < n_edits; i++) {
                if (edits[i].op != EDIT_SET)
                        continue;
                snprintf(p, sizeof p, "%s%s", scratch, f->args[edits[i].arg].path + nl);
                if (aug_set(aug, p, edits[i].value) < 0)
                        return -EINVAL;
        }
        for (size_t i = n_edits; i > 0; i--) {
                if (edits[i - 1].op != EDIT_DELETE)
                        continue;
                snprintf(p, sizeof p, "%s%s", scratch, f->args[edits[i - 1].arg].path + nl);
                int r = args_remove(aug, p, parent, sizeof parent);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Renders option line L (text LINE of LEN bytes, without its newline) with
 * its EDITS: its words put back through the argument lens from a scratch
 * copy of its node NODE, between its indent and its tail as they were. */
static int render_line(Config *c, const ConfigFile *f, const char *node, const TextLine *l, const Edit *edits,
                       size_t n_edits, FILE *out) {
        const char *in = SCRATCH "/lines/in", *o = SCRATCH "/lines/out";
        char scratch[PATH_MAX], p[NODE_MAX], comment[NODE_MAX] = "";
        const char *v, *line = l->start;
        size_t len = l->len;

        snprintf(scratch, sizeof scratch, SCRATCH "/lines/%u", l->no);
        if (aug_cp(c->aug, node, scratch) < 0)
                return -EINVAL;
        snprintf(p, sizeof p, "%s/#comment", scratch);
        if ((v = aug_value(c->aug, p))) {
                snprintf(comment, sizeof comment, "%s", v);
                if (aug_rm(c->aug, p) < 0)
                        return -EINVAL;
        }
        int r = edit_line_copy(c->aug, f, node, scratch, edits, n_edits);
        if (r < 0)
                return r;
        if (aug_count_fmt(c->aug, "%s/*", scratch) == 0) {
                /* No option left: the line goes, its comment stays as a line. */
                if (comment[0])
                        fprintf(out, "# %s\n", comment);
                return 0;
        }

        /* indent | words | tail: values hold no '#' or blanks, so the words
         * end at the last non-blank before the first '#'. */
        size_t indent = strspn(line, " \t"), end = len;
        const char *hash = memchr(line, '#', len);
        if (hash)
                end = (size_t) (hash - line);
        while (end > indent && (line[end - 1] == ' ' || line[end - 1] == '\t'))
                end--;
        _cleanup_free_ char *words = strndup(line + indent, end - indent);
        if (!words)
                return -ENOMEM;
        if (aug_set(c->aug, in, words) < 0 || aug_text_retrieve(c->aug, ARGS_LENS, in, scratch, o) < 0)
                return -EINVAL;
        fprintf(out, "%.*s%s%.*s\n", (int) indent, line, aug_value(c->aug, o) ?: "", (int) (len - end), line + end);
        return 0;
}

/* Writes line L of TEXT with its EDITS (all on L), which holds ON_LINE options. */
static int render_edited_line(Config *c, const ConfigFile *f, const char *text, const TextLine *l,
                              const Edit *edits, size_t n_edits, size_t on_line, FILE *out) {
        size_t deleted = 0, start = (size_t) (l->start - text);
        char node[PATH_MAX];
        int r;

        for (size_t i = 0; i < n_edits; i++)
                deleted += edits[i].op == EDIT_DELETE;
        if (deleted == on_line && !memchr(l->start, '#', l->len))
                return 0; /* the whole line goes, as render_line() would drop it */
        r = args_splice_values(c->aug, f->args, l->no, edits, n_edits, text, start, start + l->len + 1, out);
        if (r != -EAGAIN)
                return r;
        args_list_of(f->args[edits[0].arg].path, node, sizeof node); /* its line */
        return render_line(c, f, node, l, edits, n_edits, out);
}

/* The line after which additions go: the last non-blank one (Augeas inserts
 * after the last labelled node). -EAGAIN when there are additions and no
 * such line, or blank lines after it that are not plain "\n" (their put
 * would differ). *RET_N: how many lines TEXT has. */
static int append_after(const char *text, const Edit *edits, size_t n_edits, unsigned *ret, unsigned *ret_n) {
        bool appends = false, plain_after = true;
        unsigned last = 0, n = 0;

        FOREACH_LINE(l, text) {
                if (!line_is_blank(l.start, l.len)) {
                        last = l.no;
                        plain_after = true;
                } else if (l.len != 0)
                        plain_after = false;
                n = l.no;
        }
        for (size_t i = 0; i < n_edits; i++)
                appends = appends || edits[i].op == EDIT_APPEND;
        if (appends && (last == 0 || !plain_after))
                return -EAGAIN;
        *ret = last;
        *ret_n = n;
        return 0;
}

/* Writes every line of F with the line's edits (a run of the sorted EDITS),
 * and the additions after line LAST. *RET_LINE: the line an error is on. */
static int render_lines(Config *c, ConfigFile *f, const char *text, const Edit *edits, size_t n_edits,
                        unsigned last, const size_t *on_line, FILE *out, unsigned *ret_line) {
        size_t k = 0;
        int r = 0;

        FOREACH_LINE(l, text) {
                size_t lo = k;

                while (k < n_edits && edits[k].op != EDIT_APPEND && f->args[edits[k].arg].line == l.no)
                        k++;
                if (k > lo)
                        r = render_edited_line(c, f, text, &l, edits + lo, k - lo, on_line[l.no], out);
                else
                        fwrite(l.start, 1, l.len + 1, out);
                if (r < 0) {
                        *ret_line = l.no;
                        return r;
                }
                for (size_t j = 0; j < n_edits && l.no == last; j++)
                        if (edits[j].op == EDIT_APPEND)
                                fprintf(out, "-%c %s\n", edits[j].letter, edits[j].value);
        }
        return 0;
}

static int conf_preview(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text,
                        ErrorInfo *e) {
        const char *text = config_file_input(f); /* ends in "\n" */
        _cleanup_free_ size_t *on_line = NULL;
        _cleanup_free_ char *buf = NULL;
        unsigned last = 0, n_lines = 0, bad = 0;
        size_t size = 0;
        FILE *out;
        int r;

        r = f->size == 0 ? -EAGAIN : append_after(text, edits, n_edits, &last, &n_lines);
        if (r == -EAGAIN)
                return conf_render(c, f, edits, n_edits, ret_text, e);
        /* How many options each line holds: a line all of whose options go,
         * with no comment, simply goes. */
        on_line = calloc(n_lines + 1, sizeof *on_line);
        if (!on_line)
                return -ENOMEM;
        for (size_t a = 0; a < f->n_args; a++)
                if (f->args[a].line >= 1 && f->args[a].line <= n_lines)
                        on_line[f->args[a].line]++;

        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        r = render_lines(c, f, text, edits, n_edits, last, on_line, out, &bad);
        if (fclose(out) != 0 && r >= 0)
                r = -errno;
        if (r < 0)
                return error_set(e, r, "render", f->real_path, bad, NULL, "%s", aug_error_message(c->aug));
        *ret_text = TAKE_PTR(buf);
        return 0;
}

const ConfigStore store_conf = {
        .name = "conf",
        .lens = true,
        .line_local = true,
        .load = conf_load,
        .walk = conf_walk,
        .preview = conf_preview,
        .render = conf_render,
};
