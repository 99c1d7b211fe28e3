/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A temp directory per test run (made and removed by the Check runner
 * process, so even a failed test leaves nothing behind) and a fresh
 * subdirectory per test in VAR. Register base_setup/base_teardown as an
 * unchecked fixture and call tmp_make()/tmp_remove() from the checked one.
 */

#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define TMPDIR_FIXTURE(VAR)                                                                  \
        static char base[] = "/tmp/memharden-unit-XXXXXX";                                  \
        static char VAR[PATH_MAX];                                                           \
        static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) { \
                (void) st, (void) flag, (void) ftw;                                          \
                return remove(path);                                                         \
        }                                                                                    \
        static void base_setup(void) {                                                       \
                ck_assert_ptr_nonnull(mkdtemp(base));                                        \
        }                                                                                    \
        static void base_teardown(void) {                                                    \
                (void) nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);                         \
        }                                                                                    \
        static void tmp_make(void) {                                                         \
                snprintf(VAR, sizeof VAR, "%s/XXXXXX", base);                                \
                ck_assert_ptr_nonnull(mkdtemp(VAR));                                         \
        }                                                                                    \
        static void tmp_remove(void) {                                                       \
                struct stat st_;                                                             \
                ck_assert_int_eq(nftw(VAR, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);            \
                ck_assert_int_eq(lstat(VAR, &st_), -1);                                      \
        }
