/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"

/* IPv4 networks in host byte order: address, prefix length, class. */
static const struct {
        uint32_t net;
        unsigned prefix;
        AddrClass cls;
} v4_nets[] = {
        { 0x7F000000u, 8, ADDR_LOOPBACK },   /* 127.0.0.0/8 */
        { 0x0A000000u, 8, ADDR_PRIVATE },    /* 10.0.0.0/8 */
        { 0xAC100000u, 12, ADDR_PRIVATE },   /* 172.16.0.0/12 */
        { 0xC0A80000u, 16, ADDR_PRIVATE },   /* 192.168.0.0/16 */
        { 0x00000000u, 32, ADDR_WILDCARD },  /* 0.0.0.0 */
};

static AddrClass classify_v4(const struct in_addr *a) {
        uint32_t h = ntohl(a->s_addr);
        for (size_t i = 0; i < ELEMENTSOF(v4_nets); i++) {
                uint32_t mask = v4_nets[i].prefix == 0 ? 0 : ~0u << (32 - v4_nets[i].prefix);
                if ((h & mask) == v4_nets[i].net)
                        return v4_nets[i].cls;
        }
        return ADDR_PUBLIC;
}

static AddrClass classify_v6(const struct in6_addr *a) {
        if (IN6_IS_ADDR_LOOPBACK(a))
                return ADDR_LOOPBACK;
        if (IN6_IS_ADDR_UNSPECIFIED(a))
                return ADDR_WILDCARD;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
                struct in_addr v4;
                memcpy(&v4, &a->s6_addr[12], sizeof v4);
                return classify_v4(&v4);
        }
        if ((a->s6_addr[0] & 0xFE) == 0xFC) /* fc00::/7, unique local */
                return ADDR_PRIVATE;
        return ADDR_PUBLIC;
}

AddrClass addr_classify_raw(int family, const void *addr) {
        if (family == AF_INET)
                return classify_v4(addr);
        if (family == AF_INET6)
                return classify_v6(addr);
        return ADDR_INVALID;
}

AddrClass addr_classify_host(const char *host) {
        struct in_addr v4;
        struct in6_addr v6;

        if (!host || !*host)
                return ADDR_INVALID;
        if (strcmp(host, "*") == 0) /* memcached binds every interface for "*" */
                return ADDR_WILDCARD;
        if (inet_pton(AF_INET, host, &v4) == 1)
                return classify_v4(&v4);
        if (inet_pton(AF_INET6, host, &v6) == 1)
                return classify_v6(&v6);
        /* The loopback name keeps its meaning; other names are judged by
         * what they resolve to (resolve.h). */
        if (strcasecmp(host, "localhost") == 0)
                return ADDR_LOOPBACK;
        if (host[strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")] != '\0')
                return ADDR_INVALID;
        return ADDR_HOSTNAME;
}

const char *addr_class_to_string(AddrClass c) {
        static const char *const names[] = {
                [ADDR_LOOPBACK] = "loopback", [ADDR_PRIVATE] = "private",
                [ADDR_WILDCARD] = "wildcard", [ADDR_PUBLIC] = "public",
                [ADDR_HOSTNAME] = "hostname", [ADDR_INVALID] = "invalid",
        };
        return (unsigned) c < ELEMENTSOF(names) ? names[c] : "invalid";
}
