/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ufw's rule files (fwfiles.h), read as ufw 0.36 reads them back
 * (backend_iptables.py, _read_rules()): each rule is one line
 * "### tuple ### ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION"
 * with an optional " comment=HEX" last, 6 to 9 fields. The iptables lines
 * below each tuple are ufw's rendering of it; the tuple is what ufw itself
 * takes as the rule, so it is what is judged here. An application rule's
 * tuple has its profile's ports and protocol already in it.
 */
#include "fwfiles.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "util.h"

#define TUPLE_PREFIX "### tuple ###"
#define TUPLE_FIELDS_MAX 9

typedef struct Tuple {
        char *f[TUPLE_FIELDS_MAX];
        size_t n;
        const char *action;    /* allow, limit, deny, reject: without "_log" */
        bool log, log_all;
        const char *proto, *dport, *dst, *sport, *src, *dapp, *sapp, *dir;
} Tuple;

bool fw_ufw_enabled(const char *conf) {
        bool enabled = false;

        /* ufw's _read_defaults(): a line matching ^\w+="?\w+"?, split at
         * '=', the key and value lower-cased, quotes stripped; the last
         * ENABLED= wins. */
        for (const char *l = conf; l && *l;) {
                const char *end = strchrnul(l, '\n'), *eq = l;
                while (eq < end && (isalnum((unsigned char) *eq) || *eq == '_'))
                        eq++;
                if (eq > l && eq < end && *eq == '=' && (size_t) (eq - l) == strlen("ENABLED") &&
                    strncasecmp(l, "ENABLED", eq - l) == 0) {
                        const char *v = eq + 1, *ve = v;
                        while (ve < end && *ve != '=')
                                ve++;
                        while (ve > v && strchr(" \t\r", ve[-1]))
                                ve--;
                        while (v < ve && strchr("\"'", *v))
                                v++;
                        while (ve > v && strchr("\"'", ve[-1]))
                                ve--;
                        enabled = ve - v == 3 && strncasecmp(v, "yes", 3) == 0;
                }
                l = *end ? end + 1 : end;
        }
        return enabled;
}

/* Whether ufw's port list S ("any", "N", "N:M", comma-separated) has PORT. */
static bool port_list_has(const char *s, int port) {
        if (strcmp(s, "any") == 0)
                return true;
        for (const char *p = s; *p;) {
                char item[32], *colon;
                size_t len = strcspn(p, ",");
                long lo, hi;

                if (len > 0 && len < sizeof item) {
                        memcpy(item, p, len);
                        item[len] = 0;
                        colon = strchr(item, ':');
                        if (colon)
                                *colon++ = 0;
                        if (safe_atol(item, 1, 65535, &lo) >= 0 &&
                            (colon ? safe_atol(colon, lo, 65535, &hi) : (hi = lo, 0)) >= 0 && port >= lo &&
                            port <= hi)
                                return true;
                }
                p += len;
                if (*p == ',')
                        p++;
        }
        return false;
}

static bool is_any_addr(const char *a) {
        return strcmp(a, "0.0.0.0/0") == 0 || strcmp(a, "::/0") == 0 || strcmp(a, "any") == 0;
}

static bool carries_udp(const Tuple *t) {
        return strcmp(t->proto, "any") == 0 || strcmp(t->proto, "udp") == 0;
}

/* Splits LINE's tuple (after the prefix) into T, whose fields are copies. 0,
 * or -EINVAL for one ufw itself skips as malformed. */
static int tuple_parse(const char *line, size_t len, Tuple *t) {
        _cleanup_free_ char *s = strndup(line, len);
        char *c, *save = NULL, *w;

        *t = (Tuple) {};
        if (!s)
                return -ENOMEM;
        c = strstr(s, " comment=");  /* always last, as ufw writes it */
        if (c)
                *c = 0;
        for (w = strtok_r(s, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
                if (t->n == TUPLE_FIELDS_MAX)
                        return -EINVAL;
                if (!(t->f[t->n++] = strdup(w)))
                        return -ENOMEM;
        }
        if (t->n < 6)
                return -EINVAL;
        t->dir = t->n == 7 || t->n == 9 ? t->f[t->n - 1] : "in";
        t->action = t->f[0];
        t->proto = t->f[1];
        t->dport = t->f[2];
        t->dst = t->f[3];
        t->sport = t->f[4];
        t->src = t->f[5];
        t->dapp = t->n >= 8 && strcmp(t->f[6], "-") != 0 ? t->f[6] : NULL;
        t->sapp = t->n >= 8 && strcmp(t->f[7], "-") != 0 ? t->f[7] : NULL;
        /* "allow_log", "allow_log-all": the action and its logging */
        c = strchr(t->f[0], '_');
        if (c) {
                t->log_all = strcmp(c, "_log-all") == 0;
                t->log = !t->log_all;
                *c = 0;
        }
        return 0;
}

static void tuple_done(Tuple *t) {
        for (size_t i = 0; i < t->n; i++)
                free(t->f[i]);
        *t = (Tuple) {};
}

/* Whether T is one 'ufw ACTION PORT[/PROTO]' writes: to any port of this
 * host from anywhere, on every interface, no application. */
static bool simple_rule(const Tuple *t) {
        return strcmp(t->dir, "in") == 0 && !t->dapp && !t->sapp && is_any_addr(t->src) && is_any_addr(t->dst) &&
               strcmp(t->sport, "any") == 0 && strcmp(t->dport, "any") != 0;
}

/* The ufw command that deletes T, in ufw's rule syntax: the short form
 * where ufw has one ("ufw delete allow 11211/udp"), the full one otherwise. */
static char *delete_command(const Tuple *t) {
        const char *iface = strncmp(t->dir, "in_", 3) == 0 ? t->dir + 3 : NULL;
        bool any_proto = strcmp(t->proto, "any") == 0;
        char *s = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&s, &size);

        if (!f)
                return NULL;
        fprintf(f, "ufw delete %s", t->action);
        if (iface)
                fprintf(f, " in on %s", iface);
        if (t->log || t->log_all)
                fputs(t->log_all ? " log-all" : " log", f);
        if (simple_rule(t))
                fprintf(f, " %s%s%s", t->dport, any_proto ? "" : "/", any_proto ? "" : t->proto);
        else {
                if (!any_proto && !t->dapp && !t->sapp) /* ufw takes no proto with an app */
                        fprintf(f, " proto %s", t->proto);
                fprintf(f, " from %s", is_any_addr(t->src) ? "any" : t->src);
                if (t->sapp)
                        fprintf(f, " app %s", t->sapp);
                else if (strcmp(t->sport, "any") != 0)
                        fprintf(f, " port %s", t->sport);
                fprintf(f, " to %s", is_any_addr(t->dst) ? "any" : t->dst);
                if (t->dapp)
                        fprintf(f, " app %s", t->dapp);
                else if (strcmp(t->dport, "any") != 0)
                        fprintf(f, " port %s", t->dport);
        }
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}

/* The finding for allow/limit rule T at LINE that lets UDP to OPEN's ports. */
static int add_rule_finding(const char *path, unsigned line, const Tuple *t, const FwPorts *open, bool enabled,
                            FwFindings *out) {
        _cleanup_free_ char *del = delete_command(t);
        char what[FW_PORTS_MAX * 12 + 1] = "";
        const char *iface = strncmp(t->dir, "in_", 3) == 0 ? t->dir + 3 : NULL;
        char readd[64];
        size_t w = 0;

        if (!del)
                return -ENOMEM;
        snprintf(readd, sizeof readd, "ufw %s %.20s/tcp", t->action, t->dport);
        for (size_t i = 0; i < open->n && w < sizeof what; i++)
                w += snprintf(what + w, sizeof what - w, "%s%d/udp", i ? ", " : "", open->port[i]);
        return fw_findings_add(
                out, FW_OPENS_UDP, path, line, !enabled,
                "ufw %s%s %s%s%s%s%s%s%s, which lets %s in%s%s: remove it with '%s'%s%s%s%s%s",
                strcmp(t->action, "limit") == 0 ? "limits (and so allows)" : "allows",
                strcmp(t->dport, "any") == 0 ? " every port" : " port",
                strcmp(t->dport, "any") == 0 ? "" : t->dport,
                strcmp(t->proto, "any") == 0 ? " on every protocol" : "/udp",
                t->dapp ? " (application '" : "", t->dapp ?: "", t->dapp ? "')" : "",
                is_any_addr(t->src) ? "" : " from ", is_any_addr(t->src) ? "" : t->src, what,
                iface ? " on " : "", iface ?: "", del,
                /* an application's delete takes every port of its profile */
                t->dapp || t->sapp ? ", which removes every port of the application, and allow the TCP ports "
                                     "clients need by number with 'proto tcp'"
                : strcmp(t->proto, "any") != 0 ? "" : simple_rule(t) ? ", then '" : " and add it again with 'proto tcp'",
                t->dapp || t->sapp || strcmp(t->proto, "any") != 0 ? "" : simple_rule(t) ? readd : "",
                t->dapp || t->sapp || strcmp(t->proto, "any") != 0 ? ""
                : simple_rule(t) ? "' if clients need TCP" : " if clients need TCP",
                enabled ? "" : "; ufw is not enabled (ENABLED=yes is not in /etc/ufw/ufw.conf), so it opens nothing ",
                enabled ? "" : "until 'ufw enable'");
}

/* Judges one tuple LINE (its text after the prefix, LEN bytes). SHADOWED[i]:
 * port i of PORTS is denied or rejected from anywhere by a rule before, so
 * ufw's first match never reaches a later allow for it. */
static int judge_tuple(const char *path, unsigned line, const char *text, size_t len, const FwPorts *ports,
                       bool *shadowed, bool enabled, FwFindings *out) {
        FwPorts open = {};
        Tuple t;
        int r;

        r = tuple_parse(text, len, &t);
        /* ufw skips a malformed tuple; a route rule is forwarded traffic and
         * an "out" rule leaves: none reaches a daemon of this host. */
        if (r < 0 || strchr(t.action, ':') || strncmp(t.dir, "in", 2) != 0 || !carries_udp(&t)) {
                tuple_done(&t);
                return r == -ENOMEM ? r : 0;
        }
        for (size_t i = 0; i < ports->n; i++) {
                if (shadowed[i] || !port_list_has(t.dport, ports->port[i]))
                        continue;
                if (strcmp(t.action, "allow") == 0 || strcmp(t.action, "limit") == 0)
                        fw_ports_add(&open, ports->port[i]);
                else if (strcmp(t.dir, "in") == 0 && is_any_addr(t.src) && is_any_addr(t.dst) &&
                         strcmp(t.sport, "any") == 0)
                        shadowed[i] = true;
        }
        r = open.n > 0 ? add_rule_finding(path, line, &t, &open, enabled, out) : 0;
        tuple_done(&t);
        return r;
}

int fw_ufw_judge(const char *path, const char *text, const FwPorts *ports, bool enabled, FwFindings *out) {
        bool shadowed[FW_PORTS_MAX] = {};
        const size_t n = strlen(TUPLE_PREFIX);
        unsigned line = 0;

        for (const char *l = text; l && *l;) {
                const char *end = strchrnul(l, '\n');
                int r;

                line++;
                if (strncmp(l, TUPLE_PREFIX, n) == 0 && (size_t) (end - l) >= n) {
                        r = judge_tuple(path, line, l + n, end - l - n, ports, shadowed, enabled, out);
                        if (r < 0)
                                return r;
                }
                l = *end ? end + 1 : end;
        }
        return 0;
}
