/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Growable arrays, after systemd's GREEDY_REALLOC(): the caller owns the
 * array and its capacity; GREEDY_REALLOC(v, cap, need) makes room for NEED
 * elements, doubling, and returns NULL (leaving V and CAP as they were) when
 * memory runs out.
 */

#include <stddef.h>
#include <stdlib.h>

static inline void *greedy_realloc(void **p, size_t *cap, size_t need, size_t size) {
        size_t n;
        void *q;

        if (need <= *cap)
                return *p;
        n = *cap > 0 ? *cap : 8;
        while (n < need)
                if (__builtin_mul_overflow(n, 2, &n))
                        return NULL;
        q = reallocarray(*p, n, size);
        if (!q)
                return NULL;
        *p = q;
        *cap = n;
        return q;
}

#define GREEDY_REALLOC(array, cap, need) \
        greedy_realloc((void **) &(array), &(cap), (need), sizeof((array)[0]))
