/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memharden firewall [--dry-run] [--remove], and apply --firewall: the
 * third layer, after the bind and UDP off. memcached's ports and listeners
 * come from its effective options (the plan's files, endpoints.h), the
 * networks from this host's interfaces, the ruleset from firewall.c; it is
 * loaded through firewall_nft.c.
 *
 * For the next boot the table is kept in FIREWALL_FILE and loaded by
 * FIREWALL_UNIT, a oneshot the packages install (it runs nft -f before
 * network-pre.target, after nftables.service and firewalld, whose own
 * "flush ruleset" would otherwise remove it); this command enables it with
 * the link systemctl enable makes. Neither distribution's nftables.service
 * reads a directory of drop-ins by default (Debian's loads
 * /etc/nftables.conf, RHEL's /etc/sysconfig/nftables.conf, both the
 * admin's files), so editing one of those would edit the admin's firewall.
 * A file memharden did not write, or a link that is not to its unit, is
 * never overwritten or removed: the run is refused first (exit 3).
 *
 * Under --root (an image) nothing is loaded and no interface is read: the
 * interfaces are this machine's, not the image's. The file and the link
 * are written inside the root, and a private listener's network is its
 * private block (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7).
 *
 * No lock: the table is replaced in one kernel transaction and the file
 * atomically (rootfs.h), so two runs at once leave one of two equal results.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "endpoints.h"
#include "firewall.h"
#include "firewall_nft.h"
#include "resolve.h"
#include "rootfs.h"
#include "util.h"

#ifndef MEMHARDEN_SYSTEMD_UNITDIR
#define MEMHARDEN_SYSTEMD_UNITDIR "/usr/lib/systemd/system"
#endif
#define UNIT_PATH MEMHARDEN_SYSTEMD_UNITDIR "/" FIREWALL_UNIT
/* Where systemctl enable links it: its [Install] WantedBy=sysinit.target. */
#define UNIT_LINK "/etc/systemd/system/sysinit.target.wants/" FIREWALL_UNIT

static void *mfree(void *p) {
        free(p);
        return NULL;
}

static bool live(const Context *c) {
        return strcmp(c->root, "/") == 0;
}

/* Appends one line to REPORT's firewall actions. */
static int action(Report *report, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int action(Report *report, const char *fmt, ...) {
        FirewallResult *f = &report->firewall;
        size_t n = 0;
        char *line, **v;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&line, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        while (f->actions && f->actions[n])
                n++;
        v = realloc(f->actions, (n + 2) * sizeof *v);
        if (!v) {
                free(line);
                return -ENOMEM;
        }
        v[n] = line;
        v[n + 1] = NULL;
        f->actions = v;
        return 0;
}

/* PATH's directory inside the root, opened (created with MKDIR), and
 * PATH's last component: every step below works on the name itself, never
 * through it, so a symlink there is read as one and never followed. */
static int open_parent(const Context *c, const char *path, bool mkdir, int *ret_fd, const char **ret_name) {
        _cleanup_free_ char *dir = strndup(path, (size_t) (strrchr(path, '/') - path));

        if (!dir)
                return -ENOMEM;
        *ret_name = strrchr(path, '/') + 1;
        return root_open_dir(c->root, dir, mkdir ? CHASE_MKDIR : 0, ret_fd);
}

/* What is at PATH in the root: 0 nothing, 1 memharden's, -EEXIST someone
 * else's (E says whose and what to do), another negative errno. For the
 * file: its first line. For the link: a symlink to FIREWALL_UNIT. */
static int inspect(const Context *c, const char *path, bool link, ErrorInfo *e) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *text = NULL, *real = path_join(c->root, path);
        char target[PATH_MAX];
        const char *name;
        ssize_t n;
        int r;

        if (!real)
                return -ENOMEM;
        r = open_parent(c, path, false, &dir_fd, &name);
        if (r == -ENOENT)
                return 0; /* not even its directory */
        if (r < 0)
                return error_set(e, r, "read", real, 0, NULL, "%s", strerror(-r));
        if (link) {
                n = readlinkat(dir_fd, name, target, sizeof target - 1);
                if (n < 0 && errno == ENOENT)
                        return 0;
                if (n >= 0) {
                        target[n] = '\0';
                        const char *base = strrchr(target, '/');
                        if (streq_ptr(base ? base + 1 : target, FIREWALL_UNIT))
                                return 1;
                }
                return error_set(e, -EEXIST, "write", real, 0, "move it away, then run again",
                                 "it is not a link to " FIREWALL_UNIT ", so memharden did not make it");
        }
        r = read_file_at(dir_fd, name, &text, NULL, NULL);
        if (r == -ENOENT)
                return 0;
        if (r >= 0 && firewall_file_is_ours(text))
                return 1;
        if (r >= 0 || r == -EBADMSG || r == -EISDIR || r == -EBADF || r == -EFBIG || r == -ELOOP)
                return error_set(e, -EEXIST, "write", real, 0, "move it away, then run again",
                                 "memharden did not write it (its first line is not '" FIREWALL_FILE_HEADER "')");
        return error_set(e, r, "read", real, 0, NULL, "%s", strerror(-r));
}

/* The firewall's options: the files' as applied (a file's new text where
 * the plan has one), each through endpoints_from_args(). */
static int build_spec(const Context *c, Config *config, const Report *report, FirewallSpec *spec, ErrorInfo *e) {
        _cleanup_(host_table_done) HostTable hosts = {};
        _cleanup_free_ FirewallNet *ifs = NULL;
        size_t n_ifs = 0;
        int r;

        r = host_table_init(&hosts, c->root);
        if (r < 0)
                return r;
        if (live(c) && (r = firewall_host_addresses(&ifs, &n_ifs)) < 0)
                return error_set(e, r, "read", "the interface addresses", 0, NULL, "%s", strerror(-r));
        for (size_t i = 0; i < config->n_files; i++) {
                const ConfigFile *f = &config->files[i];
                const FileResult *fr = i < report->n_files ? &report->files[i] : NULL;
                Arg *args = f->args, *new_args = NULL;
                size_t n_args = f->n_args;
                Endpoints ep;

                if (fr && fr->changed && fr->text) {
                        /* apply --firewall: the options as applied, and
                         * the ports of those it replaces. */
                        r = endpoints_from_args(f->args, f->n_args, &ep);
                        if (r >= 0) {
                                r = firewall_spec_add_ports(spec, &ep);
                                endpoints_done(&ep);
                        }
                        if (r >= 0)
                                r = config_reparse(config, f, fr->text, &new_args, &n_args, e);
                        if (r < 0)
                                return r;
                        args = new_args;
                }
                r = resolve_listen_names(&hosts, args, n_args);
                if (r >= 0)
                        r = endpoints_from_args(args, n_args, &ep);
                if (r >= 0) {
                        r = firewall_spec_add(spec, &ep, &hosts, ifs, n_ifs);
                        endpoints_done(&ep);
                }
                if (new_args)
                        args_free(new_args, n_args);
                if (r == -EINVAL)
                        return error_set(e, r, "read", f->real_path, 0, "run 'memharden check' to see why",
                                         "a listener memcached refuses to start with");
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Writes the persisted file (unless it already holds TEXT) and enables
 * the unit where it is installed. */
static int persist(const Context *c, const char *text, Report *report, ErrorInfo *e) {
        _cleanup_close_ int dir_fd = -1, link_dir = -1, unit_dir = -1;
        _cleanup_free_ char *old = NULL, *real = path_join(c->root, FIREWALL_FILE),
                            *link = path_join(c->root, UNIT_LINK);
        const char *name, *unit_name, *link_name;
        WriteMeta m = { .mode = 0644 };
        int r;

        if (!real || !link)
                return -ENOMEM;
        r = open_parent(c, FIREWALL_FILE, true, &dir_fd, &name);
        if (r < 0)
                return error_set(e, r, "write", real, 0, NULL, "%s", strerror(-r));
        if (read_file_at(dir_fd, name, &old, NULL, NULL) >= 0 && streq_ptr(old, text))
                r = action(report, "%s unchanged", real);
        else {
                r = write_file_at(dir_fd, name, text, strlen(text), &m);
                if (r < 0)
                        return error_set(e, r, "write", real, 0, NULL, "%s", strerror(-r));
                report->changed = true;
                r = action(report, "written to %s", real);
        }
        if (r < 0 || !(report->firewall.persisted = strdup(FIREWALL_FILE)))
                return -ENOMEM;

        if (open_parent(c, UNIT_PATH, false, &unit_dir, &unit_name) < 0 ||
            faccessat(unit_dir, unit_name, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
                return action(report, "%s is not installed in %s: nothing loads %s at boot; install memharden's "
                              "package, or run 'nft -f %s' at boot", FIREWALL_UNIT, MEMHARDEN_SYSTEMD_UNITDIR,
                              FIREWALL_FILE, FIREWALL_FILE);
        r = open_parent(c, UNIT_LINK, true, &link_dir, &link_name);
        if (r >= 0 && symlinkat(UNIT_PATH, link_dir, link_name) < 0)
                r = errno == EEXIST ? 1 : -errno; /* EEXIST: ours, as inspect() found before */
        if (r < 0)
                return error_set(e, r, "write", link, 0, NULL, "%s", strerror(-r));
        if (!(report->firewall.unit = strdup(FIREWALL_UNIT)))
                return -ENOMEM;
        if (r == 0)
                report->changed = true;
        return action(report, "%s %senabled: it loads %s at boot", FIREWALL_UNIT, r > 0 ? "already " : "",
                      FIREWALL_FILE);
}

/* Loads (or, dry run, shows) the table for CONFIG's options, then keeps it
 * for the next boot. */
static int load(const Context *c, Config *config, Report *report, ErrorInfo *e) {
        _cleanup_(firewall_spec_done) FirewallSpec spec = {};
        _cleanup_free_ char *buffer = NULL, *file = NULL, *before = NULL;
        FirewallResult *f = &report->firewall;
        int r;

        f->present = true;
        /* A kernel without nftables is said before anything else is read. */
        if (live(c) && !c->dry_run && (r = firewall_nft_probe(e)) < 0)
                return r;
        r = build_spec(c, config, report, &spec, e);
        if (r < 0)
                return r;
        f->ruleset = firewall_ruleset(&spec);
        f->summary = firewall_summary(&spec);
        buffer = f->ruleset ? firewall_load_buffer(f->ruleset) : NULL;
        file = buffer ? firewall_file_text(buffer) : NULL;
        if (!f->summary || !file)
                return -ENOMEM;
        if (spec.n_blocks > 0 &&
            action(report, "%zu private listener address%s on no interface of a network%s: TCP accepted from %s private block",
                   spec.n_blocks, spec.n_blocks == 1 ? " is" : "es are", live(c) ? "" : " (--root reads none)",
                   spec.n_blocks == 1 ? "its" : "their") < 0)
                return -ENOMEM;
        if (spec.n_unresolved > 0 &&
            action(report, "%zu listener host name%s not resolve: no TCP rule for %s", spec.n_unresolved,
                   spec.n_unresolved == 1 ? " does" : "s do", spec.n_unresolved == 1 ? "it" : "them") < 0)
                return -ENOMEM;
        if (c->dry_run)
                return action(report, "table " FIREWALL_TABLE " would be loaded%s (dry run, nothing changed): %s",
                              live(c) ? "" : " at the image's next boot", f->summary);

        /* Refused before anything changes: a file or link of someone else's. */
        r = inspect(c, FIREWALL_FILE, false, e);
        if (r >= 0)
                r = inspect(c, UNIT_LINK, true, e);
        if (r < 0)
                return r;
        if (live(c)) {
                if ((r = firewall_nft_list(&before, e)) == -ENOENT)
                        r = 0;
                if (r >= 0)
                        r = firewall_nft_load(buffer, e);
                if (r < 0)
                        return r;
                f->loaded = true;
                f->ruleset = mfree(f->ruleset);
                r = firewall_nft_list(&f->ruleset, e);
                if (r == -ENOENT)
                        return error_set(e, -EIO, "list", FIREWALL_TABLE, 0, "check what else changes the ruleset",
                                         "the table is gone right after it was loaded");
                if (r < 0)
                        return r;
                bool replaced = !streq_ptr(before, f->ruleset);
                report->changed = report->changed || replaced;
                r = action(report, "table " FIREWALL_TABLE " %s: %s", replaced ? "loaded" : "unchanged", f->summary);
        } else
                r = action(report, "table " FIREWALL_TABLE " not loaded (--root): it is for the image's next boot: %s",
                           f->summary);
        if (r < 0)
                return r;
        r = persist(c, file, report, e);
        if (r < 0 && f->loaded)
                error_set_hint(e, "%s%stable " FIREWALL_TABLE " is loaded, but not kept for the next boot", e->hint,
                               e->hint[0] ? "; " : "");
        return r;
}

/* Removes PATH inside the root (the name itself, a link as a link), and
 * memharden's directory when that is left empty (RMDIR_TOO). */
static int remove_path(const Context *c, const char *path, bool rmdir_too, ErrorInfo *e) {
        _cleanup_close_ int dir_fd = -1, etc_fd = -1;
        _cleanup_free_ char *real = path_join(c->root, path);
        const char *name;
        int r;

        if (!real)
                return -ENOMEM;
        r = open_parent(c, path, false, &dir_fd, &name);
        if (r >= 0 && unlinkat(dir_fd, name, 0) < 0)
                r = -errno;
        if (r < 0)
                return error_set(e, r, "remove", real, 0, NULL, "%s", strerror(-r));
        if (rmdir_too && root_open_dir(c->root, "/etc", 0, &etc_fd) >= 0)
                (void) unlinkat(etc_fd, "memharden", AT_REMOVEDIR); /* only when empty */
        return 0;
}

/* --remove: the table, the unit's link and the file, each only where it is
 * memharden's. */
static int remove_all(const Context *c, Report *report, ErrorInfo *e) {
        _cleanup_free_ char *listed = NULL, *file = path_join(c->root, FIREWALL_FILE);
        const char *would = c->dry_run ? "would be " : "";
        int have_file, have_link, r;

        report->firewall.present = true;
        if (!file)
                return -ENOMEM;
        have_file = inspect(c, FIREWALL_FILE, false, e);
        if (have_file < 0)
                return have_file;
        have_link = inspect(c, UNIT_LINK, true, e);
        if (have_link < 0)
                return have_link;

        if (!live(c))
                r = action(report, "table " FIREWALL_TABLE " not touched (--root): the running kernel's is this machine's");
        else if ((r = firewall_nft_probe(e)) < 0)
                return r;
        else if (c->dry_run) {
                r = firewall_nft_list(&listed, e);
                if (r < 0 && r != -ENOENT)
                        return r;
                r = action(report, "table " FIREWALL_TABLE " %s", r == -ENOENT ? "is not loaded" : "would be deleted");
        } else {
                r = firewall_nft_delete(e);
                if (r < 0 && r != -ENOENT)
                        return r;
                report->firewall.removed = r >= 0;
                r = action(report, "table " FIREWALL_TABLE " %s", r == -ENOENT ? "was not loaded" : "deleted");
        }
        if (r < 0)
                return r;
        if (have_link && !c->dry_run && (r = remove_path(c, UNIT_LINK, false, e)) < 0)
                return r;
        if (have_link && action(report, "%s %sdisabled", FIREWALL_UNIT, would) < 0)
                return -ENOMEM;
        if (have_file && !c->dry_run && (r = remove_path(c, FIREWALL_FILE, true, e)) < 0)
                return r;
        if (have_file && action(report, "%s %sremoved", file, would) < 0)
                return -ENOMEM;
        report->changed = report->firewall.removed || have_link || have_file;
        if (!have_file && !have_link)
                return action(report, "%s is not there, and %s is not enabled", file, FIREWALL_UNIT);
        return 0;
}

/* The exit code of a failure R: the input's fault (a config or a file memharden
 * must not touch, a kernel without nftables: nothing was written) or the run's. */
static int exit_code_of(int r) {
        return r == -EPROTONOSUPPORT || r == -EEXIST || r == -EINVAL ? EXIT_INPUT : EXIT_RUNTIME;
}

int command_firewall(const Context *c, Config *config, Report *report) {
        ErrorInfo e = {};
        int r;

        if (report->exit_code != 0 || report->not_installed || report->rolled_back || !config)
                return report->exit_code;
        r = load(c, config, report, &e);
        if (r < 0)
                command_set_error(report, exit_code_of(r), r, &e);
        return report->exit_code;
}

int cmd_firewall(const Context *c) {
        Report report = { .command = "firewall", .root = c->root, .dry_run = c->dry_run };
        _cleanup_(config_freep) Config *config = NULL;
        ErrorInfo e = {};
        const Profile *p;
        int code, r;

        if (c->remove) {
                /* No config is read, so the root is checked here, as
                 * context_profile() checks it for the other commands. */
                _cleanup_close_ int root_fd = -1;

                r = root_open(c->root, &root_fd);
                if (r == -ENOENT || r == -ENOTDIR) {
                        (void) error_set(&e, r, "open", c->root, 0, "give --root the directory of a mounted image",
                                         "no such directory");
                        return command_fail(c, &report, EXIT_INPUT, r, &e);
                }
                r = r < 0 ? error_set(&e, r, "open", c->root, 0, NULL, "%s", strerror(-r)) : remove_all(c, &report, &e);
        } else {
                code = command_plan(c, PLAN_JUDGE, &report, &config, &p);
                if (code > 0)
                        return code;
                /* What the plan would edit is apply's to say; this run edits no file. */
                report.changed = false;
                for (size_t i = 0; i < report.n_files; i++)
                        report.files[i].changed = false;
                if (report.not_installed) {
                        report.firewall.present = true;
                        r = action(&report, "memcached is not installed; nothing to protect, nothing loaded");
                } else
                        r = load(c, config, &report, &e);
        }
        if (r < 0)
                return command_fail(c, &report, exit_code_of(r), r, &e);
        return command_finish(c, &report);
}
