/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The systemd units of a root that run memcached, read as systemd (and
 * `systemctl --root`) finds them: the fragment first in the unit search
 * path, then every drop-in in file name order, a name in an earlier
 * directory masking the same name in a later one. Every file is read inside
 * the root (rootfs.h) as hostile input. A Unit owns its sources; release
 * with unit_free(). Called by store_unit.c; calls rootfs.c and
 * unit_syntax.c only.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "unit_syntax.h"

/* The drop-in memharden writes where it may not edit a unit's own files. */
#define UNIT_DROPIN_NAME "50-memharden.conf"
#define UNIT_ADMIN_DIR "/etc/systemd/system"

typedef struct UnitSource {
        char *path;          /* inside the root */
        char *text;          /* as read; "" for memharden's drop-in while absent */
        struct stat st;
        bool exists;
        /* The admin's own file of this unit alone, edited in place: under
         * /etc/systemd/system and neither a template's file nor a drop-in
         * directory that other units share. */
        bool own;
        bool ours;           /* memharden's drop-in */
        UnitEntry *entries;  /* its [Service] entries */
        size_t n_entries;
} UnitSource;

typedef struct Unit {
        char *name;          /* "memcached@11211.service" */
        char *prefix;        /* "memcached" */
        char *instance;      /* "11211", or NULL */
        bool used;           /* enabled (a .wants/ or .requires/ link) or ran since boot */
        UnitSource *sources; /* the fragment, then the drop-ins in order (ours among them) */
        size_t n_sources;
} Unit;

void unit_free(Unit *u);
DEFINE_TRIVIAL_CLEANUP_FUNC(Unit *, unit_free);
void unit_list_free(Unit **v, size_t n);

/* Every service unit of ROOT that may run memcached: memcached.service,
 * memcached_*.service, instances of a template that are enabled (a link in
 * a .wants/ or .requires/ directory) or ran since boot (systemd's
 * /run/systemd/units/invocation:NAME), and any other service whose
 * fragment mentions memcached; masked units and templates themselves are
 * left out. Sorted by name. Which of them really runs memcached is the
 * caller's to judge from the command line. -EINVAL (RET_PATH, RET_LINE:
 * where) for a unit file systemd would not load either. */
int units_discover(const char *root, int root_fd, Unit ***ret, size_t *ret_n, char **ret_path, unsigned *ret_line);

/* Re-reads source I of U from TEXT (for a re-read of an edited text). */
int unit_source_set_text(UnitSource *s, const char *text, unsigned *ret_line);
