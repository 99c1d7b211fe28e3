/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <augeas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "config_aug.h"
#include "config_file.h"
#include "lines.h"
#include "rootfs.h"
#include "store.h"
#include "util.h"

void config_free(Config *c) {
        if (!c)
                return;
        for (size_t i = 0; i < c->n_files; i++)
                config_file_done(&c->files[i]);
        free(c->files);
        if (c->aug)
                aug_close(c->aug);
        if (c->root_fd >= 0)
                close(c->root_fd);
        free(c->root);
        free(c);
}

int config_new(const Profile *p, const char *root, Config **ret, ErrorInfo *e) {
        _cleanup_(config_freep) Config *c = NULL;
        int r;

        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->root_fd = -1;
        c->profile = p;
        c->store = p->store;
        if (root) {
                if (!(c->root = strdup(root)))
                        return -ENOMEM;
                r = root_open(c->root, &c->root_fd);
                if (r < 0)
                        return error_set(e, r, "open", c->root, 0, NULL, "%s",
                                         r == -ENOENT ? "no such directory" : strerror(-r));
        }

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
        *ret = TAKE_PTR(c);
        return 0;
}

/* Ends a walk that returned R: its options go to F on success. */
static int walk_finish(StoreWalk *w, int r, Arg **ret_args, size_t *ret_n) {
        if (r >= 0) {
                *ret_args = TAKE_PTR(w->args.v);
                *ret_n = w->args.n;
                w->args.n = 0;
        }
        args_free(w->args.v, w->args.n);
        store_state_done(&w->state);
        return r;
}

int config_walk(Config *c, ErrorInfo *e) {
        for (; c->n_walked < c->n_files; c->n_walked++) {
                ConfigFile *f = &c->files[c->n_walked];
                StoreWalk w = {};
                char scratch[32];
                int r;

                snprintf(scratch, sizeof scratch, "file%zu", c->n_walked);
                r = f->store->walk(c, f, f->node, f->text, scratch, &w, e);
                f->state = w.state;
                w.state = (StoreState) {};
                r = walk_finish(&w, r, &f->args, &f->n_args);
                if (r < 0)
                        return r;
        }
        return 0;
}

int config_open(const Profile *p, const char *root, Config **ret, ErrorInfo *e) {
        _cleanup_(config_freep) Config *c = NULL;
        int r;

        r = config_new(p, root ?: "/", &c, e);
        if (r < 0)
                return r;
        r = c->store->load(c, e);
        if (r >= 0 && p->unit_store)
                r = p->unit_store->load(c, e);
        if (r < 0)
                return r;
        r = config_walk(c, e);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

int config_reparse(Config *c, const ConfigFile *f, const char *text, Arg **ret_args, size_t *ret_n, ErrorInfo *e) {
        const char *in = SCRATCH "/reparse/in", *tree = SCRATCH "/reparse/tree";
        StoreWalk w = {};
        int r;

        if (!f->store->lens) /* a store that reads its text itself */
                return walk_finish(&w, f->store->walk(c, f, NULL, text, NULL, &w, e), ret_args, ret_n);
        if (aug_rm(c->aug, SCRATCH "/reparse") < 0 || aug_set(c->aug, in, text) < 0)
                return -ENOMEM;
        if (aug_text_store(c->aug, c->profile->lens, in, tree) < 0)
                return aug_error_info(c->aug, "/augeas/text" SCRATCH "/reparse/tree/error", f->real_path, "re-read", e);
        r = f->store->walk(c, f, tree, text, "reparse/var", &w, e);
        return walk_finish(&w, r, ret_args, ret_n);
}

/* The lines of TEXT that KEPT_FROM marks as not F's, each with its "\n",
 * and for the Kth of them the line of TEXT it is, LINE_OF[K - 1]. */
static int unkept_lines(const char *text, const unsigned *kept_from, char **ret_text, unsigned **ret_line_of,
                        size_t *ret_n) {
        _cleanup_free_ unsigned *line_of = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, size = 0, cap = 0;
        FILE *out;

        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        FOREACH_LINE(l, text) {
                if (kept_from[l.no] > 0)
                        continue;
                if (!GREEDY_REALLOC(line_of, cap, n + 1)) {
                        fclose(out);
                        return -ENOMEM;
                }
                line_of[n++] = l.no;
                fprintf(out, "%.*s\n", (int) l.len, l.start);
        }
        if (fclose(out) != 0)
                return -ENOMEM;
        *ret_text = TAKE_PTR(buf);
        *ret_line_of = TAKE_PTR(line_of);
        *ret_n = n;
        return 0;
}

/* TEXT's options: a line F has, from F's options on it; any other, from
 * PART's (the re-read of those lines, the Kth of them on line K). */
static int merge_options(const ConfigFile *f, const char *text, const unsigned *kept_from, const Arg *part,
                         size_t n_part, ArgList *out) {
        size_t oi = 0, pi = 0;
        unsigned k = 0;
        int r = 0;

        FOREACH_LINE(l, text) {
                unsigned from = kept_from[l.no];

                if (from == 0)
                        for (k++; pi < n_part && part[pi].line == k && r >= 0; pi++)
                                r = arglist_push(out, part[pi].letter, part[pi].value, part[pi].path, l.no,
                                                 part[pi].effective);
                else {
                        while (oi < f->n_args && f->args[oi].line < from)
                                oi++;
                        for (; oi < f->n_args && f->args[oi].line == from && r >= 0; oi++)
                                r = arglist_push(out, f->args[oi].letter, f->args[oi].value, NULL, l.no,
                                                 f->args[oi].effective);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

int config_reread(Config *c, const ConfigFile *f, const char *text, const unsigned *kept_from, Arg **ret_args,
                  size_t *ret_n, ErrorInfo *e) {
        _cleanup_free_ unsigned *line_of = NULL;
        _cleanup_free_ char *part = NULL;
        ArgList out = {};
        Arg *args = NULL;
        size_t n_lines = 0, n = 0;
        int r;

        if (!f->store->line_local)
                return config_reparse(c, f, text, ret_args, ret_n, e);
        r = unkept_lines(text, kept_from, &part, &line_of, &n_lines);
        if (r < 0)
                return r;
        r = config_reparse(c, f, part, &args, &n, e);
        if (r < 0) {
                if (e && e->line >= 1 && e->line <= n_lines)
                        e->line = line_of[e->line - 1]; /* the line in TEXT */
                return r;
        }
        r = merge_options(f, text, kept_from, args, n, &out);
        args_free(args, n);
        if (r < 0) {
                args_free(out.v, out.n);
                return r;
        }
        *ret_args = out.v;
        *ret_n = out.n;
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
 * their own order: a store then finds a line's edits as one run and
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

typedef int (*StoreRender)(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text,
                           ErrorInfo *e);

static int change_with(StoreRender render, Config *c, ConfigFile *f, const Edit *policy_edits, size_t n_edits,
                       char **ret_text, ErrorInfo *e) {
        _cleanup_free_ Edit *edits = NULL;
        char *text;
        int r;

        if (n_edits == 0 && !f->state.rewrite_why) {
                text = strdup(f->text);
                if (!text)
                        return -ENOMEM;
                *ret_text = text;
                return 0;
        }
        r = sort_edits(f, policy_edits, n_edits, &edits);
        if (r < 0)
                return r;
        return render(c, f, edits, n_edits, ret_text, e);
}

int config_change(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text, ErrorInfo *e) {
        return change_with(f->store->preview, c, f, edits, n_edits, ret_text, e);
}

int config_render(Config *c, ConfigFile *f, const Edit *edits, size_t n_edits, char **ret_text, ErrorInfo *e) {
        return change_with(f->store->render, c, f, edits, n_edits, ret_text, e);
}

int config_remove_temps(Config *c) {
        int r = 0;

        for (size_t i = 0; i < c->n_files; i++) {
                _cleanup_close_ int dir_fd = -1;
                _cleanup_free_ char *name = NULL;
                /* A file apply creates may be missing still, its temp files not. */
                int k = chase(c->root_fd, c->files[i].path, CHASE_NONEXISTENT, &dir_fd, &name, NULL);
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

        if (f->absent) /* a new file, as systemctl edit makes one: root's, 0644 */
                m = (WriteMeta) { .mode = 0644 };
        r = chase(c->root_fd, f->path, f->absent ? CHASE_MKDIR | CHASE_NONEXISTENT : 0, &dir_fd, &name, NULL);
        if (r >= 0)
                r = write_file_at(dir_fd, name, text, strlen(text), &m);
        if (r == -ESTALE)
                return error_set(e, r, "write", f->real_path, 0, "run memharden again",
                                 "the file was replaced while memharden ran");
        if (r < 0)
                return error_set(e, r, "write", f->real_path, 0, NULL, "%s", strerror(-r));
        return 0;
}
