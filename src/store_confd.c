/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The conf.d store (store.h): OpenRC's /etc/conf.d/memcached (Alpine,
 * Gentoo) and each /etc/conf.d/memcached.NAME, shell files of assignments
 * read with lenses/memharden_sysconfig.aug. For service memcached
 * openrc-run sources the main file; for memcached.NAME it sources the main
 * file, then the instance's, and the init script sources the instance's
 * once more. start() then builds memcached's command line from the
 * variables (the profile's rc_command, read by openrc.c), so an option's
 * line is the line of the assignment its variable last got.
 *
 * Edits are new values of the variables: the last assignment in the file
 * gets the new value, and where the file has none (an instance whose
 * variable the main file sets, or one unset) an assignment is added at its
 * end, so an instance's edits stay its own. File trees are never edited:
 * an instance's reading needs the main file's tree as read. preview()
 * replaces a value between its double quotes where the lens's put keeps
 * them (old and new value of one quoting class, or a line that is only
 * NAME="OLD") and writes an added assignment as the lens writes a new one;
 * anything else is render()'s put of a tree of its own.
 */
#include <augeas.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "config_aug.h"
#include "config_file.h"
#include "envfile.h"
#include "lines.h"
#include "openrc.h"
#include "rootfs.h"
#include "store.h"
#include "util.h"

/* OpenRC's own runlevels; any other is a directory in /etc/runlevels. */
static const char *const runlevels[] = { "sysinit", "boot", "default", "nonetwork", "shutdown" };

static bool is_runlevel(const Config *c, const char *name) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int fd = -1;

        for (size_t i = 0; i < ELEMENTSOF(runlevels); i++)
                if (streq_ptr(runlevels[i], name))
                        return true;
        if (!c->root || strchr(name, '/') || asprintf(&dir, "/etc/runlevels/%s", name) < 0) {
                dir = NULL;
                return false;
        }
        return root_open_dir(c->root, dir, 0, &fd) >= 0;
}

/* openrc-run reads /etc/conf.d/SERVICE.RUNLEVEL in place of
 * /etc/conf.d/SERVICE in that runlevel: which of the two memcached gets
 * depends on the runlevel it starts in, which no file says. */
static int refuse_runlevel_file(const Config *c, const ConfigFile *f, ErrorInfo *e) {
        const char *dot = strrchr(f->instance, '.'), *level = dot ? dot + 1 : f->instance;
        _cleanup_free_ char *instead = NULL;

        if (!is_runlevel(c, level))
                return 0;
        /* Its service's own file: the main one, or memcached.NAME's. */
        if (asprintf(&instead, "%s%s%s%.*s", c->root && !streq_ptr(c->root, "/") ? c->root : "", c->profile->config,
                     dot ? "." : "", dot ? (int) (dot - f->instance) : 0, f->instance) < 0) {
                instead = NULL;
                return -ENOMEM;
        }
        return error_set(e, -EINVAL, "read", f->real_path, 0, "merge it into that file and remove it, then run again",
                         "openrc-run reads it in place of '%s' when memcached starts in runlevel '%s', and no file "
                         "says which runlevel that is", instead, level);
}

static int confd_load(Config *c, ErrorInfo *e) {
        int r = config_add_file(c, c->profile->config, NULL, e);

        if (r >= 0)
                r = config_add_instances(c, e);
        for (size_t i = 0; i < c->n_files && r >= 0; i++)
                if (c->files[i].instance)
                        r = refuse_runlevel_file(c, &c->files[i], e);
        return r;
}

/* ---- reading ---- */

/* What openrc-run and the init script read for one file's service. */
typedef struct Reading {
        EnvAssignment *seq;    /* in the order they run: the main file's, then the file's twice */
        size_t n_seq, n_base;  /* the first N_BASE are the main file's */
        char **values;         /* each as the shell has it */
        RcVar *vars;
        size_t n_vars;
        RcLine line;
        ArgList args;
} Reading;

static void reading_done(Reading *rd) {
        envfile_values_free(rd->values, rd->n_seq);
        free(rd->seq);
        free(rd->vars);
        rc_line_done(&rd->line);
        args_free(rd->args.v, rd->args.n);
        *rd = (Reading) {};
}

/* The assignments run for F: for an instance the main file's as read,
 * then F's (from the tree at BASE, made of TEXT) twice, as openrc-run and
 * then the init script source it. */
static int sequence(const Config *c, const ConfigFile *f, const char *base, const char *text, Reading *rd) {
        _cleanup_free_ EnvAssignment *main_v = NULL, *own = NULL;
        size_t n_main = 0, n_own = 0, passes = f->instance ? 2 : 1;
        int r = 0;

        if (f->instance)
                r = aug_env_assignments(c->aug, c->files[0].node, c->files[0].text, &main_v, &n_main);
        if (r >= 0)
                r = aug_env_assignments(c->aug, base, text, &own, &n_own);
        if (r < 0)
                return r;
        rd->seq = calloc(n_main + passes * n_own + 1, sizeof *rd->seq);
        if (!rd->seq)
                return -ENOMEM;
        for (size_t i = 0; i < n_main; i++)
                rd->seq[i] = main_v[i];
        for (size_t k = 0; k < passes; k++)
                for (size_t i = 0; i < n_own; i++)
                        rd->seq[n_main + k * n_own + i] = own[i];
        rd->n_base = n_main;
        rd->n_seq = n_main + passes * n_own;
        return 0;
}

/* What the shell would take from elsewhere than the files, refused: IFS
 * changes how start() splits the variables, SVCNAME which file the init
 * script sources, and a reference to openrc-run's own variables has a
 * value no file holds. */
static int check_assignment(const EnvAssignment *a, const char *subject, ErrorInfo *e) {
        if (streq_ptr(a->name, "IFS"))
                return error_set(e, -EINVAL, "parse", subject, a->line, "remove it, then run again",
                                 "IFS changes where the init script's shell splits memcached's options");
        if (streq_ptr(a->name, "SVCNAME") || streq_ptr(a->name, "RC_SVCNAME"))
                return error_set(e, -EINVAL, "parse", subject, a->line, "remove it, then run again",
                                 "%s changes which file the init script sources", a->name);
        for (const char *s = strchr(a->value, '$'); s; s = strchr(s + 1, '$')) {
                const char *name = s + 1 + (s[1] == '{');
                size_t len = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

                if ((len == 7 && strncmp(name, "SVCNAME", 7) == 0) || strncmp(name, "RC_", 3) == 0)
                        return error_set(e, -EINVAL, "parse", subject, a->line,
                                         "write out the value memcached should get, then run again",
                                         "'$%.*s' is set by openrc-run, not by a file memharden reads", (int) len,
                                         name);
        }
        return 0;
}

/* The names rc_command reads, and FREE_VAR, each once, into RD's vars. */
static int name_vars(const Profile *p, Reading *rd) {
        size_t cap = 2;

        for (const RcWord *w = p->rc_command; w->word || w->var; w++)
                cap += 4;
        rd->vars = calloc(cap, sizeof *rd->vars);
        if (!rd->vars)
                return -ENOMEM;
        for (const RcWord *w = p->rc_command;; w++) {
                const char *names[] = { w->var, w->when[0], w->when[1], w->unless };
                bool end = !w->word && !w->var;

                if (end)
                        names[0] = p->variable, names[1] = names[2] = names[3] = NULL;
                for (size_t i = 0; i < ELEMENTSOF(names); i++)
                        if (names[i] && rc_var_find(rd->vars, rd->n_vars, names[i]) == SIZE_MAX)
                                rd->vars[rd->n_vars++].name = names[i];
                if (end)
                        return 0;
        }
}

/* Each variable as the last assignment to it left it. */
static void fill_vars(const Config *c, const ConfigFile *f, Reading *rd) {
        for (size_t i = 0; i < rd->n_vars; i++) {
                RcVar *v = &rd->vars[i];

                *v = (RcVar) { .name = v->name, .value = "", .subject = f->real_path };
                for (size_t k = rd->n_seq; k > 0; k--)
                        if (streq_ptr(rd->seq[k - 1].name, v->name)) {
                                v->value = rd->values[k - 1];
                                v->raw = rd->seq[k - 1].value;
                                v->local = k - 1 >= rd->n_base;
                                v->subject = v->local ? f->real_path : c->files[0].real_path;
                                v->line = rd->seq[k - 1].line;
                                break;
                        }
        }
}

static int read_file(Config *c, const ConfigFile *f, const char *base, const char *text, Reading *rd,
                     ErrorInfo *e) {
        int r = sequence(c, f, base, text, rd);

        for (size_t i = 0; i < rd->n_seq && r >= 0; i++)
                r = check_assignment(&rd->seq[i], i < rd->n_base ? c->files[0].real_path : f->real_path, e);
        if (r >= 0)
                r = envfile_shell_values(rd->seq, rd->n_seq, &rd->values);
        if (r >= 0)
                r = name_vars(c->profile, rd);
        if (r < 0)
                return r;
        fill_vars(c, f, rd);
        return rc_line_read(c->profile->rc_command, rd->vars, rd->n_vars, f->real_path, &rd->line, &rd->args, e);
}

/* The lines of the assignments an added option goes into, where they are
 * in the file: the variable the script reads after its own -l or -U (the
 * options the policy adds), and the one for other options. */
static int note_append_lines(const Config *c, const Reading *rd, StoreState *s) {
        const RcWord *cmd = c->profile->rc_command;

        s->append_lines = calloc(rd->n_vars + 1, sizeof *s->append_lines);
        if (!s->append_lines)
                return -ENOMEM;
        for (size_t i = 0; i < rd->n_vars; i++) {
                bool target = streq_ptr(rd->vars[i].name, c->profile->variable);

                for (size_t p = 0; cmd[p].word || cmd[p].var; p++)
                        target = target || (p > 0 && cmd[p - 1].word && cmd[p - 1].word[0] == '-' &&
                                             policy_edits_letter(cmd[p - 1].word[1]) && !cmd[p - 1].word[2] &&
                                             streq_ptr(cmd[p].var, rd->vars[i].name));
                if (target && rd->vars[i].local)
                        s->append_lines[s->n_append_lines++] = rd->vars[i].line;
        }
        return 0;
}

static int confd_walk(Config *c, const ConfigFile *f, const char *base, const char *text, const char *scratch,
                      StoreWalk *w, ErrorInfo *e) {
        Reading rd = {};
        int r;

        (void) scratch;
        r = read_file(c, f, base, text, &rd, e);
        if (r >= 0)
                r = note_append_lines(c, &rd, &w->state);
        if (r >= 0) {
                w->args = rd.args;
                rd.args = (ArgList) {};
        }
        reading_done(&rd);
        return r;
}

/* ---- editing ---- */

/* F read again, and the new values of the variables EDITS touch. */
static int confd_changes(Config *c, const ConfigFile *f, const Edit *edits, size_t n_edits, Reading *rd,
                         RcChange **ret, size_t *ret_n, ErrorInfo *e) {
        int r = read_file(c, f, f->node, f->text, rd, e);

        if (r >= 0 && rd->args.n != f->n_args)
                r = -EINVAL; /* not the reading the edits were made for */
        if (r < 0)
                return r;
        return rc_line_edit(c->profile->rc_command, c->profile->variable, &rd->line, rd->vars, rd->n_vars, edits,
                            n_edits, f->real_path, ret, ret_n, e);
}

/* F's text with the CHANGES, through the lens's put of a tree of its own
 * made of F's text (aug_cp() would lose the blank lines, which have no
 * label): the last assignment of a variable F sets gets its new value,
 * any other is added at the end. */
static int put_changes(Config *c, const ConfigFile *f, const Reading *rd, const RcChange *ch, size_t n,
                       char **ret_text, ErrorInfo *e) {
        const char *tree = SCRATCH "/confd/tree", *in = SCRATCH "/confd/in", *out = SCRATCH "/confd/out";
        char p[NODE_MAX];
        char *text;

        if (aug_rm(c->aug, SCRATCH "/confd") < 0 || aug_set(c->aug, in, config_file_input(f)) < 0 ||
            aug_text_store(c->aug, c->profile->lens, in, tree) < 0)
                return aug_error_last(c->aug, -EINVAL, "edit", f->real_path, 0, false, e);
        for (size_t i = 0; i < n; i++) {
                const RcVar *v = &rd->vars[ch[i].var];

                snprintf(p, sizeof p, "%s/%s%s", tree, v->name, v->local ? "[last()]" : "");
                if (aug_set(c->aug, p, ch[i].value) < 0)
                        return aug_error_last(c->aug, -EINVAL, "edit", f->real_path, v->local ? v->line : 0, false, e);
        }
        if (aug_text_retrieve(c->aug, c->profile->lens, in, tree, out) < 0)
                return aug_error_last(c->aug, -EINVAL, "render", f->real_path, 0, true, e);
        text = strdup(aug_value(c->aug, out) ?: "");
        if (!text)
                return -ENOMEM;
        *ret_text = text;
        return 0;
}

static int confd_render(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text,
                        ErrorInfo *e) {
        Reading rd = {};
        RcChange *ch = NULL;
        size_t n = 0;
        int r;

        r = confd_changes(c, f, edits, n_edits, &rd, &ch, &n, e);
        if (r >= 0)
                r = put_changes(c, f, &rd, ch, n, ret_text, e);
        rc_changes_free(ch, n);
        reading_done(&rd);
        return r;
}

/* The lens's value classes (memharden_sysconfig.aug) a put keeps the
 * quotes of: bare, and quoted (something a shell would split or read). */
typedef enum ValueClass {
        VALUE_OTHER,
        VALUE_BARE,
        VALUE_QUOTED,
} ValueClass;

static ValueClass value_class(const char *v) {
        if (!*v || strpbrk(v, "\n\r\"'\\$`"))
                return VALUE_OTHER;
        return v[strspn(v, "-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,:/@%+=")] ? VALUE_QUOTED
                                                                                                   : VALUE_BARE;
}

/* Line L of F with V's value NEW in place of the old one between its
 * double quotes, into OUT: what the lens's put writes where it keeps the
 * line, that is where the value's class stays, or where the line is
 * nothing but NAME="OLD" (a node of another class is written anew, without
 * indentation or trailing blanks). -EAGAIN elsewhere. */
static int splice_line(const TextLine *l, const RcVar *v, const char *new, FILE *out) {
        const char *s = l->start + strspn(l->start, " \t"), *q, *end = l->start + l->len;
        size_t name = strlen(v->name), old = strlen(v->raw);
        bool exported = strncmp(s, "export", 6) == 0 && (s[6] == ' ' || s[6] == '\t'), same, plain;

        if (exported)
                s += 6 + strspn(s + 6, " \t");
        if (strncmp(s, v->name, name) != 0 || s[name] != '=' || s[name + 1] != '"')
                return -EAGAIN;
        q = s + name + 2; /* past NAME=" */
        if ((size_t) (end - q) <= old || strncmp(q, v->raw, old) != 0 || q[old] != '"')
                return -EAGAIN;
        same = value_class(v->raw) != VALUE_OTHER && value_class(v->raw) == value_class(new);
        plain = s == l->start && q + old + 1 == end;
        if (value_class(new) == VALUE_OTHER || !(same || plain))
                return -EAGAIN;
        fprintf(out, "%.*s%s%.*s\n", (int) (q - l->start), l->start, new, (int) (end - (q + old)), q + old);
        return 0;
}

/* F's text with the CHANGES, written without the lens where that is
 * exact; -EAGAIN elsewhere. */
static int splice_changes(const ConfigFile *f, const Reading *rd, const RcChange *ch, size_t n, char **ret_text) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *out;
        int r = 0;

        for (size_t i = 0; i < n; i++)
                if (!rd->vars[ch[i].var].local && value_class(ch[i].value) == VALUE_OTHER)
                        return -EAGAIN;
        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        FOREACH_LINE(l, config_file_input(f)) {
                size_t i = 0;

                while (i < n && !(rd->vars[ch[i].var].local && rd->vars[ch[i].var].line == l.no))
                        i++;
                if (i < n)
                        r = splice_line(&l, &rd->vars[ch[i].var], ch[i].value, out);
                else
                        fprintf(out, "%.*s\n", (int) l.len, l.start);
                if (r < 0)
                        break;
        }
        for (size_t i = 0; i < n && r >= 0; i++)
                if (!rd->vars[ch[i].var].local) /* as the lens writes a new node: last, double-quoted */
                        fprintf(out, "%s=\"%s\"\n", rd->vars[ch[i].var].name, ch[i].value);
        if (fclose(out) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        *ret_text = TAKE_PTR(buf);
        return 0;
}

static int confd_preview(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text,
                         ErrorInfo *e) {
        Reading rd = {};
        RcChange *ch = NULL;
        size_t n = 0;
        int r;

        r = confd_changes(c, f, edits, n_edits, &rd, &ch, &n, e);
        if (r >= 0)
                r = splice_changes(f, &rd, ch, n, ret_text);
        if (r == -EAGAIN)
                r = put_changes(c, f, &rd, ch, n, ret_text, e);
        rc_changes_free(ch, n);
        reading_done(&rd);
        return r;
}

const ConfigStore store_confd = {
        .name = "confd",
        .lens = true,
        .load = confd_load,
        .walk = confd_walk,
        .preview = confd_preview,
        .render = confd_render,
};
