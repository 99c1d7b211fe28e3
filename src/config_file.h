/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One config file in a Config: read inside the root, checked, parsed by
 * Augeas from the bytes read, and put back through its lens. Called by
 * config.c and by the stores' load(); calls rootfs.c and Augeas only.
 */

#include <stddef.h>

#include "config.h"
#include "error.h"

/* Reads PATH inside C's root and adds it as a file of C, parsed with the
 * profile's lens: the tree is the file by construction, never a fresh read
 * by Augeas of something else. INSTANCE: the instance it configures, or
 * NULL. Errors as config_open() describes them. */
int config_add_file(Config *c, const char *path, const char *instance, ErrorInfo *e);

/* The same for TEXT (SIZE bytes, copied) given instead of read: PATH only
 * names it. -EBADMSG for a control character, -EINVAL when it does not
 * parse. */
int config_add_text(Config *c, const char *path, const char *instance, const char *text, size_t size,
                    ErrorInfo *e);

/* Adds PATH as a file of C kept by store S, which read TEXT (copied) itself:
 * no lens parses it. ST is the file as read; NULL for a file that does not
 * exist yet (apply creates it). */
int config_add_store_file(Config *c, const struct ConfigStore *s, const char *path, const char *text,
                          const struct stat *st, ConfigFile **ret);

/* Adds the profile's per-instance configs (memcached_NAME.conf in its
 * instance directory) in file name order; none when it has no such
 * directory. */
int config_add_instances(Config *c, ErrorInfo *e);

/* F's tree put back through the profile's lens: its whole text. */
int config_put_file(Config *c, const ConfigFile *f, char **ret_text, ErrorInfo *e);

void config_file_done(ConfigFile *f);
void store_state_done(StoreState *s);

/* F's text as the lens sees it on load and on save. */
static inline const char *config_file_input(const ConfigFile *f) {
        return f->input ?: f->text;
}
