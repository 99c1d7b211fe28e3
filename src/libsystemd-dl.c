/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "libsystemd-dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#include "cleanup.h"

#define DLSYM_DEFINE(f) typeof(f) *sym_##f = NULL;
LIBSYSTEMD_SYMBOLS(DLSYM_DEFINE)
#undef DLSYM_DEFINE

#define DLSYM_ENTRY(f) { #f, (void **) &sym_##f },
static const struct {
        const char *name;
        void **ptr;
} symbols[] = { LIBSYSTEMD_SYMBOLS(DLSYM_ENTRY) };
#undef DLSYM_ENTRY

int dlopen_libsystemd(const char **ret_why) {
        static int result = 1; /* not tried yet */
        static char why[256];
        void *dl, *found[ELEMENTSOF(symbols)];

        if (result == 1) {
                result = -EOPNOTSUPP;
                dl = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
                if (!dl)
                        snprintf(why, sizeof why, "%s", dlerror());
                /* All or nothing: a half-filled table would fail later, in
                 * the middle of a restart. */
                for (size_t i = 0; dl && i < ELEMENTSOF(symbols); i++)
                        if (!(found[i] = dlsym(dl, symbols[i].name))) {
                                snprintf(why, sizeof why, "%s", dlerror());
                                dlclose(dl);
                                dl = NULL;
                        }
                if (dl) {
                        for (size_t i = 0; i < ELEMENTSOF(symbols); i++)
                                *symbols[i].ptr = found[i];
                        result = 0;
                }
        }
        if (result < 0 && ret_why)
                *ret_why = why;
        return result;
}
