/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unit_load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "cleanup.h"
#include "rootfs.h"
#include "util.h"

/* systemd 252's unit search path for the system manager, in order, as
 * `systemd-analyze unit-paths` gives it on Debian 12, less the generators'
 * directories (their output exists only on a booted system). */
static const char *const unit_dirs[] = {
        "/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient",
        UNIT_ADMIN_DIR,                "/etc/systemd/system.attached", "/run/systemd/system",
        "/run/systemd/system.attached", "/usr/local/lib/systemd/system", "/lib/systemd/system",
        "/usr/lib/systemd/system",
};

static void source_done(UnitSource *s) {
        free(s->path);
        free(s->text);
        unit_entries_free(s->entries, s->n_entries);
}

void unit_free(Unit *u) {
        if (!u)
                return;
        for (size_t i = 0; i < u->n_sources; i++)
                source_done(&u->sources[i]);
        free(u->sources);
        free(u->name);
        free(u->prefix);
        free(u->instance);
        free(u);
}

void unit_list_free(Unit **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                unit_free(v[i]);
        free(v);
}

int unit_source_set_text(UnitSource *s, const char *text, unsigned *ret_line) {
        UnitEntry *v = NULL;
        char *t = strdup(text);
        size_t n = 0;
        int r;

        if (!t)
                return -ENOMEM;
        r = unit_parse(t, &v, &n, ret_line);
        if (r < 0) {
                free(t);
                return r;
        }
        free(s->text);
        unit_entries_free(s->entries, s->n_entries);
        s->text = t;
        s->entries = v;
        s->n_entries = n;
        return 0;
}

/* Whether PATH inside the root masks its unit: a link to /dev/null, or
 * an empty file. */
static bool masked(const char *root, int root_fd, const char *path) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL, *resolved = NULL, *text = NULL;
        size_t size = 1;

        if (chase(root_fd, path, CHASE_NONEXISTENT, &dir_fd, &name, &resolved) >= 0 &&
            streq_ptr(resolved, "/dev/null"))
                return true;
        return root_read_file(root, path, &text, &size, NULL) >= 0 && size == 0;
}

/* Where a unit file does not parse: its path and line. */
typedef struct LoadError {
        char *path;
        unsigned line;
} LoadError;

/* Reads PATH into a new source of U. 0 when there is no such file. */
static int add_source(Unit *u, const char *root, const char *path, bool own, size_t *cap, LoadError *err) {
        UnitSource s = { .own = own, .exists = true };
        int r;

        r = root_read_file(root, path, &s.text, NULL, &s.st);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                free(err->path);
                err->path = strdup(path);
                return r;
        }
        if (!(s.path = strdup(path)) || !GREEDY_REALLOC(u->sources, *cap, u->n_sources + 1)) {
                source_done(&s);
                return -ENOMEM;
        }
        r = unit_parse(s.text, &s.entries, &s.n_entries, &err->line);
        if (r == -EINVAL) {
                free(err->path);
                err->path = TAKE_PTR(s.path);
        }
        if (r < 0) {
                source_done(&s);
                return r;
        }
        u->sources[u->n_sources++] = s;
        return 1;
}

/* The fragment: NAME in the first directory that has it, else (an
 * instance) the template in the first that has that. -ENOENT for none or
 * a masked one. */
static int load_fragment(Unit *u, const char *root, int root_fd, size_t *cap, LoadError *err) {
        _cleanup_free_ char *template = NULL;
        int r;

        if (u->instance && asprintf(&template, "%s@.service", u->prefix) < 0)
                return -ENOMEM;
        for (int t = 0; t < (template ? 2 : 1); t++)
                for (size_t d = 0; d < ELEMENTSOF(unit_dirs); d++) {
                        _cleanup_free_ char *path = NULL;
                        if (asprintf(&path, "%s/%s", unit_dirs[d], t ? template : u->name) < 0)
                                return -ENOMEM;
                        if (masked(root, root_fd, path))
                                return -ENOENT;
                        r = add_source(u, root, path, streq_ptr(unit_dirs[d], UNIT_ADMIN_DIR) && !t, cap, err);
                        if (r != 0)
                                return r;
                }
        return -ENOENT;
}

/* The drop-in directories of U, most specific first: its own, its
 * template's, those of its dashed prefixes ("a-b-.service.d", for an
 * instance "a-@.service.d"), and every service's "service.d". */
static int dropin_dirs(const Unit *u, char ***ret, size_t *ret_n) {
        char **v = calloc(strlen(u->name) + 4, sizeof *v);
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        if (asprintf(&v[n++], "%s.d", u->name) < 0)
                goto oom;
        if (u->instance && asprintf(&v[n++], "%s@.service.d", u->prefix) < 0)
                goto oom;
        for (const char *p = strchr(u->prefix, '-'); p; p = strchr(p + 1, '-'))
                if (asprintf(&v[n++], "%.*s-%s.service.d", (int) (p - u->prefix), u->prefix, u->instance ? "@" : "") < 0)
                        goto oom;
        if (asprintf(&v[n++], "service.d") < 0)
                goto oom;
        *ret = v;
        *ret_n = n;
        return 0;
oom:
        v[--n] = NULL;
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
        return -ENOMEM;
}

typedef struct Dropin {
        char *name, *path;
        bool own;
} Dropin;

static int cmp_dropin(const void *a, const void *b) {
        return strcmp(((const Dropin *) a)->name, ((const Dropin *) b)->name);
}

/* The *.conf files of DIR (inside the root) not already in V. */
static int scan_dropins(const char *root, const char *dir, bool own, Dropin **v, size_t *n, size_t *cap) {
        _cleanup_close_ int fd = -1;
        DIR *d = NULL;
        struct dirent *de;
        int r;

        r = root_open_dir(root, dir, 0, &fd);
        if (r == -ENOENT || r == -ENOTDIR)
                return 0;
        if (r < 0 || (r = opendir_at(fd, ".", &d)) < 0)
                return r;
        while ((de = readdir(d))) {
                size_t l = strlen(de->d_name);
                bool seen = false;
                if (l <= 5 || strcmp(de->d_name + l - 5, ".conf") != 0)
                        continue;
                for (size_t i = 0; i < *n && !seen; i++)
                        seen = streq_ptr((*v)[i].name, de->d_name);
                if (seen)
                        continue;
                if (!GREEDY_REALLOC(*v, *cap, *n + 1) || !((*v)[*n].name = strdup(de->d_name)) ||
                    asprintf(&(*v)[*n].path, "%s/%s", dir, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
                (*v)[(*n)++].own = own;
        }
        closedir(d);
        return 0;
}

/* Memharden's drop-in, this unit's own, absent so far: its place among
 * the drop-ins. (One of that name elsewhere, a template's, is not ours.) */
static int add_ours(const Unit *u, Dropin **v, size_t *n, size_t *cap) {
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, UNIT_ADMIN_DIR "/%s.d/" UNIT_DROPIN_NAME, u->name) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < *n; i++)
                if (streq_ptr((*v)[i].path, path))
                        return 0;
        if (!GREEDY_REALLOC(*v, *cap, *n + 1) || !((*v)[*n].name = strdup(UNIT_DROPIN_NAME)))
                return -ENOMEM;
        (*v)[*n].path = TAKE_PTR(path);
        (*v)[(*n)++].own = true;
        return 0;
}

static int load_dropins(Unit *u, const char *root, size_t *cap, LoadError *err) {
        Dropin *v = NULL;
        char **dirs = NULL;
        size_t n = 0, vcap = 0, n_dirs = 0;
        int r;

        /* The unit's own directories in each search directory, then
         * service.d in each: a name found earlier masks the same name
         * later. */
        r = dropin_dirs(u, &dirs, &n_dirs);
        for (size_t pass = 0; pass < 2; pass++)
                for (size_t d = 0; r >= 0 && d < ELEMENTSOF(unit_dirs); d++)
                        for (size_t k = pass ? n_dirs - 1 : 0; r >= 0 && k < (pass ? n_dirs : n_dirs - 1); k++) {
                        _cleanup_free_ char *dir = NULL;
                        if (asprintf(&dir, "%s/%s", unit_dirs[d], dirs[k]) < 0)
                                r = -ENOMEM;
                        else
                                r = scan_dropins(root, dir, streq_ptr(unit_dirs[d], UNIT_ADMIN_DIR) && k == 0, &v,
                                                 &n, &vcap);
                }
        if (r >= 0)
                r = add_ours(u, &v, &n, &vcap);
        if (r >= 0)
                qsort(v, n, sizeof *v, cmp_dropin);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                bool ours = v[i].own && streq_ptr(v[i].name, UNIT_DROPIN_NAME);
                r = add_source(u, root, v[i].path, v[i].own, cap, err);
                if (r == 0 && ours) { /* not there yet: an empty source in its place */
                        UnitSource s = { .own = true, .ours = true };
                        if (!(s.path = strdup(v[i].path)) || !(s.text = strdup("")) ||
                            !GREEDY_REALLOC(u->sources, *cap, u->n_sources + 1)) {
                                source_done(&s);
                                r = -ENOMEM;
                        } else
                                u->sources[u->n_sources++] = s;
                } else if (r > 0)
                        u->sources[u->n_sources - 1].ours = ours;
        }
        for (size_t i = 0; i < n; i++)
                free(v[i].name), free(v[i].path);
        free(v);
        for (size_t k = 0; k < n_dirs; k++)
                free(dirs[k]);
        free(dirs);
        return r < 0 ? r : 0;
}

/* A new Unit named NAME, its prefix and instance split out. */
static int unit_new(const char *name, Unit **ret) {
        _cleanup_(unit_freep) Unit *u = calloc(1, sizeof *u);
        const char *at = strchr(name, '@'), *dot = strrchr(name, '.');

        if (!u || !(u->name = strdup(name)))
                return -ENOMEM;
        if (!dot || (at && at + 1 >= dot))
                return -EINVAL;
        u->prefix = strndup(name, (size_t) ((at ?: dot) - name));
        if (!u->prefix || (at && !(u->instance = strndup(at + 1, (size_t) (dot - at - 1)))))
                return -ENOMEM;
        *ret = TAKE_PTR(u);
        return 0;
}

/* Loads unit NAME: 0 and *RET NULL when it has no fragment or is masked. */
static int unit_load(const char *root, int root_fd, const char *name, Unit **ret, LoadError *err) {
        _cleanup_(unit_freep) Unit *u = NULL;
        size_t cap = 0;
        int r;

        *ret = NULL;
        r = unit_new(name, &u);
        if (r < 0)
                return r == -EINVAL ? 0 : r;
        r = load_fragment(u, root, root_fd, &cap, err);
        if (r == -ENOENT)
                return 0;
        if (r >= 0)
                r = load_dropins(u, root, &cap, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(u);
        return 0;
}

typedef struct Names {
        char **v;
        size_t n, cap;
} Names;

static void names_done(Names *n) {
        for (size_t i = 0; i < n->n; i++)
                free(n->v[i]);
        free(n->v);
}

static int names_add(Names *n, const char *name) {
        for (size_t i = 0; i < n->n; i++)
                if (streq_ptr(n->v[i], name))
                        return 0;
        if (!GREEDY_REALLOC(n->v, n->cap, n->n + 1) || !(n->v[n->n] = strdup(name)))
                return -ENOMEM;
        n->n++;
        return 0;
}

static bool has_suffix(const char *s, const char *suffix) {
        size_t l = strlen(s), k = strlen(suffix);
        return l > k && strcmp(s + l - k, suffix) == 0;
}

/* Whether service file NAME of DIR may run memcached: named so, or its
 * text mentions it (the command line decides later). */
static bool candidate(const char *root, const char *dir, const char *name) {
        _cleanup_free_ char *path = NULL, *text = NULL;

        if (strncmp(name, "memcached", 9) == 0)
                return true;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return false;
        return root_read_file(root, path, &text, NULL, NULL) >= 0 && strstr(text, "memcached");
}

/* The units enabled in DIR's .wants/ and .requires/ directories into USED,
 * the instances among them also into OUT. */
static int scan_wants(const char *root, const char *dir, const char *sub, Names *out, Names *used) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        struct dirent *de;
        DIR *d = NULL;
        int r;

        if (asprintf(&path, "%s/%s", dir, sub) < 0)
                return -ENOMEM;
        r = root_open_dir(root, path, 0, &fd);
        if (r < 0)
                return r == -ENOENT || r == -ENOTDIR ? 0 : r;
        if ((r = opendir_at(fd, ".", &d)) < 0)
                return r;
        while (r >= 0 && (de = readdir(d)))
                if (has_suffix(de->d_name, ".service") && !has_suffix(de->d_name, "@.service")) {
                        r = names_add(used, de->d_name);
                        if (r >= 0 && strchr(de->d_name, '@'))
                                r = names_add(out, de->d_name);
                }
        closedir(d);
        return r;
}

/* Every candidate unit name in DIR, and the units it enables (USED). */
static int scan_dir(const char *root, const char *dir, Names *out, Names *used) {
        _cleanup_close_ int fd = -1;
        struct dirent *de;
        DIR *d = NULL;
        int r;

        r = root_open_dir(root, dir, 0, &fd);
        if (r < 0)
                return r == -ENOENT || r == -ENOTDIR ? 0 : r;
        if ((r = opendir_at(fd, ".", &d)) < 0)
                return r;
        while (r >= 0 && (de = readdir(d))) {
                if (has_suffix(de->d_name, ".wants") || has_suffix(de->d_name, ".requires"))
                        r = scan_wants(root, dir, de->d_name, out, used);
                else if (has_suffix(de->d_name, ".service") && !has_suffix(de->d_name, "@.service") &&
                         candidate(root, dir, de->d_name))
                        r = names_add(out, de->d_name);
        }
        closedir(d);
        return r;
}

/* Units that run or ran since boot, which systemd records as
 * /run/systemd/units/invocation:NAME links, into USED; the instances among
 * them (started by hand, not enabled) also into OUT. */
static int scan_invocations(const char *root, Names *out, Names *used) {
        static const char prefix[] = "invocation:";
        _cleanup_close_ int fd = -1;
        struct dirent *de;
        DIR *d = NULL;
        int r;

        r = root_open_dir(root, "/run/systemd/units", 0, &fd);
        if (r < 0)
                return r == -ENOENT || r == -ENOTDIR ? 0 : r;
        if ((r = opendir_at(fd, ".", &d)) < 0)
                return r;
        while (r >= 0 && (de = readdir(d))) {
                const char *name = de->d_name + sizeof prefix - 1;
                if (strncmp(de->d_name, prefix, sizeof prefix - 1) != 0 || !has_suffix(name, ".service") ||
                    has_suffix(name, "@.service"))
                        continue;
                r = names_add(used, name);
                if (r >= 0 && strchr(name, '@'))
                        r = names_add(out, name);
        }
        closedir(d);
        return r;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int units_discover(const char *root, int root_fd, Unit ***ret, size_t *ret_n, char **ret_path, unsigned *ret_line) {
        _cleanup_(names_done) Names names = {}, used = {};
        LoadError err = {};
        Unit **v = NULL;
        size_t n = 0;
        int r = 0;

        for (size_t d = 0; d < ELEMENTSOF(unit_dirs) && r >= 0; d++)
                r = scan_dir(root, unit_dirs[d], &names, &used);
        if (r >= 0)
                r = scan_invocations(root, &names, &used);
        if (r >= 0 && names.n > 0) {
                qsort(names.v, names.n, sizeof *names.v, cmp_str);
                v = calloc(names.n, sizeof *v);
                r = v ? 0 : -ENOMEM;
        }
        for (size_t i = 0; r >= 0 && i < names.n; i++) {
                r = unit_load(root, root_fd, names.v[i], &v[n], &err);
                if (r >= 0 && v[n]) {
                        for (size_t k = 0; k < used.n && !v[n]->used; k++)
                                v[n]->used = streq_ptr(used.v[k], v[n]->name);
                        n++;
                }
        }
        if (r < 0) {
                unit_list_free(v, n);
                if (ret_path)
                        *ret_path = TAKE_PTR(err.path);
                if (ret_line)
                        *ret_line = err.line;
                free(err.path);
                return r;
        }
        free(err.path);
        *ret = v;
        *ret_n = n;
        return 0;
}
