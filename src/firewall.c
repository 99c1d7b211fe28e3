/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "firewall.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "array.h"
#include "cleanup.h"

void firewall_spec_done(FirewallSpec *s) {
        free(s->udp_ports);
        free(s->tcp_ports);
        free(s->nets);
        *s = (FirewallSpec) {};
}

/* Inserts PORT into the sorted set V of *N. */
static int add_port(int **v, size_t *n, int port) {
        size_t i = 0;
        int *w;

        if (port <= 0)
                return 0; /* no such socket, or a value memcached cannot bind */
        while (i < *n && (*v)[i] < port)
                i++;
        if (i < *n && (*v)[i] == port)
                return 0;
        w = realloc(*v, (*n + 1) * sizeof *w);
        if (!w)
                return -ENOMEM;
        memmove(w + i + 1, w + i, (*n - i) * sizeof *w);
        w[i] = port;
        *v = w;
        (*n)++;
        return 0;
}

static size_t addr_len(int family) {
        return family == AF_INET ? 4 : 16;
}

FirewallNet firewall_net_masked(const FirewallNet *n) {
        FirewallNet m = *n;
        size_t len = addr_len(n->family);

        for (size_t i = 0; i < len; i++) {
                unsigned keep = n->prefix > i * 8 ? n->prefix - (unsigned) i * 8 : 0;
                m.addr[i] &= keep >= 8 ? 0xff : (unsigned char) (0xff << (8 - keep));
        }
        if (len < sizeof m.addr)
                memset(m.addr + len, 0, sizeof m.addr - len);
        return m;
}

/* Whether network A holds all of network B. */
static bool net_contains(const FirewallNet *a, const FirewallNet *b) {
        FirewallNet narrowed;

        if (a->family != b->family || a->prefix > b->prefix)
                return false;
        narrowed = *b;
        narrowed.prefix = a->prefix;
        narrowed = firewall_net_masked(&narrowed);
        return memcmp(narrowed.addr, a->addr, addr_len(a->family)) == 0;
}

/* IPv4 first, then by address and prefix: the order nft lists a set in. */
static int net_compare(const FirewallNet *a, const FirewallNet *b) {
        int k;

        if (a->family != b->family)
                return a->family == AF_INET ? -1 : 1;
        k = memcmp(a->addr, b->addr, addr_len(a->family));
        if (k != 0)
                return k;
        return a->prefix < b->prefix ? -1 : a->prefix > b->prefix;
}

/* Adds network N (masked) to S's sorted set. A network inside one already
 * there is not added, and one N holds is dropped: nft refuses overlapping
 * elements in one set. */
static int add_net(FirewallSpec *s, const FirewallNet *n) {
        FirewallNet m = firewall_net_masked(n);
        size_t i = 0, k = 0;
        FirewallNet *w;

        for (size_t j = 0; j < s->n_nets; j++)
                if (net_contains(&s->nets[j], &m))
                        return 0;
        for (size_t j = 0; j < s->n_nets; j++)
                if (!net_contains(&m, &s->nets[j]))
                        s->nets[k++] = s->nets[j];
        s->n_nets = k;
        while (i < s->n_nets && net_compare(&s->nets[i], &m) < 0)
                i++;
        w = realloc(s->nets, (s->n_nets + 1) * sizeof *w);
        if (!w)
                return -ENOMEM;
        memmove(w + i + 1, w + i, (s->n_nets - i) * sizeof *w);
        w[i] = m;
        s->nets = w;
        s->n_nets++;
        return 0;
}

/* The private block (RFC 1918, RFC 4193) ADDR of FAMILY is in. */
static FirewallNet private_block(int family, const unsigned char *addr) {
        FirewallNet b = { .family = family };

        if (family == AF_INET6) {
                b.addr[0] = 0xfc;
                b.prefix = 7;
        } else if (addr[0] == 10) {
                b.addr[0] = 10;
                b.prefix = 8;
        } else if (addr[0] == 172) {
                b.addr[0] = 172;
                b.addr[1] = 16;
                b.prefix = 12;
        } else {
                b.addr[0] = 192;
                b.addr[1] = 168;
                b.prefix = 16;
        }
        return b;
}

/* The network private address ADDR belongs to: that of the interface
 * address it is. A host route (/32, /128, as some clouds assign) says
 * nothing about the network, and a prefix wider than the private block
 * would take in public addresses: the block, then. */
static int add_private(FirewallSpec *s, int family, const unsigned char *addr, const FirewallNet *ifs, size_t n_ifs) {
        FirewallNet block = private_block(family, addr);
        unsigned host = (unsigned) addr_len(family) * 8;

        for (size_t i = 0; i < n_ifs; i++) {
                FirewallNet n = ifs[i];

                if (n.family != family || memcmp(n.addr, addr, addr_len(family)) != 0)
                        continue;
                if (n.prefix >= host)
                        break;
                if (n.prefix < block.prefix)
                        n.prefix = block.prefix;
                return add_net(s, &n);
        }
        s->n_blocks++;
        return add_net(s, &block);
}

/* Adds the networks of listener host HOST's private addresses; *RET_ANY
 * says whether it had one. */
static int add_listener(FirewallSpec *s, const char *host, const HostTable *hosts, const FirewallNet *ifs,
                        size_t n_ifs, bool *ret_any) {
        AddrClass c = addr_classify_host(host);
        unsigned char a[16] = {};
        const HostEntry *h;
        int r;

        *ret_any = false;
        if (c == ADDR_PRIVATE) {
                int family = strchr(host, ':') ? AF_INET6 : AF_INET;
                if (inet_pton(family, host, a) != 1)
                        return 0;
                *ret_any = true;
                return add_private(s, family, a, ifs, n_ifs);
        }
        if (c != ADDR_HOSTNAME)
                return 0;
        h = host_table_find(hosts, host);
        if (!h || h->n_addresses == 0) {
                s->n_unresolved++;
                return 0;
        }
        for (size_t i = 0; i < h->n_addresses; i++) {
                const char *addr = h->addresses[i];
                int family = strchr(addr, ':') ? AF_INET6 : AF_INET;

                if (inet_pton(family, addr, a) != 1 || addr_classify_raw(family, a) != ADDR_PRIVATE)
                        continue;
                *ret_any = true;
                r = add_private(s, family, a, ifs, n_ifs);
                if (r < 0)
                        return r;
        }
        return 0;
}

int firewall_spec_add_ports(FirewallSpec *s, const Endpoints *e) {
        int r;

        r = add_port(&s->udp_ports, &s->n_udp_ports, MEMCACHED_DEFAULT_PORT);
        if (r >= 0)
                r = add_port(&s->udp_ports, &s->n_udp_ports, e->tcp_port);
        if (r >= 0)
                r = add_port(&s->udp_ports, &s->n_udp_ports, e->udp_port);
        for (size_t i = 0; r >= 0 && i < e->n_listeners; i++)
                r = add_port(&s->udp_ports, &s->n_udp_ports, e->listeners[i].port);
        return r;
}

int firewall_spec_add(FirewallSpec *s, const Endpoints *e, const HostTable *hosts, const FirewallNet *ifs,
                      size_t n_ifs) {
        bool private = false;
        int r;

        r = firewall_spec_add_ports(s, e);
        for (size_t i = 0; r >= 0 && i < e->n_listeners; i++) {
                bool any;

                r = add_listener(s, e->listeners[i].host, hosts, ifs, n_ifs, &any);
                private = private || any;
        }
        if (r < 0)
                return r;
        if (!private || e->unix_socket)
                return 0;
        /* Every TCP port of this file: one a loopback listener takes cannot
         * be reached from outside anyway, so judging it costs nothing. */
        for (size_t i = 0; r >= 0 && i < e->n_listeners; i++)
                r = add_port(&s->tcp_ports, &s->n_tcp_ports, endpoints_tcp_port(e, &e->listeners[i]));
        return r;
}

const char *firewall_net_to_string(const FirewallNet *n, char *buf, size_t size) {
        char a[INET6_ADDRSTRLEN];

        if (!inet_ntop(n->family, n->addr, a, sizeof a))
                snprintf(a, sizeof a, "?");
        snprintf(buf, size, "%s/%u", a, n->prefix);
        return buf;
}

/* "11211" or "{ 11211, 11311 }", as nft prints a set of one or more. */
static void print_ports(FILE *f, const int *v, size_t n) {
        if (n == 1) {
                fprintf(f, "%d", v[0]);
                return;
        }
        fputs("{ ", f);
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s%d", i ? ", " : "", v[i]);
        fputs(" }", f);
}

/* The networks of FAMILY, the same way; false when there is none. */
static bool print_nets(FILE *f, const FirewallSpec *s, int family) {
        size_t n = 0, k = 0;
        char buf[64];

        for (size_t i = 0; i < s->n_nets; i++)
                n += s->nets[i].family == family;
        if (n == 0)
                return false;
        fputs(n > 1 ? "{ " : "", f);
        for (size_t i = 0; i < s->n_nets; i++)
                if (s->nets[i].family == family)
                        fprintf(f, "%s%s", k++ ? ", " : "", firewall_net_to_string(&s->nets[i], buf, sizeof buf));
        fputs(n > 1 ? " }" : "", f);
        return true;
}

static void print_udp_drops(FILE *f, const FirewallSpec *s) {
        static const char *const dir[] = { "dport", "sport" };

        for (size_t i = 0; i < ELEMENTSOF(dir); i++) {
                fprintf(f, "\t\tudp %s ", dir[i]);
                print_ports(f, s->udp_ports, s->n_udp_ports);
                fputs(" drop\n", f);
        }
}

static void print_tcp_chain(FILE *f, const FirewallSpec *s) {
        static const struct {
                int family;
                const char *match;
        } fam[] = { { AF_INET, "ip" }, { AF_INET6, "ip6" } };

        fputs("\tchain input {\n"
              "\t\ttype filter hook input priority filter; policy accept;\n"
              "\t\tiif \"lo\" accept\n", f);
        for (size_t i = 0; i < ELEMENTSOF(fam); i++) {
                _cleanup_free_ char *nets = NULL;
                size_t size = 0;
                FILE *g = open_memstream(&nets, &size);

                if (!g)
                        continue; /* the caller sees the stream fail */
                bool any = print_nets(g, s, fam[i].family);
                fclose(g);
                if (!any)
                        continue;
                fputs("\t\ttcp dport ", f);
                print_ports(f, s->tcp_ports, s->n_tcp_ports);
                fprintf(f, " %s saddr %s accept\n", fam[i].match, nets);
        }
        fputs("\t\ttcp dport ", f);
        print_ports(f, s->tcp_ports, s->n_tcp_ports);
        fputs(" drop\n\t}\n\n", f);
}

char *firewall_ruleset(const FirewallSpec *s) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f)
                return NULL;
        fputs("table " FIREWALL_TABLE " {\n"
              "\tchain prerouting {\n"
              "\t\ttype filter hook prerouting priority raw; policy accept;\n"
              "\t\tiif \"lo\" accept\n", f);
        print_udp_drops(f, s);
        fputs("\t}\n\n", f);
        if (s->n_tcp_ports > 0 && s->n_nets > 0)
                print_tcp_chain(f, s);
        /* Routed packets pass prerouting first; this chain says the same
         * for them on its own, whatever is done to prerouting by hand. */
        fputs("\tchain forward {\n"
              "\t\ttype filter hook forward priority raw; policy accept;\n", f);
        print_udp_drops(f, s);
        fputs("\t}\n\n"
              "\tchain output {\n"
              "\t\ttype filter hook output priority raw; policy accept;\n"
              "\t\toif \"lo\" accept\n", f);
        print_udp_drops(f, s);
        fputs("\t}\n}\n", f);
        if (ferror(f)) {
                fclose(f);
                free(text);
                return NULL;
        }
        if (fclose(f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}

char *firewall_load_buffer(const char *ruleset) {
        char *buf;

        /* Deleting a table that is not there fails, so it is made first:
         * the three are one transaction, and the table never is absent or
         * half-made for a packet in between. */
        if (asprintf(&buf, "table " FIREWALL_TABLE " {\n}\ndelete table " FIREWALL_TABLE "\n%s", ruleset) < 0)
                return NULL;
        return buf;
}

char *firewall_file_text(const char *load_buffer) {
        char *buf;

        if (asprintf(&buf,
                     FIREWALL_FILE_HEADER "\n"
                     "# Written by 'memharden firewall' from memcached's configuration, and loaded\n"
                     "# at boot by " FIREWALL_UNIT " where that is enabled. Do not edit:\n"
                     "# 'memharden firewall' rewrites it, 'memharden firewall --remove' deletes it.\n"
                     "# Loading it (nft -f) replaces the table in one transaction.\n"
                     "%s",
                     load_buffer) < 0)
                return NULL;
        return buf;
}

bool firewall_file_is_ours(const char *text) {
        size_t n = strlen(FIREWALL_FILE_HEADER);

        return strncmp(text, FIREWALL_FILE_HEADER, n) == 0 && (text[n] == '\n' || text[n] == '\0');
}

char *firewall_summary(const FirewallSpec *s) {
        char *text = NULL, buf[64];
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f)
                return NULL;
        fprintf(f, "UDP to and from port%s ", s->n_udp_ports == 1 ? "" : "s");
        for (size_t i = 0; i < s->n_udp_ports; i++)
                fprintf(f, "%s%d", i ? ", " : "", s->udp_ports[i]);
        fputs(" dropped on every interface but loopback", f);
        if (s->n_tcp_ports > 0 && s->n_nets > 0) {
                fputs("; TCP to ", f);
                for (size_t i = 0; i < s->n_tcp_ports; i++)
                        fprintf(f, "%s%d", i ? ", " : "", s->tcp_ports[i]);
                fputs(" only from loopback and ", f);
                for (size_t i = 0; i < s->n_nets; i++)
                        fprintf(f, "%s%s", i ? ", " : "", firewall_net_to_string(&s->nets[i], buf, sizeof buf));
        } else
                fputs("; TCP left to the bind layer (no private listener)", f);
        if (fclose(f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}
