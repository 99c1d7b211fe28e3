/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The default targets of probe_targets.h. */
#include "probe_targets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "endpoints.h"
#include "verify_proc.h"
#include "verify_sockets.h"

typedef struct Targets {
        ProbeTarget *v;
        size_t n, cap;
        int ports[64];
        size_t n_ports;
} Targets;

static bool same_target(const ProbeTarget *a, const ProbeTarget *b) {
        return a->len == b->len && memcmp(&a->addr, &b->addr, a->len) == 0;
}

static int add(Targets *t, const ProbeTarget *x) {
        bool local;
        int r;

        for (size_t i = 0; i < t->n; i++)
                if (same_target(&t->v[i], x))
                        return 0;
        r = probe_is_local(x, &local);
        if (r < 0 || !local) /* not this host's: never a default target */
                return r;
        if (!GREEDY_REALLOC(t->v, t->cap, t->n + 1))
                return -ENOMEM;
        t->v[t->n++] = *x;
        return 0;
}

static void add_port(Targets *t, int port) {
        if (port <= 0 || port > 65535)
                return;
        for (size_t i = 0; i < t->n_ports; i++)
                if (t->ports[i] == port)
                        return;
        if (t->n_ports < ELEMENTSOF(t->ports))
                t->ports[t->n_ports++] = port;
}

/* A wildcard listens on every address of FAMILY (AF_UNSPEC: both): each
 * interface's, at PORT. */
static int add_every_address(Targets *t, int family, int port) {
        _cleanup_(freeifaddrsp) struct ifaddrs *list = NULL;

        if (getifaddrs(&list) < 0)
                return -errno;
        for (const struct ifaddrs *i = list; i; i = i->ifa_next) {
                ProbeTarget x = {};
                int r;

                if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6) ||
                    (family != AF_UNSPEC && i->ifa_addr->sa_family != family))
                        continue;
                /* Link-local IPv6 needs its interface named: loopback covers the host. */
                if (i->ifa_addr->sa_family == AF_INET6 &&
                    IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *) i->ifa_addr)->sin6_addr))
                        continue;
                x.len = i->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
                memcpy(&x.addr, i->ifa_addr, x.len);
                if (i->ifa_addr->sa_family == AF_INET)
                        ((struct sockaddr_in *) &x.addr)->sin_port = htons((uint16_t) port);
                else
                        ((struct sockaddr_in6 *) &x.addr)->sin6_port = htons((uint16_t) port);
                r = add(t, &x);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* HOST (a literal; a wildcard is every address here; a name is left out:
 * loopback stands in for it) at PORT. */
static int add_host(Targets *t, const char *host, int port) {
        ProbeTarget x;
        char s[INET6_ADDRSTRLEN + 2];

        if (port <= 0 || port > 65535)
                return 0;
        if (strcmp(host, "*") == 0)
                return add_every_address(t, AF_UNSPEC, port);
        if (strcmp(host, "0.0.0.0") == 0)
                return add_every_address(t, AF_INET, port);
        if (strcmp(host, "::") == 0)
                return add_every_address(t, AF_INET6, port);
        snprintf(s, sizeof s, strchr(host, ':') ? "[%s]" : "%s", host);
        if (probe_target_parse(s, port, &x) < 0)
                return 0;
        return add(t, &x);
}

static int from_config(Targets *t, const Config *config) {
        for (size_t i = 0; config && i < config->n_files; i++) {
                const ConfigFile *f = &config->files[i];
                Endpoints e;
                int r;

                if (endpoints_from_args(f->args, f->n_args, &e) < 0)
                        continue; /* memcached would not start on it: nothing listens */
                for (size_t k = 0; !e.unix_socket && k < e.n_listeners; k++) {
                        const Listener *l = &e.listeners[k];
                        int port = endpoints_udp_port(&e, l) ?: endpoints_tcp_port(&e, l);
                        r = add_host(t, l->host, port);
                        if (r < 0) {
                                endpoints_done(&e);
                                return r;
                        }
                        add_port(t, port);
                }
                if (!e.unix_socket && e.n_listeners == 0) {
                        add_port(t, e.udp_port ?: e.tcp_port);
                        r = add_host(t, "*", e.udp_port ?: e.tcp_port);
                        if (r < 0) {
                                endpoints_done(&e);
                                return r;
                        }
                }
                endpoints_done(&e);
        }
        return 0;
}

static int from_daemons(Targets *t) {
        _cleanup_free_ pid_t *pids = NULL;
        _cleanup_free_ VerifySocket *all = NULL, *socks = NULL;
        size_t n_pids = 0, n_all = 0, n = 0;
        int r;

        r = verify_find_pids(&pids, &n_pids);
        if (r < 0 || n_pids == 0)
                return r == -ENOENT ? 0 : r;
        r = verify_list_sockets(&all, &n_all);
        if (r < 0)
                return r;
        r = verify_owned_sockets(pids, n_pids, all, n_all, &socks, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                char host[INET6_ADDRSTRLEN];

                inet_ntop(socks[i].family, &socks[i].addr, host, sizeof host);
                r = add_host(t, host, socks[i].port);
                if (r < 0)
                        return r;
                add_port(t, socks[i].port);
        }
        return 0;
}

int probe_default_targets(const Config *config, ProbeTarget **ret, size_t *ret_n) {
        Targets t = {};
        int r;

        r = from_config(&t, config);
        if (r >= 0)
                r = from_daemons(&t);
        if (t.n_ports == 0)
                add_port(&t, MEMCACHED_DEFAULT_PORT);
        for (size_t i = 0; r >= 0 && i < t.n_ports; i++) {
                r = add_host(&t, "127.0.0.1", t.ports[i]);
                if (r >= 0)
                        r = add_host(&t, "::1", t.ports[i]);
        }
        if (r < 0) {
                free(t.v);
                return r;
        }
        *ret = t.v;
        *ret_n = t.n;
        return 0;
}

int probe_default_port(const Config *config) {
        for (size_t i = 0; config && i < config->n_files; i++) {
                const ConfigFile *f = &config->files[i];
                Endpoints e;
                int port;

                if (endpoints_from_args(f->args, f->n_args, &e) < 0)
                        continue;
                port = e.udp_port > 0 ? e.udp_port : e.tcp_port;
                endpoints_done(&e);
                if (port > 0)
                        return port;
        }
        return MEMCACHED_DEFAULT_PORT;
}
