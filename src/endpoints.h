/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Where memcached listens, as its effective options say: the TCP and UDP
 * ports and the listener elements it takes, read the way memcached 1.6.18
 * reads -p, -U, -l and -s (memcached.c: atoi() for the ports, a -U without
 * -p setting both, the -l list with its substring rule, server_sockets()
 * for an element's own port, no network at all with -s). A pure function of the options, no I/O and no
 * name resolution. The probe and the firewall layer take their targets and
 * ports from it; which addresses are safe stays addr.h's.
 */

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

#define MEMCACHED_DEFAULT_PORT 11211

typedef struct Listener {
        char *host;  /* as the element names it: a literal, a host name, or "*" */
        int port;    /* the element's own port, or 0: memcached's -p (TCP) and -U (UDP) */
} Listener;

typedef struct Endpoints {
        int tcp_port;        /* -p; 11211 without one; 0: no TCP listener; -1: a value memcached cannot bind */
        int udp_port;        /* -U; 0 (off) without one, as since memcached 1.5.6; -1 as above */
        Listener *listeners; /* the -l elements memcached takes, in order */
        size_t n_listeners;  /* 0: no -l, every interface */
        bool unix_socket;    /* -s: a unix socket and no network listener at all */
} Endpoints;

/* RET from ARGS' effective options. -EINVAL for a -l element memcached
 * refuses to start with (listen.h), -ENOMEM. */
int endpoints_from_args(const Arg *args, size_t n_args, Endpoints *ret);
void endpoints_done(Endpoints *e);

/* The TCP and UDP port listener L binds (UDP 0: none). */
int endpoints_tcp_port(const Endpoints *e, const Listener *l);
int endpoints_udp_port(const Endpoints *e, const Listener *l);
