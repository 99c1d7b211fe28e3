/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The main() of every unit test binary: runs the suite SUITE_FN() returns,
 * each test in a child process of its own (a crash fails one test, and no
 * test sees another's state), and exits 1 when any test failed.
 */

#include <check.h>

#define CHECK_MAIN(SUITE_FN)                                    \
        int main(void) {                                        \
                SRunner *sr = srunner_create(SUITE_FN());       \
                int failed;                                     \
                                                                \
                srunner_set_fork_status(sr, CK_FORK);           \
                srunner_run_all(sr, CK_NORMAL);                 \
                failed = srunner_ntests_failed(sr);             \
                srunner_free(sr);                               \
                return failed ? 1 : 0;                          \
        }
