/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test oracle: what memcached 1.6 makes of its arguments, and what systemd
 * hands it from an EnvironmentFile. Written from memcached's memcached.c
 * (main()'s getopt loop and `case 'l'`, server_sockets()) and from systemd's
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
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Splits s at whitespace, honouring '…' and "…" and a backslash before any
 * character, quotes removed (extract_first_word() with EXTRACT_UNQUOTE and
 * EXTRACT_RELAX, as $VAR's expansion and the unit's own words use). */
static int split_unquote(const char *s, char **out, int n, int max) {
        while (*s && n < max) {
                char word[65536];
                size_t k = 0;
                char quote = 0;

                while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
                        s++;
                if (!*s)
                        break;
                for (; *s && k < sizeof word - 1; s++) {
                        if (quote && *s == quote)
                                quote = 0;
                        else if (!quote && (*s == '\'' || *s == '"'))
                                quote = *s;
                        else if (*s == '\\' && s[1])
                                word[k++] = *++s;
                        else if (!quote && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
                                break;
                        else
                                word[k++] = *s;
                }
                word[k] = '\0';
                out[n++] = strdup(word);
        }
        return n;
}

/* ExecStart=: a word that is exactly $NAME becomes NAME's value split into
 * words (none when unset); ${NAME} inside a word is replaced verbatim, so
 * that word stays one argument; "$$" is a "$". */
static int exec_argv(const char *exec_start, const struct env *e, char **argv, int max) {
        char *words[MAX_WORDS];
        int n_words = split_unquote(exec_start, words, 0, MAX_WORDS), n = 0;

        for (int i = 0; i < n_words && n < max; i++) {
                const char *w = words[i];
                if (i > 0 && w[0] == '$' && w[1] != '{' && w[1] != '$') {
                        const char *v = env_name_valid(w + 1) ? env_get(e, w + 1, strlen(w + 1)) : NULL;
                        if (v)
                                n = split_unquote(v, argv, n, max);
                        continue;
                }
                char out[65536];
                size_t k = 0;
                for (const char *p = w; *p && k < sizeof out - 1;) {
                        const char *end;
                        if (i > 0 && p[0] == '$' && p[1] == '$') {
                                out[k++] = '$';
                                p += 2;
                        } else if (i > 0 && p[0] == '$' && p[1] == '{' && (end = strchr(p + 2, '}'))) {
                                const char *v = env_get(e, p + 2, (size_t) (end - p - 2));
                                for (; v && *v && k < sizeof out - 1; v++)
                                        out[k++] = *v;
                                p = end + 1;
                        } else
                                out[k++] = *p++;
                }
                out[k] = '\0';
                argv[n++] = strdup(out);
        }
        for (int i = 0; i < n_words; i++)
                free(words[i]);
        return n;
}

static int systemd_argv(const char *file, const char *exec_start, char **argv) {
        struct env e = { .n = 0 };
        int n;

        if (env_read(file, &e) < 0) {
                perror(file);
                exit(2);
        }
        n = exec_argv(exec_start ? exec_start : RHEL_EXEC_START, &e, argv, MAX_WORDS - 1);
        for (int i = 0; i < e.n; i++) {
                free(e.name[i]);
                free(e.value[i]);
        }
        return n;
}

static int usage(void) {
        fprintf(stderr, "usage: mcargs STRING | --listeners [--mc VERSION] (STRING | -- ARG...) |\n"
                        "       --systemd-env FILE NAME | --systemd-argv FILE [EXECSTART] |\n"
                        "       --systemd [--mc VERSION] FILE [EXECSTART]\n");
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
        return usage();
}
