/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The unit store (store.h): memcached's options where systemd takes them
 * from, on every family. load() finds the units that run memcached
 * (unit_load.h) and what each runs (unit_exec.h). A unit whose command
 * line takes its options from the profile's own file (Debian's wrapper on
 * a memcached.conf the profile manages; $OPTIONS or $MEMCACHED_PARAMS from
 * the sysconfig file, with no listener option elsewhere) chains to that
 * file's store, which judges it. Any other becomes one file of the Config
 * whose options are the whole command line, and whose text is the file an
 * edit goes to:
 *   - the file that holds the ExecStart= in effect, when it is the admin's
 *     own file of this unit (/etc/systemd/system, not a template's): its
 *     words are edited in place, where they were read;
 *   - else memharden's drop-in /etc/systemd/system/UNIT.d/50-memharden.conf
 *     (created, or appended to): Environment= lines where every edited word
 *     comes from an Environment= variable, else an ExecStart= reset and the
 *     edited command line.
 * Vendor units and templates are never edited. plan.c re-reads the new
 * text with every other file of the unit as it is, so a later drop-in that
 * would undo the edit is caught before anything is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <augeas.h>

#include "array.h"
#include "cleanup.h"
#include "config_aug.h"
#include "config_file.h"
#include "envfile.h"
#include "mcargv.h"
#include "rootfs.h"
#include "store.h"
#include "unit_edit.h"
#include "unit_exec.h"
#include "unit_load.h"
#include "util.h"

#define WRAPPER "systemd-memcached-wrapper"
#define WRAPPER_DEFAULT_CONF "/etc/memcached.conf" /* what the wrapper reads without one argument */
/* Options a command line outside the chained variable must not hold for the chain to hold. */
#define LISTEN_LETTERS "lUs"


static void unit_data_free(void *p) {
        UnitData *d = p;

        if (!d)
                return;
        unit_free(d->unit);
        for (size_t i = 0; i < d->n_file_vars; i++) {
                free(d->file_vars[i].name);
                free(d->file_vars[i].value);
                free(d->file_of[i]);
        }
        free(d->file_vars);
        free(d->file_of);
        unit_exec_done(&d->exec);
        free(d->pos);
        free(d);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(UnitData *, unit_data_free);

#define SYSCONFIG_LENS "Memharden_sysconfig.lns"

/* Adds to D the assignments V[0, N) of env file PATH as systemd's
 * EnvironmentFile= takes them (envfile.h): literally, the last of a name
 * winning (unit_env_get()), "export NAME=" lines dropped. */
static int add_env_vars(UnitData *d, const char *path, const EnvAssignment *v, size_t n) {
        for (size_t i = 0; i < n; i++) {
                if (v[i].export)
                        continue;
                if (!GREEDY_REALLOC(d->file_vars, d->vars_cap, d->n_file_vars + 1) ||
                    !GREEDY_REALLOC(d->file_of, d->of_cap, d->n_file_vars + 1))
                        return -ENOMEM;
                d->file_vars[d->n_file_vars] = (UnitVar) { strdup(v[i].name), strdup(v[i].value) };
                d->file_of[d->n_file_vars++] = strdup(path);
                if (!d->file_vars[d->n_file_vars - 1].name || !d->file_vars[d->n_file_vars - 1].value ||
                    !d->file_of[d->n_file_vars - 1])
                        return -ENOMEM;
        }
        return 0;
}

/* The file of C at PATH that the sysconfig lens already read, or NULL. */
static const ConfigFile *read_already(const Config *c, const char *path) {
        for (size_t i = 0; i < c->n_files; i++)
                if (c->files[i].store->lens && streq_ptr(c->profile->lens, SYSCONFIG_LENS) &&
                    streq_ptr(c->files[i].path, path))
                        return &c->files[i];
        return NULL;
}

/* Adds the variables of env file PATH to D: from the profile's tree of it
 * where the profile reads it (RHEL's and SUSE's sysconfig file), else read
 * and parsed with the sysconfig lens here. */
static int read_env_file(Config *c, UnitData *d, const char *path, bool optional, ErrorInfo *e) {
        _cleanup_free_ char *text = NULL, *real = NULL;
        _cleanup_free_ EnvAssignment *v = NULL;
        const char *in = SCRATCH "/unitenv/in", *tree = SCRATCH "/unitenv/tree";
        const ConfigFile *f = read_already(c, path);
        size_t n = 0;
        int r;

        if (f) {
                r = aug_env_assignments(c->aug, f->node, config_file_input(f), &v, &n);
                return r < 0 ? r : add_env_vars(d, path, v, n);
        }
        r = root_read_file(c->root, path, &text, NULL, NULL);
        if (r == -ENOENT) /* systemd then fails the start unless it is optional: nothing runs */
                return 0;
        real = path_join(c->root, path);
        if (r < 0)
                return error_set(e, r, "read", real ?: path, 0, NULL, "%s", strerror(-r));
        if (aug_rm(c->aug, SCRATCH "/unitenv") < 0 || aug_set(c->aug, in, text) < 0)
                return -ENOMEM;
        if (aug_text_store(c->aug, SYSCONFIG_LENS, in, tree) < 0)
                return aug_error_info(c->aug, "/augeas/text" SCRATCH "/unitenv/tree/error", real ?: path, "parse", e);
        r = aug_env_assignments(c->aug, tree, text, &v, &n);
        if (r >= 0)
                r = add_env_vars(d, path, v, n);
        (void) optional;
        return r == -EINVAL ? error_set(e, r, "parse", real ?: path, 0, NULL, "cannot read its assignments") : r;
}

static int read_env_files(Config *c, UnitData *d, ErrorInfo *e) {
        char **paths = NULL;
        bool *optional = NULL;
        size_t n = 0;
        int r;

        r = unit_env_files(d->unit, &paths, &optional, &n);
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = read_env_file(c, d, paths[i], optional[i], e);
        for (size_t i = 0; i < n; i++)
                free(paths[i]);
        free(paths);
        free(optional);
        return r;
}

static int build(const UnitData *d, UnitExec *ret, const char **why) {
        return unit_exec_build(d->unit, d->file_vars, (const char *const *) d->file_of, d->n_file_vars, ret, why);
}

static const char *base_name(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

/* Whether X takes its listener options only from the profile's variable
 * in the profile's sysconfig file, which that store judges as the unit
 * reads it. (OpenRC's conf.d store judges the init script's command line,
 * which a unit does not run: Gentoo's unit passes MISC_OPTS alone.) */
static bool chains_to_variable(const Profile *p, const UnitExec *x) {
        bool uses = false;

        if (!p->variable || p->store != &store_shellvar)
                return false;
        for (size_t j = 1; j < x->argc; j++) {
                const ExecWord *w = &x->argv[j];
                bool from_var = w->var && streq_ptr(w->var->name, p->variable) && streq_ptr(w->var->file, p->config);
                uses = uses || from_var;
                if (!from_var && w->word[0] == '-' && w->word[1] &&
                    (strchr(LISTEN_LETTERS, w->word[1]) || strncmp(w->word, "--listen", 8) == 0 ||
                     strncmp(w->word, "--udp", 5) == 0 || strncmp(w->word, "--unix", 6) == 0))
                        return false;
        }
        return uses;
}

/* Whether argv word J comes from an Environment= variable set in source S
 * (S UNIT_NO_SOURCE: any, then *S becomes it) and used once. */
static bool from_env_in(const UnitExec *x, size_t j, size_t *s) {
        const UnitEnv *v = j < x->argc ? x->argv[j].var : NULL;

        if (!v || v->source == UNIT_NO_SOURCE || unit_var_uses(x, v) != 1 || (*s != UNIT_NO_SOURCE && *s != v->source))
                return false;
        *s = v->source;
        return true;
}

/* The admin's own file that sets every listener option of D's command line
 * through Environment= variables (Puppet's override of LISTEN), so that
 * editing those assignments does it all; UNIT_NO_SOURCE for none. Where
 * -l or -U is missing, the addition must go into the last word's variable. */
static size_t env_source_of(const UnitData *d) {
        const UnitExec *x = &d->exec;
        _cleanup_free_ McArgPos *pos = NULL;
        _cleanup_free_ char **words = calloc(x->argc ?: 1, sizeof *words);
        _cleanup_free_ unsigned *lines = calloc(x->argc ?: 1, sizeof *lines);
        ArgList args = {};
        size_t s = UNIT_NO_SOURCE, last;
        bool l = false, u = false, ok = true;

        if (!words || !lines)
                return UNIT_NO_SOURCE;
        for (size_t j = 1; j < x->argc; j++)
                words[j - 1] = x->argv[j].word;
        if (mcargv_parse(words, x->argc - 1, lines, &args, &pos, NULL) < 0) {
                args_free(args.v, args.n); /* what it appended before the bad word */
                return UNIT_NO_SOURCE;
        }
        for (size_t i = 0; i < args.n && ok; i++)
                if (args.v[i].letter && strchr(LISTEN_LETTERS, args.v[i].letter)) {
                        ok = from_env_in(x, pos[i].word + 1, &s) && from_env_in(x, pos[i].value + 1, &s);
                        l = l || args.v[i].letter == 'l';
                        u = u || args.v[i].letter == 'U';
                }
        args_free(args.v, args.n);
        last = x->argc - 1;
        if (!ok || s == UNIT_NO_SOURCE || !d->unit->sources[s].own || d->unit->sources[s].ours)
                return UNIT_NO_SOURCE;
        if (!(l && u) && !(x->argv[last].token == x->n_tokens - 1 && from_env_in(x, last, &s)))
                return UNIT_NO_SOURCE;
        return s;
}

/* Where the edit of D goes: the file of its ExecStart= when that is the
 * admin's own; else the admin's own file that sets its listener options;
 * else memharden's drop-in. */
static size_t target_of(const UnitData *d) {
        const Unit *u = d->unit;
        size_t s;

        if (u->sources[d->exec.source].own && !u->sources[d->exec.source].ours)
                return d->exec.source;
        s = env_source_of(d);
        if (s != UNIT_NO_SOURCE)
                return s;
        for (size_t i = 0; i < u->n_sources; i++)
                if (u->sources[i].ours)
                        return i;
        return d->exec.source; /* not reached: unit_load.c always places ours */
}

/* Whether systemd runs the root: it has /run/systemd/system. */
static bool systemd_runs(const Config *c) {
        _cleanup_close_ int fd = -1;
        return root_open_dir(c->root, "/run/systemd/system", 0, &fd) >= 0;
}

/* Adds U as a file of C, or leaves it to the store it chains to. */
static int add_unit(Config *c, Unit *u, ErrorInfo *e) {
        _cleanup_(unit_data_freep) UnitData *d = calloc(1, sizeof *d);
        const char *why = NULL, *prog;
        const UnitSource *t;
        ConfigFile *f;
        int r;

        if (!d) {
                unit_free(u);
                return -ENOMEM;
        }
        d->unit = u;
        if (c->profile->units_when_used && !u->used && !systemd_runs(c))
                return 0; /* a unit OpenRC's host would never run */
        r = read_env_files(c, d, e);
        if (r < 0)
                return r;
        r = build(d, &d->exec, &why);
        if (r == -ENOEXEC) /* refused only where it may be memcached's */
                return strncmp(u->name, "memcached", 9) != 0 ? 0
                       : error_set(e, -EINVAL, "read", u->name, 0, "edit the unit by hand, then check again",
                                   "cannot tell what the unit runs: %s", why);
        if (r < 0)
                return r;
        prog = base_name(d->exec.argv[0].word);
        if (streq_ptr(prog, WRAPPER)) {
                const char *conf = d->exec.argc == 2 ? d->exec.argv[1].word : WRAPPER_DEFAULT_CONF;
                return profile_owns(c->profile, conf) ? 0
                       : error_set(e, -EINVAL, "read", u->name, 0, "point the unit at /etc/memcached.conf or an "
                                   "/etc/memcached_NAME.conf", "it runs Debian's wrapper on '%s', which memharden "
                                   "does not manage", conf);
        }
        if (!streq_ptr(prog, "memcached") || chains_to_variable(c->profile, &d->exec))
                return 0;

        d->target = target_of(d);
        t = &u->sources[d->target];
        r = config_add_store_file(c, &store_unit, t->path, t->text, t->exists ? &t->st : NULL, &f);
        if (r < 0)
                return r;
        f->unit_file = true;
        if (!(f->unit = strdup(u->name)))
                return -ENOMEM;
        r = unit_exec_held_argv(u, &d->exec, &f->exec_argv);
        if (r < 0)
                return r;
        /* Findings of a drop-in not written yet name where the options are. */
        if (!t->exists && asprintf(&f->label, "%s (%s)", u->name, u->sources[d->exec.source].path) < 0) {
                f->label = NULL;
                return -ENOMEM;
        }
        f->store_data = TAKE_PTR(d);
        f->store_data_free = unit_data_free;
        return 0;
}

static int unit_store_load(Config *c, ErrorInfo *e) {
        _cleanup_free_ char *path = NULL;
        Unit **units = NULL;
        size_t n = 0, i = 0;
        unsigned line = 0;
        int r;

        r = units_discover(c->root, c->root_fd, &units, &n, &path, &line);
        if (r == -EINVAL) {
                _cleanup_free_ char *real = path_join(c->root, path ?: "");
                return error_set(e, r, "parse", real ?: "unit", line, "fix the line; 'systemd-analyze verify' says more",
                                 "a line that is no section header, comment or KEY=VALUE, which systemd refuses too");
        }
        if (r < 0) {
                _cleanup_free_ char *real = path ? path_join(c->root, path) : NULL;
                return error_set(e, r, "read", real ?: "systemd units", 0, NULL, "%s",
                                 r == -EBADF ? "not a regular file" : strerror(-r));
        }
        for (; i < n && r >= 0; i++)
                r = add_unit(c, TAKE_PTR(units[i]), e);
        for (; i < n; i++) /* after a failure */
                unit_free(units[i]);
        free(units);
        return r;
}

/* The line of TEXT that byte OFF is on. */
static unsigned line_at(const char *text, size_t off) {
        unsigned l = 1;

        for (size_t i = 0; i < off && text[i]; i++)
                l += text[i] == '\n';
        return l;
}

/* The line word J of X is on in the target's text, 0 when elsewhere. */
static unsigned word_line(const UnitData *d, const UnitExec *x, size_t j) {
        const UnitSource *t = &d->unit->sources[d->target];
        const ExecWord *w = &x->argv[j];

        if (w->var && w->var->source == d->target) {
                const UnitEntry *en = &t->entries[w->var->entry];
                return en->line;
        }
        if (x->source != d->target)
                return 0;
        return line_at(t->text, t->entries[x->entry].map[x->tokens[w->token].start]);
}

/* The options of X's command line (from argv[1]) into W's args; their
 * places into *RET_POS. */
static int options_of(const UnitData *d, const UnitExec *x, const char *subject, StoreWalk *w, McArgPos **ret_pos,
                      ErrorInfo *e) {
        _cleanup_free_ char **words = calloc(x->argc ?: 1, sizeof *words);
        _cleanup_free_ unsigned *line_of = calloc(x->argc ?: 1, sizeof *line_of);
        size_t bad = 0;
        int r;

        if (!words || !line_of)
                return -ENOMEM;
        for (size_t j = 1; j < x->argc; j++) {
                words[j - 1] = x->argv[j].word;
                line_of[j - 1] = word_line(d, x, j);
        }
        r = mcargv_parse(words, x->argc - 1, line_of, &w->args, ret_pos, &bad);
        if (r == -EINVAL)
                return error_set(e, r, "parse", subject, line_of[bad], "fix the unit's command line",
                                 "unit %s runs memcached with '%s', an option memcached does not know or one "
                                 "without its value", d->unit->name, words[bad]);
        if (r >= 0 && x->source == d->target && x->n_tokens > 0) /* where additions go */
                w->state.value_line = line_at(d->unit->sources[d->target].text,
                                              d->unit->sources[d->target].entries[x->entry].map[x->tokens[x->n_tokens - 1].start]);
        return r;
}

/* The walk: the command line of F's unit with TEXT as the target's text
 * (F's own text on load; a new text on a re-read). */
static int unit_store_walk(Config *c, const ConfigFile *f, const char *base, const char *text, const char *scratch,
                           StoreWalk *w, ErrorInfo *e) {
        UnitData *d = f->store_data;
        UnitSource *t = &d->unit->sources[d->target];
        _cleanup_free_ char *saved = NULL;
        _cleanup_free_ McArgPos *pos = NULL;
        bool reread = text != f->text;
        const char *why = NULL;
        UnitExec x = {};
        unsigned line = 0;
        int r, k;

        (void) c, (void) base, (void) scratch;
        if (!reread) {
                r = options_of(d, &d->exec, f->real_path, w, &pos, e);
                if (r >= 0)
                        free(d->pos), d->pos = TAKE_PTR(pos);
                return r;
        }
        if (!(saved = strdup(t->text)))
                return -ENOMEM;
        r = unit_source_set_text(t, text, &line);
        if (r == -EINVAL)
                return error_set(e, r, "re-read", f->real_path, line, NULL, "the new text is no unit file");
        if (r >= 0)
                r = build(d, &x, &why);
        if (r == -ENOEXEC)
                r = error_set(e, -EINVAL, "re-read", f->real_path, 0, NULL, "%s", why);
        if (r >= 0)
                r = options_of(d, &x, f->real_path, w, &pos, e);
        unit_exec_done(&x);
        k = unit_source_set_text(t, saved, NULL);
        return r < 0 ? r : k;
}

static int unit_store_render(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text,
                             ErrorInfo *e) {
        UnitData *d = f->store_data;
        int r;

        (void) c;
        r = unit_edit(d, edits, n_edits, ret_text);
        if (r == -EINVAL)
                return error_set(e, r, "edit", f->real_path, 0, "edit the unit by hand",
                                 "unit %s keeps a listener option where memharden cannot change it alone "
                                 "(in a word with other options, or a word broken over lines)", d->unit->name);
        return r;
}

const ConfigStore store_unit = {
        .name = "unit",
        .load = unit_store_load,
        .walk = unit_store_walk,
        .preview = unit_store_render,
        .render = unit_store_render,
};
