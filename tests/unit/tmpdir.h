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
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* TEXT as the file PATH inside VAR, and the directory PATH inside VAR (its
 * parent must exist): the roots the store tests build. */
#define TMPDIR_FILES(VAR)                                                                    \
        static void put(const char *path, const char *text) {                                \
                char p_[PATH_MAX];                                                           \
                int fd_;                                                                     \
                snprintf(p_, sizeof p_, "%s%s", VAR, path);                                  \
                fd_ = open(p_, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);               \
                ck_assert_int_ge(fd_, 0);                                                    \
                ck_assert_int_eq(write(fd_, text, strlen(text)), (ssize_t) strlen(text));     \
                close(fd_);                                                                  \
        }                                                                                    \
        static void mkdir_in_root(const char *path) {                                        \
                char p_[PATH_MAX];                                                           \
                snprintf(p_, sizeof p_, "%s%s", VAR, path);                                  \
                ck_assert_int_eq(mkdir(p_, 0755), 0);                                        \
        }
