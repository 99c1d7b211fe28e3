/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The live-daemon checks of verify.h: sock_diag, /proc, `stats settings`. */
#include "verify.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "cleanup.h"
#include "util.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct mnl_socket *, mnl_socket_close);

/* The stats reply is about 2 KiB; anything much larger is not memcached. */
#define STATS_REPLY_MAX (64 * 1024)

static int parse_pid(const char *s, pid_t *ret) {
        long v;
        int r = safe_atol(s, 1, INT32_MAX, &v);
        if (r < 0)
                return r;
        *ret = (pid_t) v;
        return 0;
}

bool verify_pid_alive(pid_t pid) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d", (int) pid);
        return access(path, F_OK) == 0;
}

int verify_read_pidfile(const char *path, pid_t *ret) {
        _cleanup_free_ char *text = NULL;
        pid_t pid;
        int r;

        r = read_config_file(path, &text, NULL);
        if (r < 0)
                return r;
        text[strcspn(text, " \t\r\n")] = '\0';
        r = parse_pid(text, &pid);
        if (r < 0)
                return r;
        /* A stale pid file names a process that is gone (or reused: the
         * caller's socket check then finds no memcached sockets). */
        if (!verify_pid_alive(pid))
                return -ESRCH;
        *ret = pid;
        return 0;
}

int verify_find_pids(pid_t **ret, size_t *ret_n) {
        _cleanup_(closedirp) DIR *d = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0, allocated = 0;
        struct dirent *de;

        d = opendir("/proc");
        if (!d)
                return -errno;

        while ((de = readdir(d))) {
                char path[300], comm[64] = "";
                _cleanup_close_ int fd = -1;
                pid_t pid;
                ssize_t k;

                if (parse_pid(de->d_name, &pid) < 0)
                        continue;
                snprintf(path, sizeof path, "/proc/%s/comm", de->d_name);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue; /* exited meanwhile */
                k = read(fd, comm, sizeof comm - 1);
                if (k <= 0)
                        continue;
                comm[k] = '\0';
                comm[strcspn(comm, "\n")] = '\0';
                if (strcmp(comm, "memcached") != 0)
                        continue;

                if (n == allocated) {
                        size_t a = allocated ? allocated * 2 : 4;
                        pid_t *p = reallocarray(pids, a, sizeof *pids);
                        if (!p)
                                return -ENOMEM;
                        pids = p;
                        allocated = a;
                }
                pids[n++] = pid;
        }

        *ret = TAKE_PTR(pids);
        *ret_n = n;
        return 0;
}

int verify_parse_socket_link(const char *link, ino_t *ret) {
        _cleanup_free_ char *num = NULL;
        const char *p;
        size_t len;
        long v;
        int r;

        if (!link || strncmp(link, "socket:[", 8) != 0)
                return -EINVAL;
        p = link + 8;
        len = strlen(p);
        if (len < 2 || p[len - 1] != ']')
                return -EINVAL;
        num = strndup(p, len - 1);
        if (!num)
                return -ENOMEM;
        r = safe_atol(num, 1, LONG_MAX, &v);
        if (r < 0)
                return r;
        *ret = (ino_t) v;
        return 0;
}

int verify_parse_status_uids(const char *text, uid_t ret[4]) {
        /* uid_t is 32 bits; (uid_t) -1 is never a process's uid. */
        const long uid_max = LONG_MAX < UINT32_MAX ? LONG_MAX : (long) UINT32_MAX - 1;

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                uid_t uids[4];

                if (strncmp(l, "Uid:", 4) != 0)
                        continue;
                l += 4;
                for (size_t i = 0; i < ELEMENTSOF(uids); i++) {
                        char num[16];
                        size_t len;
                        long v;

                        l += strspn(l, " \t");
                        len = strcspn(l, " \t\n");
                        if (len == 0 || len >= sizeof num)
                                return -EBADMSG;
                        memcpy(num, l, len);
                        num[len] = '\0';
                        if (safe_atol(num, 0, uid_max, &v) < 0)
                                return -EBADMSG;
                        uids[i] = (uid_t) v;
                        l += len;
                }
                memcpy(ret, uids, sizeof uids);
                return 0;
        }
        return -EBADMSG;
}

int verify_process_uids(pid_t pid, uid_t ret[4]) {
        _cleanup_close_ int fd = -1;
        char path[64], text[4096];
        size_t have = 0;

        snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        /* The Uid: line comes within the first few hundred bytes. */
        while (have < sizeof text - 1) {
                ssize_t k = read(fd, text + have, sizeof text - 1 - have);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return errno == ESRCH ? -ESRCH : -errno;
                if (k == 0)
                        break;
                have += (size_t) k;
        }
        text[have] = '\0';
        return verify_parse_status_uids(text, ret);
}

/* The socket fds of a process in ascending fd order, read 1 KiB of
 * directory entries at a time: procfs formats as many entries as the buffer
 * holds, so readdir()'s 32 KiB would cost ~1.4 ms on a memcached with
 * 10,000 connections; 1 KiB holds about 40. */
typedef struct FdScan {
        int dir;
        ssize_t size, off;
        char buf[1024] __attribute__((aligned(8)));
} FdScan;

static void fd_scan_done(FdScan *s) {
        closep(&s->dir);
}

/* -ESRCH when the process is gone. */
static int fd_scan_open(FdScan *s, pid_t pid) {
        char path[64];

        snprintf(path, sizeof path, "/proc/%d/fd", (int) pid);
        s->dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->dir < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        s->size = s->off = 0;
        return 0;
}

/* The inode of the next socket fd: 1, or 0 at the end (or once the process
 * is gone). */
static int fd_scan_next(FdScan *s, ino_t *ret) {
        for (;;) {
                const struct dirent64 *de;
                char target[64];
                ssize_t l;

                if (s->off >= s->size) {
                        s->size = syscall(SYS_getdents64, s->dir, s->buf, sizeof s->buf);
                        s->off = 0;
                        if (s->size <= 0)
                                return 0;
                }
                de = (const struct dirent64 *) (s->buf + s->off);
                s->off += de->d_reclen;
                if (de->d_name[0] == '.')
                        continue;
                l = readlinkat(s->dir, de->d_name, target, sizeof target - 1);
                if (l < 0)
                        continue; /* closed meanwhile */
                target[l] = '\0';
                if (verify_parse_socket_link(target, ret) >= 0)
                        return 1;
        }
}

typedef struct DumpState {
        int protocol;
        VerifySocket *sockets;
        size_t n, allocated;
        int error;
} DumpState;

static int add_socket(DumpState *st, int family, const void *addr, uint16_t port, ino_t ino, uid_t uid) {
        VerifySocket *s;

        if (st->n == st->allocated) {
                size_t a = st->allocated ? st->allocated * 2 : 8;
                VerifySocket *p = reallocarray(st->sockets, a, sizeof *p);
                if (!p)
                        return -ENOMEM;
                st->sockets = p;
                st->allocated = a;
        }
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

static bool uid_in(uid_t uid, const uid_t uids[4]) {
        for (size_t i = 0; i < 4; i++)
                if (uids[i] == uid)
                        return true;
        return false;
}

int verify_owned_sockets(const pid_t *pids, size_t n_pids, const VerifySocket *all, size_t n_all,
                         VerifySocket **ret, size_t *ret_n) {
        _cleanup_free_ bool *found = calloc(n_all ?: 1, sizeof *found);
        _cleanup_free_ VerifySocket *owned = calloc(n_all ?: 1, sizeof *owned);
        size_t n = 0;

        if (!found || !owned)
                return -ENOMEM;

        for (size_t i = 0; i < n_pids; i++) {
                _cleanup_(fd_scan_done) FdScan scan = { .dir = -1 };
                size_t own = 0, root = 0, matched_own = 0, matched_root = 0;
                uid_t uids[4];
                ino_t ino;
                int r;

                r = verify_process_uids(pids[i], uids);
                if (r == -ESRCH)
                        continue; /* exited meanwhile */
                if (r < 0)
                        return r;
                for (size_t k = 0; k < n_all; k++) {
                        if (found[k])
                                continue;
                        if (uid_in(all[k].uid, uids))
                                own++;
                        else if (all[k].uid == 0)
                                root++; /* made as root, before -u dropped it */
                }
                if (own + root == 0)
                        continue;

                r = fd_scan_open(&scan, pids[i]);
                if (r == -ESRCH)
                        continue;
                if (r < 0)
                        return r;
                /* All of a daemon's sockets were made under one set of
                 * credentials: once any of its own uids is found, and all of
                 * them are, no root-owned one is left to look for. */
                while (matched_own < own || (matched_own == 0 && matched_root < root)) {
                        if (fd_scan_next(&scan, &ino) <= 0)
                                break; /* the end, or the process is gone */
                        for (size_t k = 0; k < n_all; k++) {
                                if (found[k] || all[k].inode != ino)
                                        continue;
                                if (uid_in(all[k].uid, uids))
                                        matched_own++;
                                else if (all[k].uid == 0)
                                        matched_root++;
                                else
                                        continue;
                                found[k] = true;
                                owned[n++] = all[k];
                        }
                }
        }

        *ret = TAKE_PTR(owned);
        *ret_n = n;
        return 0;
}

typedef struct InodeList {
        ino_t *inodes;
        size_t n, allocated;
        int error;
} InodeList;

static int inode_add(InodeList *l, ino_t ino) {
        if (l->n == l->allocated) {
                size_t a = l->allocated ? l->allocated * 2 : 8;
                ino_t *p = reallocarray(l->inodes, a, sizeof *p);
                if (!p)
                        return -ENOMEM;
                l->inodes = p;
                l->allocated = a;
        }
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

/* The inodes of the host's listening unix sockets. */
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

int verify_holds_unix_listener(const pid_t *pids, size_t n_pids, bool *ret) {
        InodeList l = {};
        bool holds = false;
        int r;

        r = unix_listeners(&l);
        if (r < 0)
                goto finish;
        /* Only a daemon with no TCP or UDP socket is asked: a full read of
         * its fds is then cheap, and its listener comes first anyway. */
        for (size_t i = 0; i < n_pids && l.n > 0 && !holds; i++) {
                _cleanup_(fd_scan_done) FdScan scan = { .dir = -1 };
                ino_t ino;

                r = fd_scan_open(&scan, pids[i]);
                if (r == -ESRCH)
                        continue;
                if (r < 0)
                        goto finish;
                while (!holds && fd_scan_next(&scan, &ino) > 0)
                        for (size_t k = 0; k < l.n && !holds; k++)
                                holds = l.inodes[k] == ino;
        }
        *ret = holds;
        r = 0;
finish:
        free(l.inodes);
        return r;
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

void verify_judge(const VerifySocket *s, size_t n, size_t *ret_udp, size_t *ret_bad_tcp) {
        size_t udp = 0, bad = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i].protocol == IPPROTO_UDP)
                        udp++;
                else if (!addr_class_allowed(addr_classify_raw(s[i].family, &s[i].addr)))
                        bad++;
        }
        *ret_udp = udp;
        *ret_bad_tcp = bad;
}

int verify_parse_stats(const char *text, long *ret_udpport, char **ret_inter) {
        _cleanup_free_ char *inter = NULL;
        long udpport = -1;
        bool end = false;

        for (const char *l = text; l && *l;) {
                const char *eol = strchr(l, '\n');
                size_t len = eol ? (size_t) (eol - l) : strlen(l);
                _cleanup_free_ char *line = strndup(l, len);

                if (!line)
                        return -ENOMEM;
                if (len > 0 && line[len - 1] == '\r')
                        line[len - 1] = '\0';

                if (strcmp(line, "END") == 0) {
                        end = true;
                        break;
                }
                if (strncmp(line, "STAT udpport ", 13) == 0) {
                        long v;
                        if (safe_atol(line + 13, 0, 65535, &v) < 0)
                                return -EBADMSG;
                        udpport = v;
                } else if (strncmp(line, "STAT inter ", 11) == 0) {
                        free(inter);
                        inter = strdup(line + 11);
                        if (!inter)
                                return -ENOMEM;
                } else if (strncmp(line, "STAT ", 5) != 0)
                        return -EBADMSG; /* ERROR, CLIENT_ERROR, anything else */

                l = eol ? eol + 1 : NULL;
        }
        if (!end)
                return -EBADMSG;

        *ret_udpport = udpport;
        *ret_inter = TAKE_PTR(inter);
        return 0;
}

/* Waits for EVENTS on FD until DEADLINE (now_ms()): 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, long deadline) {
        for (;;) {
                struct pollfd p = { .fd = fd, .events = events };
                long left = deadline - now_ms();
                int k = poll(&p, 1, left > 0 ? (int) left : 0);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return -ETIMEDOUT;
                return 0;
        }
}

/* The address to connect to for a listener, or false if we must not. */
static bool stats_target(const VerifySocket *s, struct sockaddr_storage *ss, socklen_t *len, int *rank) {
        AddrClass c = addr_classify_raw(s->family, &s->addr);

        if (s->protocol != IPPROTO_TCP)
                return false;
        memset(ss, 0, sizeof *ss);
        if (s->family == AF_INET) {
                struct sockaddr_in *a = (struct sockaddr_in *) ss;
                a->sin_family = AF_INET;
                a->sin_port = htons(s->port);
                /* A wildcard listener is reachable through loopback, which
                 * keeps the probe on this host. */
                a->sin_addr.s_addr = c == ADDR_WILDCARD ? htonl(INADDR_LOOPBACK) : s->addr.v4.s_addr;
                *len = sizeof *a;
        } else {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *) ss;
                a->sin6_family = AF_INET6;
                a->sin6_port = htons(s->port);
                a->sin6_addr = c == ADDR_WILDCARD ? in6addr_loopback : s->addr.v6;
                *len = sizeof *a;
        }
        /* Prefer loopback: it is always up, and never leaves the host. */
        *rank = (c == ADDR_LOOPBACK || c == ADDR_WILDCARD) ? 0 : c == ADDR_PRIVATE ? 1 : -1;
        return *rank >= 0;
}

static int query_one(const struct sockaddr_storage *ss, socklen_t len, unsigned timeout_ms,
                     long *ret_udpport, char **ret_inter) {
        static const char request[] = "stats settings\r\n";
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        long deadline = now_ms() + (long) timeout_ms;
        size_t have = 0, sent = 0;
        int r;

        fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (const struct sockaddr *) ss, len) < 0) {
                int err = 0;
                socklen_t el = sizeof err;

                if (errno != EINPROGRESS)
                        return -errno;
                r = wait_fd(fd, POLLOUT, deadline);
                if (r < 0)
                        return r;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
                        return -errno;
                if (err != 0)
                        return -err;
        }

        while (sent < sizeof request - 1) {
                ssize_t k = send(fd, request + sent, sizeof request - 1 - sent, MSG_NOSIGNAL);
                if (k < 0 && errno == EAGAIN) {
                        r = wait_fd(fd, POLLOUT, deadline);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (k < 0)
                        return -errno;
                sent += (size_t) k;
        }

        buf = malloc(STATS_REPLY_MAX + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k;

                r = wait_fd(fd, POLLIN, deadline);
                if (r < 0)
                        return r;
                k = recv(fd, buf + have, STATS_REPLY_MAX - have, 0);
                if (k < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return -ECONNRESET;
                have += (size_t) k;
                buf[have] = '\0';
                if ((have >= 5 && strcmp(buf + have - 5, "END\r\n") == 0) ||
                    strstr(buf, "ERROR"))
                        break;
                if (have >= STATS_REPLY_MAX)
                        return -EMSGSIZE;
        }

        return verify_parse_stats(buf, ret_udpport, ret_inter);
}

int verify_query_stats(const VerifySocket *s, size_t n, unsigned timeout_ms,
                       long *ret_udpport, char **ret_inter) {
        int r = -ENOENT;

        for (int want = 0; want <= 1; want++)
                for (size_t i = 0; i < n; i++) {
                        struct sockaddr_storage ss;
                        socklen_t len;
                        int rank;

                        if (!stats_target(&s[i], &ss, &len, &rank) || rank != want)
                                continue;
                        r = query_one(&ss, len, timeout_ms, ret_udpport, ret_inter);
                        if (r >= 0)
                                return 0;
                }
        return r;
}
