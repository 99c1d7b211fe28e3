/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test oracle: what memcached 1.6 makes of its arguments, and what systemd
 * hands it from an EnvironmentFile or a unit. Written from memcached's
 * memcached.c (main()'s getopt loop and `case 'l'`, server_sockets()) and from systemd's
 * manuals (systemd.exec(5) EnvironmentFile=, systemd.service(5) "Command
 * lines") and env-file.c. Independent of memharden's parser on purpose.
 *
 *   mcargs STRING
 *       Splits STRING on whitespace (as Debian's wrapper's exec does) and
 *       runs glibc's getopt_long() with memcached's option table; prints
 *       "listen=A,B udp=N socket=S" (every -l joined, the last -U).
 *   mcargs --listeners [--mc VERSION] STRING
 *   mcargs --listeners [--mc VERSION] -- ARG...
 *       What memcached would bind, from STRING split on whitespace or from
 *       the exact argument vector ARG...:
 *         "tcp=H:P,...|none udp=H:P,...|off inter=LIST|NULL" (inter as
 *         `stats settings` shows it), then "refused: REASON" on a second
 *         line where memcached exits non-zero instead (the first line is
 *         then the set as far as the grammar reads it).
 *       H is the host as getaddrinfo() reads it: a dotted quad (inet_aton
 *       forms normalised), [V6] (canonical), "*" (every interface: 0.0.0.0
 *       and [::]) or a host name as written. With -s: "tcp=none udp=off
 *       unix=PATH". VERSION is memcached's (default: the newest grammar):
 *       btls:/mtls: need 1.6.30, tag_NAME_ needs 1.6.40.
 *   mcargs --systemd-env FILE NAME
 *       NAME's value as systemd's EnvironmentFile= reads FILE ("unset" if
 *       it is not assigned).
 *   mcargs --systemd-argv FILE [EXECSTART]
 *       The argument vector systemd builds from EXECSTART (default: the
 *       memcached package's unit on RHEL/Fedora) with FILE as its
 *       EnvironmentFile=, one word per line as <word>.
 *   mcargs --systemd [--mc VERSION] FILE [EXECSTART]
 *       --listeners of that argument vector.
 *   mcargs --unit ROOT UNIT
 *       The argument vector systemd 252 execs for service UNIT (NAME.service
 *       or NAME@INSTANCE.service) of the image at ROOT, one word per line as
 *       <word>, argv[0] first: the unit file found in the search path and
 *       its drop-ins, ExecStart= with its specifiers, Environment= and
 *       EnvironmentFile= at exec. Exit 1 and a message when the unit cannot
 *       be loaded (none, masked, bad setting) or has not exactly one
 *       ExecStart= command, or the start would fail. Written from
 *       systemd.unit(5), systemd.service(5), systemd.exec(5),
 *       systemd.syntax(7) and, for the edge cases, systemd's conf-parser.c,
 *       load-fragment.c, dropin.c, extract-word.c, escape.c, env-util.c and
 *       specifier.c; cross-checked against systemd 252's own loader.
 *   mcargs --unit-listeners [--mc VERSION] ROOT UNIT
 *       --listeners of that argument vector.
 *   mcargs --unit-dump ROOT UNIT
 *       The unit as loaded, before the exec-time expansion: "fragment P",
 *       "dropin P", "environment N=V", "environment-file P", "argv <W>".
 *   mcargs --resolve ROOT PATH
 *       PATH with every symlink followed inside ROOT, relative to ROOT.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RHEL_EXEC_START "/usr/bin/memcached -p ${PORT} -u ${USER} -m ${CACHESIZE} -c ${MAXCONN} $OPTIONS"
#define MAX_WORDS 512

static const struct option longopts[] = {
        { "unix-mask", required_argument, 0, 'a' }, { "enable-shutdown", no_argument, 0, 'A' },
        { "enable-ssl", no_argument, 0, 'Z' }, { "port", required_argument, 0, 'p' },
        { "unix-socket", required_argument, 0, 's' }, { "udp-port", required_argument, 0, 'U' },
        { "memory-limit", required_argument, 0, 'm' }, { "disable-evictions", no_argument, 0, 'M' },
        { "conn-limit", required_argument, 0, 'c' }, { "lock-memory", no_argument, 0, 'k' },
        { "help", no_argument, 0, 'h' }, { "license", no_argument, 0, 'i' },
        { "version", no_argument, 0, 'V' }, { "enable-coredumps", no_argument, 0, 'r' },
        { "verbose", optional_argument, 0, 'v' }, { "daemon", no_argument, 0, 'd' },
        { "listen", required_argument, 0, 'l' }, { "user", required_argument, 0, 'u' },
        { "pidfile", required_argument, 0, 'P' }, { "slab-growth-factor", required_argument, 0, 'f' },
        { "slab-min-size", required_argument, 0, 'n' }, { "threads", required_argument, 0, 't' },
        { "enable-largepages", no_argument, 0, 'L' }, { "max-reqs-per-event", required_argument, 0, 'R' },
        { "disable-cas", no_argument, 0, 'C' }, { "listen-backlog", required_argument, 0, 'b' },
        { "protocol", required_argument, 0, 'B' }, { "max-item-size", required_argument, 0, 'I' },
        { "enable-sasl", no_argument, 0, 'S' }, { "disable-flush-all", no_argument, 0, 'F' },
        { "disable-dumping", no_argument, 0, 'X' }, { "disable-watch", no_argument, 0, 'W' },
        { "auth-file", required_argument, 0, 'Y' }, { "memory-file", required_argument, 0, 'e' },
        { "extended", required_argument, 0, 'o' }, { "napi_ids", required_argument, 0, 'N' },
        { 0, 0, 0, 0 },
};
static const char optstring[] = "a:AZp:s:U:m:Mc:khiVrvdl:u:P:f:n:t:D:LR:CSFXWb:B:I:Y:e:o:N:";

/* The legacy mode, as lib.sh's mc() uses it. */
static int legacy(char *s) {
        char *words[MAX_WORDS] = { "memcached" }, listen[4096] = "", *udp = "unset", *sock = "none";
        int n = 1, c;

        for (char *save = NULL, *w = strtok_r(s, " \t\n", &save); w && n < MAX_WORDS - 1; w = strtok_r(NULL, " \t\n", &save))
                words[n++] = w;
        opterr = 0;
        while ((c = getopt_long(n, words, optstring, longopts, NULL)) != -1) {
                if (c == '?') {
                        printf("error\n");
                        return 1;
                }
                if (c == 'l')
                        snprintf(listen + strlen(listen), sizeof listen - strlen(listen), "%s%s", *listen ? "," : "", optarg);
                if (c == 'U')
                        udp = optarg;
                if (c == 's')
                        sock = optarg;
        }
        printf("listen=%s udp=%s socket=%s\n", *listen ? listen : "any", udp, sock);
        return 0;
}

/* ---- memcached's listeners ---- */

struct settings {
        int version;            /* 10000 * major + 100 * minor + patch */
        char *inter;            /* settings.inter: NULL until the first -l */
        int port, udpport;
        bool tcp_specified, udp_specified, ssl;
        const char *socketpath;
};

struct listener {
        int family;             /* 4, 6, 0 for a name, -1 for "*" */
        char host[256];
        int port;
};

struct result {
        struct listener tcp[256], udp[256];
        int n_tcp, n_udp;
        char refused[512];
};

__attribute__((format(printf, 2, 3)))
static void refuse(struct result *r, const char *fmt, ...) {
        va_list ap;

        if (*r->refused)
                return;
        va_start(ap, fmt);
        vsnprintf(r->refused, sizeof r->refused, fmt, ap);
        va_end(ap);
}

/* main()'s getopt loop: -l by the substring rule, -U and -p by atoi(). */
static bool read_options(int n, char **words, struct settings *s, struct result *r) {
        int c;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(n, words, optstring, longopts, NULL)) != -1) {
                switch (c) {
                case '?':
                        refuse(r, "getopt: unknown option or missing value");
                        return false;
                case 'l':
                        /* A value already contained in the list is ignored. */
                        if (s->inter && strstr(s->inter, optarg))
                                break;
                        if (s->inter) {
                                char *p;
                                if (asprintf(&p, "%s,%s", s->inter, optarg) < 0)
                                        abort();
                                free(s->inter);
                                s->inter = p;
                        } else
                                s->inter = strdup(optarg);
                        break;
                case 'U':
                        s->udpport = atoi(optarg);
                        s->udp_specified = true;
                        break;
                case 'p':
                        s->port = atoi(optarg);
                        s->tcp_specified = true;
                        break;
                case 's':
                        s->socketpath = optarg;
                        break;
                case 'Z':
                        s->ssl = true;
                        break;
                }
        }
        if (s->udp_specified && s->udpport != 0 && !s->tcp_specified)
                s->port = s->udpport;
        if (s->port > 65535) {
                refuse(r, "ERROR: Invalid port number %d (-p)", s->port);
                return false;
        }
        return true;
}

/* The host as getaddrinfo() takes it: numeric forms normalised. */
static void set_host(struct listener *l, const char *p) {
        struct in_addr a4;
        struct in6_addr a6;
        char buf[INET6_ADDRSTRLEN];

        if (!p) {
                l->family = -1;
                snprintf(l->host, sizeof l->host, "*");
        } else if (!strpbrk(p, " \t\n") && inet_aton(p, &a4)) {
                l->family = 4;
                snprintf(l->host, sizeof l->host, "%s", inet_ntop(AF_INET, &a4, buf, sizeof buf));
        } else if (inet_pton(AF_INET6, p, &a6) == 1) {
                l->family = 6;
                snprintf(l->host, sizeof l->host, "[%s]", inet_ntop(AF_INET6, &a6, buf, sizeof buf));
        } else {
                l->family = 0;
                snprintf(l->host, sizeof l->host, "%s", p);
        }
}

/* Skips a "[NAME]" (or, for tag_ from 1.6.40, "_NAME_") after a prefix, and
 * the one character after it; NAME's length in *len. NULL when malformed. */
static char *bracketed(char *p, bool underscore, size_t *len, struct result *r, const char *what) {
        char *e = strchr(p, ']');

        if (!e && underscore)
                e = strchr(p + 1, '_');
        if (!e) {
                refuse(r, "%s", what);
                return NULL;
        }
        *len = (size_t) (e - (p + 1));
        *e = '\0';
        if (e[1] == '\0') {
                /* memcached skips "an assumed ':'": here that is the end. */
                refuse(r, "%s: nothing after the closing bracket (memcached reads past the element)", what);
                return NULL;
        }
        return e + 2;
}

/* One element of the list, as server_sockets() reads it. */
static bool read_element(char *p, const struct settings *s, int port, struct listener *l, struct result *r) {
        static const char *const tls_prefixes[] = { "notls", "btls", "mtls" };
        size_t len;
        char *h = NULL, *colon;
        int the_port = port;

        for (size_t i = 0; i < 3; i++) {
                if (i > 0 && s->version < 10630)
                        break;
                if (strncmp(p, tls_prefixes[i], strlen(tls_prefixes[i])) == 0) {
                        if (!s->ssl)
                                refuse(r, "'%s' option is valid only when SSL is enabled", tls_prefixes[i]);
                        p += strlen(tls_prefixes[i]) + 1;
                        break;
                }
        }
        if (strncmp(p, "proto", 5) == 0) {
                p += 5;
                if (*p == '[') {
                        char *st = p + 1;
                        if (!(p = bracketed(p, false, &len, r, "Invalid protocol spec")))
                                return false;
                        if (strncmp(st, "ascii", len) != 0 && strncmp(st, "binary", len) != 0 &&
                            strncmp(st, "negotiating", len) != 0 && strncmp(st, "proxy", len) == 0) {
                                refuse(r, "proto[%s]: the proxy is not built in or not enabled", st);
                                return false;
                        }
                }
        }
        if (strncmp(p, "tag", 3) == 0) {
                p += 3;
                if (*p == '[' || (*p == '_' && s->version >= 10640)) {
                        if (!(p = bracketed(p, s->version >= 10640, &len, r, "Invalid tag in socket config")))
                                return false;
                        if (len < 1 || len > 8) {
                                refuse(r, "Listener tags must be between 1 and 8 characters");
                                return false;
                        }
                }
        }
        if (*p == '[') {
                char *e = strchr(p, ']');
                if (!e) {
                        refuse(r, "Invalid IPV6 address: \"%s\"", p);
                        return false;
                }
                h = p + 1;
                *e = '\0';
                p = e + 1;
        }
        colon = strchr(p, ':');
        /* One colon, or a bracketed host: the rest is the port. Two or more
         * colons without brackets: a bare IPv6 address. */
        if (colon && (!strchr(colon + 1, ':') || h)) {
                char *end;
                long v;
                *colon = '\0';
                v = strtol(colon + 1, &end, 10);
                if (end == colon + 1 || *end || v > 2147483647L || v < -2147483647L - 1) {
                        refuse(r, "Invalid port number: \"%s\"", colon + 1);
                        return false;
                }
                the_port = (int) v;
        }
        if (h)
                p = h;
        set_host(l, strcmp(p, "*") == 0 ? NULL : p);
        /* server_socket(): port -1 means 0, an ephemeral port. */
        l->port = the_port == -1 ? 0 : the_port;
        if (l->family == 0 && strchr(l->host, ':')) {
                refuse(r, "getaddrinfo(): no such host \"%s\"", l->host);
                return false;
        }
        return true;
}

/* server_sockets() for one transport: every element of the list, or "*". */
static bool bind_all(const struct settings *s, int port, struct listener *out, int *n, struct result *r) {
        char *list, *save = NULL;

        if (!s->inter) {
                set_host(&out[0], NULL);
                out[0].port = port == -1 ? 0 : port;
                *n = 1;
                return true;
        }
        list = strdup(s->inter);
        /* memcached stops at the first bad element; the set read on is
         * printed anyway, beside the refusal. */
        for (char *p = strtok_r(list, ";,", &save); p && *n < 256; p = strtok_r(NULL, ";,", &save))
                if (read_element(p, s, port, &out[*n], r))
                        (*n)++;
        free(list);
        return true;
}

/* TCP binds that Linux refuses (EADDRINUSE), which memcached treats as a
 * failed listener: the same port and family, the same address or either
 * one the wildcard. "*" binds 0.0.0.0 and [::] (IPV6_V6ONLY). */
static bool conflicts(const struct listener *a, const struct listener *b) {
        bool a_any = a->family == -1 || !strcmp(a->host, "0.0.0.0") || !strcmp(a->host, "[::]");
        bool b_any = b->family == -1 || !strcmp(b->host, "0.0.0.0") || !strcmp(b->host, "[::]");

        if (a->port != b->port || a->port == 0 || a->family == 0 || b->family == 0)
                return false;
        if (a->family != -1 && b->family != -1 && a->family != b->family)
                return false;
        return a_any || b_any || !strcmp(a->host, b->host);
}

static void print_set(const char *name, const struct listener *l, int n) {
        printf("%s=", name);
        if (n == 0)
                printf("none");
        for (int i = 0; i < n; i++)
                printf("%s%s:%d", i ? "," : "", l[i].host, l[i].port);
}

static int listeners(int n, char **words, int version) {
        struct settings s = { .version = version, .port = 11211 };
        struct result *r = calloc(1, sizeof *r);

        if (read_options(n, words, &s, r) && !s.socketpath) {
                if (s.port)
                        bind_all(&s, s.port, r->tcp, &r->n_tcp, r);
                for (int i = 0; i < r->n_tcp && !*r->refused; i++)
                        for (int j = 0; j < i; j++)
                                if (conflicts(&r->tcp[i], &r->tcp[j])) {
                                        refuse(r, "bind(): address already in use: %s", r->tcp[i].host);
                                        break;
                                }
                if (s.udpport)
                        bind_all(&s, s.udpport, r->udp, &r->n_udp, r);
        }
        if (s.socketpath)
                printf("tcp=none udp=off unix=%s", s.socketpath);
        else {
                print_set("tcp", r->tcp, r->n_tcp);
                if (s.udpport)
                        print_set(" udp", r->udp, r->n_udp);
                else
                        printf(" udp=off");
        }
        printf(" inter=%s\n", s.inter ? s.inter : "NULL");
        if (*r->refused)
                printf("refused: %s\n", r->refused);
        free(s.inter);
        free(r);
        return 0;
}

static int parse_version(const char *v) {
        int a = 0, b = 0, c = 0;

        if (!strcmp(v, "head"))
                return 19999;
        if (sscanf(v, "%d.%d.%d", &a, &b, &c) < 2)
                return -1;
        return a * 10000 + b * 100 + c;
}

/* ---- systemd: EnvironmentFile= and ExecStart= ---- */

struct env {
        char *name[256], *value[256];
        int n;
};

static bool env_name_valid(const char *k) {
        if (!*k || (*k >= '0' && *k <= '9'))
                return false;
        for (; *k; k++)
                if (!(*k == '_' || (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9')))
                        return false;
        return true;
}

/* An assignment with a name that is not a valid variable name (such as
 * "export OPTIONS") is dropped by systemd; a later one replaces an earlier. */
static void env_push(struct env *e, char *key, size_t n_key, size_t key_ws, char *value, size_t n_value) {
        key[key_ws != (size_t) -1 ? key_ws : n_key] = '\0';
        value[n_value] = '\0';
        if (!env_name_valid(key))
                return;
        for (int i = 0; i < e->n; i++)
                if (!strcmp(e->name[i], key)) {
                        free(e->value[i]);
                        e->value[i] = strdup(value);
                        return;
                }
        if (e->n < 256) {
                e->name[e->n] = strdup(key);
                e->value[e->n++] = strdup(value);
        }
}

/* systemd's env-file.c state machine (v252, Debian 12 and RHEL 9): no
 * variable expansion; '#'/';' comment lines; unquoted values keep interior
 * whitespace and lose the trailing; "\" keeps the next character; single
 * quotes verbatim; double quotes with \" \\ \` \$ escapes, other "\X" kept
 * as is; after a closing quote the value goes on (so a trailing comment
 * after a quoted value becomes part of the value). */
static int env_read(const char *path, struct env *e) {
        enum { PRE_KEY, KEY, PRE_VALUE, VALUE, VALUE_ESCAPE, SQ, DQ, DQ_ESCAPE, COMMENT, COMMENT_ESCAPE } st = PRE_KEY;
        static char key[65536], value[65536];
        size_t n_key = 0, n_value = 0, key_ws = (size_t) -1, value_ws = (size_t) -1;
        FILE *f = fopen(path, "re");
        int c;

        if (!f)
                return -1;
        while ((c = fgetc(f)) != EOF && n_key < sizeof key - 2 && n_value < sizeof value - 3) {
                bool nl = c == '\n' || c == '\r', ws = c == ' ' || c == '\t' || nl;
                switch (st) {
                case PRE_KEY:
                        if (c == '#' || c == ';')
                                st = COMMENT;
                        else if (!ws) {
                                st = KEY;
                                key_ws = (size_t) -1;
                                key[n_key++] = (char) c;
                        }
                        break;
                case KEY:
                        if (nl) {
                                st = PRE_KEY;
                                n_key = 0;
                        } else if (c == '=') {
                                st = PRE_VALUE;
                                value_ws = (size_t) -1;
                        } else {
                                if (!ws)
                                        key_ws = (size_t) -1;
                                else if (key_ws == (size_t) -1)
                                        key_ws = n_key;
                                key[n_key++] = (char) c;
                        }
                        break;
                case PRE_VALUE:
                case VALUE:
                        if (nl) {
                                if (st == VALUE && value_ws != (size_t) -1)
                                        n_value = value_ws;
                                env_push(e, key, n_key, key_ws, value, n_value);
                                st = PRE_KEY;
                                n_key = n_value = 0;
                        } else if (st == PRE_VALUE && c == '\'')
                                st = SQ;
                        else if (st == PRE_VALUE && c == '"')
                                st = DQ;
                        else if (c == '\\') {
                                st = VALUE_ESCAPE;
                                value_ws = (size_t) -1;
                        } else if (st == VALUE || !ws) {
                                if (st == PRE_VALUE || !ws)
                                        value_ws = (size_t) -1;
                                else if (value_ws == (size_t) -1)
                                        value_ws = n_value;
                                st = VALUE;
                                value[n_value++] = (char) c;
                        }
                        break;
                case VALUE_ESCAPE:
                        st = VALUE;
                        if (!nl)
                                value[n_value++] = (char) c;
                        break;
                case SQ:
                        if (c == '\'')
                                st = PRE_VALUE;
                        else
                                value[n_value++] = (char) c;
                        break;
                case DQ:
                        if (c == '"')
                                st = PRE_VALUE;
                        else if (c == '\\')
                                st = DQ_ESCAPE;
                        else
                                value[n_value++] = (char) c;
                        break;
                case DQ_ESCAPE:
                        st = DQ;
                        if (strchr("\"\\`$", c))
                                value[n_value++] = (char) c;
                        else if (c != '\n') {
                                value[n_value++] = '\\';
                                value[n_value++] = (char) c;
                        }
                        break;
                case COMMENT:
                        if (c == '\\')
                                st = COMMENT_ESCAPE;
                        else if (nl)
                                st = PRE_KEY;
                        break;
                case COMMENT_ESCAPE:
                        /* v252: an escaped character, the newline too, stays in the comment. */
                        st = COMMENT;
                        break;
                }
        }
        fclose(f);
        if (st == PRE_VALUE || st == VALUE || st == VALUE_ESCAPE || st == SQ || st == DQ || st == DQ_ESCAPE) {
                if (st == VALUE && value_ws != (size_t) -1)
                        n_value = value_ws;
                env_push(e, key, n_key, key_ws, value, n_value);
        }
        return 0;
}

static const char *env_get(const struct env *e, const char *name, size_t len) {
        for (int i = 0; i < e->n; i++)
                if (strlen(e->name[i]) == len && !strncmp(e->name[i], name, len))
                        return e->value[i];
        return NULL;
}

/* ---- systemd 252: words, specifiers, environment, units ---- */

#define WHITESPACE " \t\n\r"

struct sbuf {
        char *s;
        size_t n, cap;
};

static void sb_add(struct sbuf *b, const char *p, size_t n) {
        if (b->n + n + 1 > b->cap) {
                b->cap = (b->n + n + 1) * 2;
                if (!(b->s = realloc(b->s, b->cap)))
                        abort();
        }
        memcpy(b->s + b->n, p, n);
        b->n += n;
        b->s[b->n] = '\0';
}

static char *sb_take(struct sbuf *b) {
        if (!b->s)
                sb_add(b, "", 0);
        return b->s;
}

static char *xstrdup(const char *s) {
        char *p = strdup(s);

        if (!p)
                abort();
        return p;
}

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static size_t utf8_encode(char *out, unsigned long c) {
        if (c < 0x80) {
                out[0] = (char) c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char) (0xc0 | (c >> 6));
                out[1] = (char) (0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char) (0xe0 | (c >> 12));
                out[1] = (char) (0x80 | ((c >> 6) & 0x3f));
                out[2] = (char) (0x80 | (c & 0x3f));
                return 3;
        }
        out[0] = (char) (0xf0 | (c >> 18));
        out[1] = (char) (0x80 | ((c >> 12) & 0x3f));
        out[2] = (char) (0x80 | ((c >> 6) & 0x3f));
        out[3] = (char) (0x80 | (c & 0x3f));
        return 4;
}

/* escape.c cunescape_one() (no NUL): the escape after a backslash at p;
 * its bytes in out (*n_out of them); the characters read, or -1. */
static int cunescape_one(const char *p, char *out, size_t *n_out) {
        static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''s ";
        unsigned long c = 0;
        int len;

        for (const char *s = simple; *s; s += 2)
                if (*p == s[0]) {
                        out[0] = s[1];
                        *n_out = 1;
                        return 1;
                }
        if (*p == 'x') {
                int a = unhex(p[1]), b = a < 0 ? -1 : unhex(p[2]);
                if (a < 0 || b < 0 || (a == 0 && b == 0))
                        return -1;
                out[0] = (char) (a << 4 | b);
                *n_out = 1;
                return 3;
        }
        if (*p == 'u' || *p == 'U') {
                len = *p == 'u' ? 4 : 8;
                for (int i = 1; i <= len; i++) {
                        int h = unhex(p[i]);
                        if (h < 0)
                                return -1;
                        c = c << 4 | (unsigned long) h;
                }
                if (c == 0)
                        return -1;
                /* unichar_is_valid(), for \U only */
                if (*p == 'U' && (c >= 0x110000 || (c & 0xfffff800) == 0xd800 || (c >= 0xfdd0 && c <= 0xfdef) ||
                                  (c & 0xfffe) == 0xfffe))
                        return -1;
                *n_out = utf8_encode(out, c);
                return len + 1;
        }
        if (*p >= '0' && *p <= '7') {
                for (int i = 0; i < 3; i++) {
                        if (p[i] < '0' || p[i] > '7')
                                return -1;
                        c = c << 3 | (unsigned long) (p[i] - '0');
                }
                if (c == 0 || c > 255)
                        return -1;
                out[0] = (char) c;
                *n_out = 1;
                return 3;
        }
        return -1;
}

enum {
        X_CUNESCAPE = 1,        /* EXTRACT_CUNESCAPE */
        X_UNESCAPE_RELAX = 2,   /* EXTRACT_UNESCAPE_RELAX: an unknown escape stays as written */
        X_RELAX = 4,            /* EXTRACT_RELAX: an open quote or a trailing backslash ends the word */
};

/* extract-word.c extract_first_word() with EXTRACT_UNQUOTE and whitespace as
 * separators: quotes open anywhere in a word and are removed, a backslash
 * escapes the next character (inside quotes too). 1 and the word in *ret,
 * 0 at the end, -1 on bad syntax. */
static int extract_word(const char **pp, char **ret, int flags) {
        const char *p = *pp + strspn(*pp, WHITESPACE);
        struct sbuf w = { 0 };
        char quote = 0;

        *ret = NULL;
        if (!*p) {
                *pp = p;
                return 0;
        }
        for (;; p++) {
                if (*p == '\\') {
                        p++;
                        if (!*p) {
                                if ((flags & X_UNESCAPE_RELAX) && (!quote || (flags & X_RELAX))) {
                                        sb_add(&w, "\\", 1);
                                        break;
                                }
                                if (flags & X_RELAX)
                                        break;
                                goto bad;
                        }
                        if (flags & X_CUNESCAPE) {
                                char out[8];
                                size_t n;
                                int r = cunescape_one(p, out, &n);
                                if (r > 0) {
                                        sb_add(&w, out, n);
                                        p += r - 1;
                                } else if (flags & X_UNESCAPE_RELAX) {
                                        sb_add(&w, "\\", 1);
                                        sb_add(&w, p, 1);
                                } else
                                        goto bad;
                        } else
                                sb_add(&w, p, 1);
                } else if (!*p) {
                        if (quote && !(flags & X_RELAX))
                                goto bad;
                        break;
                } else if (quote) {
                        if (*p == quote)
                                quote = 0;
                        else
                                sb_add(&w, p, 1);
                } else if (*p == '\'' || *p == '"')
                        quote = *p;
                else if (strchr(WHITESPACE, *p)) {
                        p += strspn(p, WHITESPACE);
                        break;
                } else
                        sb_add(&w, p, 1);
        }
        *pp = p;
        *ret = sb_take(&w);
        return 1;
bad:
        free(w.s);
        *pp = p;
        return -1;
}

static void env_set(struct env *e, const char *name, size_t n_name, const char *value) {
        for (int i = 0; i < e->n; i++)
                if (strlen(e->name[i]) == n_name && !strncmp(e->name[i], name, n_name)) {
                        free(e->value[i]);
                        e->value[i] = xstrdup(value);
                        return;
                }
        if (e->n < 256) {
                e->name[e->n] = strndup(name, n_name);
                e->value[e->n++] = xstrdup(value);
        }
}

static void env_clear(struct env *e) {
        for (int i = 0; i < e->n; i++) {
                free(e->name[i]);
                free(e->value[i]);
        }
        e->n = 0;
}

/* env-util.c replace_env() as ExecStart= uses it in v252 (no flags):
 * ${NAME} is replaced by the value (nothing when unset), "$$" is "$"; a
 * braceless $NAME inside a word, ${NAME:-x} and an open "${" stay as
 * written. */
static char *replace_env(const char *format, const struct env *e) {
        enum { WORD, CURLY, VARIABLE } state = WORD;
        const char *word = format, *p;
        struct sbuf r = { 0 };

        for (p = format; *p; p++)
                switch (state) {
                case WORD:
                        if (*p == '$')
                                state = CURLY;
                        break;
                case CURLY:
                        if (*p == '{') {
                                sb_add(&r, word, (size_t) (p - word - 1));
                                word = p - 1;
                                state = VARIABLE;
                        } else if (*p == '$') {
                                sb_add(&r, word, (size_t) (p - word));
                                word = p + 1;
                                state = WORD;
                        } else
                                state = WORD;
                        break;
                case VARIABLE:
                        if (*p == '}') {
                                const char *v = env_get(e, word + 2, (size_t) (p - word - 2));
                                if (v)
                                        sb_add(&r, v, strlen(v));
                                word = p + 1;
                                state = WORD;
                        } else if (*p == ':')
                                state = WORD;
                        break;
                }
        sb_add(&r, word, (size_t) (p - word));
        return sb_take(&r);
}

/* replace_env_argv(): a word "$NAME" (not "${", not "$$") is NAME's value
 * split at whitespace with quotes removed (EXTRACT_RELAX|EXTRACT_UNQUOTE),
 * zero or more words; every other word goes through replace_env(). */
static int replace_env_argv(char **argv, int argc, const struct env *e, char **out, int max) {
        int n = 0;

        for (int i = 0; i < argc && n < max; i++) {
                const char *w = argv[i];
                if (w[0] == '$' && w[1] != '{' && w[1] != '$') {
                        const char *v = env_get(e, w + 1, strlen(w + 1));
                        char *word;
                        while (v && n < max && extract_word(&v, &word, X_RELAX) > 0)
                                out[n++] = word;
                        continue;
                }
                out[n++] = replace_env(w, e);
        }
        return n;
}

/* The unit search path of systemd 252's system manager on Debian 12, as
 * `systemd-analyze unit-paths` prints it, less the generator directories
 * (generators run at boot; their output is not modelled). */
static const char *const unit_dirs[] = {
        "/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient",
        "/etc/systemd/system",         "/etc/systemd/system.attached", "/run/systemd/system",
        "/run/systemd/system.attached", "/usr/local/lib/systemd/system", "/lib/systemd/system",
        "/usr/lib/systemd/system",
};
#define N_UNIT_DIRS (sizeof unit_dirs / sizeof unit_dirs[0])
#define MAX_CMDS 16
#define MAX_DROPINS 256

struct command {
        char *argv[MAX_WORDS];
        int argc;
        bool no_expand;
};

struct unit {
        const char *root;
        char name[256], prefix[256], instance[256], template_name[264];
        bool is_instance;
        char fragment[PATH_MAX], fragment_file[PATH_MAX]; /* as found; resolved */
        char *dropins[MAX_DROPINS];
        int n_dropins;
        struct command *cmds[MAX_CMDS];
        int n_cmds;
        struct env env;
        char *env_files[64];
        int n_env_files;
        char err[2048];
};

__attribute__((format(printf, 2, 3)))
static int fail(struct unit *u, const char *fmt, ...) {
        va_list ap;

        if (!*u->err) {
                va_start(ap, fmt);
                vsnprintf(u->err, sizeof u->err, fmt, ap);
                va_end(ap);
        }
        return -1;
}

/* A + B with "//" collapsed and no trailing "/" (but for "/" itself). */
static void path_clean(char *out, size_t size, const char *a, const char *b) {
        char tmp[2 * PATH_MAX];
        size_t n = 0;

        snprintf(tmp, sizeof tmp, "%s%s", a, b);
        for (const char *s = tmp; *s && n + 1 < size; s++)
                if (!(*s == '/' && n > 0 && out[n - 1] == '/'))
                        out[n++] = *s;
        while (n > 1 && out[n - 1] == '/')
                n--;
        if (n == 0)
                out[n++] = '/';
        out[n] = '\0';
}

/* chase_symlinks() with a root: PATH inside ROOT, every symlink followed
 * inside ROOT (an absolute target is read from ROOT, ".." stops at ROOT).
 * The result, relative to ROOT, in out: 0, or -errno (-ENOENT with out set
 * to the path as resolved so far and the rest). */
static int chase(const char *root, const char *path, char *out, size_t size) {
        char todo[2 * PATH_MAX], done[PATH_MAX] = "", full[2 * PATH_MAX], target[PATH_MAX], rest[2 * PATH_MAX];
        int links = 0;

        if (snprintf(todo, sizeof todo, "%s", path) >= (int) sizeof todo)
                return -ENAMETOOLONG;
        for (char *p = todo;;) {
                size_t n, d;
                struct stat st;

                p += strspn(p, "/");
                if (!*p)
                        break;
                n = strcspn(p, "/");
                if (n == 1 && p[0] == '.') {
                        p += n;
                        continue;
                }
                if (n == 2 && p[0] == '.' && p[1] == '.') {
                        char *s = strrchr(done, '/');
                        if (s)
                                *s = '\0';
                        p += n;
                        continue;
                }
                d = strlen(done);
                if (d + 1 + n >= sizeof done)
                        return -ENAMETOOLONG;
                done[d] = '/';
                memcpy(done + d + 1, p, n);
                done[d + 1 + n] = '\0';
                p += n;
                if (snprintf(full, sizeof full, "%s%s", root, done) >= (int) sizeof full)
                        return -ENAMETOOLONG;
                if (lstat(full, &st) < 0) {
                        int e = errno;
                        path_clean(out, size, done, p);
                        return -e;
                }
                if (S_ISLNK(st.st_mode)) {
                        ssize_t l;
                        if (++links > 32)
                                return -ELOOP;
                        if ((l = readlink(full, target, sizeof target - 1)) < 0)
                                return -errno;
                        target[l] = '\0';
                        done[target[0] == '/' ? 0 : d] = '\0';
                        if (snprintf(rest, sizeof rest, "%s%s", target, p) >= (int) sizeof todo)
                                return -ENAMETOOLONG;
                        memcpy(todo, rest, strlen(rest) + 1);
                        p = todo;
                } else if (*p && !S_ISDIR(st.st_mode))
                        return -ENOTDIR;
        }
        snprintf(out, size, "%s", *done ? done : "/");
        return 0;
}

static bool valid_unit_chars(const char *s, size_t n, bool at) {
        for (size_t i = 0; i < n; i++)
                if (!(strchr("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:-_.\\", s[i]) ||
                      (at && s[i] == '@')) ||
                    !s[i])
                        return false;
        return true;
}

/* unit-name.c unit_name_unescape(): "-" is "/", "\xNN" a byte. */
static char *unit_unescape(const char *f) {
        struct sbuf r = { 0 };

        for (; *f; f++) {
                char c = *f;
                if (c == '-')
                        c = '/';
                else if (c == '\\') {
                        int a, b;
                        if (f[1] != 'x' || (a = unhex(f[2])) < 0 || (b = unhex(f[3])) < 0) {
                                free(r.s);
                                return NULL;
                        }
                        c = (char) (a << 4 | b);
                        f += 3;
                }
                sb_add(&r, &c, 1);
        }
        return sb_take(&r);
}

/* unit-printf.c's specifiers that a unit on an image at rest determines.
 * Those that need the running system (%H %l %m %b %v %a, os-release's %o
 * %w %W %B %M %A, cgroups' %c %r %R, %y %Y %d %q, %h %s from PID 1's
 * environment) and unknown letters are refused; systemd itself refuses
 * unknown letters and digits (the unit is then bad-setting). Another
 * character after "%" stays as written, as does a trailing "%". */
static char *unit_printf(struct unit *u, const char *text) {
        struct sbuf r = { 0 };

        for (const char *f = text; *f; f++) {
                char *w = NULL;
                const char *s = NULL;

                if (*f != '%') {
                        sb_add(&r, f, 1);
                        continue;
                }
                if (!*++f) {
                        sb_add(&r, "%", 1);
                        break;
                }
                switch (*f) {
                case '%': s = "%"; break;
                case 'i': s = u->instance; break;
                case 'I': w = unit_unescape(u->instance); break;
                case 'n': s = u->name; break;
                case 'N': w = strndup(u->name, strlen(u->name) - strlen(".service")); break;
                case 'p': s = u->prefix; break;
                case 'P': w = unit_unescape(u->prefix); break;
                case 'j':
                case 'J': {
                        const char *dash = strrchr(u->prefix, '-');
                        s = dash ? dash + 1 : u->prefix;
                        if (*f == 'J') {
                                w = unit_unescape(s);
                                s = NULL;
                        }
                        break;
                }
                case 'f': {
                        /* unit_name_path_unescape(): "-" is "/", else "/" and the
                         * unescaped name, which must not start or end in "/". */
                        const char *src = u->is_instance ? u->instance : u->prefix;
                        char *x = strcmp(src, "-") ? unit_unescape(src) : NULL;
                        if (!strcmp(src, "-"))
                                w = xstrdup("/");
                        else if (x && *x && *x != '/' && x[strlen(x) - 1] != '/' && asprintf(&w, "/%s", x) < 0)
                                abort();
                        free(x);
                        break;
                }
                case 't': s = "/run"; break;
                case 'S': s = "/var/lib"; break;
                case 'C': s = "/var/cache"; break;
                case 'L': s = "/var/log"; break;
                case 'E': s = "/etc"; break;
                case 'T': s = "/tmp"; break;
                case 'V': s = "/var/tmp"; break;
                case 'u':
                case 'g': s = "root"; break;
                case 'U':
                case 'G': s = "0"; break;
                default:
                        if ((*f >= 'a' && *f <= 'z') || (*f >= 'A' && *f <= 'Z') || (*f >= '0' && *f <= '9')) {
                                free(r.s);
                                fail(u, "specifier %%%c in \"%s\": not modelled (needs the running system) or unknown", *f, text);
                                return NULL;
                        }
                        sb_add(&r, f - 1, 2);
                        continue;
                }
                if (!s && !w) {
                        free(r.s);
                        fail(u, "specifier %%%c in \"%s\": cannot be resolved for %s", *f, text, u->name);
                        return NULL;
                }
                sb_add(&r, w ? w : s, strlen(w ? w : s));
                free(w);
        }
        return sb_take(&r);
}

static void command_free(struct command *c) {
        if (!c)
                return;
        for (int i = 0; i < c->argc; i++)
                free(c->argv[i]);
        free(c);
}

static bool string_is_safe(const char *p) {
        for (; *p; p++)
                if ((unsigned char) *p < ' ' || *p == 0x7f || strchr("\"'\\", *p))
                        return false;
        return true;
}

/* load-fragment.c config_parse_exec(): "" resets the list; commands are
 * separated by a lone ";" ("\;" is the word ";"); the prefixes - @ : + !
 * !! of the first word; words unquoted and C-unescaped (an unknown escape
 * stays as written), then specifiers resolved. A bad first word drops the
 * assignment; a bad later word makes the unit bad-setting, unless "-". */
static int parse_exec(struct unit *u, const char *rvalue) {
        const char *p = rvalue;
        const int flags = X_CUNESCAPE | X_UNESCAPE_RELAX;
        bool semicolon;

        if (!*rvalue) {
                for (int i = 0; i < u->n_cmds; i++)
                        command_free(u->cmds[i]);
                u->n_cmds = 0;
                return 0;
        }
        do {
                char *first, *path, *word;
                const char *f;
                bool ignore = false, argv0 = false, no_expand = false, plus = false, nosetuid = false, ambient = false;
                struct command *c;
                size_t l;

                semicolon = false;
                if (extract_word(&p, &first, flags) <= 0)
                        return 0;
                if (!strcmp(first, ";")) {
                        free(first);
                        semicolon = true;
                        continue;
                }
                for (f = first;; f++) {
                        if (*f == '-' && !ignore)
                                ignore = true;
                        else if (*f == '@' && !argv0)
                                argv0 = true;
                        else if (*f == ':' && !no_expand)
                                no_expand = true;
                        else if (*f == '+' && !plus && !nosetuid && !ambient)
                                plus = true;
                        else if (*f == '!' && !plus && !nosetuid && !ambient)
                                nosetuid = true;
                        else if (*f == '!' && !plus && !ambient) {
                                nosetuid = false;
                                ambient = true;
                        } else
                                break;
                }
                path = unit_printf(u, f);
                free(first);
                if (!path)
                        return ignore ? 0 : -1;
                l = strlen(path);
                if (!l || !string_is_safe(path) || path[l - 1] == '/' || l >= PATH_MAX ||
                    (path[0] != '/' && (strchr(path, '/') || !strcmp(path, ".") || !strcmp(path, "..") || l > 255))) {
                        int r = ignore ? 0 : fail(u, "ExecStart=%s: not an executable path", rvalue);
                        free(path);
                        return r;
                }
                if (!(c = calloc(1, sizeof *c)))
                        abort();
                c->no_expand = no_expand;
                if (!argv0)
                        c->argv[c->argc++] = xstrdup(path);
                free(path);
                while (*p) {
                        int r;
                        if (p[0] == ';' && (!p[1] || strchr(WHITESPACE, p[1]))) {
                                p++;
                                p += strspn(p, WHITESPACE);
                                semicolon = true;
                                break;
                        }
                        if (p[0] == '\\' && p[1] == ';' && (!p[2] || strchr(WHITESPACE, p[2]))) {
                                p += 2;
                                p += strspn(p, WHITESPACE);
                                word = xstrdup(";");
                        } else {
                                if ((r = extract_word(&p, &word, flags)) == 0)
                                        break;
                                if (r < 0) {
                                        command_free(c);
                                        return ignore ? 0 : fail(u, "ExecStart=%s: unbalanced quoting", rvalue);
                                }
                                char *resolved = unit_printf(u, word);
                                free(word);
                                if (!resolved) {
                                        command_free(c);
                                        return ignore ? 0 : -1;
                                }
                                word = resolved;
                        }
                        if (c->argc >= MAX_WORDS - 1) {
                                free(word);
                                command_free(c);
                                return fail(u, "ExecStart=%s: too many words", rvalue);
                        }
                        c->argv[c->argc++] = word;
                }
                if (c->argc == 0) {
                        command_free(c);
                        return ignore ? 0 : fail(u, "ExecStart=%s: no argv[0] after \"@\"", rvalue);
                }
                if (u->n_cmds >= MAX_CMDS) {
                        command_free(c);
                        return fail(u, "too many ExecStart= commands");
                }
                u->cmds[u->n_cmds++] = c;
        } while (semicolon);
        return 0;
}

static bool env_assignment_valid(const char *a) {
        const char *eq = strchr(a, '=');
        char name[4096];

        if (!eq || (size_t) (eq - a) >= sizeof name)
                return false;
        memcpy(name, a, (size_t) (eq - a));
        name[eq - a] = '\0';
        return env_name_valid(name);
}

/* config_parse_environ(): "" resets; words unquoted and C-unescaped, then
 * specifiers; an invalid assignment is skipped, bad syntax drops the rest
 * of the line; a later assignment of a name replaces the earlier. */
static int parse_environ(struct unit *u, const char *rvalue) {
        const char *p = rvalue;
        char *word;

        if (!*rvalue) {
                env_clear(&u->env);
                return 0;
        }
        while (extract_word(&p, &word, X_CUNESCAPE) > 0) {
                char *resolved = unit_printf(u, word);
                free(word);
                if (!resolved)
                        return -1;
                if (env_assignment_valid(resolved)) {
                        const char *eq = strchr(resolved, '=');
                        env_set(&u->env, resolved, (size_t) (eq - resolved), eq + 1);
                }
                free(resolved);
        }
        return 0;
}

/* config_parse_unit_env_file(): "" resets; the whole value (no unquoting)
 * after specifiers, "-" first for "missing is fine"; a path that is not
 * absolute or not normalized is ignored. */
static int parse_env_file(struct unit *u, const char *rvalue) {
        char *n, *path;

        if (!*rvalue) {
                for (int i = 0; i < u->n_env_files; i++)
                        free(u->env_files[i]);
                u->n_env_files = 0;
                return 0;
        }
        if (!(n = unit_printf(u, rvalue)))
                return -1;
        path = n + (*n == '-');
        if (*path != '/' || strstr(path, "/../") || (strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/..")) ||
            u->n_env_files >= 64) {
                free(n);
                return 0;
        }
        u->env_files[u->n_env_files++] = n;
        return 0;
}

/* conf-parser.c config_parse() and parse_line() for one unit file: lines
 * end at \n, \r\n, \r or NUL; a line whose first non-blank is # or ; is a
 * comment, also inside a continuation (so it does not end it); a trailing
 * unescaped backslash continues the line, replaced by a space; a bad
 * section header fails the unit, a line without "=" is ignored; only
 * [Service]'s ExecStart=, Environment= and EnvironmentFile= are read. */
static int parse_file(struct unit *u, const char *rel) {
        char full[2 * PATH_MAX], *data = NULL, *line, *cont = NULL, *section = NULL;
        size_t size = 0, pos = 0;
        FILE *f;
        bool bom = false;
        int r = 0;

        if (snprintf(full, sizeof full, "%s%s", u->root, rel) >= (int) sizeof full)
                return fail(u, "%s: path too long", rel);
        if (!(f = fopen(full, "re")))
                return fail(u, "%s: %s", rel, strerror(errno));
        for (;;) {
                char buf[65536];
                size_t n = fread(buf, 1, sizeof buf, f);
                if (!n)
                        break;
                if (!(data = realloc(data, size + n + 1)))
                        abort();
                memcpy(data + size, buf, n);
                size += n;
        }
        if (ferror(f)) {
                fclose(f);
                free(data);
                return fail(u, "%s: read error", rel);
        }
        fclose(f);
        if (!data && !(data = calloc(1, 1)))
                abort();
        data[size] = '\0';
        while (pos < size || cont) {
                const char *l, *key;
                char *e, *value, *p;
                bool escaped = false, at_eof = pos >= size;

                line = data + pos;
                if (!at_eof) {
                        size_t n = 0;
                        while (pos + n < size && data[pos + n] != '\n' && data[pos + n] != '\r' && data[pos + n] != '\0')
                                n++;
                        pos += n;
                        if (pos < size && data[pos] == '\r' && pos + 1 < size && data[pos + 1] == '\n')
                                data[pos++] = '\0';
                        if (pos < size)
                                data[pos++] = '\0';
                        l = line + strspn(line, WHITESPACE);
                        if (*l && strchr("#;", *l))
                                continue;
                        if (!bom && !strncmp(line, "\xef\xbb\xbf", 3)) {
                                line += 3;
                                bom = true;
                        }
                }
                if (cont) {
                        if (!at_eof) {
                                size_t a = strlen(cont), b = strlen(line);
                                if (!(cont = realloc(cont, a + b + 1)))
                                        abort();
                                memcpy(cont + a, line, b + 1);
                        }
                        p = cont;
                } else
                        p = line;
                if (!at_eof) {
                        for (e = p; *e; e++)
                                escaped = escaped ? false : *e == '\\';
                        if (escaped) {
                                e[-1] = ' ';
                                if (!cont)
                                        cont = xstrdup(line);
                                continue;
                        }
                }
                /* parse_line() */
                p = (char *) (p + strspn(p, WHITESPACE));
                for (e = p + strlen(p); e > p && strchr(WHITESPACE, e[-1]); e--)
                        ;
                *e = '\0';
                if (!*p || strchr("#;", *p)) {
                } else if (*p == '[') {
                        free(section);
                        section = NULL;
                        if (e[-1] != ']') {
                                r = fail(u, "%s: invalid section header '%s'", rel, p);
                                break;
                        }
                        section = strndup(p + 1, (size_t) (e - p - 2));
                } else if (section && (e = strchr(p, '=')) && e != p) {
                        value = e + 1 + strspn(e + 1, WHITESPACE);
                        for (*e = '\0'; e > p && strchr(WHITESPACE, e[-1]); e--)
                                e[-1] = '\0';
                        key = p;
                        if (!strcmp(section, "Service")) {
                                if (!strcmp(key, "ExecStart"))
                                        r = parse_exec(u, value);
                                else if (!strcmp(key, "Environment"))
                                        r = parse_environ(u, value);
                                else if (!strcmp(key, "EnvironmentFile"))
                                        r = parse_env_file(u, value);
                                if (r < 0)
                                        break;
                        }
                }
                free(cont);
                cont = NULL;
        }
        free(cont);
        free(section);
        free(data);
        return r;
}

/* A unit file (the fragment or a drop-in) as systemd takes it: "masked"
 * (a link to /dev/null, or empty), "missing", a regular file, another kind
 * (a drop-in directory "x.conf" is listed but reads as nothing), or an error. */
enum { UF_FILE, UF_MASKED, UF_MISSING, UF_OTHER };
static int unit_file(struct unit *u, const char *path, char *rel, size_t size) {
        char full[2 * PATH_MAX];
        struct stat st;
        int r = chase(u->root, path, rel, size);

        if (!strcmp(rel, "/dev/null") && (r == 0 || r == -ENOENT))
                return UF_MASKED;
        if (r == -ENOENT || r == -ENOTDIR)
                return UF_MISSING;
        if (r < 0)
                return fail(u, "%s: %s", path, strerror(-r));
        snprintf(full, sizeof full, "%s%s", u->root, rel);
        if (stat(full, &st) < 0)
                return fail(u, "%s: %s", path, strerror(errno));
        if (S_ISREG(st.st_mode) && st.st_size == 0)
                return UF_MASKED;
        return S_ISREG(st.st_mode) ? UF_FILE : UF_OTHER;
}

/* The fragment: NAME in the first directory of the search path that has
 * it, else (for an instance) the template the same way. */
static int find_fragment(struct unit *u) {
        const char *names[2] = { u->name, u->is_instance ? u->template_name : NULL };

        for (int k = 0; k < 2 && names[k]; k++)
                for (size_t i = 0; i < N_UNIT_DIRS; i++) {
                        char path[PATH_MAX], rel[PATH_MAX];
                        const char *base;
                        int t;

                        snprintf(path, sizeof path, "%s/%s", unit_dirs[i], names[k]);
                        if ((t = unit_file(u, path, rel, sizeof rel)) < 0)
                                return -1;
                        if (t == UF_MISSING)
                                continue;
                        if (t == UF_MASKED)
                                return fail(u, "%s is masked (%s)", u->name, path);
                        if (t == UF_OTHER)
                                return fail(u, "%s: not a regular file", path);
                        base = strrchr(rel, '/') + 1;
                        if (strcmp(base, names[k]) && !(k == 0 && u->is_instance && !strcmp(base, u->template_name)))
                                return fail(u, "%s links to %s: aliases are not modelled", path, rel);
                        /* An instance linked to its template is that template's. */
                        snprintf(u->fragment, sizeof u->fragment, "%s", strcmp(base, names[k]) ? rel : path);
                        snprintf(u->fragment_file, sizeof u->fragment_file, "%s", rel);
                        return 0;
                }
        return fail(u, "%s: no unit file in the search path (not found)", u->name);
}

static void add_dir(struct unit *u, const char *path, char **dirs, int *n) {
        char rel[PATH_MAX], full[2 * PATH_MAX];
        struct stat st;

        if (*n >= MAX_DROPINS || chase(u->root, path, rel, sizeof rel) < 0)
                return;
        snprintf(full, sizeof full, "%s%s", u->root, rel);
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
                dirs[(*n)++] = xstrdup(rel);
}

/* dropin.c unit_file_find_dirs(): NAME.service.d, for an instance the
 * template's, then for a name with a "-" the prefix's ("a-b-c@i.service":
 * "a-b-@i.service", then "a-@i.service"), each the same way. */
static void find_dirs(struct unit *u, const char *dir, const char *name, char **dirs, int *n) {
        char path[PATH_MAX], prefix[256], built[512];
        const char *at = strchr(name, '@'), *inst = NULL;
        size_t len;
        bool chopped = false;

        snprintf(path, sizeof path, "%s/%s.d", dir, name);
        add_dir(u, path, dirs, n);
        len = at ? (size_t) (at - name) : strlen(name) - strlen(".service");
        if (at && at[1] != '.') {
                char template_name[256];
                inst = at + 1;
                snprintf(template_name, sizeof template_name, "%.*s@.service", (int) len, name);
                find_dirs(u, dir, template_name, dirs, n);
        }
        snprintf(prefix, sizeof prefix, "%.*s", (int) len, name);
        for (;;) {
                char *dash = strrchr(prefix, '-');
                size_t k;
                if (!dash || dash == prefix)
                        return;
                k = (size_t) (dash - prefix);
                if (prefix[k + 1] || chopped) {
                        prefix[k + 1] = '\0';
                        break;
                }
                prefix[k] = '\0';
                chopped = true;
        }
        if (inst)
                snprintf(built, sizeof built, "%s@%.*s", prefix, (int) (strlen(inst) - strlen(".service")), inst);
        else
                snprintf(built, sizeof built, "%s", prefix);
        strncat(built, ".service", sizeof built - strlen(built) - 1);
        find_dirs(u, dir, built, dirs, n);
}

static int cmp_base(const void *a, const void *b) {
        return strcmp(strrchr(*(char *const *) a, '/'), strrchr(*(char *const *) b, '/'));
}

/* The drop-ins: *.conf (not hidden) of every directory above in every
 * search directory, then service.d in each; a name seen in an earlier
 * directory masks the same name later; applied in the order of the names. */
static int find_dropins(struct unit *u) {
        char *dirs[MAX_DROPINS];
        int n_dirs = 0, r = 0;

        for (size_t i = 0; i < N_UNIT_DIRS; i++)
                find_dirs(u, unit_dirs[i], u->name, dirs, &n_dirs);
        for (size_t i = 0; i < N_UNIT_DIRS; i++) {
                char path[PATH_MAX];
                snprintf(path, sizeof path, "%s/service.d", unit_dirs[i]);
                add_dir(u, path, dirs, &n_dirs);
        }
        for (int i = 0; i < n_dirs; i++) {
                char full[2 * PATH_MAX];
                struct dirent *de;
                DIR *d;

                snprintf(full, sizeof full, "%s%s", u->root, dirs[i]);
                if (!(d = opendir(full)))
                        continue;
                while ((de = readdir(d)) && u->n_dropins < MAX_DROPINS) {
                        size_t l = strlen(de->d_name);
                        bool seen = false;
                        char *p;
                        if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 5, ".conf"))
                                continue;
                        for (int j = 0; j < u->n_dropins && !seen; j++)
                                seen = !strcmp(strrchr(u->dropins[j], '/') + 1, de->d_name);
                        if (seen)
                                continue;
                        if (asprintf(&p, "%s/%s", strcmp(dirs[i], "/") ? dirs[i] : "", de->d_name) < 0)
                                abort();
                        u->dropins[u->n_dropins++] = p;
                }
                closedir(d);
        }
        for (int i = 0; i < n_dirs; i++)
                free(dirs[i]);
        qsort(u->dropins, (size_t) u->n_dropins, sizeof u->dropins[0], cmp_base);
        return r;
}

static int unit_init(struct unit *u, const char *root, const char *name) {
        size_t l = strlen(name);
        const char *at = strchr(name, '@');

        memset(u, 0, sizeof *u);
        u->root = root;
        if (l >= sizeof u->name || l <= strlen(".service") || strcmp(name + l - 8, ".service"))
                return fail(u, "%s: not a service unit name", name);
        snprintf(u->name, sizeof u->name, "%s", name);
        l -= 8;
        if (at) {
                size_t p = (size_t) (at - name);
                if (!p || !valid_unit_chars(name, p, false) || !valid_unit_chars(at + 1, l - p - 1, true))
                        return fail(u, "%s: not a valid unit name", name);
                if (l - p - 1 == 0)
                        return fail(u, "%s: a template cannot be started; name an instance", name);
                snprintf(u->prefix, sizeof u->prefix, "%.*s", (int) p, name);
                snprintf(u->instance, sizeof u->instance, "%.*s", (int) (l - p - 1), at + 1);
                snprintf(u->template_name, sizeof u->template_name, "%.*s@.service", (int) p, name);
                u->is_instance = true;
        } else {
                if (!valid_unit_chars(name, l, false))
                        return fail(u, "%s: not a valid unit name", name);
                snprintf(u->prefix, sizeof u->prefix, "%.*s", (int) l, name);
        }
        return 0;
}

static void unit_free(struct unit *u) {
        for (int i = 0; i < u->n_dropins; i++)
                free(u->dropins[i]);
        for (int i = 0; i < u->n_cmds; i++)
                command_free(u->cmds[i]);
        for (int i = 0; i < u->n_env_files; i++)
                free(u->env_files[i]);
        env_clear(&u->env);
}

/* Loads UNIT under ROOT: the fragment, then the drop-ins in order. */
static int unit_load(struct unit *u, const char *root, const char *name) {
        if (unit_init(u, root, name) < 0 || find_fragment(u) < 0 || find_dropins(u) < 0 || parse_file(u, u->fragment_file) < 0)
                return -1;
        for (int i = 0; i < u->n_dropins; i++) {
                char rel[PATH_MAX];
                int t = unit_file(u, u->dropins[i], rel, sizeof rel);
                if (t < 0)
                        return -1;
                if (t == UF_FILE && parse_file(u, rel) < 0)
                        return -1;
        }
        if (u->n_cmds == 0)
                return fail(u, "%s has no ExecStart= (systemd refuses to load it)", name);
        if (u->n_cmds > 1)
                return fail(u, "%s has %d ExecStart= commands (systemd refuses that but for Type=oneshot)", name, u->n_cmds);
        return 0;
}

/* execute.c: the environment at exec, Environment= overridden by every
 * EnvironmentFile= in order (a missing file without "-" fails the start);
 * the manager's own variables (PATH, LANG, $MAINPID ...) are not modelled. */
static int exec_env(struct unit *u, struct env *e) {
        for (int i = 0; i < u->env.n; i++)
                env_set(e, u->env.name[i], strlen(u->env.name[i]), u->env.value[i]);
        for (int i = 0; i < u->n_env_files; i++) {
                const char *fn = u->env_files[i] + (u->env_files[i][0] == '-');
                bool ignore = u->env_files[i][0] == '-';
                char full[2 * PATH_MAX];
                if (strpbrk(fn, "*?[{"))
                        return fail(u, "EnvironmentFile=%s: globs are not modelled", u->env_files[i]);
                char rel[PATH_MAX];
                int r = chase(u->root, fn, rel, sizeof rel);
                if (!strcmp(rel, "/dev/null") && (r == 0 || r == -ENOENT))
                        continue;
                if (r < 0 || snprintf(full, sizeof full, "%s%s", u->root, rel) >= (int) sizeof full || env_read(full, e) < 0) {
                        if (ignore)
                                continue;
                        return fail(u, "EnvironmentFile=%s: cannot be read (the start fails)", fn);
                }
        }
        return 0;
}

/* The argument vector systemd execs for the unit's one command. */
static int unit_argv(struct unit *u, char **out, int max) {
        struct env e = { .n = 0 };
        struct command *c = u->cmds[0];
        int n = 0;

        if (exec_env(u, &e) < 0) {
                env_clear(&e);
                return -1;
        }
        if (c->no_expand)
                for (; n < c->argc && n < max; n++)
                        out[n] = xstrdup(c->argv[n]);
        else
                n = replace_env_argv(c->argv, c->argc, &e, out, max);
        env_clear(&e);
        return n;
}

/* --systemd-argv: the RHEL package's memcached.service, ExecStart=EXECSTART
 * and EnvironmentFile=FILE. */
static int systemd_argv(const char *file, const char *exec_start, char **argv) {
        struct unit u;
        struct env e = { .n = 0 };
        int n;

        const char *es = exec_start ? exec_start : RHEL_EXEC_START;

        unit_init(&u, "", "memcached.service");
        if (parse_exec(&u, es) < 0 || u.n_cmds != 1) {
                fprintf(stderr, "mcargs: %s\n", *u.err ? u.err : "ExecStart= is not one command");
                exit(2);
        }
        if (env_read(file, &e) < 0) {
                perror(file);
                exit(2);
        }
        n = replace_env_argv(u.cmds[0]->argv, u.cmds[0]->argc, &e, argv, MAX_WORDS - 1);
        env_clear(&e);
        unit_free(&u);
        return n;
}

/* --unit, --unit-listeners, --unit-dump: the unit loaded, then its argv. */
static int unit_mode(const char *mode, int version, const char *root, const char *name) {
        struct unit u;
        char *out[MAX_WORDS];
        bool dump = !strcmp(mode, "--unit-dump");
        int n = 0, rc = 0;

        if (unit_load(&u, root, name) < 0 || (!dump && (n = unit_argv(&u, out, MAX_WORDS - 1)) < 0)) {
                fprintf(stderr, "mcargs: %s\n", u.err);
                unit_free(&u);
                return 1;
        }
        if (dump) {
                printf("fragment %s\n", u.fragment);
                for (int j = 0; j < u.n_dropins; j++)
                        printf("dropin %s\n", u.dropins[j]);
                for (int j = 0; j < u.env.n; j++)
                        printf("environment %s=%s\n", u.env.name[j], u.env.value[j]);
                for (int j = 0; j < u.n_env_files; j++)
                        printf("environment-file %s\n", u.env_files[j]);
                for (int j = 0; j < u.cmds[0]->argc; j++)
                        printf("argv <%s>\n", u.cmds[0]->argv[j]);
        } else if (!strcmp(mode, "--unit"))
                for (int j = 0; j < n; j++)
                        printf("<%s>\n", out[j]);
        else
                rc = listeners(n, out, version);
        for (int j = 0; j < n; j++)
                free(out[j]);
        unit_free(&u);
        return rc;
}

static int usage(void) {
        fprintf(stderr, "usage: mcargs STRING | --listeners [--mc VERSION] (STRING | -- ARG...) |\n"
                        "       --systemd-env FILE NAME | --systemd-argv FILE [EXECSTART] |\n"
                        "       --systemd [--mc VERSION] FILE [EXECSTART] |\n"
                        "       --unit ROOT UNIT | --unit-listeners [--mc VERSION] ROOT UNIT |\n"
                        "       --unit-dump ROOT UNIT | --resolve ROOT PATH\n");
        return 2;
}

int main(int argc, char **argv) {
        char *words[MAX_WORDS] = { "memcached" };
        int n = 1, version = parse_version("head"), i = 2;

        if (argc == 2)
                return legacy(argv[1]);
        if (argc < 3)
                return usage();
        if (argc > 4 && !strcmp(argv[2], "--mc")) {
                if ((version = parse_version(argv[3])) < 0)
                        return usage();
                i = 4;
        }
        if (!strcmp(argv[1], "--listeners")) {
                if (argc == i + 1) {
                        for (char *save = NULL, *w = strtok_r(argv[i], " \t\n", &save); w && n < MAX_WORDS - 1;
                             w = strtok_r(NULL, " \t\n", &save))
                                words[n++] = w;
                } else if (!strcmp(argv[i], "--")) {
                        for (i++; i < argc && n < MAX_WORDS - 1; i++)
                                words[n++] = argv[i];
                } else
                        return usage();
                return listeners(n, words, version);
        }
        if (!strcmp(argv[1], "--systemd-env") && argc == 4) {
                struct env e = { .n = 0 };
                const char *v;
                if (env_read(argv[2], &e) < 0) {
                        perror(argv[2]);
                        return 2;
                }
                v = env_get(&e, argv[3], strlen(argv[3]));
                printf("%s\n", v ? v : "unset");
                for (int j = 0; j < e.n; j++) {
                        free(e.name[j]);
                        free(e.value[j]);
                }
                return 0;
        }
        if (!strcmp(argv[1], "--systemd-argv") && (argc == 3 || argc == 4)) {
                char *out[MAX_WORDS];
                int m = systemd_argv(argv[2], argc == 4 ? argv[3] : NULL, out);
                for (int j = 0; j < m; j++) {
                        printf("<%s>\n", out[j]);
                        free(out[j]);
                }
                return 0;
        }
        if (!strcmp(argv[1], "--systemd") && (argc == i + 1 || argc == i + 2)) {
                char *out[MAX_WORDS];
                int m = systemd_argv(argv[i], argc == i + 2 ? argv[i + 1] : NULL, out);
                /* out[0] is the command: memcached's argv[0]. */
                int rc = listeners(m, out, version);
                for (int j = 0; j < m; j++)
                        free(out[j]);
                return rc;
        }
        if ((!strcmp(argv[1], "--unit") || !strcmp(argv[1], "--unit-dump")) && argc == 4)
                return unit_mode(argv[1], version, argv[2], argv[3]);
        if (!strcmp(argv[1], "--unit-listeners") && argc == i + 2)
                return unit_mode(argv[1], version, argv[i], argv[i + 1]);
        if (!strcmp(argv[1], "--resolve") && argc == 4) {
                char rel[PATH_MAX];
                int r = chase(argv[2], argv[3], rel, sizeof rel);
                if (r < 0) {
                        fprintf(stderr, "mcargs: %s in %s: %s\n", argv[3], argv[2], strerror(-r));
                        return 1;
                }
                printf("%s\n", rel);
                return 0;
        }
        return usage();
}
