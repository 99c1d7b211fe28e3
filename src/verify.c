/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The judging of the live daemon of verify.h. */
#include "verify.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cleanup.h"
#include "util.h"

/* How long a freshly started daemon gets to open its sockets and answer. */
#define READY_TIMEOUT_MS 5000
#define STATS_TIMEOUT_MS 2000

void verify_judge(const VerifySocket *s, size_t n, size_t *ret_udp, size_t *ret_bad_tcp) {
        size_t udp = 0, bad = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i].protocol == IPPROTO_UDP)
                        udp++;
                else if (!addr_class_allowed(addr_classify_raw(s[i].family, &s[i].addr)))
                        bad++;
        }
        *ret_udp = udp;
        *ret_bad_tcp = bad;
}

int verify_daemon_pids(pid_t main, pid_t **ret, size_t *ret_n) {
        if (main > 0) {
                pid_t *p = malloc(sizeof *p);
                if (!p)
                        return -ENOMEM;
                p[0] = main;
                *ret = p;
                *ret_n = 1;
                return 0;
        }
        return verify_find_pids(ret, ret_n);
}

/* The sockets PIDS hold. When there are none: whether they listen on a unix
 * socket, and whether any of them still runs. */
static int find_sockets(const pid_t *pids, size_t n_pids, VerifySocket **ret, size_t *ret_n, bool *ret_unix,
                        bool *ret_alive) {
        _cleanup_free_ VerifySocket *all = NULL, *socks = NULL;
        size_t n_all = 0, n = 0;
        bool unix_listener = false, alive = false;
        int k;

        /* The kernel's few listeners and UDP sockets first, then which of
         * them the daemon holds: cheap however many clients are connected. */
        k = verify_list_sockets(&all, &n_all);
        if (k < 0)
                return k;
        k = verify_owned_sockets(pids, n_pids, all, n_all, &socks, &n);
        if (k < 0)
                return k;
        /* No network socket at all is right only for a daemon on a unix
         * socket (-s). Any other one holds sockets this check cannot see
         * (another network namespace, unreadable fds), and a daemon that
         * cannot be seen must not pass for hardened. */
        if (n == 0) {
                k = verify_holds_unix_listener(pids, n_pids, &unix_listener);
                if (k < 0)
                        return k;
                for (size_t i = 0; i < n_pids && !alive; i++)
                        alive = verify_pid_alive(pids[i]);
        }

        *ret = TAKE_PTR(socks);
        *ret_n = n;
        *ret_unix = unix_listener;
        *ret_alive = alive;
        return 0;
}

/* The TCP listeners of SOCKS into R, as strings; BAD of them on an address
 * that is not allowed, into bad_listeners too. */
static int report_listeners(ServiceReport *r, const VerifySocket *socks, size_t n, size_t udp, size_t bad) {
        service_report_clear_listeners(r);
        r->listeners = calloc(n - udp + 1, sizeof(char *));
        r->bad_listeners = calloc(bad + 1, sizeof(char *));
        if (!r->listeners || !r->bad_listeners)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char *s;

                if (socks[i].protocol != IPPROTO_TCP)
                        continue;
                s = verify_socket_to_string(&socks[i]);
                if (!s)
                        return -ENOMEM;
                r->listeners[r->n_listeners++] = s;
                if (!addr_class_allowed(addr_classify_raw(socks[i].family, &socks[i].addr))) {
                        r->bad_listeners[r->n_bad_listeners] = strdup(s);
                        if (!r->bad_listeners[r->n_bad_listeners])
                                return -ENOMEM;
                        r->n_bad_listeners++;
                }
        }
        return 0;
}

int verify_inspect_sockets(const pid_t *pids, size_t n_pids, ServiceReport *r,
                           VerifySocket **ret_sockets, size_t *ret_n) {
        _cleanup_free_ VerifySocket *socks = NULL;
        size_t n = 0, udp = 0, bad = 0;
        bool unix_listener = false, alive = false;
        int k;

        k = find_sockets(pids, n_pids, &socks, &n, &unix_listener, &alive);
        if (k < 0)
                return k;
        verify_judge(socks, n, &udp, &bad);
        k = report_listeners(r, socks, n, udp, bad);
        if (k < 0)
                return k;
        r->unix_socket = unix_listener;
        if (n == 0 && !unix_listener) {
                r->udp_sockets = -1; /* not "none": unknown */
                service_report_set_live(r, alive ? LIVE_UNVERIFIED : LIVE_UNKNOWN);
        } else {
                r->udp_sockets = (long) udp;
                service_report_set_live(r, udp == 0 && bad == 0 ? LIVE_HARDENED : LIVE_EXPOSED);
        }

        if (ret_sockets)
                *ret_sockets = TAKE_PTR(socks);
        if (ret_n)
                *ret_n = n;
        return 0;
}

/* Asks the daemon for its settings. Its own word counts too: a UDP port in
 * its settings means UDP is on somewhere. */
static int read_settings(const VerifySocket *socks, size_t n, ServiceReport *r) {
        _cleanup_free_ char *inter = NULL;
        long udpport = -1;
        int k;

        k = verify_query_stats(socks, n, STATS_TIMEOUT_MS, &udpport, &inter);
        if (k < 0)
                return k;
        r->stats_udpport = udpport;
        free(r->stats_inter);
        r->stats_inter = TAKE_PTR(inter);
        /* What a restart would drop; not knowing it judges nothing. */
        if (verify_query_cache(socks, n, STATS_TIMEOUT_MS, &r->cache_items, &r->cache_bytes) < 0)
                r->cache_items = r->cache_bytes = -1;
        if (udpport > 0)
                service_report_set_live(r, LIVE_EXPOSED);
        return 0;
}

/* One look at the daemon: 1 when it is judged (nothing runs, a unix socket
 * only, or it told its settings), 0 when it did not answer (yet). */
static int look(pid_t main, ServiceReport *r) {
        _cleanup_free_ pid_t *pids = NULL;
        _cleanup_free_ VerifySocket *socks = NULL;
        size_t n_pids = 0, n = 0;
        int k;

        k = verify_daemon_pids(main, &pids, &n_pids);
        if (k < 0)
                return k;
        if (n_pids == 0) {
                service_report_set_live(r, LIVE_UNKNOWN); /* nothing runs: nothing to judge */
                return 1;
        }
        k = verify_inspect_sockets(pids, n_pids, r, &socks, &n);
        if (k < 0)
                return k;
        if (r->unix_socket)
                return 1; /* no TCP listener to ask */
        return read_settings(socks, n, r) >= 0;
}

/* After a restart the daemon may still be setting up: it answers `stats
 * settings` only after all its sockets exist, so the looks go on until it
 * does, at most READY_TIMEOUT_MS. */
int verify_live(pid_t main, bool wait_ready, ServiceReport *r) {
        long deadline = now_ms() + (wait_ready ? READY_TIMEOUT_MS : 0);
        int k;

        for (;;) {
                k = look(main, r);
                if (k != 0)
                        return k < 0 ? k : 0;
                if (now_ms() >= deadline || (main > 0 && !verify_pid_alive(main)))
                        break; /* judged on the sockets alone */
                usleep(50 * 1000);
        }

        if (r->live_state != LIVE_UNVERIFIED)
                return 0;
        if (main > 0)
                return service_report_note(r, "no TCP listener, UDP socket or unix socket of memcached (pid %d) "
                                           "was found, so its exposure could not be verified",
                                           (int) main);
        return service_report_note(r, "no TCP listener, UDP socket or unix socket of the running memcached "
                                   "processes was found, so their exposure could not be verified");
}

int verify_fail(const ServiceReport *r, ErrorInfo *e) {
        char detail[400] = "";
        size_t n = 0;

        if (r->live_state == LIVE_UNVERIFIED)
                n += (size_t) snprintf(detail + n, sizeof detail - n,
                                       "none of the daemon's sockets could be found, so it cannot be verified");
        else if (r->live_state == LIVE_UNKNOWN)
                n += (size_t) snprintf(detail + n, sizeof detail - n, "no memcached process was found to verify");
        else if (r->udp_sockets > 0)
                n += (size_t) snprintf(detail + n, sizeof detail - n, "%ld UDP socket%s open", r->udp_sockets,
                                       r->udp_sockets == 1 ? "" : "s");
        else if (r->stats_udpport > 0)
                n += (size_t) snprintf(detail + n, sizeof detail - n, "stats settings report udpport %ld",
                                       r->stats_udpport);
        for (size_t i = 0; i < r->n_bad_listeners && n < sizeof detail - 64; i++)
                n += (size_t) snprintf(detail + n, sizeof detail - n, "%s%s %s", n ? "; " : "",
                                       i == 0 ? "listening on" : "and", r->bad_listeners[i]);
        return error_set(e, -EPROTO, "verify", r->unit ?: "memcached", 0,
                         "the running daemon does not use the new settings", "%s",
                         detail[0] ? detail : "daemon is not hardened");
}
