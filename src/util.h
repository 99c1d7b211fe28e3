/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Small helpers shared by every module. All return 0 or a negative errno and
 * write through ret_* only on success; returned strings are malloc()ed and
 * owned by the caller.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Largest configuration file we read: memcached configs are a few hundred
 * bytes; anything near this is not a config file. */
#define CONFIG_SIZE_MAX (1024 * 1024)

/* strtol() that accepts only a whole decimal number within [min, max]. */
int safe_atol(const char *s, long min, long max, long *ret);

/* ROOT + PATH as one absolute path; ROOT NULL or "/" gives PATH itself. */
char *path_join(const char *root, const char *path);

/* Reads a regular file of the host whole (rootfs.h's root_read_file() on "/"). */
int read_config_file(const char *path, char **ret, size_t *ret_size);

bool streq_ptr(const char *a, const char *b);

/* NULL-terminated string vectors: freed with their strings (NULL is fine),
 * copied whole (NULL on OOM), compared from index FROM on. */
void strv_free(char **v);
char **strv_copy(char *const *v);
bool strv_equal_from(char *const *a, char *const *b, size_t from);

/* CLOCK_MONOTONIC in milliseconds, for deadlines and durations. */
long now_ms(void);

/* Lowercase hex SHA-256 of DATA into out[65]. */
void sha256_hex(const void *data, size_t size, char out[65]);
