/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check's reading of other tools' firewall files (fwfiles.h): which files
 * firewalld and ufw take, read inside the root (rootfs.h), judged by
 * fw_firewalld.c and fw_ufw.c, and their findings added to the report. A
 * file that cannot be read is an info finding, never an error of check:
 * it is another tool's, and says nothing about memcached's own config.
 */
#include "fwfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "array.h"
#include "cleanup.h"
#include "config.h"
#include "endpoints.h"
#include "rootfs.h"
#include "util.h"

/* memharden's own nftables ruleset, as its firewall command persists it:
 * where it is, UDP to memcached's ports is dropped whatever another tool's
 * rules accept (a drop in any nftables base chain is final). */
#define MEMHARDEN_FIREWALL_NFT "/etc/memharden/firewall.nft"

#define UFW_CONF "/etc/ufw/ufw.conf"

/* More files than this in one firewalld directory is not a configuration. */
#define DIR_ENTRIES_MAX 4096

typedef struct Walk {
        const char *root;
        FwFindings *out;
} Walk;

static void strv_freep(char ***v) {
        strv_free(*v);
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The "*.xml" names in directory DIR of the root, sorted (firewalld's
 * readdir order is no order to report in). None when DIR is missing. */
static int list_xml(const Walk *w, const char *dir, char ***ret) {
        _cleanup_close_ int fd = -1;
        _cleanup_(closedirp) DIR *d = NULL;
        _cleanup_(strv_freep) char **v = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        int r;

        r = root_open_dir(w->root, dir, 0, &fd);
        if (r == -ENOENT || r == -ENOTDIR)
                r = 0, fd = -1;
        else if (r >= 0)
                r = opendir_at(fd, ".", &d);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return fw_findings_add(w->out, FW_UNREADABLE, dir, 0, false, "could not be read: %s", strerror(-r));
        if (!GREEDY_REALLOC(v, cap, 1))
                return -ENOMEM;
        v[0] = NULL;
        while (d && (de = readdir(d))) {
                size_t len = strlen(de->d_name);
                if (len <= 4 || strcmp(de->d_name + len - 4, ".xml") != 0 || de->d_name[0] == '.')
                        continue;
                if (n == DIR_ENTRIES_MAX) {
                        r = fw_findings_add(w->out, FW_UNREADABLE, dir, 0, false,
                                            "has more than %d files; only the first %d read were judged",
                                            DIR_ENTRIES_MAX, DIR_ENTRIES_MAX);
                        if (r < 0)
                                return r;
                        break;
                }
                if (!GREEDY_REALLOC(v, cap, n + 2) || !(v[n] = strdup(de->d_name)))
                        return -ENOMEM;
                v[++n] = NULL;
        }
        qsort(v, n, sizeof *v, cmp_str);
        *ret = TAKE_PTR(v);
        return 0;
}

static bool strv_has(char *const *v, const char *s) {
        for (; v && *v; v++)
                if (strcmp(*v, s) == 0)
                        return true;
        return false;
}

/* Reads PATH of the root; *RET is NULL for one that cannot be read, which
 * is a finding, and for one that is not there (MISSING_OK: ufw's files) or
 * that a listed name no longer leads to (a dangling link: a finding too). */
static int read_foreign(const Walk *w, const char *path, bool missing_ok, char **ret, size_t *ret_size) {
        int r = root_read_file(w->root, path, ret, ret_size, NULL);

        if (r == -ENOMEM)
                return r;
        if (r < 0)
                *ret = NULL;
        if (missing_ok && (r == -ENOENT || r == -ENOTDIR))
                return 0;
        if (r < 0)
                return fw_findings_add(w->out, FW_UNREADABLE, path, 0, false, "could not be read: %s",
                                       r == -EFBIG ? "larger than any firewall file memharden reads" : strerror(-r));
        return 0;
}

/* FwServiceLookup over the root: /etc/firewalld/services before
 * /usr/lib/firewalld/services, as firewalld overrides its stock files. */
static int lookup_service(void *userdata, const char *name, char **ret_text, size_t *ret_size, char **ret_path) {
        static const char *const dirs[] = { "/etc/firewalld/services", "/usr/lib/firewalld/services" };
        const Walk *w = userdata;

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *path = NULL, *text = NULL;
                size_t size;
                int r;

                if (asprintf(&path, "%s/%s.xml", dirs[i], name) < 0)
                        return -ENOMEM;
                r = root_read_file(w->root, path, &text, &size, NULL);
                if (r == -ENOENT)
                        continue;
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        r = fw_findings_add(w->out, FW_UNREADABLE, path, 0, false, "could not be read: %s",
                                            strerror(-r));
                        return r < 0 ? r : -EIO;
                }
                *ret_text = TAKE_PTR(text);
                *ret_size = size;
                *ret_path = TAKE_PTR(path);
                return 0;
        }
        return -ENOENT;
}

/* firewalld's zones or policies (SUB): /etc/firewalld/SUB/NAME.xml, and
 * /usr/lib/firewalld/SUB/NAME.xml where /etc has no file of that name. */
static int judge_firewalld(const Walk *w, const char *sub, bool policy, const FwPorts *ports) {
        _cleanup_(strv_freep) char **etc = NULL, **lib = NULL;
        _cleanup_free_ char *etc_dir = NULL, *lib_dir = NULL;
        int r;

        if (asprintf(&etc_dir, "/etc/firewalld/%s", sub) < 0 || asprintf(&lib_dir, "/usr/lib/firewalld/%s", sub) < 0)
                return -ENOMEM;
        r = list_xml(w, etc_dir, &etc);
        if (r >= 0)
                r = list_xml(w, lib_dir, &lib);
        if (r < 0)
                return r;
        for (int pass = 0; pass < 2; pass++)
                for (char **n = pass == 0 ? etc : lib; n && *n; n++) {
                        _cleanup_free_ char *path = NULL, *text = NULL;
                        size_t size;

                        if (pass == 1 && strv_has(etc, *n))
                                continue; /* overridden */
                        if (asprintf(&path, "%s/%s", pass == 0 ? etc_dir : lib_dir, *n) < 0)
                                return -ENOMEM;
                        r = read_foreign(w, path, false, &text, &size);
                        if (r >= 0 && text)
                                r = fw_firewalld_judge(path, text, size, policy, ports, lookup_service, (void *) w,
                                                       w->out);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int judge_ufw(const Walk *w, const FwPorts *ports) {
        static const char *const files[] = { "/etc/ufw/user.rules", "/etc/ufw/user6.rules" };
        _cleanup_free_ char *conf = NULL;
        bool enabled;
        size_t size;
        int r;

        /* No ufw.conf: ufw's default, not enabled. One that cannot be read
         * says nothing, so its rules are judged as enabled ones. */
        r = root_read_file(w->root, UFW_CONF, &conf, &size, NULL);
        enabled = r >= 0 ? fw_ufw_enabled(conf) : r != -ENOENT && r != -ENOTDIR;
        if (enabled && r < 0)
                r = read_foreign(w, UFW_CONF, false, &conf, &size);
        if (r == -ENOMEM)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *text = NULL;

                r = read_foreign(w, files[i], true, &text, &size);
                if (r >= 0 && text)
                        r = fw_ufw_judge(files[i], text, ports, enabled, w->out);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* 11211, and the TCP and UDP ports memcached takes from each file. */
static void judged_ports(const Config *config, FwPorts *ret) {
        *ret = (FwPorts) {};
        fw_ports_add(ret, MEMCACHED_DEFAULT_PORT);
        for (size_t i = 0; config && i < config->n_files; i++) {
                Endpoints e = {};

                if (endpoints_from_args(config->files[i].args, config->files[i].n_args, &e) < 0)
                        continue; /* memcached would not start with them: 11211 stands */
                fw_ports_add(ret, e.tcp_port);
                fw_ports_add(ret, e.udp_port);
                for (size_t k = 0; k < e.n_listeners; k++) {
                        fw_ports_add(ret, endpoints_tcp_port(&e, &e.listeners[k]));
                        fw_ports_add(ret, endpoints_udp_port(&e, &e.listeners[k]));
                }
                endpoints_done(&e);
        }
}

/* Whether memharden's own ruleset is in the root: a regular file, the last
 * component no symlink. */
static bool own_firewall(const char *root) {
        _cleanup_close_ int root_fd = -1, dir_fd = -1;
        _cleanup_free_ char *name = NULL;
        struct stat st;

        return root_open(root, &root_fd) >= 0 && chase(root_fd, MEMHARDEN_FIREWALL_NFT, 0, &dir_fd, &name, NULL) >= 0 &&
               fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISREG(st.st_mode);
}

/* The report's file for PATH, a foreign one added at the end if new. */
static FileResult *foreign_file(Report *report, const char *path) {
        FileResult *v;

        for (size_t i = 0; i < report->n_files; i++)
                if (report->files[i].foreign && strcmp(report->files[i].path, path) == 0)
                        return &report->files[i];
        v = reallocarray(report->files, report->n_files + 1, sizeof *v);
        if (!v)
                return NULL;
        report->files = v;
        v = &report->files[report->n_files];
        *v = (FileResult) { .foreign = true, .path = strdup(path) };
        if (!v->path)
                return NULL;
        report->n_files++;
        return v;
}

static int add_to_report(const FwFindings *found, bool managed, Report *report) {
        for (size_t i = 0; i < found->n; i++) {
                const FwFinding *x = &found->items[i];
                FileResult *f = foreign_file(report, x->path);
                int r;

                if (!f)
                        return -ENOMEM;
                if (x->kind == FW_UNREADABLE)
                        r = policy_add_finding(&f->policy, "firewall-unreadable", SEVERITY_INFO, x->line,
                                               "%s; %s", x->message,
                                               strcmp(x->path, UFW_CONF) == 0 ? "ufw's rules are judged as if it were enabled"
                                                                              : "its rules were not judged");
                else if (managed)
                        r = policy_add_finding(&f->policy, "firewall-opens-udp", SEVERITY_INFO, x->line,
                                               "%s; memharden's nftables table (" MEMHARDEN_FIREWALL_NFT
                                               ") drops that UDP whatever this rule accepts",
                                               x->message);
                else if (x->inactive)
                        r = policy_add_finding(&f->policy, "firewall-opens-udp", SEVERITY_INFO, x->line, "%s",
                                               x->message);
                else {
                        r = policy_add_finding(&f->policy, "firewall-opens-udp", SEVERITY_MEDIUM, x->line, "%s",
                                               x->message);
                        report->compliant = false;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

int fwfiles_check(const char *root, const Config *config, Report *report) {
        _cleanup_(fw_findings_done) FwFindings found = {};
        Walk w = { .root = root, .out = &found };
        FwPorts ports;
        int r;

        judged_ports(config, &ports);
        r = judge_firewalld(&w, "zones", false, &ports);
        if (r >= 0)
                r = judge_firewalld(&w, "policies", true, &ports);
        if (r >= 0)
                r = judge_ufw(&w, &ports);
        if (r < 0)
                return r;
        return add_to_report(&found, own_firewall(root), report);
}
