/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <augeas.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcopt.h"
#include "rootfs.h"
#include "util.h"

/* Scratch trees for text we parse or render outside the files themselves. */
#define SCRATCH "/memharden"
/* Room for a node path plus the suffix we append to it. */
#define NODE_MAX (PATH_MAX + 64)


/* aug_match() result, freed with its strings. */
typedef struct Matches {
        char **v;
        int n;
} Matches;

static void matches_done(Matches *m) {
        for (int i = 0; i < m->n; i++)
                free(m->v[i]);
        free(m->v);
}
#define _cleanup_matches_ _cleanup_(matches_done)

static int match(augeas *aug, Matches *m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int match(augeas *aug, Matches *m, const char *fmt, ...) {
        _cleanup_free_ char *expr = NULL;
        va_list ap;

        va_start(ap, fmt);
        int k = vasprintf(&expr, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        m->n = aug_match(aug, expr, &m->v);
        if (m->n < 0) {
                m->n = 0;
                m->v = NULL;
                return -EINVAL;
        }
        return m->n;
}

static const char *get(augeas *aug, const char *path) {
        const char *v = NULL;
        return aug_get(aug, path, &v) == 1 ? v : NULL;
}

static const char *getf(augeas *aug, char *buf, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static const char *getf(augeas *aug, char *buf, size_t size, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, size, fmt, ap);
        va_end(ap);
        return get(aug, buf);
}

/* A file's text as the lens sees it on load and on save. */
static const char *input_of(const ConfigFile *f) {
        return f->input ?: f->text;
}

const char *config_lens_dir(void) {
        const char *d = secure_getenv("MEMHARDEN_LENS_DIR");
        return d && *d ? d : MEMHARDEN_LENSDIR;
}

void args_free(Arg *args, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(args[i].value);
                free(args[i].path);
        }
        free(args);
}

static void file_done(ConfigFile *f) {
        free(f->path);
        free(f->real_path);
        free(f->node);
        free(f->instance);
        free(f->text);
        free(f->input);
        args_free(f->args, f->n_args);
        free(f->var_node);
        free(f->args_node);
}

void config_free(Config *c) {
        if (!c)
                return;
        for (size_t i = 0; i < c->n_files; i++)
                file_done(&c->files[i]);
        free(c->files);
        if (c->aug)
                aug_close(c->aug);
        if (c->root_fd >= 0)
                close(c->root_fd);
        free(c->root);
        free(c);
}

/* Fills E from Augeas's error record under ERR (e.g. /augeas/files/x/error). */
static int augeas_error(augeas *aug, const char *err, const char *subject, const char *verb, ErrorInfo *e) {
        char p[PATH_MAX];
        const char *msg = getf(aug, p, sizeof p, "%s/message", err);
        const char *kind = get(aug, err);
        const char *line = getf(aug, p, sizeof p, "%s/line", err);
        long l = 0;

        if (line)
                (void) safe_atol(line, 1, INT32_MAX, &l);
        return error_set(e, -EINVAL, verb, subject, (unsigned) l,
                         "fix it by hand or restore it with 'memharden rollback', then run again",
                         "%s", msg ?: kind ?: "Augeas could not read it");
}

typedef struct ArgList {
        Arg *v;
        size_t n, cap;
} ArgList;

static int arglist_push(ArgList *l, char letter, const char *value, const char *path, unsigned line, bool effective) {
        if (l->n == l->cap) {
                size_t cap = l->cap ? 2 * l->cap : 8;
                Arg *a = reallocarray(l->v, cap, sizeof *a);
                if (!a)
                        return -ENOMEM;
                l->v = a;
                l->cap = cap;
        }
        Arg *a = &l->v[l->n];
        *a = (Arg) { .letter = letter, .line = line, .effective = effective };
        if ((value && !(a->value = strdup(value))) || (path && !(a->path = strdup(path)))) {
                free(a->value);
                return -ENOMEM;
        }
        l->n++;
        return 0;
}

static const char *last_component(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

static void parent_of(const char *path, char *buf, size_t size) {
        snprintf(buf, size, "%.*s", (int) (last_component(path) - 1 - path), path);
}

/* Reads the options under the nodes LINES (a path without wildcards)
 * selects, in document order, in the tree shape of
 * lenses/memharden_args.aug: each such node holds "short" words of
 * one-letter options, "long" words of one named option each, and maybe a
 * trailing "#comment". In a config file LINES are its option lines and
 * LINE_NO[J] the line number of the Jth of N_LINES; else (LINE_NO NULL)
 * LINES is one argument list, all on line FIXED_LINE.
 *
 * One node-set variable over all these nodes, read by index in one pass:
 * linear in the file. Augeas would count a node's same-named siblings to
 * give its path, so the pass numbers lines and words itself, and builds a
 * path only for an option an edit can need. */
static int walk_options(augeas *aug, const char *lines, const unsigned *line_no, size_t n_lines,
                        unsigned fixed_line, bool skips_daemon_lines, const char *subject, ArgList *out,
                        ErrorInfo *e) {
        char expr[NODE_MAX], path[NODE_MAX];
        const char *kind = NULL;   /* the word being read: "short" or "long" */
        unsigned l = fixed_line, n_short = 0, n_long = 0, n_in_word = 0;
        bool first = false, effective = true;
        size_t j = 0;              /* lines seen */
        int n, r = 0;

        snprintf(expr, sizeof expr, "%s/descendant-or-self::*", lines);
        n = aug_defvar(aug, "mhopt", expr);
        if (n < 0)
                return -EINVAL;
        for (int i = 0; i < n && r >= 0; i++) {
                const char *label = NULL, *value = NULL;
                const McOption *opt;

                if (aug_ns_attr(aug, "mhopt", i, &value, &label, NULL) < 0 || !label) {
                        r = -EINVAL;
                        break;
                }
                /* A long word holds exactly one option, a short word only
                 * one-letter ones: any other node is a word, the comment or
                 * the next line. */
                bool is_short = kind && strcmp(kind, "short") == 0;
                if (!kind || (is_short ? label[0] == '\0' || label[1] != '\0' : n_in_word > 0)) {
                        kind = NULL;
                        if (i > 0 && (strcmp(label, "short") == 0 || strcmp(label, "long") == 0)) {
                                kind = label[0] == 's' ? "short" : "long";
                                n_in_word = 0;
                                if (kind[0] == 's')
                                        n_short++;
                                else
                                        n_long++;
                        } else if (i == 0 || strcmp(label, "#comment") != 0) {
                                if (line_no && j >= n_lines) {
                                        r = -EINVAL;
                                        break;
                                }
                                l = line_no ? line_no[j] : fixed_line;
                                j++;
                                n_short = n_long = 0;
                                first = true;
                        }
                        continue;
                }
                n_in_word++;

                opt = is_short && label[1] == '\0' ? mcopt_by_letter(label[0]) : mcopt_by_long(label);
                if (!opt) {
                        r = error_set(e, -EINVAL, "parse", subject, l,
                                      "memcached would refuse to start with it; fix the option",
                                      "unknown memcached option '%s%s'", is_short ? "-" : "--", label);
                        break;
                }
                /* The lens knows no long option names, so it cannot tell which
                 * take a value; memcached's table can. */
                if (opt->has_arg && !value) {
                        r = error_set(e, -EINVAL, "parse", subject, l,
                                      "memcached would refuse to start with it; give the value",
                                      "option '--%s' needs a value", label);
                        break;
                }
                if (!opt->has_arg && value && opt->letter != 'v') {
                        r = error_set(e, -EINVAL, "parse", subject, l,
                                      "memcached would not read it as meant; remove the value",
                                      "option '--%s' takes no value, but has '%s'", label, value);
                        break;
                }
                /* Debian's start scripts skip a line whose first word begins with -d or -h. */
                if (first) {
                        effective = !(skips_daemon_lines && is_short && (opt->letter == 'd' || opt->letter == 'h'));
                        first = false;
                }
                /* Only the options the policy edits need a node path. An
                 * option taking a value ends its word, so its label is
                 * unique there and needs no index. */
                bool editable = policy_edits_letter(opt->letter);
                if (editable)
                        snprintf(path, sizeof path, "%s[%zu]/%s[%u]/%s", lines, j, kind,
                                 is_short ? n_short : n_long, label);
                r = arglist_push(out, opt->letter, value, editable ? path : NULL, l, effective);
        }
        (void) aug_defvar(aug, "mhopt", NULL);
        return r;
}

/* The line of the last "VAR=" assignment, for messages. */
static unsigned var_line(const char *text, const char *var) {
        unsigned line = 0, n = 1;
        size_t vl = strlen(var);

        for (const char *l = text; *l; n++) {
                const char *s = l + strspn(l, " \t");
                if (strncmp(s, "export", 6) == 0 && (s[6] == ' ' || s[6] == '\t'))
                        s += 6 + strspn(s + 6, " \t");
                if (strncmp(s, var, vl) == 0 && s[vl] == '=')
                        line = n;
                const char *nl = strchr(l, '\n');
                if (!nl)
                        break;
                l = nl + 1;
        }
        return line;
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
        unsigned *v = calloc(n ?: 1, sizeof *v), line = 1;
        size_t k = 0;

        if (!v)
                return -ENOMEM;
        for (const char *l = text; *l && k < n; line++) {
                size_t len = strcspn(l, "\n");
                if (!line_is_blank(l, len))
                        v[k++] = line;
                if (!l[len])
                        break;
                l += len + 1;
        }
        *ret = v;
        return 0;
}

typedef struct Walk {
        ArgList args;
        char *var_node, *args_node;
        unsigned var_line;
} Walk;

/* Reads the options of the file tree at BASE. TAG names the scratch nodes a
 * shell variable's value is parsed into. */
static int walk_file(Config *c, const ConfigFile *f, const char *base, const char *text, const char *tag,
                     Walk *w, ErrorInfo *e) {
        const Profile *p = c->profile;
        _cleanup_matches_ Matches nodes = {};
        char in[NODE_MAX];
        int r;

        if (p->store == STORE_ARG_LINES) {
                _cleanup_free_ unsigned *lines = NULL;
                size_t n_opts = 0;
                int n;

                /* The line numbers of the option lines: read by index, as
                 * asking Augeas for each node's path costs a count of its
                 * same-named siblings. */
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
                return walk_options(c->aug, in, lines, n_opts, 0, p->skips_daemon_lines, f->real_path,
                                    &w->args, e);
        }

        /* A shell variable: the last assignment wins, as in a shell. Only
         * that node's path is asked for: each costs a sibling count. */
        r = match(c->aug, &nodes, "%s/%s[last()]", base, p->variable);
        if (r < 0)
                return r;
        w->var_line = var_line(text, p->variable);
        if (nodes.n > 0 && !(w->var_node = strdup(nodes.v[nodes.n - 1])))
                return -ENOMEM;
        snprintf(in, sizeof in, SCRATCH "/%s/in", tag);
        if (asprintf(&w->args_node, SCRATCH "/%s/args", tag) < 0) {
                w->args_node = NULL;
                return -ENOMEM;
        }
        if (aug_set(c->aug, in, w->var_node ? get(c->aug, w->var_node) ?: "" : "") < 0)
                return -ENOMEM;
        if (aug_text_store(c->aug, ARGS_LENS, in, w->args_node) < 0) {
                char err[PATH_MAX];
                snprintf(err, sizeof err, "/augeas/text%s/error", w->args_node);
                r = augeas_error(c->aug, err, f->real_path, "parse", e);
                e->line = w->var_line;
                return r;
        }
        return walk_options(c->aug, w->args_node, NULL, 0, w->var_line, false, f->real_path, &w->args, e);
}

static void walk_done(Walk *w) {
        args_free(w->args.v, w->args.n);
        free(w->var_node);
        free(w->args_node);
}

/* Ends a walk that returned R: its options go to the caller on success. */
static int walk_finish(Walk *w, int r, Arg **ret_args, size_t *ret_n) {
        if (r >= 0) {
                *ret_args = TAKE_PTR(w->args.v);
                *ret_n = w->args.n;
                w->args.n = 0;
        }
        walk_done(w);
        return r;
}

/* The first byte that Debian's start scripts and a shell would not take as
 * text, or NULL: refused before Augeas sees it, whose lenses were never
 * meant for them (some abort inside Augeas). */
static const char *control_char(const char *text, size_t size, unsigned *ret_line) {
        unsigned line = 1;

        for (const char *p = text; p < text + size; p++) {
                unsigned char ch = (unsigned char) *p;
                if (ch == '\n')
                        line++;
                else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
                        *ret_line = line;
                        return p;
                }
        }
        return NULL;
}

/* Reads PATH inside the root and parses the bytes read with the profile's lens: the tree is
 * the file by construction, never a fresh read by Augeas of something else. */
static int add_file(Config *c, const char *path, const char *instance, ErrorInfo *e) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL;
        const char *bad;
        ConfigFile *f;
        unsigned line;
        char in[NODE_MAX];
        int r;

        f = reallocarray(c->files, c->n_files + 1, sizeof *f);
        if (!f)
                return -ENOMEM;
        c->files = f;
        f = &c->files[c->n_files];
        *f = (ConfigFile) {};
        if (!(f->path = strdup(path)) || !(f->real_path = path_join(c->root, path)) ||
            asprintf(&f->node, SCRATCH "/file/%zu", c->n_files) < 0 ||
            (instance && !(f->instance = strdup(instance)))) {
                f->node = NULL;
                file_done(f);
                return -ENOMEM;
        }
        c->n_files++;

        r = chase(c->root_fd, path, 0, &dir_fd, &name, NULL);
        if (r >= 0)
                r = read_file_at(dir_fd, name, &f->text, &f->size, &f->st);
        if (r == -ENOENT)
                return error_set(e, r, "read", f->real_path, 0,
                                 "is memcached installed? for an image use --root DIR, for another layout --profile debian|rhel",
                                 "no such file");
        if (r == -EISDIR)
                return error_set(e, r, "read", f->real_path, 0, "it must be memcached's config file",
                                 "it is a directory");
        if (r == -EBADMSG)
                return error_set(e, r, "read", f->real_path, 0, "restore the file from a backup",
                                 "it contains NUL bytes, so it is not a text config");
        if (r == -EBADF)
                return error_set(e, r, "read", f->real_path, 0, "point memharden at memcached's config",
                                 "not a regular file (a FIFO, socket or device)");
        if (r == -EFBIG)
                return error_set(e, r, "read", f->real_path, 0, "point memharden at memcached's config",
                                 "larger than %d bytes, so not a config file", CONFIG_SIZE_MAX);
        if (r < 0)
                return error_set(e, r, "read", f->real_path, 0, NULL, "%s", strerror(-r));
        bad = control_char(f->text, f->size, &line);
        if (bad)
                return error_set(e, -EBADMSG, "parse", f->real_path, line, "remove it, then run again",
                                 "control character 0x%02x", (unsigned char) *bad);

        if (f->size > 0 && f->text[f->size - 1] != '\n' && asprintf(&f->input, "%s\n", f->text) < 0) {
                f->input = NULL;
                return -ENOMEM;
        }

        snprintf(in, sizeof in, "%s/in", f->node);
        if (aug_set(c->aug, in, input_of(f)) < 0)
                return -ENOMEM;
        if (aug_text_store(c->aug, c->profile->lens, in, f->node) < 0) {
                snprintf(in, sizeof in, "/augeas/text%s/error", f->node);
                if (!get(c->aug, in) && aug_match(c->aug, in, NULL) <= 0)
                        return error_set(e, -ELIBBAD, "load", c->profile->lens, 0,
                                         "reinstall memharden, or point MEMHARDEN_LENS_DIR at its lenses",
                                         "%s%s%s (lens directory '%s')", aug_error_message(c->aug),
                                         aug_error_details(c->aug) ? ": " : "", aug_error_details(c->aug) ?: "",
                                         config_lens_dir());
                return augeas_error(c->aug, in, f->real_path, "parse", e);
        }
        return 0;
}

typedef struct Instance {
        char *file;  /* memcached_NAME.conf */
        char *name;  /* NAME */
} Instance;

static int cmp_instance(const void *a, const void *b) {
        return strcmp(((const Instance *) a)->file, ((const Instance *) b)->file);
}

/* Debian's per-instance configs, /etc/memcached_NAME.conf, sorted by file name. */
static int add_instances(Config *c, ErrorInfo *e) {
        const Profile *p = c->profile;
        _cleanup_free_ char *dir = NULL, *dir_name = NULL;
        _cleanup_(closedirp) DIR *d = NULL;
        _cleanup_close_ int parent_fd = -1;
        Instance *v = NULL;
        size_t n = 0;
        int r = 0;

        if (!p->instance_dir)
                return 0;
        dir = path_join(c->root, p->instance_dir);
        if (!dir)
                return -ENOMEM;
        r = chase(c->root_fd, p->instance_dir, 0, &parent_fd, &dir_name, NULL);
        if (r < 0)
                return r == -ENOENT ? 0 : error_set(e, r, "read", dir, 0, NULL, "%s", strerror(-r));
        r = opendir_at(parent_fd, dir_name, &d);
        if (r < 0)
                return r == -ENOENT ? 0 : error_set(e, r, "read", dir, 0, NULL, "%s", strerror(-r));

        for (struct dirent *de; (de = readdir(d)); ) {
                _cleanup_free_ char *name = NULL;
                Instance *w;

                r = profile_instance_of(p, de->d_name, &name);
                if (r == -EINVAL) {
                        r = 0;
                        continue;
                }
                if (r < 0)
                        goto finish;
                w = reallocarray(v, n + 1, sizeof *v);
                if (!w) {
                        r = -ENOMEM;
                        goto finish;
                }
                v = w;
                if (!(v[n].file = strdup(de->d_name))) {
                        r = -ENOMEM;
                        goto finish;
                }
                v[n++].name = TAKE_PTR(name);
        }
        if (n > 1)
                qsort(v, n, sizeof *v, cmp_instance);
        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s", p->instance_dir, v[i].file) < 0) {
                        path = NULL;
                        r = -ENOMEM;
                        break;
                }
                /* Resolved from the root again: an instance file may be a
                 * link, followed inside the root like any other path. */
                r = add_file(c, path, v[i].name, e);
        }
finish:
        for (size_t i = 0; i < n; i++) {
                free(v[i].file);
                free(v[i].name);
        }
        free(v);
        return r;
}

int config_open(const Profile *p, const char *root, Config **ret, ErrorInfo *e) {
        _cleanup_(config_freep) Config *c = NULL;
        int r;

        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->root_fd = -1;
        if (!(c->root = strdup(root ?: "/")))
                return -ENOMEM;
        c->profile = p;
        r = root_open(c->root, &c->root_fd);
        if (r < 0)
                return error_set(e, r, "open", c->root, 0, NULL, "%s", r == -ENOENT ? "no such directory" : strerror(-r));

        /* Only our lens directory and no autoload: loading every lens costs
         * ~100x more than one. Augeas never touches a file: memharden reads
         * and writes them itself, inside the root, and hands Augeas text.
         * Spans let the dry run splice new values into the text where the
         * lens read the old ones. */
        c->aug = aug_init("/", config_lens_dir(),
                          AUG_NO_MODL_AUTOLOAD | AUG_NO_STDINC | AUG_NO_ERR_CLOSE | AUG_ENABLE_SPAN | AUG_NO_LOAD);
        if (!c->aug || aug_error(c->aug) != AUG_NOERROR)
                return error_set(e, -ELIBBAD, "start", "augeas", 0, NULL, "%s",
                                 c->aug ? aug_error_message(c->aug) : "out of memory");

        r = add_file(c, p->config, NULL, e);
        if (r >= 0)
                r = add_instances(c, e);
        if (r < 0)
                return r;

        for (size_t i = 0; i < c->n_files; i++) {
                ConfigFile *f = &c->files[i];
                Walk w = {};
                char tag[32];

                snprintf(tag, sizeof tag, "file%zu", i);
                r = walk_file(c, f, f->node, f->text, tag, &w, e);
                f->var_node = TAKE_PTR(w.var_node);
                f->args_node = TAKE_PTR(w.args_node);
                f->var_line = w.var_line;
                r = walk_finish(&w, r, &f->args, &f->n_args);
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(c);
        return 0;
}

static int count(augeas *aug, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int count(augeas *aug, const char *fmt, ...) {
        char expr[NODE_MAX];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(expr, sizeof expr, fmt, ap);
        va_end(ap);
        return aug_match(aug, expr, NULL);
}

/* Removes one option node and whatever it leaves empty: its -xyz cluster,
 * and in a config file its line (whose trailing comment, if any, stays as a
 * comment line of its own). */
static int remove_option(augeas *aug, const char *path, bool is_file) {
        char word[PATH_MAX], line[PATH_MAX], expr[NODE_MAX];

        parent_of(path, word, sizeof word);
        parent_of(word, line, sizeof line);
        if (aug_rm(aug, path) < 0)
                return -EINVAL;
        if (count(aug, "%s/*", word) > 0)
                return 0;
        if (aug_rm(aug, word) < 0)
                return -EINVAL;
        if (!is_file || count(aug, "%s/*[label() = 'short' or label() = 'long']", line) > 0)
                return 0;

        snprintf(expr, sizeof expr, "%s/#comment", line);
        const char *comment = get(aug, expr);
        if (comment) {
                snprintf(expr, sizeof expr, "%s/preceding-sibling::*[1]", line);
                if (aug_insert(aug, line, "#comment", 1) < 0 || aug_set(aug, expr, comment) < 0)
                        return -EINVAL;
        }
        return aug_rm(aug, line) < 0 ? -EINVAL : 0;
}

/* Adds "-LETTER VALUE" after the last node under PARENT; in a config file
 * as a new line. */
static int append_option(augeas *aug, const char *parent, const char *label, char letter, const char *value) {
        char p[NODE_MAX];

        if (count(aug, "%s/*", parent) > 0) {
                snprintf(p, sizeof p, "%s/*[last()]", parent);
                if (aug_insert(aug, p, label, 0) < 0)
                        return -EINVAL;
        }
        snprintf(p, sizeof p, "%s/%s[last()]/%s%c", parent, label, strcmp(label, "options") == 0 ? "short/" : "",
                 letter);
        return aug_set(aug, p, value) < 0 ? -EINVAL : 0;
}

/* Applies EDITS (in sort_edits() order) to the tree. For a shell variable,
 * VALUE is its new text when already known, else the argument lens puts the
 * edited list back. */
static int edit_tree(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, const char *value,
                     ErrorInfo *e) {
        bool is_file = c->profile->store == STORE_ARG_LINES;
        const char *base = f->node;
        int r = 0;

        if (n_edits == 0)
                return 0;

        /* Values first: paths are still as read. Then removals, last first,
         * so the paths of earlier options stay valid. Then additions. */
        for (size_t i = 0; i < n_edits && r >= 0; i++)
                if (edits[i].op == EDIT_SET && aug_set(c->aug, f->args[edits[i].arg].path, edits[i].value) < 0)
                        r = -EINVAL;
        for (size_t i = n_edits; i > 0 && r >= 0; i--) /* sorted by option: last first */
                if (edits[i - 1].op == EDIT_DELETE)
                        r = remove_option(c->aug, f->args[edits[i - 1].arg].path, is_file);
        for (size_t i = 0; i < n_edits && r >= 0; i++)
                if (edits[i].op == EDIT_APPEND)
                        r = append_option(c->aug, is_file ? base : f->args_node,
                                          is_file ? "options" : "short", edits[i].letter, edits[i].value);
        if (r < 0)
                return error_set(e, r, "edit", f->real_path, 0, NULL, "%s", aug_error_message(c->aug));

        if (is_file)
                return 0;

        /* Put the edited argument list back into the shell variable. */
        char dir[PATH_MAX], in[NODE_MAX], out[NODE_MAX], var[NODE_MAX];
        parent_of(f->args_node, dir, sizeof dir);
        snprintf(in, sizeof in, "%s/in", dir);
        snprintf(out, sizeof out, "%s/out", dir);
        if (!value && aug_text_retrieve(c->aug, ARGS_LENS, in, f->args_node, out) < 0)
                return error_set(e, -EINVAL, "edit", f->real_path, f->var_line, NULL, "%s",
                                 aug_error_message(c->aug));
        snprintf(var, sizeof var, "%s/%s", base, c->profile->variable);
        if (aug_set(c->aug, f->var_node ?: var, value ?: get(c->aug, out)) < 0)
                return error_set(e, -EINVAL, "edit", f->real_path, f->var_line, NULL, "%s",
                                 aug_error_message(c->aug));
        return 0;
}

static int render_file(Config *c, ConfigFile *f, char **ret_text, ErrorInfo *e) {
        const char *in = SCRATCH "/render/in", *out = SCRATCH "/render/out";
        char *text;

        if (aug_set(c->aug, in, input_of(f)) < 0 ||
            aug_text_retrieve(c->aug, c->profile->lens, in, f->node, out) < 0)
                return error_set(e, -EINVAL, "render", f->real_path, 0, NULL, "%s%s%s",
                                 aug_error_message(c->aug), aug_error_details(c->aug) ? ": " : "",
                                 aug_error_details(c->aug) ?: "");
        text = strdup(get(c->aug, out) ?: "");
        if (!text)
                return -ENOMEM;
        *ret_text = text;
        return 0;
}

/* Where each line of TEXT starts; *ret_n lines, the last one ending in '\n'. */
static int line_starts(const char *text, size_t size, size_t **ret, size_t *ret_n) {
        size_t n = 0, *v = malloc((size + 1) * sizeof *v);

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < size; i = (size_t) (strchr(text + i, '\n') - text) + 1)
                v[n++] = i;
        v[n] = size;
        *ret = v;
        *ret_n = n;
        return 0;
}

/* Renders one edited option line L (text LINE of LEN bytes, without its
 * newline) into OUT: its words put back through the argument lens from a
 * scratch copy of NODE with the line's EDITS (in sort_edits() order)
 * applied. */
static int render_line(Config *c, const ConfigFile *f, const char *node, unsigned l, const Edit *edits,
                       size_t n_edits, const char *line, size_t len, FILE *out) {
        char scratch[PATH_MAX], p[NODE_MAX], comment[NODE_MAX] = "";
        size_t nl = strlen(node);
        const char *v;

        snprintf(scratch, sizeof scratch, SCRATCH "/lines/%u", l);
        if (aug_cp(c->aug, node, scratch) < 0)
                return -EINVAL;
        snprintf(p, sizeof p, "%s/#comment", scratch);
        if ((v = get(c->aug, p))) {
                snprintf(comment, sizeof comment, "%s", v);
                if (aug_rm(c->aug, p) < 0)
                        return -EINVAL;
        }

        /* Values first, then removals last to first, as edit_tree() does. */
        for (size_t i = 0; i < n_edits; i++) {
                const Arg *a = &f->args[edits[i].arg];
                if (edits[i].op != EDIT_SET || a->line != l)
                        continue;
                snprintf(p, sizeof p, "%s%s", scratch, a->path + nl);
                if (aug_set(c->aug, p, edits[i].value) < 0)
                        return -EINVAL;
        }
        for (size_t i = n_edits; i > 0; i--) {
                const Arg *a = &f->args[edits[i - 1].arg];
                if (edits[i - 1].op != EDIT_DELETE || a->line != l)
                        continue;
                snprintf(p, sizeof p, "%s%s", scratch, a->path + nl);
                if (remove_option(c->aug, p, false) < 0)
                        return -EINVAL;
        }

        if (count(c->aug, "%s/*", scratch) == 0) {
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
        const char *in = SCRATCH "/lines/in", *o = SCRATCH "/lines/out";
        _cleanup_free_ char *words = strndup(line + indent, end - indent);
        if (!words)
                return -ENOMEM;
        if (aug_set(c->aug, in, words) < 0 || aug_text_retrieve(c->aug, ARGS_LENS, in, scratch, o) < 0)
                return -EINVAL;
        fprintf(out, "%.*s%s%.*s\n", (int) indent, line, get(c->aug, o) ?: "", (int) (len - end), line + end);
        return 0;
}

/* Whether V is a value memharden_args.aug's value_re accepts; any other
 * value is left to the lens, which refuses it in the dry run as in apply. */
static bool value_fits_lens(const char *v) {
        return v[0] != '\0' && v[0] != '-' && !strpbrk(v, " \t\r\n#\"'\\`$;");
}

typedef struct Splice {
        unsigned start, end;  /* the old value's bytes in the file */
        const char *value;
} Splice;

static int cmp_splice(const void *a, const void *b) {
        const Splice *x = a, *y = b;
        return (x->start > y->start) - (x->start < y->start);
}

/* Writes TEXT[START, END) with the values that EDIT_SET edits change for
 * options on line L replaced where Augeas read the old ones: what the
 * lens's put writes for a changed value, without compiling the put.
 * -EAGAIN, having written nothing, when L has other edits or a span does
 * not hold the old value. */
static int splice_values(Config *c, const ConfigFile *f, unsigned l, const Edit *edits, size_t n_edits,
                         const char *text, size_t start, size_t end, FILE *out) {
        _cleanup_free_ Splice *v = calloc(n_edits, sizeof *v);
        size_t n = 0, pos = start;

        if (!v)
                return -ENOMEM;
        for (size_t k = 0; k < n_edits; k++) {
                const Arg *a = edits[k].op == EDIT_APPEND ? NULL : &f->args[edits[k].arg];
                unsigned ls, le, vs, ve, ss, se;
                _cleanup_free_ char *file = NULL;

                if (!a || a->line != l)
                        continue;
                if (edits[k].op != EDIT_SET || !a->value || !value_fits_lens(edits[k].value) ||
                    aug_span(c->aug, a->path, &file, &ls, &le, &vs, &ve, &ss, &se) < 0 ||
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

/* The dry run's fast path for memcached.conf; reads the tree as it was, so
 * it runs before edit_tree(). -EAGAIN where only a full render is exact:
 * additions before trailing blank lines that are not empty. */
static int render_lines(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text,
                        ErrorInfo *e) {
        _cleanup_free_ size_t *starts = NULL, *on_line = NULL;
        _cleanup_free_ char *buf = NULL;
        const char *text = input_of(f);
        size_t n_lines, size = 0, last = 0;
        bool appends = false;
        FILE *out;
        int r;

        if (c->profile->store != STORE_ARG_LINES || f->size == 0)
                return -EAGAIN;
        r = line_starts(text, strlen(text), &starts, &n_lines);
        if (r < 0)
                return r;

        /* Additions go after the last non-blank line (Augeas inserts after the
         * last labelled node); blank lines after it must be plain "\n" for
         * their put to be byte-identical. */
        for (size_t i = 0; i < n_edits; i++)
                appends = appends || edits[i].op == EDIT_APPEND;
        for (size_t i = 0; i < n_lines; i++)
                if (!line_is_blank(text + starts[i], starts[i + 1] - starts[i] - 1))
                        last = i + 1;
        if (appends && last == 0)
                return -EAGAIN; /* nothing to insert after */
        for (size_t i = last; appends && i < n_lines; i++)
                if (starts[i + 1] - starts[i] != 1)
                        return -EAGAIN;

        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        /* How many options each line holds: a line all of whose options go,
         * with no comment, simply goes, as render_line() would drop it. */
        on_line = calloc(n_lines + 1, sizeof *on_line);
        if (!on_line) {
                fclose(out);
                return -ENOMEM;
        }
        for (size_t a = 0; a < f->n_args; a++)
                if (f->args[a].line >= 1 && f->args[a].line <= n_lines)
                        on_line[f->args[a].line - 1]++;

        /* EDITS are sorted by option, so each line's edits are the next run. */
        for (size_t i = 0, k = 0; i < n_lines && r >= 0; i++) {
                const char *line = text + starts[i];
                size_t len = starts[i + 1] - starts[i] - 1, lo = k, deleted = 0;
                char word[PATH_MAX], opts[PATH_MAX];

                while (k < n_edits && edits[k].op != EDIT_APPEND && f->args[edits[k].arg].line == i + 1)
                        deleted += edits[k++].op == EDIT_DELETE;
                if (k > lo && deleted == on_line[i] && !memchr(line, '#', len))
                        ; /* the whole line goes */
                else if (k > lo) {
                        r = splice_values(c, f, (unsigned) i + 1, edits + lo, k - lo, text, starts[i],
                                          starts[i + 1], out);
                        if (r == -EAGAIN) {
                                parent_of(f->args[edits[lo].arg].path, word, sizeof word); /* the -xyz word */
                                parent_of(word, opts, sizeof opts);                       /* its line */
                                r = render_line(c, f, opts, (unsigned) i + 1, edits + lo, k - lo, line, len, out);
                        }
                } else
                        fwrite(line, 1, len + 1, out);
                for (size_t j = 0; j < n_edits && i + 1 == last; j++)
                        if (edits[j].op == EDIT_APPEND)
                                fprintf(out, "-%c %s\n", edits[j].letter, edits[j].value);
        }
        if (fclose(out) != 0 && r >= 0)
                r = -errno;
        if (r < 0)
                return error_set(e, r, "render", f->real_path, 0, NULL, "%s", aug_error_message(c->aug));
        *ret_text = TAKE_PTR(buf);
        return 0;
}

int config_reparse(Config *c, const ConfigFile *f, const char *text, Arg **ret_args, size_t *ret_n, ErrorInfo *e) {
        const char *in = SCRATCH "/reparse/in", *tree = SCRATCH "/reparse/tree";
        Walk w = {};
        int r;

        if (aug_rm(c->aug, SCRATCH "/reparse") < 0 || aug_set(c->aug, in, text) < 0)
                return -ENOMEM;
        if (aug_text_store(c->aug, c->profile->lens, in, tree) < 0)
                return augeas_error(c->aug, "/augeas/text" SCRATCH "/reparse/tree/error", f->real_path, "re-read", e);
        r = walk_file(c, f, tree, text, "reparse/var", &w, e);
        return walk_finish(&w, r, ret_args, ret_n);
}

/* Characters that make the sysconfig lens pick other quoting, or that a
 * shell would interpret inside double quotes. */
#define VAR_SPECIAL "\"'\\$`"

/* The dry run's new value of a shell variable whose edits only change
 * values: spliced into the old value, which skips the argument lens's put.
 * Reads the tree as it was, so it runs before edit_tree(). */
static int splice_var(Config *c, const ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_value) {
        _cleanup_free_ char *buf = NULL;
        const char *text;
        size_t size = 0;
        FILE *out;
        int r;

        for (size_t i = 0; i < n_edits; i++)
                if (edits[i].op == EDIT_APPEND)
                        return -EAGAIN;
        /* The text the argument lens parsed, so the spans fit it. */
        text = (f->var_node ? get(c->aug, f->var_node) : NULL) ?: "";
        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        r = splice_values(c, f, f->var_line, edits, n_edits, text, 0, strlen(text), out);
        if (fclose(out) != 0 && r >= 0)
                r = -errno;
        if (r < 0)
                return r;
        *ret_value = TAKE_PTR(buf);
        return 0;
}

/* The dry run's fast path for a shell variable, after edit_tree(): the new
 * value in place of the old on the variable's line. Only where the lens
 * keeps the quoting: old and new values both double-quoted, both holding a
 * blank (so both need quotes) and nothing in VAR_SPECIAL. */
static int render_var_line(Config *c, ConfigFile *f, char **ret_text) {
        const char *value = f->var_node ? get(c->aug, f->var_node) : NULL, *text = input_of(f), *l = text, *q, *end;
        char *out;

        if (!value || f->var_line == 0 || !strpbrk(value, " \t") || strpbrk(value, VAR_SPECIAL))
                return -EAGAIN;
        for (unsigned n = 1; n < f->var_line && l; n++)
                l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL;
        q = l ? strchr(l, '=') : NULL;
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

typedef struct SortKey {
        const ConfigFile *f;
        const Edit *edits;
} SortKey;

static int cmp_edit(const void *a, const void *b, void *userdata) {
        const SortKey *k = userdata;
        size_t x = *(const size_t *) a, y = *(const size_t *) b;
        const Edit *ex = &k->edits[x], *ey = &k->edits[y];
        bool ax = ex->op == EDIT_APPEND, ay = ey->op == EDIT_APPEND;

        if (ax != ay)
                return ax - ay; /* additions last */
        if (!ax && ex->arg != ey->arg)
                return ex->arg < ey->arg ? -1 : 1;
        return (x > y) - (x < y); /* else as the policy gave them */
}

/* EDITS ordered by the option they touch (so by line), additions last in
 * their own order: every renderer then finds a line's edits as one run and
 * removes options last first in one pass, linear in the edits. */
static int sort_edits(const ConfigFile *f, const Edit *edits, size_t n, Edit **ret) {
        _cleanup_free_ size_t *idx = calloc(n ?: 1, sizeof *idx);
        Edit *v = calloc(n ?: 1, sizeof *v);
        SortKey k = { f, edits };

        if (!idx || !v) {
                free(v);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
                idx[i] = i;
        qsort_r(idx, n, sizeof *idx, cmp_edit, &k);
        for (size_t i = 0; i < n; i++)
                v[i] = edits[idx[i]]; /* shallow: the values stay the policy's */
        *ret = v;
        return 0;
}

int config_change(Config *c, ConfigFile *f, const Edit *policy_edits, size_t n_edits, char **ret_text,
                  ErrorInfo *e) {
        bool lines = c->profile->store == STORE_ARG_LINES;
        _cleanup_free_ char *text = NULL, *value = NULL;
        _cleanup_free_ Edit *edits = NULL;
        int r = 0;

        if (n_edits == 0)
                return (*ret_text = strdup(f->text)) ? 0 : -ENOMEM;
        r = sort_edits(f, policy_edits, n_edits, &edits);
        if (r < 0)
                return r;

        /* The fast renderers first; each declines (-EAGAIN) where only the
         * lens's put of the whole edited tree is exact. */
        r = lines ? render_lines(c, f, edits, n_edits, &text, e) : splice_var(c, f, edits, n_edits, &value);
        if (r < 0 && r != -EAGAIN)
                return r;
        /* The edited tree is needed only where the text is not known yet:
         * for the lens's put, and for a shell variable's value. */
        if (!text) {
                r = edit_tree(c, f, edits, n_edits, value, e);
                if (r < 0)
                        return r;
        }
        if (!text && !lines) {
                r = render_var_line(c, f, &text);
                if (r < 0 && r != -EAGAIN)
                        return r;
        }
        if (!text) {
                r = render_file(c, f, &text, e);
                if (r < 0)
                        return r;
        }
        *ret_text = TAKE_PTR(text);
        return 0;
}

int config_remove_temps(Config *c) {
        int r = 0;

        for (size_t i = 0; i < c->n_files; i++) {
                _cleanup_close_ int dir_fd = -1;
                _cleanup_free_ char *name = NULL;
                int k = chase(c->root_fd, c->files[i].path, 0, &dir_fd, &name, NULL);
                if (k >= 0)
                        k = remove_stale_temps_at(dir_fd, name);
                if (k < 0 && r >= 0)
                        r = k;
        }
        return r;
}

int config_write(Config *c, const ConfigFile *f, const char *text, ErrorInfo *e) {
        /* Mode exactly, owner, ACLs and attributes as the file has them; and
         * it must still be the file we read. */
        WriteMeta m = { .mode = f->st.st_mode & 07777, .uid = f->st.st_uid, .gid = f->st.st_gid, .expect = &f->st };
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL;
        int r;

        r = chase(c->root_fd, f->path, 0, &dir_fd, &name, NULL);
        if (r >= 0)
                r = write_file_at(dir_fd, name, text, strlen(text), &m);
        if (r == -ESTALE)
                return error_set(e, r, "write", f->real_path, 0, "run memharden again",
                                 "the file was replaced while memharden ran");
        if (r < 0)
                return error_set(e, r, "write", f->real_path, 0, NULL, "%s", strerror(-r));
        return 0;
}
