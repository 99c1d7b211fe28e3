/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shell variable store (store.h): RHEL's /etc/sysconfig/memcached, whose
 * OPTIONS="..." holds memcached's arguments, read by the unit or init script
 * as a shell would (the last assignment wins). The variable's value is
 * parsed with the argument lens into a scratch tree of its own.
 *
 * preview() makes the new value by splicing changed values into the old one
 * when the edits only change values, else by putting the edited argument
 * tree back; then it replaces the old value in place on the variable's line
 * when the lens would keep its double quotes, else it puts the whole file
 * back, as render() does.
 */
#include <augeas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "config_aug.h"
#include "config_diagnose.h"
#include "config_file.h"
#include "envfile.h"
#include "lines.h"
#include "store.h"
#include "util.h"

/* Characters that make the sysconfig lens pick other quoting, or that a
 * shell would interpret inside double quotes. */
#define VAR_SPECIAL "\"'\\$`"

static int shellvar_load(Config *c, ErrorInfo *e) {
        return config_add_file(c, c->profile->config, NULL, e);
}

/* Where systemd and the init script's shell read the variable differently:
 * the lines of all its assignments, and why, for plan.c's finding. The
 * options are then the shell's reading, which the rewrite makes both. */
static int note_readers(const EnvAssignment *v, size_t n, const char *var, const char *systemd, const char *shell,
                        StoreWalk *w) {
        size_t k = 0;

        w->state.rewrite_lines = calloc(n ?: 1, sizeof *w->state.rewrite_lines);
        if (!w->state.rewrite_lines)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (streq_ptr(v[i].name, var))
                        w->state.rewrite_lines[k++] = v[i].line;
        w->state.n_rewrite_lines = k;
        if (asprintf(&w->state.rewrite_why, "systemd's EnvironmentFile= reads %s as %s%s%s, the init script's shell as "
                     "'%s'; memcached runs differently under each, so the assignments become one that both "
                     "read alike", var, systemd ? "'" : "", systemd ?: "unset", systemd ? "'" : "", shell ?: "") < 0) {
                w->state.rewrite_why = NULL;
                return -ENOMEM;
        }
        return 0;
}

/* The text of the variable's options, as the readers agree on it or (when
 * they do not, noted in W) as the shell reads it; the line it is on. */
static int options_text(Config *c, const char *base, const char *text, StoreWalk *w, char **ret) {
        const char *var = c->profile->variable;
        _cleanup_free_ EnvAssignment *v = NULL;
        _cleanup_free_ char *systemd = NULL, *shell = NULL;
        size_t n = 0;
        int r;

        r = aug_env_assignments(c->aug, base, text, &v, &n);
        if (r >= 0)
                r = envfile_readings(v, n, var, &systemd, &shell);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (streq_ptr(v[i].name, var))
                        w->state.value_line = v[i].line;
        if (envfile_readers_differ(v, n, var, systemd, shell)) {
                r = note_readers(v, n, var, systemd, shell, w);
                if (r < 0)
                        return r;
        }
        *ret = shell ? TAKE_PTR(shell) : strdup("");
        return *ret ? 0 : -ENOMEM;
}

static int shellvar_walk(Config *c, const ConfigFile *f, const char *base, const char *text, const char *scratch,
                         StoreWalk *w, ErrorInfo *e) {
        const char *var = c->profile->variable;
        _cleanup_matches_ Matches nodes = {};
        _cleanup_free_ char *value = NULL;
        char in[NODE_MAX], err[NODE_MAX];
        int r;

        /* Only the last assignment's path is asked for: each costs a
         * count of its siblings. */
        r = aug_match_fmt(c->aug, &nodes, "%s/%s[last()]", base, var);
        if (r < 0)
                return r;
        if (nodes.n > 0 && !(w->state.value_node = strdup(nodes.v[nodes.n - 1])))
                return -ENOMEM;
        r = options_text(c, base, text, w, &value);
        if (r < 0)
                return r;
        snprintf(in, sizeof in, SCRATCH "/%s/in", scratch);
        if (asprintf(&w->state.args_node, SCRATCH "/%s/args", scratch) < 0) {
                w->state.args_node = NULL;
                return -ENOMEM;
        }
        if (aug_set(c->aug, in, value) < 0)
                return -ENOMEM;
        if (aug_text_store(c->aug, ARGS_LENS, in, w->state.args_node) < 0) {
                snprintf(err, sizeof err, "/augeas/text%s/error", w->state.args_node);
                r = config_diagnose_refusal(c->aug, err, in, DIAGNOSE_ARGS, f->real_path, e);
                if (e)
                        e->line = w->state.value_line;
                return r;
        }
        return args_walk(c->aug, w->state.args_node, NULL, 0, w->state.value_line, false, f->real_path, &w->args, e);
}

/* The edited argument list put back through the argument lens: the
 * variable's new value. Values first, then removals last to first, then
 * additions. */
static int put_value(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret, ErrorInfo *e) {
        char dir[PATH_MAX], in[NODE_MAX], out[NODE_MAX], parent[PATH_MAX], letter[2] = "";
        char *v;
        int r = 0;

        for (size_t i = 0; i < n_edits && r >= 0; i++)
                if (edits[i].op == EDIT_SET && aug_set(c->aug, f->args[edits[i].arg].path, edits[i].value) < 0)
                        r = -EINVAL;
        for (size_t i = n_edits; i > 0 && r >= 0; i--)
                if (edits[i - 1].op == EDIT_DELETE)
                        r = args_remove(c->aug, f->args[edits[i - 1].arg].path, parent, sizeof parent);
        for (size_t i = 0; i < n_edits && r >= 0; i++)
                if (edits[i].op == EDIT_APPEND) {
                        letter[0] = edits[i].letter;
                        r = args_append(c->aug, f->state.args_node, "short", letter, edits[i].value);
                }
        if (r < 0)
                return aug_error_last(c->aug, r, "edit", f->real_path, f->state.value_line, false, e);

        node_parent(f->state.args_node, dir, sizeof dir);
        snprintf(in, sizeof in, "%s/in", dir);
        snprintf(out, sizeof out, "%s/out", dir);
        if (aug_text_retrieve(c->aug, ARGS_LENS, in, f->state.args_node, out) < 0)
                return aug_error_last(c->aug, -EINVAL, "edit", f->real_path, f->state.value_line, false, e);
        v = strdup(aug_value(c->aug, out) ?: "");
        if (!v)
                return -ENOMEM;
        *ret = v;
        return 0;
}

/* The new value spliced into the old where the edits only change values:
 * skips the argument lens's put. Reads the tree as it was. */
static int splice_value(Config *c, const ConfigFile *f, const Edit *edits, size_t n_edits, char **ret) {
        _cleanup_free_ char *buf = NULL;
        const char *text;
        size_t size = 0;
        FILE *out;
        int r;

        for (size_t i = 0; i < n_edits; i++)
                if (edits[i].op == EDIT_APPEND)
                        return -EAGAIN;
        /* The text the argument lens parsed, so the spans fit it. */
        text = (f->state.value_node ? aug_value(c->aug, f->state.value_node) : NULL) ?: "";
        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        r = args_splice_values(c->aug, f->args, f->state.value_line, edits, n_edits, text, 0, strlen(text), out);
        if (fclose(out) != 0 && r >= 0)
                r = -errno;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* F's text with VALUE set as the variable, through the lens's put. Where
 * the readers disagree (F's rewrite), the last assignment becomes a plain
 * one holding VALUE and the others go. */
static int put_file(Config *c, ConfigFile *f, const char *value, char **ret_text, ErrorInfo *e) {
        const char *var = c->profile->variable;
        _cleanup_matches_ Matches all = {};
        char p[NODE_MAX];
        int r = 0;

        snprintf(p, sizeof p, "%s/%s", f->node, var);
        if (aug_set(c->aug, f->state.value_node ?: p, value) < 0)
                return aug_error_last(c->aug, -EINVAL, "edit", f->real_path, f->state.value_line, false, e);
        if (f->state.rewrite_why && f->state.value_node) {
                snprintf(p, sizeof p, "%s/export", f->state.value_node);
                r = aug_rm(c->aug, p) < 0 ? -EINVAL : aug_match_fmt(c->aug, &all, "%s/%s", f->node, var);
                /* Last first: a removal renumbers the later ones only. */
                for (int i = all.n; i > 0 && r >= 0; i--)
                        if (!streq_ptr(all.v[i - 1], f->state.value_node) && aug_rm(c->aug, all.v[i - 1]) < 0)
                                r = -EINVAL;
        }
        if (r < 0)
                return aug_error_last(c->aug, r, "edit", f->real_path, f->state.value_line, false, e);
        return config_put_file(c, f, ret_text, e);
}

/* VALUE in place of the old value on the variable's line: what the lens
 * writes where it keeps the quoting, that is old and new values both
 * double-quoted, both holding a blank (so both need quotes) and nothing in
 * VAR_SPECIAL. -EAGAIN elsewhere. */
static int replace_value(const ConfigFile *f, const char *value, char **ret_text) {
        const char *text = config_file_input(f), *q = NULL, *end;
        char *out;

        if (!f->state.value_node || f->state.value_line == 0 || !strpbrk(value, " \t") || strpbrk(value, VAR_SPECIAL))
                return -EAGAIN;
        FOREACH_LINE(l, text)
                if (l.no == f->state.value_line) {
                        q = strchr(l.start, '=');
                        break;
                }
        if (!q || q[1] != '"')
                return -EAGAIN;
        q += 2;
        end = strchr(q, '"');
        if (!end || memchr(q, '\n', (size_t) (end - q)) || !memchr(q, ' ', (size_t) (end - q)) ||
            strcspn(q, VAR_SPECIAL) < (size_t) (end - q))
                return -EAGAIN;
        if (asprintf(&out, "%.*s%s%s", (int) (q - text), text, value, end) < 0)
                return -ENOMEM;
        *ret_text = out;
        return 0;
}

static int shellvar_render(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text,
                           ErrorInfo *e) {
        _cleanup_free_ char *value = NULL;
        int r = put_value(c, f, edits, n_edits, &value, e);
        return r < 0 ? r : put_file(c, f, value, ret_text, e);
}

static int shellvar_preview(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text,
                            ErrorInfo *e) {
        _cleanup_free_ char *value = NULL;
        int r;

        if (f->state.rewrite_why) /* lines go: only the lens's put is exact */
                return shellvar_render(c, f, edits, n_edits, ret_text, e);
        r = splice_value(c, f, edits, n_edits, &value);
        if (r == -EAGAIN)
                r = put_value(c, f, edits, n_edits, &value, e);
        if (r < 0)
                return r;
        r = replace_value(f, value, ret_text);
        if (r != -EAGAIN)
                return r;
        return put_file(c, f, value, ret_text, e);
}

const ConfigStore store_shellvar = {
        .name = "shellvar",
        .lens = true,
        .load = shellvar_load,
        .walk = shellvar_walk,
        .preview = shellvar_preview,
        .render = shellvar_render,
};
