/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "endpoints.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "listen.h"

/* memcached's atoi() of a port, with what atoi() leaves undefined (no
 * digits is 0; past int) and what cannot be bound (past 65535, below 0)
 * made -1. */
static int port_of(const char *s) {
        long v = 0;
        bool neg = false, digits = false;

        s += strspn(s, " \t\n\v\f\r");
        if (*s == '+' || *s == '-')
                neg = *s++ == '-';
        for (; *s >= '0' && *s <= '9'; s++) {
                digits = true;
                v = v * 10 + (*s - '0');
                if (v > 65535)
                        return -1;
        }
        if (!digits)
                return 0;
        return neg && v > 0 ? -1 : (int) v;
}

static int add_elements(Endpoints *e, size_t *cap, const char *value) {
        _cleanup_(listen_list_done) ListenList list = {};
        int r = listen_split(value, &list);

        if (r < 0)
                return r;
        for (size_t i = 0; i < list.n; i++) {
                const char *el = list.elements[i];
                ListenElement le;
                Listener *l;

                r = listen_element_parse(el, &le);
                if (r < 0)
                        return r;
                if (!GREEDY_REALLOC(e->listeners, *cap, e->n_listeners + 1))
                        return -ENOMEM;
                l = &e->listeners[e->n_listeners];
                *l = (Listener) { .host = strndup(el + le.host_start, le.host_len) };
                if (!l->host)
                        return -ENOMEM;
                if (le.port_len > 0) {
                        _cleanup_free_ char *port = strndup(el + le.port_start, le.port_len);
                        if (!port)
                                return -ENOMEM;
                        l->port = port_of(port);
                }
                e->n_listeners++;
        }
        return 0;
}

int endpoints_from_args(const Arg *args, size_t n_args, Endpoints *ret) {
        _cleanup_free_ const char **values = calloc(n_args ?: 1, sizeof *values);
        _cleanup_free_ bool *taken = calloc(n_args ?: 1, sizeof *taken);
        Endpoints e = { .tcp_port = MEMCACHED_DEFAULT_PORT };
        bool tcp_given = false, udp_given = false;
        size_t m = 0, cap = 0;
        int r = 0;

        if (!values || !taken)
                return -ENOMEM;
        for (size_t i = 0; i < n_args; i++) {
                const Arg *a = &args[i];

                if (!a->effective)
                        continue;
                if (a->letter == 'p' && a->value) {
                        e.tcp_port = port_of(a->value);
                        tcp_given = true;
                } else if (a->letter == 'U' && a->value) {
                        e.udp_port = port_of(a->value);
                        udp_given = true;
                }
                else if (a->letter == 's')
                        e.unix_socket = true;
                else if (a->letter == 'l')
                        values[m++] = a->value ?: "";
        }
        /* memcached 1.6: a UDP port without a TCP one is the TCP port too. */
        if (udp_given && e.udp_port != 0 && !tcp_given)
                e.tcp_port = e.udp_port;
        r = listen_taken(values, m, taken);
        for (size_t k = 0; r >= 0 && k < m; k++)
                if (taken[k])
                        r = add_elements(&e, &cap, values[k]);
        if (r < 0) {
                endpoints_done(&e);
                return r;
        }
        *ret = e;
        return 0;
}

void endpoints_done(Endpoints *e) {
        for (size_t i = 0; i < e->n_listeners; i++)
                free(e->listeners[i].host);
        free(e->listeners);
        *e = (Endpoints) {};
}

int endpoints_tcp_port(const Endpoints *e, const Listener *l) {
        return l && l->port != 0 ? l->port : e->tcp_port;
}

int endpoints_udp_port(const Endpoints *e, const Listener *l) {
        if (e->udp_port == 0)
                return 0;
        return l && l->port != 0 ? l->port : e->udp_port;
}
