/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Scope-bound clean-up, in the style of systemd's macro.h: a variable marked
 * _cleanup_free_ (etc.) is released when it leaves scope, so early returns
 * cannot leak. TAKE_PTR()/TAKE_FD() hand ownership to the caller.
 */

#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd) {
        if (*fd >= 0) {
                int saved = errno; /* close() must not clobber the caller's errno */
                close(*fd);
                errno = saved;
        }
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Declares name##p() that calls func(*p) when *p is non-NULL. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)         \
        static inline void func##p(type *p) {           \
                if (*p)                                 \
                        func(*p);                       \
        }

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct ifaddrs *, freeifaddrs);

#define TAKE_PTR(p)                             \
        ({                                      \
                __typeof__(p) _tmp_ = (p);      \
                (p) = NULL;                     \
                _tmp_;                          \
        })

#define TAKE_FD(fd)                             \
        ({                                      \
                int _tmp_ = (fd);               \
                (fd) = -1;                      \
                _tmp_;                          \
        })

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
