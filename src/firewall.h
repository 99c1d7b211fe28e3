/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The firewall layer, as text: memcached's endpoints (endpoints.h) and the
 * host's interface addresses in, the nftables table "inet memharden" out.
 * Pure: no I/O, no netlink, no name resolution (host names are looked up
 * in a HostTable the caller filled). firewall_nft.c loads what this
 * renders; cmd_firewall.c reads the config and the interfaces and decides.
 *
 * The policy, and why:
 *   - UDP to and from memcached's ports is dropped on every interface but
 *     loopback: inbound at prerouting (priority raw, before conntrack makes
 *     an entry for a forged source), outbound at output, and forwarded.
 *     The ports are every port memcached takes from any of its files (-p,
 *     -U, a listener's own port) and 11211 always, also where UDP is off:
 *     the firewall is the layer that still holds when a later edit turns
 *     UDP back on.
 *   - TCP is judged only where memcached listens on a private address:
 *     TCP to its ports is then accepted from the networks of those
 *     addresses (and loopback) and dropped from anywhere else. Listening on
 *     loopback only needs no TCP rule: the kernel itself drops packets for
 *     127.0.0.0/8 and ::1 that arrive on another interface, and TCP cannot
 *     be used for reflection (no reply before the handshake). A wildcard or
 *     public listener is the bind layer's to fix (memharden apply); the
 *     firewall does not guess which clients it serves.
 *
 * The text is written the way "nft list table inet memharden" prints it, so
 * a dry run shows what the kernel will hold, byte for byte.
 */

#include <stdbool.h>
#include <stddef.h>

#include "endpoints.h"
#include "resolve.h"

#define FIREWALL_FAMILY "inet"
#define FIREWALL_NAME "memharden"
#define FIREWALL_TABLE FIREWALL_FAMILY " " FIREWALL_NAME
/* The first line of the file memharden persists: what tells its own file
 * from one it must not overwrite or remove. */
#define FIREWALL_FILE_HEADER "# memharden firewall: table inet memharden"
/* Where memharden persists the table, and the unit that loads it at boot
 * (packaging/memharden-firewall.service). */
#define FIREWALL_FILE "/etc/memharden/firewall.nft"
#define FIREWALL_UNIT "memharden-firewall.service"

/* An address with a prefix length: an interface's address, or a network. */
typedef struct FirewallNet {
        int family;                 /* AF_INET or AF_INET6 */
        unsigned char addr[16];     /* network byte order; 4 bytes used for AF_INET */
        unsigned prefix;
} FirewallNet;

typedef struct FirewallSpec {
        int *udp_ports;             /* dropped both ways, sorted, unique */
        size_t n_udp_ports;
        int *tcp_ports;             /* judged by source; none: no TCP rule */
        size_t n_tcp_ports;
        FirewallNet *nets;          /* TCP accepted from these, sorted, unique */
        size_t n_nets;
        /* Private listeners no interface gave a network for (the address
         * is on none, or on a /32 or /128): their private block
         * (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7) was taken. */
        size_t n_blocks;
        /* Listeners whose addresses are private or loopback host names not
         * in HOSTS (the caller resolves before): skipped, counted. */
        size_t n_unresolved;
} FirewallSpec;

void firewall_spec_done(FirewallSpec *s);

/* Adds what one config file's endpoints E need: its ports, and for each
 * private listener (a literal, or a host name's private addresses from
 * HOSTS, which may be NULL) its TCP port and the network of the interface
 * address of IFS (N_IFS of them) that is that address. With no such
 * interface (IFS NULL: none can be read, as under --root) the private
 * block. -ENOMEM. */
int firewall_spec_add(FirewallSpec *s, const Endpoints *e, const HostTable *hosts, const FirewallNet *ifs,
                      size_t n_ifs);

/* Only the ports of E, to drop UDP on: those of options an apply is about
 * to replace (a -U it turns to 0 was the port UDP answered on). */
int firewall_spec_add_ports(FirewallSpec *s, const Endpoints *e);

/* The table as "nft list table inet memharden" prints it. */
char *firewall_ruleset(const FirewallSpec *s);

/* The ruleset TEXT as one transaction that replaces any earlier table
 * atomically: create it if missing, delete it, define it anew. Loading it
 * twice leaves the same table. NULL on OOM. */
char *firewall_load_buffer(const char *ruleset);

/* The persisted file for LOAD_BUFFER: FIREWALL_FILE_HEADER, what it is and
 * who reads it, then the buffer. NULL on OOM. */
char *firewall_file_text(const char *load_buffer);

/* Whether TEXT is a file memharden wrote (it starts with the header line). */
bool firewall_file_is_ours(const char *text);

/* One line for the report: "UDP to and from ports 11211, 11311 dropped on
 * every interface but loopback; TCP to 11211 only from 10.0.0.0/24". */
char *firewall_summary(const FirewallSpec *s);

/* "10.0.0.0/24", "fd00::/64" into BUF (at least 64 bytes). */
const char *firewall_net_to_string(const FirewallNet *n, char *buf, size_t size);

/* The network of N: the address with the bits past its prefix cleared. */
FirewallNet firewall_net_masked(const FirewallNet *n);
