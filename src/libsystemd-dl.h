/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * libsystemd, opened on first use, as systemd itself opens its optional
 * libraries. Only the systemd side of service.h needs it; linked as usual,
 * libsystemd and the six libraries it pulls in would be loaded by every
 * run, `check --root` in a package script included, at about a tenth of
 * that run's time.
 *
 * The sym_* pointers are NULL until dlopen_libsystemd() has returned 0,
 * then valid until exit (the library is never closed).
 */

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

/* Every libsystemd function memharden calls, as X(name) entries. */
#define LIBSYSTEMD_SYMBOLS(X)                                                   \
        X(sd_booted) X(sd_bus_call_method) X(sd_bus_error_free)                 \
        X(sd_bus_flush_close_unref) X(sd_bus_get_property_string)               \
        X(sd_bus_get_property_trivial) X(sd_bus_match_signal)                   \
        X(sd_bus_message_read) X(sd_bus_message_unref) X(sd_bus_new)            \
        X(sd_bus_open_system) X(sd_bus_process) X(sd_bus_set_address)           \
        X(sd_bus_slot_unref) X(sd_bus_start) X(sd_bus_wait)                     \
        X(sd_bus_get_property) X(sd_bus_message_enter_container)                \
        X(sd_bus_message_read_strv)

#define DLSYM_DECLARE(f) extern typeof(f) *sym_##f;
LIBSYSTEMD_SYMBOLS(DLSYM_DECLARE)
#undef DLSYM_DECLARE

/* 0 once libsystemd.so.0 and every symbol above are loaded; -EOPNOTSUPP
 * when not, with the loader's message in *ret_why (static storage). The
 * first call's result is kept. */
int dlopen_libsystemd(const char **ret_why);

/* Clean-up for _cleanup_(), safe before a successful load. */
static inline void bus_error_freep(sd_bus_error *e) {
        if (sym_sd_bus_error_free)
                sym_sd_bus_error_free(e);
}
static inline void bus_flush_close_unrefp(sd_bus **b) {
        if (*b)
                sym_sd_bus_flush_close_unref(*b);
}
static inline void bus_message_unrefp(sd_bus_message **m) {
        if (*m)
                sym_sd_bus_message_unref(*m);
}
static inline void bus_slot_unrefp(sd_bus_slot **s) {
        if (*s)
                sym_sd_bus_slot_unref(*s);
}
