/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A profile says where a distribution keeps memcached's options and how its
 * service is run. Profiles are static data owned by profile.c; callers only
 * borrow pointers to them.
 */

#include <stdbool.h>
#include <stddef.h>

struct ConfigStore;

/* One piece of the command line an OpenRC start script builds for
 * memcached: a literal WORD, or VAR expanded without quotes (so split at
 * blanks into none or more words). It is there only while every variable
 * WHEN names is non-empty and UNLESS is empty, as the script's [ -n ] and
 * [ -z ] tests decide. */
typedef struct RcWord {
        const char *word;
        const char *var;
        const char *when[2];
        const char *unless;
} RcWord;

typedef struct Profile {
        const char *name;           /* "debian", "rhel", "suse", "alpine", "gentoo" */
        const struct ConfigStore *store; /* how its files keep the options (store.h) */
        /* The store of the systemd units that run memcached, on a family
         * that has them (store_unit.c); it chains to STORE's files where a
         * unit takes its options from them. */
        const struct ConfigStore *unit_store;
        /* A family OpenRC runs: a unit counts only where it is enabled or
         * systemd runs the root (Gentoo's package ships one either way). */
        bool units_when_used;
        const char *config;         /* main config file, absolute inside the root */
        const char *instance_dir;   /* where per-instance configs live, or NULL */
        const char *instance_prefix, *instance_suffix; /* memcached_NAME.conf */
        const char *lens;           /* Augeas lens for the file */
        const char *variable;       /* the shell variable store: the variable ("OPTIONS"); the
                                     * conf.d store: where options go that have no variable of
                                     * their own ("MISC_OPTS") */
        /* The conf.d store: memcached's arguments as the OpenRC script's
         * start() builds them, ended by an empty piece. */
        const RcWord *rc_command;
        /* Debian's start scripts drop whole lines that begin with -d or -h. */
        bool skips_daemon_lines;
        const char *unit;           /* "memcached.service", or NULL where none ships */
        const char *instance_unit;  /* the template unit, "memcached@.service", or NULL */
        const char *init_script;    /* "/etc/init.d/memcached" */
        /* OpenRC: the service, "memcached"; instance NAME is the service
         * "memcached.NAME", its script the init script's link
         * "/etc/init.d/memcached.NAME" (service_openrc.c). */
        const char *rc_service;
} Profile;

/* The argument-string lens, applied to a shell variable's value and to one
 * edited memcached.conf line. */
#define ARGS_LENS "Memharden_args.lns"

const Profile *profile_by_name(const char *name);

/* The instance NAME that file name BASENAME ("memcached_NAME.conf")
 * configures, malloc()ed; -EINVAL when it configures none. */
int profile_instance_of(const Profile *p, const char *basename, char **ret);

/* Whether PATH (absolute, inside the root) is a config file of P: its main
 * config, an instance file, or (a family with units) a service unit or
 * drop-in under /etc/systemd/system. The only files a backup may restore. */
bool profile_owns(const Profile *p, const char *path);

/* The service unit that PATH configures when it is a unit file or drop-in
 * of /etc/systemd/system ("memcached@11211.service" for
 * /etc/systemd/system/memcached@11211.service.d/50-memharden.conf), into
 * BUF of SIZE; else NULL. */
const char *profile_unit_of_path(const char *path, char *buf, size_t size);

/* The unit that runs INSTANCE (NULL: the main config): P's template unit
 * with the instance name after its '@', else P's unit. malloc()ed.
 * -EOPNOTSUPP for a profile that ships no unit. */
int profile_unit_name(const Profile *p, const char *instance, char **ret);

/* Whether memcached is installed in ROOT as far as P's files tell: P's
 * config file exists there (of any type: a directory in its place is an
 * error to report, not an absence), or memcached's binary does, where the
 * families' packages put it. 1 or 0, or a negative errno. A family whose
 * store is its units (arch) has no config file: its caller also asks
 * whether any unit was found. A NULL P asks of every family's files: for a
 * root whose family is unknown. */
int profile_memcached_installed(const Profile *p, const char *root);

/* "debian|rhel|suse|arch|alpine|gentoo", for messages. */
const char *profile_names(void);

/* Detects the profile from ROOT's os-release (ID, then each word of ID_LIKE),
 * falling back to /etc/debian_version, /etc/redhat-release,
 * /etc/alpine-release and /etc/gentoo-release. -EPROTONOSUPPORT when the
 * system is of none of these families; ret_id then still
 * names what was detected (malloc()ed, or NULL) so the message can name it. */
int profile_detect(const char *root, const Profile **ret, char **ret_id);
