/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for libsystemd-dl.c: libsystemd is not loaded until asked for,
 * and then every symbol memharden uses is there. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check-main.h"
#include "cleanup.h"
#include "libsystemd-dl.h"

/* Whether libsystemd.so is mapped into this process. */
static bool libsystemd_mapped(void) {
        _cleanup_fclose_ FILE *f = fopen("/proc/self/maps", "re");
        char line[1024];
        bool found = false;

        ck_assert_ptr_nonnull(f);
        while (fgets(line, sizeof line, f))
                found = found || strstr(line, "/libsystemd.so.0") != NULL;
        return found;
}

START_TEST(test_loaded_on_demand) {
        const char *why = "unset";

        /* The core library must not pull it in at start-up. */
        ck_assert(!libsystemd_mapped());
        ck_assert_ptr_null(sym_sd_booted);

        ck_assert_int_eq(dlopen_libsystemd(&why), 0);
        ck_assert_str_eq(why, "unset"); /* untouched on success */
        ck_assert(libsystemd_mapped());
#define CHECK_SYMBOL(f) ck_assert_msg(sym_##f != NULL, "%s not loaded", #f);
        LIBSYSTEMD_SYMBOLS(CHECK_SYMBOL)
#undef CHECK_SYMBOL
        ck_assert_int_ge(sym_sd_booted(), 0);

        /* The first result is kept. */
        ck_assert_int_eq(dlopen_libsystemd(NULL), 0);
}
END_TEST

START_TEST(test_clean_up_before_load) {
        /* _cleanup_ helpers run on paths that return before the load. */
        sd_bus_error err = SD_BUS_ERROR_NULL;
        sd_bus *bus = NULL;
        sd_bus_message *m = NULL;
        sd_bus_slot *slot = NULL;

        ck_assert_ptr_null(sym_sd_bus_error_free);
        bus_error_freep(&err);
        bus_flush_close_unrefp(&bus);
        bus_message_unrefp(&m);
        bus_slot_unrefp(&slot);
}
END_TEST

static Suite *libsystemd_dl_suite(void) {
        Suite *s = suite_create("libsystemd-dl");
        TCase *tc = tcase_create("core");

        /* Each test forks, so each starts with nothing loaded. */
        tcase_add_test(tc, test_loaded_on_demand);
        tcase_add_test(tc, test_clean_up_before_load);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(libsystemd_dl_suite)
