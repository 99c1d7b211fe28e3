/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "addr.h"
#include "array.h"
#include "cleanup.h"
#include "lines.h"
#include "listen.h"
#include "rootfs.h"
#include "util.h"

/* What separates the fields of a hosts line (glibc: isspace()). */
#define HOSTS_BLANKS " \t\r\f\v"

int host_table_init(HostTable *t, const char *root) {
        HostTable n = {};

        if (root && strcmp(root, "/") != 0) {
                n.root = strdup(root);
                n.hosts_path = path_join(root, "/etc/hosts");
                if (!n.root || !n.hosts_path) {
                        host_table_done(&n);
                        return -ENOMEM;
                }
        }
        *t = n;
        return 0;
}

void host_table_done(HostTable *t) {
        for (size_t i = 0; i < t->n_entries; i++) {
                free(t->entries[i].name);
                strv_free(t->entries[i].addresses);
                free(t->entries[i].why);
        }
        free(t->entries);
        free(t->root);
        free(t->hosts_path);
        free(t->hosts_text);
        *t = (HostTable) {};
}

const HostEntry *host_table_find(const HostTable *t, const char *name) {
        if (!t || !name)
                return NULL;
        for (size_t i = 0; i < t->n_entries; i++)
                if (strcasecmp(t->entries[i].name, name) == 0)
                        return &t->entries[i];
        return NULL;
}

/* Appends a copy of ADDR to the NULL-terminated *V of *N unless it is there. */
static int strv_add_unique(char ***v, size_t *n, size_t *cap, const char *addr) {
        char *s;

        for (size_t i = 0; i < *n; i++)
                if (strcmp((*v)[i], addr) == 0)
                        return 0;
        if (!GREEDY_REALLOC(*v, *cap, *n + 2) || !(s = strdup(addr)))
                return -ENOMEM;
        (*v)[(*n)++] = s;
        (*v)[*n] = NULL;
        return 0;
}

int host_table_put(HostTable *t, const char *name, const char *const *addresses, size_t n, const char *why) {
        HostEntry e = {};
        size_t n_addr = 0, cap = 0;
        int r = 0;

        if (!(e.name = strdup(name)) || (n == 0 && !(e.why = strdup(why ?: "does not resolve"))))
                r = -ENOMEM;
        for (size_t i = 0; i < n && r >= 0; i++)
                r = strv_add_unique(&e.addresses, &n_addr, &cap, addresses[i]);
        if (r >= 0 && !GREEDY_REALLOC(t->entries, t->n_entries_allocated, t->n_entries + 1))
                r = -ENOMEM;
        if (r < 0) {
                free(e.name);
                free(e.why);
                strv_free(e.addresses);
                return r;
        }
        e.n_addresses = n_addr;
        t->entries[t->n_entries++] = e;
        return 0;
}

/* TOKEN[0, LEN) as a hosts file's address (glibc: inet_pton() for IPv6,
 * inet_aton() for IPv4), written as inet_ntop() does into OUT. */
static bool parse_address(const char *token, size_t len, char out[static INET6_ADDRSTRLEN]) {
        char buf[INET6_ADDRSTRLEN];
        struct in6_addr a6;
        struct in_addr a4;

        if (len >= sizeof buf)
                return false;
        memcpy(buf, token, len);
        buf[len] = '\0';
        if (inet_pton(AF_INET6, buf, &a6) == 1)
                return inet_ntop(AF_INET6, &a6, out, INET6_ADDRSTRLEN) != NULL;
        if (inet_aton(buf, &a4) != 0)
                return inet_ntop(AF_INET, &a4, out, INET6_ADDRSTRLEN) != NULL;
        return false;
}

/* Whether one of the names after the address on LINE[0, LEN) is NAME. */
static bool line_names(const char *line, size_t len, const char *name) {
        size_t name_len = strlen(name), i = 0;

        while (i < len) {
                size_t k;

                while (i < len && strchr(HOSTS_BLANKS, line[i]))
                        i++;
                for (k = i; k < len && !strchr(HOSTS_BLANKS, line[k]); k++)
                        ;
                if (k - i == name_len && name_len > 0 && strncasecmp(line + i, name, name_len) == 0)
                        return true;
                i = k;
        }
        return false;
}

int hosts_file_lookup(const char *text, const char *name, char ***ret_addresses, size_t *ret_n) {
        char **v = NULL;
        size_t n = 0, cap = 0;

        FOREACH_LINE(l, text) {
                char addr[INET6_ADDRSTRLEN];
                size_t len = l.len, a = 0, alen;

                for (size_t i = 0; i < len; i++)
                        if (l.start[i] == '#')
                                len = i; /* the comment goes */
                while (a < len && strchr(HOSTS_BLANKS, l.start[a]))
                        a++;
                for (alen = 0; a + alen < len && !strchr(HOSTS_BLANKS, l.start[a + alen]); alen++)
                        ;
                if (alen == 0 || !parse_address(l.start + a, alen, addr) ||
                    !line_names(l.start + a + alen, len - a - alen, name))
                        continue;
                if (strv_add_unique(&v, &n, &cap, addr) < 0) {
                        strv_free(v);
                        return -ENOMEM;
                }
        }
        *ret_addresses = v;
        *ret_n = n;
        return 0;
}

/* Puts NAME as not resolving, for the reason FMT says. */
static int put_unresolved(HostTable *t, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int put_unresolved(HostTable *t, const char *name, const char *fmt, ...) {
        _cleanup_free_ char *why = NULL;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&why, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        return host_table_put(t, name, NULL, 0, why);
}

/* Puts NAME with the addresses in the NULL-terminated V (owned by the caller). */
static int put_addresses(HostTable *t, const char *name, char **v, size_t n, const char *why) {
        return host_table_put(t, name, (const char *const *) v, n, why);
}

/* Under a root: a number in IPv4 form as getaddrinfo() reads it, else
 * ROOT/etc/hosts, read once. */
static int resolve_in_root(HostTable *t, const char *name) {
        char addr[INET6_ADDRSTRLEN], **v = NULL;
        const char *one[] = { addr };
        struct in_addr a4;
        size_t n = 0;
        int r;

        if (inet_aton(name, &a4) != 0 && inet_ntop(AF_INET, &a4, addr, sizeof addr))
                return host_table_put(t, name, one, 1, NULL);
        if (!t->hosts_read) {
                t->hosts_read = true;
                r = root_read_file(t->root, "/etc/hosts", &t->hosts_text, NULL, NULL);
                if (r == -ENOMEM)
                        return r;
                t->hosts_error = r < 0 ? r : 0;
        }
        if (t->hosts_error == -ENOENT)
                return put_unresolved(t, name, "there is no %s", t->hosts_path);
        if (t->hosts_error < 0)
                return put_unresolved(t, name, "%s cannot be read: %s", t->hosts_path, strerror(-t->hosts_error));
        r = hosts_file_lookup(t->hosts_text, name, &v, &n);
        if (r < 0)
                return r;
        r = n > 0 ? put_addresses(t, name, v, n, NULL) : put_unresolved(t, name, "not in %s", t->hosts_path);
        strv_free(v);
        return r;
}

/* On the live system: getaddrinfo(), as memcached calls it. */
static int resolve_live(HostTable *t, const char *name) {
        const struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
        struct addrinfo *ai = NULL;
        char **v = NULL;
        size_t n = 0, cap = 0;
        int r = 0, k;

        k = getaddrinfo(name, NULL, &hints, &ai);
        if (k == EAI_MEMORY)
                return -ENOMEM;
        if (k != 0)
                return put_unresolved(t, name, "getaddrinfo(): %s",
                                      k == EAI_SYSTEM ? strerror(errno) : gai_strerror(k));
        for (struct addrinfo *p = ai; p && r >= 0; p = p->ai_next) {
                char addr[INET6_ADDRSTRLEN];
                const void *raw = p->ai_family == AF_INET ? (const void *) &((struct sockaddr_in *) p->ai_addr)->sin_addr
                                : p->ai_family == AF_INET6 ? (const void *) &((struct sockaddr_in6 *) p->ai_addr)->sin6_addr
                                : NULL;
                if (raw && inet_ntop(p->ai_family, raw, addr, sizeof addr))
                        r = strv_add_unique(&v, &n, &cap, addr);
        }
        freeaddrinfo(ai);
        if (r >= 0)
                r = n > 0 ? put_addresses(t, name, v, n, NULL)
                          : put_unresolved(t, name, "%s", "getaddrinfo() gave no IPv4 or IPv6 address");
        strv_free(v);
        return r;
}

int host_table_resolve(HostTable *t, const char *name) {
        if (host_table_find(t, name))
                return 0;
        return t->root ? resolve_in_root(t, name) : resolve_live(t, name);
}

/* Resolves the names among the elements of one -l VALUE. */
static int resolve_value(HostTable *t, const char *value) {
        ListenList l = {};
        int r;

        r = listen_split(value, &l);
        for (size_t i = 0; r >= 0 && i < l.n; i++) {
                _cleanup_free_ char *host = NULL;

                if (listen_element_host(l.elements[i], &host) == -ENOMEM)
                        r = -ENOMEM;
                else if (host && addr_classify_host(host) == ADDR_HOSTNAME)
                        r = host_table_resolve(t, host);
        }
        listen_list_done(&l);
        return r;
}

int resolve_listen_names(HostTable *t, const Arg *args, size_t n_args) {
        for (size_t i = 0; i < n_args; i++) {
                int r;

                if (!args[i].effective || args[i].letter != 'l' || !args[i].value)
                        continue;
                r = resolve_value(t, args[i].value);
                if (r < 0)
                        return r;
        }
        return 0;
}
