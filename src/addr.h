/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Which listen addresses are safe. Pure functions, no allocation except
 * where a ret_ string is returned (owned by the caller). Shared by the policy
 * (addresses in the config) and the live check (addresses of sockets), so
 * both judge by one rule.
 */

#include <stdbool.h>
#include <stddef.h>

typedef enum AddrClass {
        ADDR_LOOPBACK,  /* 127.0.0.0/8, ::1, localhost */
        ADDR_PRIVATE,   /* 10/8, 172.16/12, 192.168/16, fc00::/7 */
        ADDR_WILDCARD,  /* 0.0.0.0, ::, * */
        ADDR_PUBLIC,    /* any other address */
        ADDR_HOSTNAME,  /* a name we will not resolve: unverifiable */
        ADDR_INVALID,
} AddrClass;

AddrClass addr_classify_host(const char *host);

/* FAMILY is AF_INET or AF_INET6; ADDR points to the in_addr/in6_addr. */
AddrClass addr_classify_raw(int family, const void *addr);

/* Loopback and private addresses are allowed; everything else is not. */
static inline bool addr_class_allowed(AddrClass c) {
        return c == ADDR_LOOPBACK || c == ADDR_PRIVATE;
}

const char *addr_class_to_string(AddrClass c);

/* memcached splits a -l value into elements at both of these. */
#define LISTEN_SEPARATORS ",;"

/* The host of one element of a memcached -l list, in the forms memcached
 * accepts: ADDR, ADDR:PORT, [V6], [V6]:PORT, V6, each optionally prefixed
 * with "notls:". -EINVAL for an element memcached would reject. */
int listen_element_host(const char *element, char **ret_host);
