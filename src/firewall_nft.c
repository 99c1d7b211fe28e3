/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "firewall_nft.h"

#include <errno.h>
#include <ifaddrs.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "array.h"
#include "cleanup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nft_ctx *, nft_ctx_free);

#define NO_NFTABLES_HINT \
        "this kernel has no nftables (nf_tables) support; load the nf_tables module or use a kernel with it, then run again"

int firewall_nft_errno(const char *msg) {
        /* Most specific first: libnftables words a kernel error with
         * strerror(), after "Could not process rule: " and the like. */
        static const int codes[] = { EPERM, EACCES, EOPNOTSUPP, EPROTONOSUPPORT, EAFNOSUPPORT,
                                     ENOENT, ENOMEM, ENOBUFS, EBUSY, EEXIST, EINVAL };

        if (!msg)
                return -EIO;
        for (size_t i = 0; i < ELEMENTSOF(codes); i++)
                if (strstr(msg, strerror(codes[i])))
                        return -codes[i];
        return -EIO;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(struct mnl_socket *, mnl_socket_close);

/* Asks the kernel for nf_tables' generation id: the cheapest request there
 * is, and one nfnetlink refuses without CAP_NET_ADMIN before anything
 * else, so the answer says both whether nftables is there and whether we
 * may use it. libnftables would print the refusal on stderr itself. */
int firewall_nft_probe(ErrorInfo *e) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
        char buf[8192];
        struct nlmsghdr *nlh;
        struct nfgenmsg *g;
        unsigned portid;
        ssize_t k;
        int r;

        if (!nl && (errno == EPROTONOSUPPORT || errno == EAFNOSUPPORT))
                return error_set(e, -EPROTONOSUPPORT, "load", FIREWALL_TABLE, 0, NO_NFTABLES_HINT,
                                 "the kernel has no netfilter netlink socket");
        if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return error_set(e, -errno, "load", FIREWALL_TABLE, 0, NULL, "cannot open a netfilter netlink socket: %s",
                                 strerror(errno));
        portid = mnl_socket_get_portid(nl);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = 1;
        g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
        *g = (struct nfgenmsg) { .nfgen_family = AF_UNSPEC, .version = NFNETLINK_V0 };
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return error_set(e, -errno, "load", FIREWALL_TABLE, 0, NULL, "%s", strerror(errno));
        do {
                k = mnl_socket_recvfrom(nl, buf, sizeof buf);
                r = k < 0 ? -1 : mnl_cb_run(buf, (size_t) k, 1, portid, NULL, NULL);
        } while (r > 0);
        if (r == 0)
                return 0;
        /* nfnetlink answers EINVAL or EOPNOTSUPP for a subsystem it does not have. */
        if (errno == EINVAL || errno == EOPNOTSUPP)
                return error_set(e, -EPROTONOSUPPORT, "load", FIREWALL_TABLE, 0, NO_NFTABLES_HINT,
                                 "the kernel has no nf_tables");
        return error_set(e, -errno, "load", FIREWALL_TABLE, 0, NULL, "%s", strerror(errno));
}

/* The first line of nft's error message, without "Error: ". */
static void first_line(const char *msg, char *buf, size_t size) {
        size_t n;

        if (!msg || !*msg) {
                snprintf(buf, size, "nft reported no reason");
                return;
        }
        if (strncmp(msg, "Error: ", 7) == 0)
                msg += 7;
        n = strcspn(msg, "\n");
        snprintf(buf, size, "%.*s", (int) n, msg);
}

/* Runs CMD; *RET_OUTPUT (optional) gets what nft printed. VERB names the
 * step for E. */
static int run(const char *verb, const char *cmd, char **ret_output, ErrorInfo *e) {
        _cleanup_(nft_ctx_freep) struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
        char why[400];
        int r;

        if (!ctx)
                return error_set(e, -ENOMEM, verb, FIREWALL_TABLE, 0, NULL, "libnftables cannot start");
        if (nft_ctx_buffer_output(ctx) < 0 || nft_ctx_buffer_error(ctx) < 0)
                return error_set(e, -ENOMEM, verb, FIREWALL_TABLE, 0, NULL, "libnftables cannot buffer its output");
        if (nft_run_cmd_from_buffer(ctx, cmd) != 0) {
                const char *msg = nft_ctx_get_error_buffer(ctx);

                r = firewall_nft_errno(msg);
                if (r == -ENOENT && ret_output) /* a list of a table that is not there */
                        return r;
                first_line(msg, why, sizeof why);
                if (r == -EOPNOTSUPP || r == -EPROTONOSUPPORT || r == -EAFNOSUPPORT)
                        return error_set(e, -EPROTONOSUPPORT, verb, FIREWALL_TABLE, 0, NO_NFTABLES_HINT, "%s", why);
                return error_set(e, r, verb, FIREWALL_TABLE, 0, NULL, "%s", why);
        }
        if (ret_output) {
                char *out = strdup(nft_ctx_get_output_buffer(ctx) ?: "");
                if (!out)
                        return -ENOMEM;
                *ret_output = out;
        }
        return 0;
}

int firewall_nft_load(const char *buffer, ErrorInfo *e) {
        return run("load", buffer, NULL, e);
}

int firewall_nft_list(char **ret, ErrorInfo *e) {
        return run("list", "list table " FIREWALL_TABLE, ret, e);
}

int firewall_nft_delete(ErrorInfo *e) {
        _cleanup_free_ char *listed = NULL;
        int r = firewall_nft_list(&listed, e);

        if (r < 0)
                return r;
        return run("delete", "delete table " FIREWALL_TABLE, NULL, e);
}

/* The number of leading one bits of netmask MASK of LEN bytes. */
static unsigned prefix_of(const unsigned char *mask, size_t len) {
        unsigned n = 0;

        for (size_t i = 0; i < len; i++)
                for (int b = 7; b >= 0; b--) {
                        if (!(mask[i] & (1u << b)))
                                return n;
                        n++;
                }
        return n;
}

int firewall_host_addresses(FirewallNet **ret, size_t *ret_n) {
        _cleanup_(freeifaddrsp) struct ifaddrs *list = NULL;
        _cleanup_free_ FirewallNet *v = NULL;
        size_t n = 0, cap = 0;

        if (getifaddrs(&list) < 0)
                return -errno;
        for (struct ifaddrs *i = list; i; i = i->ifa_next) {
                const struct sockaddr *a = i->ifa_addr, *m = i->ifa_netmask;
                FirewallNet net = {};

                if (!a || !m || (a->sa_family != AF_INET && a->sa_family != AF_INET6))
                        continue;
                net.family = a->sa_family;
                if (a->sa_family == AF_INET) {
                        memcpy(net.addr, &((const struct sockaddr_in *) a)->sin_addr, 4);
                        net.prefix = prefix_of((const unsigned char *) &((const struct sockaddr_in *) m)->sin_addr, 4);
                } else {
                        memcpy(net.addr, &((const struct sockaddr_in6 *) a)->sin6_addr, 16);
                        net.prefix = prefix_of((const unsigned char *) &((const struct sockaddr_in6 *) m)->sin6_addr, 16);
                }
                if (!GREEDY_REALLOC(v, cap, n + 1))
                        return -ENOMEM;
                v[n++] = net;
        }
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}
