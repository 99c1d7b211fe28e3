/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "rootfs.h"

int safe_atol(const char *s, long min, long max, long *ret) {
        char *end;
        long v;

        if (!s || *s == '\0' || *s == ' ' || *s == '\t' || *s == '+')
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end != '\0')
                return -EINVAL;
        if (v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}

long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

char *path_join(const char *root, const char *path) {
        char *p;

        if (!root || root[0] == '\0' || (root[0] == '/' && root[1] == '\0'))
                return strdup(path);
        size_t rl = strlen(root);
        while (rl > 1 && root[rl - 1] == '/')
                rl--;
        while (*path == '/')
                path++;
        if (asprintf(&p, "%.*s/%s", (int) rl, root, path) < 0)
                return NULL;
        return p;
}

int read_config_file(const char *path, char **ret, size_t *ret_size) {
        return root_read_file(NULL, path, ret, ret_size, NULL);
}

void sha256_hex(const void *data, size_t size, char out[65]) {
        SHA2_CTX ctx;
        uint8_t digest[SHA256_DIGEST_LENGTH];

        SHA256Init(&ctx);
        SHA256Update(&ctx, data, size);
        SHA256Final(digest, &ctx);
        for (size_t i = 0; i < sizeof digest; i++)
                snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

void strv_free(char **v) {
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
}

char **strv_copy(char *const *v) {
        size_t n = 0;
        char **c;

        while (v[n])
                n++;
        c = calloc(n + 1, sizeof *c);
        for (size_t i = 0; c && i < n; i++)
                if (!(c[i] = strdup(v[i]))) {
                        strv_free(c);
                        return NULL;
                }
        return c;
}

bool strv_equal_from(char *const *a, char *const *b, size_t from) {
        size_t i = 0;

        for (; i < from; i++)
                if (!a[i] || !b[i])
                        return !a[i] && !b[i];
        for (; a[i] && b[i]; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return !a[i] && !b[i];
}
