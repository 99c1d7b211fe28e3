/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "lines.h"
#include "rootfs.h"
#include "store.h"
#include "util.h"

/* Alpine's /etc/init.d/memcached: start() runs
 *   memcached -d -p ${PORT} -U ${UDPPORT} ${c_LISTENON} -m ${MEMUSAGE}
 *     -c ${MAXCONN} -u ${MEMCACHED_RUNAS} -P "${PIDFILE}" ${MISC_OPTS}
 * with c_LISTENON="-l ${LISTENON}" where LISTENON is not empty. */
static const RcWord alpine_command[] = {
        { .word = "-d" },
        { .word = "-p" }, { .var = "PORT" },
        { .word = "-U" }, { .var = "UDPPORT" },
        { .word = "-l", .when = { "LISTENON" } }, { .var = "LISTENON" },
        { .word = "-m" }, { .var = "MEMUSAGE" },
        { .word = "-c" }, { .var = "MAXCONN" },
        { .word = "-u" }, { .var = "MEMCACHED_RUNAS" },
        /* "${PIDFILE}" in quotes: one word whatever the script put in it */
        { .word = "-P" }, { .word = "${PIDFILE}" },
        { .var = "MISC_OPTS" },
        {},
};

/* Gentoo's /etc/init.d/memcached: start() runs
 *   memcached -d ${CONNECTION} -m ${MEMUSAGE} -c ${MAXCONN}
 *     -u ${MEMCACHED_RUNAS} -P "${PIDFILE}" ${MISC_OPTS}
 * with CONNECTION="-s ${SOCKET}" (and " -a ${SOCKET_MASK}" where that is
 * set) where SOCKET is set, else "-p ${PORT} -U ${UDPPORT}" and
 * " -l ${LISTENON}" where that is not empty. */
static const RcWord gentoo_command[] = {
        { .word = "-d" },
        { .word = "-s", .when = { "SOCKET" } }, { .var = "SOCKET" },
        { .word = "-a", .when = { "SOCKET", "SOCKET_MASK" } }, { .var = "SOCKET_MASK", .when = { "SOCKET" } },
        { .word = "-p", .unless = "SOCKET" }, { .var = "PORT", .unless = "SOCKET" },
        { .word = "-U", .unless = "SOCKET" }, { .var = "UDPPORT", .unless = "SOCKET" },
        { .word = "-l", .when = { "LISTENON" }, .unless = "SOCKET" }, { .var = "LISTENON", .unless = "SOCKET" },
        { .word = "-m" }, { .var = "MEMUSAGE" },
        { .word = "-c" }, { .var = "MAXCONN" },
        { .word = "-u" }, { .var = "MEMCACHED_RUNAS" },
        { .word = "-P" }, { .word = "${PIDFILE}" },
        { .var = "MISC_OPTS" },
        {},
};

/* What the OpenRC families share: conf.d files sourced by a shell, their
 * init script and service, and units only where used. */
#define OPENRC_CONFD                                                            \
        .store = &store_confd, .unit_store = &store_unit, .units_when_used = true, \
        .config = "/etc/conf.d/memcached", .instance_dir = "/etc/conf.d",       \
        .instance_prefix = "memcached.", .instance_suffix = "",                 \
        .lens = "Memharden_sysconfig.lns", .variable = "MISC_OPTS",             \
        .init_script = "/etc/init.d/memcached", .rc_service = "memcached"

static const Profile profiles[] = {
        {
                .name = "debian",
                .unit_store = &store_unit,
                .store = &store_conf,
                .config = "/etc/memcached.conf",
                .instance_dir = "/etc",
                .instance_prefix = "memcached_",
                .instance_suffix = ".conf",
                .lens = "Memharden_conf.lns",
                .skips_daemon_lines = true,
                .unit = "memcached.service",
                .instance_unit = "memcached@.service",
                .init_script = "/etc/init.d/memcached",
        },
        {
                .name = "rhel",
                .unit_store = &store_unit,
                .store = &store_shellvar,
                .config = "/etc/sysconfig/memcached",
                .lens = "Memharden_sysconfig.lns",
                .variable = "OPTIONS",
                .unit = "memcached.service",
                .init_script = "/etc/init.d/memcached",
        },
        {
                /* openSUSE and SLES: the unit runs
                 * /usr/bin/memcached -u $MEMCACHED_USER $MEMCACHED_PARAMS. */
                .name = "suse",
                .unit_store = &store_unit,
                .store = &store_shellvar,
                .config = "/etc/sysconfig/memcached",
                .lens = "Memharden_sysconfig.lns",
                .variable = "MEMCACHED_PARAMS",
                .unit = "memcached.service",
                .init_script = "/etc/init.d/memcached",
        },
        {
                /* Arch and its derivatives have no config file: the options
                 * are the unit's ExecStart= (changed by `systemctl edit`),
                 * so the units are the store. */
                .name = "arch",
                .store = &store_unit,
                .unit = "memcached.service",
        },
        {
                /* OpenRC sources /etc/conf.d/memcached, then for service
                 * memcached.NAME /etc/conf.d/memcached.NAME, which the
                 * init script sources once more. */
                .name = "alpine",
                OPENRC_CONFD,
                .rc_command = alpine_command,
        },
        {
                .name = "gentoo",
                OPENRC_CONFD,
                .rc_command = gentoo_command,
                /* Gentoo also ships a unit, which reads the file as its
                 * EnvironmentFile= and only MISC_OPTS from it. */
                .unit = "memcached.service",
        },
};

/* os-release IDs, matched against ID first and then each word of ID_LIKE. */
static const struct {
        const char *id;
        const char *profile;
} family_ids[] = {
        { "debian", "debian" }, { "ubuntu", "debian" }, { "linuxmint", "debian" },
        { "raspbian", "debian" }, { "pop", "debian" }, { "kali", "debian" },
        { "devuan", "debian" },
        { "rhel", "rhel" }, { "centos", "rhel" }, { "rocky", "rhel" },
        { "almalinux", "rhel" }, { "fedora", "rhel" }, { "amzn", "rhel" },
        { "ol", "rhel" },
        { "opensuse-leap", "suse" }, { "opensuse-tumbleweed", "suse" }, { "opensuse", "suse" },
        { "sles", "suse" }, { "sled", "suse" }, { "suse", "suse" },
        { "arch", "arch" }, { "manjaro", "arch" }, { "endeavouros", "arch" },
        { "alpine", "alpine" }, { "postmarketos", "alpine" },
        { "gentoo", "gentoo" },
};

/* Only these may be inherited through ID_LIKE: a distro "like" ol is rare,
 * but one "like debian" or "like rhel fedora" is the common case. */
static const char *const like_ids[] = { "debian", "ubuntu", "rhel", "fedora", "centos", "suse", "opensuse",
                                        "arch", "alpine", "gentoo" };

/* Release files that identify a family when os-release is absent. */
static const struct {
        const char *path;
        const char *profile;
} release_files[] = {
        { "/etc/debian_version", "debian" },
        { "/etc/redhat-release", "rhel" },
        { "/etc/alpine-release", "alpine" },
        { "/etc/gentoo-release", "gentoo" },
};

const Profile *profile_by_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(profiles); i++)
                if (streq_ptr(profiles[i].name, name))
                        return &profiles[i];
        return NULL;
}

int profile_instance_of(const Profile *p, const char *basename, char **ret) {
        size_t l = strlen(basename), pl, sl;
        char *name;

        if (!p->instance_prefix)
                return -EINVAL;
        pl = strlen(p->instance_prefix);
        sl = strlen(p->instance_suffix);
        if (l <= pl + sl || strncmp(basename, p->instance_prefix, pl) != 0 ||
            strcmp(basename + l - sl, p->instance_suffix) != 0)
                return -EINVAL;
        name = strndup(basename + pl, l - pl - sl);
        if (!name)
                return -ENOMEM;
        *ret = name;
        return 0;
}

/* The unit a file of the admin's unit directory configures
 * (/etc/systemd/system/UNIT or UNIT.d/NAME.conf), into BUF; NULL for none. */
const char *profile_unit_of_path(const char *path, char *buf, size_t size) {
        static const char dir[] = "/etc/systemd/system/";
        const char *rest, *slash, *end;
        size_t n;

        if (strncmp(path, dir, sizeof dir - 1) != 0)
                return NULL;
        rest = path + sizeof dir - 1;
        slash = strchr(rest, '/');
        end = slash ? slash : rest + strlen(rest);
        n = (size_t) (end - rest);
        if (slash && (n < 2 || strncmp(end - 2, ".d", 2) != 0 || strchr(slash + 1, '/') ||
                      strlen(slash + 1) <= 5 || strcmp(slash + 1 + strlen(slash + 1) - 5, ".conf") != 0))
                return NULL;
        if (slash)
                n -= 2;
        if (n <= 8 || n >= size || strncmp(rest + n - 8, ".service", 8) != 0 || rest[0] == '.')
                return NULL;
        memcpy(buf, rest, n);
        buf[n] = '\0';
        return buf;
}

bool profile_owns(const Profile *p, const char *path) {
        _cleanup_free_ char *name = NULL;
        char unit[256];
        size_t dl;

        if (streq_ptr(path, p->config))
                return true;
        if ((p->unit_store || p->store == &store_unit) && profile_unit_of_path(path, unit, sizeof unit))
                return true;
        if (!p->instance_dir)
                return false;
        dl = strlen(p->instance_dir);
        return strncmp(path, p->instance_dir, dl) == 0 && path[dl] == '/' && !strchr(path + dl + 1, '/') &&
               profile_instance_of(p, path + dl + 1, &name) >= 0;
}

int profile_unit_name(const Profile *p, const char *instance, char **ret) {
        const char *at = p->instance_unit ? strchr(p->instance_unit, '@') : NULL;
        char *s;

        if (!p->unit)
                return -EOPNOTSUPP;
        if (instance && at)
                s = asprintf(&s, "%.*s%s%s", (int) (at + 1 - p->instance_unit), p->instance_unit, instance, at + 1) < 0
                            ? NULL : s;
        else
                s = strdup(p->unit);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* Where the families' packages install memcached (merged /usr or not),
 * and where a build from source does. */
static const char *const daemon_paths[] = {
        "/usr/bin/memcached", "/usr/sbin/memcached", "/usr/local/bin/memcached", "/usr/local/sbin/memcached",
        "/bin/memcached", "/sbin/memcached",
};

/* 0 when memcached's binary PATH is not in the root ROOT_FD (links
 * followed inside it), else 1: anything but a plain absence (a loop, a
 * file in the way) is no proof that memcached is missing. */
static int binary_in(int root_fd, const char *path) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *name = NULL;
        int r = chase(root_fd, path, 0, &dir_fd, &name, NULL);

        return r == -ENOENT || r == -ENOTDIR ? 0 : r == -ENOMEM ? r : 1;
}

/* 0 when PATH (a profile's own, absolute, without "." or "..") has no
 * entry at all in the root ROOT_FD: each component, not followed, is a
 * directory, up to one that is not there. A link on the way (a dangling
 * one, or one out of the root) or anything else in its place is no
 * absence: 1, and reading the file says what it is. */
static int config_in(int root_fd, const char *path) {
        _cleanup_close_ int dir_fd = -1;
        int fd = root_fd;

        for (const char *c = path + strspn(path, "/"); *c; ) {
                char name[NAME_MAX + 1];
                size_t n = strcspn(c, "/");
                struct stat st;
                int next;

                if (n > NAME_MAX)
                        return 1;
                memcpy(name, c, n);
                name[n] = '\0';
                c += n + strspn(c + n, "/");
                if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return errno == ENOENT ? 0 : 1;
                if (*c == '\0' || !S_ISDIR(st.st_mode))
                        return 1;
                next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return 1;
                closep(&dir_fd);
                dir_fd = fd = next;
        }
        return 1;
}

int profile_memcached_installed(const Profile *p, const char *root) {
        _cleanup_close_ int root_fd = -1;
        int r;

        r = root_open(root, &root_fd);
        if (r < 0)
                return r;
        r = p && p->config ? config_in(root_fd, p->config) : 0;
        for (size_t i = 0; !p && i < ELEMENTSOF(profiles) && r == 0; i++)
                r = profiles[i].config ? config_in(root_fd, profiles[i].config) : 0;
        for (size_t i = 0; i < ELEMENTSOF(daemon_paths) && r == 0; i++)
                r = binary_in(root_fd, daemon_paths[i]);
        return r;
}

const char *profile_names(void) {
        return "debian|rhel|suse|arch|alpine|gentoo";
}

static const char *family_of(const char *id, bool like) {
        if (like) {
                bool ok = false;
                for (size_t i = 0; i < ELEMENTSOF(like_ids); i++)
                        ok = ok || strcmp(like_ids[i], id) == 0;
                if (!ok)
                        return NULL;
        }
        for (size_t i = 0; i < ELEMENTSOF(family_ids); i++)
                if (strcmp(family_ids[i].id, id) == 0)
                        return family_ids[i].profile;
        return NULL;
}

/* Value of KEY= in an os-release text, unquoted, or NULL. */
static char *os_release_value(const char *text, const char *key) {
        size_t kl = strlen(key);
        char *found = NULL;

        FOREACH_LINE(l, text) {
                size_t skip = strspn(l.start, " \t"); /* stops at the '\n' */
                const char *v = l.start + skip;
                size_t n = l.len - skip;

                if (n <= kl || strncmp(v, key, kl) != 0 || v[kl] != '=')
                        continue;
                v += kl + 1;
                n -= kl + 1;
                while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
                        n--;
                if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                        v++;
                        n -= 2;
                }
                free(found); /* the last assignment wins, as in a shell */
                found = strndup(v, n);
        }
        return found;
}

int profile_detect(const char *root, const Profile **ret, char **ret_id) {
        static const char *const os_release[] = { "/etc/os-release", "/usr/lib/os-release" };
        _cleanup_free_ char *text = NULL, *id = NULL, *like = NULL;
        const char *family = NULL;
        int r = -ENOENT;

        _cleanup_close_ int root_fd = -1;

        r = root_open(root, &root_fd); /* a missing root is not an unknown distribution */
        if (r < 0)
                return r;
        r = -ENOENT;
        /* Read inside the root: a link there, absolute or relative, means
         * the image's own files. */
        for (size_t i = 0; i < ELEMENTSOF(os_release) && r < 0; i++) {
                r = root_read_file(root, os_release[i], &text, NULL, NULL);
                if (r < 0 && r != -ENOENT)
                        return r;
        }

        if (text) {
                id = os_release_value(text, "ID");
                like = os_release_value(text, "ID_LIKE");
                if (id)
                        family = family_of(id, false);
                for (char *save = NULL, *w = like ? strtok_r(like, " \t", &save) : NULL;
                     w && !family; w = strtok_r(NULL, " \t", &save))
                        family = family_of(w, true);
        }

        for (size_t i = 0; i < ELEMENTSOF(release_files) && !family; i++) {
                _cleanup_free_ char *t = NULL;
                if (root_read_file(root, release_files[i].path, &t, NULL, NULL) >= 0)
                        family = release_files[i].profile;
        }

        if (!family) {
                if (ret_id)
                        *ret_id = TAKE_PTR(id);
                return -EPROTONOSUPPORT;
        }

        *ret = profile_by_name(family);
        if (ret_id)
                *ret_id = TAKE_PTR(id);
        return 0;
}
