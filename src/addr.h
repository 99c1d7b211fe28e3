/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Which listen addresses are safe. Pure functions, no allocation. Shared by
 * the policy (addresses in the config), the resolve stage (which hosts are
 * names) and the live check (addresses of sockets), so all judge by one
 * rule. How a -l value splits into hosts is listen.h's.
 */

#include <stdbool.h>
#include <stddef.h>

typedef enum AddrClass {
        ADDR_LOOPBACK,  /* 127.0.0.0/8, ::1, localhost */
        ADDR_PRIVATE,   /* 10/8, 172.16/12, 192.168/16, fc00::/7 */
        ADDR_WILDCARD,  /* 0.0.0.0, ::, * */
        ADDR_PUBLIC,    /* any other address */
        ADDR_HOSTNAME,  /* a host name: judged by what it resolves to (resolve.h) */
        ADDR_INVALID,
} AddrClass;

/* An address literal as inet_pton() reads it, "*" (every interface),
 * "localhost" (loopback, never resolved), or a host name of letters,
 * digits, '.', '-' and '_'; anything else is ADDR_INVALID. */
AddrClass addr_classify_host(const char *host);

/* FAMILY is AF_INET or AF_INET6; ADDR points to the in_addr/in6_addr. */
AddrClass addr_classify_raw(int family, const void *addr);

/* Loopback and private addresses are allowed; everything else is not. */
static inline bool addr_class_allowed(AddrClass c) {
        return c == ADDR_LOOPBACK || c == ADDR_PRIVATE;
}

const char *addr_class_to_string(AddrClass c);
