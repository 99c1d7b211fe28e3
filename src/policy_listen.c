/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The listen rule of the policy (policy_rules.h), and --listen's check
 * (policy.h): every element of every -l memcached takes, judged by its host
 * (listen.h's grammar, resolve.h's names); safe elements kept byte for byte.
 */
#include "policy.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cleanup.h"
#include "listen.h"
#include "policy_rules.h"
#include "resolve.h"

/* What the listen rule puts in when nothing safe is left. */
#define SAFE_DEFAULT_LISTEN "127.0.0.1"

/* A listener element as judged: the class of its host; for a host name
 * that of its worst address, or ADDR_HOSTNAME when it does not resolve. */
typedef struct Verdict {
        char *host;             /* NULL when the element does not parse */
        AddrClass cls;
        const HostEntry *entry; /* a host name's entry (none: not resolved at all) */
} Verdict;

static void verdict_done(Verdict *v) {
        free(v->host);
}

/* The worst class among a name's addresses: wildcard, public, private, loopback. */
static AddrClass name_class(const HostEntry *e) {
        AddrClass worst = ADDR_LOOPBACK;

        for (size_t i = 0; i < e->n_addresses; i++) {
                AddrClass c = addr_classify_host(e->addresses[i]);
                if (c == ADDR_WILDCARD)
                        return ADDR_WILDCARD;
                if (!addr_class_allowed(c))
                        worst = ADDR_PUBLIC;
                else if (worst == ADDR_LOOPBACK)
                        worst = c;
        }
        return worst;
}

static int judge_element(const char *element, const HostTable *hosts, Verdict *ret) {
        Verdict v = { .cls = ADDR_INVALID };
        int r = listen_element_host(element, &v.host);

        if (r == -ENOMEM)
                return r;
        if (r >= 0)
                v.cls = addr_classify_host(v.host);
        if (v.cls == ADDR_HOSTNAME) {
                v.entry = host_table_find(hosts, v.host);
                if (v.entry && v.entry->n_addresses > 0)
                        v.cls = name_class(v.entry);
        }
        *ret = v;
        return 0;
}

/* Whether memcached takes the element as a listener we keep: a safe one, or
 * a name that does not resolve (reported, never edited). */
static bool verdict_kept(const Verdict *v) {
        return addr_class_allowed(v->cls) || v->cls == ADDR_HOSTNAME;
}

/* Every character --listen may hold: an address in any listener form. */
#define LISTEN_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:[]_-*,"

static int check_listen_element(const char *el, ErrorInfo *e) {
        _cleanup_(verdict_done) Verdict v = {};
        int r = judge_element(el, NULL, &v);

        if (r < 0)
                return r;
        if (v.cls == ADDR_HOSTNAME)
                return error_set(e, -EINVAL, "use", el, 0,
                                 "give the loopback or private addresses the name should mean",
                                 "--listen takes addresses, not host names, which memcached resolves anew at each start");
        if (!addr_class_allowed(v.cls))
                return error_set(e, -EINVAL, "use", el, 0,
                                 "give loopback (127.0.0.1, ::1) or private (10/8, 172.16/12, 192.168/16, fc00::/7) addresses",
                                 "--listen refuses a %s address", addr_class_to_string(v.cls));
        return 0;
}

int policy_check_listen(const char *listen, ErrorInfo *e) {
        ListenList l = {};
        int r;

        if (strchr(listen, ';'))
                return error_set(e, -EINVAL, "use", listen, 0, "separate addresses with ','",
                                 "--listen refuses ';', which ends a command wherever the value reaches a shell");
        if (listen[strspn(listen, LISTEN_CHARS)] != '\0')
                return error_set(e, -EINVAL, "use", listen, 0, "give addresses separated with ','",
                                 "--listen takes letters, digits and . : [ ] _ - * , only");
        r = listen_split(listen, &l);
        for (size_t i = 0; r >= 0 && i < l.n; i++)
                r = check_listen_element(l.elements[i], e);
        if (r >= 0 && l.n == 0)
                r = error_set(e, -EINVAL, "use", listen, 0, "give at least one address",
                              "--listen needs a comma-separated list of addresses");
        listen_list_done(&l);
        return r;
}

/* ", "-joined addresses of E, or "no address". */
static char *addresses_text(const HostEntry *e) {
        size_t len = 1;
        char *s;

        for (size_t i = 0; e && i < e->n_addresses; i++)
                len += strlen(e->addresses[i]) + 2;
        if (!(s = calloc(1, len + sizeof "no address")))
                return NULL;
        for (size_t i = 0; e && i < e->n_addresses; i++)
                strcat(strcat(s, i ? ", " : ""), e->addresses[i]);
        return *s ? s : strcpy(s, "no address");
}

/* Names HOST and its addresses in the finding just added. */
static int attach_host(PolicyResult *out, const char *host, const HostEntry *e) {
        Finding *f = &out->findings[out->n_findings - 1];
        size_t n = e ? e->n_addresses : 0;

        f->addresses = calloc(n + 1, sizeof *f->addresses);
        if (!f->addresses || !(f->host = strdup(host)))
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (!(f->addresses[i] = strdup(e->addresses[i])))
                        return -ENOMEM;
        return 0;
}

/* The finding of a host name: kept (INFO), public, or unresolved. */
static int note_name(PolicyResult *out, const HostTable *hosts, const Arg *a, const Verdict *v) {
        _cleanup_free_ char *addrs = addresses_text(v->entry);
        int r;

        if (!addrs)
                return -ENOMEM;
        if (addr_class_allowed(v->cls))
                r = policy_add_finding(out, "listen-hostname", SEVERITY_INFO, a->line,
                                       "-l %s: '%s' resolves to %s (%s): kept", a->value, v->host, addrs,
                                       addr_class_to_string(v->cls));
        else if (v->cls == ADDR_HOSTNAME)
                r = policy_add_finding(out, "listen-unresolved", SEVERITY_HIGH, a->line,
                                       "-l %s: '%s' does not resolve (%s), so where memcached would listen cannot be "
                                       "judged; give --listen with the addresses you mean, or add the name to %s",
                                       a->value, v->host, v->entry ? v->entry->why : "not looked up",
                                       hosts && hosts->hosts_path ? hosts->hosts_path : "/etc/hosts");
        else
                r = policy_add_finding(out, "listen-hostname-public", SEVERITY_HIGH, a->line,
                                       "-l %s: '%s' resolves to %s, %s: memcached would listen there", a->value,
                                       v->host, addrs, v->cls == ADDR_WILDCARD ? "every interface" : "not only private");
        return r < 0 ? r : attach_host(out, v->host, v->entry);
}

static const struct {
        AddrClass cls;
        const char *id;
        Severity severity;
        const char *why;
} listen_findings[] = {
        { ADDR_WILDCARD, "listen-wildcard", SEVERITY_HIGH, "listens on every interface" },
        { ADDR_PUBLIC, "listen-public", SEVERITY_HIGH, "is a public address" },
        { ADDR_INVALID, "listen-invalid", SEVERITY_MEDIUM, "is not a listener memcached accepts" },
};

/* The finding of one element of a -l memcached takes, when it has one. */
static int note_element(PolicyResult *out, const HostTable *hosts, const Arg *a, const char *element, const Verdict *v) {
        if (v->host && addr_classify_host(v->host) == ADDR_HOSTNAME)
                return note_name(out, hosts, a, v);
        for (size_t i = 0; i < ELEMENTSOF(listen_findings); i++)
                if (listen_findings[i].cls == v->cls)
                        return policy_add_finding(out, listen_findings[i].id, listen_findings[i].severity, a->line,
                                                  "-l %s: '%s' %s", a->value, element, listen_findings[i].why);
        return 0;
}

/* Keeps the elements of one -l value we keep, byte for byte, joined with
 * ','; *ret_kept is NULL when none is, and the value itself when nothing
 * was dropped (empty elements, which memcached skips, are no reason to
 * rewrite it). */
static int filter_listen(PolicyResult *out, const HostTable *hosts, const Arg *a, char **ret_kept) {
        _cleanup_free_ char *kept = calloc(1, strlen(a->value) + 1);
        ListenList l = {};
        size_t len = 0, dropped = 0;
        int r;

        if (!kept || (r = listen_split(a->value, &l)) < 0)
                return -ENOMEM;
        for (size_t i = 0; r >= 0 && i < l.n; i++) {
                _cleanup_(verdict_done) Verdict v = {};

                r = judge_element(l.elements[i], hosts, &v);
                if (r >= 0)
                        r = note_element(out, hosts, a, l.elements[i], &v);
                if (r >= 0 && verdict_kept(&v))
                        len += (size_t) sprintf(kept + len, "%s%s", len ? "," : "", l.elements[i]);
                else
                        dropped++;
        }
        listen_list_done(&l);
        if (r >= 0 && len == 0 && dropped == 0) /* no address at all: memcached would not start */
                r = policy_add_finding(out, "listen-invalid", SEVERITY_MEDIUM, a->line, "-l '%s' names no address",
                                       a->value);
        if (r >= 0 && len > 0 && dropped == 0) {
                free(kept);
                if (!(kept = strdup(a->value)))
                        r = -ENOMEM;
        }
        if (r < 0)
                return r;
        *ret_kept = len ? TAKE_PTR(kept) : NULL;
        return 0;
}

/* The first element of a -l memcached ignores today (a substring of the
 * list before it) that we would not keep, in *RET_BAD (NULL: none). */
static int judge_ignored(const HostTable *hosts, const Arg *a, char **ret_bad) {
        _cleanup_free_ char *bad = NULL;
        ListenList l = {};
        int r;

        r = listen_split(a->value, &l);
        for (size_t i = 0; r >= 0 && !bad && i < l.n; i++) {
                _cleanup_(verdict_done) Verdict v = {};

                r = judge_element(l.elements[i], hosts, &v);
                if (r >= 0 && !addr_class_allowed(v.cls) && !(bad = strdup(l.elements[i])))
                        r = -ENOMEM;
        }
        listen_list_done(&l);
        if (r < 0)
                return r;
        *ret_bad = TAKE_PTR(bad);
        return 0;
}

/* No -l at all: memcached binds every interface. Adds -l VALUE. */
static int listen_missing(PolicyResult *out, const char *value) {
        int r = policy_add_finding(out, "listen-missing", SEVERITY_HIGH, 0,
                                   "no -l option: memcached listens on every interface");
        return r < 0 ? r : policy_add_edit(out, EDIT_APPEND, 0, 'l', value);
}

/* TAKEN[i]: whether ARGS[i] is an effective -l that memcached takes, once
 * the edits of AFTER (NULL: none) are made. */
static int listen_taken_args(const Arg *args, size_t n, const PolicyResult *after, bool **ret_taken) {
        _cleanup_free_ const char **values = calloc(n ?: 1, sizeof *values);
        _cleanup_free_ bool *taken = calloc(n ?: 1, sizeof *taken), *t = calloc(n ?: 1, sizeof *t);
        _cleanup_free_ size_t *index = calloc(n ?: 1, sizeof *index);
        size_t m = 0;
        int r;

        if (!values || !taken || !t || !index)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const Edit *e = policy_edit_of(after, i);

                if (!args[i].effective || args[i].letter != 'l' || (e && e->op == EDIT_DELETE))
                        continue;
                index[m] = i;
                values[m++] = e ? e->value : args[i].value ?: "";
        }
        r = listen_taken(values, m, t);
        if (r < 0)
                return r;
        for (size_t k = 0; k < m; k++)
                taken[index[k]] = t[k];
        *ret_taken = TAKE_PTR(taken);
        return 0;
}

/* An ignored -l that holds a listener we would not keep (BAD[i]) goes once
 * the edits so far would make memcached take it, until none would. The
 * others stay: what memcached ignores is no exposure, and removing an
 * ignored -l never changes what memcached does. */
static int settle_ignored(PolicyResult *out, const Arg *args, size_t n, char **bad) {
        size_t removed;
        int r;

        do {
                _cleanup_free_ bool *taken = NULL;

                removed = 0;
                r = listen_taken_args(args, n, out, &taken);
                for (size_t i = 0; r >= 0 && i < n; i++) {
                        if (!bad[i] || !taken[i] || policy_edit_of(out, i))
                                continue;
                        r = policy_add_finding(out, "listen-ignored", SEVERITY_LOW, args[i].line,
                                               "-l %s is ignored today (it is part of the -l list before it), but "
                                               "holds '%s' and would count once that list is edited: removed",
                                               args[i].value, bad[i]);
                        if (r >= 0)
                                r = policy_add_edit(out, EDIT_DELETE, i, 'l', NULL);
                        removed++;
                }
        } while (r >= 0 && removed > 0);
        return r;
}

/* The -l before option I that memcached takes once the edits are made
 * (TAKEN), or SIZE_MAX. */
static size_t taken_before(const bool *taken, size_t i) {
        while (i-- > 0)
                if (taken[i])
                        return i;
        return SIZE_MAX;
}

/* Moves the listeners ARGS[I] keeps into the -l P memcached takes before
 * it: the same list, in the same order, to memcached. */
static int merge_into(PolicyResult *out, const Arg *args, size_t p, size_t i) {
        Edit *ep = (Edit *) policy_edit_of(out, p), *ei = (Edit *) policy_edit_of(out, i);
        const char *kept = ei ? ei->value : args[i].value;
        char *joined;
        int r;

        if (asprintf(&joined, "%s,%s", ep ? ep->value : args[p].value, kept) < 0)
                return -ENOMEM;
        r = policy_add_finding(out, "listen-merged", SEVERITY_LOW, args[i].line,
                               "-l %s: the listeners kept, '%s', join the -l on line %u, as memcached would skip "
                               "them on their own as part of the list before them", args[i].value, kept,
                               args[p].line);
        if (r >= 0 && !ep)
                r = policy_add_edit(out, EDIT_SET, p, 'l', joined);
        else if (r >= 0) {
                free(ep->value);
                ep->value = TAKE_PTR(joined);
        }
        free(joined);
        if (r >= 0 && !ei)
                r = policy_add_edit(out, EDIT_DELETE, i, 'l', NULL);
        else if (r >= 0) {
                ei->op = EDIT_DELETE;
                free(ei->value);
                ei->value = NULL;
        }
        return r;
}

/* A safe listener is never dropped: a -l memcached takes today whose value,
 * after the edits, would be part of the list before it (so skipped) has
 * its listeners join the -l before it, until no -l is lost so. */
static int keep_taken(PolicyResult *out, const Arg *args, size_t n, const bool *taken_today) {
        bool again = true;
        int r = 0;

        while (again && r >= 0) {
                _cleanup_free_ bool *taken = NULL;
                const Edit *e;
                size_t p;

                again = false;
                r = listen_taken_args(args, n, out, &taken);
                for (size_t i = 0; r >= 0 && !again && i < n; i++) {
                        e = policy_edit_of(out, i);
                        if (!taken_today[i] || taken[i] || (e && e->op == EDIT_DELETE) ||
                            (p = taken_before(taken, i)) == SIZE_MAX)
                                continue;
                        r = merge_into(out, args, p, i);
                        again = true;
                }
        }
        return r;
}

typedef struct KeepState {
        bool any_listen, any_safe;
        size_t first_emptied;
} KeepState;

/* One -l memcached takes: its unsafe elements go. */
static int judge_taken(PolicyResult *out, const HostTable *hosts, const Arg *args, size_t i, KeepState *st) {
        _cleanup_free_ char *kept = NULL;
        int r;

        r = filter_listen(out, hosts, &args[i], &kept);
        if (r < 0)
                return r;
        if (kept)
                st->any_safe = true;
        if (kept && strcmp(kept, args[i].value) == 0)
                return 0;
        if (kept)
                return policy_add_edit(out, EDIT_SET, i, 'l', kept);
        if (st->first_emptied == SIZE_MAX) {
                st->first_emptied = i; /* decided below: reused or removed */
                return 0;
        }
        return policy_add_edit(out, EDIT_DELETE, i, 'l', NULL);
}

/* Per option: the unsafe element of an ignored -l (judge_ignored()). */
typedef struct BadElements {
        char **v;
        size_t n;
} BadElements;

static void bad_elements_done(BadElements *b) {
        for (size_t i = 0; i < b->n; i++)
                free(b->v[i]);
        free(b->v);
}

static int rule_listen_keep_safe(PolicyResult *out, const Arg *args, size_t n, const HostTable *hosts) {
        _cleanup_(bad_elements_done) BadElements bad = { calloc(n ?: 1, sizeof(char *)), n };
        _cleanup_free_ bool *taken = NULL;
        KeepState st = { .first_emptied = SIZE_MAX };
        int r;

        if (!bad.v)
                return -ENOMEM;
        r = listen_taken_args(args, n, NULL, &taken);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                if (!args[i].effective || args[i].letter != 'l')
                        continue;
                st.any_listen = true;
                r = taken[i] ? judge_taken(out, hosts, args, i, &st) : judge_ignored(hosts, &args[i], &bad.v[i]);
        }
        if (r < 0)
                return r;

        if (!st.any_listen)
                return listen_missing(out, SAFE_DEFAULT_LISTEN);
        /* Nothing safe left: the first emptied option becomes the loopback
         * bind in place, so the fix stands where the admin will look. */
        if (st.first_emptied != SIZE_MAX)
                r = st.any_safe ? policy_add_edit(out, EDIT_DELETE, st.first_emptied, 'l', NULL)
                                : policy_add_edit(out, EDIT_SET, st.first_emptied, 'l', SAFE_DEFAULT_LISTEN);
        if (r >= 0)
                r = settle_ignored(out, args, n, bad.v);
        if (r >= 0)
                r = keep_taken(out, args, n, taken);
        for (size_t i = 0; r >= 0 && i < n; i++)
                if (args[i].effective && args[i].letter == 'l' && !taken[i] && !policy_edit_of(out, i))
                        r = policy_add_finding(out, "listen-ignored", SEVERITY_INFO, args[i].line,
                                               "-l %s is ignored: memcached skips a -l that is part of the list "
                                               "before it", args[i].value);
        return r;
}

static int rule_listen_requested(PolicyResult *out, const Arg *args, size_t n, const char *listen) {
        size_t first = SIZE_MAX;
        int r;

        for (size_t i = 0; i < n; i++) {
                if (!args[i].effective || args[i].letter != 'l')
                        continue;
                if (first == SIZE_MAX) {
                        first = i;
                        continue;
                }
                r = policy_add_finding(out, "listen-requested", SEVERITY_LOW, args[i].line,
                                "-l %s is not part of the requested --listen %s", args[i].value, listen);
                if (r >= 0)
                        r = policy_add_edit(out, EDIT_DELETE, i, 'l', NULL);
                if (r < 0)
                        return r;
        }
        if (first == SIZE_MAX)
                return listen_missing(out, listen);
        if (strcmp(args[first].value, listen) == 0)
                return 0;
        r = policy_add_finding(out, "listen-requested", SEVERITY_LOW, args[first].line,
                        "-l %s differs from the requested --listen %s", args[first].value, listen);
        return r < 0 ? r : policy_add_edit(out, EDIT_SET, first, 'l', listen);
}

int policy_rule_listen(PolicyResult *out, const Arg *args, size_t n, const char *listen, const HostTable *hosts) {
        return listen ? rule_listen_requested(out, args, n, listen) : rule_listen_keep_safe(out, args, n, hosts);
}
