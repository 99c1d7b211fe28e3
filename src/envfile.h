/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The two readers of a sysconfig file such as RHEL's /etc/sysconfig/memcached:
 * systemd's EnvironmentFile= (the unit, under systemd) and a shell sourcing
 * it (the init script, or OpenRC's openrc-run). Pure functions over the
 * file's assignments, for store_shellvar.c and store_confd.c; no I/O.
 *
 * systemd's parser (src/basic/env-file.c) expands nothing, so "$OPTIONS"
 * stays those eight characters, and takes "export NAME=" as an assignment
 * to the name "export NAME", which is no valid variable and is dropped. A
 * shell expands $NAME and ${NAME} inside double quotes from what it has
 * read so far, and honours export. The lens (memharden_sysconfig.aug) lets
 * through no other difference: no backslashes, no command substitution,
 * no unquoted blanks.
 */

#include <stdbool.h>
#include <stddef.h>

typedef struct EnvAssignment {
        const char *name;
        const char *value;  /* as the lens read it: unquoted, "" for none */
        bool export;        /* "export NAME=..." */
        unsigned line;
} EnvAssignment;

/* The value of each of the N assignments of V as a shell sourcing them in
 * order has it: $NAME and ${NAME} expanded from the assignments before it,
 * an unset name as empty. *RET: N malloc()ed strings, for
 * envfile_values_free(). */
int envfile_shell_values(const EnvAssignment *v, size_t n, char ***ret);
void envfile_values_free(char **values, size_t n);

/* What VAR ends up as for each reader: *RET_SYSTEMD and *RET_SHELL are
 * malloc()ed, NULL when that reader leaves VAR unset. */
int envfile_readings(const EnvAssignment *v, size_t n, const char *var, char **ret_systemd, char **ret_shell);

/* Whether the two readers give VAR different values, or VAR is assigned
 * with "export" anywhere (an edit of one assignment would then reach only
 * one reader). */
bool envfile_readers_differ(const EnvAssignment *v, size_t n, const char *var, const char *systemd,
                            const char *shell);
