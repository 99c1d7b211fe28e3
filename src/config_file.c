/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config_file.h"

#include <augeas.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "config_aug.h"
#include "config_diagnose.h"
#include "rootfs.h"
#include "util.h"

void config_file_done(ConfigFile *f) {
        free(f->path);
        free(f->real_path);
        free(f->node);
        free(f->instance);
        free(f->text);
        free(f->input);
        free(f->unit);
        free(f->label);
        strv_free(f->exec_argv);
        if (f->store_data_free)
                f->store_data_free(f->store_data);
        args_free(f->args, f->n_args);
        store_state_done(&f->state);
}

void store_state_done(StoreState *s) {
        free(s->value_node);
        free(s->args_node);
        free(s->rewrite_why);
        free(s->rewrite_lines);
        free(s->append_lines);
        *s = (StoreState) {};
}

/* A new, empty file of C named PATH. */
static int file_new(Config *c, const char *path, const char *instance, ConfigFile **ret) {
        ConfigFile *f;

        if (!GREEDY_REALLOC(c->files, c->files_cap, c->n_files + 1))
                return -ENOMEM;
        f = &c->files[c->n_files];
        *f = (ConfigFile) { .store = c->store };
        if (!(f->path = strdup(path)) || !(f->real_path = path_join(c->root, path)) ||
            asprintf(&f->node, SCRATCH "/file/%zu", c->n_files) < 0 ||
            (instance && !(f->instance = strdup(instance)))) {
                f->node = NULL;
                config_file_done(f);
                return -ENOMEM;
        }
        c->n_files++;
        *ret = f;
        return 0;
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

/* Parses F's text (already in F) with the profile's lens into F's tree. A
 * line the lens refuses is explained in memcached's terms where it can be
 * (config_diagnose.h). */
static int parse_file(Config *c, ConfigFile *f, ErrorInfo *e) {
        char in[NODE_MAX], err[NODE_MAX], why[512] = "the lens did not load";
        const char *bad;
        unsigned line;

        bad = control_char(f->text, f->size, &line);
        if (bad)
                return error_set(e, -EBADMSG, "parse", f->real_path, line, "remove it, then run again",
                                 "control character 0x%02x", (unsigned char) *bad);
        if (f->size > 0 && f->text[f->size - 1] != '\n' && asprintf(&f->input, "%s\n", f->text) < 0) {
                f->input = NULL;
                return -ENOMEM;
        }

        snprintf(in, sizeof in, "%s/in", f->node);
        if (aug_set(c->aug, in, config_file_input(f)) < 0)
                return -ENOMEM;
        if (aug_text_store(c->aug, c->profile->lens, in, f->node) >= 0)
                return 0;
        /* Taken now: every later call resets Augeas's error. */
        if (aug_error(c->aug) != AUG_NOERROR) {
                snprintf(why, sizeof why, "%s%s%s", aug_error_message(c->aug),
                         aug_error_details(c->aug) ? ": " : "", aug_error_details(c->aug) ?: "");
        }
        snprintf(err, sizeof err, "/augeas/text%s/error", f->node);
        if (aug_value(c->aug, err) || aug_match(c->aug, err, NULL) > 0)
                return config_diagnose_refusal(c->aug, err, in,
                                               c->profile->rc_command ? DIAGNOSE_OPENRC_LINE
                                               : c->profile->variable ? DIAGNOSE_SHELLVAR_LINE
                                                                      : DIAGNOSE_CONF_LINE,
                                               f->real_path, e);
        /* No error record for the file: the lens itself did not load. */
        return error_set(e, -ELIBBAD, "load", c->profile->lens, 0,
                         "reinstall memharden, or point MEMHARDEN_LENS_DIR at its lenses",
                         "%s (lens directory '%s')", why, config_lens_dir());
}

int config_add_store_file(Config *c, const struct ConfigStore *s, const char *path, const char *text,
                          const struct stat *st, ConfigFile **ret) {
        ConfigFile *f;
        int r;

        r = file_new(c, path, NULL, &f);
        if (r < 0)
                return r;
        f->store = s;
        f->absent = !st;
        if (st)
                f->st = *st;
        f->size = strlen(text);
        if (!(f->text = strdup(text)))
                return -ENOMEM;
        *ret = f;
        return 0;
}

int config_add_text(Config *c, const char *path, const char *instance, const char *text, size_t size,
                    ErrorInfo *e) {
        ConfigFile *f;
        int r;

        r = file_new(c, path, instance, &f);
        if (r < 0)
                return r;
        f->text = strndup(text, size);
        if (!f->text)
                return -ENOMEM;
        f->size = size;
        return parse_file(c, f, e);
}

/* What a file that cannot be read is, and what to do about it. */
static const struct {
        int r;
        const char *detail, *hint;
} read_errors[] = {
        /* Only where memcached is installed: without it and its config,
         * check and apply have nothing to do (command.c). */
        { -ENOENT, "no such file",
          "memcached is installed without it: restore the file (or reinstall memcached's package); "
          "for an image use --root DIR, for another layout --profile debian|rhel|suse|arch|alpine|gentoo" },
        { -EISDIR, "it is a directory", "it must be memcached's config file" },
        { -EBADMSG, "it contains NUL bytes, so it is not a text config", "restore the file from a backup" },
        { -EBADF, "not a regular file (a FIFO, socket or device)", "point memharden at memcached's config" },
};

static int read_error(const ConfigFile *f, int r, ErrorInfo *e) {
        for (size_t i = 0; i < ELEMENTSOF(read_errors); i++)
                if (read_errors[i].r == r)
                        return error_set(e, r, "read", f->real_path, 0, read_errors[i].hint, "%s",
                                         read_errors[i].detail);
        if (r == -EFBIG)
                return error_set(e, r, "read", f->real_path, 0, "point memharden at memcached's config",
                                 "larger than %d bytes, so not a config file", CONFIG_SIZE_MAX);
        return error_set(e, r, "read", f->real_path, 0, NULL, "%s", strerror(-r));
}

int config_add_file(Config *c, const char *path, const char *instance, ErrorInfo *e) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL;
        ConfigFile *f;
        int r;

        r = file_new(c, path, instance, &f);
        if (r < 0)
                return r;
        r = chase(c->root_fd, path, 0, &dir_fd, &name, NULL);
        if (r >= 0)
                r = read_file_at(dir_fd, name, &f->text, &f->size, &f->st);
        if (r < 0)
                return read_error(f, r, e);
        return parse_file(c, f, e);
}

typedef struct Instance {
        char *file;  /* memcached_NAME.conf */
        char *name;  /* NAME */
} Instance;

static int cmp_instance(const void *a, const void *b) {
        return strcmp(((const Instance *) a)->file, ((const Instance *) b)->file);
}

static void instances_free(Instance *v, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(v[i].file);
                free(v[i].name);
        }
        free(v);
}

/* The instance configs in directory D, in file name order. */
static int scan_instances(const Profile *p, DIR *d, Instance **ret, size_t *ret_n) {
        Instance *v = NULL;
        size_t n = 0, cap = 0;
        int r = 0;

        for (struct dirent *de; (de = readdir(d)); ) {
                _cleanup_free_ char *name = NULL;

                r = profile_instance_of(p, de->d_name, &name);
                if (r == -EINVAL)
                        continue;
                if (r < 0 || !GREEDY_REALLOC(v, cap, n + 1) || !(v[n].file = strdup(de->d_name))) {
                        instances_free(v, n);
                        return r < 0 ? r : -ENOMEM;
                }
                v[n++].name = TAKE_PTR(name);
        }
        if (n > 1)
                qsort(v, n, sizeof *v, cmp_instance);
        *ret = v;
        *ret_n = n;
        return 0;
}

int config_add_instances(Config *c, ErrorInfo *e) {
        const Profile *p = c->profile;
        _cleanup_free_ char *dir = NULL, *dir_name = NULL;
        _cleanup_(closedirp) DIR *d = NULL;
        _cleanup_close_ int parent_fd = -1;
        Instance *v = NULL;
        size_t n = 0;
        int r;

        if (!p->instance_dir)
                return 0;
        dir = path_join(c->root, p->instance_dir);
        if (!dir)
                return -ENOMEM;
        r = chase(c->root_fd, p->instance_dir, 0, &parent_fd, &dir_name, NULL);
        if (r >= 0)
                r = opendir_at(parent_fd, dir_name, &d);
        if (r < 0)
                return r == -ENOENT ? 0 : error_set(e, r, "read", dir, 0, NULL, "%s", strerror(-r));
        r = scan_instances(p, d, &v, &n);
        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s", p->instance_dir, v[i].file) < 0) {
                        path = NULL;
                        r = -ENOMEM;
                        break;
                }
                /* Resolved from the root again: an instance file may be a
                 * link, followed inside the root like any other path. */
                r = config_add_file(c, path, v[i].name, e);
        }
        instances_free(v, n);
        return r;
}

int config_put_file(Config *c, const ConfigFile *f, char **ret_text, ErrorInfo *e) {
        const char *in = SCRATCH "/render/in", *out = SCRATCH "/render/out";
        char *text;

        if (aug_set(c->aug, in, config_file_input(f)) < 0 ||
            aug_text_retrieve(c->aug, c->profile->lens, in, f->node, out) < 0)
                return aug_error_last(c->aug, -EINVAL, "render", f->real_path, 0, true, e);
        text = strdup(aug_value(c->aug, out) ?: "");
        if (!text)
                return -ENOMEM;
        *ret_text = text;
        return 0;
}
