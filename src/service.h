/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Restarting memcached and verifying the live daemon (the service/verify
 * part: service.c dispatches and reports, service_systemd.c talks to systemd
 * over D-Bus, service_sysv.c runs the init script, verify.c inspects the
 * daemon). The command layer calls only the functions in the first half of
 * this header; the second half is shared by the service_*.c files.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"
#include "profile.h"

struct json_object;
struct VerifySocket;

typedef enum ServiceManager {
        MANAGER_NONE,
        MANAGER_SYSTEMD,
        MANAGER_SYSV,
} ServiceManager;

/* "none", "systemd", "sysv". */
const char *service_manager_to_string(ServiceManager m);

/* NONE when ROOT is set and not "/" (another system's files: never touch
 * this host's daemon); SYSTEMD when sd_booted() > 0; SYSV when the
 * profile's init script exists; else NONE. Uses the Debian init script
 * path, which both profiles share. */
ServiceManager service_manager_detect(const char *root);

typedef struct ServiceOptions {
        unsigned timeout_sec; /* for the restart job; 0 means the default, 90 */
} ServiceOptions;

#define SERVICE_TIMEOUT_DEFAULT 90u

/* What the live check concluded. */
typedef enum LiveState {
        LIVE_UNKNOWN,           /* not checked, or no daemon runs */
        LIVE_HARDENED,          /* no UDP socket, every listener allowed (or a unix socket only) */
        LIVE_EXPOSED,           /* a UDP socket or port, or a listener on a disallowed address */
        LIVE_UNVERIFIED,        /* a daemon runs, but none of its sockets could be found */
} LiveState;

/* "hardened", "exposed", "unverified"; NULL for LIVE_UNKNOWN. */
const char *live_state_to_string(LiveState s);

typedef struct ServiceReport {
        ServiceManager manager;
        char *unit;                  /* "memcached.service", "memcached@a.service", or the init script */
        bool restarted;              /* a restart was performed and succeeded */
        bool was_active;             /* running before we did anything */
        bool active;                 /* running afterwards (or now, for service_live_state) */
        char *active_state, *sub_state, *result; /* systemd only, else NULL */
        pid_t main_pid_before, main_pid_after;   /* 0 = none/unknown */
        long udp_sockets;            /* -1 = not checked */
        char **listeners;            /* TCP listeners, "127.0.0.1:11211", "[::1]:11211" */
        size_t n_listeners;
        char **bad_listeners;        /* the subset not on a loopback/private address */
        size_t n_bad_listeners;
        long stats_udpport;          /* from `stats settings`, -1 unknown */
        char *stats_inter;           /* from `stats settings`, NULL unknown */
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
void service_report_init(ServiceReport *r, ServiceManager m);

/* New reference: {"manager","unit","restarted","was_active","active",
 * "active_state","sub_state","result","main_pid_before","main_pid_after",
 * "udp_sockets","listeners":[...],"bad_listeners":[...],"stats_udpport",
 * "stats_inter","verified","live_hardened","live_state","unix_socket",
 * "restart_ms","message","output"}; unknown values are null. NULL on OOM. */
struct json_object *service_report_to_json(const ServiceReport *r);

/* A few human-readable lines. */
void service_report_print(FILE *f, const ServiceReport *r);

/* After apply saved the config of INSTANCE (NULL = main config): restart if
 * running (a stopped memcached stays stopped, and the message says so), then
 * verify. EXPECT_HARDENED: no UDP socket and every TCP listener on an allowed
 * address; otherwise (after a rollback) only that the daemon is running
 * again if it was before. 0 also when nothing could or should be restarted
 * (see report->message). A negative errno and E when the restart failed, the
 * daemon is not running afterwards, or the verification failed. REPORT is
 * filled in every case and must be released with service_report_done(). */
int service_restart_verify(const Profile *p, const char *root, const char *instance,
                           const ServiceOptions *o, bool expect_hardened,
                           ServiceReport *report, ErrorInfo *e);

/* The live state without changing anything (active, main pid, sockets,
 * stats settings); 0 also when memcached is not running (active=false). */
int service_live_state(const Profile *p, const char *root, const char *instance,
                       ServiceReport *report, ErrorInfo *e);

/* ---- shared by service*.c (and the unit test), not by the command layer ---- */

/* Appends a note to r->message ("; "-separated). */
int service_report_note(ServiceReport *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs ARGV (argv[0] an absolute path) with a fixed clean environment,
 * stdin /dev/null, stdout+stderr captured (bounded) into *ret_output.
 * *ret_status is the exit status, or 128+signal. Kills the child after
 * TIMEOUT_SEC. */
int service_spawn(char *const argv[], unsigned timeout_sec, int *ret_status, char **ret_output);

typedef enum ServiceAction {
        SERVICE_READ,           /* only read the state */
        SERVICE_TRY_RESTART,    /* restart if running; a stopped daemon stays stopped */
        SERVICE_RESTART,        /* (re)start even if stopped or failed: the restore after a failed attempt */
} ServiceAction;

/* systemd: fills report->unit, was_active, active, the states and PIDs, and
 * performs ACTION. Returns 0 with a note when the unit is missing or masked
 * or nothing needed restarting; a negative errno and E when the job failed
 * or the unit is not active after a restart. */
int service_systemd_run(const Profile *p, const char *instance, const ServiceOptions *o,
                        ServiceAction action, ServiceReport *report, ErrorInfo *e);

/* SysV: the same through invoke-rc.d or the init script. */
int service_sysv_run(const Profile *p, const char *instance, const ServiceOptions *o,
                     ServiceAction action, ServiceReport *report, ErrorInfo *e);

/* The memcached PIDs whose sockets to inspect: MAIN if non-zero, else all
 * memcached processes. */
int service_daemon_pids(pid_t main, pid_t **ret, size_t *ret_n);

/* One look at the sockets of PIDS, judged into R (live_state, verified,
 * live_hardened, udp_sockets, listeners, unix_socket). Running daemons none
 * of whose sockets is found are LIVE_UNVERIFIED, never hardened. The
 * daemon's sockets go to *RET_SOCKETS (may be NULL). */
int service_inspect_sockets(const pid_t *pids, size_t n_pids, ServiceReport *r,
                            struct VerifySocket **ret_sockets, size_t *ret_n);
