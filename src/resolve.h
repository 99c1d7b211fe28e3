/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The resolve stage: the addresses each host name among memcached's -l
 * listeners resolves to, found before the policy judges them, so the policy
 * stays free of I/O. plan.c fills a HostTable from the options read and
 * hands it to policy_evaluate(), which only looks names up in it
 * (host_table_find()).
 *
 * memcached resolves a listener's name with getaddrinfo() when it starts.
 * On the live system (root "/") this does the same, with memcached's hints
 * (AF_UNSPEC, SOCK_STREAM, AI_PASSIVE), so NSS answers as it will for
 * memcached. Under another root the image's own ROOT/etc/hosts is the only
 * source: it is read through rootfs.h (inside the root, bounded) and parsed
 * as hostile input; the host's DNS says nothing about the image. A name in
 * IPv4 number form ("127.1", "0") is read as getaddrinfo() reads it.
 * "localhost" is loopback and never resolved (addr.h).
 *
 * A HostTable owns its entries and strings; release it with
 * host_table_done().
 */

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

typedef struct HostEntry {
        char *name;
        char **addresses;  /* NULL-terminated, as inet_ntop() writes them; none: the name does not resolve */
        size_t n_addresses;
        char *why;         /* when it does not resolve: the reason, e.g. "not in /mnt/etc/hosts" */
} HostEntry;

typedef struct HostTable {
        char *root;        /* NULL: the live system, through getaddrinfo() */
        char *hosts_path;  /* ROOT/etc/hosts, for messages */
        char *hosts_text;  /* ROOT/etc/hosts as read, once; NULL until read or when it cannot be */
        int hosts_error;   /* why it cannot be read (negative errno), 0 when it was or is not yet */
        bool hosts_read;
        HostEntry *entries;
        size_t n_entries, n_entries_allocated;
} HostTable;

/* An empty table that resolves names of ROOT (NULL or "/": the live system). */
int host_table_init(HostTable *t, const char *root);
void host_table_done(HostTable *t);

/* Resolves every host name among the elements of the effective -l options
 * of ARGS not in T yet. A name that does not resolve is no error: its entry
 * has no address and says why. -ENOMEM is. */
int resolve_listen_names(HostTable *t, const Arg *args, size_t n_args);

/* Resolves NAME (no-op when T has it). */
int host_table_resolve(HostTable *t, const char *name);

/* Adds NAME with ADDRESSES (N of them; 0 with WHY: does not resolve), as
 * resolving would: for callers that know the answer, such as tests. */
int host_table_put(HostTable *t, const char *name, const char *const *addresses, size_t n, const char *why);

/* NAME's entry (case-insensitive, as NSS compares), or NULL. T may be NULL. */
const HostEntry *host_table_find(const HostTable *t, const char *name);

/* The addresses NAME has in the hosts file TEXT (glibc's format: address,
 * then the canonical name and aliases, '#' starts a comment), in file order
 * without repeats. For resolve.c and its tests. */
int hosts_file_lookup(const char *text, const char *name, char ***ret_addresses, size_t *ret_n);
