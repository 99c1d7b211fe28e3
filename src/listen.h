/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memcached's listener grammar: how memcached 1.6 reads its -l values
 * (memcached.c, the 'l' option case and server_sockets()). Owns the split of
 * one -l value into elements, of one element into its prefixes, host and
 * port, and the substring rule that decides which -l values memcached takes
 * at all. Pure functions, no I/O. Called by the policy (policy.c, also for
 * --listen through policy_check_listen()) and the resolve stage (resolve.c);
 * which addresses are safe is addr.h's.
 */

#include <stdbool.h>
#include <stddef.h>

/* memcached splits the joined -l list into elements at both of these
 * (strtok_r(), so empty elements are skipped). */
#define LISTEN_SEPARATORS ",;"

typedef enum ListenTls {
        LISTEN_TLS_DEFAULT, /* no prefix: -Z decides */
        LISTEN_NOTLS,       /* "notls:" */
        LISTEN_BTLS,        /* "btls:" */
        LISTEN_MTLS,        /* "mtls:" */
} ListenTls;

/* One element, as offsets into its text: what memcached binds. */
typedef struct ListenElement {
        ListenTls tls;
        size_t host_start, host_len; /* without "[" and "]" */
        size_t port_start, port_len; /* port_len 0: none, memcached's -p */
        bool bracketed;              /* "[V6]" */
} ListenElement;

/* Parses ELEMENT (one element: no separator in it) as server_sockets()
 * does: an optional "notls"/"btls"/"mtls" and the character after it, an
 * optional "proto[NAME]" and one character, an optional "tag[NAME]" or
 * "tag_NAME_" and one character, then "[V6]" with an optional ":PORT",
 * HOST:PORT for text with one ':', a bare IPv6 address for more. -EINVAL for
 * an element memcached refuses, or would read past the end of; the port must
 * be 0 to 65535 in digits, and the host not empty. */
int listen_element_parse(const char *element, ListenElement *ret);

/* The host of ELEMENT ("*" for every interface), a new string. -EINVAL as
 * listen_element_parse(). */
int listen_element_host(const char *element, char **ret_host);

/* A -l value's elements, each a new string, in order. */
typedef struct ListenList {
        char **elements;
        size_t n, n_allocated;
} ListenList;

/* Splits VALUE as strtok_r(VALUE, ";,") does: empty elements are skipped. */
int listen_split(const char *value, ListenList *ret);
void listen_list_done(ListenList *l);

/* memcached's rule for repeated -l: a value that is a substring (strstr)
 * of the list taken so far (the values taken, joined with ',') is ignored;
 * any other is appended. RET_TAKEN[i] says whether VALUES[i] is taken; the
 * first always is. */
int listen_taken(const char *const *values, size_t n, bool *ret_taken);
