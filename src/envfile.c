/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The readers of a shell-variable file (envfile.h): what systemd's
 * EnvironmentFile= and a shell sourcing it make of its assignments.
 */
#include "envfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "util.h"

/* The value the shell has for NAME (LEN bytes) after the first N of V. */
static const char *shell_lookup(char *const *values, const EnvAssignment *v, size_t n, const char *name,
                                size_t len) {
        for (size_t i = n; i > 0; i--)
                if (strlen(v[i - 1].name) == len && strncmp(v[i - 1].name, name, len) == 0)
                        return values[i - 1];
        return NULL;
}

/* VALUE with $NAME and ${NAME} replaced as sh does inside double quotes,
 * from the expanded VALUES of the first N assignments. */
static char *shell_expand(const char *value, char *const *values, const EnvAssignment *v, size_t n) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);

        if (!out)
                return NULL;
        for (const char *p = value; *p; ) {
                bool brace = p[0] == '$' && p[1] == '{';
                const char *name = p + 1 + brace;
                size_t len = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

                if (p[0] != '$' || len == 0 || (name[0] >= '0' && name[0] <= '9') || (brace && name[len] != '}')) {
                        fputc(*p++, out);
                        continue;
                }
                fputs(shell_lookup(values, v, n, name, len) ?: "", out);
                p = name + len + brace;
        }
        if (fclose(out) != 0)
                return NULL;
        return TAKE_PTR(buf);
}

void envfile_values_free(char **values, size_t n) {
        for (size_t i = 0; values && i < n; i++)
                free(values[i]);
        free(values);
}

int envfile_shell_values(const EnvAssignment *v, size_t n, char ***ret) {
        char **values = calloc(n ?: 1, sizeof *values);

        if (!values)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (!(values[i] = shell_expand(v[i].value, values, v, i))) {
                        envfile_values_free(values, i);
                        return -ENOMEM;
                }
        *ret = values;
        return 0;
}

int envfile_readings(const EnvAssignment *v, size_t n, const char *var, char **ret_systemd, char **ret_shell) {
        const char *systemd = NULL, *shell = NULL;
        char **values = NULL, *a = NULL, *b = NULL;
        int r;

        r = envfile_shell_values(v, n, &values);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (streq_ptr(v[i].name, var)) {
                        shell = values[i];
                        if (!v[i].export)
                                systemd = v[i].value;
                }
        if ((systemd && !(a = strdup(systemd))) || (shell && !(b = strdup(shell)))) {
                free(a);
                r = -ENOMEM;
        }
        envfile_values_free(values, n);
        if (r < 0)
                return r;
        *ret_systemd = a;
        *ret_shell = b;
        return 0;
}

bool envfile_readers_differ(const EnvAssignment *v, size_t n, const char *var, const char *systemd,
                            const char *shell) {
        for (size_t i = 0; i < n; i++)
                if (v[i].export && streq_ptr(v[i].name, var))
                        return true;
        return !streq_ptr(systemd, shell);
}
