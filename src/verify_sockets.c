/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The socket lists of verify_sockets.h: sock_diag netlink, /proc/net. */
#include "verify_sockets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "array.h"
#include "cleanup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct mnl_socket *, mnl_socket_close);

typedef struct DumpState {
        int protocol;
        VerifySocket *sockets;
        size_t n, allocated;
        int error;
} DumpState;

static int add_socket(DumpState *st, int family, const void *addr, uint16_t port, ino_t ino, uid_t uid) {
        VerifySocket *s;

        if (!GREEDY_REALLOC(st->sockets, st->allocated, st->n + 1))
                return -ENOMEM;
        s = &st->sockets[st->n++];
        *s = (VerifySocket) {
                .protocol = st->protocol,
                .family = family,
                .port = port,
                .inode = ino,
                .uid = uid,
        };
        if (family == AF_INET)
                memcpy(&s->addr.v4, addr, sizeof s->addr.v4);
        else
                memcpy(&s->addr.v6, addr, sizeof s->addr.v6);
        return 0;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data) {
        DumpState *st = data;
        const struct inet_diag_msg *m;
        int r;

        if (mnl_nlmsg_get_payload_len(nlh) < sizeof *m)
                return MNL_CB_OK;
        m = mnl_nlmsg_get_payload(nlh);
        if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
                return MNL_CB_OK;

        r = add_socket(st, m->idiag_family, m->id.idiag_src, ntohs(m->id.idiag_sport),
                       (ino_t) m->idiag_inode, (uid_t) m->idiag_uid);
        if (r < 0) {
                st->error = r;
                return MNL_CB_ERROR;
        }
        return MNL_CB_OK;
}

static int diag_open(struct mnl_socket **ret) {
        struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);

        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int r = -errno;
                mnl_socket_close(nl);
                return r;
        }
        *ret = nl;
        return 0;
}

/* Sends the dump request in BUF (32 KiB) and runs CB on every reply until
 * the dump ends. CB stores its own error in *CB_ERROR. */
static int diag_run(struct mnl_socket *nl, char *buf, mnl_cb_t cb, void *data, const int *cb_error) {
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
        unsigned portid = mnl_socket_get_portid(nl), seq = nlh->nlmsg_seq;
        ssize_t k;
        int r;

        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        for (;;) {
                k = mnl_socket_recvfrom(nl, buf, 32768);
                if (k < 0)
                        return -errno;
                r = mnl_cb_run(buf, (size_t) k, seq, portid, cb, data);
                if (r == MNL_CB_STOP)
                        return 0;
                if (r < 0)
                        return *cb_error < 0 ? *cb_error : -errno;
        }
}

/* One SOCK_DIAG_BY_FAMILY dump. STATES is the kernel-side filter: only
 * sockets in these states are sent to us at all. */
static int diag_dump(struct mnl_socket *nl, int family, int protocol, uint32_t states, DumpState *st) {
        /* 32 KiB per read as `ss` uses; the kernel fills up to that much. */
        _cleanup_free_ char *buf = malloc(32768);
        struct inet_diag_req_v2 *req;
        struct nlmsghdr *nlh;

        if (!buf)
                return -ENOMEM;

        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = (unsigned) time(NULL) ^ (unsigned) (family << 8 | protocol);
        req = mnl_nlmsg_put_extra_header(nlh, sizeof *req);
        req->sdiag_family = (uint8_t) family;
        req->sdiag_protocol = (uint8_t) protocol;
        req->idiag_states = states;

        st->protocol = protocol;
        return diag_run(nl, buf, dump_cb, st, &st->error);
}

/* Fallback when the kernel lacks the diag module for a protocol (ENOENT):
 * the /proc/net tables, filtered by state as above. */
static int proc_net_scan(const char *path, int family, int protocol, int only_state, DumpState *st) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;

        f = fopen(path, "re");
        if (!f)
                return errno == ENOENT ? 0 : -errno; /* no IPv6 configured */
        st->protocol = protocol;

        while (getline(&line, &size, f) > 0) {
                char local[64];
                unsigned state, port, uid;
                unsigned long inode;
                unsigned char addr[16];

                /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
                if (sscanf(line, " %*s %63[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %u %*s %lu",
                           local, &port, &state, &uid, &inode) != 5)
                        continue; /* the header line */
                if (only_state >= 0 && (int) state != only_state)
                        continue;
                /* The kernel prints each 32-bit word in host order. */
                size_t words = family == AF_INET ? 1 : 4;
                if (strlen(local) != words * 8)
                        continue;
                for (size_t w = 0; w < words; w++) {
                        char hex[9];
                        uint32_t v;
                        memcpy(hex, local + w * 8, 8);
                        hex[8] = '\0';
                        v = (uint32_t) strtoul(hex, NULL, 16);
                        memcpy(addr + w * 4, &v, 4);
                }
                int r = add_socket(st, family, addr, (uint16_t) port, (ino_t) inode, (uid_t) uid);
                if (r < 0)
                        return r;
        }
        return 0;
}

int verify_list_sockets(VerifySocket **ret, size_t *ret_n) {
        static const struct {
                int family, protocol;
                uint32_t states;
                const char *proc;
        } dumps[] = {
                { AF_INET, IPPROTO_TCP, 1u << TCP_LISTEN, "/proc/net/tcp" },
                { AF_INET6, IPPROTO_TCP, 1u << TCP_LISTEN, "/proc/net/tcp6" },
                { AF_INET, IPPROTO_UDP, UINT32_MAX, "/proc/net/udp" },
                { AF_INET6, IPPROTO_UDP, UINT32_MAX, "/proc/net/udp6" },
        };
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        DumpState st = {};
        int r;

        r = diag_open(&nl);
        if (r < 0)
                return r;

        for (size_t i = 0; i < ELEMENTSOF(dumps); i++) {
                r = diag_dump(nl, dumps[i].family, dumps[i].protocol, dumps[i].states, &st);
                if (r == -ENOENT || r == -EAFNOSUPPORT) {
                        bool tcp = dumps[i].protocol == IPPROTO_TCP;
                        r = proc_net_scan(dumps[i].proc, dumps[i].family, dumps[i].protocol,
                                          tcp ? TCP_LISTEN : -1, &st);
                }
                if (r < 0)
                        goto finish;
        }

        *ret = TAKE_PTR(st.sockets);
        *ret_n = st.n;
        r = 0;
finish:
        free(st.sockets);
        return r;
}

typedef struct InodeList {
        ino_t *inodes;
        size_t n, allocated;
        int error;
} InodeList;

static int inode_add(InodeList *l, ino_t ino) {
        if (!GREEDY_REALLOC(l->inodes, l->allocated, l->n + 1))
                return -ENOMEM;
        l->inodes[l->n++] = ino;
        return 0;
}

static int unix_dump_cb(const struct nlmsghdr *nlh, void *data) {
        InodeList *l = data;
        const struct unix_diag_msg *m;
        int r;

        if (mnl_nlmsg_get_payload_len(nlh) < sizeof *m)
                return MNL_CB_OK;
        m = mnl_nlmsg_get_payload(nlh);
        r = inode_add(l, (ino_t) m->udiag_ino);
        if (r < 0) {
                l->error = r;
                return MNL_CB_ERROR;
        }
        return MNL_CB_OK;
}

/* Fallback without the unix_diag module: /proc/net/unix, where a listener
 * has __SO_ACCEPTCON among its flags. */
static int proc_net_unix_listeners(InodeList *l) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;

        f = fopen("/proc/net/unix", "re");
        if (!f)
                return -errno;
        /* Num RefCount Protocol Flags Type St Inode Path */
        while (getline(&line, &size, f) > 0) {
                unsigned flags;
                unsigned long inode;

                if (sscanf(line, "%*s %*s %*s %x %*s %*s %lu", &flags, &inode) != 2)
                        continue; /* the header line */
                if (!(flags & 0x10000))
                        continue;
                int r = inode_add(l, (ino_t) inode);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The listening unix sockets, through unix_diag or /proc/net/unix. */
static int unix_listeners(InodeList *l) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        _cleanup_free_ char *buf = malloc(32768);
        struct unix_diag_req *req;
        struct nlmsghdr *nlh;
        int r;

        if (!buf)
                return -ENOMEM;
        r = diag_open(&nl);
        if (r < 0)
                return r;

        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = (unsigned) time(NULL) ^ AF_UNIX;
        req = mnl_nlmsg_put_extra_header(nlh, sizeof *req);
        req->sdiag_family = AF_UNIX;
        req->udiag_states = 1u << TCP_LISTEN;

        r = diag_run(nl, buf, unix_dump_cb, l, &l->error);
        if (r == -ENOENT || r == -EAFNOSUPPORT) {
                l->n = 0;
                r = proc_net_unix_listeners(l);
        }
        return r;
}

int verify_list_unix_listeners(ino_t **ret, size_t *ret_n) {
        InodeList l = {};
        int r;

        r = unix_listeners(&l);
        if (r < 0) {
                free(l.inodes);
                return r;
        }
        *ret = l.inodes;
        *ret_n = l.n;
        return 0;
}

char *verify_socket_to_string(const VerifySocket *s) {
        char host[INET6_ADDRSTRLEN];
        char *out;

        if (!inet_ntop(s->family, &s->addr, host, sizeof host))
                return NULL;
        if (asprintf(&out, s->family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, (unsigned) s->port) < 0)
                return NULL;
        return out;
}
