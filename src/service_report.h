/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the restart and verify stages found out about one daemon: the
 * ServiceReport, and its JSON and text forms. Filled by service.c, the
 * service_*.c backends and verify.c; rendered by report.c. It calls nothing
 * of theirs, so every stage can share it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct json_object;
struct ServiceManagerOps;

/* What the live check concluded. */
typedef enum LiveState {
        LIVE_UNKNOWN,           /* not checked, or no daemon runs */
        LIVE_HARDENED,          /* no UDP socket, every listener allowed (or a unix socket only) */
        LIVE_EXPOSED,           /* a UDP socket or port, or a listener on a disallowed address */
        LIVE_UNVERIFIED,        /* a daemon runs, but none of its sockets could be found */
} LiveState;

/* "hardened", "exposed", "unverified"; NULL for LIVE_UNKNOWN. */
const char *live_state_to_string(LiveState s);

/* The manager's name, "systemd", "openrc", "sysv"; "none" for NULL. */
const char *service_manager_to_string(const struct ServiceManagerOps *m);

typedef struct ServiceReport {
        const struct ServiceManagerOps *manager; /* service_manager.h; NULL = none */
        char *unit;                  /* "memcached.service", "memcached@a.service", or the init script */
        bool restarted;              /* a restart was performed and succeeded */
        bool was_active;             /* running before we did anything */
        bool active;                 /* running afterwards (or now, for service_live_state) */
        bool need_reload;            /* systemd: the unit's files changed since it read them */
        char **exec_argv;            /* systemd: the ExecStart= it holds (specifiers resolved), NULL-terminated */
        char *active_state, *sub_state, *result; /* systemd only, else NULL */
        pid_t main_pid_before, main_pid_after;   /* 0 = none/unknown */
        long udp_sockets;            /* -1 = not checked */
        char **listeners;            /* TCP listeners, "127.0.0.1:11211", "[::1]:11211" */
        size_t n_listeners;
        char **bad_listeners;        /* the subset not on a loopback/private address */
        size_t n_bad_listeners;
        long stats_udpport;          /* from `stats settings`, -1 unknown */
        char *stats_inter;           /* from `stats settings`, NULL unknown */
        long cache_items, cache_bytes; /* from `stats`: curr_items and bytes, -1 unknown */
        bool verified;               /* the socket check ran and found the daemon's sockets */
        bool live_hardened;          /* verified, no UDP socket, every listener allowed */
        LiveState live_state;        /* the same, with "could not verify" told apart */
        bool unix_socket;            /* the daemon listens on a unix socket (-s) and on no network */
        long restart_ms;             /* how long the restart took (stop to started), -1 if none */
        char *message;               /* notes for the user, "; "-separated */
        char *output;                /* captured init script / invoke-rc.d output */
} ServiceReport;

void service_report_done(ServiceReport *r);

/* Releases what R holds and starts it over for manager M, every measured
 * value "unknown" (-1). */
void service_report_init(ServiceReport *r, const struct ServiceManagerOps *m);

/* Sets R's live_state, and verified and live_hardened with it: the three
 * ways of saying it stay in step. */
void service_report_set_live(ServiceReport *r, LiveState state);

/* Releases the listener lists, for the socket check to fill them anew. */
void service_report_clear_listeners(ServiceReport *r);

/* Appends a note to r->message ("; "-separated). */
int service_report_note(ServiceReport *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* New reference: {"manager","unit","restarted","was_active","active",
 * "active_state","sub_state","result","main_pid_before","main_pid_after",
 * "udp_sockets","listeners":[...],"bad_listeners":[...],"stats_udpport",
 * "stats_inter","cache_items","cache_bytes","verified","live_hardened","live_state","unix_socket",
 * "restart_ms","message","output"}; unknown values are null. NULL on OOM. */
struct json_object *service_report_to_json(const ServiceReport *r);

/* A few human-readable lines. */
void service_report_print(FILE *f, const ServiceReport *r);
